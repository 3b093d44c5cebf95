package e2e

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// The golden exposition pins down everything the exporter exposes of its
// own for the --simulate tasks: every family's HELP and TYPE, every label
// name and value, and every value that does not depend on the machine or
// the moment. A change to any of them fails TestGoldenExposition until the
// golden file is regenerated with
//
//	go test ./e2e/ -run TestGoldenExposition -update
//
// and the diff reviewed. dashboards/dashboards_test.go takes the metric
// names the dashboards may use from this file.

var update = flag.Bool("update", false, "rewrite "+goldenFile+" from a live scrape")

// goldenFile is relative to the repository's top directory (repoPath).
const goldenFile = "testdata/simulate.golden.prom"

// goldenUpdate rewrites goldenFile, run from the repository's top
// directory.
const goldenUpdate = "go test ./e2e/ -run TestGoldenExposition -update"

// goldenNow is the simulated tasks' frozen clock. The simulator moves its
// tasks by the time elapsed on this clock since it started, so a constant
// clock holds every demo task where AddDemoTasks puts it: one DCS task
// starting its full sync, one 90% through it with a 6.9 MB replication
// backlog, one failed and one deleted; an SMS server copying with an ETA,
// one syncing and one failed. The constant makes the timestamps the
// simulator reports (the SMS ETAs) fixed too.
var goldenNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// goldenVolatile are the exporter's own families whose values depend on
// timing: they keep HELP, TYPE and labels, and their values are replaced
// by placeholders (see normaliseFamily).
var goldenVolatile = map[string]bool{
	"migration_exporter_api_request_duration_seconds":                 true, // request latencies
	"migration_exporter_scrape_duration_seconds":                      true,
	"probe_duration_seconds":                                          true,
	"migration_exporter_config_last_reload_success_timestamp_seconds": true, // when the exporter started
}

// goldenBuildInfo has labels describing the build (version, revision,
// branch, goversion, goos, goarch, tags); their values are replaced by
// goldenPlaceholder so that only the label names are pinned.
const (
	goldenBuildInfo   = "migration_exporter_build_info"
	goldenPlaceholder = "normalised"
)

// goldenDropped says whether a family is left out of the golden file: the
// Go and process collectors' families vary with the Go version and the OS.
func goldenDropped(name string) bool {
	return strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_")
}

