package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	cdmCluster        = "bae65496-643e-47ca-84af-948672de7eeb"
	cdmStoppedCluster = "0f5d1f3c-4b8e-4f6a-9c7d-2e1f0a9b8c7d"
	cdmIncremental    = cdmCluster + "/orders_incremental"
	cdmFailed         = cdmCluster + "/events_to_dws"
	cdmFiles          = cdmStoppedCluster + "/logs_to_obs"
)

// addFixedCDM adds two clusters (normal, stopped) and three jobs with fixed
// values: one migrating incrementally (rows and bytes; files not
// applicable), one failed with skipped rows (its progress -1), and a batch
// job of files in the stopped cluster.
func addFixedCDM(sim *simulator.Server) {
	sim.AddCDMCluster(simulator.CDMCluster{ID: cdmCluster, Name: "cdm-prod"})
	sim.AddCDMCluster(simulator.CDMCluster{ID: cdmStoppedCluster, Name: "cdm-archive", Status: "900"})
	na := -1.0
	sim.AddCDMJob(simulator.CDMJob{Cluster: cdmCluster, Name: "orders_incremental", FromLink: "mysql-orders", ToLink: "dws-dw",
		Run: &simulator.CDMRun{Status: "RUNNING", Progress: 42.5, Incremental: true, CreationMs: 1796000000500, UpdateMs: 1796003600250,
			RowsRead: 2500000, RowsWritten: 2499000, RowsSkipped: 0, BytesRead: 500000000, BytesWritten: 499800000,
			FilesRead: na, FilesWritten: na, FilesSkipped: na, TotalBytes: 1200000000, TotalFiles: na}})
	sim.AddCDMJob(simulator.CDMJob{Cluster: cdmCluster, Name: "events_to_dws", FromLink: "oracle-events", ToLink: "dws-dw",
		Run: &simulator.CDMRun{Status: "FAILED", Progress: -1, CreationMs: 1795995000000, UpdateMs: 1795996800000, DatesAsStrings: true,
			RowsRead: 50000, RowsWritten: 49000, RowsSkipped: 1000, BytesRead: na, BytesWritten: na,
			FilesRead: na, FilesWritten: na, FilesSkipped: na, TotalBytes: na, TotalFiles: na, ErrorSummary: "dirty data"}})
	sim.AddCDMJob(simulator.CDMJob{Cluster: cdmStoppedCluster, Name: "logs_to_obs", JobType: "BATCH_JOB", FromLink: "hdfs-logs", ToLink: "obs-archive",
		Run: &simulator.CDMRun{Status: "SUCCEEDED", Progress: 100, CreationMs: 1795900000000, UpdateMs: 1795901000000,
			RowsRead: na, RowsWritten: na, RowsSkipped: na, BytesRead: 7340032, BytesWritten: 7340032,
			FilesRead: 120, FilesWritten: 118, FilesSkipped: 2, TotalBytes: 7340032, TotalFiles: 120}})
}

// cdmConfig is a cdm block (YAML of an account's services) with the given
// settings.
func cdmConfig(settings ...string) string {
	return "    cdm:\n      " + strings.Join(settings, "\n      ") + "\n"
}

