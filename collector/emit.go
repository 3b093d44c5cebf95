package collector

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// emitter builds the samples of one task (or of the exporter's own
// gauges). A value that cannot become a metric is logged and
// dropped; it never fails the scrape.
type emitter struct {
	// series holds the samples built, in the order built, and their
	// labels: one arena, grown from the size the largest task needed.
	exposition.Series
	logger log.Logger
	// labels knows the label order of the Descs; pairs are the label pairs
	// this emitter built, shared by its series.
	labels labelIndex
	pairs  []emittedPair // a task has a few dozen at most: a slice beats a map
	// shared interns the pairs of labels whose values repeat across tasks
	// (nil: every pair is the emitter's own).
	shared *sharedPairs
	// idOff is where the task's account and id pairs are in the arena, in
	// name order: the whole label set of every task metric without extra
	// labels, shared by them; idName is the id label they were made for
	// ("" before they are).
	idOff  uint32
	idName string

	// The task the metrics are about: the first two label values of every
	// task metric, and what a field that cannot be decoded is reported
	// under. Empty for the exporter's own gauges.
	api  string
	task [2]string // account, then the id (task_id, or group_id for a task group)
	// client scrubs the account's secrets from a field's value before it is
	// logged (nil: nothing to scrub).
	client *huaweicloud.Client
	// fieldErrors counts the fields whose value could not be decoded, by
	// api and field (nil: not counted).
	fieldErrors *prometheus.CounterVec
	// trace records the decoded fields and their transforms, for
	// /probe?debug=true (nil in normal scrapes: they pay a nil check).
	trace *huaweicloud.Trace
}

// emittedPair is a label pair and the raw value it was made from.
type emittedPair struct {
	raw  string
	pair *dto.LabelPair
}

// gauge sends desc's gauge with the given label values, in the order desc
// was made with.
func (m *emitter) gauge(desc *prometheus.Desc, v float64, labels ...string) {
	m.emit(desc, v, nil, labels)
}

// taskGauge sends a task metric: the task's labels, then extra.
func (m *emitter) taskGauge(desc *prometheus.Desc, v float64, extra ...string) {
	m.emit(desc, v, m.task[:], extra)
}

// emit sends desc's gauge whose label values are head then tail. Every
// Desc is made through the label index (a test checks), so that the label
// pairs are built once per task and value; one that was not is a bug,
// logged and dropped rather than sent through a slower general path.
func (m *emitter) emit(desc *prometheus.Desc, v float64, head, tail []string) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		level.Error(m.logger).Log("msg", "dropping metric: its value is not finite", "desc", desc.String(), "value", v)
		return
	}
	lo, ok := m.labels[desc]
	if !ok || len(lo.names) != len(head)+len(tail) {
		level.Error(m.logger).Log("msg", "dropping metric: its Desc was not made through the label index or got the wrong number of labels",
			"desc", desc.String(), "labels", len(head)+len(tail))
		return
	}
	if len(tail) == 0 && len(head) == len(m.task) && &head[0] == &m.task[0] {
		m.Samples = append(m.Samples, exposition.NewSample(desc, lo.fam, v, m.taskPairs(&lo), 2))
		return
	}
	off := m.Reserve(len(lo.names))
	pairs := m.Arena[off:]
	for k, i := range lo.order {
		raw := ""
		if i < len(head) {
			raw = head[i]
		} else {
			raw = tail[i-len(head)]
		}
		if lo.shared != nil && lo.shared[k] && m.shared != nil {
			if p := m.shared.get(&lo.names[k], raw); p != nil {
				pairs[k] = p
				continue
			}
		}
		pairs[k] = m.pair(&lo.names[k], raw)
	}
	m.Samples = append(m.Samples, exposition.NewSample(desc, lo.fam, v, off, len(lo.names)))
}

// taskPairs places the label pairs of a task metric without extra labels
// (account and the id, which sort in that order) in the arena once per
// task and returns where they are.
func (m *emitter) taskPairs(lo *labelOrder) uint32 {
	if m.idName != lo.names[1] {
		account, id := m.pair(&lo.names[0], m.task[0]), m.pair(&lo.names[1], m.task[1])
		m.idOff, m.idName = m.Reserve(2), lo.names[1]
		m.Arena[m.idOff], m.Arena[m.idOff+1] = account, id
	}
	return m.idOff
}

// pair returns the emitter's label pair for *name=raw, making it once (and
// making raw a safe label value then). name points into the label index,
// which outlives every scrape.
func (m *emitter) pair(name *string, raw string) *dto.LabelPair {
	for _, p := range m.pairs {
		if p.raw == raw && *p.pair.Name == *name {
			return p.pair
		}
	}
	b := &boxedPair{value: labelValue(raw)}
	b.pair.Name, b.pair.Value = name, &b.value
	m.pairs = append(m.pairs, emittedPair{raw: raw, pair: &b.pair})
	return &b.pair
}

// transform turns an API value into the metric's base unit; name says
// how, for /probe?debug=true.
type transform struct {
	name  string
	apply func(float64) float64
}

// The unit conversions: Prometheus wants base units (bytes, seconds,
// ratios from 0 to 1).
var (
	asIs           = transform{"as is", func(v float64) float64 { return v }}
	percentToRatio = transform{"/100 (percent to ratio)", func(v float64) float64 { return v / 100 }}
	kibToBytes     = transform{"*1024 (KiB to bytes)", func(v float64) float64 { return v * 1024 }}
	mbToBytes      = transform{"*1048576 (MB to bytes)", func(v float64) float64 { return v * 1048576 }} // MB as the SMS agent and DCS count it: MiB
	mbitToBytes    = transform{"*125000 (Mbit to bytes)", func(v float64) float64 { return v * 125000 }} // 10^6 bits / 8
	msToSeconds    = transform{"/1000 (ms to seconds)", func(v float64) float64 { return v / 1000 }}
)

