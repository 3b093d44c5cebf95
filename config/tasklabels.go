package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// TaskLabel gives the tasks that Match selects the user labels Labels
// (for example a migration wave and an application), exposed as
// migration_task_labels{account,api,task_id,<labels>} = 1.
//
// Every entry of an account's task_labels whose match selects a task
// adds its labels; when several set the same label name, the first entry
// (in file order) wins for that name.
type TaskLabel struct {
	Match  TaskMatch         `yaml:"match"`
	Labels map[string]string `yaml:"labels"`
}

// TaskMatch selects tasks: optionally of one service (API), and by
// exactly one of ID, IDRegex, Name or NameRegex. ID and Name are globs:
// '*' stands for any run of characters (also none), '?' for one
// character, everything else for itself, so an id without them selects
// that task only. The regexes are RE2 syntax and must match the whole id
// or name. A task's name is known once the task has been read (its
// *_info series); a name match selects it from then on.
type TaskMatch struct {
	API       string `yaml:"api"`
	ID        string `yaml:"id"`
	IDRegex   string `yaml:"id_regex"`
	Name      string `yaml:"name"`
	NameRegex string `yaml:"name_regex"`
}

// Limits on task_labels, so that a config cannot make the label series
// of 10,000 tasks heavy: label names and values are bounded in length,
// an account's entries use at most MaxTaskLabelNames distinct label
// names, and patterns are bounded in length (a long regexp compiles to a
// large program).
const (
	MaxTaskLabelNames      = 10
	MaxTaskLabelNameLength = 64
	MaxTaskLabelValue      = 128 // characters
	MaxTaskLabelEntries    = 1000
	MaxTaskMatchPattern    = 256 // bytes
)

// ReservedTaskLabels are the label names task_labels may not use: the
// exporter's own labels of migration_task_labels and the target labels
// Prometheus or the sharded layout's service discovery put on every
// series (a user label of that name would be overwritten or clash).
var ReservedTaskLabels = []string{"account", "api", "task_id", "group_id", "job", "instance", "module", "service", "region"}

