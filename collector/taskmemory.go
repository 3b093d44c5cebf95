package collector

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// What a scrape does with a task whose last good answer it remembers
// (taskMemory):
//
//   - a task whose last good answer was in a terminal state (the
//     service's terminal) is not read again until terminal_interval has
//     passed since that answer: it is not planned at all (no reader, no
//     call) and its remembered series are sent as they were, its up 1;
//   - the tasks that are read are planned least recently read first
//     (never read ones before all), so that when the account's API
//     budget runs out before the scrape's deadline it is always other
//     tasks that wait;
//   - a task the budget left unread (a huaweicloud.BudgetError) is served
//     from its last good answer when that is younger than max_staleness
//     (counted in migration_exporter_task_stale), and is down with reason
//     throttled_budget only without one.

// taskMemory is what the exporter remembers of one account's tasks of one
// service between scrapes. /metrics and /probe share it.
type taskMemory struct {
	mu    sync.Mutex
	tasks map[string]remembered
	// pruned is when prune last walked the tasks: every poll asks, and a
	// walk per probe would cost a probe-only replica a step per task.
	pruned time.Time
}

// remembered is one task's memory.
type remembered struct {
	// series are the metrics its last good answer made, shared with the
	// scrape that made them (series are not changed once built).
	series exposition.Series
	good   time.Time // when that answer was read; zero: no good answer
	read   time.Time // when the task was last read (its calls made), well or not
	seen   time.Time // when a scrape last read or served it, for pruning
	// terminal says the last good answer was in a terminal state;
	// shared that its series have one that is not the task's own
	// (dedupeShared).
	terminal, shared bool
}

// How a scrape served a task.
const (
	servedRead      uint8 = iota // read this scrape (well or not)
	servedTerminal               // a terminal task's remembered answer, not due yet
	servedStale                  // its last good answer: the budget left it unread
	servedThrottled              // down: the budget left it unread and no answer was young enough
)

// plan sorts the tasks ids (sorted) into those to read and those served
// from memory: due are the indexes of the tasks to read, least recently
// read first (tasks never read first of all, then by id), read[j] when
// due[j] was last read (zero: never); keep is called
// with the index, remembered series (and whether they have a shared one)
// of each terminal task read within terminalInterval before now.
func (m *taskMemory) plan(ids []string, now time.Time, terminalInterval time.Duration, keep func(i int, s exposition.Series, shared bool)) (due []int, read []time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	due = make([]int, 0, len(ids))
	readOf := make([]time.Time, len(ids))
	for i, id := range ids {
		r, ok := m.tasks[id]
		if ok && r.terminal && now.Sub(r.good) < terminalInterval {
			r.seen = now
			m.tasks[id] = r
			keep(i, r.series, r.shared)
			continue
		}
		readOf[i] = r.read
		due = append(due, i)
	}
	slices.SortStableFunc(due, func(a, b int) int { return readOf[a].Compare(readOf[b]) })
	read = make([]time.Time, len(due))
	for j, i := range due {
		read[j] = readOf[i]
	}
	return due, read
}

// stale returns the memory of task id when its last good series are
// younger than maxStaleness at now.
func (m *taskMemory) stale(id string, now time.Time, maxStaleness time.Duration) (remembered, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.tasks[id]
	if !ok || r.good.IsZero() || now.Sub(r.good) >= maxStaleness {
		return remembered{}, false
	}
	r.seen = now
	m.tasks[id] = r
	return r, true
}

// note remembers that task id was read at now; good, when not nil, are
// the series of its good answer, terminal whether that was in a terminal
// state. A read without a good answer keeps the last good one.
func (m *taskMemory) note(id string, now time.Time, good *exposition.Series, terminal bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tasks == nil {
		m.tasks = map[string]remembered{}
	}
	r := m.tasks[id]
	r.read, r.seen = now, now
	if good != nil {
		r.series, r.good, r.terminal, r.shared = *good, now, terminal, hasShared(good, id)
	}
	m.tasks[id] = r
}

