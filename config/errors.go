package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// FieldError is one problem found in a configuration.
//
// Path names the field in YAML terms, e.g. "accounts[0].credentials.secret_key"
// (empty for problems that concern the whole file, such as a syntax error).
// Line is the 1-based line in the YAML file, or 0 when unknown (for example
// when Validate checks a Config built in Go code).
//
// A FieldError never contains the value of a secret.
type FieldError struct {
	Path string
	Line int
	Msg  string

	file string // configuration file name; set by Load and Parse
	ref  string // path of another field the message refers to; Load and Parse append its line
}

// Error formats the problem as "line N: path: msg", or as "file:N: path: msg"
// when it comes from Load or Parse. The line and path parts are left out when
// unknown.
func (e *FieldError) Error() string {
	var b strings.Builder
	switch {
	case e.file != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.file, e.Line)
	case e.file != "":
		b.WriteString(e.file + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// joinFieldErrors returns nil for no errors, else all of them joined with
// errors.Join, so that errors.As finds each *FieldError.
func joinFieldErrors(errs []*FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	return errors.Join(list...)
}

// sortByLine orders errors by line, keeping the discovery order on ties.
func sortByLine(errs []*FieldError) {
	slices.SortStableFunc(errs, func(a, b *FieldError) int { return cmp.Compare(a.Line, b.Line) })
}

// quote quotes a (non-secret) value for an error message, shortening long
// values so a message stays on one readable line.
func quote(s string) string {
	const maxBytes = 64
	if len(s) > maxBytes {
		return fmt.Sprintf("%q...", runes.Cut(s, maxBytes))
	}
	return fmt.Sprintf("%q", s)
}

// lineIndex holds the line in the YAML file of each field path (as in
// FieldError.Path): a mapping's keys (and the root, the empty path) one by
// one, a sequence's items as one slice under the sequence's path, so that
// 10,000 task ids cost a slice of lines rather than 10,000 keys.
type lineIndex struct {
	fields map[string]int
	items  map[string][]int
}

func newLineIndex() lineIndex {
	return lineIndex{fields: map[string]int{}, items: map[string][]int{}}
}

// line returns the line of path itself, if the index has one.
func (idx lineIndex) line(path string) (int, bool) {
	if line, ok := idx.fields[path]; ok {
		return line, true
	}
	open := strings.LastIndexByte(path, '[')
	if open < 0 || !strings.HasSuffix(path, "]") {
		return 0, false
	}
	i, err := strconv.Atoi(path[open+1 : len(path)-1])
	if lines := idx.items[path[:open]]; err == nil && i >= 0 && i < len(lines) {
		return lines[i], true
	}
	return 0, false
}

// lineOf returns the line of path, falling back to the nearest parent path
// that has one, or 0.
func (idx lineIndex) lineOf(path string) int {
	for {
		if line, ok := idx.line(path); ok {
			return line
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

// annotate fills e.Line from the index and appends the line of the field the
// message refers to, if any.
func (idx lineIndex) annotate(e *FieldError) {
	e.Line = idx.lineOf(e.Path)
	if e.ref == "" {
		return
	}
	if line, ok := idx.line(e.ref); ok {
		e.Msg += fmt.Sprintf(" (line %d)", line)
	}
}

// parentPath strips the last element of a path: "a.b[1]" -> "a.b" -> "a" -> "".
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// isUnder reports whether path is parent or lies below it.
func isUnder(path, parent string) bool {
	if !strings.HasPrefix(path, parent) {
		return false
	}
	rest := path[len(parent):]
	return rest == "" || parent == "" || rest[0] == '.' || rest[0] == '['
}
