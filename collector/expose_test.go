//go:build unix

package collector

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/migration-exporter/migration_exporter/config"
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

// The streamed answer is byte for byte what client_golang's registry and
// promhttp make of the same series, in every format the handler
// negotiates, with and without a name[] filter.
func TestStreamedAnswerMatchesRegistry(t *testing.T) {
	e, tasks, own := streamedScrape(t)
	series := 0
	for _, g := range tasks {
		for i := range g {
			series += len(g[i].samples)
		}
	}
	if series < 300 {
		t.Fatalf("only %d task series: the scrape did not poll the demo", series)
	}
	longLived := append([]prometheus.Collector{collectors.NewBuildInfoCollector()}, e.Collectors()...)
	accepts := []string{
		"",
		"text/plain;version=0.0.4",
		"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
		"text/plain;version=1.0.0;escaping=values",
		"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
		"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
	}
	for _, chunk := range []int{defaultChunk, 7, 1} {
		e.chunk = chunk
		matchRegistry(t, e, tasks, own, longLived, chunk, accepts)
	}
}

// matchRegistry compares the streamed answer of e with the registry's for
// each Accept header of accepts.
func matchRegistry(t *testing.T, e *Exporter, tasks [][]polledTask, own prometheus.Collector, longLived []prometheus.Collector, chunk int, accepts []string) {
	t.Helper()
	for _, accept := range accepts {
		for _, query := range []string{"", "?name[]=sms_migration_task_state&name[]=migration_exporter_scrape_duration_seconds&name[]=dcs_migration_up"} {
			req := httptest.NewRequest(http.MethodGet, "/metrics"+query, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			got := httptest.NewRecorder()
			e.serve(got, req, tasks, append([]prometheus.Collector{own}, longLived...))

			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(append([]prometheus.Collector{taskMetrics{e, tasks}, own}, longLived...)...)
			want := httptest.NewRecorder()
			promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}).ServeHTTP(want, req)

			if accept == "" && query == "" && (!strings.Contains(want.Body.String(), `sms_migration_task_state{account="bench",state="ZZZ_NEW"`) ||
				!strings.Contains(want.Body.String(), `status="42"`)) {
				t.Fatal("the scrape has no task in an unknown state")
			}
			if want.Code != http.StatusOK {
				t.Fatalf("Accept %q: the registry path answered %d: %s", accept, want.Code, want.Body)
			}
			if g, w := got.Header().Get("Content-Type"), want.Header().Get("Content-Type"); g != w {
				t.Errorf("Accept %q: Content-Type %q, the registry path's %q", accept, g, w)
			}
			if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Errorf("chunks of %d, Accept %q%s: the streamed answer (%d bytes) differs from the registry's (%d bytes) at byte %d",
					chunk, accept, query, got.Body.Len(), want.Body.Len(), firstDifference(got.Body.Bytes(), want.Body.Bytes()))
			}
		}
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Each content encoding a scraper may ask for decodes to the same answer.
func TestAnswerCompression(t *testing.T) {
	e, tasks, own := streamedScrape(t)
	answer := func(acceptEncoding string) (string, []byte) {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		e.serve(rec, req, tasks, []prometheus.Collector{own})
		return rec.Header().Get("Content-Encoding"), rec.Body.Bytes()
	}
	_, plain := answer("")
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"zstd,gzip", "zstd"}, {"gzip;q=1, zstd;q=0.5", "gzip"}, {"*", "zstd"},
		{"br", ""}, {"identity", ""}, {"zstd;q=0, gzip;q=0", ""},
	} {
		for range 2 { // the second answer reuses the pooled compressor
			enc, body := answer(c.accept)
			if enc != c.want {
				t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, enc, c.want)
			}
			var r io.Reader = bytes.NewReader(body)
			switch enc {
			case "gzip":
				gz, err := gzip.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				r = gz
			case "zstd":
				z, err := zstd.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				defer z.Close()
				r = z
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("Accept-Encoding %q: %v", c.accept, err)
			}
			if !bytes.Equal(got, plain) {
				t.Errorf("Accept-Encoding %q: decoded answer differs from the identity one", c.accept)
			}
		}
	}
}

func TestNegotiateEncoding(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "identity",
		"gzip":                      "gzip",
		"GZIP":                      "gzip",
		"zstd,gzip":                 "zstd", // Prometheus with --enable-feature=zstd-scrape
		"gzip, zstd":                "zstd",
		"gzip;q=1.0, zstd;q=0.9":    "gzip",
		"zstd;q=0":                  "identity",
		"*":                         "zstd",
		"*;q=0.5, gzip":             "gzip",
		"gzip;q=0, *":               "zstd",
		"zstd;q=0, *":               "gzip",
		"br, deflate":               "identity",
		"gzip;q=abc":                "gzip",
		"gzip;q=2":                  "gzip",
		"x-gzip":                    "identity",
		" gzip ; q=0.3 ,zstd;q=0.2": "gzip",
	} {
		if got := negotiateEncoding(header); got != want {
			t.Errorf("negotiateEncoding(%q) = %q, want %q", header, got, want)
		}
	}
}
