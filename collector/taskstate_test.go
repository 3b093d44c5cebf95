package collector

import (
	"testing"
	"time"
)

// taskKey names a task across scrapes and probes.
type taskKey struct{ account, module, id string }

// recorded is how many tasks b holds.
func (b *statusBoard) recorded() int {
	n := 0
	for _, tb := range b.boards {
		n += len(tb.records)
	}
	return n
}

// lookup returns the record of k, if b holds one.
func (b *statusBoard) lookup(k taskKey) (statusRecord, bool) {
	tb := b.boards[boardKey{k.account, k.module}]
	if tb == nil {
		return statusRecord{}, false
	}
	i, ok := tb.index[k.id]
	if !ok {
		return statusRecord{}, false
	}
	return tb.records[i], true
}

// observe records a status of k and reports whether it is worth logging.
func (b *statusBoard) observe(k taskKey, up bool, now time.Time) bool {
	return b.record(TaskStatus{Account: k.account, Module: k.module, ID: k.id, Up: up, Read: now})
}

func TestTaskStatesReportChangesOnce(t *testing.T) {
	var s statusBoard
	now := time.Unix(1_800_000_000, 0)
	up, down := taskKey{"a", "dcs", "up"}, taskKey{"a", "dcs", "down"}
	steps := []struct {
		k    taskKey
		up   bool
		want bool
	}{
		{up, true, false},    // first seen up: not news
		{down, false, true},  // first seen down: once
		{down, false, false}, // steady failure
		{up, true, false},
		{up, false, true}, // up to down
		{up, false, false},
		{up, true, true}, // back
		{up, true, false},
	}
	for i, st := range steps {
		if got := s.observe(st.k, st.up, now); got != st.want {
			t.Errorf("step %d (%v up=%v): logged %v, want %v", i, st.k, st.up, got, st.want)
		}
	}
}

func TestTaskStatesForgetTasksNotSeen(t *testing.T) {
	var s statusBoard
	now := time.Unix(1_800_000_000, 0)
	for i := range 100 {
		s.observe(taskKey{"a", "sms", string(rune('a' + i))}, false, now)
	}
	later := now.Add(taskStateTTL + time.Minute)
	s.observe(taskKey{"a", "sms", "new"}, true, later)
	if n := s.recorded(); n != 1 {
		t.Errorf("%d tasks remembered after the others left, want 1", n)
	}
	// A task seen again after it was forgotten is observed afresh.
	if !s.observe(taskKey{"a", "sms", "a"}, false, later) {
		t.Error("a forgotten down task is not logged again")
	}
}
