package config

import (
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// step is one step from a struct down to one of its fields: a struct field
// (by YAML key and Go index) or, with elem set, the first element of a slice.
// Pointers are stepped through implicitly.
type step struct {
	key   string
	field int
	elem  bool
}

// leafField is a field of a scalar kind (string, bool, number, duration)
// reachable from a root type.
type leafField struct {
	path  string // in FieldError terms, with [0] for slice elements
	steps []step
	typ   reflect.Type
}

// walkFields follows every YAML field of t (through pointers, slices and
// structs, exactly as decode does, using kindOf and yamlFields) and returns
// the leaf fields and the paths of the fields whose type kindOf does not
// support, each followed by its Go type.
func walkFields(t reflect.Type) (leaves []leafField, unsupported []string) {
	var walk func(t reflect.Type, path string, steps []step, onPath map[reflect.Type]bool)
	walk = func(t reflect.Type, path string, steps []step, onPath map[reflect.Type]bool) {
		switch kindOf(t) {
		case unsupportedKind:
			unsupported = append(unsupported, path+" ("+t.String()+")")
		case pointerKind:
			walk(t.Elem(), path, steps, onPath)
		case sliceKind:
			walk(t.Elem(), path+"[0]", append(slices.Clip(steps), step{elem: true}), onPath)
		case structKind:
			if onPath[t] {
				return // a recursive type: its fields are being walked already
			}
			onPath[t] = true
			defer delete(onPath, t)
			fields := yamlFields(t)
			for _, key := range fields.names {
				i := fields.index[key]
				walk(t.Field(i).Type, joinPath(path, key), append(slices.Clip(steps), step{key: key, field: i}), onPath)
			}
		default:
			leaves = append(leaves, leafField{path: path, steps: steps, typ: t})
		}
	}
	walk(t, "", nil, map[reflect.Type]bool{})
	return leaves, unsupported
}

// TestConfigFieldsDecodable fails, naming the field, when a field of Config
// (or of a type it contains) has a type the decoder does not support. Such a
// field would compile and fail only when a configuration file sets it.
func TestConfigFieldsDecodable(t *testing.T) {
	leaves, unsupported := walkFields(reflect.TypeFor[Config]())
	for _, p := range unsupported {
		t.Errorf("%s: the config decoder does not support this type; support it in kindOf and decode, or change the field's type", p)
	}
	if len(leaves) == 0 {
		t.Error("no leaf fields found in Config")
	}
}

// textLevel decodes itself from text, which decode would bypass.
type textLevel int

func (l *textLevel) UnmarshalText([]byte) error { return nil }

type walkInner struct {
	Ch    chan int `yaml:"ch"`
	Count int32    `yaml:"count"`
}

type walkRoot struct {
	Counts  map[string]int `yaml:"counts"`
	Fine    []*uint8       `yaml:"fine"`
	Deep    []*walkInner   `yaml:"deep"`
	When    time.Time      `yaml:"when"`
	URL     *url.URL       `yaml:"url"`
	Level   textLevel      `yaml:"level"`
	Any     any            `yaml:"any"`
	Pair    [2]string      `yaml:"pair"`
	Complex complex128     `yaml:"complex"`
	Inline  struct {
		F func() `yaml:"f"`
	} `yaml:"inline"`
	Skipped chan int  `yaml:"-"`
	_       chan int  // not exported: not a YAML field
	Self    *walkRoot `yaml:"self"` // recursive: walked once
	Wait    time.Duration
}

// TestWalkFieldsFindsUnsupported proves that TestConfigFieldsDecodable would
// catch a field of an unsupported type, however deeply nested.
func TestWalkFieldsFindsUnsupported(t *testing.T) {
	leaves, unsupported := walkFields(reflect.TypeFor[walkRoot]())
	want := []string{
		"counts (map[string]int)",
		"deep[0].ch (chan int)",
		"when (time.Time)",
		"url (url.URL)",
		"level (config.textLevel)",
		"any (interface {})",
		"pair ([2]string)",
		"complex (complex128)",
		"inline.f (func())",
	}
	if !reflect.DeepEqual(unsupported, want) {
		t.Errorf("unsupported:\n  %s\nwant:\n  %s", strings.Join(unsupported, "\n  "), strings.Join(want, "\n  "))
	}
	var paths []string
	for _, l := range leaves {
		paths = append(paths, l.path+" ("+l.typ.String()+")")
	}
	wantLeaves := []string{"fine[0] (uint8)", "deep[0].count (int32)", "wait (time.Duration)"}
	if !reflect.DeepEqual(paths, wantLeaves) {
		t.Errorf("leaves = %q, want %q", paths, wantLeaves)
	}

	// decode reports such a field at run time, as an internal error.
	d := newDecoder(func(string) (string, bool) { return "", false })
	var v walkRoot
	d.decode(mustNode(t, "counts: {a: 1}\nself: {deep: [{count: 3}]}\n"), reflect.ValueOf(&v).Elem(), "")
	if got := errorStrings(d.errs); !reflect.DeepEqual(got, []string{"line 1: counts: internal error: fields of type map[string]int are not supported"}) {
		t.Errorf("decode errors = %q", got)
	}
	if v.Self == nil || len(v.Self.Deep) != 1 || v.Self.Deep[0].Count != 3 {
		t.Errorf("recursive type not decoded: %+v", v.Self)
	}
}

// TestEveryLeafFieldDecodesThroughParse sets each leaf field of Config in
// turn, in a YAML file that is otherwise minimal, and checks that Parse puts
// the value into that field.
func TestEveryLeafFieldDecodesThroughParse(t *testing.T) {
	secretFile := writeFile(t, t.TempDir(), "secret", "from-file\n")
	// Fields whose sample value must mean something to Validate; without
	// names a field to set to null at the same time; refused is the error
	// Validate gives a field that decodes but has no meaning where it is.
	type override struct {
		value, want any
		without     string
		refused     string
	}
	overrides := map[string]override{
		"accounts[0].endpoints.dcs":                   {value: "https://dcs.example.com/v1", want: "https://dcs.example.com/v1"},
		"accounts[0].endpoints.sms":                   {value: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		"accounts[0].endpoints.drs":                   {value: "https://drs.example.com", want: "https://drs.example.com"},
		"accounts[0].endpoints.oms":                   {value: "https://oms.example.com", want: "https://oms.example.com"},
		"accounts[0].endpoints.cdm":                   {value: "https://cdm.example.com", want: "https://cdm.example.com"},
		"accounts[0].cdm.job_ids[0]":                  {value: "bae65496-643e-47ca-84af-948672de7eeb/xy-sample-7", want: "bae65496-643e-47ca-84af-948672de7eeb/xy-sample-7"},
		"accounts[0].credentials.access_key_file":     {value: secretFile, want: secretFile, without: "accounts[0].credentials.access_key"},
		"accounts[0].credentials.secret_key_file":     {value: secretFile, want: secretFile, without: "accounts[0].credentials.secret_key"},
		"accounts[0].credentials.security_token_file": {value: secretFile, want: secretFile},
		"accounts[0].dcs.verify_interval":             {refused: "leaf.yml:6: accounts[0].dcs.verify_interval: DCS tasks have no slow-changing answers"},
		// A task_labels entry needs a match and labels: set alone, each is
		// decoded and then refused for want of the other.
		"accounts[0].task_labels[0].match.api":        {refused: "accounts[0].task_labels[0].match: needs exactly one of id, id_regex, name and name_regex, got 0"},
		"accounts[0].task_labels[0].match.id":         {refused: "leaf.yml:9: accounts[0].task_labels[0].labels: is required"},
		"accounts[0].task_labels[0].match.id_regex":   {refused: "leaf.yml:9: accounts[0].task_labels[0].labels: is required"},
		"accounts[0].task_labels[0].match.name":       {refused: "leaf.yml:9: accounts[0].task_labels[0].labels: is required"},
		"accounts[0].task_labels[0].match.name_regex": {refused: "leaf.yml:9: accounts[0].task_labels[0].labels: is required"},
		"accounts[0].task_labels[0].labels":           {refused: "leaf.yml:9: accounts[0].task_labels[0].match: needs exactly one of id"},
	}

	leaves, unsupported := walkFields(reflect.TypeFor[Config]())
	if len(unsupported) > 0 {
		t.Fatalf("unsupported fields %q (see TestConfigFieldsDecodable)", unsupported)
	}
	byPath := map[string]leafField{}
	for _, l := range leaves {
		byPath[l.path] = l
	}
	for p := range overrides {
		if _, ok := byPath[p]; !ok {
			t.Errorf("override for %s, which is not a leaf field of Config", p)
		}
	}

	for _, leaf := range leaves {
		t.Run(leaf.path, func(t *testing.T) {
			value, want := sampleValue(t, leaf.typ)
			o, ok := overrides[leaf.path]
			if ok && o.value != nil {
				value, want = o.value, reflect.ValueOf(o.want).Convert(leaf.typ)
			}
			doc := map[string]any{"accounts": []any{map[string]any{
				"name": "base", "region": "cn-north-4", "project_id": "p",
				"credentials": map[string]any{"access_key": "base-ak", "secret_key": "base-sk"},
			}}}
			setPath(doc, leaf.steps, value)
			if o.without != "" {
				setPath(doc, byPath[o.without].steps, nil)
			}
			data, err := yaml.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse("leaf.yml", data)
			if o.refused != "" {
				if err == nil || !strings.Contains(err.Error(), o.refused) {
					t.Fatalf("Parse:\n%s\nerror: %v, want %q", data, err, o.refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse:\n%s\nerror: %v", data, err)
			}
			got := fieldAt(reflect.ValueOf(cfg).Elem(), leaf.steps)
			if !got.IsValid() {
				t.Fatalf("%s not set by:\n%s", leaf.path, data)
			}
			if !reflect.DeepEqual(got.Interface(), want.Interface()) {
				t.Errorf("%s = %#v, want %#v, from:\n%s", leaf.path, got.Interface(), want.Interface(), data)
			}
		})
	}
}

// sampleValue returns a YAML value for a field of type t, and the value Parse
// should store. A kind that kindOf supports but this switch does not fails
// the test, so that the two cannot drift apart.
func sampleValue(t *testing.T, typ reflect.Type) (any, reflect.Value) {
	t.Helper()
	switch kindOf(typ) {
	case durationKind:
		return "90s", reflect.ValueOf(90 * time.Second)
	case stringKind:
		// A valid name, region, project and task ID alike.
		return "xy-sample-7", reflect.ValueOf("xy-sample-7").Convert(typ)
	case boolKind:
		return true, reflect.ValueOf(true).Convert(typ)
	case intKind:
		return 7, reflect.ValueOf(7).Convert(typ)
	case uintKind:
		return 7, reflect.ValueOf(uint(7)).Convert(typ)
	case floatKind:
		return 2.5, reflect.ValueOf(2.5).Convert(typ)
	case mapKind:
		return map[string]any{"team": "xy-sample-7"}, reflect.ValueOf(map[string]string{"team": "xy-sample-7"}).Convert(typ)
	default:
		t.Fatalf("no sample value for %s (kind %d): add one to sampleValue", typ, kindOf(typ))
		return nil, reflect.Value{}
	}
}

// setPath sets the field at steps in a document of maps and lists, creating
// the maps and one-element lists on the way.
func setPath(node map[string]any, steps []step, value any) {
	var set func(node any, steps []step) any
	set = func(node any, steps []step) any {
		if len(steps) == 0 {
			return value
		}
		if steps[0].elem {
			list, _ := node.([]any)
			if len(list) == 0 {
				list = []any{nil}
			}
			list[0] = set(list[0], steps[1:])
			return list
		}
		m, _ := node.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[steps[0].key] = set(m[steps[0].key], steps[1:])
		return m
	}
	set(node, steps)
}

// fieldAt follows steps from v, and the pointers at their end; it returns
// the zero Value if a pointer on the way is nil or a slice is empty.
func fieldAt(v reflect.Value, steps []step) reflect.Value {
	deref := func() bool {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return false
			}
			v = v.Elem()
		}
		return true
	}
	for _, s := range steps {
		if !deref() {
			return reflect.Value{}
		}
		if s.elem {
			if v.Len() == 0 {
				return reflect.Value{}
			}
			v = v.Index(0)
		} else {
			v = v.Field(s.field)
		}
	}
	if !deref() {
		return reflect.Value{}
	}
	return v
}

func mustNode(t *testing.T, text string) *yaml.Node {
	t.Helper()
	doc, err := parseDocument([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func errorStrings(errs []*FieldError) []string {
	sortByLine(errs)
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// numbers has a field of every number kind that kindOf supports.
type numbers struct {
	I   int     `yaml:"i"`
	I8  int8    `yaml:"i8"`
	I64 int64   `yaml:"i64"`
	U   uint    `yaml:"u"`
	U16 uint16  `yaml:"u16"`
	U64 uint64  `yaml:"u64"`
	F32 float32 `yaml:"f32"`
	F64 float64 `yaml:"f64"`
}

func decodeNumbers(t *testing.T, text string) (numbers, []string) {
	t.Helper()
	env := map[string]string{"N": "12", "BIG": "300"}
	d := newDecoder(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	var n numbers
	d.decode(mustNode(t, text), reflect.ValueOf(&n).Elem(), "")
	return n, errorStrings(d.errs)
}

func TestDecodeNumbers(t *testing.T) {
	got, errs := decodeNumbers(t, yml(
		"i: ${N}",
		"i8: -128",
		"i64: -9223372036854775808",
		"u: +3",
		"u16: 65535",
		"u64: 18446744073709551615",
		"f32: 2.5",
		"f64: -1e300",
	))
	want := numbers{I: 12, I8: -128, I64: math.MinInt64, U: 3, U16: 65535, U64: math.MaxUint64, F32: 2.5, F64: -1e300}
	if len(errs) > 0 || got != want {
		t.Errorf("got %+v, %q\nwant %+v", got, errs, want)
	}
	if got, errs := decodeNumbers(t, "u64: -0\ni: 007\ni8: ~\n"); len(errs) > 0 || got.U64 != 0 || got.I != 7 || got.I8 != 0 {
		t.Errorf("-0, leading zeros and null: %+v, %q", got, errs)
	}

	for text, want := range map[string]string{
		"i8: 128":                     `line 1: i8: "128" is out of range (-128 to 127)`,
		"i8: -129":                    `line 1: i8: "-129" is out of range (-128 to 127)`,
		"i8: ${BIG}":                  `line 1: i8: "300" is out of range (-128 to 127)`,
		"i: 99999999999999999999":     `line 1: i: "99999999999999999999" is out of range (-9223372036854775808 to 9223372036854775807)`,
		"u16: 65536":                  `line 1: u16: "65536" is out of range (0 to 65535)`,
		"u16: -1":                     `line 1: u16: "-1" is out of range (0 to 65535)`,
		"u64: -99999999999999999999":  `line 1: u64: "-99999999999999999999" is out of range (0 to 18446744073709551615)`,
		"u64: 18446744073709551616":   `line 1: u64: "18446744073709551616" is out of range (0 to 18446744073709551615)`,
		"u: 1.0":                      `line 1: u: expected a whole number, got "1.0"`,
		"u: --1":                      `line 1: u: expected a whole number, got "--1"`,
		"i: 0x10":                     `line 1: i: expected a whole number, got "0x10"`,
		"i64: 1_000":                  `line 1: i64: expected a whole number, got "1_000"`,
		"i: ''":                       `line 1: i: expected a whole number, got ""`,
		"f32: 1e39":                   `line 1: f32: "1e39" is out of range`,
		"f64: 1e400":                  `line 1: f64: "1e400" is out of range`,
		"f64: NaN":                    `line 1: f64: expected a number, got "NaN"`,
		"f64: .inf":                   `line 1: f64: expected a number, got ".inf"`,
		"u: [1]":                      `line 1: u: expected a whole number, got a list`,
		"f32: {a: 1}":                 `line 1: f32: expected a number, got a mapping`,
		"i: ${UNSET}":                 `line 1: i: environment variable UNSET is not set`,
		"f64: 1\ni: 2\ni64:\n  - 3\n": `line 4: i64: expected a whole number, got a list`,
	} {
		if _, errs := decodeNumbers(t, text); !reflect.DeepEqual(errs, []string{want}) {
			t.Errorf("%q: errors %q, want %q", text, errs, want)
		}
	}
}

// A sequence's items keep their lines as one slice under the sequence's
// path, not a key each: 10,000 task ids made 10,000 path strings and map
// entries (1.4 MB at start-up, live while the YAML tree was).
func TestLineIndexOfSequenceHasNoKeyPerItem(t *testing.T) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("  - t%d", i)
	}
	d := newDecoder(func(string) (string, bool) { return "", false })
	var s struct {
		IDs []string `yaml:"ids"`
	}
	d.decode(mustNode(t, yml(append([]string{"ids:"}, ids...)...)), reflect.ValueOf(&s).Elem(), "")
	if len(d.errs) != 0 || len(s.IDs) != 1000 {
		t.Fatalf("decoded %d ids, errors %v", len(s.IDs), errorStrings(d.errs))
	}
	if n := len(d.lines.fields); n != 1 {
		t.Errorf("%d paths with a line of their own, want 1 (ids)", n)
	}
	for _, i := range []int{0, 1, 999} {
		if got, want := d.lines.lineOf(fmt.Sprintf("ids[%d]", i)), i+2; got != want {
			t.Errorf("line of ids[%d] = %d, want %d", i, got, want)
		}
	}
}
