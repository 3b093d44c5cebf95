package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// loadTaskLabels loads a config whose first account has the task_labels
// of lines (indented under it).
func loadTaskLabels(t *testing.T, lines ...string) (*Config, error) {
	t.Helper()
	doc := yml(append([]string{"accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    task_labels:"}, lines...)...)
	path := filepath.Join(t.TempDir(), "cfg.yml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path)
}

func TestTaskLabelsLoad(t *testing.T) {
	t.Setenv("WAVE", "1")
	cfg, err := loadTaskLabels(t,
		`      - match: {api: sms, name: "web-*"}`,
		`        labels: {wave: "2", app: shop}`,
		`      - match: {id: 31c6fd2b-2893-430b-90ff-d1adb8060585}`,
		`        labels: {wave: "${WAVE}"}`,
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []TaskLabel{
		{Match: TaskMatch{API: "sms", Name: "web-*"}, Labels: map[string]string{"wave": "2", "app": "shop"}},
		{Match: TaskMatch{ID: "31c6fd2b-2893-430b-90ff-d1adb8060585"}, Labels: map[string]string{"wave": "1"}},
	}
	if got := cfg.Accounts[0].TaskLabels; !reflect.DeepEqual(got, want) {
		t.Errorf("task_labels = %#v\nwant %#v", got, want)
	}
}

func TestTaskLabelsErrors(t *testing.T) {
	long := strings.Repeat("x", MaxTaskLabelValue+1)
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{{
		name:  "reserved and invalid names, empty and long values",
		lines: []string{`      - match: {id: t1}`, `        labels:`, `          task_id: x`, `          1st: x`, `          __x: y`, `          wave: ""`, `          app: ` + long},
		want: []string{
			`cfg.yml:8: accounts[0].task_labels[0].labels.task_id: "task_id" is a label the exporter or Prometheus sets (reserved: account, api, task_id, group_id, job, instance, module, service, region)`,
			`cfg.yml:9: accounts[0].task_labels[0].labels.1st: "1st" is not a valid label name (1 to 64 letters, digits and '_', not starting with a digit)`,
			`cfg.yml:10: accounts[0].task_labels[0].labels.__x: label names starting with "__" are reserved for Prometheus`,
			`cfg.yml:11: accounts[0].task_labels[0].labels.wave: must not be empty (an empty value is no label in Prometheus)`,
			`cfg.yml:12: accounts[0].task_labels[0].labels.app: is 129 characters long, at most 128 are allowed`,
		},
	}, {
		name:  "two selectors, a bad api, a bad regexp",
		lines: []string{`      - match: {api: ecs, id: t1, name: web}`, `        labels: {wave: "1"}`, `      - match: {name_regex: "web-("}`, `        labels: {wave: "1"}`},
		want: []string{
			`cfg.yml:6: accounts[0].task_labels[0].match.api: "ecs" is not a service (want dcs, sms, drs, oms, cdm)`,
			`cfg.yml:6: accounts[0].task_labels[0].match: needs exactly one of id, id_regex, name and name_regex, got 2`,
			`cfg.yml:8: accounts[0].task_labels[1].match.name_regex: "web-(" is not a valid regular expression: missing closing ): ` + "`web-(`",
		},
	}, {
		name:  "no labels, duplicate label, labels not a mapping",
		lines: []string{`      - match: {id: t1}`, `      - match: {id: t2}`, `        labels: {wave: "1", wave: "2"}`, `      - match: {id: t3}`, `        labels: [wave]`},
		want: []string{
			`cfg.yml:6: accounts[0].task_labels[0].labels: is required (at least one label, e.g. {wave: "1"})`,
			`cfg.yml:8: accounts[0].task_labels[1].labels.wave: duplicate key (first given on line 8)`,
			`cfg.yml:10: accounts[0].task_labels[2].labels: expected a mapping, got a list`,
		},
	}, {
		name: "too many label names",
		lines: []string{`      - match: {id: t1}`,
			`        labels: {a: "1", b: "1", c: "1", d: "1", e: "1", f: "1", g: "1", h: "1", i: "1", j: "1", k: "1"}`},
		want: []string{`cfg.yml:5: accounts[0].task_labels: uses 11 label names (a, b, c, d, e, f, g, h, i, j, k), at most 10 are allowed`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadTaskLabels(t, tt.lines...)
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for line := range strings.SplitSeq(err.Error(), "\n") {
				got = append(got, filepath.Base(line))
			}
			checkErrorLines(t, got, tt.want)
		})
	}
}

func TestTaskLabeler(t *testing.T) {
	l, err := NewTaskLabeler([]TaskLabel{
		{Match: TaskMatch{API: "sms", Name: "web-*"}, Labels: map[string]string{"wave": "2", "app": "shop"}},
		{Match: TaskMatch{ID: "t-1"}, Labels: map[string]string{"wave": "1", "owner": "ops"}},
		{Match: TaskMatch{NameRegex: "db-0[0-9]"}, Labels: map[string]string{"app": "db"}},
		{Match: TaskMatch{IDRegex: "cluster/.*"}, Labels: map[string]string{"wave": "3"}},
		{Match: TaskMatch{Name: "a?c"}, Labels: map[string]string{"wave": "4"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Names(), []string{"app", "owner", "wave"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	p := func(kv ...string) []TaskLabelPair {
		var out []TaskLabelPair
		for i := 0; i < len(kv); i += 2 {
			out = append(out, TaskLabelPair{kv[i], kv[i+1]})
		}
		return out
	}
	for _, tt := range []struct {
		api, id, name string
		want          []TaskLabelPair
	}{
		{"sms", "x", "web-01", p("app", "shop", "wave", "2")},
		{"dcs", "x", "web-01", nil},                                             // api sms only
		{"sms", "t-1", "web-01", p("app", "shop", "owner", "ops", "wave", "2")}, // merged, the first entry's wave wins
		{"dcs", "t-1", "", p("owner", "ops", "wave", "1")},
		{"dcs", "t-10", "", nil},              // an id without wildcards is exact
		{"oms", "x", "db-01", p("app", "db")}, // a regexp matches the whole name
		{"oms", "x", "db-011", nil},
		{"cdm", "cluster/job-1", "", p("wave", "3")},
		{"sms", "x", "", nil},                // no name yet: no name match
		{"dcs", "x", "a\nc", p("wave", "4")}, // '?' is any character
	} {
		if got := l.Labels(tt.api, tt.id, tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Labels(%q, %q, %q) = %v, want %v", tt.api, tt.id, tt.name, got, tt.want)
		}
	}
	if l, err := NewTaskLabeler(nil); l != nil || err != nil {
		t.Errorf("NewTaskLabeler(nil) = %v, %v; want nil, nil", l, err)
	}
	if _, err := NewTaskLabeler([]TaskLabel{{Labels: map[string]string{"wave": "1"}}}); err == nil {
		t.Error("NewTaskLabeler accepted an entry without a match")
	}
}
