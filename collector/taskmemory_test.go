package collector

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/go-kit/log"
	"golang.org/x/time/rate"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// seriesOf is one task's series as a service builds them.
func seriesOf(t *testing.T, ix labelIndex, id string, build func(m *emitter)) exposition.Series {
	t.Helper()
	m := &emitter{logger: log.NewNopLogger(), api: "dcs", labels: ix, task: [2]string{"a", id}}
	build(m)
	return m.Series
}

// dcsSeries are the series of a DCS task in status.
func dcsSeries(t *testing.T, ix labelIndex, d *dcs, id, status string) exposition.Series {
	return seriesOf(t, ix, id, func(m *emitter) {
		_, _ = (&dcsTask{d: d, task: huaweicloud.DCSTask{Status: huaweicloud.Text(status)}}).metrics(m)
	})
}

// planned runs plan at now and returns the due ids in order and the kept ones.
func planned(m *taskMemory, ids []string, now time.Time, terminal time.Duration) (due, kept []string) {
	order, _ := m.plan(ids, now, terminal, func(i int, _ exposition.Series, _ bool) { kept = append(kept, ids[i]) })
	for _, i := range order {
		due = append(due, ids[i])
	}
	return due, kept
}

// Tasks are read least recently read first, never read ones before all
// (by id among equals); a read that failed counts as a read, a task the
// budget left unread (no note) keeps its turn.
func TestTaskMemoryOrdersLeastRecentlyReadFirst(t *testing.T) {
	var m taskMemory
	ids := []string{"a", "b", "c", "d", "e"}
	if due, kept := planned(&m, ids, t0, time.Hour); !reflect.DeepEqual(due, ids) || kept != nil {
		t.Fatalf("nothing read yet: due %v, kept %v", due, kept)
	}
	good := exposition.Series{}
	m.note("d", t0, &good, false)
	m.note("b", t0.Add(time.Second), nil, false) // read, failed
	m.note("a", t0.Add(2*time.Second), &good, false)
	due, _ := planned(&m, ids, t0.Add(time.Minute), time.Hour)
	if want := []string{"c", "e", "d", "b", "a"}; !reflect.DeepEqual(due, want) {
		t.Errorf("due %v, want %v", due, want)
	}
	// Three scrapes of a budget of two tasks each read every task.
	var m2 taskMemory
	read := map[string]int{}
	for k := range 3 {
		now := t0.Add(time.Duration(k) * time.Minute)
		due, _ := planned(&m2, ids, now, time.Hour)
		for _, id := range due[:min(2, len(due))] {
			m2.note(id, now, &good, false)
			read[id]++
		}
	}
	if want := map[string]int{"a": 2, "b": 1, "c": 1, "d": 1, "e": 1}; !reflect.DeepEqual(read, want) {
		t.Errorf("reads over three scrapes of two: %v, want %v", read, want)
	}
}

// A terminal task is kept (not due) until terminal_interval has passed
// since its good answer; a task whose answer was not terminal is due
// every scrape; a later failed read keeps the terminal answer.
func TestTaskMemoryKeepsTerminalTasksForTheirInterval(t *testing.T) {
	ix := labelIndex{}
	d := newDCS(ix)
	var m taskMemory
	done, running := dcsSeries(t, ix, d, "x", "SUCCESS"), dcsSeries(t, ix, d, "y", "MIGRATING")
	m.note("x", t0, &done, d.terminal(ix.currentState(&done, d.status), &done))
	m.note("y", t0, &running, d.terminal(ix.currentState(&running, d.status), &running))
	ids := []string{"x", "y"}
	for _, c := range []struct {
		after     time.Duration
		due, kept []string
	}{
		{time.Minute, []string{"y"}, []string{"x"}},
		{10*time.Minute - time.Nanosecond, []string{"y"}, []string{"x"}},
		{10 * time.Minute, []string{"x", "y"}, nil},
	} {
		if due, kept := planned(&m, ids, t0.Add(c.after), 10*time.Minute); !reflect.DeepEqual(due, c.due) || !reflect.DeepEqual(kept, c.kept) {
			t.Errorf("after %v: due %v, kept %v; want %v, %v", c.after, due, kept, c.due, c.kept)
		}
	}
	var got exposition.Series
	m.plan([]string{"x"}, t0.Add(time.Minute), 10*time.Minute, func(_ int, s exposition.Series, _ bool) { got = s })
	if len(got.Samples) != len(done.Samples) || &got.Samples[0] != &done.Samples[0] {
		t.Errorf("kept series are not the remembered ones: %d samples", len(got.Samples))
	}
}

