package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// The monitor and RPO/RTO families.
var drsStageFamilies = []string{"drs_migration_stage_delay_seconds", "drs_migration_endpoint_up",
	"drs_migration_apply_rows_per_second", "drs_migration_rpo_seconds", "drs_migration_rto_seconds"}

// expectStages checks a job's delay by stage (seconds), both endpoints
// healthy and its apply rate.
func expectStages(t *testing.T, r scrapetest.Result, job string, source, target, rows float64) {
	t.Helper()
	r.Expect(t, source, "drs_migration_stage_delay_seconds", "account", "e2e", "task_id", job, "stage", "source")
	r.Expect(t, target, "drs_migration_stage_delay_seconds", "account", "e2e", "task_id", job, "stage", "target")
	r.Expect(t, 1, "drs_migration_endpoint_up", "account", "e2e", "task_id", job, "endpoint", "source")
	r.Expect(t, 1, "drs_migration_endpoint_up", "account", "e2e", "task_id", job, "endpoint", "target")
	r.Expect(t, rows, "drs_migration_apply_rows_per_second", "account", "e2e", "task_id", job)
}

// The demo's jobs by stage over HTTP, the simulated clock moved a minute
// between two scrapes: the climbing job's target delay rises 6 s (its
// source delay stays 0.2 s), the draining one's falls 30 s, the DR job
// has an RPO and an RTO; the replication delay is the target delay. The
// demo job in its full phase, and the failed one, have no stage series,
// and only the DR job has RPO and RTO. Through /probe too.
func TestEndToEndDRSStagesOfTheDemo(t *testing.T) {
	t.Parallel()
	clock := newSimClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	sim := startClockedSimulator(t, false, clock)
	sim.AddDemoTasks()
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    drs:\n      discover: true\n"))
	check := func(r scrapetest.Result, climbing, draining float64) {
		t.Helper()
		expectStages(t, r, simulator.DemoClimbingDRSJob, 0.2, climbing, 850)
		expectStages(t, r, simulator.DemoDrainingDRSJob, 0.3, draining, 4200)
		expectStages(t, r, simulator.DemoRecoveryDRSJob, 0.1, 0.4, 120)
		r.Expect(t, climbing, "drs_migration_replication_delay_seconds", "task_id", simulator.DemoClimbingDRSJob)
		r.Expect(t, draining, "drs_migration_replication_delay_seconds", "task_id", simulator.DemoDrainingDRSJob)
		r.Expect(t, 1.2, "drs_migration_rpo_seconds", "account", "e2e", "task_id", simulator.DemoRecoveryDRSJob)
		r.Expect(t, 3.5, "drs_migration_rto_seconds", "account", "e2e", "task_id", simulator.DemoRecoveryDRSJob)
		if n := len(r.Series("drs_migration_rpo_seconds")) + len(r.Series("drs_migration_rto_seconds")); n != 2 {
			t.Errorf("%d RPO and RTO series, want those of the one DR job", n)
		}
		// Full phase (orders) and failed (legacy): no stages.
		for _, id := range []string{drsRunning, drsInconsistent} {
			for _, name := range drsStageFamilies {
				r.ExpectAbsent(t, name, "task_id", id)
			}
		}
		r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_4xx")
	}
	check(exp.scrape(t, nil), 125, 750)
	clock.advance(time.Minute)
	check(exp.scrape(t, nil), 131, 720)

	p := scrapetest.Get(t, probeURL(exp.URL, "e2e", "drs", simulator.DemoClimbingDRSJob), nil)
	expectStages(t, p, simulator.DemoClimbingDRSJob, 0.2, 131, 850)
	p = scrapetest.Get(t, probeURL(exp.URL, "e2e", "drs", simulator.DemoRecoveryDRSJob), nil)
	p.Expect(t, 1.2, "drs_migration_rpo_seconds", "task_id", simulator.DemoRecoveryDRSJob)
	p.Expect(t, 3.5, "drs_migration_rto_seconds", "task_id", simulator.DemoRecoveryDRSJob)

	// Drained: 0 from 25 minutes on, and it stays there.
	clock.advance(30 * time.Minute)
	r := exp.scrape(t, nil)
	r.Expect(t, 0, "drs_migration_stage_delay_seconds", "task_id", simulator.DemoDrainingDRSJob, "stage", "target")
	r.Expect(t, 311, "drs_migration_stage_delay_seconds", "task_id", simulator.DemoClimbingDRSJob, "stage", "target")
}

