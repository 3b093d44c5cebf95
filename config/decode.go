package config

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var durationType = reflect.TypeFor[time.Duration]()

// decoder walks a yaml.Node tree against the Go types of Config, guided by
// their `yaml:"..."` tags. Unlike yaml.Node.Decode it reports every problem
// with its path and line, rejects unknown and duplicate keys, expands
// ${VAR} references in scalar values (never in keys) before decoding them,
// and records the line of every field it sees.
type decoder struct {
	lookupEnv func(string) (string, bool)
	lines     lineIndex
	bad       []string // paths whose value could not be decoded
	errs      []*FieldError
}

func newDecoder(lookupEnv func(string) (string, bool)) *decoder {
	return &decoder{lookupEnv: lookupEnv, lines: newLineIndex()}
}

// report records a problem that does not invalidate the value at path.
func (d *decoder) report(path string, line int, format string, args ...any) {
	d.errs = append(d.errs, &FieldError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// invalid records a problem with the value at path; Validate's findings at
// or below path are then dropped as consequences of it.
func (d *decoder) invalid(path string, line int, format string, args ...any) {
	d.report(path, line, format, args...)
	d.bad = append(d.bad, path)
}

// isBad reports whether path is at or below a path that could not be decoded.
func (d *decoder) isBad(path string) bool {
	for _, b := range d.bad {
		if isUnder(path, b) {
			return true
		}
	}
	return false
}

// decodeDocument decodes a document node (nil for an empty file) into cfg.
func (d *decoder) decodeDocument(doc *yaml.Node, cfg *Config) {
	if doc == nil || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	d.lines.fields[""] = root.Line
	d.decode(root, reflect.ValueOf(cfg).Elem(), "")
}

// fieldKind is how decode stores a YAML value into a Go type.
type fieldKind int

const (
	unsupportedKind fieldKind = iota
	durationKind              // time.Duration: "90s", "5m" or 0
	pointerKind               // allocated, then its element is decoded
	structKind                // a mapping, key by key (see yamlFields)
	sliceKind                 // a sequence, element by element
	mapKind                   // a mapping of plain string keys to strings (see decodeMap)
	stringKind                // any scalar, as written (after ${VAR} expansion)
	boolKind                  // true or false in any letter case
	intKind                   // a base-10 whole number within the type's range
	uintKind                  // the same, not negative
	floatKind                 // a finite decimal number within the type's range
)

var (
	yamlUnmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	// configPkgPath is this package's import path.
	configPkgPath = reflect.TypeFor[Config]().PkgPath()
)

// kindOf is the one table of the Go types the decoder supports: decode
// dispatches on it, and the tests walk every field of Config through it (and
// through the struct, pointer and slice element types it leads to), so a
// field of a type it does not support fails a test rather than a load.
//
// It rejects, besides maps, channels, functions, interfaces, arrays and
// complex numbers, any type with its own UnmarshalYAML or UnmarshalText
// method (decode would bypass it) and any named struct type from another
// package, such as time.Time or url.URL: decode would expect a mapping of
// their exported fields instead of their usual text form.
func kindOf(t reflect.Type) fieldKind {
	if t == durationType {
		return durationKind
	}
	if ownsUnmarshaling(t) {
		return unsupportedKind
	}
	switch t.Kind() {
	case reflect.Pointer:
		return pointerKind
	case reflect.Struct:
		if t.Name() != "" && t.PkgPath() != configPkgPath {
			return unsupportedKind
		}
		return structKind
	case reflect.Slice:
		return sliceKind
	case reflect.Map:
		// Only string to string (user labels): a key is data, not a field.
		if t.Key().Kind() == reflect.String && kindOf(t.Key()) == stringKind && kindOf(t.Elem()) == stringKind {
			return mapKind
		}
		return unsupportedKind
	case reflect.String:
		return stringKind
	case reflect.Bool:
		return boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintKind
	case reflect.Float32, reflect.Float64:
		return floatKind
	default:
		return unsupportedKind
	}
}

// ownsUnmarshaling reports whether t or *t decodes itself from YAML or text.
func ownsUnmarshaling(t reflect.Type) bool {
	for _, u := range []reflect.Type{yamlUnmarshalerType, textUnmarshalerType} {
		if t.Implements(u) || reflect.PointerTo(t).Implements(u) {
			return true
		}
	}
	return false
}

// decode stores n into v. A null node leaves v unchanged (zero).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolveAlias(n)
	if isNull(n) {
		return
	}
	t := v.Type()
	switch kindOf(t) {
	case durationKind:
		d.decodeDuration(n, v, path)
	case pointerKind:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
	case structKind:
		d.decodeStruct(n, v, path)
	case sliceKind:
		d.decodeSlice(n, v, path)
	case mapKind:
		d.decodeMap(n, v, path)
	case stringKind:
		d.decodeString(n, v, path)
	case boolKind:
		d.decodeBool(n, v, path)
	case intKind:
		d.decodeInt(n, v, path)
	case uintKind:
		d.decodeUint(n, v, path)
	case floatKind:
		d.decodeFloat(n, v, path)
	default:
		// Unreachable for Config: TestConfigFieldsDecodable walks its fields.
		d.invalid(path, n.Line, "internal error: fields of type %s are not supported", t)
	}
}

// decodeStruct decodes a mapping into the struct v, one known key at a time.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.kindError(n, v.Type(), path)
		return
	}
	fields := yamlFields(v.Type())
	firstLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			d.report(path, key.Line, "mapping keys must be plain strings")
			continue
		}
		p := joinPath(path, key.Value)
		switch index, known := fields.index[key.Value]; {
		case key.Tag == "!!merge":
			d.report(p, key.Line, "merge keys (<<) are not supported")
		case firstLine[key.Value] != 0:
			d.report(p, key.Line, "duplicate key (first given on line %d)", firstLine[key.Value])
		case !known:
			firstLine[key.Value] = key.Line
			d.report(p, key.Line, "%s", unknownFieldMsg(key.Value, fields.names))
		default:
			firstLine[key.Value] = key.Line
			d.lines.fields[p] = key.Line
			d.decode(value, v.Field(index), p)
		}
	}
}

