package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const smsTask = "8d2f6c1e-3b4a-4c5d-9e8f-7a6b5c4d3e2f"

// fixedSMSTask reports fixed values, so every metric can be asserted.
func fixedSMSTask(id string, sizes simulator.SizesPlacement) simulator.SMSTask {
	return simulator.SMSTask{
		ID: id, Name: "web-01-to-ecs", Type: "MIGRATE_FILE", OSType: "LINUX",
		SourceServer: "web-01", TargetServer: "ecs-web-01", SizesIn: sizes,
		Progress: &simulator.SMSProgress{
			State: "RUNNING",
			SubTasks: []simulator.SMSSubTask{
				{Name: "CREATE_CLOUD_SERVER", Progress: 100, StartMs: 1795000000000, EndMs: 1795000060000},
				{Name: "MIGRATE_LINUX_FILE", Progress: 45, StartMs: 1795000060000, SpeedMbps: 80},
				{Name: "SYNC_LINUX_FILE", Progress: 0},
			},
			AgentReported:    true,
			MigrateSpeedMbps: 80, CompressRate: 0.65, RemainSeconds: 1200, EstimateCompleteMs: 1795001260000,
			TotalCPUPercent: 35, AgentCPUPercent: 7.5, TotalMemMB: 3072, AgentMemMB: 180,
			TotalDiskIOMbps: 88, AgentDiskIOMbps: 80,
			ReplicateSize: 48318382080, TotalSize: 107374182400,
			CurrentSubTask: "MIGRATE_LINUX_FILE", CurrentSubTaskProgress: 45,
		},
	}
}

func smsConfig(ids ...string) string {
	return "    sms:\n      task_ids: [" + strings.Join(ids, ", ") + "]\n"
}

func TestEndToEndSMSMetricsHaveExactValues(t *testing.T) {
	t.Parallel()
	placements := map[string]simulator.SizesPlacement{
		"sizes in subtask_info": simulator.SizesInSubtaskInfo,
		"sizes at top level":    simulator.SizesAtTopLevel,
		"sizes in sub_tasks":    simulator.SizesInSubTasks,
	}
	for _, asStrings := range []bool{false, true} {
		for name, placement := range placements {
			t.Run(fmt.Sprintf("strings=%v/%s", asStrings, name), func(t *testing.T) {
				sim := startSimulator(t, asStrings)
				sim.AddSMSTask(fixedSMSTask(smsTask, placement))
				exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, smsConfig(smsTask)))
				r := exp.scrape(t, nil)

				task := []string{"account", "e2e", "task_id", smsTask}
				r.Expect(t, 1, "sms_migration_up", task...)
				r.Expect(t, 1, "sms_migration_task_info", append(task, "task_name", "web-01-to-ecs", "type", "MIGRATE_FILE",
					"os_type", "LINUX", "source_server", "web-01", "target_server", "ecs-web-01")...)
				r.Expect(t, 1, "sms_migration_task_state", append(task, "state", "RUNNING")...)
				r.Expect(t, 0, "sms_migration_task_state", append(task, "state", "MIGRATE_FAIL")...)
				r.Expect(t, 1, "sms_migration_subtask_progress_ratio", append(task, "subtask", "CREATE_CLOUD_SERVER")...)
				r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", append(task, "subtask", "MIGRATE_LINUX_FILE")...)
				r.Expect(t, 0, "sms_migration_subtask_progress_ratio", append(task, "subtask", "SYNC_LINUX_FILE")...)
				r.Expect(t, 80*125000, "sms_migration_speed_bytes_per_second", task...)
				r.Expect(t, 0.65, "sms_migration_compress_ratio", task...)
				r.Expect(t, 1200, "sms_migration_remaining_seconds", task...)
				r.Expect(t, 1795001260, "sms_migration_estimated_completion_timestamp_seconds", task...)
				r.Expect(t, 48318382080, "sms_migration_replicated_bytes", task...)
				r.Expect(t, 107374182400, "sms_migration_total_bytes", task...)
				r.Expect(t, 0.35, "sms_migration_source_cpu_usage_ratio", task...)
				r.Expect(t, 0.075, "sms_migration_agent_cpu_usage_ratio", task...)
				r.Expect(t, 3072*1048576, "sms_migration_source_memory_usage_bytes", task...)
				r.Expect(t, 180*1048576, "sms_migration_agent_memory_usage_bytes", task...)
				r.Expect(t, 88*125000, "sms_migration_source_disk_io_bytes_per_second", task...)
				r.Expect(t, 80*125000, "sms_migration_agent_disk_io_bytes_per_second", task...)
				// MIGRATE_LINUX_FILE's start: SYNC_LINUX_FILE has not started.
				r.Expect(t, 1795000060, "sms_migration_sync_started_timestamp_seconds", task...)
				r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "sms", "operation", "ShowTask", "code", "200")
			})
		}
	}
}