// The calls a scrape makes per DRS job, from the simulator's counters:
// batch-status and batch-progress for every job (one call per batch),
// monitor-data only for the incremental ones (one each), batch-rpo-and-rto
// only for the DR job (one call for the batch); with min_interval a second
// scrape within it makes none of them. The failed DR job is terminal: a
// terminal_interval of 1ns reads it every scrape all the same, so that
// the batches stay the same (TestEndToEndTerminalTasks has the default's
// effect).
func TestEndToEndDRSMonitorCallsPerScrape(t *testing.T) {
	t.Parallel()
	const (
		incr = "c0000000-0000-4000-8000-00000000jb01" // incremental migration
		full = "c0000000-0000-4000-8000-00000000jb02" // full phase
		dr   = "c0000000-0000-4000-8000-00000000jb03" // incremental DR
		drF  = "c0000000-0000-4000-8000-00000000jb04" // DR job that failed
	)
	for _, minInterval := range []string{"", "      min_interval: 1h\n"} {
		sim := startSimulator(t, true)
		sim.AddDRSJob(drsJob(incr, "incr", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 1500}))
		sim.AddDRSJob(drsJob(full, "full", simulator.DRSProgress{Status: "FULL_TRANSFER_STARTED", Progress: 40, DelayMillis: -1}))
		for id, status := range map[string]string{dr: "INCRE_TRANSFER_STARTED", drF: "INCRE_TRANSFER_FAILED"} {
			j := drsJob(id, "dr", simulator.DRSProgress{Status: status, Progress: 100, DelayMillis: 800})
			j.UseType, j.Recovery = "cloudDataGuard", simulator.DRSRecovery{RPOMillis: "0", RTOMillis: "2500"}
			sim.AddDRSJob(j)
		}
		exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
			drsConfig(10, incr, full, dr, drF)+"      terminal_interval: 1ns\n"+minInterval))
		for scrape := 1; scrape <= 2; scrape++ {
			r := exp.scrape(t, nil)
			// Per scrape without min_interval; once in all with it.
			calls := scrape
			if minInterval != "" {
				calls = 1
			}
			for op, want := range map[string]map[string]int{
				"BatchListJobStatus":   {incr: calls, full: calls, dr: calls, drF: calls},
				"BatchListProgresses":  {incr: calls, full: calls, dr: calls, drF: calls},
				"ShowMonitorData":      {incr: calls, full: 0, dr: calls, drF: 0},
				"BatchListRposAndRtos": {incr: 0, full: 0, dr: calls, drF: calls},
			} {
				for id, n := range want {
					if got := sim.Requests(op, id); got != n {
						t.Errorf("min_interval %q, after scrape %d: %d %s calls for %s, want %d", minInterval, scrape, got, op, id, n)
					}
				}
			}
			r.Expect(t, float64(calls), "migration_exporter_api_requests_total", "api", "drs", "operation", "BatchListRposAndRtos", "code", "202")
			r.Expect(t, 0.8, "drs_migration_stage_delay_seconds", "task_id", dr, "stage", "target")
			r.Expect(t, 1.5, "drs_migration_stage_delay_seconds", "task_id", incr, "stage", "target")
			r.Expect(t, 0, "drs_migration_stage_delay_seconds", "task_id", incr, "stage", "source")
			// A measured 0 RPO is a real zero.
			for _, id := range []string{dr, drF} {
				r.Expect(t, 0, "drs_migration_rpo_seconds", "task_id", id)
				r.Expect(t, 2.5, "drs_migration_rto_seconds", "task_id", id)
			}
			for _, name := range drsStageFamilies {
				r.ExpectAbsent(t, name, "task_id", full)
			}
			for _, name := range []string{"drs_migration_rpo_seconds", "drs_migration_rto_seconds"} {
				r.ExpectAbsent(t, name, "task_id", incr)
			}
			for _, name := range drsStageFamilies[:3] {
				r.ExpectAbsent(t, name, "task_id", drF)
			}
		}
	}
}

