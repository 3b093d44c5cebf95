package huaweicloud

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
)

// Redacted replaces a secret in text that came from the network.
const Redacted = "<redacted>"

// minSecretLen is the shortest value scrubbed: a shorter one would mangle
// ordinary text and is no real key.
const minSecretLen = 4

// scrubber removes secrets from text the cloud sent back. A real API
// gateway echoes the access key in some 401 messages ("ak … not exist"); a
// hostile endpoint can echo the security token or the request's signature,
// raw or encoded. Each secret is replaced in its raw, URL-escaped, base64
// and hex forms, in any letter case.
type scrubber struct {
	forms []string // ASCII lower case
}

// newScrubber returns a scrubber for the given secrets; empty and very short
// ones are ignored.
func newScrubber(secrets ...string) scrubber {
	var s scrubber
	for _, v := range secrets {
		if len(v) < minSecretLen {
			continue
		}
		b := []byte(v)
		for _, f := range []string{v, url.QueryEscape(v), url.PathEscape(v),
			base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			hex.EncodeToString(b)} {
			s.forms = append(s.forms, asciiLower(f))
		}
	}
	return s
}

// scrub returns text with every form of every secret replaced by Redacted.
func (s scrubber) scrub(text string) string {
	if len(s.forms) == 0 || text == "" {
		return text
	}
	// lower has the same length as text, so an index in one is an index in
	// the other; Redacted is lower case, so they stay aligned.
	lower := asciiLower(text)
	for _, f := range s.forms {
		for i := strings.Index(lower, f); i >= 0; i = strings.Index(lower, f) {
			text = text[:i] + Redacted + text[i+len(f):]
			lower = lower[:i] + Redacted + lower[i+len(f):]
		}
	}
	return text
}

// asciiLower lowers the bytes A to Z only, so the result has the length of
// s (also when s is not valid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
