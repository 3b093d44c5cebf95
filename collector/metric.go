package collector

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// gaugeMetric is a const gauge, like prometheus.NewConstMetric's, whose
// label pairs are built by the emitter and shared by a task's series:
// client_golang's MakeLabelPairs allocates fresh pairs for every series,
// the largest share of a scrape's allocations and memory otherwise. A
// scrape holds a task's series as values in one slice (no allocation per
// series); the /metrics and /probe answers are written from them family by
// family (expose.go). As a prometheus.Metric it serves the registry path:
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
	name  string   // the metric's name
	help  string   // its HELP text
	fam   int      // a task metric's index in Exporter.families
	names []string // sorted; the pairs' Name fields point into it
	order []int    // names[k] is the order[k]-th label value of a call
	// states are a state set's label pairs for its known states, built
	// once and shared by every task (read-only): a state set is most of a
	// task's series.
	states map[string]*dto.LabelPair
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
	name := &lo.names[slices.Index(lo.names, label)]
	for _, v := range known {
		value := labelValue(v)
		lo.states[v] = &dto.LabelPair{Name: name, Value: &value}
	}
	ix[d] = lo
	return d
}

// idDesc describes a metric of a task-like object whose id label is
// idLabel (task_id, or group_id for a task group): account and the id,
// then extra labels. The emitter fills the first two from the task.
func (ix labelIndex) idDesc(idLabel, name, help string, extra ...string) *prometheus.Desc {
	return ix.desc(name, help, append([]string{"account", idLabel}, extra...)...)
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