func TestEndToEndCDMMetricsHaveExactValues(t *testing.T) {
	t.Parallel()
	for _, asStrings := range []bool{false, true} {
		t.Run(fmt.Sprintf("strings=%v", asStrings), func(t *testing.T) {
			t.Parallel()
			sim := startSimulator(t, asStrings)
			addFixedCDM(sim)
			// Configured, not discovered: the job list names them all the same.
			exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
				cdmConfig("job_ids: ["+cdmIncremental+", "+cdmFailed+", "+cdmFiles+"]")))
			r := exp.scrape(t, nil)

			job := func(id string, extra ...string) []string {
				return append([]string{"account", "e2e", "task_id", id}, extra...)
			}
			for _, id := range []string{cdmIncremental, cdmFailed, cdmFiles} {
				r.Expect(t, 1, "cdm_migration_up", job(id)...)
				if n := len(r.Series("cdm_migration_job_status", job(id)...)); n != 7 {
					t.Errorf("%s: %d status series, want the 7 known ones", id, n)
				}
			}
			r.Expect(t, 1, "cdm_migration_job_info", job(cdmIncremental, "cluster_id", cdmCluster, "cluster_name", "cdm-prod",
				"job_name", "orders_incremental", "job_type", "NORMAL_JOB", "from_link", "mysql-orders", "to_link", "dws-dw")...)
			r.Expect(t, 1, "cdm_migration_job_info", job(cdmFiles, "cluster_id", cdmStoppedCluster, "cluster_name", "cdm-archive",
				"job_name", "logs_to_obs", "job_type", "BATCH_JOB", "from_link", "hdfs-logs", "to_link", "obs-archive")...)
			r.Expect(t, 1, "cdm_migration_job_status", job(cdmIncremental, "status", "RUNNING")...)
			for _, other := range []string{"BOOTING", "FAILURE_ON_SUBMIT", "SUCCEEDED", "FAILED", "UNKNOWN", "NEVER_EXECUTED"} {
				r.Expect(t, 0, "cdm_migration_job_status", job(cdmIncremental, "status", other)...)
			}
			r.Expect(t, 1, "cdm_migration_job_status", job(cdmFailed, "status", "FAILED")...)
			r.Expect(t, 1, "cdm_migration_job_status", job(cdmFiles, "status", "SUCCEEDED")...)

			r.Expect(t, 0.425, "cdm_migration_progress_ratio", job(cdmIncremental)...)
			r.ExpectAbsent(t, "cdm_migration_progress_ratio", job(cdmFailed)...) // -1: the run failed
			r.Expect(t, 1, "cdm_migration_progress_ratio", job(cdmFiles)...)
			r.Expect(t, 1, "cdm_migration_incremental", job(cdmIncremental)...)
			r.Expect(t, 0, "cdm_migration_incremental", job(cdmFailed)...)

			r.Expect(t, 2500000, "cdm_migration_rows", job(cdmIncremental, "outcome", "read")...)
			r.Expect(t, 2499000, "cdm_migration_rows", job(cdmIncremental, "outcome", "written")...)
			r.Expect(t, 0, "cdm_migration_rows", job(cdmIncremental, "outcome", "skipped")...)
			r.Expect(t, 500000000, "cdm_migration_bytes", job(cdmIncremental, "outcome", "read")...)
			r.Expect(t, 499800000, "cdm_migration_bytes", job(cdmIncremental, "outcome", "written")...)
			r.Expect(t, 1200000000, "cdm_migration_total_bytes", job(cdmIncremental)...)
			r.ExpectAbsent(t, "cdm_migration_files", job(cdmIncremental)...) // -1: not applicable
			r.ExpectAbsent(t, "cdm_migration_total_files", job(cdmIncremental)...)
			r.Expect(t, 1796000000.5, "cdm_migration_run_started_timestamp_seconds", job(cdmIncremental)...)
			r.Expect(t, 1796003600.25, "cdm_migration_run_updated_timestamp_seconds", job(cdmIncremental)...)

			r.Expect(t, 50000, "cdm_migration_rows", job(cdmFailed, "outcome", "read")...)
			r.Expect(t, 49000, "cdm_migration_rows", job(cdmFailed, "outcome", "written")...)
			r.Expect(t, 1000, "cdm_migration_rows", job(cdmFailed, "outcome", "skipped")...)
			r.ExpectAbsent(t, "cdm_migration_bytes", job(cdmFailed)...)
			r.ExpectAbsent(t, "cdm_migration_total_bytes", job(cdmFailed)...)
			// Its dates come as strings.
			r.Expect(t, 1795995000, "cdm_migration_run_started_timestamp_seconds", job(cdmFailed)...)
			r.Expect(t, 1795996800, "cdm_migration_run_updated_timestamp_seconds", job(cdmFailed)...)

			r.ExpectAbsent(t, "cdm_migration_rows", job(cdmFiles)...)
			r.Expect(t, 120, "cdm_migration_files", job(cdmFiles, "outcome", "read")...)
			r.Expect(t, 118, "cdm_migration_files", job(cdmFiles, "outcome", "written")...)
			r.Expect(t, 2, "cdm_migration_files", job(cdmFiles, "outcome", "skipped")...)
			r.Expect(t, 120, "cdm_migration_total_files", job(cdmFiles)...)
			r.Expect(t, 7340032, "cdm_migration_total_bytes", job(cdmFiles)...)
			r.Expect(t, 7340032, "cdm_migration_bytes", job(cdmFiles, "outcome", "read")...)

			// The clusters' status: once per cluster (two jobs share the
			// first), with cluster_id and no task_id.
			cluster := func(id string, extra ...string) []string {
				return append([]string{"account", "e2e", "cluster_id", id}, extra...)
			}
			r.Expect(t, 1, "cdm_migration_cluster_status", cluster(cdmCluster, "status", "normal")...)
			r.Expect(t, 0, "cdm_migration_cluster_status", cluster(cdmCluster, "status", "stopped")...)
			r.Expect(t, 1, "cdm_migration_cluster_status", cluster(cdmStoppedCluster, "status", "stopped")...)
			for _, other := range []string{"creating", "normal", "failed", "create_failed", "restarting", "frozen", "stopping", "starting"} {
				r.Expect(t, 0, "cdm_migration_cluster_status", cluster(cdmStoppedCluster, "status", other)...)
			}
			if n := len(r.Series("cdm_migration_cluster_status")); n != 18 {
				t.Errorf("%d cluster status series, want 9 for each of the 2 clusters", n)
			}
			if n := len(r.Series("cdm_migration_cluster_status", "task_id", cdmIncremental)); n != 0 {
				t.Errorf("cluster status series with a task_id: %d", n)
			}
			r.ExpectAbsent(t, "cdm_migration_last_success_timestamp_seconds")

			// One cluster list a scrape, the job list (2 types × 2 clusters)
			// once per discovery interval, one status call a job.
			api := func(op, code string) []string {
				return []string{"api", "cdm", "operation", op, "code", code}
			}
			r.Expect(t, 2, "migration_exporter_api_requests_total", api("ListClusters", "200")...) // the job list's and the scrape's
			r.Expect(t, 4, "migration_exporter_api_requests_total", api("ShowJobs", "200")...)
			r.Expect(t, 3, "migration_exporter_api_requests_total", api("ShowJobStatus", "200")...)
			if s := r.Series("migration_exporter_field_decode_errors_total", "api", "cdm"); len(s) > 0 {
				t.Errorf("field decode errors: %v", scrapetest.Labels(s[0]))
			}
			r = exp.scrape(t, nil)
			r.Expect(t, 3, "migration_exporter_api_requests_total", api("ListClusters", "200")...)
			r.Expect(t, 4, "migration_exporter_api_requests_total", api("ShowJobs", "200")...)
		})
	}
}

