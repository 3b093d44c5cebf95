package config

import (
	"regexp"
	"strings"
)

// envNameRE is the form of NAME in a ${NAME} reference.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandEnv replaces each ${NAME} in s with the value of the environment
// variable NAME, as returned by lookup. "$${" stands for a literal "${"; a "$"
// not followed by "{" is kept as is.
//
// It returns the expanded string and one message per problem: an unset
// variable, or a "${" that does not start a valid reference. Messages name
// variables but never quote s, which may hold a secret.
func expandEnv(s string, lookup func(string) (string, bool)) (string, []string) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var (
		b        strings.Builder
		problems []string
	)
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$${"):
			b.WriteString("${")
			i += len("$${")
		case strings.HasPrefix(s[i:], "${"):
			value, n, problem := expandRef(s[i:], lookup)
			if problem != "" {
				problems = append(problems, problem)
			}
			b.WriteString(value)
			i += n
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), problems
}

// expandRef expands the reference at the start of s, which begins with "${".
// It returns the replacement, the number of bytes consumed and a problem
// message (empty if none).
func expandRef(s string, lookup func(string) (string, bool)) (value string, n int, problem string) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return s, len(s), `"${" without a closing "}" (write "$${" for a literal "${")`
	}
	name := s[len("${"):end]
	if !envNameRE.MatchString(name) {
		return s[:end+1], end + 1, `invalid "${...}" reference: the variable name must match [A-Za-z_][A-Za-z0-9_]* (write "$${" for a literal "${")`
	}
	value, ok := lookup(name)
	if !ok {
		return "", end + 1, "environment variable " + name + " is not set"
	}
	return value, end + 1, ""
}
