package huaweicloud

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNumberDecoding(t *testing.T) {
	type want struct {
		v      float64
		ok     bool
		hasErr bool
	}
	cases := []struct {
		json string
		want want
	}{
		{`12`, want{12, true, false}},
		{`12.5`, want{12.5, true, false}},
		{`-3`, want{-3, true, false}},
		{`1e3`, want{1000, true, false}},
		{`0`, want{0, true, false}},
		{`"0"`, want{0, true, false}},
		{`"12.5"`, want{12.5, true, false}},
		{`" 7 "`, want{7, true, false}},
		{`"95%"`, want{95, true, false}},
		{`" 95 % "`, want{95, true, false}},
		{`"1.5E2"`, want{150, true, false}},
		{`"9007199254740993"`, want{9007199254740992, true, false}}, // beyond 2^53 rounds, as Prometheus would
		{`""`, want{0, false, false}},
		{`"   "`, want{0, false, false}},
		{`null`, want{0, false, false}},
		{`"null"`, want{0, false, false}},
		{`"-"`, want{0, false, false}},
		{`"N/A"`, want{0, false, false}},
		{`"n/a"`, want{0, false, false}},
		{`"abc"`, want{0, false, true}},
		{`"12abc"`, want{0, false, true}},
		{`"NaN"`, want{0, false, true}},
		{`"Inf"`, want{0, false, true}},
		{`"-Infinity"`, want{0, false, true}},
		{`"0x1p4"`, want{0, false, true}},
		{`"1_000"`, want{0, false, true}},
		{`"%"`, want{0, false, false}},
		{`1e999`, want{0, false, true}},
		{`true`, want{0, false, true}},
		{`{"a":1}`, want{0, false, true}},
		{`[1]`, want{0, false, true}},
	}
	for _, c := range cases {
		var n Number
		if err := json.Unmarshal([]byte(c.json), &n); err != nil {
			t.Errorf("%s: Unmarshal returned %v; a field must never fail the document", c.json, err)
			continue
		}
		v, ok := n.Value()
		if v != c.want.v || ok != c.want.ok || (n.Err() != nil) != c.want.hasErr {
			t.Errorf("%s: got (%v, %v, err=%v), want (%v, %v, err=%v)", c.json, v, ok, n.Err(), c.want.v, c.want.ok, c.want.hasErr)
		}
	}
}

func TestMissingNumberFieldHasNoValue(t *testing.T) {
	var s DCSStats
	if err := json.Unmarshal([]byte(`{"offset": 5}`), &s); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.TargetOps.Value(); ok || s.TargetOps.Err() != nil {
		t.Errorf("missing field: ok=%v err=%v, want no value and no error", ok, s.TargetOps.Err())
	}
	if v, ok := s.Offset.Value(); !ok || v != 5 {
		t.Errorf("offset = %v,%v", v, ok)
	}
}

func TestOneBadFieldKeepsTheOthers(t *testing.T) {
	var s DCSStats
	body := `{"full_migration_progress": "abc", "offset": "12", "is_migrating": "maybe", "target_ops": {"x": 1}}`
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("one bad field failed the document: %v", err)
	}
	if s.FullMigrationProgress.Err() == nil || s.IsMigrating.Err() == nil || s.TargetOps.Err() == nil {
		t.Error("bad fields carry no error")
	}
	if v, ok := s.Offset.Value(); !ok || v != 12 {
		t.Errorf("offset = %v,%v", v, ok)
	}
}

func TestBoolDecoding(t *testing.T) {
	cases := map[string][3]bool{ // value, ok, hasErr
		`true`: {true, true, false}, `false`: {false, true, false}, `"true"`: {true, true, false},
		`" FALSE "`: {false, true, false}, `1`: {true, true, false}, `"0"`: {false, true, false},
		`null`: {false, false, false}, `""`: {false, false, false}, `"yes please"`: {false, false, true},
	}
	for in, w := range cases {
		var b Bool
		if err := json.Unmarshal([]byte(in), &b); err != nil {
			t.Errorf("%s: %v", in, err)
		}
		v, ok := b.Value()
		if v != w[0] || ok != w[1] || (b.Err() != nil) != w[2] {
			t.Errorf("%s: got (%v,%v,%v) want %v", in, v, ok, b.Err(), w)
		}
	}
}

func TestTextDecoding(t *testing.T) {
	cases := map[string]Text{`"a b"`: "a b", `" padded "`: "padded", `6379`: "6379", `null`: "", `{"x":1}`: "", `true`: "true"}
	for in, want := range cases {
		var got Text
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("%s: got %q,%v want %q", in, got, err, want)
		}
	}
}

func TestErrorMessagesAreBounded(t *testing.T) {
	_, _, err := parseNumber(strings.Repeat("x", 10000))
	if err == nil || len(err.Error()) > 100 {
		t.Errorf("error %v", err)
	}
}

// FuzzNumber checks that no input makes decoding panic, that a tolerant
// type fails only on a body that is not JSON, and that each decodes as
// documented (checkTolerant).
func FuzzNumber(f *testing.F) {
	for _, s := range []string{`12`, `"12.5"`, `" 7 "`, `"95%"`, `""`, `null`, `"N/A"`, `"-"`, `"abc"`, `1e999`, `{}`, `"\u0000"`, `"0x1p4"`, `"a\"b"`, `"\u00e9t\u00e9"`, "\"\xff\"", `"tab\there"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n Number
		var b Bool
		var tx Text
		for _, err := range []error{n.UnmarshalJSON(data), b.UnmarshalJSON(data), tx.UnmarshalJSON(data)} {
			if err != nil && json.Valid(data) {
				t.Fatalf("%q: %v", data, err)
			}
		}
		checkTolerant(t, data)
	})
}
