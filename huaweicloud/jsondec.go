package huaweicloud

import (
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// answer is a pointer to an API answer type that decodes a JSON object
// into itself (decodeJSON decodes a whole body) in one pass, with the result json.Unmarshal gives on the same type
// (its struct tags and UnmarshalJSON methods stay the reference). The
// answer must be its zero value on entry, as json.Unmarshal's target is in
// every call the client makes. After a syntax error it is zero again; after
// a value of the wrong kind it holds the rest of the document, as with
// json.Unmarshal (postBatch reads the jobs' errors from such a 4xx body).
type answer interface {
	decode(d *decoder)
}

// decodeJSON decodes data into out, an answer (see answer).
func decodeJSON[T any, P interface {
	*T
	answer
}](data []byte, out P) error {
	d := decoder{data: data}
	out.decode(&d)
	return finish(&d, (*T)(out))
}

// maxDepth is how deeply objects and arrays may nest, as in encoding/json
// (a deeper document is refused instead of exhausting the stack).
const maxDepth = 10000

// decoder reads one JSON document: it checks the syntax as encoding/json's
// scanner does and fills the answer as it goes, so that the bytes are read
// once and nothing is decoded through reflection. Every method is a static
// call, which keeps a decoder on its caller's stack.
type decoder struct {
	data  []byte
	pos   int
	depth int
	// syntax is the first syntax error; it ends the decoding (pos jumps to
	// the end, so that every reader stops).
	syntax error
	// typed is the first value of the wrong kind for its field. Like
	// encoding/json the decoder leaves that field as it is, goes on, and
	// fails the document at the end.
	typed error
	// The object key last read is the literal data[keyStart-1:keyEnd+1];
	// keyEscaped says whether its value differs from its content. (Only
	// offsets: a pointer stored in the decoder would move the decoder, and
	// the data it points to, to the heap.)
	keyStart, keyEnd int
	keyEscaped       bool
}

// key appends the object key last read, unquoted, to buf, or returns it
// in place when it has no escapes.
func (d *decoder) key(buf []byte) []byte {
	if d.keyEscaped {
		return appendUnquoted(buf, d.data[d.keyStart-1:d.keyEnd+1])
	}
	return d.data[d.keyStart:d.keyEnd]
}

// jsonSyntaxError is a body that is not valid JSON.
type jsonSyntaxError struct {
	Msg    string
	Offset int // bytes read before the error
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// jsonTypeError is a JSON value of a kind its field cannot hold (a string where
// a list belongs).
type jsonTypeError struct {
	Value  string // object, array, string, number, boolean
	Into   string // what the field is
	Offset int
}

func (e *jsonTypeError) Error() string {
	return fmt.Sprintf("cannot decode a JSON %s into %s at offset %d", e.Value, e.Into, e.Offset)
}

// finish ends the decoding of a document into t: it checks that nothing
// but white space follows the value and returns the document's error. A
// syntax error resets *t to its zero value, as json.Unmarshal leaves its
// target untouched when the body is not valid JSON. (Each answer type
// calls its own decode method first: a static call keeps d on the stack.)
func finish[T any](d *decoder, t *T) error {
	if err := d.end(); err != nil {
		if d.syntax != nil {
			var zero T
			*t = zero
		}
		return err
	}
	return nil
}

// end checks what follows the top-level value and returns the document's
// error, if any.
func (d *decoder) end() error {
	d.ws()
	if d.pos < len(d.data) {
		d.fail("after top-level value")
	}
	if d.syntax != nil {
		return d.syntax
	}
	return d.typed
}

// fail records a syntax error at the current byte and stops the decoding.
func (d *decoder) fail(context string) {
	if d.syntax != nil {
		return
	}
	if d.pos >= len(d.data) {
		d.syntax = &jsonSyntaxError{Msg: "unexpected end of JSON input", Offset: len(d.data)}
	} else {
		d.syntax = &jsonSyntaxError{Msg: fmt.Sprintf("invalid character %q %s", d.data[d.pos], context), Offset: d.pos}
	}
	d.pos = len(d.data)
}

// mistyped records a value of the wrong kind at the current byte and skips
// it, leaving its field as it was.
func (d *decoder) mistyped(into string) {
	if d.typed == nil {
		d.typed = &jsonTypeError{Value: kindName(d.peek()), Into: into, Offset: d.pos}
	}
	d.skip()
}

// kindName names the kind of JSON value that starts with c.
func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	default:
		return "number"
	}
}

