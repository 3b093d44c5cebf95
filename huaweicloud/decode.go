package huaweicloud

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// decodeOptions are how an answer is decoded: with encoding/json/v2 (the
// go-json-experiment module), told to read answers as encoding/json (v1)
// did, because that is what the APIs' other clients do and what the quirk
// tables were written against:
//
//   - keys match the struct tags exactly, else case-insensitively by
//     Unicode simple folding ("STATUS", "ſtate"), but never with "_" or
//     "-" ignored (v2's default would match "taskid" to task_id);
//   - a duplicate key is allowed and its last value wins;
//   - invalid UTF-8 is allowed and becomes U+FFFD;
//   - null leaves a struct field as it is, and makes a slice or map nil;
//     a list decodes into the elements already there (v1's merge rules).
//
// Nesting deeper than 10,000 levels is refused (both versions' limit).
// The tolerant field types (Number, Bool, Text, List, Timestamp, OMSErrorReason,
// SMSSubtaskInfo, SMSConsistencyCheck) decode themselves (UnmarshalJSONFrom) and never fail
// the document. Read only.
var decodeOptions = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv1.MergeWithLegacySemantics(true),
)

// failedDecodeOptions are decodeOptions with v1's errors: a value of the
// wrong kind for its field (a string where a list belongs) leaves that
// field as it is and the rest of the document is still decoded; the
// document then fails with the first such error (postBatch reads the jobs'
// errors from a 4xx body decoded so). A body that is not valid JSON is
// checked before anything is decoded, so that it leaves the answer as it
// was. Read only.
var failedDecodeOptions = json.JoinOptions(decodeOptions, jsonv1.ReportErrorsWithLegacySemantics(true))

// decodeJSON decodes the answer body data into out, a pointer to a zero
// answer. A body decodes with decodeOptions, and one that fails is decoded
// again from the zero value with failedDecodeOptions: v1's errors need a
// check of the whole body before decoding, which would cost every answer
// a second pass (about a fifth of the decoding) for the few that fail.
//
// It is also the UnmarshalJSON of the types that decode themselves, for
// callers that decode them with encoding/json: they get the result the
// client gets.
func decodeJSON(data []byte, out any) error {
	if json.Unmarshal(data, out, decodeOptions) == nil {
		return nil
	}
	reflect.ValueOf(out).Elem().SetZero()
	return json.Unmarshal(data, out, failedDecodeOptions)
}

// Number is a numeric API field. Huawei Cloud APIs send the same field as a
// JSON number in one edition and as a JSON string in another, so a Number
// accepts 12, 12.5, "12.5", " 7 " and "95%". The values "", "-", "N/A",
// null and a missing field mean "no value": Value then reports ok=false and
// the caller omits the series instead of exporting a 0 it does not know.
//
// Decoding a Number never fails the surrounding document: a value that is
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

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error (the document's, not the field's).
func (n *Number) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*n = Number{}
	switch k := v.Kind(); k {
	case 'n':
	case '"':
		n.value, n.set, n.err = parseNumberBytes(stringValue(v))
	case '0':
		n.value, n.set, n.err = parseNumberBytes(v)
	default:
		n.err = fmt.Errorf("expected a number, got %s", kindOf(k))
	}
	return nil
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (n *Number) UnmarshalJSON(b []byte) error { return decodeJSON(b, n) }

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

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (b *Bool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*b = Bool{}
	s := []byte(v)
	if v.Kind() == '"' {
		s = bytes.TrimSpace(stringValue(v))
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

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (b *Bool) UnmarshalJSON(data []byte) error { return decodeJSON(data, b) }

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
// (rendered as written), trims white space around a string, and treats
// null, an object or an array as empty. It never fails the document.
type Text string

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (t *Text) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*t = textOf(v)
	return nil
}

// textOf is the Text of the JSON value v.
func textOf(v jsontext.Value) Text {
	switch v.Kind() {
	case 'n', '{', '[':
		return ""
	case '"':
		return Text(bytes.TrimSpace(stringValue(v)))
	default:
		return Text(v)
	}
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (t *Text) UnmarshalJSON(b []byte) error { return decodeJSON(b, t) }

// String returns the text.
func (t Text) String() string { return string(t) }

// stringValue is the value of v, a valid JSON string literal, as the
// decoder reads strings (invalid UTF-8 and unpaired surrogates become
// U+FFFD). A literal without escapes, in valid UTF-8, is its own content
// and is returned in place: that is most of what the APIs send.
func stringValue(v jsontext.Value) []byte {
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	// The only error left for a literal the decoder has read is invalid
	// UTF-8, which the decoder allows and AppendUnquote has replaced.
	s, _ := jsontext.AppendUnquote(nil, v)
	return s
}

func kindOf(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	default:
		return "a boolean"
	}
}

// List is a list API field that tolerates what is not one: a value that is
// not a JSON array is no list, and an element that does not decode as a T
// (a string where an object belongs) is left out. Like Number it never
// fails the document.
type List[T any] []T

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (l *List[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*l = nil
	if dec.PeekKind() != '[' {
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		var e T
		if json.Unmarshal(v, &e, dec.Options()) == nil {
			*l = append(*l, e)
		}
	}
	_, err := dec.ReadToken()
	return err
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (l *List[T]) UnmarshalJSON(b []byte) error { return decodeJSON(b, l) }
