package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hangBound is how long a load may take in the tests that check it cannot
// hang. The real bound is far lower (a FIFO is refused at once); this is a
// hang test, not a benchmark, so the margin is generous.
const hangBound = 3 * time.Second

// returnsWithin calls f and fails the test if it has not returned within d.
// A hung f is left behind (the test has failed anyway).
func returnsWithin[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	start := time.Now()
	go func() { done <- f() }()
	select {
	case v := <-done:
		t.Logf("returned after %v", time.Since(start).Round(time.Millisecond))
		return v
	case <-time.After(d):
		t.Fatalf("still blocked after %v", d)
		panic("unreachable")
	}
}

func TestLoadRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	want := "reading configuration: open " + dir + ": is not a regular file (it is a directory)"
	if err == nil || err.Error() != want || !errors.Is(err, errNotRegular) {
		t.Errorf("Load(dir) = %v, want %q", err, want)
	}
}

func TestBoundedReaderGivesUpAtTheDeadline(t *testing.T) {
	b := boundedReader{slots: make(chan struct{}, 2)}
	release := make(chan struct{})
	stuck := func() ([]byte, error) { <-release; return []byte("late"), nil }
	fast := func() ([]byte, error) { return []byte("ok"), nil }
	soon := func() time.Time { return time.Now().Add(100 * time.Millisecond) }

	// Two stuck reads time out and keep their slots.
	for range 2 {
		err := returnsWithin(t, hangBound, func() error { _, err := b.run(soon(), "/mnt/stalled/cfg.yml", stuck); return err })
		if !errors.Is(err, os.ErrDeadlineExceeded) ||
			!strings.HasPrefix(err.Error(), "read /mnt/stalled/cfg.yml: no answer within 5s") {
			t.Fatalf("stuck read: %v, want a timeout naming the path", err)
		}
	}
	// With every slot held, even a fast read waits for one and gives up.
	err := returnsWithin(t, hangBound, func() error { _, err := b.run(soon(), "/etc/sk", fast); return err })
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "all 2 read slots are held") {
		t.Fatalf("read without a slot: %v", err)
	}
	// A deadline already past fails at once.
	if _, err := b.run(time.Now(), "/etc/sk", fast); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past deadline: %v", err)
	}

	// When the stuck reads return, their slots are free again.
	close(release)
	for deadline := time.Now().Add(hangBound); len(b.slots) > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d slots still held after the reads returned", len(b.slots))
		}
	}
	if data, err := b.run(soon(), "/etc/sk", fast); err != nil || string(data) != "ok" {
		t.Fatalf("read after recovery: %q, %v", data, err)
	}
	// A read's own error comes back as is.
	_, err = b.run(soon(), "x", func() ([]byte, error) { return os.ReadFile(filepath.Join(t.TempDir(), "nope")) })
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read error: %v, want ErrNotExist", err)
	}
}