// decodeSlice decodes a sequence into the slice v. The result is never nil,
// so "[]" and a missing key can be told apart.
func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.kindError(n, v.Type(), path)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	lines := make([]int, len(n.Content))
	for i, item := range n.Content {
		lines[i] = item.Line
		d.decode(item, s.Index(i), path+"["+strconv.Itoa(i)+"]")
	}
	d.lines.items[path] = lines
	v.Set(s)
}

// decodeMap decodes a mapping of plain keys (taken as written, never
// expanded) to string values (${VAR}-expanded) into the map v, recording
// each key's line under path.key. The result is never nil.
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.kindError(n, v.Type(), path)
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	firstLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode || key.Tag == "!!merge" {
			d.report(path, key.Line, "mapping keys must be plain strings")
			continue
		}
		p := joinPath(path, key.Value)
		if first := firstLine[key.Value]; first != 0 {
			d.report(p, key.Line, "duplicate key (first given on line %d)", first)
			continue
		}
		firstLine[key.Value] = key.Line
		d.lines.fields[p] = key.Line
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(value, elem, p)
		m.SetMapIndex(reflect.ValueOf(key.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// decodeString decodes any scalar into a string kind (string or Secret).
func (d *decoder) decodeString(n *yaml.Node, v reflect.Value, path string) {
	if s, ok := d.scalar(n, v.Type(), path); ok {
		v.SetString(s)
	}
}

// decodeBool accepts true or false in any letter case, also from ${VAR}.
func (d *decoder) decodeBool(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	switch strings.ToLower(s) {
	case "true":
		v.SetBool(true)
	case "false":
		v.SetBool(false)
	default:
		d.invalid(path, n.Line, "expected true or false, got %s", quote(s))
	}
}

// decodeInt accepts a base-10 whole number such as 3 or -3 that fits the
// signed integer type of v.
func (d *decoder) decodeInt(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	bits := v.Type().Bits()
	i, err := strconv.ParseInt(s, 10, bits)
	lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
	d.setWhole(n, path, s, err, fmt.Sprintf("%d to %d", lo, hi), func() { v.SetInt(i) })
}

// setWhole calls set when a whole number parsed without err, or reports
// why s is not one in the range span.
func (d *decoder) setWhole(n *yaml.Node, path, s string, err error, span string, set func()) {
	switch {
	case errors.Is(err, strconv.ErrRange):
		d.invalid(path, n.Line, "%s is out of range (%s)", quote(s), span)
	case err != nil:
		d.invalid(path, n.Line, "expected a whole number, got %s", quote(s))
	default:
		set()
	}
}

// decodeUint accepts a base-10 whole number such as 3 that fits the unsigned
// integer type of v.
func (d *decoder) decodeUint(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	bits := v.Type().Bits()
	// ParseUint, unlike ParseInt, takes no sign: allow a "+" here too.
	u, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, bits)
	if err != nil && strings.HasPrefix(s, "-") {
		// ParseUint calls any sign "-" a syntax error, but a negative whole
		// number is one out of range (and -0 is 0).
		switch i, ierr := strconv.ParseInt(s, 10, 64); {
		case ierr == nil && i == 0:
			u, err = 0, nil
		case ierr == nil || errors.Is(ierr, strconv.ErrRange):
			err = strconv.ErrRange
		}
	}
	hi := uint64(1)<<(bits-1)<<1 - 1
	d.setWhole(n, path, s, err, fmt.Sprintf("0 to %d", hi), func() { v.SetUint(u) })
}

// decodeFloat accepts a decimal number such as 20 or 2.5 that fits the
// floating-point type of v.
func (d *decoder) decodeFloat(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(s, v.Type().Bits())
	switch {
	case errors.Is(err, strconv.ErrRange) && math.IsInf(f, 0):
		d.invalid(path, n.Line, "%s is out of range", quote(s))
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		d.invalid(path, n.Line, "expected a number, got %s", quote(s))
	default:
		v.SetFloat(f)
	}
}

// decodeDuration accepts a Go duration string such as "90s" or "5m", or 0.
func (d *decoder) decodeDuration(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	if s == "0" {
		v.SetInt(0)
		return
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		d.invalid(path, n.Line, "invalid duration %s (use a number with a unit, e.g. 30s, 5m or 1h)", quote(s))
		return
	}
	v.SetInt(int64(dur))
}

// scalar returns the ${VAR}-expanded value of the scalar node n, or false
// after reporting why it has none.
func (d *decoder) scalar(n *yaml.Node, t reflect.Type, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.kindError(n, t, path)
		return "", false
	}
	s, problems := expandEnv(n.Value, d.lookupEnv)
	for _, p := range problems {
		d.invalid(path, n.Line, "%s", p)
	}
	return s, len(problems) == 0
}

