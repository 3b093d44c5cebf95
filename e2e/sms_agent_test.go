package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// agentBase is the start of the agent tests' simulated clock.
var agentBase = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// The agent tests' tasks: one moving through its phases whose agent is
// away from 5m to 11m, fixed ones whose source server is cutovered, in a
// phase SMS does not document, or not in the list.
const (
	smsMoving   = "sms-moving"
	smsCutover  = "sms-cutover"
	smsOddCycle = "sms-odd-cycle"
	smsUnlisted = "sms-unlisted"
)

// agentTasks adds the agent tests' tasks and extra servers to sim: with
// the 450 servers no task migrates, the list is 453 servers, three pages.
func agentTasks(sim *simulator.Server, extra int) {
	sim.AddSMSTask(simulator.SMSTask{ID: smsMoving, Name: "moving", SourceServer: "moving", TargetServer: "ecs-moving",
		Movement: simulator.SMSMovement{CopyDuration: 20 * time.Minute},
		Agent:    simulator.SMSAgent{Outages: []simulator.Outage{{From: 5 * time.Minute, To: 11 * time.Minute}}}})
	cut := fixedSMSTask(smsCutover, simulator.SizesAtTopLevel)
	cut.Agent = simulator.SMSAgent{Cycle: "cutovered", CycleEnteredMs: 1795000000000}
	sim.AddSMSTask(cut)
	odd := fixedSMSTask(smsOddCycle, simulator.SizesAtTopLevel)
	odd.Agent = simulator.SMSAgent{Cycle: "someNewPhase", Disconnected: true}
	sim.AddSMSTask(odd)
	unlisted := fixedSMSTask(smsUnlisted, simulator.SizesAtTopLevel)
	unlisted.Agent = simulator.SMSAgent{Unlisted: true}
	sim.AddSMSTask(unlisted)
	for i := range extra {
		sim.AddSMSSource(simulator.SMSSource{ID: fmt.Sprintf("src-x%03d", i), Name: "idle", Agent: simulator.SMSAgent{Cycle: "checking", CycleEnteredMs: 1795000000000}})
	}
}

// expectAgent asserts a task's agent and cycle series: connected, the
// phase at 1 and every other known one at 0, and when it was entered
// (seconds; 0: no such series).
func expectAgent(t *testing.T, r scrapetest.Result, id string, connected float64, cycle string, entered float64) {
	t.Helper()
	task := []string{"account", "e2e", "task_id", id}
	r.Expect(t, connected, "sms_migration_agent_connected", task...)
	for _, c := range []string{"checking", "setting", "replicating", "syncing", "cutovering", "cutovered"} {
		want := 0.0
		if c == cycle {
			want = 1
		}
		r.Expect(t, want, "sms_migration_cycle", append(task, "cycle", c)...)
	}
	r.Expect(t, 1, "sms_migration_cycle", append(task, "cycle", cycle)...)
	if n := len(r.Series("sms_migration_cycle", task...)); n != 6 && n != 7 {
		t.Errorf("%s: %d cycle series", id, n)
	}
	if entered == 0 {
		r.ExpectAbsent(t, "sms_migration_cycle_entered_timestamp_seconds", task...)
		return
	}
	r.Expect(t, entered, "sms_migration_cycle_entered_timestamp_seconds", task...)
}

// expectNoAgent asserts that a task is up with its other series and none
// from the source server list.
func expectNoAgent(t *testing.T, r scrapetest.Result, id string) {
	t.Helper()
	r.Expect(t, 1, "sms_migration_up", "task_id", id)
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", id, "subtask", "MIGRATE_LINUX_FILE")
	for _, name := range []string{"sms_migration_agent_connected", "sms_migration_cycle", "sms_migration_cycle_entered_timestamp_seconds"} {
		r.ExpectAbsent(t, name, "task_id", id)
	}
}

