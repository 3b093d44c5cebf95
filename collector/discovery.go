package collector

import (
	"context"
	"sync"
	"time"

	"github.com/migration-exporter/migration_exporter/config"
)

// discovery is the task ids a service lists.
type discovery = listCache[string]

func newDiscovery(interval time.Duration, list func(context.Context) ([]string, error)) *discovery {
	return newListCache(interval, list, config.ValidTaskID)
}

// listCache lists a service's tasks (their ids, or more about them) at most
// once per interval, keeping the last good list when a list fails. One list call is made at a time: while
// it runs, other scrapes use the last good list at once (or, before there
// is one, wait for the call or for their own deadline, whichever comes
// first), so a list that stalls holds up no scrape past its deadline and no
// other service's polling (each service lists and polls on its own).
type listCache[T any] struct {
	interval time.Duration
	list     func(context.Context) ([]T, error)
	keep     func(T) bool // drops entries that must not be used (ids unsafe in a URL path)

	mu       sync.Mutex
	ids      []T
	fetched  time.Time     // of the last good list; zero before the first
	inflight chan struct{} // closed when the list call under way ends; nil when none
}

func newListCache[T any](interval time.Duration, list func(context.Context) ([]T, error), keep func(T) bool) *listCache[T] {
	return &listCache[T]{interval: interval, list: list, keep: keep}
}

// taskIDs returns the listed entries, listing again when the last good
// list is older than the interval. A list error is passed to failed and the
// last good list (nil if none) is returned. Entries keep refuses are
// dropped.
func (d *listCache[T]) taskIDs(ctx context.Context, now time.Time, failed func(error)) []T {
	d.mu.Lock()
	switch {
	case !d.fetched.IsZero() && now.Sub(d.fetched) < d.interval:
		ids := d.ids
		d.mu.Unlock()
		return ids
	case d.inflight != nil && !d.fetched.IsZero():
		ids := d.ids // another scrape is listing: the last good list serves
		d.mu.Unlock()
		return ids
	case d.inflight != nil:
		wait := d.inflight
		d.mu.Unlock()
		select {
		case <-wait:
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.ids
		case <-ctx.Done():
			return nil
		}
	}
	done := make(chan struct{})
	d.inflight = done
	d.mu.Unlock()

	ids, err := d.list(ctx)
	valid := make([]T, 0, len(ids))
	for _, id := range ids {
		if d.keep(id) {
			valid = append(valid, id)
		}
	}
	d.mu.Lock()
	if err == nil {
		d.ids, d.fetched = valid, now
	}
	d.inflight = nil
	close(done)
	out := d.ids
	d.mu.Unlock()
	if err != nil {
		failed(err)
	}
	return out
}

// merge returns explicit then discovered ids, each once.
func merge(explicit, discovered []string) []string {
	if len(discovered) == 0 {
		return explicit
	}
	seen := make(map[string]bool, len(explicit)+len(discovered))
	out := make([]string, 0, len(explicit)+len(discovered))
	for _, list := range [][]string{explicit, discovered} {
		for _, id := range list {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}
