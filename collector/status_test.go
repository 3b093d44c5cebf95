package collector

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
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

// A probed task's record holds no string of the probe's request: the
// request line would stay in memory as long as the task is on the board.
func TestProbeRecordHoldsNothingOfTheRequest(t *testing.T) {
	e := New(Options{Transport: cannedTransport{}, ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(benchConfig(t, "http://canned.invalid", nil, nil)); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id=sms-00042", nil)
	rec := httptest.NewRecorder()
	e.ProbeHandler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "probe_success 1") {
		t.Fatalf("probe: %d %s", rec.Code, rec.Body)
	}
	tb := e.status.boards[boardKey{"bench", "sms"}]
	if tb == nil || len(tb.index) != 1 {
		t.Fatalf("board %+v, want the probed task", tb)
	}
	uri := unsafe.Slice(unsafe.StringData(req.RequestURI), len(req.RequestURI))
	inRequest := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= uintptr(unsafe.Pointer(&uri[0])) && p < uintptr(unsafe.Pointer(&uri[0]))+uintptr(len(uri))
	}
	for id, i := range tb.index {
		r := tb.records[i]
		if id != "sms-00042" || r.name != "web-01" {
			t.Errorf("recorded %q named %q", id, r.name)
		}
		for _, s := range []string{id, r.name, r.state, r.reason} {
			if inRequest(s) {
				t.Errorf("the record holds %q from the request's URI", s)
			}
		}
	}
}

// A probed task that is configured is recorded under the configured id
// itself, not a copy: with every task probed, a copy was one more string a
// task (16 B each, 160 KB at 10,000 tasks) in the live heap.
func TestProbeRecordSharesTheConfiguredID(t *testing.T) {
	for _, knownOnly := range []bool{false, true} {
		e := New(Options{Transport: cannedTransport{}, ScrapeTimeout: time.Minute, ProbeKnownTasksOnly: knownOnly})
		cfg := benchConfig(t, "http://canned.invalid", nil, []string{"sms-00041", "sms-00042"})
		if err := e.ApplyConfig(cfg); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id=sms-00042", nil))
		if !strings.Contains(rec.Body.String(), "probe_success 1") {
			t.Fatalf("probe: %d %s", rec.Code, rec.Body)
		}
		tb := e.status.boards[boardKey{"bench", "sms"}]
		if tb == nil || len(tb.index) != 1 {
			t.Fatalf("board %+v, want the probed task", tb)
		}
		for id := range tb.index {
			if want := cfg.Accounts[0].SMS.TaskIDs[1]; id != want || unsafe.StringData(id) != unsafe.StringData(want) {
				t.Errorf("known tasks only %v: recorded %q at %p, want the configured string at %p", knownOnly, id, unsafe.StringData(id), unsafe.StringData(want))
			}
		}
	}
}

// What the board keeps per task stays compact: a probe-only replica holds
// one record for each task it is probed for (BenchmarkProbeBoard has the
// bytes per task). The strings every task of an account's module shares,
// and the id (the index's key), are not in it. The readiness facts the
// page judges blockers from take 16 bytes of it (20, 4 of which fit in the
// padding after the flags).
func TestStatusRecordIsCompact(t *testing.T) {
	if n := unsafe.Sizeof(statusRecord{}); n > 104 {
		t.Errorf("a status record is %d bytes, want at most 104", n)
	}
	if n := unsafe.Sizeof(readiness{}); n > 20 {
		t.Errorf("a record's readiness is %d bytes, want at most 20", n)
	}
}

// A record has one reason string: why the poll failed for a task that is
// down, the failure the task reports for one that is up. Each comes back
// as what it is.
func TestStatusRecordKeepsReasonOrFailure(t *testing.T) {
	var b statusBoard
	t0 := time.Unix(1_800_000_000, 0)
	b.record(TaskStatus{Module: "oms", Account: "a", ID: "failed", Up: true, Reason: "decode", Failure: "OMS.0301: gone", Read: t0})
	b.record(TaskStatus{Module: "oms", Account: "a", ID: "down", Reason: "not_found", Failure: "OMS.0301: gone", Read: t0})
	got, _ := b.snapshot(t0)
	words := map[string][2]string{}
	for _, s := range got {
		words[s.ID] = [2]string{s.Reason, s.Failure}
	}
	if want := map[string][2]string{"failed": {"", "OMS.0301: gone"}, "down": {"not_found", ""}}; !maps.Equal(words, want) {
		t.Errorf("reason and failure: got %q, want %q", words, want)
	}
}