// Hostile and odd answers: each job keeps what can be read, the others
// are intact, and the scrape answers.
func TestEndToEndCDMBadInput(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	addFixedCDM(sim)
	sim.AddCDMCluster(simulator.CDMCluster{ID: "1c2d3e4f-0000-4000-8000-000000000001", Name: "odd", Status: "700"})
	odd := func(name string, run *simulator.CDMRun) string {
		sim.AddCDMJob(simulator.CDMJob{Cluster: "1c2d3e4f-0000-4000-8000-000000000001", Name: name, Run: run})
		return "1c2d3e4f-0000-4000-8000-000000000001/" + name
	}
	nan := odd("nan_progress", &simulator.CDMRun{Status: "RUNNING", Progress: 10, RowsRead: 5,
		Override: map[string]any{"progress": "NaN", "creation-date": "1536905778725", "last-update-date": 1536905779000}})
	huge := odd("huge_progress", &simulator.CDMRun{Status: "PAUSED_BY_ADMIN", RowsRead: 7,
		Override: map[string]any{"progress": json.RawMessage("1e400"), "isIncrementing": "maybe", "last-update-date": "yesterday"}})
	empty := odd("never_submitted", nil)
	// Names no CDM job id may have, in the job list: dropped by discovery,
	// counted and logged once each.
	var rejected []string
	for _, name := range []string{"a/../b", "my job", "..", strings.Repeat("x", 300)} {
		rejected = append(rejected, odd(name, &simulator.CDMRun{Status: "SUCCEEDED"}))
	}
	deleted := cdmCluster + "/customers_full" // configured, never existed
	sim.SetFault(cdmFiles, simulator.Fault{Kind: simulator.FaultServerError})
	malformed := odd("malformed", &simulator.CDMRun{Status: "SUCCEEDED"})
	sim.SetFault(malformed, simulator.Fault{Kind: simulator.FaultMalformed})

	exp := startExporter(t, "--log.level=debug", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		cdmConfig("job_ids: ["+deleted+"]", "discover: true")))
	r := exp.scrape(t, nil)
	job := func(id string, extra ...string) []string { return append([]string{"task_id", id}, extra...) }

	// The intact jobs keep every value.
	r.Expect(t, 1, "cdm_migration_up", job(cdmIncremental)...)
	r.Expect(t, 2500000, "cdm_migration_rows", job(cdmIncremental, "outcome", "read")...)
	r.Expect(t, 1000, "cdm_migration_rows", job(cdmFailed, "outcome", "skipped")...)

	// "NaN": that field only; the dates in either form.
	r.Expect(t, 1, "cdm_migration_up", job(nan)...)
	r.ExpectAbsent(t, "cdm_migration_progress_ratio", job(nan)...)
	r.Expect(t, 5, "cdm_migration_rows", job(nan, "outcome", "read")...)
	r.Expect(t, 1536905778.725, "cdm_migration_run_started_timestamp_seconds", job(nan)...)
	r.Expect(t, 1536905779, "cdm_migration_run_updated_timestamp_seconds", job(nan)...)
	r.Expect(t, 2, "migration_exporter_field_decode_errors_total", "api", "cdm", "field", "progress") // NaN, 1e400

	// An unknown status as it comes, the known ones 0; a progress of 1e400
	// (no float64), a flag that is no boolean, a date that is no date:
	// omitted, each a field error.
	r.Expect(t, 1, "cdm_migration_job_status", job(huge, "status", "PAUSED_BY_ADMIN")...)
	r.Expect(t, 0, "cdm_migration_job_status", job(huge, "status", "RUNNING")...)
	r.ExpectAbsent(t, "cdm_migration_progress_ratio", job(huge)...)
	r.Expect(t, 7, "cdm_migration_rows", job(huge, "outcome", "read")...)
	r.ExpectAbsent(t, "cdm_migration_incremental", job(huge)...)
	r.ExpectAbsent(t, "cdm_migration_run_updated_timestamp_seconds", job(huge)...)
	r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "cdm", "field", "isIncrementing")
	r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "cdm", "field", "last-update-date")

	// No submission at all: up, with nothing to say.
	r.Expect(t, 1, "cdm_migration_up", job(empty)...)
	r.ExpectAbsent(t, "cdm_migration_job_status", job(empty)...)
	r.ExpectAbsent(t, "cdm_migration_rows", job(empty)...)

	// An unknown cluster status code is exported as it comes.
	r.Expect(t, 1, "cdm_migration_cluster_status", "cluster_id", "1c2d3e4f-0000-4000-8000-000000000001", "status", "700")
	r.Expect(t, 0, "cdm_migration_cluster_status", "cluster_id", "1c2d3e4f-0000-4000-8000-000000000001", "status", "normal")

	// Down, each with its reason; no series beyond up.
	r.Expect(t, 0, "cdm_migration_up", job(deleted)...)
	r.ExpectAbsent(t, "cdm_migration_job_info", job(deleted)...)
	r.Expect(t, 0, "cdm_migration_up", job(cdmFiles)...)
	r.Expect(t, 0, "cdm_migration_up", job(malformed)...)
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "cdm", "reason", "not_found")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "cdm", "reason", "http_5xx")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "cdm", "reason", "decode")

	// The four unusable names: dropped, counted, never asked about.
	r.Expect(t, 4, "migration_exporter_discovery_rejected_ids_total", "api", "cdm")
	r.Expect(t, 7, "migration_exporter_discovered_tasks", "account", "e2e", "api", "cdm")
	if n := len(r.Series("cdm_migration_up")); n != 8 {
		t.Errorf("%d CDM jobs exported, want the 7 discovered and the configured one", n)
	}
	for _, s := range r.Series("cdm_migration_up") {
		if id := scrapetest.Labels(s); strings.Contains(id, " ") || strings.Contains(id, "..") || len(id) > 300 {
			t.Errorf("a job with an unusable name was polled: %q", id)
		}
	}
	if strings.Count(exp.Logs.String(), "discovery dropped a task id") != 4 {
		t.Errorf("dropped ids not logged once each:\n%s", exp.Logs.String())
	}
	// Each line names its id (the 300-character one cut to 64 characters).
	for _, id := range rejected {
		if n := strings.Count(exp.Logs.String(), id[:min(len(id), 60)]); n != 1 {
			t.Errorf("%q named %d times in the log, want once:\n%s", id[:min(len(id), 60)], n, exp.Logs.String())
		}
	}
	exp.scrape(t, nil).Expect(t, 4, "migration_exporter_discovery_rejected_ids_total", "api", "cdm") // not listed again within the interval
	if n := strings.Count(exp.Logs.String(), "discovery dropped a task id"); n != 4 {
		t.Errorf("dropped ids logged %d times after a second scrape, want 4", n)
	}
}

