package e2e

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/simulator"
)

// TestNoLeaksOverManyScrapes runs 2,000 scrapes (/metrics and /probe) with
// every kind of fault mixed in and checks that goroutines and the heap come
// back to where they were.
func TestNoLeaksOverManyScrapes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (2,000 scrapes); runs without -short, as in CI")
	}
	const scrapes, parallel = 2000, 8
	sim := startSimulator(t, true)
	faults := map[string]simulator.Fault{
		"ok-1": {}, "ok-2": {},
		"f-500":       {Kind: simulator.FaultServerError},
		"f-429":       {Kind: simulator.FaultThrottled},
		"f-gone":      {Kind: simulator.FaultNotFound},
		"f-malformed": {Kind: simulator.FaultMalformed},
		"f-oversized": {Kind: simulator.FaultOversized},
		"f-slow":      {Latency: time.Second}, // always past the deadline
		"f-redirect":  {Kind: simulator.FaultRedirect, RedirectTo: "http://127.0.0.1:1"},
		"f-error-200": {Kind: simulator.FaultErrorIn200},
		"f-echo":      {Kind: simulator.FaultEchoSecrets},
		"f-retry-big": {Kind: simulator.FaultHugeRetryAfter},
	}
	var ids []string
	for id, f := range faults {
		sim.AddSMSTask(fixedSMSTask(id, simulator.SizesInSubtaskInfo))
		sim.SetFault(id, f)
		ids = append(ids, id)
	}
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 100000\n"+smsConfig(ids...)))

	client := &http.Client{}
	// Prometheus' timeout of 0.1s leaves a 50ms deadline: the slow task
	// times out, and the 500s have no time for a retry.
	get := func(i int) error {
		u := exp.URL + "/metrics"
		if i%3 == 0 {
			u = probeURL(exp.URL, "e2e", "sms", ids[i%len(ids)])
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "0.1")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	}
	settle := func() (goroutines int, heap uint64) {
		client.CloseIdleConnections()
		time.Sleep(100 * time.Millisecond)
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return runtime.NumGoroutine(), m.HeapAlloc
	}

	for i := range 20 { // warm up pools and connections
		if err := get(i); err != nil {
			t.Fatal(err)
		}
	}
	g0, h0 := settle()

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range parallel {
		wg.Go(func() {
			for i := int(next.Add(1)); i <= scrapes; i = int(next.Add(1)) {
				if err := get(i); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d scrapes failed; a faulty task must never fail a scrape", n, scrapes)
	}

	// Idle keep-alive connections (up to --api.concurrency to the simulator,
	// two goroutines each) come and go; a leak of one goroutine per scrape
	// would be 2,000.
	const goroutineSlack = 40
	var g1 int
	var h1 uint64
	for deadline := time.Now().Add(5 * time.Second); ; {
		g1, h1 = settle()
		if g1 <= g0+goroutineSlack || time.Now().After(deadline) {
			break
		}
	}
	t.Logf("%d scrapes in %v; goroutines %d -> %d; heap %.1f -> %.1f MiB", scrapes, elapsed, g0, g1, float64(h0)/(1<<20), float64(h1)/(1<<20))
	if g1 > g0+goroutineSlack {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines %d after, %d before:\n%s", g1, g0, buf[:runtime.Stack(buf, true)])
	}
	if h1 > h0+8<<20 {
		t.Errorf("heap grew from %.1f to %.1f MiB over %d scrapes", float64(h0)/(1<<20), float64(h1)/(1<<20), scrapes)
	}
}