// ws skips JSON white space (only these four bytes are).
func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// push enters an object or array at the current byte.
func (d *decoder) push() bool {
	d.depth++
	if d.depth > maxDepth {
		d.fail("exceeding the maximum nesting depth")
		return false
	}
	d.pos++
	return true
}

// skip checks the value at the current position and returns its bytes,
// without the white space around it: what encoding/json hands to an
// UnmarshalJSON method.
func (d *decoder) skip() []byte {
	d.ws()
	start := d.pos
	if d.pos >= len(d.data) {
		d.fail("")
		return nil
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		d.str()
	case c == '{':
		for more := d.object(); more; more = d.next() {
			d.skip()
		}
	case c == '[':
		for more := d.array(); more; more = d.nextElem() {
			d.skip()
		}
	case c == '-' || (c >= '0' && c <= '9'):
		d.num()
	case c == 't':
		d.lit("true")
	case c == 'f':
		d.lit("false")
	case c == 'n':
		d.lit("null")
	default:
		d.fail("looking for beginning of value")
	}
	if d.syntax != nil {
		return nil
	}
	return d.data[start:d.pos]
}

// lit reads the literal word at the current position.
func (d *decoder) lit(word string) {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			d.fail("in literal " + word)
			return
		}
		d.pos++
	}
}

// num reads a number at the current position: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) num() {
	data := d.data
	if d.pos < len(data) && data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(data) && data[d.pos] == '0':
		d.pos++
	case d.pos < len(data) && data[d.pos] >= '1' && data[d.pos] <= '9':
		d.digits()
	default:
		d.fail("in numeric literal")
		return
	}
	if d.pos < len(data) && data[d.pos] == '.' {
		d.pos++
		if d.pos >= len(data) || data[d.pos] < '0' || data[d.pos] > '9' {
			d.fail("after decimal point in numeric literal")
			return
		}
		d.digits()
	}
	if d.pos < len(data) && (data[d.pos] == 'e' || data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(data) && (data[d.pos] == '+' || data[d.pos] == '-') {
			d.pos++
		}
		if d.pos >= len(data) || data[d.pos] < '0' || data[d.pos] > '9' {
			d.fail("in exponent of numeric literal")
			return
		}
		d.digits()
	}
}

// digits skips decimal digits.
func (d *decoder) digits() {
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
}

// str reads the string literal at the current position (its opening quote)
// and reports whether it is plain: no escapes and valid UTF-8, so that its
// content is its value.
func (d *decoder) str() (plain bool) {
	data := d.data
	i := d.pos + 1
	plain = true
	high := false
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			if high && plain {
				plain = utf8.Valid(data[d.pos+1 : i])
			}
			d.pos = i + 1
			return plain
		case c == '\\':
			plain = false
			i++
			if i >= len(data) {
				d.pos = i
				d.fail("")
				return false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for range 4 {
					if i >= len(data) || !isHex(data[i]) {
						d.pos = i
						d.fail("in \\u hexadecimal character escape")
						return false
					}
					i++
				}
			default:
				d.pos = i
				d.fail("in string escape code")
				return false
			}
		case c < 0x20:
			d.pos = i
			d.fail("in string literal")
			return false
		default:
			if c >= utf8.RuneSelf {
				high = true
			}
			i++
		}
	}
	d.pos = i
	d.fail("")
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// object starts an object at the current position and reads its first key
// (d.key) and colon. It returns false when there is no member to
// decode: after an empty object, after null (which leaves the target as
// it is) and after a value of another kind (a type error).
func (d *decoder) object() bool {
	switch d.peek() {
	case '{':
		if !d.push() {
			return false
		}
		if d.peek() == '}' {
			d.pos++
			d.depth--
			return false
		}
		return d.member()
	case 'n':
		d.lit("null")
		return false
	case 0:
		d.fail("")
		return false
	default:
		d.mistyped("a struct")
		return false
	}
}

// next reads what follows an object member: a comma and the next key
// (true), or the closing brace (false).
func (d *decoder) next() bool {
	switch d.peek() {
	case ',':
		d.pos++
		return d.member()
	case '}':
		d.pos++
		d.depth--
		return false
	default:
		d.fail("after object key:value pair")
		return false
	}
}

// member reads a key and its colon.
func (d *decoder) member() bool {
	if d.peek() != '"' {
		d.fail("looking for beginning of object key string")
		return false
	}
	start := d.pos
	plain := d.str()
	if d.syntax != nil {
		return false
	}
	d.keyStart, d.keyEnd, d.keyEscaped = start+1, d.pos-1, !plain
	if d.peek() != ':' {
		d.fail("after object key")
		return false
	}
	d.pos++
	return true
}

