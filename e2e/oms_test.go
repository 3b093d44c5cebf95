package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	omsTaskID  = "220621019041293"
	omsGroupID = "0f2a6a4e-1c9d-4b1e-9d0a-1b2c3d4e5f60"
)

// fixedOMSTask reports fixed values, so every metric can be asserted: a
// task of a group, 52.2 % through, its source still being listed.
func fixedOMSTask(id string) simulator.OMSTask {
	return simulator.OMSTask{
		ID: id, Name: "logs-s3-to-obs", TaskType: "prefix", GroupID: omsGroupID,
		SourceBucket: "prod-logs", SourceCloud: "AWS", TargetBucket: "obs-prod-logs",
		Progress: &simulator.OMSProgress{
			Status: 2, Progress: 0.522, CompleteSize: 5368709120, TotalSize: 10284738560,
			MigrateSpeed: 52428800, LeftTimeMs: 93750, TotalTimeMs: 102400, StartTimeMs: 1795000000000,
			Succeeded: 5120, Failed: 3, Skipped: 17, TotalObjects: 9800, ListingComplete: false,
		},
	}
}

// fixedOMSGroup is a task group with fixed values.
func fixedOMSGroup(id string) simulator.OMSTaskGroup {
	return simulator.OMSTaskGroup{
		ID: id, SourceBucket: "oss-photos", SourceCloud: "ALIYUN", TargetBucket: "obs-photos",
		Progress: &simulator.OMSGroupProgress{
			Status: 1, CompleteSize: 1073741824, TotalSize: 4294967296, MigrateSpeed: 10485760,
			Succeeded: 4000, Failed: 12, Skipped: 88, TotalObjects: 16000,
			TotalTasks: 4, CompleteTasks: 1, ExecutingTasks: 3,
		},
	}
}

// omsConfig is an oms block (YAML of an account's services) with the given
// settings, e.g. "task_ids: [1]".
func omsConfig(settings ...string) string {
	return "    oms:\n      " + strings.Join(settings, "\n      ") + "\n"
}

// startOMS starts a simulator with the fixed OMS task and task group, and
// an exporter polling it with the oms settings (omsConfig).
func startOMS(t *testing.T, asStrings bool, settings ...string) (*simulator.Server, exporter) {
	t.Helper()
	sim := startSimulator(t, asStrings)
	sim.AddOMSTask(fixedOMSTask(omsTaskID))
	sim.AddOMSTaskGroup(fixedOMSGroup(omsGroupID))
	return sim, startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, omsConfig(settings...)))
}

