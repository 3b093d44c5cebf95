package collector

import (
	"testing"
	"time"
)

// BenchmarkObserveRequest is ObserveRequest for a few label sets, from
// parallel goroutines as a scrape's workers call it.
func BenchmarkObserveRequest(b *testing.B) {
	e := New(Options{})
	ops := []string{"ShowTask", "ShowMigrationTask", "ShowMigrationTaskStats"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			e.ObserveRequest("dcs", ops[i%len(ops)], "200", 3*time.Millisecond)
			i++
		}
	})
}