// Bad input, each on a job of its own that keeps its other metrics: null,
// negative, string and missing delays, values of the wrong type, an
// answer that is not JSON, a failing monitor-data call, an endpoint
// reported down, a DR job's own error inside the RPO answer, and DR jobs
// whose delays are not numbers or not there.
func TestEndToEndDRSMonitorBadInput(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	const (
		nulls     = "d0000000-0000-4000-8000-00000000jb01"
		negative  = "d0000000-0000-4000-8000-00000000jb02"
		strs      = "d0000000-0000-4000-8000-00000000jb03"
		missing   = "d0000000-0000-4000-8000-00000000jb04"
		wrongType = "d0000000-0000-4000-8000-00000000jb05"
		notJSON   = "d0000000-0000-4000-8000-00000000jb06"
		failing   = "d0000000-0000-4000-8000-00000000jb07"
		down      = "d0000000-0000-4000-8000-00000000jb08"
		drErr     = "d0000000-0000-4000-8000-00000000jb09"
		drOdd     = "d0000000-0000-4000-8000-00000000jb10"
		drNone    = "d0000000-0000-4000-8000-00000000jb11"
	)
	add := func(id string, st simulator.DRSStages, dr *simulator.DRSRecovery) {
		j := compareJob(id, simulator.DRSComparisons{})
		j.Stages = st
		if dr != nil {
			j.UseType, j.Recovery = "cloudDataGuard", *dr
		}
		sim.AddDRSJob(j)
	}
	add(nulls, simulator.DRSStages{Body: map[string]any{"src_delay": nil, "dst_delay": "null", "is_src_normal": nil, "is_dst_normal": "", "dst_rps": nil}}, nil)
	add(negative, simulator.DRSStages{Body: map[string]any{"src_delay": -1, "dst_delay": "-1", "is_src_normal": true, "is_dst_normal": true, "dst_rps": "0"}}, nil)
	add(strs, simulator.DRSStages{Body: map[string]any{"src_delay": "250", "dst_delay": " 4500 ", "is_src_normal": "true", "is_dst_normal": "false", "dst_rps": "12.5"}}, nil)
	add(missing, simulator.DRSStages{Body: map[string]any{"bandwidth": "3"}}, nil)
	add(wrongType, simulator.DRSStages{Body: map[string]any{"src_delay": "slow", "dst_delay": map[string]any{"ms": 1}, "is_src_normal": "maybe", "is_dst_normal": true, "dst_rps": []int{1}}}, nil)
	add(notJSON, simulator.DRSStages{}, nil)
	add(failing, simulator.DRSStages{}, nil)
	add(down, simulator.DRSStages{SourceMillis: 100, TargetDown: true}, nil)
	add(drErr, simulator.DRSStages{}, &simulator.DRSRecovery{ErrorCode: "DRS.M01504"})
	add(drOdd, simulator.DRSStages{}, &simulator.DRSRecovery{RPOMillis: "-1", RTOMillis: "soon"})
	add(drNone, simulator.DRSStages{}, &simulator.DRSRecovery{})
	sim.SetFault(failing, simulator.Fault{Kind: simulator.FaultServerError})
	sim.SetFault(notJSON, simulator.Fault{Kind: simulator.FaultMalformed})
	ids := []string{nulls, negative, strs, missing, wrongType, notJSON, failing, down, drErr, drOdd, drNone}

	exp := startExporter(t, "--log.level=debug", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		drsConfig(10, ids...)))
	r := exp.scrape(t, nil)
	for _, id := range ids {
		r.Expect(t, 1, "drs_migration_up", "task_id", id)
		r.Expect(t, 1.5, "drs_migration_replication_delay_seconds", "task_id", id)
		r.Expect(t, 1, "drs_migration_job_status", "task_id", id, "status", "INCRE_TRANSFER_STARTED")
	}
	absent := func(id string, names ...string) {
		t.Helper()
		for _, name := range names {
			r.ExpectAbsent(t, name, "task_id", id)
		}
	}
	absent(nulls, drsStageFamilies...)
	absent(missing, drsStageFamilies...)
	absent(notJSON, drsStageFamilies...)
	absent(failing, drsStageFamilies...)
	// Negative: not measured; the rest is.
	absent(negative, "drs_migration_stage_delay_seconds")
	r.Expect(t, 1, "drs_migration_endpoint_up", "task_id", negative, "endpoint", "target")
	r.Expect(t, 0, "drs_migration_apply_rows_per_second", "task_id", negative)
	// Strings: read as numbers and booleans.
	r.Expect(t, 0.25, "drs_migration_stage_delay_seconds", "task_id", strs, "stage", "source")
	r.Expect(t, 4.5, "drs_migration_stage_delay_seconds", "task_id", strs, "stage", "target")
	r.Expect(t, 1, "drs_migration_endpoint_up", "task_id", strs, "endpoint", "source")
	r.Expect(t, 0, "drs_migration_endpoint_up", "task_id", strs, "endpoint", "target")
	r.Expect(t, 12.5, "drs_migration_apply_rows_per_second", "task_id", strs)
	// Wrong types: each such field omitted and counted; the good one kept.
	absent(wrongType, "drs_migration_stage_delay_seconds", "drs_migration_apply_rows_per_second")
	r.Expect(t, 1, "drs_migration_endpoint_up", "task_id", wrongType, "endpoint", "target")
	r.ExpectAbsent(t, "drs_migration_endpoint_up", "task_id", wrongType, "endpoint", "source")
	for _, field := range []string{"src_delay", "dst_delay", "is_src_normal", "dst_rps"} {
		r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "drs", "field", field)
	}
	// An endpoint down.
	r.Expect(t, 0, "drs_migration_endpoint_up", "task_id", down, "endpoint", "target")
	r.Expect(t, 1, "drs_migration_endpoint_up", "task_id", down, "endpoint", "source")
	r.Expect(t, 0.1, "drs_migration_stage_delay_seconds", "task_id", down, "stage", "source")
	// DR jobs: an error inside the answer (the job stays up), delays
	// negative or not numbers (counted) or missing.
	absent(drErr, "drs_migration_rpo_seconds", "drs_migration_rto_seconds")
	absent(drOdd, "drs_migration_rpo_seconds", "drs_migration_rto_seconds")
	absent(drNone, "drs_migration_rpo_seconds", "drs_migration_rto_seconds")
	r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "drs", "field", "rto_info.delay")
	r.Expect(t, 1.5, "drs_migration_stage_delay_seconds", "task_id", drErr, "stage", "target")
	// The errors: the answer that is not JSON (decode) and the failing call
	// (5xx), whose comparisons fail too (one error a job a scrape), and the
	// DR job's own error (4xx).
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "decode")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_5xx")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_4xx")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "drs", "reason", "not_found")

	trace := get(t, probeURL(exp.URL, "e2e", "drs", wrongType)+"&debug=true").body
	for _, want := range []string{"dst_delay: omitted", `is_dst_normal "target": true -> 1`} {
		if !strings.Contains(trace, want) {
			t.Errorf("the probe's trace does not say %q:\n%s", want, trace)
		}
	}
}