func TestEndToEndOMSMetricsHaveExactValues(t *testing.T) {
	t.Parallel()
	for _, asStrings := range []bool{false, true} {
		t.Run(fmt.Sprintf("strings=%v", asStrings), func(t *testing.T) {
			t.Parallel()
			_, exp := startOMS(t, asStrings, "task_ids: ["+omsTaskID+"]", "group_ids: ["+omsGroupID+"]")
			r := exp.scrape(t, nil)

			task := []string{"account", "e2e", "task_id", omsTaskID}
			r.Expect(t, 1, "oms_migration_up", task...)
			r.Expect(t, 1, "oms_migration_task_info", append(task, "task_name", "logs-s3-to-obs", "task_type", "prefix",
				"group_id", omsGroupID, "source_bucket", "prod-logs", "target_bucket", "obs-prod-logs", "source_cloud", "AWS")...)
			r.Expect(t, 1, "oms_migration_task_status", append(task, "status", "RUNNING")...)
			for _, other := range []string{"INITIALIZING", "WAITING", "PAUSED", "FAILED", "SUCCEEDED", "RETRYING", "PAUSING"} {
				r.Expect(t, 0, "oms_migration_task_status", append(task, "status", other)...)
			}
			if n := len(r.Series("oms_migration_task_status", task...)); n != 8 {
				t.Errorf("%d status series, want the 8 known ones", n)
			}
			r.Expect(t, 0.522, "oms_migration_progress_ratio", task...)
			r.Expect(t, 5368709120, "oms_migration_transferred_bytes", task...)
			r.Expect(t, 10284738560, "oms_migration_total_bytes", task...)
			r.Expect(t, 52428800, "oms_migration_speed_bytes_per_second", task...)
			r.Expect(t, 93.75, "oms_migration_remaining_seconds", task...)
			r.Expect(t, 5120, "oms_migration_objects", append(task, "outcome", "succeeded")...)
			r.Expect(t, 3, "oms_migration_objects", append(task, "outcome", "failed")...)
			r.Expect(t, 17, "oms_migration_objects", append(task, "outcome", "skipped")...)
			r.Expect(t, 9800, "oms_migration_total_objects", task...)
			r.Expect(t, 0, "oms_migration_listing_complete", task...)
			r.ExpectAbsent(t, "oms_migration_last_success_timestamp_seconds")

			group := []string{"account", "e2e", "group_id", omsGroupID}
			r.Expect(t, 1, "oms_migration_group_up", group...)
			r.Expect(t, 1, "oms_migration_group_info", append(group, "source_bucket", "oss-photos",
				"target_bucket", "obs-photos", "source_cloud", "ALIYUN")...)
			r.Expect(t, 1, "oms_migration_group_status", append(group, "status", "EXECUTING")...)
			for _, other := range []string{"WAITING", "MONITORING", "PAUSED", "CREATE_FAILED", "FAILED", "COMPLETED",
				"PAUSING", "WAITING_DELETION", "DELETED"} {
				r.Expect(t, 0, "oms_migration_group_status", append(group, "status", other)...)
			}
			r.Expect(t, 1073741824, "oms_migration_group_transferred_bytes", group...)
			r.Expect(t, 4294967296, "oms_migration_group_total_bytes", group...)
			r.Expect(t, 10485760, "oms_migration_group_speed_bytes_per_second", group...)
			r.Expect(t, 4000, "oms_migration_group_objects", append(group, "outcome", "succeeded")...)
			r.Expect(t, 12, "oms_migration_group_objects", append(group, "outcome", "failed")...)
			r.Expect(t, 88, "oms_migration_group_objects", append(group, "outcome", "skipped")...)
			r.Expect(t, 16000, "oms_migration_group_total_objects", group...)
			for _, name := range []string{"oms_migration_group_up", "oms_migration_group_info", "oms_migration_group_total_bytes"} {
				if len(r.Series(name, "task_id", omsGroupID)) > 0 {
					t.Errorf("%s has a task_id label; a group's is group_id", name)
				}
			}

			r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTask", "code", "200")
			r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTaskGroup", "code", "200")
			if s := r.Series("migration_exporter_field_decode_errors_total", "api", "oms"); len(s) > 0 {
				t.Errorf("field decode errors: %v", scrapetest.Labels(s[0]))
			}
		})
	}
}

// error_reason comes as "" (the documentation), null or absent (real
// answers) on a healthy task and as an object on a failed one: every form
// leaves the task up with all its values. A failed task's (and group's)
// code is exactly one error_info series, scrubbed of the account's
// secrets; a healthy one has none.
func TestEndToEndOMSErrorReasonForms(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	forms := map[string]simulator.ErrorReasonForm{
		"101": simulator.ErrorReasonEmptyString, "102": simulator.ErrorReasonNull, "103": simulator.ErrorReasonAbsent,
	}
	for id, form := range forms {
		task := fixedOMSTask(id)
		task.HealthyReason = form
		sim.AddOMSTask(task)
	}
	failed := fixedOMSTask("104")
	failed.Progress.Status, failed.Progress.ErrorCode, failed.Progress.ErrorMsg = 4, "TRF.0051", "No permission on the destination bucket."
	sim.AddOMSTask(failed)
	echoing := fixedOMSTask("105")
	echoing.Progress.Status, echoing.Progress.ErrorCode, echoing.Progress.ErrorMsg = 4, "E."+testSK, "bad key "+testSK[3:23]
	sim.AddOMSTask(echoing)
	group := fixedOMSGroup("g-empty")
	group.HealthyReason = simulator.ErrorReasonEmptyString
	sim.AddOMSTaskGroup(group)
	failedGroup := fixedOMSGroup("g-failed")
	failedGroup.Progress.Status, failedGroup.Progress.ErrorMsg = 5, "Some tasks of the group failed."
	sim.AddOMSTaskGroup(failedGroup)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		omsConfig("task_ids: [101, 102, 103, 104, 105]", "group_ids: [g-empty, g-failed]")))
	r := exp.scrape(t, nil)
	var errorInfo []string
	for _, name := range []string{"oms_migration_error_info", "oms_migration_group_error_info"} {
		for _, m := range r.Series(name) {
			errorInfo = append(errorInfo, fmt.Sprintf("%s{%s} %g", name, scrapetest.Labels(m), m.GetGauge().GetValue()))
		}
	}
	sort.Strings(errorInfo)
	if want := []string{
		"oms_migration_error_info{account=e2e,error_code=E.<redacted>,task_id=105} 1",
		"oms_migration_error_info{account=e2e,error_code=TRF.0051,task_id=104} 1",
		"oms_migration_group_error_info{account=e2e,error_code=,group_id=g-failed} 1",
	}; !slices.Equal(errorInfo, want) {
		t.Errorf("error_info series:\n got %q\nwant %q", errorInfo, want)
	}
	for _, id := range []string{"101", "102", "103", "104"} {
		r.Expect(t, 1, "oms_migration_up", "task_id", id)
		r.Expect(t, 5368709120, "oms_migration_transferred_bytes", "task_id", id)
		r.Expect(t, 0.522, "oms_migration_progress_ratio", "task_id", id)
	}
	r.Expect(t, 1, "oms_migration_task_status", "task_id", "101", "status", "RUNNING")
	r.Expect(t, 1, "oms_migration_task_status", "task_id", "104", "status", "FAILED")
	r.Expect(t, 0, "oms_migration_task_status", "task_id", "104", "status", "RUNNING")
	r.Expect(t, 1, "oms_migration_group_up", "group_id", "g-empty")
	for _, reason := range []string{"decode", "not_found", "http_4xx"} {
		r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "oms", "reason", reason)
	}
}

