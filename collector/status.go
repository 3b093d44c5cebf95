package collector

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// The status page (/) shows what the last /metrics or /probe scrapes read
// of each task. build records a TaskStatus per task from the metrics it
// has just made, so the page costs no API call while a recent scrape
// exists; only when there is none does it poll once, through the normal
// path and its shared cache.

// StatusFresh is how recent the newest recorded task must be for the
// status page to show the recorded tasks without polling.
const StatusFresh = 5 * time.Minute

// TaskStatus is what the last poll of one task read, for the status page.
// Every string comes from the API or the config: escape it when rendering.
type TaskStatus struct {
	Service string // the cloud service's api: dcs, sms, drs, oms
	Module  string // the /probe module: the service's, or oms_group
	Account string
	ID      string
	Name    string // the task's name as the API gives it; may be empty
	State   string // its status or state as the API gives it; may be empty

	Progress    float64 // 0 to 1, when HasProgress
	HasProgress bool
	Speed       float64 // bytes per second, when HasSpeed
	HasSpeed    bool
	Remaining   float64 // seconds to completion, when HasRemaining
	HasRemain   bool
	Delay       float64 // replication delay in seconds, when HasDelay
	HasDelay    bool
	Offset      float64 // incremental replication offset, when HasOffset
	HasOffset   bool

	Up     bool
	Reason string // why the poll failed (huaweicloud.Reason), "" when it did not
	Read   time.Time
}

// statusBoard holds the last TaskStatus of each polled task: what the
// status page shows, and the last known up state that a change is logged
// against. /metrics and /probe share it, so a task both scraped and probed
// logs a change once.
type statusBoard struct {
	mu        sync.Mutex
	m         map[taskKey]*TaskStatus // updated in place: a map of the structs would hold twice their size in free slots
	newest    time.Time
	lastPrune time.Time
	// polling lets one status page request poll at a time when no fresh
	// results exist; the others wait for its results.
	polling sync.Mutex
}

// record stores s, pruning the entries not read for taskStateTTL at most
// once per tenth of it. changed says whether s is worth logging: its up
// state differs from the last one recorded, or it is the first record of a
// task that is down (a first record of an up task is not news).
func (b *statusBoard) record(s TaskStatus) (changed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[taskKey]*TaskStatus{}
	}
	if s.Read.Sub(b.lastPrune) >= taskStateTTL/10 {
		cutoff := s.Read.Add(-taskStateTTL)
		for k, st := range b.m {
			if st.Read.Before(cutoff) {
				delete(b.m, k)
			}
		}
		b.lastPrune = s.Read
	}
	k := taskKey{s.Account, s.Module, s.ID}
	if s.Read.After(b.newest) {
		b.newest = s.Read
	}
	last, known := b.m[k]
	if !known {
		b.m[k] = &s
		return !s.Up
	}
	changed = last.Up != s.Up
	*last = s
	return changed
}

// snapshot returns the recorded tasks read since taskStateTTL before now,
// and when the newest was read.
func (b *statusBoard) snapshot(now time.Time) ([]TaskStatus, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]TaskStatus, 0, len(b.m))
	for _, s := range b.m {
		if now.Sub(s.Read) < taskStateTTL {
			out = append(out, *s)
		}
	}
	return out, b.newest
}

// TaskStatuses returns the last read status of every task the scrapes
// polled, ordered by service, account, then task id. When no task was read
// within StatusFresh it polls every configured and discovered task once
// first, as a /metrics scrape would (within ctx, sharing calls with
// scrapes under way).
func (e *Exporter) TaskStatuses(ctx context.Context) []TaskStatus {
	if _, newest := e.status.snapshot(time.Now()); time.Since(newest) >= StatusFresh {
		e.status.polling.Lock()
		// Another page request may have polled while this one waited.
		if _, newest := e.status.snapshot(time.Now()); time.Since(newest) >= StatusFresh {
			ctx, cancel := context.WithTimeout(ctx, e.opts.ScrapeTimeout)
			e.pollAll(ctx)
			cancel()
		}
		e.status.polling.Unlock()
	}
	out, _ := e.status.snapshot(time.Now())
	order := map[string]int{}
	for i, svc := range e.services {
		order[svc.module()] = i
	}
	slices.SortFunc(out, func(a, b TaskStatus) int {
		return cmp.Or(cmp.Compare(order[a.Module], order[b.Module]),
			cmp.Compare(a.Account, b.Account), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// recordStatus records what t's metrics say of the task and reports whether
// its up state changed (statusBoard.record): build calls it
// once the task's metrics are made.
func (e *Exporter) recordStatus(t *polledTask, reason string) (changed bool) {
	s := TaskStatus{
		Service: t.w.svc.api(), Module: t.w.svc.module(), Account: t.w.account.name, ID: t.id,
		Up: t.up, Reason: reason, Read: time.Now(),
	}
	var transferred, total float64
	var hasTransferred, hasTotal bool
	for i := range t.Samples {
		lo, labels := e.labels[t.Samples[i].Desc], t.Labels(i)
		name := lo.name
		v := t.Samples[i].Value
		switch {
		case strings.HasSuffix(name, "_info"):
			for _, l := range []string{"task_name", "job_name"} {
				if n := labelOf(labels, l); n != "" {
					s.Name = n
				}
			}
			if s.Name == "" && s.Module == omsGroupModule {
				if src, dst := labelOf(labels, "source_bucket"), labelOf(labels, "target_bucket"); src != "" || dst != "" {
					s.Name = src + " → " + dst
				}
			}
		case lo.states != nil:
			if v == 1 {
				s.State = labelOf(labels, lo.names...)
			}
		case name == "dcs_migration_full_progress_ratio" || strings.HasSuffix(name, "_migration_progress_ratio"):
			s.Progress, s.HasProgress = v, true
		case strings.HasSuffix(name, "speed_bytes_per_second") || name == "dcs_migration_target_input_bytes_per_second":
			s.Speed, s.HasSpeed = v, true
		case strings.HasSuffix(name, "_remaining_seconds"):
			s.Remaining, s.HasRemain = v, true
		case strings.HasSuffix(name, "_replication_delay_seconds"):
			s.Delay, s.HasDelay = v, true
		case name == "dcs_migration_incremental_offset":
			s.Offset, s.HasOffset = v, true
		case strings.HasSuffix(name, "_transferred_bytes") || name == "sms_migration_replicated_bytes":
			transferred, hasTransferred = v, true
		case strings.HasSuffix(name, "_total_bytes"):
			total, hasTotal = v, true
		}
	}
	if !s.HasProgress && hasTransferred && hasTotal && total > 0 {
		s.Progress, s.HasProgress = min(transferred/total, 1), true
	}
	return e.status.record(s)
}

// labelOf returns the value of the first of labels called one of names
// that is not the account or the task's id ("" when none).
func labelOf(labels []*dto.LabelPair, names ...string) string {
	for _, p := range labels {
		n := p.GetName()
		if n == "account" || n == "task_id" || n == "group_id" {
			continue
		}
		if slices.Contains(names, n) {
			return p.GetValue()
		}
	}
	return ""
}
