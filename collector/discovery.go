package collector

import (
	"context"
	"sync"
	"time"

	"github.com/migration-exporter/migration_exporter/config"
)

// discovery lists a service's tasks at most once per interval. A failed
// list keeps the last good one. Scrapes that need a fresh list at the same
// time wait for one call instead of listing each.
type discovery struct {
	interval time.Duration
	list     func(context.Context) ([]string, error)

	mu      sync.Mutex
	ids     []string
	fetched time.Time // of the last good list; zero before the first
}

func newDiscovery(interval time.Duration, list func(context.Context) ([]string, error)) *discovery {
	return &discovery{interval: interval, list: list}
}

// taskIDs returns the discovered task ids, listing again when the last good
// list is older than the interval. A list error is passed to failed and the
// last good list (nil if none) is returned. Ids that are not valid task ids
// are dropped: they would go into URL paths.
func (d *discovery) taskIDs(ctx context.Context, now time.Time, failed func(error)) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.fetched.IsZero() && now.Sub(d.fetched) < d.interval {
		return d.ids
	}
	ids, err := d.list(ctx)
	if err != nil {
		failed(err)
		return d.ids
	}
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if config.ValidTaskID(id) {
			valid = append(valid, id)
		}
	}
	d.ids, d.fetched = valid, now
	return d.ids
}

// merge returns explicit then discovered ids, each once.
func merge(explicit, discovered []string) []string {
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