// A task that does not exist answers 400 OMS.1009, a task group 404: both
// are down with reason not_found, and the scrape carries on.
func TestEndToEndOMSMissingTaskAndGroup(t *testing.T) {
	t.Parallel()
	sim, exp := startOMS(t, false, "task_ids: ["+omsTaskID+", 999]", "group_ids: ["+omsGroupID+", g-gone]")
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "oms_migration_up", "task_id", omsTaskID)
	r.Expect(t, 0, "oms_migration_up", "account", "e2e", "task_id", "999")
	r.ExpectAbsent(t, "oms_migration_task_info", "task_id", "999")
	r.ExpectAbsent(t, "oms_migration_transferred_bytes", "task_id", "999")
	r.Expect(t, 1, "oms_migration_group_up", "group_id", omsGroupID)
	r.Expect(t, 0, "oms_migration_group_up", "account", "e2e", "group_id", "g-gone")
	r.ExpectAbsent(t, "oms_migration_group_info", "group_id", "g-gone")
	r.Expect(t, 2, "migration_exporter_task_errors_total", "api", "oms", "reason", "not_found")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "oms", "reason", "http_4xx")
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTask", "code", "400")
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTaskGroup", "code", "404")

	// The task is deleted: the next scrape finds it gone.
	sim.RemoveOMSTask(omsTaskID)
	r = exp.scrape(t, nil)
	r.Expect(t, 0, "oms_migration_up", "task_id", omsTaskID)
	r.Expect(t, 5, "migration_exporter_task_errors_total", "api", "oms", "reason", "not_found") // 999, g-gone and the deleted task
}

