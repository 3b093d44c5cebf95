package collector

import (
	"context"
	"errors"
	"sync"
	"time"
)

// sharedCache makes one account's API calls polite: concurrent scrapes
// that need the same answer share one call in flight, and with an interval
// (a service's min_interval, or verify_interval for the answers that
// change slowly) a recent good answer is served again from the cache
// instead of calling at all.
//
// The sharing is singleflight's idea in a few lines of our own:
// golang.org/x/sync/singleflight's Do does not let a waiting caller give up
// at its own deadline, and its DoChan runs every call on a new goroutine,
// whose stack then grows through the HTTP and JSON code. Here the first
// caller runs the call on its own goroutine and the others wait for it, or
// for their own deadline.
type sharedCache struct {
	mu       sync.Mutex
	inflight map[string]*inflight
	cache    map[string]cached // only for answers read with an interval
	// nextPrune is when prune next walks the cache: every poll asks (a
	// probe too), and a walk of every entry per probe would cost a
	// probe-only replica of 10,000 tasks 10,000 steps a probe.
	nextPrune time.Time
}

// inflight is a call under way that other callers wait for.
type inflight struct {
	done chan struct{}
	val  any
	err  error
}

type cached struct {
	at       time.Time
	val      any
	interval time.Duration // the interval it was read with
}

// fetched is an API answer and when it was fetched.
type fetched[T any] struct {
	val T
	at  time.Time
}

// shareCall returns fn's answer for key. With interval > 0 a good answer
// younger than interval is returned without calling fn. A caller whose
// ctx ends while it waits for another's call gets ctx's error.
func shareCall[T any](ctx context.Context, c *sharedCache, key string, interval time.Duration, fn func(context.Context) (T, error)) (fetched[T], error) {
	if interval > 0 {
		if v, ok := c.recent(key, interval); ok {
			return fetched[T]{val: v.val.(T), at: v.at}, nil
		}
	}
	v, err := c.do(ctx, key, func() (any, error) {
		v, err := fn(ctx)
		f := fetched[T]{val: v, at: time.Now()}
		if err == nil && interval > 0 {
			c.store(key, cached{at: f.at, val: v, interval: interval})
		}
		return f, err
	})
	f, _ := v.(fetched[T])
	return f, err
}

// lastGood is the last good answer cached for key, however old (until
// prune drops it).
func lastGood[T any](c *sharedCache, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	val, ok := c.cache[key].val.(T)
	return val, ok
}

// do runs fn once for all the callers that ask for key while it runs. A
// waiter leaves at its own deadline; when the call it waited for ended by
// its runner's deadline (a shorter one, a probe's say) and the waiter still
// has time, it calls again rather than take that error as its own.
func (c *sharedCache) do(ctx context.Context, key string, fn func() (any, error)) (any, error) {
	for {
		c.mu.Lock()
		f, ok := c.inflight[key]
		if !ok {
			break // with c.mu held
		}
		c.mu.Unlock()
		select {
		case <-f.done:
			if ctx.Err() == nil && (errors.Is(f.err, context.DeadlineExceeded) || errors.Is(f.err, context.Canceled)) {
				continue
			}
			return f.val, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.inflight == nil {
		c.inflight = map[string]*inflight{}
	}
	f := &inflight{done: make(chan struct{})}
	c.inflight[key] = f
	c.mu.Unlock()
	defer func() { // also when fn panics: the waiters must not hang
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(f.done)
	}()
	f.val, f.err = fn()
	return f.val, f.err
}

func (c *sharedCache) recent(key string, interval time.Duration) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.cache[key]
	return v, ok && time.Since(v.at) < interval
}

func (c *sharedCache) store(key string, v cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cache == nil {
		c.cache = map[string]cached{}
	}
	c.cache[key] = v
}

// prune drops cached answers older than twice the interval they were read
// with, so that tasks that left the task set do not stay in memory.
func (c *sharedCache) prune() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if now.Before(c.nextPrune) {
		return
	}
	// Walk again after half the shortest interval kept: an answer goes
	// at most that long after it has been kept twice its interval.
	var shortest time.Duration
	for k, v := range c.cache {
		if now.Sub(v.at) > 2*v.interval {
			delete(c.cache, k)
		} else if shortest == 0 || v.interval < shortest {
			shortest = v.interval
		}
	}
	c.nextPrune = now.Add(shortest / 2)
}
