package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// The demo's DRS jobs and their comparisons.
const (
	drsRunning      = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101" // orders: rows comparison running, object comparison passed
	drsConsistent   = "4a3b0d2f-6c8e-4f90-8b1c-2d3e4f5ajb101" // billing: all consistent (an older inconsistent rows comparison later in the list)
	drsInconsistent = "5b4c1e3a-7d9f-4a01-9c2d-3e4f5a6bjb101" // legacy: 3 inconsistent tables, times in ISO form
	drsNeverCompare = "6c5d2f4b-8e0a-4b12-8d3e-4f5a6b7cjb101" // crm: never compared (400 DRS.M05003)
)

var drsCompareStatuses = []string{"WAITING_FOR_RUNNING", "RUNNING", "SUCCESSFUL", "FAILED", "CANCELLED",
	"TIMEOUT_INTERRUPT", "FULL_DOING", "INCRE_DOING"}

// expectCompareStatus checks a job's comparison state set of one type: 1
// for status, 0 for the other known ones.
func expectCompareStatus(t *testing.T, r scrapetest.Result, job, typ, status string) {
	t.Helper()
	for _, s := range drsCompareStatuses {
		want := 0.0
		if s == status {
			want = 1
		}
		r.Expect(t, want, "drs_migration_compare_status", "account", "e2e", "task_id", job, "type", typ, "status", s)
	}
}

func expectCompareCounts(t *testing.T, r scrapetest.Result, name, job string, want map[string]float64) {
	t.Helper()
	for result, v := range want {
		r.Expect(t, v, name, "account", "e2e", "task_id", job, "result", result)
	}
}

var drsCompareFamilies = []string{"drs_migration_compare_status", "drs_migration_compare_finished_timestamp_seconds",
	"drs_migration_compare_tables", "drs_migration_compare_objects"}

// checkDemoComparisons asserts every comparison family of the demo's DRS
// jobs with exact values.
func checkDemoComparisons(t *testing.T, r scrapetest.Result) {
	t.Helper()
	// Running: the rows comparison has not ended and none succeeded, so no
	// finish time and no tables; the object comparison passed.
	expectCompareStatus(t, r, drsRunning, "rows", "RUNNING")
	expectCompareStatus(t, r, drsRunning, "object", "SUCCESSFUL")
	r.ExpectAbsent(t, "drs_migration_compare_status", "task_id", drsRunning, "type", "contents")
	r.ExpectAbsent(t, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsRunning, "type", "rows")
	r.Expect(t, 1795430060, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsRunning, "type", "object")
	r.ExpectAbsent(t, "drs_migration_compare_tables", "task_id", drsRunning)
	expectCompareCounts(t, r, "drs_migration_compare_objects", drsRunning, map[string]float64{"consistent": 43, "inconsistent": 0})

	// Consistent: the latest rows comparison by time, not the last listed.
	for _, typ := range []string{"object", "rows", "contents"} {
		expectCompareStatus(t, r, drsConsistent, typ, "SUCCESSFUL")
	}
	r.Expect(t, 1795432600, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsConsistent, "type", "rows")
	r.Expect(t, 1795431030, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsConsistent, "type", "object")
	r.Expect(t, 1795433000, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsConsistent, "type", "contents")
	expectCompareCounts(t, r, "drs_migration_compare_tables", drsConsistent, map[string]float64{"consistent": 118, "inconsistent": 0, "uncomparable": 2})
	expectCompareCounts(t, r, "drs_migration_compare_objects", drsConsistent, map[string]float64{"consistent": 128, "inconsistent": 0})

	// Inconsistent: 3 tables over two databases, its times sent in ISO form.
	expectCompareStatus(t, r, drsInconsistent, "rows", "SUCCESSFUL")
	expectCompareStatus(t, r, drsInconsistent, "contents", "FAILED")
	r.Expect(t, 1795433700, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsInconsistent, "type", "rows")
	r.Expect(t, 1795433900, "drs_migration_compare_finished_timestamp_seconds", "task_id", drsInconsistent, "type", "contents")
	expectCompareCounts(t, r, "drs_migration_compare_tables", drsInconsistent, map[string]float64{"consistent": 56, "inconsistent": 3, "uncomparable": 1})
	expectCompareCounts(t, r, "drs_migration_compare_objects", drsInconsistent, map[string]float64{"consistent": 69, "inconsistent": 3})

	// Never compared: no series, and up.
	for _, name := range drsCompareFamilies {
		r.ExpectAbsent(t, name, "task_id", drsNeverCompare)
	}
	for _, id := range []string{drsRunning, drsConsistent, drsInconsistent, drsNeverCompare} {
		r.Expect(t, 1, "drs_migration_up", "task_id", id)
	}
}

