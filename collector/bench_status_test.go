//go:build unix

package collector

import (
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
	"time"
)

// BenchmarkProbeBoard is what the status board keeps of a task once it was
// probed: 10,000 SMS tasks each probed once through ProbeHandler (the
// multi-target pattern, bench/run.sh's probe-sms-10000 scenario without
// the processes), then the heap in use after a GC, less what it was
// before the probes, per task (board_B/task). Nothing but the board and
// the account's cache (each task's latest consistency check, kept for
// verify_interval) holds a probe's memory after it answered, so this is
// their cost per task. With
// BENCH_LIVE_HEAPPROFILE=path it writes a heap profile after the probes:
// go tool pprof -sample_index=inuse_space -top path.
func BenchmarkProbeBoard(b *testing.B) {
	const n = 10000
	var perTask float64
	if os.Getenv("BENCH_LIVE_HEAPPROFILE") != "" {
		defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
		runtime.MemProfileRate = 1 // every allocation: the board's are small
	}
	for b.Loop() {
		e, _ := cannedExporter(b, "sms", n, 8)
		h := e.ProbeHandler()
		ids := benchTaskIDs("sms", n)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		w := &discardWriter{h: http.Header{}}
		for _, id := range ids {
			// Made here, so that what is left of it after the GC is what
			// the exporter kept.
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id="+id, nil))
			clear(w.h)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if path := os.Getenv("BENCH_LIVE_HEAPPROFILE"); path != "" {
			writeHeapProfile(b, path)
		}
		if got, _ := e.status.snapshot(time.Now()); len(got) != n {
			b.Fatalf("%d tasks on the board, want %d", len(got), n)
		}
		perTask = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / n
		runtime.KeepAlive(e)
		runtime.KeepAlive(ids)
	}
	b.ReportMetric(perTask, "board_B/task")
}
