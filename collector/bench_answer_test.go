//go:build unix

package collector

// BenchmarkAnswer is the whole answer of /metrics as Prometheus gets it.
// It uses only the exported API of the package (New, ApplyConfig,
// MetricsHandler) and the canned answers of bench_test.go, so that the same
// file runs unchanged against an older tree (bench/compare.sh copies it
// into the baseline):
//
//	go test -run '^$' -bench 'Answer' -benchtime 3x -count 5 ./collector/

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// prometheus3Accept is the Accept header Prometheus 3 sends with a scrape.
const prometheus3Accept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

// answerServer is a light fake cloud on 127.0.0.1: it checks no signature
// and, after latency, answers each request with cannedTransport's canned
// body (BenchmarkScrapeLightServer uses it too). It records when it
// handed out its last answer and how many it gave.
type answerServer struct {
	*httptest.Server
	last  atomic.Int64 // time.Time.UnixNano of the latest answer written
	calls atomic.Int64
}

func newAnswerServer(latency time.Duration) *answerServer {
	s := &answerServer{}
	canned := cannedTransport{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		resp, err := canned.RoundTrip(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		_ = resp.Body.Close()
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // the answer is on the wire: now is when it was returned
		}
		now := time.Now().UnixNano()
		for {
			old := s.last.Load()
			if old >= now || s.last.CompareAndSwap(old, now) {
				break
			}
		}
		s.calls.Add(1)
	}))
	return s
}

// BenchmarkAnswer is the wall time of the whole answer of /metrics, as
// Prometheus gets it, for N SMS tasks (one API call each) or N DCS tasks
// (two calls each) at 50 ms API latency with 64 requests in flight:
// polling, Gather, text encoding and gzip, and the answer read in full
// (still compressed) by an HTTP client on 127.0.0.1. The exporter uses its
// own transport. Per iteration, x_floor is the answer's wall time against
// the floor ceil(calls/64)·50 ms, and tail_ms is the time from the last
// API answer the fake cloud returned to the end of the answer; each is
// reported as the median over the iterations.
func BenchmarkAnswer(b *testing.B) {
	for _, api := range []string{"sms", "dcs"} {
		for _, n := range []int{100, 1000} {
			b.Run(fmt.Sprintf("%s/tasks=%d", api, n), func(b *testing.B) {
				benchAnswer(b, api, n)
			})
		}
	}
}

func benchAnswer(b *testing.B, api string, n int) {
	cloud := newAnswerServer(benchLatency)
	defer cloud.Close()
	calls := n // calls a scrape makes
	ids := benchTaskIDs(api, n)
	var dcs, sms []string
	switch api {
	case "sms":
		sms = ids
	case "dcs":
		dcs = ids
		calls = 2 * n // stats and details
	default:
		b.Fatalf("no canned answers for %q", api)
	}
	e := New(Options{Concurrency: benchConcurrency, ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(benchConfig(b, cloud.URL, dcs, sms)); err != nil {
		b.Fatal(err)
	}
	exporter := httptest.NewServer(e.MetricsHandler())
	defer exporter.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	ctx := context.Background()

	scrape := func() (body []byte, end time.Time) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, exporter.URL+"/metrics", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", prometheus3Accept)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "60")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err = io.ReadAll(resp.Body)
		end = time.Now()
		_ = resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("/metrics: %s", resp.Status)
		}
		if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" {
			b.Fatalf("/metrics: Content-Encoding %q, want gzip", ce)
		}
		return body, end
	}
	check := func(body []byte) {
		if up := answerUp(b, body, api+"_migration_up"); up != n {
			b.Fatalf("%d of %d tasks up", up, n)
		}
	}

	body, _ := scrape() // warm-up: opens the connections
	check(body)
	calls0 := cloud.calls.Load()

	floor := time.Duration(math.Ceil(float64(calls)/benchConcurrency)) * benchLatency
	var xFloor, tail, size []float64
	iters := 0
	var lastBody []byte
	for b.Loop() {
		cloud.last.Store(0)
		start := time.Now()
		body, end := scrape()
		last := cloud.last.Load()
		if last == 0 {
			b.Fatal("no API call in the scrape")
		}
		wall := end.Sub(start)
		xFloor = append(xFloor, float64(wall)/float64(floor))
		tail = append(tail, float64(end.UnixNano()-last)/float64(time.Millisecond))
		size = append(size, float64(len(body))/1024)
		iters++
		lastBody = body
	}
	check(lastBody) // the last answer too, outside the timing
	floorMS := float64(floor) / float64(time.Millisecond)
	tailMS := answerMedian(tail)
	b.ReportMetric(answerMedian(xFloor), "x_floor")
	b.ReportMetric(tailMS, "tail_ms")
	b.ReportMetric(100*tailMS/floorMS, "tail_pct_floor")
	b.ReportMetric(floorMS, "floor_ms")
	b.ReportMetric(answerMedian(size), "body_KiB")
	b.ReportMetric(float64(cloud.calls.Load()-calls0)/float64(iters), "api_calls/op")
}

// answerMedian is the median of v (v is sorted in place).
func answerMedian(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// answerUp counts the series of family up with value 1 in a gzipped text
// (or OpenMetrics) exposition.
func answerUp(tb testing.TB, gz []byte, up string) int {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		tb.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	ok := 0
	for line := range strings.Lines(string(text)) {
		line = strings.TrimSuffix(line, "\n")
		if !strings.HasPrefix(line, up+"{") && !strings.HasPrefix(line, up+" ") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil && v == 1 {
			ok++
		}
	}
	return ok
}