// The agent and lifecycle series, over /metrics and /probe?module=sms,
// with exact values, numbers as JSON numbers and as strings: the list of
// 453 servers is read in three pages once for the account's tasks, a
// second scrape and a probe within verify_interval read no list, and a
// task whose server is not in the list keeps its other series.
func TestEndToEndSMSAgentAndLifecycle(t *testing.T) {
	t.Parallel()
	for _, asStrings := range []bool{false, true} {
		t.Run(fmt.Sprintf("strings=%v", asStrings), func(t *testing.T) {
			t.Parallel()
			clock := newSimClock(agentBase)
			sim := startClockedSimulator(t, asStrings, clock)
			clock.set(3 * time.Minute) // moving: copying since 2m30s
			agentTasks(sim, 450)
			exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
				smsConfig(smsMoving, smsCutover, smsOddCycle, smsUnlisted)+"      verify_interval: 1h\n"))
			entered := float64(agentBase.Unix()) + 150 // the task started at agentBase: copying from 2m30s
			check := func(r scrapetest.Result) {
				t.Helper()
				expectAgent(t, r, smsMoving, 1, "replicating", entered)
				expectAgent(t, r, smsCutover, 1, "cutovered", 1795000000)
				expectAgent(t, r, smsOddCycle, 0, "someNewPhase", 0)
				expectNoAgent(t, r, smsUnlisted)
			}
			r := exp.scrape(t, nil)
			check(r)
			if n := sim.Requests("ListServers", simulator.SMSSourcesList); n != 3 {
				t.Errorf("%d list calls for 453 servers, want 3", n)
			}
			r.Expect(t, 3, "migration_exporter_api_requests_total", "api", "sms", "operation", "ListServers", "code", "200")
			check(exp.scrape(t, nil))
			p := scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsMoving), nil)
			expectAgent(t, p, smsMoving, 1, "replicating", entered)
			expectNoAgent(t, scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsUnlisted), nil), smsUnlisted)
			if n := sim.Requests("ListServers", simulator.SMSSourcesList); n != 3 {
				t.Errorf("%d list calls after two scrapes and two probes within verify_interval, want 3", n)
			}
		})
	}
}

// The agent disconnects and reconnects, and the task moves through its
// phases, on the simulated clock: with a short verify_interval each scrape
// and probe reads the list again and shows exactly where the task is.
func TestEndToEndSMSAgentDisconnectsAndReconnects(t *testing.T) {
	t.Parallel()
	clock := newSimClock(agentBase)
	sim := startClockedSimulator(t, false, clock)
	agentTasks(sim, 0)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		smsConfig(smsMoving)+"      verify_interval: 1ms\n"))
	start := float64(agentBase.Unix())
	for _, c := range []struct {
		at        time.Duration
		connected float64
		cycle     string
		entered   float64
	}{
		{0, 1, "setting", start},
		{4 * time.Minute, 1, "replicating", start + 150},
		{5 * time.Minute, 0, "replicating", start + 150},
		{10 * time.Minute, 0, "replicating", start + 150},
		{11 * time.Minute, 1, "replicating", start + 150},
		{23 * time.Minute, 1, "syncing", start + 1350},
		{25 * time.Minute, 1, "cutovering", start + 1470},
		{27 * time.Minute, 1, "cutovered", start + 1560},
	} {
		clock.set(c.at)
		time.Sleep(2 * time.Millisecond) // verify_interval has passed
		expectAgent(t, exp.scrape(t, nil), smsMoving, c.connected, c.cycle, c.entered)
		time.Sleep(2 * time.Millisecond)
		expectAgent(t, scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsMoving), nil), smsMoving, c.connected, c.cycle, c.entered)
	}
}