func TestEndToEndSMSFieldsNotReportedYetAreOmitted(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	task := fixedSMSTask(smsTask, simulator.SizesInSubtaskInfo)
	task.Progress.AgentReported = false
	sim.AddSMSTask(task)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, smsConfig(smsTask)))
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "sms_migration_up", "task_id", smsTask)
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", smsTask, "subtask", "MIGRATE_LINUX_FILE")
	// The running subtask's own speed stands in for the missing top-level one.
	r.Expect(t, 80*125000, "sms_migration_speed_bytes_per_second", "task_id", smsTask)
	for _, name := range []string{"sms_migration_compress_ratio", "sms_migration_remaining_seconds",
		"sms_migration_estimated_completion_timestamp_seconds", "sms_migration_replicated_bytes", "sms_migration_total_bytes",
		"sms_migration_source_cpu_usage_ratio", "sms_migration_agent_cpu_usage_ratio", "sms_migration_source_memory_usage_bytes",
		"sms_migration_agent_memory_usage_bytes", "sms_migration_source_disk_io_bytes_per_second", "sms_migration_agent_disk_io_bytes_per_second"} {
		r.ExpectAbsent(t, name, "task_id", smsTask)
	}
}

func TestEndToEndSMSFaults(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddSMSTask(fixedSMSTask(smsTask, simulator.SizesAtTopLevel))
	sim.AddSMSTask(fixedSMSTask("sms-broken", simulator.SizesAtTopLevel))
	sim.AddSMSTask(fixedSMSTask("sms-throttled", simulator.SizesAtTopLevel))
	sim.SetFault("sms-broken", simulator.Fault{Kind: simulator.FaultMalformed})
	sim.SetFault("sms-throttled", simulator.Fault{Kind: simulator.FaultThrottled})
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		smsConfig(smsTask, "sms-broken", "sms-throttled", "sms-gone")))
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "sms_migration_up", "task_id", smsTask)
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", smsTask, "subtask", "MIGRATE_LINUX_FILE")
	for _, id := range []string{"sms-broken", "sms-throttled", "sms-gone"} {
		r.Expect(t, 0, "sms_migration_up", "task_id", id)
		r.ExpectAbsent(t, "sms_migration_task_info", "task_id", id)
	}
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "decode")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "throttled")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "not_found")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "not_found")
}

