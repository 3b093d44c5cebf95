package huaweicloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// Number is a numeric API field. Huawei Cloud APIs send the same field as a
// JSON number in one edition and as a JSON string in another, so a Number
// accepts 12, 12.5, "12.5", " 7 " and "95%". The values "", "-", "N/A",
// null and a missing field mean "no value": Value then reports ok=false and
// the caller omits the series instead of exporting a 0 it does not know.
//
// Decoding a Number never fails the surrounding document: a string that is
// not a number is kept as a per-field error (Err) so that the task's other
// fields are still used.
type Number struct{ field[float64] }

// field is a decoded API field: a value, no value, or a per-field error.
type field[T any] struct {
	value T
	set   bool
	err   error
}

// Value returns the field's value and whether the API gave one.
func (f field[T]) Value() (T, bool) { return f.value, f.set }

// Err is the reason the field's value could not be read, or nil.
func (f field[T]) Err() error { return f.err }

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
// A plain string or a number is read in place, without a copy.
func (n *Number) UnmarshalJSON(b []byte) error {
	*n = Number{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null":
		return nil
	case b[0] == '"':
		if inner, ok := plainLiteral(b); ok {
			n.value, n.set, n.err = parseNumberBytes(inner)
			return nil
		}
		s, err := unquote(b)
		if err != nil {
			n.err = err
			return nil
		}
		n.value, n.set, n.err = parseNumber(s)
	case b[0] == '{' || b[0] == '[' || b[0] == 't' || b[0] == 'f':
		n.err = fmt.Errorf("expected a number, got %s", kindOf(b[0]))
	default:
		n.value, n.set, n.err = parseNumberBytes(b)
	}
	return nil
}

// NumberError is a Number with no value whose reading failed with err: a
// value that decoded but makes no sense for its field.
func NumberError(err error) Number { return Number{field[float64]{err: err}} }

// maxReported bounds how much of a bad value goes into an error message.
const maxReported = 32

// parseNumber reads a number the way the APIs write them: surrounding white
// space is ignored, one trailing "%" is dropped (the caller knows the unit),
// and "", "-", "N/A" (any case) and "null" mean no value (ok=false, err=nil).
// NaN and infinities are rejected: they are never a real measurement.
func parseNumber(s string) (v float64, ok bool, err error) {
	return parseNumberBytes([]byte(s))
}

// parseNumberBytes is parseNumber on bytes, so that a number read from a
// body costs no string allocation unless it is an error.
func parseNumberBytes(s []byte) (v float64, ok bool, err error) {
	t := bytes.TrimSpace(s)
	if n := len(t); n > 0 && t[n-1] == '%' {
		t = bytes.TrimSpace(t[:n-1])
	}
	if len(t) == 0 || string(t) == "-" || bytes.EqualFold(t, []byte("n/a")) || bytes.EqualFold(t, []byte("null")) {
		return 0, false, nil
	}
	if !plainDecimal(t) {
		return 0, false, notANumber(s)
	}
	v, err = strconv.ParseFloat(string(t), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, notANumber(s)
	}
	return v, true, nil
}

// notANumber is parseNumber's error for s.
func notANumber(s []byte) error {
	return fmt.Errorf("not a number: %q", runes.Truncate(string(s), maxReported))
}

// plainDecimal rejects the forms strconv accepts but no API writes: hex
// floats, "Inf", "NaN" and underscores.
func plainDecimal(t []byte) bool {
	for i := range t {
		c := t[i]
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

// Bool is a boolean API field that may arrive as true/false, "true"/"false",
// 1/0 or "1"/"0". Like Number it never fails the document.
type Bool struct{ field[bool] }

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (b *Bool) UnmarshalJSON(data []byte) error {
	*b = Bool{}
	s := bytes.TrimSpace(data)
	if len(s) > 0 && s[0] == '"' {
		if inner, ok := plainLiteral(s); ok {
			s = bytes.TrimSpace(inner)
		} else {
			str, err := unquote(s)
			if err != nil {
				b.err = err
				return nil
			}
			s = []byte(strings.TrimSpace(str))
		}
	}
	switch {
	case len(s) == 0, lowerIs(s, "null"), lowerIs(s, "-"), lowerIs(s, "n/a"):
	case lowerIs(s, "true"), lowerIs(s, "1"):
		b.value, b.set = true, true
	case lowerIs(s, "false"), lowerIs(s, "0"):
		b.set = true
	default:
		b.err = fmt.Errorf("not a boolean: %q", runes.Truncate(string(s), maxReported))
	}
	return nil
}

// lowerIs reports whether strings.ToLower(string(s)) == lower, for a lower
// in ASCII without 'i' and 'k' (the only ASCII letters a non-ASCII rune
// lower-cases to), without converting s.
func lowerIs(s []byte, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := range s {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// Text is a string API field that tolerates a number or boolean in its place
// (rendered as written) and treats null as empty. It never fails the document.
type Text string

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (t *Text) UnmarshalJSON(b []byte) error {
	*t = ""
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null", b[0] == '{', b[0] == '[':
	case b[0] == '"':
		if inner, ok := plainLiteral(b); ok {
			*t = Text(bytes.TrimSpace(inner))
		} else if s, err := unquote(b); err == nil {
			*t = Text(strings.TrimSpace(s))
		}
	default:
		*t = Text(b)
	}
	return nil
}

// String returns the text.
func (t Text) String() string { return string(t) }

// unquote decodes the JSON string literal b. A literal without escapes or
// control characters, in valid UTF-8, is used as it is, without the cost
// of json.Unmarshal; that is most of what the APIs send.
func unquote(b []byte) (string, error) {
	if inner, ok := plainLiteral(b); ok {
		return string(inner), nil
	}
	d := decoder{data: b}
	if d.peek() == '"' {
		start := d.pos
		d.str()
		end := d.pos
		if d.ws(); d.syntax == nil && d.pos == len(b) {
			return string(appendUnquoted(nil, b[start:end])), nil
		}
	}
	// Not a lone string literal: json.Unmarshal's error (or "" for null),
	// from a copy, so that b does not escape to the heap.
	var s string
	err := json.Unmarshal(bytes.Clone(b), &s)
	return s, err
}

// plainLiteral returns the content of the string literal b when it is its
// value: no escapes or control characters, valid UTF-8.
func plainLiteral(b []byte) ([]byte, bool) {
	n := len(b)
	if n < 2 || b[0] != '"' || b[n-1] != '"' {
		return nil, false
	}
	inner := b[1 : n-1]
	ascii := true
	for _, c := range inner {
		if c < 0x20 || c == '\\' || c == '"' {
			return nil, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	return inner, ascii || utf8.Valid(inner)
}

func kindOf(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	default:
		return "a boolean"
	}
}