// /sd carries the "/" of a CDM task id in __param_task_id, and the probe
// Prometheus makes of it (URL-encoded) reads that job. A task id that is
// not "<cluster id>/<job name>" is refused before any request.
func TestEndToEndCDMServiceDiscoveryAndProbe(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	addFixedCDM(sim)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, cdmConfig("discover: true")))

	var probed int
	for _, g := range sd(t, exp) {
		if g.Labels["module"] != "cdm" {
			continue
		}
		id := g.Labels["task_id"]
		if g.Labels["__param_task_id"] != id || !strings.Contains(id, "/") {
			t.Errorf("target labels %v", g.Labels)
		}
		u := g.probeURL()
		if !strings.Contains(u, "task_id="+strings.ReplaceAll(id, "/", "%2F")) {
			t.Errorf("probe URL %s does not encode the /", u)
		}
		r := scrapetest.Get(t, u, nil)
		r.Expect(t, 1, "probe_success")
		r.Expect(t, 1, "cdm_migration_up", "task_id", id)
		probed++
	}
	if probed != 3 {
		t.Errorf("%d CDM targets, want 3", probed)
	}
	r := scrapetest.Get(t, probeURL(exp.URL, "e2e", "cdm", cdmFailed), nil)
	r.Expect(t, 1000, "cdm_migration_rows", "task_id", cdmFailed, "outcome", "skipped")
	r.Expect(t, 1, "cdm_migration_cluster_status", "cluster_id", cdmCluster, "status", "normal")

	before := sim.Requests(simulator.OpCDMShowJobStatus, cdmCluster+"/a")
	for _, id := range []string{"orders_incremental", cdmCluster + "/a/../b", cdmCluster + "/a b", "not-a-uuid/a", cdmCluster + "/"} {
		if a := get(t, probeURL(exp.URL, "e2e", "cdm", id)); a.code != http.StatusBadRequest || !strings.Contains(a.body, "not a valid task id") {
			t.Errorf("probe of %q: %d %s", id, a.code, a.body)
		}
	}
	// A CDM id is no task id of another module.
	if a := get(t, probeURL(exp.URL, "e2e", "dcs", cdmFailed)); a.code != http.StatusBadRequest {
		t.Errorf("dcs probe of a CDM id: %d", a.code)
	}
	if sim.Requests(simulator.OpCDMShowJobStatus, cdmCluster+"/a") != before {
		t.Error("a refused id reached the API")
	}

	// The debug trace: the request's path and the fields with their
	// transforms.
	trace := get(t, probeURL(exp.URL, "e2e", "cdm", cdmIncremental)+"&debug=true").body
	for _, want := range []string{
		"GET /v1.1/" + testProject + "/clusters/" + cdmCluster + "/cdm/job/orders_incremental/status -> 200",
		"progress: 42.5 -> /100 (percent to ratio) -> 0.425",
		`ROWS_READ "read": 2.5e+06 -> as is -> 2.5e+06`,
		`status: "RUNNING" (a known state)`,
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
}