func TestEndToEndDiscoveryAcrossPages(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	const nDCS, nSMS = 250, 230 // three pages of 100 each
	for i := range nDCS {
		sim.AddDCSTask(fixedTask("dcs-" + strconv.Itoa(i)))
	}
	for i := range nSMS {
		sim.AddSMSTask(fixedSMSTask("sms-"+strconv.Itoa(i), simulator.SizesInSubtaskInfo))
	}
	// dcs-7 is also configured explicitly: it must be polled once. 730
	// calls a scrape would take 36s at the default 20 requests/s.
	exp := startExporter(t, "--api.concurrency=32", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 5000\n    dcs:\n      task_ids: [dcs-7]\n      discover: true\n    sms:\n      discover: true\n"))
	r := exp.scrape(t, nil)
	if n := len(r.Series("dcs_migration_up")); n != nDCS {
		t.Errorf("%d DCS tasks exported, want %d", n, nDCS)
	}
	if n := len(r.Series("sms_migration_up")); n != nSMS {
		t.Errorf("%d SMS tasks exported, want %d", n, nSMS)
	}
	r.Expect(t, 1, "dcs_migration_up", "task_id", "dcs-249")
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", "sms-229", "subtask", "MIGRATE_LINUX_FILE")
	r.Expect(t, nDCS, "migration_exporter_discovered_tasks", "account", "e2e", "api", "dcs")
	r.Expect(t, nSMS, "migration_exporter_discovered_tasks", "account", "e2e", "api", "sms")
	if got := sim.Requests("ListMigrationTask", ""); got != 3 {
		t.Errorf("DCS list called %d times, want 3 pages", got)
	}
	if got := sim.Requests("ListTasks", ""); got != 3 {
		t.Errorf("SMS list called %d times, want 3 pages", got)
	}
	if got := sim.Requests("ShowMigrationTaskStats", "dcs-7"); got != 1 {
		t.Errorf("dcs-7 polled %d times in one scrape, want 1", got)
	}

	// Within discovery_interval (default 5m) the list is not fetched again.
	exp.scrape(t, nil)
	if got := sim.Requests("ListMigrationTask", ""); got != 3 {
		t.Errorf("DCS list called %d times after a second scrape, want still 3", got)
	}
}

func TestEndToEndDiscoveredTaskThatDisappearsIsDropped(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, "dcs-a", "dcs-b")
	sim.AddSMSTask(fixedSMSTask("sms-a", simulator.SizesAtTopLevel))
	sim.AddSMSTask(fixedSMSTask("sms-b", simulator.SizesAtTopLevel))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      discover: true\n      discovery_interval: 1ms\n    sms:\n      discover: true\n      discovery_interval: 1ms\n"))
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "dcs_migration_up", "task_id", "dcs-b")
	r.Expect(t, 1, "sms_migration_up", "task_id", "sms-b")

	sim.RemoveDCSTask("dcs-b")
	sim.RemoveSMSTask("sms-b")
	r = exp.scrape(t, nil)
	r.ExpectAbsent(t, "dcs_migration_up", "task_id", "dcs-b")
	r.ExpectAbsent(t, "sms_migration_up", "task_id", "sms-b")
	r.Expect(t, 1, "dcs_migration_up", "task_id", "dcs-a")
	r.Expect(t, 1, "sms_migration_up", "task_id", "sms-a")

	// A failing list keeps the last good one and counts the error.
	sim.SetFault("", simulator.Fault{Kind: simulator.FaultServerError})
	r = exp.scrape(t, nil)
	r.Expect(t, 1, "dcs_migration_up", "task_id", "dcs-a")
	r.Expect(t, 1, "sms_migration_up", "task_id", "sms-a")
	r.Expect(t, 1, "migration_exporter_discovery_errors_total", "api", "dcs", "reason", "http_5xx")
	r.Expect(t, 1, "migration_exporter_discovery_errors_total", "api", "sms", "reason", "http_5xx")
	r.Expect(t, 1, "migration_exporter_discovered_tasks", "account", "e2e", "api", "dcs")
}

// The demo's SMS tasks and their consistency checks, one in each shape.
const (
	smsNeverChecked = "5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01" // web-01: never checked
	smsObjects      = "6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12" // db-02: result_list of objects, newest first
	smsFlat         = "7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23" // win-03: the flat shape
	smsStrings      = "8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34" // app-04: result_list of strings
	smsUnknown      = "9c5a4e1f-5b6c-4d74-9e8f-9a0b1c2d3e45" // no such task: 404
)

