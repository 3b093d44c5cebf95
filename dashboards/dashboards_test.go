// Package dashboards holds the Grafana dashboards for migration_exporter
// (*.json). This test checks them: their structure, their data source,
// their PromQL, their variables, and that every metric they use is one the
// exporter exposes or one the shipped recording rules record, so
// `go test ./...` covers the dashboards too.
package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"

	"github.com/migration-exporter/migration_exporter/internal/testenv"
)

const dashboardsGlob = "*.json"

// goldenFile is the exporter's normalised exposition for the --simulate
// tasks, without the Go and process collectors' families. The root
// package's TestGoldenExposition checks it against a live scrape, so its
// families are the ones the exporter exposes.
const goldenFile = "../testdata/simulate.golden.prom"

// rulesFile is the shipped Prometheus rule file. A dashboard may query the
// series its recording rules record (every `record:` name) as well as the
// exposed metrics: cutover-readiness.json shows the readiness rules'
// series rather than computing readiness again in its own PromQL.
const rulesFile = "../rules/migration_exporter.rules.yml"

// readinessRecord and readinessAccountRecord are the cut-over readiness
// series of rulesFile, which cutover-readiness.json shows. blockerRecord
// is the rules' reasons a task is not ready, one rule per api and reason;
// the readiness thresholds live in its rules.
const (
	readinessRecord        = "task:migration_cutover_ready:bool"
	readinessAccountRecord = "account:migration_cutover_ready:min"
	blockerRecord          = "task:migration_cutover_blocker"
)

// dashboardDatasource is the only data source a panel, a target or a query
// variable may name: the dashboard's own `datasource` variable.
const dashboardDatasource = "${datasource}"

type dashboardJSON struct {
	ID         json.RawMessage    `json:"id"`
	UID        string             `json:"uid"`
	Title      string             `json:"title"`
	Panels     []dashboardPanel   `json:"panels"`
	Templating dashboardTemplates `json:"templating"`
}

type dashboardTemplates struct {
	List []dashboardVariable `json:"list"`
}

type dashboardPanel struct {
	ID         int               `json:"id"`
	Type       string            `json:"type"`
	Title      string            `json:"title"`
	Collapsed  bool              `json:"collapsed"`
	Datasource json.RawMessage   `json:"datasource"`
	GridPos    dashboardGridPos  `json:"gridPos"`
	Targets    []dashboardTarget `json:"targets"`
	Panels     []dashboardPanel  `json:"panels"`
}

type dashboardGridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

type dashboardTarget struct {
	RefID      string          `json:"refId"`
	Expr       string          `json:"expr"`
	Datasource json.RawMessage `json:"datasource"`
}

type dashboardVariable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Datasource json.RawMessage `json:"datasource"`
	Query      json.RawMessage `json:"query"`
	Definition string          `json:"definition"`
	Multi      bool            `json:"multi"`
	IncludeAll bool            `json:"includeAll"`
}

// dashboardQuery is one PromQL text found in a dashboard.
type dashboardQuery struct {
	where string // for messages: which panel/target or variable
	text  string // as written, with Grafana variables
	// selector is true for the metric selector of label_values() or
	// label_names(): it selects series for their labels, so a counter need
	// not be in rate() there.
	selector bool
}

// TestDashboards checks every dashboards/*.json file on its own (see
// dashboardProblems) and that uids and titles are unique across files.
func TestDashboards(t *testing.T) {
	files := dashboardFiles(t)
	recorded := ruleRecordedNames(t)
	uids := map[string]string{}
	titles := map[string]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, problems := dashboardProblems(data, recorded)
		for _, p := range problems {
			t.Errorf("%s: %s", path, p)
		}
		if d == nil {
			continue
		}
		if other, ok := uids[d.UID]; ok && d.UID != "" {
			t.Errorf("%s: uid %q is also the uid of %s", path, d.UID, other)
		}
		uids[d.UID] = path
		if other, ok := titles[d.Title]; ok && d.Title != "" {
			t.Errorf("%s: title %q is also the title of %s", path, d.Title, other)
		}
		titles[d.Title] = path
	}
}

// TestDashboardsUseExposedMetrics checks that every metric a dashboard
// queries is one the exporter exposes in --simulate mode: one of its own
// (from the golden exposition) or one of the Go and process collectors
// that it registers too (gathered here, from this test's process); or one
// that the shipped rule file records (rulesFile). Nothing else: not an
// alert name, not a series of a rule file that is not shipped.
func TestDashboardsUseExposedMetrics(t *testing.T) {
	files := dashboardFiles(t)
	families := goldenFamilies(t)
	maps.Copy(families, runtimeFamilies(t))
	exposed := dashboardExposedNames(families)
	recorded := ruleRecordedNames(t)
	for name := range recorded {
		if exposed[name] {
			t.Errorf("%s records %s, which the exporter exposes too", rulesFile, name)
		}
	}
	maps.Copy(exposed, recorded)

	used := map[string]bool{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboardJSON
		if err := json.Unmarshal(data, &d); err != nil {
			t.Errorf("%s: %v", path, err) // TestDashboards says more
			continue
		}
		for _, p := range dashboardMetricProblems(&d, exposed, used) {
			t.Errorf("%s: %s", path, p)
		}
	}

	// Not an error: a new metric need not be on a dashboard. But say so.
	var unused []string
	for name := range exposed {
		if used[name] || strings.HasSuffix(name, "_sum") || strings.HasSuffix(name, "_count") {
			continue
		}
		if strings.HasPrefix(name, "dcs_") || strings.HasPrefix(name, "sms_") ||
			strings.HasPrefix(name, "migration_exporter_") || recorded[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Logf("exposed or recorded but on no dashboard: %s", strings.Join(unused, ", "))
	}
}

// goldenFamilies parses the golden exposition: the exporter's own families.
func goldenFamilies(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (go test ./e2e/ -run TestGoldenExposition -update writes it)", err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", goldenFile, err)
	}
	for _, name := range []string{"migration_exporter_build_info", "dcs_migration_up", "sms_migration_up"} {
		if families[name] == nil {
			t.Fatalf("%s has no %s: is it the exporter's exposition?", goldenFile, name)
		}
	}
	return families
}

// runtimeFamilies gathers the Go and process collectors the exporter
// registers next to its own (see serve in internal/app/app.go). The golden file leaves
// them out as they vary with the Go version and the OS; gathered live they
// are this Go's and this OS's, like the exporter built by this toolchain.
func runtimeFamilies(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	gathered, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]*dto.MetricFamily{}
	for _, f := range gathered {
		families[f.GetName()] = f
	}
	return families
}

