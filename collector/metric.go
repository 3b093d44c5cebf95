package collector

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/internal/exposition"
	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// eachMetric calls yield with every series of s as a prometheus.Metric, a
// state set's expanded: the registry path (the debug probe, tests) and the
// exporter's own gauges.
func eachMetric(s *exposition.Series, ix labelIndex, yield func(*gaugeMetric)) {
	for i := range s.Samples {
		p := &s.Samples[i]
		lo := ix[p.Desc]
		if lo.set.Known == nil {
			yield(&gaugeMetric{desc: p.Desc, labels: s.Labels(i), value: p.Value})
			continue
		}
		lo.set.Expand(s.Labels(i), func(state *dto.LabelPair, v float64) {
			labels := slices.Clone(s.Labels(i))
			labels[lo.set.Pos] = state
			yield(&gaugeMetric{desc: p.Desc, labels: labels, value: v})
		})
	}
}

// gaugeMetric is a const gauge, like prometheus.NewConstMetric's, whose
// label pairs are built by the emitter and shared by a task's series:
// client_golang's MakeLabelPairs allocates fresh pairs for every series,
// the largest share of a scrape's allocations and memory otherwise. A
// scrape holds a task's series as values in one slice (no allocation per
// series); the /metrics and /probe answers are written from them family by
// family (internal/exposition). As a prometheus.Metric it serves the registry path:
// the debug probe and the test proving both paths give the same bytes.
type gaugeMetric struct {
	desc   *prometheus.Desc
	labels []*dto.LabelPair // sorted by name; read-only once built
	value  float64
}

func (g *gaugeMetric) Desc() *prometheus.Desc { return g.desc }

func (g *gaugeMetric) Write(out *dto.Metric) error {
	out.Label = g.labels
	out.Gauge = &dto.Gauge{Value: &g.value}
	return nil
}

// labelIndex records, for each Desc made through it, its variable label
// names in sorted order, which the text format and the registry expect.
type labelIndex map[*prometheus.Desc]labelOrder

type labelOrder struct {
	name string // the metric's name
	help string // its HELP text
	fam  int    // a task metric's family in the answer's writer
	// shared[k] says names[k]'s values repeat across tasks (an extra label
	// of a task metric that is not an _info: a subtask, a phase, a state),
	// so that their pairs are interned (sharedPairs).
	shared []bool
	names  []string // sorted; the pairs' Name fields point into it
	order  []int    // names[k] is the order[k]-th label value of a call
	// states are a state set's label pairs for its known states, built
	// once and shared by every task (read-only): a state set is most of a
	// task's series.
	states map[string]*dto.LabelPair
	// set has those pairs in value order and the state label's place in
	// names: a task's state set is held as one sample, its current
	// state's, and written out as a series for every known state.
	set exposition.StateSet
}

// desc makes a Desc with the given variable labels and records their order.
func (ix labelIndex) desc(name, help string, labels ...string) *prometheus.Desc {
	d := prometheus.NewDesc(name, help, labels, nil)
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return labels[order[a]] < labels[order[b]] })
	names := make([]string, len(labels))
	for k, i := range order {
		names[k] = labels[i]
	}
	ix[d] = labelOrder{name: name, help: help, names: names, order: order}
	return d
}

// taskDesc describes a task metric: account and task_id, then extra labels.
func (ix labelIndex) taskDesc(name, help string, extra ...string) *prometheus.Desc {
	return ix.idDesc("task_id", name, help, extra...)
}

// stateSetDesc describes a task's state set: account and task_id, then
// label, whose known values get their label pairs made once here.
func (ix labelIndex) stateSetDesc(name, help, label string, known []string) *prometheus.Desc {
	return ix.shareStates(ix.taskDesc(name, help, label), label, known)
}

