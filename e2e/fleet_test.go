package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// A task in a terminal state is read once per terminal_interval and
// served from that answer in between, its series unchanged and its up 1;
// a task that leaves its terminal state is seen once the interval has
// passed; an active task is read every scrape.
func TestEndToEndTerminalTasksAreReadOncePerTerminalInterval(t *testing.T) {
	t.Parallel()
	const done, live = "task-done", "task-live"
	sim := startSimulator(t, false)
	finished := fixedTask(done)
	finished.Status = "SUCCESS"
	sim.AddDCSTask(finished)
	sim.AddDCSTask(fixedTask(live))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      terminal_interval: 3s\n      task_ids: ["+done+", "+live+"]\n"))
	reads := func(id string) int { return sim.Requests("ShowMigrationTaskStats", id) }
	expect := func(r scrapetest.Result, status string, doneReads, liveReads int) {
		t.Helper()
		if d, l := reads(done), reads(live); d != doneReads || l != liveReads {
			t.Errorf("stats calls: %s %d, %s %d; want %d, %d", done, d, live, l, doneReads, liveReads)
		}
		r.Expect(t, 1, "dcs_migration_up", "task_id", done)
		r.Expect(t, 1, "dcs_migration_task_status", "task_id", done, "status", status)
		r.Expect(t, 42.5/100, "dcs_migration_full_progress_ratio", "task_id", done)
		r.Expect(t, 1, "dcs_migration_up", "task_id", live)
	}
	start := time.Now()
	expect(exp.scrape(t, nil), "SUCCESS", 1, 1)
	expect(exp.scrape(t, nil), "SUCCESS", 1, 2)
	// The sync is started again: not seen within the interval.
	finished.Status = "MIGRATING"
	sim.AddDCSTask(finished)
	r := exp.scrape(t, nil)
	expect(r, "SUCCESS", 1, 3)
	r.Expect(t, 0, "migration_exporter_task_stale", "api", "dcs")
	if time.Since(start) >= 3*time.Second {
		t.Fatal("the machine is too slow for this test: three scrapes took 3 s")
	}
	time.Sleep(3*time.Second + 200*time.Millisecond - time.Since(start)) // past the interval since scrape 1 read it
	expect(exp.scrape(t, nil), "MIGRATING", 2, 4)
	expect(exp.scrape(t, nil), "MIGRATING", 3, 5) // active again: every scrape
	if strings.Contains(exp.Logs.String(), "task is down") {
		t.Errorf("a task went down:\n%s", exp.Logs)
	}
}

// When the account's rate lets a scrape start fewer calls than it needs
// before its deadline, the tasks read least recently go first (so that
// three scrapes of one call each read all three tasks), a task left unread
// is served from its last good answer while that is younger than
// max_staleness (counted in migration_exporter_task_stale) and is down
// with reason throttled_budget without one; each scrape logs one line for
// the shortfall, none per task.
func TestEndToEndBudgetShortfallRotatesAndServesStale(t *testing.T) {
	t.Parallel()
	ids := []string{"task-a", "task-b", "task-c"}
	sim := startDCS(t, ids...)
	// One token a second, none saved up beyond one; a scrape of 600 ms
	// can start one call (its stats, or its details: one worker sends the
	// calls in plan order, a task's stats first).
	exp := startExporter(t, "--api.concurrency=1", "--scrape.timeout=600ms", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 1\n    max_staleness: 1500ms\n    dcs:\n      task_ids: ["+strings.Join(ids, ", ")+"]\n"))
	type want struct {
		read          string
		up            map[string]float64
		stale, errors float64
	}
	start := time.Now()
	for k, w := range []want{
		// Every task new: a first (by id), b and c down.
		{"task-a", map[string]float64{"task-a": 1, "task-b": 0, "task-c": 0}, 0, 3},
		// b and c were never read: b; a is served from its answer of 1.1 s ago.
		{"task-b", map[string]float64{"task-a": 1, "task-b": 1, "task-c": 0}, 1, 5},
		// c; b's answer is 1.1 s old (stale), a's 2.2 s: older than max_staleness.
		{"task-c", map[string]float64{"task-a": 0, "task-b": 1, "task-c": 1}, 1, 7},
	} {
		time.Sleep(time.Until(start.Add(time.Duration(k) * 1100 * time.Millisecond)))
		r := exp.scrape(t, nil)
		for _, id := range ids {
			n := 0
			if id <= w.read {
				n = 1
			}
			if got := sim.Requests("ShowMigrationTaskStats", id); got != n {
				t.Errorf("scrape %d: %d stats calls for %s, want %d", k+1, got, id, n)
			}
			r.Expect(t, w.up[id], "dcs_migration_up", "task_id", id)
		}
		r.Expect(t, w.stale, "migration_exporter_task_stale", "api", "dcs")
		r.Expect(t, w.errors, "migration_exporter_task_errors_total", "api", "dcs", "reason", "throttled_budget")
		r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "timeout")
	}
	logs := exp.Logs.String()
	if n := strings.Count(logs, "API budget ran out"); n != 3 {
		t.Errorf("%d shortfall lines in three scrapes, want 3:\n%s", n, logs)
	}
	for _, line := range []string{"tasks_due=3 read=1 served_stale=0 down_throttled=2", "tasks_due=3 read=1 served_stale=1 down_throttled=1",
		"tasks_due=3 read=1 served_stale=1 down_throttled=1"} {
		if !strings.Contains(logs, line) {
			t.Errorf("no shortfall line with %q:\n%s", line, logs)
		}
	}
	if strings.Contains(logs, "task is down") {
		t.Errorf("a line per task:\n%s", logs)
	}
}

// The last call a short scrape starts, just before its deadline, runs
// out of time: the task is served from its young answer, not down with
// a "task is down" line of its own.
func TestEndToEndBudgetShortfallServesATimedOutTaskStale(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, "task-a")
	// One token a second; a 600 ms scrape starts one of the task's two
	// calls (its stats) and refuses the other.
	exp := startExporter(t, "--api.concurrency=1", "--scrape.timeout=600ms", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 1\n    dcs:\n      task_ids: [task-a]\n"))
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "dcs_migration_up", "task_id", "task-a")
	r.Expect(t, 42.5/100, "dcs_migration_full_progress_ratio", "task_id", "task-a")
	sim.SetFault("task-a", simulator.Fault{Latency: 5 * time.Second})
	time.Sleep(1100 * time.Millisecond)
	r = exp.scrape(t, nil)
	r.Expect(t, 1, "dcs_migration_up", "task_id", "task-a")
	r.Expect(t, 42.5/100, "dcs_migration_full_progress_ratio", "task_id", "task-a")
	r.Expect(t, 1, "migration_exporter_task_stale", "api", "dcs")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "timeout")
	if strings.Contains(exp.Logs.String(), "task is down") {
		t.Errorf("the task went down:\n%s", exp.Logs)
	}
}