// kindError reports a node of the wrong kind. It never quotes the node's
// value, which may be a misplaced secret.
func (d *decoder) kindError(n *yaml.Node, want reflect.Type, path string) {
	d.invalid(path, n.Line, "expected %s, got %s", wantName(want), kindName(n.Kind))
}

func wantName(t reflect.Type) string {
	switch kindOf(t) {
	case durationKind:
		return "a duration such as 5m"
	case pointerKind:
		return wantName(t.Elem())
	case structKind, mapKind:
		return "a mapping"
	case sliceKind:
		return "a list"
	case boolKind:
		return "true or false"
	case intKind, uintKind:
		return "a whole number"
	case floatKind:
		return "a number"
	default:
		return "a string"
	}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar value"
	default:
		return "an unexpected YAML node"
	}
}

// resolveAlias follows *alias references to the anchored node.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a YAML null (~, null or an empty value).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldSet lists the YAML keys of a struct type in declaration order.
type fieldSet struct {
	names []string
	index map[string]int
}

// yamlFields returns the keys of struct type t, from the `yaml:"name"` tags
// of its exported fields (the lower-cased field name when the tag has none).
func yamlFields(t reflect.Type) fieldSet {
	fs := fieldSet{index: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name)
		}
		fs.names = append(fs.names, name)
		fs.index[name] = i
	}
	return fs
}