func TestEndToEndOMSDiscoveryAcrossPages(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	const nTasks, nGroups = 230, 150 // three pages of tasks, two of groups
	for i := range nTasks {
		sim.AddOMSTask(fixedOMSTask(strconv.Itoa(220621019040000 + i)))
	}
	for i := range nGroups {
		sim.AddOMSTaskGroup(fixedOMSGroup("g-" + strconv.Itoa(i)))
	}
	// The first task is configured too: it must be polled once.
	first := strconv.Itoa(220621019040000)
	exp := startExporter(t, "--api.concurrency=32", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 5000\n"+omsConfig("task_ids: ["+first+"]", "discover: true", "discover_groups: true")))
	r := exp.scrape(t, nil)
	if n := len(r.Series("oms_migration_up")); n != nTasks {
		t.Errorf("%d OMS tasks exported, want %d", n, nTasks)
	}
	if n := len(r.Series("oms_migration_group_up")); n != nGroups {
		t.Errorf("%d OMS task groups exported, want %d", n, nGroups)
	}
	r.Expect(t, 1, "oms_migration_up", "task_id", strconv.Itoa(220621019040000+nTasks-1))
	r.Expect(t, 0.522, "oms_migration_progress_ratio", "task_id", strconv.Itoa(220621019040000+nTasks-1))
	r.Expect(t, 16000, "oms_migration_group_total_objects", "group_id", "g-149")
	r.Expect(t, nTasks, "migration_exporter_discovered_tasks", "account", "e2e", "api", "oms")
	r.Expect(t, nGroups, "migration_exporter_discovered_tasks", "account", "e2e", "api", "oms_group")
	if got := sim.Requests(simulator.OpOMSListTasks, ""); got != 3 {
		t.Errorf("task list called %d times, want 3 pages", got)
	}
	if got := sim.Requests(simulator.OpOMSListTaskGroup, ""); got != 2 {
		t.Errorf("task group list called %d times, want 2 pages", got)
	}
	if got := sim.Requests(simulator.OpOMSShowTask, first); got != 1 {
		t.Errorf("%s polled %d times in one scrape, want 1", first, got)
	}
	r.Expect(t, nTasks, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTask", "code", "200")
	r.Expect(t, nGroups, "migration_exporter_api_requests_total", "api", "oms", "operation", "ShowTaskGroup", "code", "200")
}

func TestEndToEndOMSProbeAndSD(t *testing.T) {
	t.Parallel()
	sim, exp := startOMS(t, false, "task_ids: ["+omsTaskID+"]", "discover_groups: true")
	sim.AddOMSTask(fixedOMSTask("220621019041294"))

	r := scrapetest.Get(t, probeURL(exp.URL, "e2e", "oms", omsTaskID), nil)
	r.Expect(t, 1, "probe_success")
	r.Expect(t, 0.522, "oms_migration_progress_ratio", "account", "e2e", "task_id", omsTaskID)
	r.ExpectAbsent(t, "oms_migration_group_up")

	r = scrapetest.Get(t, probeURL(exp.URL, "e2e", "oms_group", omsGroupID), nil)
	r.Expect(t, 1, "probe_success")
	r.Expect(t, 1, "oms_migration_group_up", "account", "e2e", "group_id", omsGroupID)
	r.Expect(t, 4294967296, "oms_migration_group_total_bytes", "group_id", omsGroupID)
	r.ExpectAbsent(t, "oms_migration_up")

	// Any task can be probed; a missing one is probe_success 0, not_found.
	scrapetest.Get(t, probeURL(exp.URL, "e2e", "oms", "220621019041294"), nil).Expect(t, 1, "probe_success")
	r = scrapetest.Get(t, probeURL(exp.URL, "e2e", "oms", "404404"), nil)
	r.Expect(t, 0, "probe_success")
	r.Expect(t, 0, "oms_migration_up", "task_id", "404404")
	r = scrapetest.Get(t, probeURL(exp.URL, "e2e", "oms_group", "g-gone"), nil)
	r.Expect(t, 0, "probe_success")
	r.Expect(t, 0, "oms_migration_group_up", "group_id", "g-gone")

	if code := get(t, probeURL(exp.URL, "e2e", "omsgroup", omsGroupID)).code; code != http.StatusBadRequest {
		t.Errorf("unknown module: %d", code)
	}

	// /sd lists the configured task and the discovered group, each as a
	// /probe target of its module.
	var got []string
	for _, g := range sd(t, exp) {
		got = append(got, g.Labels["module"]+"/"+g.Labels["task_id"])
		scrapetest.Get(t, g.probeURL(), nil).Expect(t, 1, "probe_success")
	}
	sort.Strings(got)
	if want := []string{"oms/" + omsTaskID, "oms_group/" + omsGroupID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("/sd targets %v, want %v", got, want)
	}
}

// oms.min_interval serves a task's and a group's last good answer again,
// as dcs.min_interval and sms.min_interval do, and says when it was read.
func TestEndToEndOMSMinInterval(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddOMSTask(fixedOMSTask(omsTaskID))
	sim.AddOMSTaskGroup(fixedOMSGroup(omsGroupID))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		omsConfig("task_ids: ["+omsTaskID+"]", "group_ids: ["+omsGroupID+"]", "min_interval: 1h")))
	exp.scrape(t, nil)
	r := exp.scrape(t, nil)
	if n := sim.Requests(simulator.OpOMSShowTask, omsTaskID); n != 1 {
		t.Errorf("task read %d times in two scrapes, want 1", n)
	}
	if n := sim.Requests(simulator.OpOMSShowTaskGroup, omsGroupID); n != 1 {
		t.Errorf("group read %d times in two scrapes, want 1", n)
	}
	r.Expect(t, 0.522, "oms_migration_progress_ratio", "task_id", omsTaskID)
	r.Expect(t, 16000, "oms_migration_group_total_objects", "group_id", omsGroupID)
	for name, labels := range map[string][]string{
		"oms_migration_last_success_timestamp_seconds":       {"task_id", omsTaskID},
		"oms_migration_group_last_success_timestamp_seconds": {"group_id", omsGroupID},
	} {
		if v, ok := r.Value(name, labels...); !ok || v < 1.7e9 {
			t.Errorf("%s = %v, %v", name, v, ok)
		}
	}
}