// forget remembers that task id was read at now, with no answer to serve
// again (its last good one is dropped).
func (m *taskMemory) forget(id string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tasks == nil {
		m.tasks = map[string]remembered{}
	}
	m.tasks[id] = remembered{read: now, seen: now}
}

// prune forgets the tasks no scrape read or served within keep before
// now: tasks that left the task set (or were probed once) do not stay.
func (m *taskMemory) prune(now time.Time, keep time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.pruned.IsZero() && now.Sub(m.pruned) < keep/10 {
		return // a task goes at most a tenth of keep late
	}
	m.pruned = now
	for id, r := range m.tasks {
		if now.Sub(r.seen) > keep {
			delete(m.tasks, id)
		}
	}
}

// memoryKeep is how long w's memory keeps a task no scrape read or
// served: twice the longest an answer of it can be served for.
func memoryKeep(w *watched) time.Duration {
	return 2 * cmp.Or(max(w.terminalInterval, w.maxStaleness), time.Minute)
}

// currentState is the state of desc's state set in s, the current
// state's label value ("" when s has no such sample).
func (ix labelIndex) currentState(s *exposition.Series, desc *prometheus.Desc) string {
	pos := ix[desc].set.Pos
	for i := range s.Samples {
		if s.Samples[i].Desc == desc {
			return s.Labels(i)[pos].GetValue()
		}
	}
	return ""
}

// seriesValue is the value of desc's first sample in s.
func seriesValue(s *exposition.Series, desc *prometheus.Desc) (float64, bool) {
	for i := range s.Samples {
		if s.Samples[i].Desc == desc {
			return s.Samples[i].Value, true
		}
	}
	return 0, false
}

// shared reports whether sample i of s is not the task id's own: no
// label but account has its id. A task may send a series for something
// it shares with other tasks (a CDM job its cluster's status, sent by the
// first job of each cluster in a plan).
func shared(s *exposition.Series, i int, id string) bool {
	for _, p := range s.Labels(i) {
		if p.GetName() != "account" && p.GetValue() == id {
			return false
		}
	}
	return true
}

// hasShared reports whether a sample of s is not the task id's own.
func hasShared(s *exposition.Series, id string) bool {
	for i := range s.Samples {
		if shared(s, i, id) {
			return true
		}
	}
	return false
}

// dedupeShared drops from the tasks of group served from memory the
// series another task of the group sends too (a CDM cluster's status,
// sent by a job read now and kept with a job read before): the ones read
// this scrape keep theirs, then the first task by id. It runs only for a
// group with a task served from memory with such series (sharedKept).
func dedupeShared(group []polledTask) {
	type key struct {
		desc   *prometheus.Desc
		labels string
	}
	keyOf := func(s *exposition.Series, i int) key {
		var b strings.Builder
		for _, p := range s.Labels(i) {
			b.WriteString(p.GetValue())
			b.WriteByte(0)
		}
		return key{s.Samples[i].Desc, b.String()}
	}
	seen := map[key]bool{}
	for i := range group {
		t := &group[i]
		if t.served != servedRead || !t.up {
			continue
		}
		for j := range t.Samples {
			if shared(&t.Series, j, t.id) {
				seen[keyOf(&t.Series, j)] = true
			}
		}
	}
	for i := range group {
		t := &group[i]
		if t.served != servedTerminal && t.served != servedStale {
			continue
		}
		var out []exposition.Sample // made at the first duplicate: the remembered series are shared, never changed
		for j := range t.Samples {
			dup := false
			if shared(&t.Series, j, t.id) {
				k := keyOf(&t.Series, j)
				dup = seen[k]
				seen[k] = true
			}
			switch {
			case dup && out == nil:
				out = append(make([]exposition.Sample, 0, len(t.Samples)-1), t.Samples[:j]...)
			case !dup && out != nil:
				out = append(out, t.Samples[j])
			}
		}
		if out != nil {
			t.Series = exposition.Series{Samples: out, Arena: t.Arena}
		}
	}
}