// taskLabelNameRE is a Prometheus label name.
var taskLabelNameRE = pattern{regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`), MaxTaskLabelNameLength}

// TaskLabeler gives each task the labels of an account's task_labels.
// It is safe for concurrent use; Labels never changes it.
type TaskLabeler struct {
	rules []labelRule
	names []string // every label name a rule sets, sorted
}

// labelRule is one TaskLabel, compiled.
type labelRule struct {
	api    string
	byName bool           // re is matched against the name, not the id
	re     *regexp.Regexp // nil: exact, the id or name is literal
	lit    string
	labels []TaskLabelPair // sorted by name
}

// TaskLabelPair is one user label.
type TaskLabelPair struct{ Name, Value string }

// NewTaskLabeler compiles an account's task_labels. It returns nil for
// none, and an error for entries that Validate would refuse.
func NewTaskLabeler(entries []TaskLabel) (*TaskLabeler, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	var v validator
	l := v.taskLabels(entries, "task_labels")
	if err := joinFieldErrors(v.errs); err != nil {
		return nil, err
	}
	return l, nil
}

// Names are the label names the labeler's entries set, sorted.
func (l *TaskLabeler) Names() []string { return l.names }

// Labels returns the user labels of the task of service api with id and
// name ("" when not known yet), sorted by name; nil when no entry
// selects it.
func (l *TaskLabeler) Labels(api, id, name string) []TaskLabelPair {
	if l == nil {
		return nil
	}
	var out []TaskLabelPair
	for i := range l.rules {
		r := &l.rules[i]
		if !r.matches(api, id, name) {
			continue
		}
		for _, p := range r.labels {
			if !slices.ContainsFunc(out, func(q TaskLabelPair) bool { return q.Name == p.Name }) {
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b TaskLabelPair) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (r *labelRule) matches(api, id, name string) bool {
	if r.api != "" && r.api != api {
		return false
	}
	s := id
	if r.byName {
		if name == "" {
			return false
		}
		s = name
	}
	if r.re == nil {
		return s == r.lit
	}
	return r.re.MatchString(s)
}

// taskAPIs are the services a match's api may name.
var taskAPIs = []string{"dcs", "sms", "drs", "oms", "cdm"}

// taskLabels checks an account's task_labels at path p and compiles
// them (what it returns is only complete when no problem was found).
func (v *validator) taskLabels(entries []TaskLabel, p string) *TaskLabeler {
	if len(entries) > MaxTaskLabelEntries {
		v.add(p, "has %d entries, at most %d are allowed", len(entries), MaxTaskLabelEntries)
		return nil
	}
	l := &TaskLabeler{}
	for i, e := range entries {
		ep := fmt.Sprintf("%s[%d]", p, i)
		r := labelRule{api: e.Match.API}
		if r.api != "" && !slices.Contains(taskAPIs, r.api) {
			v.add(ep+".match.api", "%s is not a service (want %s)", quote(r.api), strings.Join(taskAPIs, ", "))
		}
		v.taskMatch(e.Match, ep+".match", &r)
		if len(e.Labels) == 0 {
			v.add(ep+".labels", "is required (at least one label, e.g. {wave: \"1\"})")
		}
		for _, name := range slices.Sorted(maps.Keys(e.Labels)) {
			value := e.Labels[name]
			lp := ep + ".labels." + name
			switch {
			case !taskLabelNameRE.MatchString(name):
				v.add(lp, "%s is not a valid label name (1 to %d letters, digits and '_', not starting with a digit)", quote(name), MaxTaskLabelNameLength)
				continue
			case strings.HasPrefix(name, "__"):
				v.add(lp, "label names starting with \"__\" are reserved for Prometheus")
				continue
			case slices.Contains(ReservedTaskLabels, name):
				v.add(lp, "%s is a label the exporter or Prometheus sets (reserved: %s)", quote(name), strings.Join(ReservedTaskLabels, ", "))
				continue
			}
			switch n := utf8.RuneCountInString(value); {
			case value == "":
				v.add(lp, "must not be empty (an empty value is no label in Prometheus)")
			case !utf8.ValidString(value):
				v.add(lp, "is not valid UTF-8")
			case n > MaxTaskLabelValue:
				v.add(lp, "is %d characters long, at most %d are allowed", n, MaxTaskLabelValue)
			}
			r.labels = append(r.labels, TaskLabelPair{Name: name, Value: value})
			if !slices.Contains(l.names, name) {
				l.names = append(l.names, name)
			}
		}
		slices.SortFunc(r.labels, func(a, b TaskLabelPair) int { return strings.Compare(a.Name, b.Name) })
		l.rules = append(l.rules, r)
	}
	slices.Sort(l.names)
	if len(l.names) > MaxTaskLabelNames {
		v.add(p, "uses %d label names (%s), at most %d are allowed", len(l.names), strings.Join(l.names, ", "), MaxTaskLabelNames)
	}
	return l
}

// taskMatch checks a match at path p (exactly one of its selectors) and
// compiles it into r.
func (v *validator) taskMatch(m TaskMatch, p string, r *labelRule) {
	type selector struct {
		key, value    string
		byName, regex bool
	}
	var given []selector
	for _, s := range []selector{
		{"id", m.ID, false, false}, {"id_regex", m.IDRegex, false, true},
		{"name", m.Name, true, false}, {"name_regex", m.NameRegex, true, true},
	} {
		if s.value != "" {
			given = append(given, s)
		}
	}
	if len(given) != 1 {
		v.add(p, "needs exactly one of id, id_regex, name and name_regex, got %d", len(given))
		return
	}
	s := given[0]
	sp := p + "." + s.key
	if len(s.value) > MaxTaskMatchPattern {
		v.add(sp, "is %d bytes long, at most %d are allowed", len(s.value), MaxTaskMatchPattern)
		return
	}
	r.byName = s.byName
	expr := s.value
	if !s.regex {
		if !strings.ContainsAny(expr, "*?") {
			r.lit = expr
			return
		}
		expr = "(?s)" + globRegexp(expr)
	}
	if _, err := regexp.Compile(expr); err != nil {
		v.add(sp, "%s is not a valid regular expression: %s", quote(s.value), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	r.re = regexp.MustCompile(`^(?:` + expr + `)$`)
}

// globRegexp turns a glob ('*' any run of characters, '?' one) into the
// regexp of the same strings.
func globRegexp(glob string) string {
	var b strings.Builder
	for _, c := range glob {
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
