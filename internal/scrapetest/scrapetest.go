// Package scrapetest scrapes a metrics endpoint over HTTP and looks up
// series in what it got, for the end-to-end tests.
package scrapetest

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Result is one scrape: its raw text and its parsed families.
type Result struct {
	Text     string
	Families map[string]*dto.MetricFamily
	Duration time.Duration
}

// Get fetches url with the given headers and parses the text exposition.
// It fails the test on any error or a non-200 answer.
func Get(t testing.TB, url string, header http.Header) Result {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	req.Header.Set("Accept", "text/plain")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scraping %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scraping %s: HTTP %d: %s", url, resp.StatusCode, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing scrape of %s: %v\n%s", url, err, body)
	}
	return Result{Text: string(body), Families: fams, Duration: time.Since(start)}
}

// Value returns the value of the series of family name whose labels
// include all of labels (given as name, value pairs), and whether exactly
// one such series exists. Counters, gauges and untyped values are read; a
// histogram gives its sample count.
func (r Result) Value(name string, labels ...string) (float64, bool) {
	ms := r.Series(name, labels...)
	if len(ms) != 1 {
		return 0, false
	}
	m := ms[0]
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue(), true
	case m.Counter != nil:
		return m.Counter.GetValue(), true
	case m.Untyped != nil:
		return m.Untyped.GetValue(), true
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount()), true
	}
	return 0, false
}

// Series returns the series of family name whose labels include labels.
func (r Result) Series(name string, labels ...string) []*dto.Metric {
	f := r.Families[name]
	if f == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range f.Metric {
		if hasLabels(m, labels) {
			out = append(out, m)
		}
	}
	return out
}

// Labels returns the labels of a series as a sorted "k=v" list.
func Labels(m *dto.Metric) string {
	var ls []string
	for _, l := range m.Label {
		ls = append(ls, l.GetName()+"="+l.GetValue())
	}
	sort.Strings(ls)
	return strings.Join(ls, ",")
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.Label {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Expect checks that a series has exactly the value want.
func (r Result) Expect(t testing.TB, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := r.Value(name, labels...)
	if !ok {
		t.Errorf("%s%v: want one series, found %d", name, labels, len(r.Series(name, labels...)))
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

// ExpectAbsent checks that no series of name has labels.
func (r Result) ExpectAbsent(t testing.TB, name string, labels ...string) {
	t.Helper()
	if ms := r.Series(name, labels...); len(ms) > 0 {
		t.Errorf("%s%v: want no series, found %d (%s)", name, labels, len(ms), Labels(ms[0]))
	}
}
