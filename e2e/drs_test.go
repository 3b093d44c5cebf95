package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/simulator"
)

// drsJob is a job with fixed progress.
func drsJob(id, name string, p simulator.DRSProgress) simulator.DRSJob {
	return simulator.DRSJob{ID: id, Name: name, EngineType: "mysql", Direction: "up", Progress: &p}
}

// The ids DRS gives its jobs are not UUIDs: they end in "jb" and three
// characters.
const (
	jobFull    = "edae91cb-5892-49b6-a529-4921fb26jb21"
	jobIncr    = "f95c5d83-d0c9-42bd-b295-38c31cd1jb15"
	jobZero    = "9a470239-2308-4bb5-a6bc-1040402fjb21"
	jobSecs    = "dc67695a-ee3e-49b8-a022-a099bd81jb21"
	jobStart   = "24834eb6-be30-464e-a299-f7aa730jb101"
	jobFailed  = "140b5236-88ad-43c8-811c-1268453jb101"
	jobGone    = "7f8e6f74-72d2-4ddd-bb8f-6c41397jb101"
	jobDeleted = "14d88eeb-ee7e-4d30-a46e-a5ec8eajb101"
	jobOmitted = "d54691d2-f105-434d-a75d-809b017jb101"
	jobBad     = "8649da6-0000-4000-8000-000000000jb101"
	jobSync    = "0b1c2d3e-4f50-4617-8283-94a5b6c7jb02"
)

func drsConfig(batchSize int, ids ...string) string {
	return fmt.Sprintf("    drs:\n      batch_size: %d\n      job_ids: [%s]\n", batchSize, strings.Join(ids, ", "))
}

func TestEndToEndDRSMetricsHaveExactValues(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	sim.AddDRSJob(drsJob(jobFull, "orders-full", simulator.DRSProgress{Status: "FULL_TRANSFER_STARTED", Progress: 37,
		DelayMillis: -1, RemainingSeconds: 380, Phases: map[string]float64{"struct": 100, "data": 37, "index": 18.5}}))
	sim.AddDRSJob(drsJob(jobIncr, "orders-incr", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100,
		DelayMillis: 1500, RemainingSeconds: 0, Phases: map[string]float64{"struct": 100, "data": 100, "index": 100}}))
	sim.AddDRSJob(drsJob(jobZero, "caught-up", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 0, RemainingSeconds: -1}))
	sim.AddDRSJob(drsJob(jobSecs, "old-edition", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 3000, NoMillis: true, RemainingSeconds: -1}))
	sim.AddDRSJob(drsJob(jobStart, "just-started", simulator.DRSProgress{Status: "FULL_TRANSFER_STARTED", Progress: 0, DelayMillis: -1, RemainingSeconds: 0}))
	sim.AddDRSJob(drsJob(jobFailed, "broken", simulator.DRSProgress{Status: "INCRE_TRANSFER_FAILED", Progress: 100, DelayMillis: -1, RemainingSeconds: -1}))
	for _, id := range []string{jobDeleted, jobOmitted, jobBad} {
		sim.AddDRSJob(drsJob(id, "faulty", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 10}))
	}
	sync := drsJob(jobSync, "sync-job", simulator.DRSProgress{Status: "PAUSING", Progress: 55, DelayMillis: -1, RemainingSeconds: -1})
	sync.UseType, sync.EngineType, sync.Direction = "sync", "postgresql", "down"
	sim.AddDRSJob(sync)
	sim.SetFault(jobDeleted, simulator.Fault{Kind: simulator.FaultJobDeleted})
	sim.SetFault(jobOmitted, simulator.Fault{Kind: simulator.FaultOmitFromBatch})
	sim.SetFault(jobBad, simulator.Fault{Kind: simulator.FaultRejectBatch})

	// Batches of 4: the bad job's batch is refused whole and split.
	ids := []string{jobFull, jobIncr, jobZero, jobSecs, jobStart, jobFailed, jobBad, jobGone, jobDeleted, jobOmitted, jobSync}
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		drsConfig(4, ids...)))
	r := exp.scrape(t, nil)
	job := func(id string) []string { return []string{"account", "e2e", "task_id", id} }

	for _, id := range []string{jobFull, jobIncr, jobZero, jobSecs, jobStart, jobFailed, jobSync} {
		r.Expect(t, 1, "drs_migration_up", job(id)...)
	}
	for _, id := range []string{jobBad, jobGone, jobDeleted, jobOmitted} {
		r.Expect(t, 0, "drs_migration_up", job(id)...)
		r.ExpectAbsent(t, "drs_migration_progress_ratio", job(id)...)
	}
	// Full phase: no delay yet (-1), phases, remaining time.
	r.Expect(t, 0.37, "drs_migration_progress_ratio", job(jobFull)...)
	r.Expect(t, 1, "drs_migration_phase_progress_ratio", append(job(jobFull), "phase", "struct")...)
	r.Expect(t, 0.37, "drs_migration_phase_progress_ratio", append(job(jobFull), "phase", "data")...)
	r.Expect(t, 0.185, "drs_migration_phase_progress_ratio", append(job(jobFull), "phase", "index")...)
	r.ExpectAbsent(t, "drs_migration_replication_delay_seconds", job(jobFull)...)
	r.Expect(t, 380, "drs_migration_remaining_seconds", job(jobFull)...)
	r.Expect(t, 1, "drs_migration_job_status", append(job(jobFull), "status", "FULL_TRANSFER_STARTED")...)
	r.Expect(t, 0, "drs_migration_job_status", append(job(jobFull), "status", "INCRE_TRANSFER_STARTED")...)
	if n := len(r.Series("drs_migration_job_status", job(jobFull)...)); n != 29 {
		t.Errorf("%d status series, want the 29 known", n)
	}
	// Incremental phase: the delay in ms becomes seconds; "0" remaining
	// time at 100 % is real.
	r.Expect(t, 1.5, "drs_migration_replication_delay_seconds", job(jobIncr)...)
	r.Expect(t, 0, "drs_migration_remaining_seconds", job(jobIncr)...)
	r.Expect(t, 1, "drs_migration_job_status", append(job(jobIncr), "status", "INCRE_TRANSFER_STARTED")...)
	// A measured zero is exported; null remaining time is not.
	r.Expect(t, 0, "drs_migration_replication_delay_seconds", job(jobZero)...)
	r.ExpectAbsent(t, "drs_migration_remaining_seconds", job(jobZero)...)
	r.ExpectAbsent(t, "drs_migration_phase_progress_ratio", job(jobZero)...)
	// Without incre_trans_delay_millis, incre_trans_delay is in seconds.
	r.Expect(t, 3, "drs_migration_replication_delay_seconds", job(jobSecs)...)
	// "0" remaining time at 0 % progress means nothing.
	r.Expect(t, 0, "drs_migration_progress_ratio", job(jobStart)...)
	r.ExpectAbsent(t, "drs_migration_remaining_seconds", job(jobStart)...)
	r.Expect(t, 1, "drs_migration_job_status", append(job(jobFailed), "status", "INCRE_TRANSFER_FAILED")...)
	r.Expect(t, 1, "drs_migration_job_status", append(job(jobSync), "status", "PAUSING")...)
	// Names from the job list, of every scenario, although discover is off.
	r.Expect(t, 1, "drs_migration_job_info", append(job(jobFull), "job_name", "orders-full", "engine_type", "mysql",
		"job_direction", "up", "db_use_type", "migration")...)
	r.Expect(t, 1, "drs_migration_job_info", append(job(jobSync), "job_name", "sync-job", "engine_type", "postgresql",
		"job_direction", "down", "db_use_type", "sync")...)
	r.ExpectAbsent(t, "drs_migration_job_info", job(jobGone)...)
	// Why the faulty jobs are down: gone, deleted and omitted are not
	// found; the id that made DRS refuse its batch is a 4xx.
	r.Expect(t, 3, "migration_exporter_task_errors_total", "api", "drs", "reason", "not_found")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "drs", "reason", "http_4xx")
	// Calls, for each of status and progress: 3 batches; the refused one
	// (start, failed, bad, gone) asked again in halves, the refused half
	// (bad, gone) in quarters: 4 answered, 3 refused. One job list per
	// scenario.
	r.Expect(t, 3, "migration_exporter_api_requests_total", "api", "drs", "operation", "ShowJobList", "code", "200")
	for _, op := range []struct{ name, ok string }{{"BatchListJobStatus", "200"}, {"BatchListProgresses", "202"}} {
		r.Expect(t, 4, "migration_exporter_api_requests_total", "api", "drs", "operation", op.name, "code", op.ok)
		r.Expect(t, 3, "migration_exporter_api_requests_total", "api", "drs", "operation", op.name, "code", "400")
	}

	// The other jobs of the refused batch kept their values.
	for _, id := range []string{jobStart, jobFailed} {
		if r.Series("drs_migration_job_status", job(id)...) == nil {
			t.Errorf("job %s of the refused batch has no status", id)
		}
	}

	// One job alone, through /probe.
	if body := probeUp(t, exp, "drs", jobIncr); !strings.Contains(body, `drs_migration_replication_delay_seconds{account="e2e",task_id="`+jobIncr+`"} 1.5`) {
		t.Errorf("probe:\n%s", body)
	}
}

