package config

import (
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
	return &decoder{lookupEnv: lookupEnv, lines: lineIndex{}}
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
	d.lines[""] = root.Line
	d.decode(root, reflect.ValueOf(cfg).Elem(), "")
}

// decode stores n into v. A null node leaves v unchanged (zero).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolveAlias(n)
	if isNull(n) {
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		d.decodeDuration(n, v, path)
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
	case t.Kind() == reflect.Struct:
		d.decodeStruct(n, v, path)
	case t.Kind() == reflect.Slice:
		d.decodeSlice(n, v, path)
	case t.Kind() == reflect.String:
		d.decodeString(n, v, path)
	case t.Kind() == reflect.Bool:
		d.decodeBool(n, v, path)
	case t.Kind() == reflect.Float64:
		d.decodeFloat(n, v, path)
	default:
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
			d.lines[p] = key.Line
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
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.lines[p] = item.Line
		d.decode(item, s.Index(i), p)
	}
	v.Set(s)
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

// decodeFloat accepts a decimal number such as 20 or 2.5.
func (d *decoder) decodeFloat(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, v.Type(), path)
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		d.invalid(path, n.Line, "expected a number, got %s", quote(s))
		return
	}
	v.SetFloat(f)
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
	switch {
	case t == durationType:
		return "a duration such as 5m"
	case t.Kind() == reflect.Pointer:
		return wantName(t.Elem())
	case t.Kind() == reflect.Struct:
		return "a mapping"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Bool:
		return "true or false"
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
