// Package runes shortens strings without cutting a UTF-8 sequence in half:
// the cloud's error messages are often Chinese, and a label value or a log
// line must stay valid UTF-8.
package runes

import "unicode/utf8"

// Ellipsis marks a string that Truncate shortened.
const Ellipsis = "…"

// Cut returns s shortened to at most n bytes, ending on a rune boundary.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Truncate is Cut followed by Ellipsis when s was longer than n bytes.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Cut(s, n) + Ellipsis
}
