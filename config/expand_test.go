package config

import (
	"reflect"
	"testing"
)

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"A": "alpha", "B_2": "beta", "EMPTY": "", "DOLLAR": "${A}"}
	lookup := func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
	tests := []struct {
		in       string
		want     string
		problems []string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x-${A}-${B_2}-y", want: "x-alpha-beta-y"},
		{in: "${EMPTY}", want: ""},
		{in: "${DOLLAR}", want: "${A}"}, // values are not expanded again
		{in: "$${A}", want: "${A}"},
		{in: "$${A}${A}", want: "${A}alpha"},
		{in: "$A $ a$ $$ $}", want: "$A $ a$ $$ $}"},
		{in: "${UNSET}", want: "", problems: []string{"environment variable UNSET is not set"}},
		{in: "${U1}${A}${U2}", want: "alpha", problems: []string{
			"environment variable U1 is not set", "environment variable U2 is not set",
		}},
		{in: "${1A}", want: "${1A}", problems: []string{`invalid "${...}" reference: the variable name must match [A-Za-z_][A-Za-z0-9_]* (write "$${" for a literal "${")`}},
		{in: "${}", want: "${}", problems: []string{`invalid "${...}" reference: the variable name must match [A-Za-z_][A-Za-z0-9_]* (write "$${" for a literal "${")`}},
		{in: "${A:-x}", want: "${A:-x}", problems: []string{`invalid "${...}" reference: the variable name must match [A-Za-z_][A-Za-z0-9_]* (write "$${" for a literal "${")`}},
		{in: "a${A", want: "a${A", problems: []string{`"${" without a closing "}" (write "$${" for a literal "${")`}},
	}
	for _, tt := range tests {
		got, problems := expandEnv(tt.in, lookup)
		if got != tt.want || !reflect.DeepEqual(problems, tt.problems) {
			t.Errorf("expandEnv(%q) = %q, %q; want %q, %q", tt.in, got, problems, tt.want, tt.problems)
		}
	}
}