func TestEndToEndCDMDiscoveryAcrossPages(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true)
	sim.AddCDMCluster(simulator.CDMCluster{ID: cdmCluster, Name: "cdm-prod"})
	const n = 230 // three pages of normal jobs
	for i := range n {
		sim.AddCDMJob(simulator.CDMJob{Cluster: cdmCluster, Name: fmt.Sprintf("job_%03d", i),
			Run: &simulator.CDMRun{Status: "SUCCEEDED", Progress: 100, RowsRead: float64(i)}})
	}
	sim.AddCDMJob(simulator.CDMJob{Cluster: cdmCluster, Name: "batch", JobType: "BATCH_JOB", Run: &simulator.CDMRun{Status: "RUNNING"}})
	exp := startExporter(t, "--api.concurrency=32", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 5000\n"+cdmConfig("job_ids: ["+cdmCluster+"/job_000]", "discover: true")))
	r := exp.scrape(t, nil)
	if got := len(r.Series("cdm_migration_up")); got != n+1 {
		t.Errorf("%d CDM jobs exported, want %d", got, n+1)
	}
	r.Expect(t, 229, "cdm_migration_rows", "task_id", cdmCluster+"/job_229", "outcome", "read")
	r.Expect(t, 1, "cdm_migration_job_info", "task_id", cdmCluster+"/batch", "job_type", "BATCH_JOB")
	r.Expect(t, n+1, "migration_exporter_discovered_tasks", "account", "e2e", "api", "cdm")
	if got := sim.Requests(simulator.OpCDMShowJobs, ""); got != 4 {
		t.Errorf("job list called %d times, want 3 pages of normal jobs and 1 of batch jobs", got)
	}
	if got := sim.Requests(simulator.OpCDMShowJobStatus, cdmCluster+"/job_000"); got != 1 {
		t.Errorf("job_000 polled %d times in one scrape, want 1", got)
	}
}

