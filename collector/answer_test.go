//go:build unix

package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// streamedScrape is an exporter that polled every task of the simulated
// cloud's demo (all services; failed, deleted and unreachable tasks) plus
// SMS tasks whose names a registry must sort and escape, once.
func streamedScrape(t *testing.T) (*Exporter, [][]polledTask, prometheus.Collector) {
	t.Helper()
	sim := simulator.New(simulator.Options{AccessKey: benchAK, SecretKey: benchSK, ProjectID: benchProject})
	sim.AddDemoTasks()
	names := []string{"zeta \"quoted\"", "alpha\\back\nslash", "\xff\xfe not UTF-8", "日本語のサーバー", strings.Repeat("long", 80), "", "Zeta", "alpha"}
	// States no state set knows, some shared by two tasks, sorting before,
	// between and after the known ones.
	states := []string{"AAA_NEW", "RUNNING", "MIDDLE_NEW", "ZZZ_NEW", "MIDDLE_NEW", "", "AAA_NEW", "SYNC_F_ROLLBACKING"}
	for i, name := range names {
		progress := simulator.SMSSnapshot(time.Now())
		progress.State = states[i]
		sim.AddSMSTask(simulator.SMSTask{ID: fmt.Sprintf("9%07d-0000-4000-8000-000000000000", i), Name: name,
			SourceServer: name, TargetServer: "dst", Progress: progress})
	}
	// Task groups in a status no state set knows (exported as its digits,
	// which sort before the known names) and in a known one.
	for i, status := range []int{42, 1, 42} {
		sim.AddOMSTaskGroup(simulator.OMSTaskGroup{ID: fmt.Sprintf("8%07d-0000-4000-8000-000000000000", i), SourceBucket: "src", TargetBucket: "dst",
			Progress: &simulator.OMSGroupProgress{Status: status, TotalSize: 100}})
	}
	srv, err := simulator.Start(sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := New(Options{ScrapeTimeout: time.Minute})
	cfg := benchConfigWith(t, srv.URL, func(a *config.Account) {
		a.DCS.TaskIDs = append(simulator.DemoDCSTaskIDs(), "00000000-0000-4000-8000-00000000dead")
		a.SMS.Discover, a.DRS.Discover, a.OMS.Discover, a.OMS.DiscoverGroups = true, true, true, true
	})
	second := cfg.Accounts[0]
	second.Name = "another-account"
	cfg.Accounts = append(cfg.Accounts, second)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	tasks, own := e.pollAll(context.Background())
	return e, tasks, own
}

// The collector's answer, written by its exposition.Writer from the
// demo scrape's samples, is byte for byte what client_golang's registry
// and promhttp make of the same series sent as prometheus.Metrics (the
// registry path of the debug probe): the families, their label layout
// and each account's tasks are handed over as the registry sees them.
// The writer's own identity test covers every format and part size.
func TestAnswerMatchesRegistry(t *testing.T) {
	e, tasks, own := streamedScrape(t)
	series := 0
	for _, g := range tasks {
		for i := range g {
			series += len(g[i].Samples)
		}
	}
	if series < 300 {
		t.Fatalf("only %d task series: the scrape did not poll the demo", series)
	}
	longLived := append([]prometheus.Collector{collectors.NewBuildInfoCollector()}, e.Collectors()...)
	for _, accept := range []string{"", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		got := httptest.NewRecorder()
		e.serve(got, req, tasks, append([]prometheus.Collector{own}, longLived...))

		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(append([]prometheus.Collector{taskMetrics{e, tasks}, own}, longLived...)...)
		want := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}).ServeHTTP(want, req)
		if want.Code != http.StatusOK {
			t.Fatalf("Accept %q: the registry path answered %d: %s", accept, want.Code, want.Body)
		}
		if accept == "" && (!strings.Contains(want.Body.String(), `sms_migration_task_state{account="bench",state="ZZZ_NEW"`) ||
			!strings.Contains(want.Body.String(), `status="42"`) || !strings.Contains(want.Body.String(), `promhttp_metric_handler_errors_total{cause="encoding"} 0`)) {
			t.Fatal("the scrape has no task in an unknown state, or no handler error counter")
		}
		if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Errorf("Accept %q: the answer (%d bytes) differs from the registry's (%d bytes)", accept, got.Body.Len(), want.Body.Len())
		}
	}
}

// failingCollector sends a metric the registry refuses.
type failingCollector struct{}

func (failingCollector) Describe(chan<- *prometheus.Desc) {}
func (failingCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(prometheus.NewDesc("broken", "Broken.", nil, nil), errors.New("cannot read"))
}

// /metrics counts a failed gathering in promhttp's series, which it
// exposes itself: an answer shows the failures of the answers before it
// (the count is gathered before its own failure is known).
func TestMetricsHandlerCountsGatheringErrors(t *testing.T) {
	e := New(Options{})
	h := e.MetricsHandler(append([]prometheus.Collector{failingCollector{}}, e.Collectors()...)...)
	for k := range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, want := range []string{fmt.Sprintf(`promhttp_metric_handler_errors_total{cause="gathering"} %d`, k), `promhttp_metric_handler_errors_total{cause="encoding"} 0`} {
			if !strings.Contains(rec.Body.String(), want+"\n") {
				t.Errorf("answer %d: no %s in:\n%s", k+1, want, rec.Body)
			}
		}
	}
}

// A task metric whose labels would not start with the account is refused
// when the exporter's writer is made.
func TestTaskFamiliesNeedAccountFirst(t *testing.T) {
	ix := labelIndex{}
	d := ix.taskDesc("x_metric", "A metric with a label sorting before account.", "aaa")
	defer func() {
		if r := fmt.Sprint(recover()); !strings.Contains(r, `do not start with the group label "account"`) {
			t.Errorf("panic %q", r)
		}
	}()
	exposition.NewWriter(taskFamilies(ix, []*prometheus.Desc{d}), exposition.Options{})
}
