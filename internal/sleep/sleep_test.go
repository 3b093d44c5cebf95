package sleep

import (
	"context"
	"testing"
	"time"
)

func TestForEndsWithTheContext(t *testing.T) {
	if !For(context.Background(), time.Millisecond) {
		t.Error("a short sleep with a live context reported false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan bool)
	go func() { done <- For(ctx, time.Hour) }()
	select {
	case ok := <-done:
		if ok {
			t.Error("a sleep on a cancelled context reported true")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a sleep on a cancelled context did not return")
	}
	if For(ctx, 0) {
		t.Error("a zero sleep on a cancelled context reported true")
	}
}
