package collector

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSharedCacheShareOneCallAndLetWaitersLeave(t *testing.T) {
	c := &sharedCache{}
	var n atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (int, error) {
		n.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := range results {
		wg.Go(func() {
			f, err := shareCall(context.Background(), c, "k", 0, slow)
			if err != nil {
				t.Error(err)
			}
			results[i] = f.val
		})
	}
	// A waiter with a short deadline leaves without waiting for the call.
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := shareCall(ctx, c, "k", 0, slow); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("short-deadline waiter: %v after %v", err, time.Since(start))
	}
	close(release)
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("%d calls for 5 callers, want 1", n.Load())
	}
	for _, r := range results {
		if r != 42 {
			t.Errorf("results %v", results)
		}
	}
	// The call is over: the next caller calls again.
	if _, err := shareCall(context.Background(), c, "k", 0, func(context.Context) (int, error) { n.Add(1); return 1, nil }); err != nil || n.Load() != 2 {
		t.Errorf("second call: %v, %d calls", err, n.Load())
	}
}

func TestSharedCachePanicDoesNotStrandWaiters(t *testing.T) {
	c := &sharedCache{}
	started := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _ = c.do(context.Background(), "k", func() (any, error) {
			close(started)
			time.Sleep(50 * time.Millisecond)
			panic("boom")
		})
	}()
	<-started
	done := make(chan struct{})
	go func() {
		_, _ = c.do(context.Background(), "k", func() (any, error) { return nil, nil })
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("a waiter hangs after the call panicked")
	}
}
