package collector

import (
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
	if len(got) != 2 || len(b.m) != 2 {
		t.Errorf("got %v (%d remembered), want kept and new", got, len(b.m))
	}
	if _, ok := b.m[taskKey{"a", "dcs", "old"}]; ok {
		t.Error("the task not read for taskStateTTL is still remembered")
	}
	if !newest.Equal(t0.Add(taskStateTTL + time.Minute)) {
		t.Errorf("newest %v", newest)
	}
}