// The demo's comparisons over HTTP, from /metrics and /probe, read once per
// verify_interval between them: a second scrape and a probe within it make
// no comparison call, and the other DRS calls stay one per scrape.
func TestEndToEndDRSComparisons(t *testing.T) {
	t.Parallel()
	for _, asStrings := range []bool{false, true} {
		t.Run(fmt.Sprintf("strings=%v", asStrings), func(t *testing.T) {
			t.Parallel()
			// The demo's comparison times, as written, hold on a clock
			// started at DemoComparisonsEpoch.
			sim := startClockedSimulator(t, asStrings, newSimClock(simulator.DemoComparisonsEpoch))
			sim.AddDemoTasks()
			exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
				drsConfig(10, drsRunning, drsConsistent, drsInconsistent, drsNeverCompare)))
			r := exp.scrape(t, nil)
			checkDemoComparisons(t, r)
			// First refresh: the list of each job, and the overviews of
			// the latest successful comparisons (the running job has no
			// rows overview to read).
			calls := map[string]map[string]int{
				"ListCompareResult":       {drsRunning: 2, drsConsistent: 2, drsInconsistent: 2, drsNeverCompare: 1},
				"ListDataCompareOverview": {drsRunning: 0, drsConsistent: 1, drsInconsistent: 1, drsNeverCompare: 0},
			}
			checkCalls := func(when string) {
				t.Helper()
				for op, byJob := range calls {
					for id, want := range byJob {
						if got := sim.Requests(op, id); got != want {
							t.Errorf("%s: %d %s calls for %s, want %d", when, got, op, id, want)
						}
					}
				}
			}
			checkCalls("first scrape")
			statusBefore := sim.Requests("BatchListJobStatus", drsConsistent)

			checkDemoComparisons(t, exp.scrape(t, nil))
			p := scrapetest.Get(t, probeURL(exp.URL, "e2e", "drs", drsInconsistent), nil)
			expectCompareStatus(t, p, drsInconsistent, "rows", "SUCCESSFUL")
			expectCompareCounts(t, p, "drs_migration_compare_tables", drsInconsistent, map[string]float64{"consistent": 56, "inconsistent": 3, "uncomparable": 1})
			checkCalls("a second scrape and a probe within verify_interval")
			// The probe was of another job: one batch-status call, the scrape's.
			if got := sim.Requests("BatchListJobStatus", drsConsistent); got != statusBefore+1 {
				t.Errorf("%d batch-status calls for a job in a scrape, want 1", got-statusBefore)
			}

			r = exp.scrape(t, nil)
			r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_4xx")
			r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "decode")
			r.Expect(t, 6, "migration_exporter_api_requests_total", "api", "drs", "operation", "ListCompareResult", "code", "200")
			r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "drs", "operation", "ListCompareResult", "code", "400")
		})
	}
}

// compareJob is a DRS job in its incremental phase with comparisons.
func compareJob(id string, c simulator.DRSComparisons) simulator.DRSJob {
	j := drsJob(id, "compared", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 1500})
	j.Comparisons = c
	return j
}