// array starts an array at the current position. It returns true when an
// element follows, false after an empty array. The caller has checked
// that the value is an array.
func (d *decoder) array() bool {
	if !d.push() {
		return false
	}
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return false
	}
	return d.syntax == nil
}

// nextElem reads what follows an array element: a comma (true) or the
// closing bracket (false).
func (d *decoder) nextElem() bool {
	switch d.peek() {
	case ',':
		d.pos++
		return true
	case ']':
		d.pos++
		d.depth--
		return false
	default:
		d.fail("after array element")
		return false
	}
}

// container prepares the value at the current position for decoding into
// a slice (open '[') or a map (open '{'): ok when the value opens with
// open, isNull after null (the slice or map becomes nil); any other kind is
// a type error, skipped.
func (d *decoder) container(open byte, into string) (ok, isNull bool) {
	switch c := d.peek(); c {
	case open:
		return true, false
	case 'n':
		d.lit("null")
		return false, d.syntax == nil
	case 0:
		d.fail("")
	default:
		d.mistyped(into)
	}
	return false, false
}

// elem returns v with an element at i to decode into, as encoding/json
// grows a slice: the existing element while i < len, the old backing
// array's element while i < cap, else a new zero element.
func elem[E any](v []E, i int) []E {
	switch {
	case i < len(v):
		return v
	case i < cap(v):
		return v[:i+1]
	default:
		var zero E
		return append(v, zero)
	}
}

// endList is a slice after its array's n elements: cut to n, and a new
// empty slice after [], as encoding/json leaves them.
func endList[E any](v []E, n int) []E {
	if n == 0 {
		return []E{}
	}
	return v[:n]
}

// number decodes the value at the current position into n.
func (d *decoder) number(n *Number) {
	if raw := d.skip(); d.syntax == nil {
		_ = n.UnmarshalJSON(raw)
	}
}

// boolean decodes the value at the current position into b.
func (d *decoder) boolean(b *Bool) {
	if raw := d.skip(); d.syntax == nil {
		_ = b.UnmarshalJSON(raw)
	}
}

// text decodes the value at the current position into t.
func (d *decoder) text(t *Text) {
	if raw := d.skip(); d.syntax == nil {
		_ = t.UnmarshalJSON(raw)
	}
}

// fieldTable matches object keys to a struct's json tag names as
// encoding/json does: exactly, else after case folding.
type fieldTable struct {
	exact  map[string]string
	folded map[string]string // folded name → name; the first of a fold wins
}

// maxFolded bounds a folded key: longer keys match no tag name.
const maxFolded = 64

// newFieldTable builds the table of a struct's tag names, in field order.
func newFieldTable(names ...string) fieldTable {
	t := fieldTable{exact: map[string]string{}, folded: map[string]string{}}
	for _, n := range names {
		t.exact[n] = n
		var buf [maxFolded]byte
		f, _ := foldKey(buf[:0], []byte(n))
		if _, dup := t.folded[string(f)]; !dup {
			t.folded[string(f)] = n
		}
	}
	return t
}

// field returns the tag name the last key read stands for, "" for none.
func (d *decoder) field(t *fieldTable) string {
	var kb [maxFolded]byte
	key := d.key(kb[:0])
	if n, ok := t.exact[string(key)]; ok {
		return n
	}
	var buf [maxFolded]byte
	f, ok := foldKey(buf[:0], key)
	if !ok {
		return ""
	}
	return t.folded[string(f)]
}

// foldKey appends the case-folded key to out (ASCII letters upper-cased,
// other runes replaced by the smallest rune of their fold set, as
// encoding/json folds names). It reports false when the result would not
// fit in out's capacity: such a key matches no name.
func foldKey(out, in []byte) ([]byte, bool) {
	for i := 0; i < len(in); {
		if len(out)+utf8.UTFMax > cap(out) {
			return out, false
		}
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out, true
}

// foldRune is the smallest rune of r's case-fold set.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// appendUnquoted appends the value of the valid JSON string literal s
// (quotes included) to dst, as encoding/json decodes it: invalid UTF-8
// and unpaired surrogates become U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	s = s[1 : len(s)-1]
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\' && r+1 < len(s):
			r++
			switch s[r] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(s[r-1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, dec)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // " \ /
				dst = append(dst, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}

// getu4 decodes \uXXXX from the beginning of s, returning the hex value,
// or -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