// ruleFileYAML is the part of a Prometheus rule file these tests read.
type ruleFileYAML struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string            `yaml:"record"`
			Alert  string            `yaml:"alert"`
			Expr   string            `yaml:"expr"`
			Labels map[string]string `yaml:"labels"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// parseRuleFile decodes a rule file. promtool (go test ./rules/) checks
// the file in full; this only needs its groups and rules.
func parseRuleFile(data []byte) (*ruleFileYAML, error) {
	var f ruleFileYAML
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if len(f.Groups) == 0 {
		return nil, fmt.Errorf("no rule groups")
	}
	return &f, nil
}

// ruleMetricNameRE is a Prometheus metric name; a recorded name is one.
var ruleMetricNameRE = regexp.MustCompile(`^[A-Za-z_:][A-Za-z0-9_:]*$`)

// recordedNames gives every `record:` name of a rule file. Alert names are
// not series names and are left out.
func recordedNames(f *ruleFileYAML) (map[string]bool, error) {
	names := map[string]bool{}
	for _, g := range f.Groups {
		for i, r := range g.Rules {
			if r.Record == "" {
				continue
			}
			if !ruleMetricNameRE.MatchString(r.Record) {
				return nil, fmt.Errorf("group %q rule %d: record %q is not a metric name", g.Name, i, r.Record)
			}
			names[r.Record] = true
		}
	}
	return names, nil
}

// loadRuleFile reads and decodes rulesFile.
func loadRuleFile(t *testing.T) *ruleFileYAML {
	t.Helper()
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseRuleFile(data)
	if err != nil {
		t.Fatalf("%s: %v", rulesFile, err)
	}
	return f
}

// ruleRecordedNames gives the names rulesFile records.
func ruleRecordedNames(t *testing.T) map[string]bool {
	t.Helper()
	names, err := recordedNames(loadRuleFile(t))
	if err != nil {
		t.Fatalf("%s: %v", rulesFile, err)
	}
	for _, name := range []string{readinessRecord, readinessAccountRecord, blockerRecord} {
		if !names[name] {
			t.Fatalf("%s records no %s: is it the exporter's rule file?", rulesFile, name)
		}
	}
	return names
}

func dashboardFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(dashboardsGlob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no dashboards match %s", dashboardsGlob)
	}
	return files
}

// dashboardExposedNames gives the series names of the exposed families:
// a histogram family <name> is exposed as <name>_bucket, _sum and _count.
func dashboardExposedNames(families map[string]*dto.MetricFamily) map[string]bool {
	names := map[string]bool{}
	for name, f := range families {
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			names[name+"_bucket"] = true
			names[name+"_sum"] = true
			names[name+"_count"] = true
		case dto.MetricType_SUMMARY:
			names[name] = true
			names[name+"_sum"] = true
			names[name+"_count"] = true
		default:
			names[name] = true
		}
	}
	return names
}

// dashboardProblems checks one dashboard file. It returns the decoded
// dashboard (nil if it is not valid JSON) and every problem found.
// recorded holds the names recording rules record: gauges, whatever their
// suffix (see dashboardQueryProblems).
func dashboardProblems(data []byte, recorded map[string]bool) (*dashboardJSON, []string) {
	var d dashboardJSON
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, []string{"not a valid dashboard: " + err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if id := string(bytes.TrimSpace(d.ID)); id != "" && id != "null" {
		add(`"id" is %s; it must be null so that importing creates the dashboard`, id)
	}
	if d.UID == "" {
		add("empty uid")
	} else if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`).MatchString(d.UID) {
		add("uid %q: want 1 to 40 of [A-Za-z0-9_-]", d.UID)
	}
	if strings.TrimSpace(d.Title) == "" {
		add("empty title")
	}

	// Variables.
	vars := map[string]dashboardVariable{}
	for i, v := range d.Templating.List {
		if v.Name == "" {
			add("templating.list[%d] has no name", i)
			continue
		}
		if _, dup := vars[v.Name]; dup {
			add("variable %q is defined twice", v.Name)
		}
		vars[v.Name] = v
		if v.Type == "query" {
			if err := dashboardCheckDatasource(v.Datasource); err != nil {
				add("variable %q: %v", v.Name, err)
			}
		}
	}
	if v, ok := vars["datasource"]; !ok {
		add(`no "datasource" variable in templating.list`)
	} else {
		var q string
		_ = json.Unmarshal(v.Query, &q)
		if v.Type != "datasource" || q != "prometheus" {
			add(`variable "datasource" has type %q and query %s; want type "datasource" and query "prometheus"`,
				v.Type, v.Query)
		}
	}

	// Panels.
	ids := map[int]string{}
	var queries []dashboardQuery
	var walk func(panels []dashboardPanel, where string)
	walk = func(panels []dashboardPanel, where string) {
		for i, p := range panels {
			name := fmt.Sprintf("%s[%d] %q", where, i, p.Title)
			if p.ID == 0 {
				add("%s has no id", name)
			} else if other, dup := ids[p.ID]; dup {
				add("%s has id %d, like %s", name, p.ID, other)
			}
			ids[p.ID] = name
			if err := dashboardCheckDatasource(p.Datasource); err != nil {
				add("%s: %v", name, err)
			}
			if p.Type == "row" {
				if !p.Collapsed && len(p.Panels) > 0 {
					add("%s is an expanded row with nested panels; Grafana keeps those at the top level", name)
				}
				if len(p.Targets) > 0 {
					add("%s is a row with targets; a row runs no queries", name)
				}
			} else if len(p.Panels) > 0 {
				add("%s is a %q with nested panels; only rows nest panels", name, p.Type)
			} else if p.Type != "text" && len(p.Targets) == 0 {
				add("%s has no targets", name)
			}
			refIDs := map[string]bool{}
			for _, tg := range p.Targets {
				tname := fmt.Sprintf("%s target %s", name, tg.RefID)
				if tg.RefID == "" || refIDs[tg.RefID] {
					add("%s: every target needs its own refId", tname)
				}
				refIDs[tg.RefID] = true
				if ds := string(bytes.TrimSpace(tg.Datasource)); ds != "" && ds != "null" { // unset: the panel's
					if err := dashboardCheckDatasource(tg.Datasource); err != nil {
						add("%s: %v", tname, err)
					}
				}
				if strings.TrimSpace(tg.Expr) == "" {
					add("%s has no expr", tname)
					continue
				}
				queries = append(queries, dashboardQuery{where: tname, text: tg.Expr})
			}
			walk(p.Panels, name+".panels")
		}
		problems = append(problems, dashboardGridProblems(panels, where)...)
	}
	walk(d.Panels, "panels")

	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		qs, errs := dashboardVariableQueries(v)
		for _, err := range errs {
			add("variable %q: %v", v.Name, err)
		}
		queries = append(queries, qs...)
	}

	for _, q := range queries {
		problems = append(problems, dashboardQueryProblems(q, vars, recorded)...)
	}
	return &d, problems
}

// dashboardCheckDatasource accepts only {"type": "prometheus", "uid": "${datasource}"}.
func dashboardCheckDatasource(raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return fmt.Errorf(`no datasource; want {"type": "prometheus", "uid": %q}`, dashboardDatasource)
	}
	var ds struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	if err := json.Unmarshal(raw, &ds); err != nil {
		return fmt.Errorf(`datasource is %s; want {"type": "prometheus", "uid": %q}`, raw, dashboardDatasource)
	}
	if ds.UID != dashboardDatasource || ds.Type != "prometheus" {
		return fmt.Errorf(`datasource is {"type": %q, "uid": %q}; want {"type": "prometheus", "uid": %q}`,
			ds.Type, ds.UID, dashboardDatasource)
	}
	return nil
}

// dashboardGridProblems checks that sibling panels lie on the 24-column
// grid without overlapping.
func dashboardGridProblems(panels []dashboardPanel, where string) []string {
	var problems []string
	for i, p := range panels {
		g := p.GridPos
		if g.W < 1 || g.H < 1 || g.X < 0 || g.Y < 0 || g.X+g.W > 24 {
			problems = append(problems, fmt.Sprintf("%s[%d] %q: gridPos %+v is not on the 24-column grid",
				where, i, p.Title, g))
		}
		for j := range i {
			o := panels[j].GridPos
			if g.X < o.X+o.W && o.X < g.X+g.W && g.Y < o.Y+o.H && o.Y < g.Y+g.H {
				problems = append(problems, fmt.Sprintf("%s[%d] %q overlaps %s[%d] %q: %+v and %+v",
					where, i, p.Title, where, j, panels[j].Title, g, o))
			}
		}
	}
	return problems
}

// dashboardVariableQueries gives the PromQL of a query variable: from its
// query (a string, or an object with a "query" field) and its definition.
func dashboardVariableQueries(v dashboardVariable) ([]dashboardQuery, []error) {
	var texts []string
	var errs []error
	if len(v.Query) > 0 {
		var s string
		if err := json.Unmarshal(v.Query, &s); err != nil {
			var obj struct {
				Query string `json:"query"`
			}
			if err := json.Unmarshal(v.Query, &obj); err != nil {
				return nil, []error{fmt.Errorf("query is neither a string nor an object with a query: %s", v.Query)}
			}
			s = obj.Query
		}
		texts = append(texts, s)
	}
	if v.Definition != "" && (len(texts) == 0 || texts[0] != v.Definition) {
		texts = append(texts, v.Definition)
	}
	var out []dashboardQuery
	for _, text := range texts {
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		where := fmt.Sprintf("variable %q query %q", v.Name, text)
		if name, args, ok := dashboardFunctionCall(text); ok {
			switch name {
			case "label_values":
				// label_values(label) or label_values(selector, label).
				selector, label := "", strings.TrimSpace(args)
				if i := dashboardLastTopLevelComma(args); i >= 0 {
					selector, label = strings.TrimSpace(args[:i]), strings.TrimSpace(args[i+1:])
				}
				if !dashboardLabelNameRE.MatchString(label) {
					errs = append(errs, fmt.Errorf("%s: %q is not a label name; want label_values(label) or label_values(selector, label)", where, label))
				}
				if selector != "" {
					out = append(out, dashboardQuery{where: where, text: selector, selector: true})
				}
				continue
			case "label_names":
				if strings.TrimSpace(args) != "" {
					out = append(out, dashboardQuery{where: where, text: strings.TrimSpace(args), selector: true})
				}
				continue
			case "metrics":
				continue // the argument is a regular expression, not PromQL
			case "query_result":
				out = append(out, dashboardQuery{where: where, text: strings.TrimSpace(args)})
				continue
			}
		}
		out = append(out, dashboardQuery{where: where, text: text})
	}
	return out, errs
}

var dashboardLabelNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var dashboardFunctionRE = regexp.MustCompile(`(?s)^(label_values|label_names|metrics|query_result)\s*\((.*)\)$`)