var (
	compareAt = time.UnixMilli(1795433100000).UTC()
	rowsOK    = simulator.DRSCompare{ID: "rows-1", Type: "lines", Status: "SUCCESSFUL", Created: compareAt, Ended: compareAt.Add(time.Minute),
		Databases: []simulator.DRSCompareDB{{Name: "a", Tables: 3_000_000_000, Inconsistent: 2}}}
)

// After verify_interval a refresh reads the task list again, but not the
// results of a comparison it has read already; when a refresh fails, the
// last good values stay, the job stays up and the error is counted.
func TestEndToEndDRSComparisonRefresh(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	const job = "a1b2c3d4-0000-4000-8000-00000000jb01"
	sim.AddDRSJob(compareJob(job, simulator.DRSComparisons{List: []simulator.DRSCompare{rowsOK}}))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		drsConfig(10, job)+"      verify_interval: 100ms\n"))
	check := func(r scrapetest.Result) {
		t.Helper()
		r.Expect(t, 1, "drs_migration_up", "task_id", job)
		r.Expect(t, 1.5, "drs_migration_replication_delay_seconds", "task_id", job)
		// Above 2^31: a count DRS's SDK would have overflowed.
		expectCompareCounts(t, r, "drs_migration_compare_tables", job, map[string]float64{"consistent": 2_999_999_998, "inconsistent": 2})
		expectCompareStatus(t, r, job, "rows", "SUCCESSFUL")
	}
	check(exp.scrape(t, nil))
	time.Sleep(150 * time.Millisecond)
	check(exp.scrape(t, nil))
	if l, o := sim.Requests("ListCompareResult", job), sim.Requests("ListDataCompareOverview", job); l != 2 || o != 1 {
		t.Errorf("%d list and %d overview calls in two refreshes, want 2 and 1 (the results are kept by comparison)", l, o)
	}

	sim.SetFault(job, simulator.Fault{Kind: simulator.FaultServerError})
	time.Sleep(150 * time.Millisecond)
	r := exp.scrape(t, nil)
	check(r)
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_5xx")
}

