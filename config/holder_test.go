package config

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func accountYAML(name string) string {
	return yml("accounts:", "  - name: "+name, "    region: cn-north-4", "    project_id: p")
}

// fakeClock returns a clock that advances by one second per call.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func TestHolderReload(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "cfg.yml", accountYAML("first"))
	var applied []string
	h, err := NewHolder(path, func(c *Config) error {
		applied = append(applied, c.Accounts[0].Name)
		if c.Accounts[0].Name == "rejected" {
			return errors.New("cannot apply")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("NewHolder: %v", err)
	}
	h.now = fakeClock()
	first := h.Current()
	ok, at0 := h.LastReload()
	if first.Accounts[0].Name != "first" || !ok || at0.IsZero() {
		t.Fatalf("after NewHolder: %q, %v, %v", first.Accounts[0].Name, ok, at0)
	}

	steps := []struct {
		name     string
		content  string
		wantErr  string // substring; empty for success
		wantName string // of Current afterwards
	}{
		{"broken file", "accounts: [\n", "cfg.yml:1: did not find expected node content", "first"},
		{"invalid file", accountYAML("bad name"), `accounts[0].name: "bad name" is not a valid name`, "first"},
		{"fixed file", accountYAML("second"), "", "second"},
		{"apply error", accountYAML("rejected"), "applying configuration: cannot apply", "second"},
		{"unchanged file", accountYAML("rejected"), "cannot apply", "second"},
		{"fixed again", accountYAML("third"), "", "third"},
	}
	lastAt := at0
	for _, st := range steps {
		writeFile(t, dir, "cfg.yml", st.content)
		before := h.Current()
		err := h.Reload()
		ok, at := h.LastReload()
		cur := h.Current()
		if st.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), st.wantErr) {
				t.Errorf("%s: Reload error %v, want %q", st.name, err, st.wantErr)
			}
			if ok || !at.Equal(lastAt) || cur != before {
				t.Errorf("%s: LastReload = %v, %v (want false, %v); config replaced: %v", st.name, ok, at, lastAt, cur != before)
			}
		} else {
			if err != nil {
				t.Errorf("%s: Reload: %v", st.name, err)
			}
			if !ok || !at.After(lastAt) {
				t.Errorf("%s: LastReload = %v, %v; want true, after %v", st.name, ok, at, lastAt)
			}
			lastAt = at
		}
		if got := cur.Accounts[0].Name; got != st.wantName {
			t.Errorf("%s: Current is %q, want %q", st.name, got, st.wantName)
		}
	}
	want := "first second rejected rejected third"
	if got := strings.Join(applied, " "); got != want {
		t.Errorf("apply calls: %s, want %s", got, want)
	}
	if first.Accounts[0].Name != "first" {
		t.Error("a reload modified an old config")
	}
}

func TestNewHolderErrors(t *testing.T) {
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken.yml", "accounts: []\n")
	valid := writeFile(t, dir, "valid.yml", accountYAML("a"))
	tests := []struct {
		name  string
		path  string
		apply func(*Config) error
		want  string
	}{
		{"load error", broken, nil, "broken.yml:1: accounts: at least one account is required"},
		{"missing file", dir + "/nope.yml", nil, "nope.yml"},
		{"apply error", valid, func(*Config) error { return errors.New("boom") }, "applying configuration: boom"},
	}
	for _, tt := range tests {
		h, err := NewHolder(tt.path, tt.apply)
		if h != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewHolder = %v, %v; want error containing %q", tt.name, h, err, tt.want)
		}
	}
}

func TestStaticHolder(t *testing.T) {
	if h, err := NewStaticHolder(nil, nil); h != nil || err == nil {
		t.Errorf("nil config: %v, %v", h, err)
	}
	if _, err := NewStaticHolder(&Config{}, nil); err == nil || err.Error() != "accounts: at least one account is required" {
		t.Errorf("invalid config: %v", err)
	}

	// Not yet defaulted: NewStaticHolder must fill the defaults in before
	// validating, or Validate would reject the zero rate and interval.
	cfg := &Config{Accounts: []Account{bareAccount("sim")}}
	cfg.Accounts[0].Endpoints.SMS = "http://127.0.0.1:8080/"
	var calls int
	fail := false
	h, err := NewStaticHolder(cfg, func(c *Config) error {
		calls++
		if c != cfg {
			t.Error("apply got another config")
		}
		if fail {
			return errors.New("no")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("NewStaticHolder: %v", err)
	}
	if h.Current() != cfg {
		t.Error("config not held")
	}
	want := validAccount("sim")
	want.Endpoints.SMS = "http://127.0.0.1:8080"
	if !reflect.DeepEqual(cfg.Accounts[0], want) {
		t.Errorf("defaults not filled:\n got %+v\nwant %+v", cfg.Accounts[0], want)
	}
	if err := h.Reload(); err != nil || calls != 2 {
		t.Errorf("Reload: %v, apply calls %d", err, calls)
	}
	fail = true
	if err := h.Reload(); err == nil {
		t.Error("Reload ignored the apply error")
	}
	if ok, _ := h.LastReload(); ok || h.Current() != cfg {
		t.Errorf("after failed apply: successful=%v", ok)
	}
}

// TestHolderConcurrent is meant for go test -race: readers and reloaders run
// at once, while apply checks that reloads never overlap.
func TestHolderConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "cfg.yml", accountYAML("a"))
	var inside, overlaps, applied atomic.Int32
	h, err := NewHolder(path, func(c *Config) error {
		if inside.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inside.Add(-1)
		applied.Add(1)
		time.Sleep(100 * time.Microsecond)
		if applied.Load()%3 == 0 {
			return errors.New("every third apply fails")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const reloaders, readers, rounds = 4, 4, 25
	var wg sync.WaitGroup
	for range reloaders {
		wg.Go(func() {
			for range rounds {
				_ = h.Reload()
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range rounds * 4 {
				if c := h.Current(); c == nil || c.Accounts[0].Name != "a" {
					t.Error("bad current config")
				}
				h.LastReload()
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d overlapping apply calls", overlaps.Load())
	}
	if got := applied.Load(); got != 1+reloaders*rounds {
		t.Errorf("apply called %d times, want %d", got, 1+reloaders*rounds)
	}
}
