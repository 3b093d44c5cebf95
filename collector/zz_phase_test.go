//go:build unix

package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"io"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestZZPhases(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(benchLatency)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, cannedSMSTask)
	}))
	defer srv.Close()
	n := 1000
	e := New(Options{Concurrency: benchConcurrency})
	e.ApplyConfig(benchConfig(t, srv.URL, nil, benchTaskIDs("sms", n)))
	ctx := context.Background()
	scrapeOnce(t, ctx, e)
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		var p polled
		sets := e.taskSets(ctx, *e.accounts.Load(), &p)
		c0 := cpuTime(t)
		e.poll(ctx, sets, &p)
		t1 := time.Now()
		c1 := cpuTime(t)
		ch := make(chan prometheus.Metric, 1<<16)
		go func() {
			m := e.emitter(ch, "sms")
			for _, r := range p.sms {
				e.sms.metrics(r, m)
			}
			close(ch)
		}()
		k := 0
		for range ch {
			k++
		}
		t2 := time.Now()
		c2 := cpuTime(t)
		reg := prometheus.NewRegistry()
		reg.MustRegister(e.ScrapeCollector(ctx))
		t3 := time.Now()
		reg.Gather()
		t4 := time.Now()
		t.Logf("poll %v (cpu %v), build %d metrics %v (cpu %v); full scrape %v", t1.Sub(t0), c1-c0, k, t2.Sub(t1), c2-c1, t4.Sub(t3))
	}
}
