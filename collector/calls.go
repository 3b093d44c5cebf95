package collector

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// calls makes one account's API calls polite: concurrent scrapes that need
// the same answer share one call, and with a min interval a recent good
// answer is served again instead of calling at all.
type calls struct {
	flight singleflight.Group

	mu    sync.Mutex
	cache map[string]cached // only for services with a min interval
}

type cached struct {
	at  time.Time
	val any
}

// fetched is an API answer and when it was fetched.
type fetched[T any] struct {
	val T
	at  time.Time
}

// shared returns fn's answer for key. With minInterval > 0 a good answer
// younger than minInterval is returned without calling fn. A caller whose
// ctx ends while it waits for another's call gets ctx's error.
func shared[T any](ctx context.Context, c *calls, key string, minInterval time.Duration, fn func(context.Context) (T, error)) (fetched[T], error) {
	if minInterval > 0 {
		if v, ok := c.recent(key, minInterval); ok {
			return fetched[T]{val: v.val.(T), at: v.at}, nil
		}
	}
	ch := c.flight.DoChan(key, func() (any, error) {
		v, err := fn(ctx)
		f := fetched[T]{val: v, at: time.Now()}
		if err == nil && minInterval > 0 {
			c.store(key, cached{at: f.at, val: v})
		}
		return f, err
	})
	select {
	case r := <-ch:
		f, _ := r.Val.(fetched[T])
		return f, r.Err
	case <-ctx.Done():
		return fetched[T]{}, ctx.Err()
	}
}

func (c *calls) recent(key string, minInterval time.Duration) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.cache[key]
	return v, ok && time.Since(v.at) < minInterval
}

func (c *calls) store(key string, v cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cache == nil {
		c.cache = map[string]cached{}
	}
	c.cache[key] = v
}

// prune drops cached answers older than maxAge, so that tasks that left
// the task set do not stay in memory.
func (c *calls) prune(maxAge time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.cache {
		if time.Since(v.at) > maxAge {
			delete(c.cache, k)
		}
	}
}