// A stale answer is served while younger than max_staleness; a failed
// read does not make the last good answer younger, nor forget it.
func TestTaskMemoryServesStaleAnswersYoungerThanMaxStaleness(t *testing.T) {
	var m taskMemory
	if _, ok := m.stale("a", t0, 5*time.Minute); ok {
		t.Error("an answer for a task never read")
	}
	good := exposition.Series{Samples: make([]exposition.Sample, 3)}
	m.note("a", t0, &good, false)
	m.note("a", t0.Add(time.Minute), nil, false)
	for after, want := range map[time.Duration]bool{0: true, 4 * time.Minute: true, 5*time.Minute - 1: true, 5 * time.Minute: false, time.Hour: false} {
		r, ok := m.stale("a", t0.Add(after), 5*time.Minute)
		if ok != want || ok && (!r.good.Equal(t0) || len(r.series.Samples) != 3) {
			t.Errorf("after %v: %v (read at %v), want %v", after, ok, r.good, want)
		}
	}
	m.note("b", t0, nil, false)
	if _, ok := m.stale("b", t0, 5*time.Minute); ok {
		t.Error("a task never read well has no answer to serve")
	}
	// An answer not worth keeping (an active task, the budget not tight)
	// drops the last good one but counts as a read.
	m.forget("a", t0.Add(2*time.Minute))
	if _, ok := m.stale("a", t0.Add(2*time.Minute), 5*time.Minute); ok || !m.tasks["a"].read.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("after forget: stale %v, %+v", ok, m.tasks["a"])
	}
}

// prune forgets what no scrape read or served within keep: serving a
// kept or stale answer counts as seen.
func TestTaskMemoryPrune(t *testing.T) {
	var m taskMemory
	good := exposition.Series{}
	m.note("gone", t0, &good, false)
	m.note("kept", t0, &good, true)
	m.plan([]string{"kept"}, t0.Add(15*time.Minute), 20*time.Minute, func(int, exposition.Series, bool) {})
	m.prune(t0.Add(25*time.Minute), 20*time.Minute)
	if _, ok := m.tasks["gone"]; ok {
		t.Error("a task seen 25 minutes ago is kept")
	}
	if _, ok := m.tasks["kept"]; !ok {
		t.Error("a task served 10 minutes ago is forgotten")
	}
}

// Each service says which of its states are terminal.
func TestTerminalStates(t *testing.T) {
	ix := labelIndex{}
	cdm := newCDM(ix)
	for _, c := range []struct {
		svc      service
		terminal []string
		active   []string
	}{
		{newDCS(ix), []string{"SUCCESS", "FAILED", "TERMINATED", "RELEASED", "DELETED", "MIGRATION_FAILED"}, []string{"MIGRATING", "INCRMIGRATING", "FULLMIGRATING", "RUNNING", ""}},
		{newSMS(ix), []string{"MIGRATE_SUCCESS", "SYNC_SUCCESS", "MIGRATE_FAIL", "SYNC_FAIL", "ABORT"}, []string{"RUNNING", "SYNCING", "READY", "ABORTING"}},
		{newDRS(ix), []string{"FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_FAILED", "DELETED", "RELEASE_RESOURCE_COMPLETE", "CREATE_FAILED"},
			[]string{"INCRE_TRANSFER_STARTED", "FULL_TRANSFER_STARTED", "NODE_UPGRADE_FAILED", "CHANGE_JOB_FAILED", "NODE_UPGRADE_COMPLETE"}},
		{newOMS(ix), []string{"SUCCEEDED", "FAILED"}, []string{"RUNNING", "PAUSED", "WAITING"}},
		{newOMSGroups(ix), []string{"COMPLETED", "FAILED", "CREATE_FAILED", "DELETED"}, []string{"EXECUTING", "MONITORING", "PAUSED"}},
		{cdm, []string{"SUCCEEDED", "FAILED"}, []string{"RUNNING", "BOOTING", "NEVER_EXECUTED"}},
	} {
		for _, s := range c.terminal {
			if !c.svc.terminal(s, &exposition.Series{}) {
				t.Errorf("%s %s is not terminal", c.svc.module(), s)
			}
		}
		for _, s := range c.active {
			if c.svc.terminal(s, &exposition.Series{}) {
				t.Errorf("%s %q is terminal", c.svc.module(), s)
			}
		}
	}
	incremental := seriesOf(t, ix, "c/j", func(m *emitter) { m.taskGauge(cdm.incremental, 1) })
	if cdm.terminal("SUCCEEDED", &incremental) {
		t.Error("a CDM job whose latest run is incremental is terminal")
	}
}