// shareStates makes the label pairs of d's last label, label, for its
// known values once, for every task's state set to share.
func (ix labelIndex) shareStates(d *prometheus.Desc, label string, known []string) *prometheus.Desc {
	lo := ix[d]
	lo.states = make(map[string]*dto.LabelPair, len(known))
	lo.set.Pos = slices.Index(lo.names, label)
	for _, v := range known {
		if _, dup := lo.states[v]; dup {
			continue
		}
		value := labelValue(v)
		p := &dto.LabelPair{Name: &lo.names[lo.set.Pos], Value: &value}
		lo.states[v] = p
		lo.set.Known = append(lo.set.Known, p)
	}
	slices.SortFunc(lo.set.Known, func(a, b *dto.LabelPair) int { return strings.Compare(*a.Value, *b.Value) })
	ix[d] = lo
	return d
}

// idDesc describes a metric of a task-like object whose id label is
// idLabel (task_id, or group_id for a task group): account and the id,
// then extra labels. The emitter fills the first two from the task.
func (ix labelIndex) idDesc(idLabel, name, help string, extra ...string) *prometheus.Desc {
	d := ix.desc(name, help, append([]string{"account", idLabel}, extra...)...)
	if len(extra) > 0 && !strings.HasSuffix(name, "_info") {
		lo := ix[d]
		lo.shared = make([]bool, len(lo.names))
		for k, i := range lo.order {
			lo.shared[k] = i >= 2
		}
		ix[d] = lo
	}
	return d
}

// maxSharedPairs bounds the label pairs sharedPairs interns: values that
// repeat across tasks are few, and answers cannot make it grow for ever.
const maxSharedPairs = 4096

// sharedPairs interns the label pairs of labels whose values repeat
// across tasks, for every scrape's tasks to share: less memory per task,
// and sorting a family compares pointers. Past maxSharedPairs, pairs are
// made per task again. Safe for concurrent use.
type sharedPairs struct {
	m sync.Map // pairKey → *dto.LabelPair
	n atomic.Int32
}

type pairKey struct{ name, raw string }

// get returns the shared pair for *name=raw, or nil when the table is full.
func (sp *sharedPairs) get(name *string, raw string) *dto.LabelPair {
	key := pairKey{*name, raw}
	if p, ok := sp.m.Load(key); ok {
		return p.(*dto.LabelPair)
	}
	if sp.n.Load() >= maxSharedPairs {
		return nil
	}
	b := &boxedPair{value: labelValue(raw)}
	b.pair.Name, b.pair.Value = name, &b.value
	p, loaded := sp.m.LoadOrStore(key, &b.pair)
	if !loaded {
		sp.n.Add(1)
	}
	return p.(*dto.LabelPair)
}

// boxedPair is a label pair with the storage of its value: one allocation.
type boxedPair struct {
	pair  dto.LabelPair
	value string
}

// maxLabelValue bounds label values taken from API answers.
const maxLabelValue = 128

// labelValue makes an API string safe as a label value: valid UTF-8 and
// at most maxLabelValue bytes.
func labelValue(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return runes.Cut(s, maxLabelValue)
}

// taskFamilies describes the families of descs, task metrics made through
// idDesc, for the answer's writer: their labels in name order, the
// account first and the id among them.
func taskFamilies(ix labelIndex, descs []*prometheus.Desc) []exposition.Family {
	fams := make([]exposition.Family, 0, len(descs))
	for _, d := range descs {
		lo := ix[d]
		// account and the id are the first two label values (idDesc).
		f := exposition.Family{Name: lo.name, Help: lo.help, Labels: lo.names,
			Group: lo.names[slices.Index(lo.order, 0)], ID: lo.names[slices.Index(lo.order, 1)]}
		if lo.set.Known != nil {
			f.States = &lo.set
		}
		fams = append(fams, f)
	}
	return fams
}

// placeFamilies records each of descs' family in w in the label index.
func placeFamilies(ix labelIndex, descs []*prometheus.Desc, w *exposition.Writer) {
	for _, d := range descs {
		lo := ix[d]
		lo.fam, _ = w.Family(lo.name)
		ix[d] = lo
	}
}
