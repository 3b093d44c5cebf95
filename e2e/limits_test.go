package e2e

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/app"
	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// heldAnswers holds the /metrics and /probe answers that get inside their
// --web.max-requests limit (app.Options.WrapLimited) until release,
// telling arrived the path of each.
type heldAnswers struct {
	arrived  chan string
	released chan struct{}
	once     sync.Once
}

func newHeldAnswers(t *testing.T) *heldAnswers {
	h := &heldAnswers{arrived: make(chan string, 100), released: make(chan struct{})}
	t.Cleanup(h.release) // before the exporter stops: no answer stays held
	return h
}

func (h *heldAnswers) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.arrived <- r.URL.Path
		<-h.released
		next.ServeHTTP(w, r)
	})
}

func (h *heldAnswers) release() { h.once.Do(func() { close(h.released) }) }

// await fails the test unless n answers arrive, and counts them by path.
func (h *heldAnswers) await(t *testing.T, n int) map[string]int {
	t.Helper()
	paths := map[string]int{}
	for range n {
		select {
		case p := <-h.arrived:
			paths[p]++
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d answers arrived: %v", len(paths), n, paths)
		}
	}
	return paths
}

// With --web.max-requests=2, /metrics and /probe answer two requests each
// at once; every request beyond is answered 503 at once, without reaching
// the handler, and counted as such. /exporter-metrics is not limited.
func TestEndToEndMaxRequestsAnswers503BeyondTheLimit(t *testing.T) {
	t.Parallel()
	held := newHeldAnswers(t)
	exp := startExporterWith(t, app.Options{WrapLimited: held.wrap}, "--simulate", "--web.max-requests=2")
	probe := probeURL(exp.URL, "simulated", "dcs", simulator.DemoDCSTaskIDs()[0])

	codes := make(chan int, 4)
	for _, u := range []string{exp.URL + "/metrics", exp.URL + "/metrics", probe, probe} {
		go func() {
			a, err := tryGet(http.DefaultClient, u)
			if err != nil {
				t.Error(err)
			}
			codes <- a.code
		}()
	}
	if got := held.await(t, 4); got["/metrics"] != 2 || got["/probe"] != 2 {
		t.Fatalf("held answers %v, want 2 of /metrics and 2 of /probe", got)
	}

	// A timeout, so that a request the limit lets through fails the test
	// instead of waiting for the release.
	beyond := &http.Client{Timeout: 5 * time.Second}
	for _, u := range []string{exp.URL + "/metrics", probe, exp.URL + "/metrics", probe, exp.URL + "/metrics"} {
		a, err := tryGet(beyond, u)
		if err != nil {
			t.Fatalf("%s beyond the limit: %v", u, err)
		}
		if want := "Limit of concurrent requests reached (2), try again later.\n"; a.code != http.StatusServiceUnavailable || a.body != want {
			t.Errorf("%s beyond the limit: HTTP %d %q, want 503 %q", u, a.code, a.body, want)
		}
	}
	if n := len(held.arrived); n != 0 {
		t.Errorf("%d answers beyond the limit reached the handler", n)
	}
	own := scrapetest.Get(t, exp.URL+"/exporter-metrics", nil)
	own.Expect(t, 2, "promhttp_metric_handler_requests_in_flight")
	own.Expect(t, 0, "promhttp_metric_handler_requests_total", "code", "200")
	own.Expect(t, 3, "promhttp_metric_handler_requests_total", "code", "503")

	held.release()
	for range 4 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("a held answer: HTTP %d, want 200", code)
		}
	}
	// The slots are free again.
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "promhttp_metric_handler_requests_in_flight")
	r.Expect(t, 2, "promhttp_metric_handler_requests_total", "code", "200")
	r.Expect(t, 3, "promhttp_metric_handler_requests_total", "code", "503")
	r.Expect(t, 0, "promhttp_metric_handler_requests_total", "code", "500")
	scrapetest.Get(t, probe, nil).Expect(t, 1, "probe_success")
}

// --web.max-requests=0 is no limit.
func TestEndToEndMaxRequestsZeroIsNoLimit(t *testing.T) {
	t.Parallel()
	const n = 45 // more than the default limit of 40
	held := newHeldAnswers(t)
	exp := startExporterWith(t, app.Options{WrapLimited: held.wrap}, "--simulate", "--web.max-requests=0")
	codes := make(chan int, n)
	for range n {
		go func() {
			a, err := tryGet(http.DefaultClient, exp.URL+"/metrics?name[]=dcs_migration_up")
			if err != nil {
				t.Error(err)
			}
			codes <- a.code
		}()
	}
	if got := held.await(t, n); got["/metrics"] != n {
		t.Errorf("held %v, want %d of /metrics", got, n)
	}
	held.release()
	for range n {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("HTTP %d, want 200", code)
		}
	}
}

// promhttp_metric_handler_requests_total counts the /metrics answers by
// code, and promhttp_metric_handler_requests_in_flight the ones being
// served, as node_exporter's; /probe and /exporter-metrics answers are not
// counted.
func TestEndToEndMetricHandlerSeriesCountScrapes(t *testing.T) {
	t.Parallel()
	exp := startExporter(t, "--simulate")
	probe := probeURL(exp.URL, "simulated", "dcs", simulator.DemoDCSTaskIDs()[0])
	const scrapes = 3
	for i := range scrapes {
		r := exp.scrape(t, nil)
		// An answer is counted once it is written: this one is not yet.
		r.Expect(t, float64(i), "promhttp_metric_handler_requests_total", "code", "200")
		r.Expect(t, 1, "promhttp_metric_handler_requests_in_flight")
		scrapetest.Get(t, probe, nil).Expect(t, 1, "probe_success")
	}
	own := scrapetest.Get(t, exp.URL+"/exporter-metrics", nil)
	own.Expect(t, scrapes, "promhttp_metric_handler_requests_total", "code", "200")
	own.Expect(t, 0, "promhttp_metric_handler_requests_total", "code", "503")
	own.Expect(t, 0, "promhttp_metric_handler_requests_total", "code", "500")
	own.Expect(t, 0, "promhttp_metric_handler_requests_in_flight")
	if got := own.Series("promhttp_metric_handler_requests_total"); len(got) != 3 {
		t.Errorf("%d codes, want 200, 500 and 503", len(got))
	}
	if !strings.Contains(own.Text, "# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.") {
		t.Errorf("no HELP of promhttp_metric_handler_requests_total:\n%s", own.Text)
	}
}