// number sends the task metric unit(n) when the API gave a value. A value
// that is not a number is logged at debug level and counted; the series is
// omitted.
func (m *emitter) number(desc *prometheus.Desc, field string, n huaweicloud.Number, unit transform, extra ...string) {
	v, ok := n.Value()
	if !ok {
		m.checkField(field, n.Err())
		return
	}
	if u := unit.apply(v); !math.IsNaN(u) && !math.IsInf(u, 0) {
		if m.trace != nil {
			m.trace.Addf(huaweicloud.TraceField, "%s%s: %g -> %s -> %g", field, extraText(extra), v, unit.name, u)
		}
		m.taskGauge(desc, u, extra...)
		return
	}
	m.checkField(field, fmt.Errorf("%g is out of range in the metric's unit", v))
}

// extraText is a number's extra label values, for a trace line. It does
// not let extra escape (fmt would), so that the callers' variadic slices
// stay on the stack in normal scrapes.
func extraText(extra []string) string {
	var b strings.Builder
	for _, e := range extra {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e))
	}
	return b.String()
}

// boolean sends the task metric 1 or 0 when the API gave a value.
func (m *emitter) boolean(desc *prometheus.Desc, field string, b huaweicloud.Bool, extra ...string) {
	if v, ok := b.Value(); ok {
		if m.trace != nil {
			m.trace.Addf(huaweicloud.TraceField, "%s%s: %t -> %g", field, extraText(extra), v, boolFloat(v))
		}
		m.taskGauge(desc, boolFloat(v), extra...)
		return
	}
	m.checkField(field, b.Err())
}

// checkField reports a field whose value was present but unusable.
func (m *emitter) checkField(field string, err error) {
	if err == nil {
		if m.trace != nil {
			m.trace.Addf(huaweicloud.TraceField, "%s: omitted: no value", field)
		}
		return
	}
	text := err.Error()
	if m.client != nil {
		text = m.client.ScrubText(text)
	}
	if m.trace != nil {
		m.trace.Addf(huaweicloud.TraceField, "%s: omitted: %s", field, text)
	}
	level.Debug(m.logger).Log("msg", "field is not usable, series omitted", "api", m.api,
		"account", m.task[0], "task_id", m.task[1], "field", field, "err", text)
	if m.fieldErrors != nil {
		m.fieldErrors.WithLabelValues(m.api, field).Inc()
	}
}

// timestamp sends the task metric t in seconds since the epoch, unless t
// is zero.
func (m *emitter) timestamp(desc *prometheus.Desc, t time.Time) {
	if !t.IsZero() {
		m.taskGauge(desc, float64(t.UnixNano())/1e9)
	}
}

// stateSet sends the task's state set: 1 for current and 0 for every other
// known state. An unknown current state is sent too; an empty one sends
// nothing. field names the API's field in /probe?debug=true's trace.
// extra are the values of labels between the task's and the state's (a
// comparison's type); a state set with them is not one stateSetDesc
// prepared, and its series are made here.
func (m *emitter) stateSet(desc *prometheus.Desc, field string, known []string, current string, extra ...string) {
	if current == "" {
		if m.trace != nil {
			m.trace.Addf(huaweicloud.TraceField, "%s%s: omitted: no value", field, extraText(extra))
		}
		return
	}
	if m.trace != nil {
		kind := "a known state"
		if !slices.Contains(known, current) {
			kind = "not a known state: exported as it came"
		}
		m.trace.Addf(huaweicloud.TraceField, "%s%s: %q (%s) -> 1, the other known states 0", field, extraText(extra), current, kind)
	}
	lo := m.labels[desc]
	if len(extra) > 0 {
		labels := append(slices.Clip(extra), "")
		for _, s := range known {
			labels[len(extra)] = s
			m.taskGauge(desc, boolFloat(s == current), labels...)
		}
		if !slices.Contains(known, current) {
			labels[len(extra)] = current
			m.taskGauge(desc, 1, labels...)
		}
		return
	}
	if lo.set.Known != nil && len(lo.names) == len(m.task)+1 {
		// One sample, the current state's; expand makes the series.
		pair, ok := lo.states[current]
		if !ok {
			pair = m.pair(&lo.names[lo.set.Pos], current)
		}
		m.emitStatePair(desc, &lo, 1, pair)
		return
	}
	seen := false
	for _, s := range known {
		seen = seen || s == current
		if p, ok := lo.states[s]; ok && len(lo.names) == len(m.task)+1 {
			m.emitStatePair(desc, &lo, boolFloat(s == current), p)
		} else {
			m.taskGauge(desc, boolFloat(s == current), s)
		}
	}
	if !seen {
		m.taskGauge(desc, 1, current)
	}
}

// emitStatePair sends a state set's series whose state label pair is
// prebuilt (stateSetDesc): the task's labels, then that pair.
func (m *emitter) emitStatePair(desc *prometheus.Desc, lo *labelOrder, v float64, state *dto.LabelPair) {
	off := m.Reserve(len(lo.names))
	pairs := m.Arena[off:]
	for k, i := range lo.order {
		if i < len(m.task) {
			pairs[k] = m.pair(&lo.names[k], m.task[i])
		} else {
			pairs[k] = state
		}
	}
	m.Samples = append(m.Samples, exposition.NewSample(desc, lo.fam, v, off, len(lo.names)))
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
