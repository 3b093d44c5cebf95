package collector

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A task no longer polled leaves the status board after taskStateTTL.
func TestStatusBoardPrunes(t *testing.T) {
	var b statusBoard
	t0 := time.Unix(1_800_000_000, 0)
	b.record(TaskStatus{Module: "dcs", Account: "a", ID: "old", Read: t0})
	b.record(TaskStatus{Module: "dcs", Account: "a", ID: "kept", Read: t0.Add(taskStateTTL / 2)})
	if got, _ := b.snapshot(t0.Add(taskStateTTL / 2)); len(got) != 2 {
		t.Fatalf("got %d tasks, want 2", len(got))
	}
	b.record(TaskStatus{Module: "sms", Account: "a", ID: "new", Read: t0.Add(taskStateTTL + time.Minute)})
	got, newest := b.snapshot(t0.Add(taskStateTTL + time.Minute))
	if len(got) != 2 || b.recorded() != 2 {
		t.Errorf("got %v (%d remembered), want kept and new", got, b.recorded())
	}
	if _, ok := b.lookup(taskKey{"a", "dcs", "old"}); ok {
		t.Error("the task not read for taskStateTTL is still remembered")
	}
	if !newest.Equal(t0.Add(taskStateTTL + time.Minute)) {
		t.Errorf("newest %v", newest)
	}
}

// Pruning keeps each remaining task's own record, wherever it was.
func TestStatusBoardPruneKeepsRecords(t *testing.T) {
	var b statusBoard
	t0 := time.Unix(1_800_000_000, 0)
	for i := range 100 {
		read := t0
		if i%3 != 0 {
			read = t0.Add(taskStateTTL / 2)
		}
		id := fmt.Sprintf("t%02d", i)
		b.record(TaskStatus{Service: "sms", Module: "sms", Account: "a", ID: id, Name: "name of " + id, Up: i%2 == 0, Read: read})
	}
	later := t0.Add(taskStateTTL + time.Minute)
	b.record(TaskStatus{Service: "sms", Module: "sms", Account: "a", ID: "new", Name: "name of new", Read: later})
	got, _ := b.snapshot(later)
	if len(got) != 67 {
		t.Fatalf("%d tasks after pruning, want 66 kept and the new one", len(got))
	}
	for _, s := range got {
		n, _ := strconv.Atoi(strings.TrimPrefix(s.ID, "t"))
		if s.Name != "name of "+s.ID || s.ID != "new" && (s.Up != (n%2 == 0) || n%3 == 0) {
			t.Errorf("%s: name %q, up %v", s.ID, s.Name, s.Up)
		}
	}
}