func dashboardFunctionCall(s string) (name, args string, ok bool) {
	m := dashboardFunctionRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// dashboardLastTopLevelComma finds the last comma outside brackets and
// quotes, or -1.
func dashboardLastTopLevelComma(s string) int {
	depth, last := 0, -1
	var quote rune
	escaped := false
	for i, r := range s {
		switch {
		case quote != 0:
			switch {
			case escaped:
				escaped = false
			case r == '\\' && quote != '`':
				escaped = true
			case r == quote:
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == '(' || r == '{' || r == '[':
			depth++
		case r == ')' || r == '}' || r == ']':
			depth--
		case r == ',' && depth == 0:
			last = i
		}
	}
	return last
}

// dashboardVarRE matches Grafana variable references: ${name},
// ${name:format}, [[name]], [[name:format]] and $name.
var dashboardVarRE = regexp.MustCompile(
	`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\[\[([A-Za-z_][A-Za-z0-9_]*)(?::[^\]]*)?\]\]|\$([A-Za-z_][A-Za-z0-9_]*)`)

func dashboardVarName(ref string) string {
	m := dashboardVarRE.FindStringSubmatch(ref)
	for _, s := range m[1:] {
		if s != "" {
			return s
		}
	}
	return ""
}

// dashboardSubstitute replaces Grafana variables by values that make the
// query valid PromQL: intervals by 5m, dashboard variables by ".*".
func dashboardSubstitute(q string) string {
	return dashboardVarRE.ReplaceAllStringFunc(q, func(ref string) string {
		switch name := dashboardVarName(ref); name {
		case "__rate_interval", "__interval", "__range":
			return "5m"
		case "__interval_ms", "__range_ms":
			return "300000"
		case "__range_s":
			return "300"
		default:
			if strings.HasPrefix(name, "__") {
				return ref // a built-in this test does not know: let it fail to parse
			}
			return ".*"
		}
	})
}

// dashboardMatcherRE matches a label matcher with a quoted value.
var dashboardMatcherRE = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"`)

var dashboardPromQL = parser.NewParser(parser.Options{})

// dashboardParse substitutes the variables of q and parses it.
func dashboardParse(q dashboardQuery) (parser.Expr, error) {
	return dashboardPromQL.ParseExpr(dashboardSubstitute(q.text))
}

// dashboardQueryProblems checks one query: its variables are defined, and
// multi-value ones are used with a regex matcher; it parses; every selector
// names a metric; and counters and histogram buckets are only read through
// rate(), irate() or increase(). A name in recorded is the result of a
// recording rule's expression, a gauge, so it is not a counter whatever
// its suffix.
func dashboardQueryProblems(q dashboardQuery, vars map[string]dashboardVariable, recorded map[string]bool) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, q.where+": "+fmt.Sprintf(format, args...))
	}
	for _, ref := range dashboardVarRE.FindAllString(q.text, -1) {
		name := dashboardVarName(ref)
		if strings.HasPrefix(name, "__") {
			continue // Grafana built-in
		}
		if _, ok := vars[name]; !ok {
			add("uses %s, but no variable %q is defined in templating.list", ref, name)
		}
	}
	for _, m := range dashboardMatcherRE.FindAllStringSubmatch(q.text, -1) {
		if m[2] != "=" && m[2] != "!=" {
			continue
		}
		for _, ref := range dashboardVarRE.FindAllString(m[3], -1) {
			if v, ok := vars[dashboardVarName(ref)]; ok && (v.Multi || v.IncludeAll) {
				add("%s%s%q: %s can hold several values, so use =~ or !~", m[1], m[2], m[3], ref)
			}
		}
	}

	expr, err := dashboardParse(q)
	if err != nil {
		add("does not parse as PromQL (after substituting variables: %s): %v", dashboardSubstitute(q.text), err)
		return problems
	}
	if _, ok := expr.(*parser.VectorSelector); q.selector && !ok {
		add("is not a metric selector")
	}
	parser.Inspect(expr, func(node parser.Node, path []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := dashboardSelectorName(vs)
		if name == "" {
			add("selector %s does not name a metric", vs)
			return nil
		}
		if q.selector || recorded[name] || (!strings.HasSuffix(name, "_total") && !strings.HasSuffix(name, "_bucket")) {
			return nil
		}
		for _, anc := range path {
			if c, ok := anc.(*parser.Call); ok {
				switch c.Func.Name {
				case "rate", "irate", "increase":
					return nil
				}
			}
		}
		add("%s is a counter (or histogram bucket) used outside rate(), irate() or increase()", name)
		return nil
	})
	return problems
}

// dashboardSelectorName is the metric name of a selector, from its name or
// an equality matcher on __name__.
func dashboardSelectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == "__name__" && m.Type.String() == "=" {
			return m.Value
		}
	}
	return ""
}

// dashboardMetricProblems reports every metric the dashboard queries that
// is not in exposed (the exposed and the recorded names), and records the
// ones it uses in used.
func dashboardMetricProblems(d *dashboardJSON, exposed, used map[string]bool) []string {
	var queries []dashboardQuery
	var walk func([]dashboardPanel)
	walk = func(panels []dashboardPanel) {
		for _, p := range panels {
			for _, tg := range p.Targets {
				queries = append(queries, dashboardQuery{where: fmt.Sprintf("panel %q target %s", p.Title, tg.RefID), text: tg.Expr})
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			qs, _ := dashboardVariableQueries(v)
			queries = append(queries, qs...)
		}
	}
	var problems []string
	for _, q := range queries {
		expr, err := dashboardParse(q)
		if err != nil {
			continue // TestDashboards reports it
		}
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok {
				name := dashboardSelectorName(vs)
				if name == "" {
					return nil
				}
				used[name] = true
				if !exposed[name] {
					problems = append(problems, fmt.Sprintf("%s: metric %s is not exposed by the exporter (--simulate: golden exposition, Go and process collectors) nor recorded by %s", q.where, name, rulesFile))
				}
			}
			return nil
		})
	}
	return problems
}