// Bad input, each on a job of its own, each leaving the job's other
// metrics intact: unknown statuses and results, a job without comparisons
// (404, 400 DRS.M05003), thousands of tasks (20 pages of 100 read), a
// failing call, and secrets echoed in an error (scrubbed from the log and
// the probe's trace).
func TestEndToEndDRSComparisonBadInput(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	const (
		unknown  = "b0000000-0000-4000-8000-00000000jb01"
		none404  = "b0000000-0000-4000-8000-00000000jb02"
		none400  = "b0000000-0000-4000-8000-00000000jb03"
		many     = "b0000000-0000-4000-8000-00000000jb04"
		failing  = "b0000000-0000-4000-8000-00000000jb05"
		echoing  = "b0000000-0000-4000-8000-00000000jb06"
		noneList = "b0000000-0000-4000-8000-00000000jb07"
	)
	sim.AddDRSJob(compareJob(unknown, simulator.DRSComparisons{List: []simulator.DRSCompare{
		{ID: "o-1", Type: "object", Status: "SUCCESSFUL", Created: compareAt, Ended: compareAt.Add(time.Second),
			Objects: []simulator.DRSCompareObject{{Type: "TABLE", Result: "NOT_A_RESULT_YET", Source: 4, Target: 3, Diff: 1}}},
		{ID: "c-1", Type: "contents", Status: "PAUSED_BY_OPERATOR", Created: compareAt, Ended: compareAt.Add(time.Second)},
		{ID: "r-1", Type: "random", Status: "SUCCESSFUL", Created: compareAt},
	}}))
	sim.AddDRSJob(compareJob(none404, simulator.DRSComparisons{NoneStatus: 404}))
	sim.AddDRSJob(compareJob(none400, simulator.DRSComparisons{NoneStatus: 400}))
	sim.AddDRSJob(compareJob(noneList, simulator.DRSComparisons{}))
	var lots []simulator.DRSCompare
	for i := range 3000 {
		lots = append(lots, simulator.DRSCompare{ID: fmt.Sprintf("l-%04d", i), Type: "lines", Status: "FAILED",
			Created: compareAt.Add(time.Duration(i) * time.Second), Ended: compareAt.Add(time.Duration(i)*time.Second + 1)})
	}
	sim.AddDRSJob(compareJob(many, simulator.DRSComparisons{List: lots}))
	sim.AddDRSJob(compareJob(failing, simulator.DRSComparisons{List: []simulator.DRSCompare{rowsOK}}))
	sim.AddDRSJob(compareJob(echoing, simulator.DRSComparisons{List: []simulator.DRSCompare{rowsOK}}))
	sim.SetFault(failing, simulator.Fault{Kind: simulator.FaultServerError})
	sim.SetFault(echoing, simulator.Fault{Kind: simulator.FaultEchoSecrets})

	exp := startExporter(t, "--log.level=debug", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		drsConfig(10, unknown, none404, none400, noneList, many, failing, echoing)))
	r := exp.scrape(t, nil)
	for _, id := range []string{unknown, none404, none400, noneList, many, failing, echoing} {
		r.Expect(t, 1, "drs_migration_up", "task_id", id)
		r.Expect(t, 1.5, "drs_migration_replication_delay_seconds", "task_id", id)
		r.Expect(t, 1, "drs_migration_job_status", "task_id", id, "status", "INCRE_TRANSFER_STARTED")
	}
	// An unknown status as it comes; an unknown result value changes no count.
	r.Expect(t, 1, "drs_migration_compare_status", "task_id", unknown, "type", "contents", "status", "PAUSED_BY_OPERATOR")
	r.Expect(t, 0, "drs_migration_compare_status", "task_id", unknown, "type", "contents", "status", "SUCCESSFUL")
	r.Expect(t, 1795433101, "drs_migration_compare_finished_timestamp_seconds", "task_id", unknown, "type", "contents")
	expectCompareCounts(t, r, "drs_migration_compare_objects", unknown, map[string]float64{"consistent": 3, "inconsistent": 1})
	if n := len(r.Series("drs_migration_compare_status", "task_id", unknown)); n != 2*len(drsCompareStatuses)+1 {
		t.Errorf("%d status series for object and contents, want %d (a random comparison is not reported)", n, 2*len(drsCompareStatuses)+1)
	}
	for _, id := range []string{none404, none400, noneList, failing, echoing} {
		for _, name := range drsCompareFamilies {
			r.ExpectAbsent(t, name, "task_id", id)
		}
	}
	// Thousands of tasks: 20 pages of 100, the latest among the first 2,000.
	if n := sim.Requests("ListCompareResult", many); n != 20 {
		t.Errorf("%d task list pages read, want 20", n)
	}
	expectCompareStatus(t, r, many, "rows", "FAILED")
	r.Expect(t, 1795433100+1999, "drs_migration_compare_finished_timestamp_seconds", "task_id", many, "type", "rows")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_5xx")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "auth")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "not_found")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_4xx")

	trace := get(t, probeURL(exp.URL, "e2e", "drs", echoing)+"&debug=true").body
	if !strings.Contains(trace, "auth") {
		t.Errorf("the probe's trace does not show the echoing job's error:\n%s", trace)
	}
	secrets := append([]string{testAK, testSK}, sim.EchoedSignatures()...)
	if len(secrets) == 2 {
		t.Fatal("the simulator echoed no signature: the test tests nothing")
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"log": exp.Logs.String(), "probe trace": trace} {
			if strings.Contains(text, s) {
				t.Errorf("the %s holds a secret the simulator echoed (%.8s…)", where, s)
			}
		}
	}
}
