// Package sleep waits for a duration or for a context, whichever ends first.
package sleep

import (
	"context"
	"time"
)

// For sleeps for d and reports true, or reports false as soon as ctx is
// done. Unlike time.Sleep it never outlives a scrape's or a request's
// deadline.
func For(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