// A kept series a task read this scrape sends too (a CDM cluster's
// status) is sent once: the fresh one.
func TestDedupeSharedKeepsTheFreshSeries(t *testing.T) {
	ix := labelIndex{}
	d := newCDM(ix)
	job := func(id string, progress float64) exposition.Series {
		return seriesOf(t, ix, id, func(m *emitter) {
			m.taskGauge(d.progress, progress)
			m.task[1] = "cl" // as cdmJob's metrics send it
			m.stateSet(d.clusterStatus, "cluster status", cdmClusterStatusNames, "normal")
			m.task[1] = id
		})
	}
	kept1, kept2, fresh := job("cl/a", 1), job("cl/b", 1), job("cl/c", 0.5)
	group := []polledTask{
		{id: "cl/a", up: true, served: servedTerminal, sharedKept: true, Series: kept1},
		{id: "cl/b", up: true, served: servedStale, sharedKept: true, Series: kept2},
		{id: "cl/c", up: true, Series: fresh},
	}
	dedupeShared(group)
	for i, want := range []int{1, 1, 2} {
		if got := len(group[i].Samples); got != want {
			t.Errorf("%s: %d samples, want %d", group[i].id, got, want)
		}
	}
	if len(kept1.Samples) != 2 {
		t.Error("the remembered series were changed")
	}
	// Without a fresh one, the first kept one keeps it.
	group = []polledTask{{id: "cl/a", up: true, served: servedTerminal, sharedKept: true, Series: kept1},
		{id: "cl/b", up: true, served: servedTerminal, sharedKept: true, Series: kept2}}
	dedupeShared(group)
	if len(group[0].Samples) != 2 || len(group[1].Samples) != 1 {
		t.Errorf("two kept: %d and %d samples, want 2 and 1", len(group[0].Samples), len(group[1].Samples))
	}
}

// The budget of a scrape is the limiter's tokens plus its rate times the
// time left; planning more calls makes it short, and a short budget
// serves slow answers from the cache without calling.
func TestScrapeBudget(t *testing.T) {
	a := &account{limiter: rate.NewLimiter(2, 2), cache: &sharedCache{}}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(10*time.Second))
	defer cancel()
	ctx = withBudgets(ctx, []*account{a}, time.Now())
	b := budgetOf(ctx, a)
	if b == nil || b.possible < 21.9 || b.possible > 22.1 {
		t.Fatalf("budget %+v, want 22 calls possible", b)
	}
	b.plan(10)
	if b.tight() || b.short() {
		t.Error("10 calls of 22 are tight or short")
	}
	b.plan(11)
	if !b.tight() || b.short() {
		t.Error("21 calls of 22 are short, or not tight")
	}
	w := &watched{svc: newSMS(labelIndex{}), account: a, verifyInterval: time.Minute}
	calls := 0
	read := func(context.Context) (int, error) { calls++; return 7, nil }
	if v, err := fetchSlow(ctx, w, "k", read); v != 7 || err != nil || calls != 1 {
		t.Fatalf("first read: %v %v, %d calls", v, err, calls)
	}
	b.plan(2)
	if !b.short() {
		t.Error("23 calls of 22 are not short")
	}
	a.cache.cache["sms k"] = cached{at: time.Now().Add(-time.Hour), val: 7, interval: time.Minute} // long expired
	if v, err := fetchSlow(ctx, w, "k", read); v != 7 || err != nil || calls != 1 {
		t.Errorf("short budget: %v %v, %d calls; want the last good answer without a call", v, err, calls)
	}
	if v, err := fetchSlow(ctx, w, "never", read); v != 0 || err != nil || calls != 1 {
		t.Errorf("short budget, nothing cached: %v %v, %d calls", v, err, calls)
	}
	if budgetOf(context.Background(), a).short() || budgetOf(context.Background(), a).tight() || withBudgets(context.Background(), []*account{a}, time.Now()) != context.Background() {
		t.Error("a scrape without a deadline has a budget")
	}
}

// A free worker takes the queued call of the least recently read task
// first, the cheaper task first among equals, then the one submitted
// first: whatever service submitted it.
func TestPoolRunsTheLeastRecentlyReadFirst(t *testing.T) {
	p := newPool(context.Background(), 1)
	release := make(chan struct{})
	var order []string
	p.submit(jobKey{}, func(context.Context) { <-release }) // holds the only worker
	for _, j := range []struct {
		name string
		key  jobKey
	}{
		{"read late", jobKey{read: t0.Add(time.Minute)}},
		{"dcs, never read", jobKey{cost: 2}},
		{"read early", jobKey{read: t0}},
		{"sms, never read", jobKey{cost: 1}},
		{"dcs, never read, second call", jobKey{cost: 2}},
	} {
		p.submit(j.key, func(context.Context) { order = append(order, j.name) })
	}
	close(release)
	p.wait()
	want := []string{"sms, never read", "dcs, never read", "dcs, never read, second call", "read early", "read late"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// A call's key: its tasks' least recent read, its first task's cost in
// calls (a call shared by n tasks counts 1/n each).
func TestCallKeys(t *testing.T) {
	read := []time.Time{t0.Add(time.Minute), t0, {}}
	calls := []call{{first: 0, n: 3}, {first: 0, n: 1}, {first: 1, n: 1}, {first: 1, n: 1}, {first: 2, n: 1}, {first: 0, n: 0}}
	keys := callKeys(calls, read)
	third := 1 / float64(3) // summed as callKeys sums, in float64
	one, two := third+1, third+1+1
	want := []jobKey{{read: time.Time{}, cost: one}, {read: t0.Add(time.Minute), cost: one}, {read: t0, cost: two},
		{read: t0, cost: two}, {read: time.Time{}, cost: one}, {}}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %+v\nwant %+v", keys, want)
	}
}
