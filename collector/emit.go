package collector

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// maxLabelValue bounds label values taken from API answers.
const maxLabelValue = 128

// emitter builds const metrics for one scrape and sends them. A value that
// cannot become a metric is logged and dropped; it never fails the scrape.
type emitter struct {
	send   func(prometheus.Metric)
	logger log.Logger
	api    string
	// fieldError is called for a field whose value could not be decoded.
	fieldError func(api, field string)
	// labels knows the label order of the Descs; pairs are the label pairs
	// this emitter built, shared by its series (an emitter serves one task).
	labels labelIndex
	pairs  []emittedPair // a task has a few dozen at most: a slice beats a map
}

// emittedPair is a label pair and the raw value it was made from.
type emittedPair struct {
	raw  string
	pair *dto.LabelPair
}

func (m *emitter) gauge(desc *prometheus.Desc, v float64, labels ...string) {
	lo, ok := m.labels[desc]
	if !ok || len(lo.names) != len(labels) {
		m.constGauge(desc, v, labels)
		return
	}
	pairs := make([]*dto.LabelPair, len(labels))
	for k, i := range lo.order {
		pairs[k] = m.pair(lo.names[k], labels[i])
	}
	m.send(&gaugeMetric{desc: desc, labels: pairs, value: v})
}

// pair returns the emitter's label pair for name=raw, making it once (and
// making raw a safe label value then).
func (m *emitter) pair(name, raw string) *dto.LabelPair {
	for _, p := range m.pairs {
		if p.raw == raw && *p.pair.Name == name {
			return p.pair
		}
	}
	value := labelValue(raw)
	p := &dto.LabelPair{Name: &name, Value: &value}
	m.pairs = append(m.pairs, emittedPair{raw: raw, pair: p})
	return p
}

// constGauge is the general path, for a Desc the label index does not know.
func (m *emitter) constGauge(desc *prometheus.Desc, v float64, labels []string) {
	for i, l := range labels {
		labels[i] = labelValue(l)
	}
	metric, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	if err != nil {
		level.Error(m.logger).Log("msg", "dropping metric", "desc", desc.String(), "err", err)
		return
	}
	m.send(metric)
}

// transform turns an API value into the metric's base unit.
type transform func(float64) float64

// The unit conversions of SPEC §2.
var (
	asIs           transform = func(v float64) float64 { return v }
	percentToRatio transform = func(v float64) float64 { return v / 100 }
	kibToBytes     transform = func(v float64) float64 { return v * 1024 }
	mbToBytes      transform = func(v float64) float64 { return v * 1048576 } // MB as the SMS agent counts it: MiB
	mbitToBytes    transform = func(v float64) float64 { return v * 125000 }  // 10^6 bits / 8
	msToSeconds    transform = func(v float64) float64 { return v / 1000 }
)

// number exports unit(n) when the API gave a value. A value that is not a
// number is logged at debug level and counted; the series is omitted.
func (m *emitter) number(desc *prometheus.Desc, field string, n huaweicloud.Number, unit transform, labels ...string) {
	if v, ok := n.Value(); ok {
		m.gauge(desc, unit(v), labels...)
		return
	}
	m.checkField(field, n.Err(), labels)
}

func (m *emitter) boolean(desc *prometheus.Desc, field string, b huaweicloud.Bool, labels ...string) {
	if v, ok := b.Value(); ok {
		m.gauge(desc, boolFloat(v), labels...)
		return
	}
	m.checkField(field, b.Err(), labels)
}

func (m *emitter) checkField(field string, err error, labels []string) {
	if err == nil {
		return
	}
	level.Debug(m.logger).Log("msg", "field is not usable, series omitted", "api", m.api,
		"account", labels[0], "task_id", labels[1], "field", field, "err", err)
	if m.fieldError != nil {
		m.fieldError(m.api, field)
	}
}

// timestamp exports t in seconds since the epoch, unless it is zero.
func (m *emitter) timestamp(desc *prometheus.Desc, t time.Time, labels ...string) {
	if !t.IsZero() {
		m.gauge(desc, float64(t.UnixNano())/1e9, labels...)
	}
}

// stateSet exports 1 for current and 0 for every other known state. An
// unknown current state is exported too; an empty one exports nothing.
func (m *emitter) stateSet(desc *prometheus.Desc, known []string, current string, labels ...string) {
	if current == "" {
		return
	}
	lv := append(append(make([]string, 0, len(labels)+1), labels...), "")
	seen := false
	for _, s := range known {
		lv[len(lv)-1] = s
		seen = seen || s == current
		m.gauge(desc, boolFloat(s == current), lv...)
	}
	if !seen {
		lv[len(lv)-1] = current
		m.gauge(desc, 1, lv...)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// labelValue makes an API string safe as a label value: valid UTF-8 and
// bounded in length.
func labelValue(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > maxLabelValue {
		cut := maxLabelValue
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
