package collector

import (
	"sync"
	"time"
)

// taskStateTTL is how long the last known up state of a task that is no
// longer polled is kept. Tasks leave the task set (finished, deleted,
// removed from the config, no longer probed): their entries go after this,
// so the map cannot grow without bound. It is well above any sensible
// scrape or probe interval; a task polled again after it is observed
// afresh (a down task is then logged once more).
const taskStateTTL = time.Hour

// taskKey names a task across scrapes and probes.
type taskKey struct{ account, module, id string }

// taskState is the last known up state of a task and when it was seen.
type taskState struct {
	up   bool
	seen time.Time
}

// taskStates remembers whether each polled task was up, so that a change
// (up to down, down to up) is logged once, not on every scrape. /metrics
// and /probe share it: a task both scraped and probed logs a change once.
type taskStates struct {
	mu        sync.Mutex
	m         map[taskKey]taskState
	lastPrune time.Time
}

// observe records that k is up or not at now and reports whether that is
// worth logging: a change from the last known state, or a first
// observation of a task that is down (a first observation of an up task is
// not news). It prunes the entries not seen for taskStateTTL, at most once
// per tenth of it.
func (s *taskStates) observe(k taskKey, up bool, now time.Time) (changed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[taskKey]taskState{}
	}
	if now.Sub(s.lastPrune) >= taskStateTTL/10 {
		s.pruneLocked(now.Add(-taskStateTTL))
		s.lastPrune = now
	}
	last, known := s.m[k]
	s.m[k] = taskState{up: up, seen: now}
	if !known {
		return !up
	}
	return last.up != up
}

// pruneLocked drops the entries last seen before cutoff; s.mu is held.
func (s *taskStates) pruneLocked(cutoff time.Time) {
	for k, st := range s.m {
		if st.seen.Before(cutoff) {
			delete(s.m, k)
		}
	}
}

// len is the number of tasks remembered.
func (s *taskStates) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