// A cluster list of thousands: discovery reads the jobs of the first 200
// clusters only (2 job-list calls each), a job configured in a cluster past
// them is polled all the same, and every watched job's cluster status
// comes from the one cluster list, wherever the cluster is in it.
func TestEndToEndCDMThousandsOfClusters(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	cluster := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
	for i := range 3000 {
		status := "200"
		if i == 2999 {
			status = "920" // starting
		}
		sim.AddCDMCluster(simulator.CDMCluster{ID: cluster(i), Name: fmt.Sprintf("cdm-%04d", i), Status: status})
	}
	job := func(i int, name string, rows float64) string {
		sim.AddCDMJob(simulator.CDMJob{Cluster: cluster(i), Name: name, FromLink: "mysql", ToLink: "dws",
			Run: &simulator.CDMRun{Status: "SUCCEEDED", Progress: 100, RowsRead: rows}})
		return cluster(i) + "/" + name
	}
	first, last := job(0, "first", 10), job(199, "last_listed", 20)
	unlisted := job(200, "past_the_bound", 30) // not discovered, not configured
	configured := job(2999, "configured", 40)
	exp := startExporter(t, "--api.concurrency=8", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 5000\n"+cdmConfig("job_ids: ["+configured+"]", "discover: true")))
	r := exp.scrape(t, nil)

	r.Expect(t, 10, "cdm_migration_rows", "task_id", first, "outcome", "read")
	r.Expect(t, 20, "cdm_migration_rows", "task_id", last, "outcome", "read")
	r.Expect(t, 1, "cdm_migration_job_info", "task_id", last, "cluster_name", "cdm-0199")
	r.Expect(t, 40, "cdm_migration_rows", "task_id", configured, "outcome", "read")
	r.ExpectAbsent(t, "cdm_migration_job_info", "task_id", configured) // its cluster's jobs are not listed
	r.ExpectAbsent(t, "cdm_migration_up", "task_id", unlisted)
	if n := len(r.Series("cdm_migration_up")); n != 3 {
		t.Errorf("%d CDM jobs exported, want 3", n)
	}
	r.Expect(t, 2, "migration_exporter_discovered_tasks", "account", "e2e", "api", "cdm")
	r.Expect(t, 1, "cdm_migration_cluster_status", "cluster_id", cluster(2999), "status", "starting")
	r.Expect(t, 1, "cdm_migration_cluster_status", "cluster_id", cluster(0), "status", "normal")
	if n := len(r.Series("cdm_migration_cluster_status")); n != 3*9 {
		t.Errorf("%d cluster status series, want 9 for each of the 3 clusters of a watched job", n)
	}
	if got := sim.Requests(simulator.OpCDMShowJobs, ""); got != 2*200 {
		t.Errorf("%d job-list calls, want 400 (2 job types for each of the first 200 clusters)", got)
	}
	if got := sim.Requests(simulator.OpCDMListClusters, ""); got != 2 {
		t.Errorf("%d cluster lists, want 2 (the job list's and the scrape's)", got)
	}
	if sim.Requests(simulator.OpCDMShowJobStatus, unlisted) != 0 {
		t.Error("a job of a cluster past the bound was polled")
	}
}
