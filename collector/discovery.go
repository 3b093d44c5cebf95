package collector

import (
	"context"
	"sync"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// discovery is the task ids a service lists.
type discovery = listCache[string]

// newDiscovery lists task ids with list, keeping those valid says are.
func newDiscovery(interval time.Duration, list func(context.Context) ([]string, error), valid func(string) bool, rejected func(rejections)) *discovery {
	d := newListCache(interval, list, func(id string) string { return id }, rejected)
	d.valid = valid
	return d
}

// maxRejectedLogged is how many rejected ids one list cache remembers, and
// so logs: a hostile list could send millions.
const maxRejectedLogged = 100

// maxRejectedIDLen bounds a rejected id in the log.
const maxRejectedIDLen = 64

// rejections are the entries one list answer had whose ids are not valid
// task ids (the service's rule, config.ValidTaskID for most: they are not
// safe in a URL path), dropped.
type rejections struct {
	count int      // every one dropped, also those reported before
	fresh []string // the ids not reported before (at most maxRejectedLogged in a cache's life)
	full  bool     // true once: when no more ids will be remembered
}

// reportRejected counts the ids a list of w's service dropped, and logs
// each at warn the first time it is dropped (for the first
// maxRejectedLogged of them).
func (w *watched) reportRejected(r rejections) {
	e, api := w.account.exporter, w.svc.api()
	e.rejectedIDs.WithLabelValues(api).Add(float64(r.count))
	for _, id := range r.fresh {
		level.Warn(e.opts.Logger).Log("msg", "discovery dropped a task id that is not valid (logged once per id)",
			"account", w.account.name, "api", api, "module", w.svc.module(),
			"task_id", runes.Truncate(w.client().ScrubText(id), maxRejectedIDLen))
	}
	if r.full {
		level.Warn(e.opts.Logger).Log("msg", "discovery dropped more task ids than are logged; further ones are only counted",
			"account", w.account.name, "api", api, "module", w.svc.module(), "logged", maxRejectedLogged)
	}
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
	idOf     func(T) string    // an entry's task id; one that is not valid drops the entry
	valid    func(string) bool // the task-id rule; nil: config.ValidTaskID
	rejected func(rejections)  // reports what a list dropped; nil: nothing to report

	mu       sync.Mutex
	ids      []T
	fetched  time.Time     // of the last good list; zero before the first
	inflight chan struct{} // closed when the list call under way ends; nil when none
	// reported are the dropped ids reported so far (at most
	// maxRejectedLogged); only the list call under way uses it.
	reported map[string]struct{}
}

func newListCache[T any](interval time.Duration, list func(context.Context) ([]T, error), idOf func(T) string, rejected func(rejections)) *listCache[T] {
	return &listCache[T]{interval: interval, list: list, idOf: idOf, rejected: rejected}
}

// taskIDs returns the listed entries, listing again when the last good
// list is older than the interval. A list error is passed to failed and the
// last good list (nil if none) is returned. Entries whose ids are not valid
// task ids are dropped, and reported.
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
	rule := d.valid
	if rule == nil {
		rule = config.ValidTaskID
	}
	var dropped rejections
	for _, entry := range ids {
		if id := d.idOf(entry); rule(id) {
			valid = append(valid, entry)
		} else {
			d.reject(&dropped, id)
		}
	}
	if dropped.count > 0 && d.rejected != nil {
		d.rejected(dropped)
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

// last is the last good list, without listing; listed is false (and the
// list nil) before the first.
func (d *listCache[T]) last() (ids []T, listed bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ids, !d.fetched.IsZero()
}

// reject adds id to r, as fresh the first time it is seen while there is
// room to remember it. Only the one list call under way runs it.
func (d *listCache[T]) reject(r *rejections, id string) {
	r.count++
	if len(d.reported) >= maxRejectedLogged {
		return
	}
	if _, seen := d.reported[id]; seen {
		return
	}
	if d.reported == nil {
		d.reported = make(map[string]struct{})
	}
	d.reported[id] = struct{}{}
	r.fresh = append(r.fresh, id)
	r.full = len(d.reported) == maxRejectedLogged
}

// namingList returns the entries of l, a list that names a service's
// tasks (DRS's job list, CDM's), listing again when it is old. A failed
// list keeps the last good one (it never takes a task down), and is
// counted as a discovery error and logged; what names the list in the log.
func namingList[T any](ctx context.Context, w *watched, l *listCache[T], what string) []T {
	e, api := w.account.exporter, w.svc.api()
	return l.taskIDs(ctx, time.Now(), func(err error) {
		reason := huaweicloud.Reason(err)
		e.discoveryErrors.WithLabelValues(api, reason).Inc()
		level.Warn(e.opts.Logger).Log("msg", what+" failed, keeping the last good one",
			"account", w.account.name, "api", api, "reason", reason, "err", err)
	})
}

// namingListIDs lists the task ids of l through its cache, for
// discovery, which counts a failure itself: the list is shared with the
// tasks' names, one list call per interval.
func namingListIDs[T any](ctx context.Context, l *listCache[T]) ([]string, error) {
	var err error
	entries := l.taskIDs(ctx, time.Now(), func(e error) { err = e })
	ids := make([]string, len(entries))
	for i, entry := range entries {
		ids[i] = l.idOf(entry)
	}
	return ids, err
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

// newRejectedIDsCounter is migration_exporter_discovery_rejected_ids_total.
func newRejectedIDsCounter() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "migration_exporter_discovery_rejected_ids_total",
		Help: "Task ids a discovery list returned that are not valid task ids (unsafe in a URL path), dropped; counted in every list that returns them.",
	}, []string{"api"})
}