// The consistency checks, scraped over HTTP from the simulator in each of
// the three shapes, with exact values; /metrics and /probe read them once
// per verify_interval between them; a task never checked has no such
// series and is up; an unknown task is down and its checks are not asked
// for.
func TestEndToEndSMSConsistencyChecks(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddDemoTasks()
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		smsConfig(smsNeverChecked, smsObjects, smsFlat, smsStrings, smsUnknown)))
	files := func(r scrapetest.Result, id string, checked, different, missing, extra float64) {
		t.Helper()
		for outcome, want := range map[string]float64{"checked": checked, "different": different, "missing_on_target": missing, "extra_on_target": extra} {
			r.Expect(t, want, "sms_migration_consistency_files", "account", "e2e", "task_id", id, "outcome", outcome)
		}
	}
	checkObjects := func(r scrapetest.Result) {
		t.Helper()
		// The newest check, first in the list: the older one is not used.
		r.Expect(t, 1795433000, "sms_migration_consistency_checked_timestamp_seconds", "account", "e2e", "task_id", smsObjects)
		files(r, smsObjects, 1500, 2, 4, 1)
		r.Expect(t, 1, "sms_migration_consistency_result", "account", "e2e", "task_id", smsObjects, "result", "FINISHED")
	}
	check := func(r scrapetest.Result) {
		t.Helper()
		checkObjects(r)
		// The flat shape has no check_result: no result series.
		r.Expect(t, 1795400000, "sms_migration_consistency_checked_timestamp_seconds", "task_id", smsFlat)
		files(r, smsFlat, 5000, 40, 7, 2)
		r.ExpectAbsent(t, "sms_migration_consistency_result", "task_id", smsFlat)
		r.Expect(t, 1795434000, "sms_migration_consistency_checked_timestamp_seconds", "task_id", smsStrings)
		files(r, smsStrings, 8410, 0, 0, 0)
		r.Expect(t, 1, "sms_migration_consistency_result", "task_id", smsStrings, "result", "FINISHED")
		for _, id := range []string{smsNeverChecked, smsUnknown} {
			for _, name := range []string{"sms_migration_consistency_checked_timestamp_seconds", "sms_migration_consistency_files", "sms_migration_consistency_result"} {
				r.ExpectAbsent(t, name, "task_id", id)
			}
		}
	}
	r := exp.scrape(t, nil)
	check(r)
	for _, id := range []string{smsNeverChecked, smsObjects, smsFlat, smsStrings} {
		r.Expect(t, 1, "sms_migration_up", "task_id", id)
	}
	r.Expect(t, 0, "sms_migration_up", "task_id", smsUnknown)
	check(exp.scrape(t, nil))
	checkObjects(scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsObjects), nil))
	for _, id := range []string{smsNeverChecked, smsObjects, smsFlat, smsStrings} {
		if n := sim.Requests("ShowConsistencyResult", id); n != 1 {
			t.Errorf("%s: %d consistency calls in two scrapes and a probe within verify_interval, want 1", id, n)
		}
	}
	if n := sim.Requests("ShowConsistencyResult", smsUnknown); n != 0 {
		t.Errorf("the unknown task's checks were asked for %d times", n)
	}
	r = exp.scrape(t, nil)
	r.Expect(t, 4, "migration_exporter_api_requests_total", "api", "sms", "operation", "ShowConsistencyResult", "code", "200")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "sms", "reason", "decode")
}

// The start of the latest subtask that copies data, for each demo task on
// a frozen clock: web-01's full copy (started 30 s ago, no sync yet),
// db-02's sync (30 s ago too), win-03's full copy (failed before any
// sync) and app-04's sync, listed after its full copy.
func TestEndToEndSMSSyncStarted(t *testing.T) {
	t.Parallel()
	srv := startClockedSimulator(t, false, newSimClock(time.Unix(1_795_500_000, 0)))
	srv.AddDemoTasks()
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), srv.URL, testSK,
		smsConfig(smsNeverChecked, smsObjects, smsFlat, smsStrings, smsUnknown)))
	r := exp.scrape(t, nil)
	r.Expect(t, 1_795_499_970, "sms_migration_sync_started_timestamp_seconds", "account", "e2e", "task_id", smsNeverChecked)
	r.Expect(t, 1_795_499_970, "sms_migration_sync_started_timestamp_seconds", "account", "e2e", "task_id", smsObjects)
	r.Expect(t, 1_795_390_060, "sms_migration_sync_started_timestamp_seconds", "account", "e2e", "task_id", smsFlat)
	r.Expect(t, 1_795_430_000, "sms_migration_sync_started_timestamp_seconds", "account", "e2e", "task_id", smsStrings)
	r.ExpectAbsent(t, "sms_migration_sync_started_timestamp_seconds", "task_id", smsUnknown)
}