// TestGoldenExposition scrapes an exporter polling the --simulate tasks,
// frozen in time, once, and compares the normalised exposition with
// testdata/simulate.golden.prom byte for byte.
func TestGoldenExposition(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return goldenNow }
	// The tasks' clock is frozen; the gateway checks signatures against the
	// real clock, which the exporter signs with.
	sim := simulator.New(simulator.Options{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, Now: clock})
	sim.AddDemoTasks()
	srv, err := simulator.Start(sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	// What --simulate polls (simulatedConfig): the demo DCS task ids, and
	// the SMS tasks and DRS jobs by discovery.
	services := fmt.Sprintf("    dcs:\n      task_ids: [%s]\n    sms:\n      discover: true\n    drs:\n      job_ids: ["+simulator.DemoDeletedDRSJob+"]\n      discover: true\n",
		strings.Join(simulator.DemoDCSTaskIDs(), ", "))
	services += "    oms:\n      discover: true\n      discover_groups: true\n" // the OMS tasks and task groups by discovery
	services += "    cdm:\n      job_ids: [" + simulator.DemoDeletedCDMJob + "]\n      discover: true\n"
	// The two demo waves (demoWaves).
	services += `    task_labels:
      - {match: {api: sms, name: "app-04-*"}, labels: {wave: "1", app: shop}}
      - {match: {api: dcs, name: "sessions-*"}, labels: {wave: "1", app: shop}}
      - {match: {api: drs, name: "billing-*"}, labels: {wave: "1", app: billing}}
      - {match: {api: sms, name_regex: "(web-01|db-02)-to-ecs"}, labels: {wave: "2", app: shop}}
      - {match: {id: ` + simulator.DemoDCSTaskIDs()[0] + `}, labels: {wave: "2", app: shop}}
      - {match: {api: drs, name_regex: "(orders|payments)-db-to-rds"}, labels: {wave: "2", app: orders}}
      - {match: {api: oms, name: "photos-*"}, labels: {wave: "2", app: media}}
`
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), srv.URL, testSK, services))

	// One scrape: the exporter's counters then hold exactly its requests.
	// Then one probe, of which only the probe's own families are kept
	// (probe_success, probe_duration_seconds: the sharded layout's, which
	// the exporter-health dashboard shows).
	families := exp.scrape(t, nil).Families
	probe := scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", simulator.DemoDCSTaskIDs()[0]), nil).Families
	for _, name := range []string{"probe_success", "probe_duration_seconds"} {
		if probe[name] == nil {
			t.Fatalf("the probe has no %s", name)
		}
		families[name] = probe[name]
	}
	got := renderGolden(t, normaliseScrape(families))
	checkGoldenParses(t, "the normalised scrape", got)

	if *update {
		if err := os.MkdirAll(filepath.Dir(repoPath(goldenFile)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(repoPath(goldenFile), got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenFile)
		return
	}
	want, err := os.ReadFile(repoPath(goldenFile))
	if err != nil {
		t.Fatalf("%v (create it with: %s)", err, goldenUpdate)
	}
	checkGoldenParses(t, goldenFile, want)
	if !bytes.Equal(got, want) {
		t.Errorf("the exposition differs from %s (if the change is meant, run %s and review the diff):\n%s",
			goldenFile, goldenUpdate, lineDiff(string(want), string(got)))
	}
}

// normaliseScrape drops the Go and process families and normalises the
// others in place; it returns them sorted by name.
func normaliseScrape(families map[string]*dto.MetricFamily) []*dto.MetricFamily {
	var out []*dto.MetricFamily
	for name, f := range families {
		if goldenDropped(name) {
			continue
		}
		normaliseFamily(f)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
	return out
}

// normaliseFamily replaces what varies between runs:
//   - build_info's label values become goldenPlaceholder;
//   - a volatile gauge or counter becomes 0;
//   - a volatile histogram keeps its sample count (the number of requests,
//     which is fixed), every bucket gets the sample count (as if every
//     request were faster than the first bound) and the sum becomes 0.
//
// Series are sorted by their labels.
func normaliseFamily(f *dto.MetricFamily) {
	for _, m := range f.Metric {
		m.TimestampMs = nil
		if f.GetName() == goldenBuildInfo {
			for _, l := range m.Label {
				l.Value = new(goldenPlaceholder)
			}
		}
		if !goldenVolatile[f.GetName()] {
			continue
		}
		switch {
		case m.Gauge != nil:
			m.Gauge.Value = new(0.0)
		case m.Counter != nil:
			m.Counter.Value = new(0.0)
		case m.Untyped != nil:
			m.Untyped.Value = new(0.0)
		case m.Histogram != nil:
			h := m.Histogram
			h.SampleSum = new(0.0)
			for _, b := range h.Bucket {
				b.CumulativeCount = new(h.GetSampleCount())
				b.Exemplar = nil
			}
		case m.Summary != nil:
			m.Summary.SampleSum = new(0.0)
			for _, q := range m.Summary.Quantile {
				q.Value = new(0.0)
			}
		}
	}
	sort.SliceStable(f.Metric, func(i, j int) bool { return seriesKey(f.Metric[i]) < seriesKey(f.Metric[j]) })
}

// seriesKey orders series by their label pairs.
func seriesKey(m *dto.Metric) string {
	ls := make([]string, 0, len(m.Label))
	for _, l := range m.Label {
		ls = append(ls, l.GetName()+"\x00"+l.GetValue())
	}
	sort.Strings(ls)
	return strings.Join(ls, "\x01")
}

// renderGolden writes the families in the text exposition format.
func renderGolden(t *testing.T, families []*dto.MetricFamily) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, f := range families {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatalf("rendering %s: %v", f.GetName(), err)
		}
	}
	return b.Bytes()
}

// checkGoldenParses fails the test unless text is valid text exposition
// holding the exporter's families and no Go or process ones.
func checkGoldenParses(t *testing.T, what string, text []byte) {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("%s is not valid text exposition: %v", what, err)
	}
	for _, name := range []string{goldenBuildInfo, "dcs_migration_up", "sms_migration_up", "migration_exporter_api_requests_total"} {
		if families[name] == nil {
			t.Errorf("%s has no %s", what, name)
		}
	}
	for name := range families {
		if goldenDropped(name) {
			t.Errorf("%s has %s, which the normalisation drops", what, name)
		}
	}
}

// lineDiff lists the lines only in want (-) and only in got (+), in order.
func lineDiff(want, got string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for l := range strings.SplitSeq(s, "\n") {
			m[l]++
		}
		return m
	}
	inWant, inGot := count(want), count(got)
	var b strings.Builder
	for l := range strings.SplitSeq(want, "\n") {
		if inGot[l] > 0 {
			inGot[l]--
			continue
		}
		fmt.Fprintf(&b, "- %s\n", l)
	}
	for l := range strings.SplitSeq(got, "\n") {
		if inWant[l] > 0 {
			inWant[l]--
			continue
		}
		fmt.Fprintf(&b, "+ %s\n", l)
	}
	return b.String()
}