// A list that fails keeps the last good one: the tasks keep every series,
// their agent and cycle series with the last good values, and the error is
// counted once; the next good list is used at once.
func TestEndToEndSMSFailingSourceListKeepsTheLastGoodOne(t *testing.T) {
	t.Parallel()
	clock := newSimClock(agentBase)
	sim := startClockedSimulator(t, false, clock)
	clock.set(3 * time.Minute)
	agentTasks(sim, 0)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		smsConfig(smsMoving, smsCutover)+"      verify_interval: 2s\n"))
	replicating := float64(agentBase.Unix()) + 150
	r := exp.scrape(t, nil)
	expectAgent(t, r, smsMoving, 1, "replicating", replicating)

	clock.set(6 * time.Minute) // the agent is away now
	sim.SetFault(simulator.SMSSourcesList, simulator.Fault{Kind: simulator.FaultServerError})
	time.Sleep(2100 * time.Millisecond) // the list is due again
	r = exp.scrape(t, nil)
	expectAgent(t, r, smsMoving, 1, "replicating", replicating)
	expectAgent(t, r, smsCutover, 1, "cutovered", 1795000000)
	r.Expect(t, 1, "sms_migration_up", "task_id", smsMoving)
	r.Expect(t, 1, "sms_migration_up", "task_id", smsCutover)
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", smsCutover, "subtask", "MIGRATE_LINUX_FILE")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "http_5xx")

	sim.SetFault(simulator.SMSSourcesList, simulator.Fault{})
	r = exp.scrape(t, nil) // a failed list is not cached: this one lists
	expectAgent(t, r, smsMoving, 0, "replicating", replicating)
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "http_5xx")
}

// A list that repeats its first page, or pages for ever, is stopped (at
// the second page; at 100 pages) and counted as an error; the tasks keep
// their other series.
func TestEndToEndSMSSourceListPagingIsBounded(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		mode  simulator.SMSSourcesPaging
		calls int
	}{{"repeats a page", simulator.PagingRepeat, 2}, {"pages for ever", simulator.PagingForever, 100}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sim := startSimulator(t, false)
			sim.AddSMSTask(fixedSMSTask(smsTask, simulator.SizesAtTopLevel))
			for i := range 250 {
				sim.AddSMSSource(simulator.SMSSource{ID: fmt.Sprintf("src-x%03d", i)})
			}
			sim.SetSMSSourcesPaging(c.mode)
			exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
				"    requests_per_second: 5000\n"+smsConfig(smsTask)))
			r := exp.scrape(t, nil)
			expectNoAgent(t, r, smsTask)
			r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "decode")
			if n := sim.Requests("ListServers", simulator.SMSSourcesList); n != c.calls {
				t.Errorf("%d list calls, want %d", n, c.calls)
			}
		})
	}
}

// The API calls a scrape makes per SMS task, from the simulator's request
// counters: 10 tasks, whose 10 source servers are one page of the list.
// The first scrape reads each task (ShowTask) and its consistency checks,
// and the account's list once; a scrape within verify_interval reads each
// task only, as before the list: one call per task.
func TestEndToEndSMSCallsPerScrape(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	var ids []string
	for i := range 10 {
		id := fmt.Sprintf("sms-%02d", i)
		ids = append(ids, id)
		sim.AddSMSTask(fixedSMSTask(id, simulator.SizesAtTopLevel))
	}
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, smsConfig(ids...)))
	count := func() (show, checks, lists int) {
		for _, id := range ids {
			show += sim.Requests("ShowTask", id)
			checks += sim.Requests("ShowConsistencyResult", id)
		}
		return show, checks, sim.Requests("ListServers", simulator.SMSSourcesList)
	}
	r := exp.scrape(t, nil)
	for _, id := range ids {
		r.Expect(t, 1, "sms_migration_agent_connected", "task_id", id)
	}
	show, checks, lists := count()
	if show != 10 || checks != 10 || lists != 1 {
		t.Errorf("first scrape: %d ShowTask, %d ShowConsistencyResult, %d ListServers, want 10, 10, 1", show, checks, lists)
	}
	t.Logf("first scrape: %.1f calls per task (%d ShowTask, %d ShowConsistencyResult, %d ListServers)", float64(show+checks+lists)/10, show, checks, lists)
	exp.scrape(t, nil)
	show2, checks2, lists2 := count()
	if show2-show != 10 || checks2 != checks || lists2 != lists {
		t.Errorf("second scrape: %d ShowTask, %d ShowConsistencyResult, %d ListServers, want 10, 0, 0",
			show2-show, checks2-checks, lists2-lists)
	}
	t.Logf("a scrape within verify_interval: %.1f calls per task", float64(show2-show+checks2-checks+lists2-lists)/10)
}