// TestDashboardsCheckerCatchesMistakes feeds the checks above a small valid
// dashboard, and then the same dashboard broken in one way at a time, so
// that a check that can never fail does not go unnoticed.
func TestDashboardsCheckerCatchesMistakes(t *testing.T) {
	const good = `{
  "id": null,
  "uid": "fixture",
  "title": "Fixture",
  "panels": [
    {"id": 1, "type": "stat", "title": "Top", "datasource": {"type": "prometheus", "uid": "${datasource}"},
     "gridPos": {"h": 4, "w": 24, "x": 0, "y": 0},
     "targets": [{"refId": "A", "expr": "sum(migration_exporter_build_info)"},
       {"refId": "B", "expr": "count(task:migration_cutover_ready:bool{account=~\"$account\"} == 0)"},
       {"refId": "C", "expr": "min by (account) (account:migration_cutover_ready:min{account=~\"$account\"})"}]},
    {"id": 2, "type": "row", "title": "Row", "collapsed": true, "datasource": {"type": "prometheus", "uid": "${datasource}"},
     "gridPos": {"h": 1, "w": 24, "x": 0, "y": 4},
     "panels": [
       {"id": 3, "type": "timeseries", "title": "Nested", "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 0, "y": 5},
        "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "${datasource}"},
          "expr": "histogram_quantile(0.9, sum by (le) (rate(migration_exporter_api_request_duration_seconds_bucket{account=~\"$account\"}[$__rate_interval])))"}]}
     ]}
  ],
  "templating": {"list": [
    {"name": "datasource", "type": "datasource", "query": "prometheus"},
    {"name": "account", "type": "query", "multi": true, "includeAll": true, "allValue": ".*",
     "datasource": {"type": "prometheus", "uid": "${datasource}"},
     "query": {"qryType": 1, "query": "label_values(migration_exporter_account_info, account)", "refId": "A"},
     "definition": "label_values(migration_exporter_account_info, account)"},
    {"name": "task", "type": "query", "multi": true, "includeAll": true, "allValue": ".*",
     "datasource": {"type": "prometheus", "uid": "${datasource}"},
     "query": "label_values(dcs_migration_up{account=~\"${account:regex}\"}, task_id)"}
  ]}
}`
	exposed := dashboardExposedNames(map[string]*dto.MetricFamily{
		"migration_exporter_build_info":                   {Type: dto.MetricType_GAUGE.Enum()},
		"migration_exporter_account_info":                 {Type: dto.MetricType_GAUGE.Enum()},
		"dcs_migration_up":                                {Type: dto.MetricType_GAUGE.Enum()},
		"migration_exporter_api_request_duration_seconds": {Type: dto.MetricType_HISTOGRAM.Enum()},
	})
	// The names the shipped rule file records, as TestDashboardsUseExposedMetrics accepts them.
	recorded := ruleRecordedNames(t)
	maps.Copy(exposed, recorded)

	check := func(data []byte) []string {
		d, problems := dashboardProblems(data, recorded)
		if d != nil {
			problems = append(problems, dashboardMetricProblems(d, exposed, map[string]bool{})...)
		}
		return problems
	}
	if problems := check([]byte(good)); len(problems) > 0 {
		t.Fatalf("the valid fixture has problems:\n%s", strings.Join(problems, "\n"))
	}

	top := func(d map[string]any) map[string]any { return d["panels"].([]any)[0].(map[string]any) }
	topTarget := func(d map[string]any, i int) map[string]any { return top(d)["targets"].([]any)[i].(map[string]any) }
	nested := func(d map[string]any) map[string]any {
		return d["panels"].([]any)[1].(map[string]any)["panels"].([]any)[0].(map[string]any)
	}
	nestedTarget := func(d map[string]any) map[string]any { return nested(d)["targets"].([]any)[0].(map[string]any) }
	variable := func(d map[string]any, i int) map[string]any {
		return d["templating"].(map[string]any)["list"].([]any)[i].(map[string]any)
	}
	for _, c := range []struct {
		name   string
		mutate func(d map[string]any)
		want   string
	}{
		{"id set", func(d map[string]any) { d["id"] = 7 }, `"id" is 7`},
		{"empty uid", func(d map[string]any) { d["uid"] = "" }, "empty uid"},
		{"empty title", func(d map[string]any) { d["title"] = " " }, "empty title"},
		{"panel datasource uid", func(d map[string]any) {
			top(d)["datasource"] = map[string]any{"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
		}, `"uid": "P1809F7CD0C75ACF3"`},
		{"nested panel datasource as a string", func(d map[string]any) { nested(d)["datasource"] = "$datasource" }, `datasource is "$datasource"`},
		{"panel without datasource", func(d map[string]any) { delete(top(d), "datasource") }, "no datasource"},
		{"target datasource", func(d map[string]any) {
			nestedTarget(d)["datasource"] = map[string]any{"type": "prometheus", "uid": "other"}
		}, `"uid": "other"`},
		{"variable datasource", func(d map[string]any) { delete(variable(d, 1), "datasource") }, `variable "account": no datasource`},
		{"no datasource variable", func(d map[string]any) { variable(d, 0)["name"] = "ds" }, `no "datasource" variable`},
		{"datasource variable of the wrong type", func(d map[string]any) { variable(d, 0)["type"] = "custom" }, `variable "datasource" has type "custom"`},
		{"bad PromQL", func(d map[string]any) { top(d)["targets"].([]any)[0].(map[string]any)["expr"] = "sum(rate(x[5m])" }, "does not parse"},
		{"unbalanced label_values", func(d map[string]any) {
			variable(d, 1)["definition"] = "label_values(migration_exporter_account_info{, account)"
		}, "is not a label name"},
		{"bad label_values selector", func(d map[string]any) {
			variable(d, 1)["query"] = map[string]any{"query": "label_values(migration_exporter_account_info{account=}, account)"}
		}, "does not parse"},
		{"label_values of a function", func(d map[string]any) {
			variable(d, 2)["query"] = `label_values(sum(dcs_migration_up), task_id)`
		}, "is not a metric selector"},
		{"bare counter", func(d map[string]any) {
			nestedTarget(d)["expr"] = `sum(migration_exporter_api_requests_total{account=~"$account"})`
		}, "migration_exporter_api_requests_total is a counter"},
		{"bare histogram bucket", func(d map[string]any) {
			nestedTarget(d)["expr"] = `histogram_quantile(0.9, migration_exporter_api_request_duration_seconds_bucket)`
		}, "migration_exporter_api_request_duration_seconds_bucket is a counter"},
		{"counter in a rate-less function", func(d map[string]any) {
			nestedTarget(d)["expr"] = `delta(migration_exporter_task_errors_total[5m])`
		}, "migration_exporter_task_errors_total is a counter"},
		{"undefined variable", func(d map[string]any) {
			nestedTarget(d)["expr"] = `sum(rate(migration_exporter_api_request_duration_seconds_bucket{region=~"${region}"}[5m]))`
		}, `no variable "region"`},
		{"undefined variable in a variable query", func(d map[string]any) {
			variable(d, 2)["query"] = `label_values(dcs_migration_up{account=~"$acount"}, task_id)`
		}, `no variable "acount"`},
		{"multi-value variable with =", func(d map[string]any) {
			variable(d, 2)["query"] = `label_values(dcs_migration_up{account="$account"}, task_id)`
		}, "use =~ or !~"},
		{"selector without a metric name", func(d map[string]any) {
			top(d)["targets"].([]any)[0].(map[string]any)["expr"] = `sum({__name__=~"migration_.*"})`
		}, "does not name a metric"},
		{"unknown metric", func(d map[string]any) {
			top(d)["targets"].([]any)[0].(map[string]any)["expr"] = `sum(migration_exporter_build_inf)`
		}, "metric migration_exporter_build_inf is not exposed"},
		{"unknown metric in a variable", func(d map[string]any) {
			variable(d, 2)["query"] = `label_values(dcs_migration_upp, task_id)`
		}, "metric dcs_migration_upp is not exposed"},
		{"misspelt recorded name", func(d map[string]any) {
			topTarget(d, 1)["expr"] = `count(task:migration_cutover_ready:boool{account=~"$account"} == 0)`
		}, "metric task:migration_cutover_ready:boool is not exposed"},
		{"misspelt recorded account name", func(d map[string]any) {
			topTarget(d, 2)["expr"] = `min by (account) (account:migration_cutover_ready:max{account=~"$account"})`
		}, "metric account:migration_cutover_ready:max is not exposed"},
		{"alert name as a metric", func(d map[string]any) {
			topTarget(d, 2)["expr"] = `sum(DRSJobFailed)`
		}, "metric DRSJobFailed is not exposed"},
		{"recorded name with a multi-value variable and =", func(d map[string]any) {
			topTarget(d, 1)["expr"] = `count(task:migration_cutover_ready:bool{account="$account"} == 0)`
		}, "use =~ or !~"},
		{"recorded name with an undefined variable", func(d map[string]any) {
			topTarget(d, 2)["expr"] = `min by (account) (account:migration_cutover_ready:min{account=~"$acount"})`
		}, `no variable "acount"`},
		{"histogram base name", func(d map[string]any) {
			top(d)["targets"].([]any)[0].(map[string]any)["expr"] = `sum(migration_exporter_api_request_duration_seconds)`
		}, "metric migration_exporter_api_request_duration_seconds is not exposed"},
		{"overlapping panels", func(d map[string]any) {
			top(d)["gridPos"] = map[string]any{"h": 5, "w": 24, "x": 0, "y": 0}
		}, "overlaps"},
		{"off the grid", func(d map[string]any) {
			nested(d)["gridPos"] = map[string]any{"h": 8, "w": 12, "x": 16, "y": 5}
		}, "not on the 24-column grid"},
		{"duplicate panel id", func(d map[string]any) { nested(d)["id"] = 1 }, "has id 1"},
		{"panel without targets", func(d map[string]any) { delete(top(d), "targets") }, "has no targets"},
		{"row with targets", func(d map[string]any) {
			d["panels"].([]any)[1].(map[string]any)["targets"] = top(d)["targets"]
		}, "is a row with targets"},
		{"target without refId", func(d map[string]any) { delete(nestedTarget(d), "refId") }, "needs its own refId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal([]byte(good), &d); err != nil {
				t.Fatal(err)
			}
			c.mutate(d)
			data, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			problems := check(data)
			for _, p := range problems {
				if strings.Contains(p, c.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got:\n%s", c.want, strings.Join(problems, "\n"))
		})
	}

	if _, problems := dashboardProblems([]byte(`{"uid": "x", "title": "y",}`), recorded); len(problems) == 0 ||
		!strings.Contains(problems[0], "not a valid dashboard") {
		t.Errorf("invalid JSON: got %q", problems)
	}
}

// TestRecordedNames checks that recordedNames takes every `record:` name
// of a rule file and nothing else.
func TestRecordedNames(t *testing.T) {
	f, err := parseRuleFile([]byte(`groups:
  - name: a
    rules:
      - record: task:x:bool
        expr: up == 1
      - alert: XDown
        expr: up == 0
  - name: b
    rules:
      - record: account:x:min
        expr: min by (account) (task:x:bool)
`))
	if err != nil {
		t.Fatal(err)
	}
	names, err := recordedNames(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"task:x:bool": true, "account:x:min": true}; !maps.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}

	f, err = parseRuleFile([]byte("groups:\n  - name: a\n    rules:\n      - record: task:x-y\n        expr: up\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recordedNames(f); err == nil || !strings.Contains(err.Error(), "not a metric name") {
		t.Errorf("record task:x-y: got error %v, want one saying it is not a metric name", err)
	}
	for _, bad := range []string{"groups: [", "rules: []\n"} {
		if _, err := parseRuleFile([]byte(bad)); err == nil {
			t.Errorf("parseRuleFile(%q): no error", bad)
		}
	}
}

// TestRecordedSeriesAreGauges checks that the counter check takes a
// recorded series for a gauge whatever its name, and still catches the
// same name when nothing records it.
func TestRecordedSeriesAreGauges(t *testing.T) {
	q := dashboardQuery{where: "fixture", text: `sum(job:requests_total)`}
	if problems := dashboardQueryProblems(q, nil, map[string]bool{"job:requests_total": true}); len(problems) > 0 {
		t.Errorf("recorded job:requests_total: %q", problems)
	}
	problems := dashboardQueryProblems(q, nil, nil)
	if len(problems) != 1 || !strings.Contains(problems[0], "job:requests_total is a counter") {
		t.Errorf("job:requests_total, not recorded: got %q, want it reported as a counter", problems)
	}
}

// TestCutoverReadinessThresholdsMatchRules checks that the limits
// cutover-readiness.json draws for the DRS delay and the DCS offset (on
// their graphs and as the colours of their table columns) are the
// thresholds of the readiness rules in rulesFile: readiness is "no
// blocker", and the thresholds live in the blocker rules lag_high (DRS)
// and offset_high (DCS). The board shows the rules' result, and these
// lines say how far a task is from it, so they must move together.
func TestCutoverReadinessThresholdsMatchRules(t *testing.T) {
	const board = "cutover-readiness.json"
	f := loadRuleFile(t)
	data, err := os.ReadFile(board)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []thresholdPanel `json:"panels"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	var panels []thresholdPanel
	var walk func([]thresholdPanel)
	walk = func(ps []thresholdPanel) {
		for _, p := range ps {
			panels = append(panels, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)

	for _, c := range []struct {
		api, reason string // the blocker rule that holds the threshold
		metric      string // the series the rule compares with it
		whole       bool   // the metric only takes whole numbers
		graph       string // title of the panel that graphs it
		column      string // name of its column in a table
	}{
		// DRS: the rules judge the delay recorded per job, the target stage
		// delay where monitor-data gives it, else the replication delay;
		// the board draws the same threshold on the delay it shows.
		{"drs", "lag_high", "task:drs_migration_delay_seconds:max", false, "DRS replication delay", "DRS delay"},
		{"dcs", "offset_high", "dcs_migration_incremental_offset", true, "DCS incremental offset", "DCS offset"},
	} {
		t.Run(c.api, func(t *testing.T) {
			op, limit := readinessThreshold(t, f, c.api, c.reason, c.metric)
			// Grafana colours a value from a step's value up, so the step is
			// the first value that is not ready.
			var want float64
			switch {
			case op == parser.LSS:
				want = limit
			case op == parser.LTE && c.whole:
				want = limit + 1
			default:
				t.Fatalf("the %s %s blocker rule accepts %s %s %v as caught up; this test knows how to draw only < and, for a whole-numbered metric, <=",
					c.api, c.reason, c.metric, op, limit)
			}
			check := func(where string, th thresholdsJSON) {
				var values []float64
				for _, s := range th.Steps {
					if s.Value != nil {
						values = append(values, *s.Value)
					}
				}
				if len(values) != 1 || values[0] != want {
					t.Errorf("%s: %s: threshold steps %v; want one step at %v, the first value the readiness rules (%s %s %v in the %s %s blocker of %s) do not accept",
						board, where, values, want, c.metric, op, limit, c.api, c.reason, rulesFile)
				}
			}
			graphs, columns := 0, 0
			for _, p := range panels {
				if p.Title == c.graph {
					graphs++
					check(fmt.Sprintf("panel %q", p.Title), p.FieldConfig.Defaults.Thresholds)
				}
				for _, o := range p.FieldConfig.Overrides {
					if o.name() != c.column {
						continue
					}
					for _, prop := range o.Properties {
						if prop.ID != "thresholds" {
							continue
						}
						var th thresholdsJSON
						if err := json.Unmarshal(prop.Value, &th); err != nil {
							t.Fatalf("%s: panel %q column %q: %v", board, p.Title, c.column, err)
						}
						columns++
						check(fmt.Sprintf("panel %q column %q", p.Title, c.column), th)
					}
				}
			}
			if graphs != 1 || columns != 1 {
				t.Errorf("%s: %d panels titled %q and %d table columns %q with thresholds; want one of each",
					board, graphs, c.graph, columns, c.column)
			}
		})
	}
}

type thresholdPanel struct {
	Title       string `json:"title"`
	FieldConfig struct {
		Defaults struct {
			Thresholds thresholdsJSON `json:"thresholds"`
		} `json:"defaults"`
		Overrides []fieldOverride `json:"overrides"`
	} `json:"fieldConfig"`
	Panels []thresholdPanel `json:"panels"`
}

// fieldOverride is one of a panel's field overrides: a matcher (byName:
// options is the field's name) and the properties it sets.
type fieldOverride struct {
	Matcher struct {
		ID      string          `json:"id"`
		Options json.RawMessage `json:"options"`
	} `json:"matcher"`
	Properties []overrideProperty `json:"properties"`
}

type overrideProperty struct {
	ID    string          `json:"id"`
	Value json.RawMessage `json:"value"`
}

// name is the field name a byName matcher matches, or "".
func (o fieldOverride) name() string {
	var name string
	if o.Matcher.ID != "byName" || json.Unmarshal(o.Matcher.Options, &name) != nil {
		return ""
	}
	return name
}

type thresholdsJSON struct {
	Steps []struct {
		Value *float64 `json:"value"`
	} `json:"steps"`
}

// readinessThreshold finds, in the blockerRecord rule of api and reason,
// the one comparison of metric with a number (the value the rule accepts
// as caught up), and returns its operator and number.
func readinessThreshold(t *testing.T, f *ruleFileYAML, api, reason, metric string) (parser.ItemType, float64) {
	t.Helper()
	var exprs []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Record == blockerRecord && r.Labels["api"] == api && r.Labels["reason"] == reason {
				exprs = append(exprs, r.Expr)
			}
		}
	}
	if len(exprs) != 1 {
		t.Fatalf("%s: %d rules record %s{api=%q,reason=%q}; want 1", rulesFile, len(exprs), blockerRecord, api, reason)
	}
	expr, err := dashboardPromQL.ParseExpr(exprs[0])
	if err != nil {
		t.Fatalf("%s: %s{api=%q,reason=%q}: %v", rulesFile, blockerRecord, api, reason, err)
	}
	type found struct {
		op    parser.ItemType
		limit float64
	}
	var hits []found
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		be, ok := node.(*parser.BinaryExpr)
		if !ok || !be.Op.IsComparisonOperator() {
			return nil
		}
		rhs := be.RHS
		for {
			p, ok := rhs.(*parser.ParenExpr)
			if !ok {
				break
			}
			rhs = p.Expr
		}
		n, ok := rhs.(*parser.NumberLiteral)
		if !ok {
			return nil
		}
		uses := false
		parser.Inspect(be.LHS, func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok && dashboardSelectorName(vs) == metric {
				uses = true
			}
			return nil
		})
		if uses {
			hits = append(hits, found{be.Op, n.Val})
		}
		return nil
	})
	if len(hits) != 1 {
		t.Fatalf("%s: %s{api=%q,reason=%q} compares %s with a number %d times; want once", rulesFile, blockerRecord, api, reason, metric, len(hits))
	}
	return hits[0].op, hits[0].limit
}

// failedAlerts are the alerts on a failed task, each with the status
// metric and label it selects the failed statuses by. A dashboard that
// counts failed tasks must count the same statuses, or the board and the
// pager disagree on how many tasks failed.
var failedAlerts = []struct{ alert, metric, label string }{
	{"DCSMigrationFailed", "dcs_migration_task_status", "status"},
	{"SMSMigrationFailed", "sms_migration_task_state", "state"},
	{"DRSJobFailed", "drs_migration_job_status", "status"},
	{"OMSTaskFailed", "oms_migration_task_status", "status"},
	{"CDMJobFailed", "cdm_migration_job_status", "status"},
}

// statusMatcher is the matcher on label of the first selector of metric
// in expr, or nil.
func statusMatcher(expr parser.Node, metric, label string) *labels.Matcher {
	var found *labels.Matcher
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok || found != nil || dashboardSelectorName(vs) != metric {
			return nil
		}
		for _, m := range vs.LabelMatchers {
			if m.Name == label {
				found = m
			}
		}
		return nil
	})
	return found
}

// Every count() of failed tasks in a dashboard (a count over a status
// metric whose status matcher names a failed state) selects the statuses
// the corresponding alert fires on, with the same matcher.
func TestDashboardFailedCountsMatchAlerts(t *testing.T) {
	f := loadRuleFile(t)
	want := map[string]*labels.Matcher{}
	for _, fa := range failedAlerts {
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Alert != fa.alert {
					continue
				}
				expr, err := dashboardPromQL.ParseExpr(r.Expr)
				if err != nil {
					t.Fatalf("%s: %v", fa.alert, err)
				}
				if m := statusMatcher(expr, fa.metric, fa.label); m != nil {
					want[fa.metric] = m
				}
			}
		}
		if want[fa.metric] == nil {
			t.Fatalf("%s: no alert %s selecting %s by %s", rulesFile, fa.alert, fa.metric, fa.label)
		}
	}
	labelOf := map[string]string{}
	for _, fa := range failedAlerts {
		labelOf[fa.metric] = fa.label
	}

	counted := map[string]int{} // metric -> failed-count panels found
	eachDashboardTarget(t, func(file string, p dashboardPanel, tg dashboardTarget) {
		expr, err := dashboardParse(dashboardQuery{text: tg.Expr})
		if err != nil {
			return // TestDashboards reports it
		}
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			agg, ok := n.(*parser.AggregateExpr)
			if !ok || agg.Op != parser.COUNT {
				return nil
			}
			for metric, label := range labelOf {
				m := statusMatcher(agg.Expr, metric, label)
				if m == nil || !strings.Contains(m.Value, "FAIL") {
					continue
				}
				counted[metric]++
				if w := want[metric]; m.Type != w.Type || m.Value != w.Value {
					t.Errorf("%s panel %q counts failed %s with %s, but the alert selects %s",
						file, p.Title, metric, m, w)
				}
			}
			return nil
		})
	})
	for _, fa := range failedAlerts {
		if counted[fa.metric] == 0 {
			t.Errorf("no dashboard panel counts failed %s: is the check still finding the failed stat panels?", fa.metric)
		}
	}
}

// haInstances are the instance labels of the two exporters of an HA pair:
// two identical exporters in one job, so every series of the exporter
// twice. The first one is also the single exporter the pair is compared
// with.
var haInstances = []string{"exporter-a:9863", "exporter-b:9863"}

// haJob is the scrape job of the exporters.
const haJob = "migration_exporter"

// haEvalTime is when every query is evaluated: the input series run from
// 0 to haEvalMinutes, so the rules' 10-minute windows and offsets are
// full by then.
const (
	haEvalTime    = "15m"
	haEvalMinutes = 20
)

// haPinned are the variables that choose one exporter (exporter-health.json
// is about the exporters themselves): with several exporters, choosing all
// of them shows each one, as it should. They are set to the first
// exporter, the one the single run has, so those panels must show that
// exporter as they do without its twin.
var haPinned = map[string]string{"instance": haInstances[0]}

// haQuery is one query of a dashboard for TestDashboardsHAPair.
type haQuery struct {
	where string // for messages: the dashboard, panel and target
	expr  string // with the variables substituted
	// selector is true for a label_values() or label_names() selector: a
	// variable lists the label values of the series, each value once, so
	// the same series from both exporters make the same list.
	selector bool
}

// haSample is one sample of a query's result, as promtool prints it.
type haSample struct {
	labels string // labels.Labels.String()
	value  string // strconv.FormatFloat(v, 'E', -1, 64), or "" for a selector
}

// haResult is a query's result at haEvalTime, or its error.
type haResult struct {
	samples []haSample // sorted
	err     string
}

func (r haResult) String() string {
	if r.err != "" {
		return "error: " + r.err
	}
	if len(r.samples) == 0 {
		return "no data"
	}
	var b strings.Builder
	for i, s := range r.samples {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.labels)
		if s.value != "" {
			b.WriteString(" " + s.value)
		}
	}
	return b.String()
}

// TestDashboardsHAPair evaluates every query of every dashboard (with its
// variables substituted as the checks above do) on the series of one
// exporter and on those of an HA pair (the same series twice, with
// different instance), with the shipped recording rules, and requires the
// same result: a panel must not count a task twice, draw it twice, or fail
// on a join that finds two series per task ("many-to-many matching").
// Aggregate over the task's labels (max by (account, task_id, ...)) before
// counting, summing or joining. The input is the golden exposition;
// promtool (`promtool test rules`) evaluates the queries.
func TestDashboardsHAPair(t *testing.T) {
	bin := testenv.RequireBinary(t, "promtool")
	var queries []haQuery
	for _, path := range dashboardFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboardJSON
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", path, err) // TestDashboards says more
		}
		queries = append(queries, haDashboardQueries(path, &d)...)
	}
	if len(queries) < 100 {
		t.Fatalf("found only %d queries in the dashboards: is haDashboardQueries still finding them?", len(queries))
	}
	for _, p := range haProblems(t, bin, queries) {
		t.Error(p)
	}
}

// TestDashboardsHAPairCatchesMistakes runs the HA comparison on queries
// that an HA pair breaks (a count or a sum of the exporter's series, a
// join on them, a graph of them) and on their fixed forms, so that a
// comparison that can never fail does not go unnoticed.
func TestDashboardsHAPairCatchesMistakes(t *testing.T) {
	bin := testenv.RequireBinary(t, "promtool")
	cases := []struct {
		name, expr string
		broken     bool // an HA pair changes its result
	}{
		{"count", `count(drs_migration_job_status{status=~".+_FAILED"} == 1) or vector(0)`, true},
		{"count fixed", `count(max by (account, task_id) (drs_migration_job_status{status=~".+_FAILED"} == 1)) or vector(0)`, false},
		{"sum", `sum(oms_migration_objects{outcome="failed"})`, true},
		{"sum fixed", `sum(max by (account, task_id) (oms_migration_objects{outcome="failed"}))`, false},
		{"join", "drs_migration_progress_ratio * on (account, task_id) group_left (job_name)\nmax by (account, task_id, job_name) (drs_migration_job_info)", true},
		{"info join", "max by (account, task_id) (drs_migration_progress_ratio) * on (account, task_id) group_left (job_name)\ndrs_migration_job_info", true},
		{"join fixed", "max by (account, task_id) (drs_migration_progress_ratio) * on (account, task_id) group_left (job_name)\nmax by (account, task_id, job_name) (drs_migration_job_info)", false},
		{"graph", `dcs_migration_up`, true},
		{"graph fixed", `max by (account, task_id) (dcs_migration_up)`, false},
		{"exporters summed", `sum(rate(migration_exporter_api_requests_total[5m]))`, true},
		{"one exporter chosen", `sum(rate(migration_exporter_api_requests_total{instance=~"$instance"}[5m]))`, false},
		{"recorded series", `count(task:migration_cutover_blocker{reason="down"})`, false},
		{"variable", `label_values(dcs_migration_up{account=~"$account"}, task_id)`, false},
		{"exporter variable", `label_values(migration_exporter_build_info, instance)`, false},
	}
	var queries []haQuery
	for _, c := range cases {
		v := dashboardVariable{Name: c.name, Type: "query"}
		v.Query, _ = json.Marshal(c.expr)
		qs, errs := dashboardVariableQueries(v)
		if len(errs) > 0 || len(qs) != 1 {
			t.Fatalf("%s: %v, %d queries", c.name, errs, len(qs))
		}
		queries = append(queries, haQuery{where: c.name, expr: haSubstitute(qs[0].text), selector: qs[0].selector})
	}
	problems := haProblems(t, bin, queries)
	for _, c := range cases {
		var got []string
		for _, p := range problems {
			if strings.HasPrefix(p, c.name+": ") {
				got = append(got, p)
			}
		}
		switch {
		case c.broken && len(got) != 1:
			t.Errorf("%s (%s): %d problems; want 1: %q", c.name, c.expr, len(got), got)
		case !c.broken && len(got) != 0:
			t.Errorf("%s (%s): want no problem, got %q", c.name, c.expr, got)
		}
	}
}

// haDashboardQueries gives every query of a dashboard, its variables
// substituted: the panels' targets, and the query variables' queries.
func haDashboardQueries(path string, d *dashboardJSON) []haQuery {
	var out []haQuery
	var walk func([]dashboardPanel)
	walk = func(panels []dashboardPanel) {
		for _, p := range panels {
			for _, tg := range p.Targets {
				if strings.TrimSpace(tg.Expr) != "" {
					out = append(out, haQuery{
						where: fmt.Sprintf("%s panel %q target %s", path, p.Title, tg.RefID),
						expr:  haSubstitute(tg.Expr),
					})
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		qs, _ := dashboardVariableQueries(v) // TestDashboards reports the errors
		for _, q := range qs {
			out = append(out, haQuery{where: path + " " + q.where, expr: haSubstitute(q.text), selector: q.selector})
		}
	}
	return out
}

// haSubstitute substitutes the variables of a query as dashboardSubstitute
// does, but sets those of haPinned to their value.
func haSubstitute(q string) string {
	q = dashboardVarRE.ReplaceAllStringFunc(q, func(ref string) string {
		if v, ok := haPinned[dashboardVarName(ref)]; ok {
			return regexp.QuoteMeta(v)
		}
		return ref
	})
	return dashboardSubstitute(q)
}

// haInputSeries is one input series of the promtool test.
type haInputSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

// haScenarios are the inputs: the golden exposition, and the same with
// every 0 and 1 swapped, so that the states the simulator's tasks are not
// in (a task down, every status at once) are there too.
var haScenarios = []struct {
	name string
	swap bool
}{{"golden exposition", false}, {"golden exposition with 0 and 1 swapped", true}}

// haGoldenSeries gives the golden exposition's series as promtool input
// series of the exporters in instances, one minute apart from 0 to
// haEvalMinutes: a gauge keeps its value, a counter (and a histogram's or
// a summary's _bucket, _sum and _count) grows by its value every minute.
// With swap, a gauge's 0 is 1 and its 1 is 0.
func haGoldenSeries(t *testing.T, instances []string, swap bool) []haInputSeries {
	t.Helper()
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (go test ./e2e/ -run TestGoldenExposition -update writes it)", err)
	}
	types := map[string]string{}
	var out []haInputSeries
	for i, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			types[f[2]] = f[3]
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		end := haSeriesEnd(line)
		lbls, err := dashboardPromQL.ParseMetric(line[:end])
		if err != nil {
			t.Fatalf("%s:%d: %v", goldenFile, i+1, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[end:]), 64)
		if err != nil {
			t.Fatalf("%s:%d: %v", goldenFile, i+1, err)
		}
		name := lbls.Get(model.MetricNameLabel)
		counter := types[name] == "counter"
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if typ := types[strings.TrimSuffix(name, suffix)]; strings.HasSuffix(name, suffix) && (typ == "histogram" || typ == "summary") {
				counter = true
			}
		}
		if swap && !counter && (v == 0 || v == 1) {
			v = 1 - v
		}
		values := make([]string, haEvalMinutes+1)
		for m := range values {
			x := v
			if counter {
				x = v * float64(m+1)
			}
			values[m] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		for _, inst := range instances {
			b := labels.NewBuilder(lbls)
			b.Set("job", haJob)
			b.Set("instance", inst)
			out = append(out, haInputSeries{Series: b.Labels().String(), Values: strings.Join(values, " ")})
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no series", goldenFile)
	}
	return out
}

// haSeriesEnd is the end of the series in an exposition line or a
// promtool sample (`name{a="b"} 1`, `{__name__="x"} 1`): the closing
// brace outside quotes, or the first space.
func haSeriesEnd(s string) int {
	brace := strings.IndexByte(s, '{')
	if sp := strings.IndexByte(s, ' '); brace < 0 || (sp >= 0 && sp < brace) {
		if sp < 0 {
			return len(s)
		}
		return sp
	}
	inQuote, escaped := false, false
	for i := brace; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case inQuote && c == '\\':
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '}':
			return i + 1
		}
	}
	return len(s)
}

// promtool's unit test file, the parts haProblems writes.
type haTestFile struct {
	RuleFiles          []string      `yaml:"rule_files"`
	EvaluationInterval string        `yaml:"evaluation_interval"`
	Tests              []haTestGroup `yaml:"tests"`
}

type haTestGroup struct {
	Name        string          `yaml:"name"`
	Interval    string          `yaml:"interval"`
	InputSeries []haInputSeries `yaml:"input_series"`
	ExprTests   []haExprTest    `yaml:"promql_expr_test"`
}

type haExprTest struct {
	Expr       string        `yaml:"expr"`
	EvalTime   string        `yaml:"eval_time"`
	ExpSamples []haExpSample `yaml:"exp_samples"`
}

type haExpSample struct {
	Labels string  `yaml:"labels"`
	Value  float64 `yaml:"value"`
}

// haNoSuchSeries is the result every expression test expects, so that
// every one fails and promtool prints its result.
var haNoSuchSeries = []haExpSample{{Labels: "ha_test_no_such_series{}", Value: 0}}

// haTag ends every expression of the promtool test, with the run and the
// query's index, so that its result can be told in promtool's output.
const haTag = "# ha-test "

// haProblems evaluates queries with promtool on one exporter's series and
// on an HA pair's, each with the recording rules of rulesFile, and
// reports every query whose result differs, or that fails.
//
// promtool prints a result only when it differs from the expected one, so
// every query expects a series that does not exist, and the results are
// read from its report.
func haProblems(t *testing.T, bin string, queries []haQuery) []string {
	t.Helper()
	rules, err := filepath.Abs(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	// Each scenario is evaluated on one exporter (run 2*s) and on an HA
	// pair (run 2*s+1).
	type run struct {
		name      string
		instances []string
		swap      bool
	}
	var runs []run
	for _, scenario := range haScenarios {
		runs = append(runs,
			run{scenario.name + ", one exporter", haInstances[:1], scenario.swap},
			run{scenario.name + ", HA pair", haInstances, scenario.swap})
	}
	file := haTestFile{RuleFiles: []string{rules}, EvaluationInterval: "1m"}
	for r, run := range runs {
		g := haTestGroup{Name: run.name, Interval: "1m", InputSeries: haGoldenSeries(t, run.instances, run.swap)}
		for i, q := range queries {
			g.ExprTests = append(g.ExprTests, haExprTest{
				Expr:       fmt.Sprintf("%s\n%s%d %d", q.expr, haTag, r, i),
				EvalTime:   haEvalTime,
				ExpSamples: haNoSuchSeries,
			})
		}
		file.Tests = append(file.Tests, g)
	}
	data, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ha.test.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "test", "rules", path).CombinedOutput() // fails: every test does
	results, err := haParseReport(string(out))
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}

	var problems []string
	for i, q := range queries {
		for sc, scenario := range haScenarios {
			one, okOne := results[fmt.Sprintf("%d %d", 2*sc, i)]
			pair, okPair := results[fmt.Sprintf("%d %d", 2*sc+1, i)]
			if !okOne || !okPair {
				t.Fatalf("promtool's report has no result for %s (%s):\n%s", q.where, q.expr, out)
			}
			if q.selector {
				one, pair = haLabelSets(t, one), haLabelSets(t, pair)
			}
			if one.err != "" {
				problems = append(problems, fmt.Sprintf("%s: fails on one exporter's series (%s): %s", q.where, scenario.name, one.err))
				break
			}
			if !haSame(one, pair) {
				problems = append(problems, fmt.Sprintf("%s: an HA pair (two exporters in one job, the same series with different instance) changes the result (%s); aggregate over the task's labels, max by (account, task_id, ...), before counting, summing, joining or drawing\n\tquery: %s\n\tone exporter: %s\n\tHA pair:      %s",
					q.where, scenario.name, q.expr, haShorten(one.String()), haShorten(pair.String())))
				break // one report a query
			}
		}
	}
	return problems
}

// haSame tells whether two results are the same: the same error, or the
// same series with the same values (up to rounding: a sum may add in
// another order).
func haSame(a, b haResult) bool {
	if a.err != b.err || len(a.samples) != len(b.samples) {
		return false
	}
	for i, x := range a.samples {
		y := b.samples[i]
		if x.labels != y.labels {
			return false
		}
		if x.value == y.value {
			continue
		}
		vx, errX := strconv.ParseFloat(x.value, 64)
		vy, errY := strconv.ParseFloat(y.value, 64)
		if errX != nil || errY != nil || math.Abs(vx-vy) > 1e-9*math.Max(math.Abs(vx), math.Abs(vy)) {
			return false
		}
	}
	return true
}

// haShorten cuts a long result for a message.
func haShorten(s string) string {
	const limit = 600
	if len(s) <= limit {
		return s
	}
	return s[:limit] + " …"
}

// haLabelSets turns the result of a variable's selector into its distinct
// label sets without instance: what the variable lists.
func haLabelSets(t *testing.T, r haResult) haResult {
	t.Helper()
	if r.err != "" {
		return r
	}
	seen := map[string]bool{}
	var out haResult
	for _, s := range r.samples {
		lbls, err := dashboardPromQL.ParseMetric(s.labels)
		if err != nil {
			t.Fatalf("promtool printed %s: %v", s.labels, err)
		}
		key := labels.NewBuilder(lbls).Del("instance").Labels().String()
		if !seen[key] {
			seen[key] = true
			out.samples = append(out.samples, haSample{labels: key})
		}
	}
	sort.Slice(out.samples, func(i, j int) bool { return out.samples[i].labels < out.samples[j].labels })
	return out
}

// haParseReport reads promtool's report of failed expression tests:
//
//	expr: "<expr>", time: 15m,
//	    exp: ...
//	    got: {a="b"} 1E+00, {a="c"} 2E+00
//	expr: "<expr>", time: 15m, err: <error>
//
// (got: nil for no data), and returns the results by the tag that ends
// each expression (haTag).
func haParseReport(out string) (map[string]haResult, error) {
	results := map[string]haResult{}
	const exprMark = "    expr: "
	rest := out
	for {
		i := strings.Index(rest, exprMark)
		if i < 0 {
			break
		}
		rest = rest[i+len(exprMark):]
		quoted, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, fmt.Errorf("expr not quoted: %.80q", rest)
		}
		expr, _ := strconv.Unquote(quoted)
		rest = rest[len(quoted):]
		// This entry ends where the next one or the next group starts.
		entry := rest
		if j := strings.Index(entry, "\n"+exprMark); j >= 0 {
			entry = entry[:j]
		}
		if j := strings.Index(entry, "\n  FAILED:"); j >= 0 {
			entry = entry[:j]
		}
		tag := expr[strings.LastIndex(expr, "\n")+1:]
		if !strings.HasPrefix(tag, haTag) {
			continue // not one of ours
		}
		tag = strings.TrimPrefix(tag, haTag)
		firstLine, _, _ := strings.Cut(entry, "\n")
		if _, e, ok := strings.Cut(firstLine, ", err: "); ok {
			results[tag] = haResult{err: strings.TrimSpace(e)}
			continue
		}
		_, got, ok := strings.Cut(entry, "got: ")
		if !ok {
			return nil, fmt.Errorf("no got: for %q", expr)
		}
		r, err := haParseSamples(strings.TrimSpace(got))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", expr, err)
		}
		results[tag] = r
	}
	return results, nil
}

// haParseSamples reads promtool's `{a="b"} 1E+00, {a="c"} 2E+00` (one
// line, or one sample a line) or `nil`.
func haParseSamples(s string) (haResult, error) {
	var r haResult
	if s == "nil" {
		return r, nil
	}
	for s != "" {
		if s[0] != '{' {
			return r, fmt.Errorf("want a sample at %.60q", s)
		}
		end := haSeriesEnd(s)
		lbls := s[:end]
		s = strings.TrimLeft(s[end:], " ")
		value, next, _ := strings.Cut(s, ",")
		r.samples = append(r.samples, haSample{labels: lbls, value: strings.TrimSpace(value)})
		s = strings.TrimSpace(next)
	}
	sort.Slice(r.samples, func(i, j int) bool { return r.samples[i].labels < r.samples[j].labels })
	return r, nil
}

// shippedScrapeInterval is the scrape interval of examples/prometheus.yml,
// the one the dashboards are drawn for.
const shippedScrapeInterval = time.Minute

// windowRE matches a range or subquery window in PromQL as written, with
// Grafana variables: [5m], [$__rate_interval], [10m:1m].
var windowRE = regexp.MustCompile(`\[([^\]:]+)(?::[^\]]*)?\]`)

// windowProblems checks the windows of one query as written: each holds at
// least four samples at the shipped scrape interval. $__rate_interval and
// $__interval depend on Grafana's data source setting (its 15 s default
// gives a 60 s window, one sample at a 60 s scrape: an empty rate), so they
// are refused; $__range is the dashboard's time range.
func windowProblems(where, expr string) []string {
	var out []string
	for _, m := range windowRE.FindAllStringSubmatch(expr, -1) {
		w := strings.TrimSpace(m[1])
		switch {
		case w == "$__range" || w == "${__range}":
		case strings.HasPrefix(w, "$"):
			out = append(out, fmt.Sprintf("%s: window [%s] depends on Grafana's data source scrape interval; use a literal window of at least %s", where, w, 4*shippedScrapeInterval))
		default:
			d, err := model.ParseDuration(w)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: window [%s]: %v", where, w, err))
			} else if time.Duration(d) < 4*shippedScrapeInterval {
				out = append(out, fmt.Sprintf("%s: window [%s] holds fewer than 4 samples at the shipped %s scrape interval", where, w, shippedScrapeInterval))
			}
		}
	}
	return out
}

// Every window of every panel query holds enough samples at the scrape
// interval of examples/prometheus.yml.
func TestDashboardWindowsFitTheScrapeInterval(t *testing.T) {
	var prom struct {
		ScrapeConfigs []struct {
			JobName        string `yaml:"job_name"`
			ScrapeInterval string `yaml:"scrape_interval"`
		} `yaml:"scrape_configs"`
	}
	data, err := os.ReadFile("../examples/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &prom); err != nil {
		t.Fatal(err)
	}
	for _, sc := range prom.ScrapeConfigs {
		if d, err := model.ParseDuration(sc.ScrapeInterval); err == nil && time.Duration(d) != shippedScrapeInterval {
			t.Errorf("examples/prometheus.yml scrapes job %s every %s; the dashboards' windows are checked against %s", sc.JobName, sc.ScrapeInterval, shippedScrapeInterval)
		}
	}
	n := 0
	eachDashboardTarget(t, func(path string, p dashboardPanel, tg dashboardTarget) {
		n++
		for _, problem := range windowProblems(fmt.Sprintf("%s panel %q target %s", path, p.Title, tg.RefID), tg.Expr) {
			t.Error(problem)
		}
	})
	if n < 100 {
		t.Fatalf("checked only %d targets", n)
	}
	for expr, want := range map[string]int{"rate(x[5m])": 0, "rate(x[$__rate_interval])": 1, "rate(x[1m])": 1, "max_over_time(x[10m:1m])": 0, "increase(x[$__range])": 0, "rate(x[$__interval]) + rate(y[2m])": 2} {
		if got := windowProblems("fixture", expr); len(got) != want {
			t.Errorf("%s: %d problems %q, want %d", expr, len(got), got, want)
		}
	}
}

// cutoverBoard is the cut-over board, which shows every service's tasks.
const cutoverBoard = "cutover-readiness.json"

// TestCutoverReadinessCoversEveryService checks that cutover-readiness.json
// shows every service the readiness rules cover (one readinessRecord rule
// per api) and names every reason of their blocker rules: a service left
// out of the board would block the cut-over (Cut-over ready says no)
// without a row that says which task, and a reason without a mapping shows
// as a bare code without what to do.
func TestCutoverReadinessCoversEveryService(t *testing.T) {
	f := loadRuleFile(t)
	apis, reasons := map[string]bool{}, map[string]bool{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			switch r.Record {
			case readinessRecord:
				apis[r.Labels["api"]] = true
			case blockerRecord:
				reasons[r.Labels["reason"]] = true
			}
		}
	}
	if len(apis) < 5 || len(reasons) < 12 {
		t.Fatalf("%s: readiness rules for %v and blocker reasons %v: is the rule file still read?", rulesFile, apis, reasons)
	}
	data, err := os.ReadFile(cutoverBoard)
	if err != nil {
		t.Fatal(err)
	}
	var board struct {
		Panels []struct {
			Title       string `json:"title"`
			FieldConfig struct {
				Overrides []fieldOverride `json:"overrides"`
			} `json:"fieldConfig"`
			Targets []dashboardTarget `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &board); err != nil {
		t.Fatal(err)
	}
	// mapped gives the values a column's value mappings name.
	mapped := func(props []overrideProperty) map[string]bool {
		out := map[string]bool{}
		for _, p := range props {
			if p.ID != "mappings" {
				continue
			}
			var ms []struct {
				Options map[string]json.RawMessage `json:"options"`
			}
			_ = json.Unmarshal(p.Value, &ms)
			for _, m := range ms {
				for k := range m.Options {
					out[k] = true
				}
			}
		}
		return out
	}
	found := map[string]bool{}
	for _, p := range board.Panels {
		found[p.Title] = true
		switch p.Title {
		case "Tasks down", "Every task, not ready first":
			// Tasks down: the up series of every service; the table: the
			// info, status and up series (targets A, B, C) of every one.
			targets := p.Targets
			if p.Title == "Every task, not ready first" && len(targets) >= 3 {
				targets = targets[:3]
			}
			for _, tg := range targets {
				for api := range apis {
					if !strings.Contains(tg.Expr, `"api", "`+api+`"`) {
						t.Errorf("%s panel %q target %s does not show the %s tasks (no label_replace to api %q)", cutoverBoard, p.Title, tg.RefID, api, api)
					}
				}
			}
			for _, o := range p.FieldConfig.Overrides {
				if o.name() != "Service" {
					continue
				}
				got := mapped(o.Properties)
				for api := range apis {
					if !got[api] {
						t.Errorf("%s panel %q: the Service column does not name api %q", cutoverBoard, p.Title, api)
					}
				}
			}
		case "Blockers per task":
			for _, col := range []string{"Reason", "What to do"} {
				var got map[string]bool
				for _, o := range p.FieldConfig.Overrides {
					if o.name() == col {
						got = mapped(o.Properties)
					}
				}
				for reason := range reasons {
					if !got[reason] {
						t.Errorf("%s panel %q: the %s column does not map reason %q", cutoverBoard, p.Title, col, reason)
					}
				}
			}
		case "Tasks blocked, by reason":
			got := map[string]bool{}
			for _, o := range p.FieldConfig.Overrides {
				got[o.name()] = true
			}
			for reason := range reasons {
				if !got[reason] {
					t.Errorf("%s panel %q does not name reason %q", cutoverBoard, p.Title, reason)
				}
			}
		}
	}
	for _, title := range []string{"Tasks down", "Every task, not ready first", "Blockers per task", "Tasks blocked, by reason"} {
		if !found[title] {
			t.Errorf("%s has no panel %q", cutoverBoard, title)
		}
	}
}

// eachDashboardTarget calls visit with every target of every panel (rows'
// panels included) of every dashboard.
func eachDashboardTarget(t *testing.T, visit func(path string, p dashboardPanel, tg dashboardTarget)) {
	t.Helper()
	for _, path := range dashboardFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboardJSON
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", path, err) // TestDashboards says more
		}
		var walk func([]dashboardPanel)
		walk = func(panels []dashboardPanel) {
			for _, p := range panels {
				walk(p.Panels)
				for _, tg := range p.Targets {
					visit(path, p, tg)
				}
			}
		}
		walk(d.Panels)
	}
}
