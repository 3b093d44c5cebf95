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
	Service string // the cloud service's api: dcs, sms, drs, oms, cdm
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

	// DRS, while incremental: the delays by stage in seconds (reading the
	// source's log, applying to the target), each when known, and whether
	// DRS reports an endpoint unhealthy.
	SourceDelay, TargetDelay       float64
	HasSourceDelay, HasTargetDelay bool
	SourceDown, TargetDown         bool
	// SMS: whether the source server's migration agent is connected, when
	// HasAgent.
	AgentConnected, HasAgent bool

	Up     bool
	Reason string // why the poll failed (huaweicloud.Reason), for a task that is down; "" for one that is up
	// Failure is, for a task that is up, the failure the task itself
	// reports, in words (an OMS task's error reason: "code: message",
	// scrubbed of the account's secrets, the message cut to 200 bytes);
	// "" when it reports none or its service has none.
	Failure string
	Read    time.Time

	// Judged says whether the task's service is judged for its cut-over
	// (readiness.go): then Blockers are why the task is not ready, none
	// when it is, judged from its last poll when TaskStatuses returned.
	Judged   bool
	Blockers []Blocker
	// The service-specific fields above (delays by stage, endpoints,
	// agent) are filled with the blockers.
	//
	// Verification is the task's latest verification (a DRS rows
	// comparison, an SMS consistency check) and its age in words; "" for a
	// service without one.
	Verification string

	ready readiness // the facts Blockers are judged from
}

// statusBoard holds the last TaskStatus of each polled task: what the
// status page shows, and the last known up state that a change is logged
// against. /metrics and /probe share it, so a task both scraped and probed
// logs a change once. A probe-only deployment records every task it is
// probed for, so a task's record is kept small (statusRecord): the
// strings every task of an account's module shares are held once per
// taskBoard, the id once as the key.
type statusBoard struct {
	mu        sync.Mutex
	boards    map[boardKey]*taskBoard
	newest    time.Time
	lastPrune time.Time
	// polling lets one status page request poll at a time when no fresh
	// results exist; the others wait for its results.
	polling sync.Mutex
}

// boardKey names the tasks of one account's module.
type boardKey struct{ account, module string }

// taskBoard is the records of one account's tasks of one module: the
// index gives where a task's record is (a map of the records themselves
// would hold their size again in its free slots).
type taskBoard struct {
	service string
	index   map[string]int32 // task id → its record in records
	records []statusRecord
}

// statusRecord is a TaskStatus as the board keeps it: without the strings
// its taskBoard has (account, module, service, id), the time as Unix
// nanoseconds (the page shows how long ago, to the second), the numbers
// only shown rounded as float32 (7 significant digits; the offset, a
// count shown whole, keeps float64), the flags in one byte and the
// readiness facts in 20 (counts, times and the service's own delays in 32
// bits: a DRS job's delays by stage are there, not in fields of their own).
// reason is TaskStatus.Reason for a task that is down and its Failure for
// one that is up (statusUp tells which): a task has only one of them.
type statusRecord struct {
	name, state, reason               string
	read                              int64
	offset                            float64
	progress, speed, remaining, delay float32
	flags                             statusFlags
	ready                             readiness
}

type statusFlags uint8

const (
	statusUp statusFlags = 1 << iota
	hasProgress
	hasSpeed
	hasRemaining
	hasDelay
	hasOffset
)

// flag is f when set, else 0.
func flag(set bool, f statusFlags) statusFlags {
	if set {
		return f
	}
	return 0
}

// recordOf is what the board keeps of s.
func recordOf(s *TaskStatus) statusRecord {
	reason := s.Reason
	if s.Up {
		reason = s.Failure
	}
	return statusRecord{
		name: s.Name, state: s.State, reason: reason, read: s.Read.UnixNano(),
		progress: float32(s.Progress), speed: float32(s.Speed), remaining: float32(s.Remaining), delay: float32(s.Delay), offset: s.Offset,
		flags: flag(s.Up, statusUp) | flag(s.HasProgress, hasProgress) | flag(s.HasSpeed, hasSpeed) |
			flag(s.HasRemain, hasRemaining) | flag(s.HasDelay, hasDelay) | flag(s.HasOffset, hasOffset),
		ready: s.ready,
	}
}

// status is the TaskStatus r records of task id of k.
func (r *statusRecord) status(k boardKey, service, id string) TaskStatus {
	up := r.flags&statusUp != 0
	reason, failure := r.reason, ""
	if up {
		reason, failure = "", r.reason
	}
	return TaskStatus{
		Service: service, Module: k.module, Account: k.account, ID: id,
		Name: r.name, State: r.state, Reason: reason, Failure: failure, Read: time.Unix(0, r.read),
		Progress: float64(r.progress), HasProgress: r.flags&hasProgress != 0,
		Speed: float64(r.speed), HasSpeed: r.flags&hasSpeed != 0,
		Remaining: float64(r.remaining), HasRemain: r.flags&hasRemaining != 0,
		Delay: float64(r.delay), HasDelay: r.flags&hasDelay != 0,
		Offset: r.offset, HasOffset: r.flags&hasOffset != 0,
		Up: up, ready: r.ready,
	}
}