func TestEndToEndDRSDiscoveryAcrossPagesAndScenarios(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	for i := range 130 {
		sim.AddDRSJob(drsJob(fmt.Sprintf("m%03d-0000-jb101", i), "m", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: float64(i)}))
	}
	for i := range 5 {
		j := drsJob(fmt.Sprintf("s%03d-0000-jb101", i), "s", simulator.DRSProgress{Status: "INCRE_TRANSFER_STARTED", Progress: 100, DelayMillis: 5})
		j.UseType = "cloudDataGuard"
		sim.AddDRSJob(j)
	}
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 1000\n    drs:\n      discover: true\n"))
	r := exp.scrape(t, nil)
	r.Expect(t, 135, "migration_exporter_discovered_tasks", "api", "drs")
	if n := len(r.Series("drs_migration_up")); n != 135 {
		t.Errorf("%d jobs, want 135", n)
	}
	r.Expect(t, 0.129, "drs_migration_replication_delay_seconds", "task_id", "m129-0000-jb101")
	r.Expect(t, 1, "drs_migration_job_info", "task_id", "s004-0000-jb101", "db_use_type", "cloudDataGuard")
	// 135 jobs in batches of 10: 14 of each batch call; the list (two pages
	// of migration jobs, one each of sync and cloudDataGuard) once, shared
	// by discovery and the jobs' names.
	r.Expect(t, 14, "migration_exporter_api_requests_total", "api", "drs", "operation", "BatchListJobStatus", "code", "200")
	r.Expect(t, 14, "migration_exporter_api_requests_total", "api", "drs", "operation", "BatchListProgresses", "code", "202")
	r.Expect(t, 4, "migration_exporter_api_requests_total", "api", "drs", "operation", "ShowJobList", "code", "200")
}