// record stores s, pruning the entries not read for taskStateTTL at most
// once per tenth of it. changed says whether s is worth logging: its up
// state differs from the last one recorded, or it is the first record of a
// task that is down (a first record of an up task is not news).
func (b *statusBoard) record(s TaskStatus) (changed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.boards == nil {
		b.boards = map[boardKey]*taskBoard{}
	}
	if s.Read.Sub(b.lastPrune) >= taskStateTTL/10 {
		cutoff := s.Read.Add(-taskStateTTL).UnixNano()
		for k, tb := range b.boards {
			if tb.prune(cutoff); len(tb.records) == 0 {
				delete(b.boards, k)
			}
		}
		b.lastPrune = s.Read
	}
	if s.Read.After(b.newest) {
		b.newest = s.Read
	}
	k := boardKey{s.Account, s.Module}
	tb := b.boards[k]
	if tb == nil {
		tb = &taskBoard{service: s.Service, index: map[string]int32{}}
		b.boards[k] = tb
	}
	r := recordOf(&s)
	i, known := tb.index[s.ID]
	if !known {
		tb.index[s.ID] = int32(len(tb.records))
		tb.records = append(tb.records, r)
		return !s.Up
	}
	last := &tb.records[i]
	changed = last.flags&statusUp != r.flags&statusUp
	*last = r
	return changed
}

// prune drops the records read before cutoff (Unix nanoseconds).
func (tb *taskBoard) prune(cutoff int64) {
	for id, i := range tb.index {
		if tb.records[i].read < cutoff {
			delete(tb.index, id)
		}
	}
	if len(tb.index) == len(tb.records) {
		return
	}
	kept := make([]statusRecord, 0, len(tb.index))
	for id, i := range tb.index {
		tb.index[id] = int32(len(kept))
		kept = append(kept, tb.records[i])
	}
	tb.records = kept
}

// snapshot returns the recorded tasks read since taskStateTTL before now,
// and when the newest was read.
func (b *statusBoard) snapshot(now time.Time) ([]TaskStatus, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []TaskStatus
	cutoff := now.Add(-taskStateTTL).UnixNano()
	for k, tb := range b.boards {
		for id, i := range tb.index {
			if r := &tb.records[i]; r.read > cutoff {
				out = append(out, r.status(k, tb.service, id))
			}
		}
	}
	return out, b.newest
}

// TaskStatuses returns the last read status of every task the scrapes
// polled, ordered by service, account, then task id, each judged for its
// cut-over (readiness.go) as of now. When no task was read
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
	now := time.Now()
	out, _ := e.status.snapshot(now)
	order := map[string]int{}
	judges := map[string]judge{}
	for i, svc := range e.services {
		order[svc.module()] = i
		if j, ok := svc.(judge); ok {
			judges[svc.module()] = j
		}
	}
	for i := range out {
		if j := judges[out[i].Module]; j != nil {
			out[i].judged(j, now)
		}
	}
	slices.SortFunc(out, func(a, b TaskStatus) int {
		return cmp.Or(cmp.Compare(order[a.Module], order[b.Module]),
			cmp.Compare(a.Account, b.Account), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// LagWords is the task's lag in words, for the status page: a DRS job's
// delays by stage ("source 0.2 s, target 2 min 5 s"), with its
// replication delay first when the target's is not known; a DCS task's
// offset ("offset 12,345"); "" when it has none.
func (s *TaskStatus) LagWords() string {
	var parts []string
	if s.HasDelay && !s.HasTargetDelay {
		parts = append(parts, "delay "+DurationWords(s.Delay))
	}
	if s.HasSourceDelay {
		parts = append(parts, "source "+DurationWords(s.SourceDelay))
	}
	if s.HasTargetDelay {
		parts = append(parts, "target "+DurationWords(s.TargetDelay))
	}
	if s.HasOffset {
		parts = append(parts, "offset "+thousands(s.Offset))
	}
	return strings.Join(parts, ", ")
}

// Health is one thing the last poll said of a task's links beyond up, in
// words: an endpoint DRS reports unhealthy, an SMS agent's connection.
type Health struct {
	Text string
	Bad  bool
}

// Health is what the status page says of the task's links: a DRS
// endpoint only when it is down, an SMS agent connected or not.
func (s *TaskStatus) Health() []Health {
	var out []Health
	switch {
	case s.SourceDown && s.TargetDown:
		out = append(out, Health{"source and target endpoints down", true})
	case s.SourceDown:
		out = append(out, Health{"source endpoint down", true})
	case s.TargetDown:
		out = append(out, Health{"target endpoint down", true})
	}
	if s.HasAgent {
		if s.AgentConnected {
			out = append(out, Health{"agent connected", false})
		} else {
			out = append(out, Health{"agent disconnected", true})
		}
	}
	return out
}

// failureReader is a task reader (taskReader) that can say what failure
// its task reports, in words, beyond its metrics: recordStatus asks it
// for TaskStatus.Failure. Its words are from the network and scrubbed.
type failureReader interface {
	failure() string
}

// recordStatus records what t's metrics (and its reader, a failureReader)
// say of the task and reports whether its up state changed
// (statusBoard.record): build calls it once the task's metrics are made,
// before it drops the reader.
func (e *Exporter) recordStatus(t *polledTask, reason string) (changed bool) {
	s := TaskStatus{
		Service: t.w.svc.api(), Module: t.w.svc.module(), Account: t.w.account.name, ID: t.id,
		Up: t.up, Reason: reason, Read: time.Now(),
	}
	if f, ok := t.reader.(failureReader); ok && t.up {
		s.Failure = f.failure()
	}
	var transferred, total float64
	var hasTransferred, hasTotal bool
	state := t.w.svc.stateDesc()
	j, judged := t.w.svc.(judge)
	for i := range t.Samples {
		desc := t.Samples[i].Desc
		lo, labels := e.labels[desc], t.Labels(i)
		name := lo.name
		v := t.Samples[i].Value
		if judged && t.up {
			j.noteReadiness(&s.ready, desc, name, labels, v)
		}
		switch {
		case strings.HasSuffix(name, "_info"):
			if n := infoTaskName(labels, s.Module); n != "" {
				s.Name = n
			}
		case desc == state:
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
