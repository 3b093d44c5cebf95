package simulator

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The CDM operations Requests counts: ShowJobStatus by task id
// ("<cluster id>/<job name>"), the lists with "".
const (
	OpCDMListClusters  = "cdm ListClusters"
	OpCDMShowJobs      = "cdm ShowJobs"
	OpCDMShowJobStatus = "cdm ShowJobStatus"
)

// CDMCluster is a simulated CDM cluster.
type CDMCluster struct {
	ID, Name string
	// Status is the numeric status code, sent as a string ("200" normal,
	// "900" stopped, …); default "200".
	Status string
}

// CDMJob is a simulated CDM job: a name in a cluster, and its latest run.
type CDMJob struct {
	Cluster, Name    string
	JobType          string // NORMAL_JOB (default) or BATCH_JOB
	FromLink, ToLink string
	// Run is the latest run; nil for a job whose status lists no
	// submission at all.
	Run *CDMRun
}

// CDMRun is what ShowJobStatus reports of a job's latest run. Counters of
// -1 are "not applicable" (sent as -1, as CDM does).
type CDMRun struct {
	Status      string  // BOOTING, RUNNING, SUCCEEDED, FAILED, NEVER_EXECUTED, …
	Progress    float64 // 0 to 100; -1 when the run failed
	Incremental bool
	// CreationMs and UpdateMs are ms since the epoch; 0 leaves them out.
	CreationMs, UpdateMs float64
	// DatesAsStrings sends the dates as JSON strings (the newer edition's
	// example), whatever the simulator's number mode.
	DatesAsStrings                                    bool
	RowsRead, RowsWritten, RowsSkipped                float64
	BytesRead, BytesWritten                           float64
	FilesRead, FilesWritten, FilesSkipped, TotalFiles float64
	TotalBytes                                        float64
	// RowsPerSecond, when positive, makes the rows read and written (and
	// the bytes, 200 a row) grow with the simulator's clock.
	RowsPerSecond float64
	ErrorSummary  string
	// Override are fields of the submission sent as given instead (a
	// hostile or odd answer: "progress": "NaN", an unknown status).
	Override map[string]any
}

// cdmState is the simulator's CDM clusters and jobs, in list order,
// guarded by the simulator's lock.
type cdmState struct {
	clusters []*CDMCluster
	jobs     []*CDMJob
}

func (c CDMCluster) taskID() string { return c.ID }
func (j CDMJob) taskID() string     { return j.Cluster + "/" + j.Name }

// AddCDMCluster adds (or replaces) a CDM cluster.
func (s *Simulator) AddCDMCluster(c CDMCluster) {
	s.locked(func() { s.cdm.clusters = upsert(s.cdm.clusters, c) })
}

// AddCDMJob adds (or replaces) a CDM job; its cluster should exist.
func (s *Simulator) AddCDMJob(j CDMJob) { s.locked(func() { s.cdm.jobs = upsert(s.cdm.jobs, j) }) }

// RemoveCDMJob deletes a CDM job ("<cluster id>/<job name>"): its status
// then answers 400 Cdm.0100.
func (s *Simulator) RemoveCDMJob(id string) {
	s.locked(func() { s.cdm.jobs = without(s.cdm.jobs, id) })
}

// cdmRoutes serves the CDM v1.1 cluster and job APIs.
func (s *Simulator) cdmRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1.1/{project_id}/clusters", s.cdmClusters)
	mux.HandleFunc("GET /v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}", s.cdmJobs)
	mux.HandleFunc("GET /v1.1/{project_id}/clusters/{cluster_id}/cdm/job/{job_name}/status", s.cdmJobStatus)
}

// cdmJobNotFound is CDM's answer about a job that does not exist.
func cdmJobNotFound(name string) *apiError {
	return &apiError{http.StatusBadRequest, "Cdm.0100", fmt.Sprintf("Job [%s] does not exist.", name)}
}

// errCDMClusterNotFound is the answer about a cluster that does not exist.
var errCDMClusterNotFound = &apiError{http.StatusBadRequest, "Cdm.0001", "The cluster does not exist or is invalid."}

func (s *Simulator) cdmClusters(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r, OpCDMListClusters, "", errCDMClusterNotFound) {
		return
	}
	var out []map[string]any
	s.locked(func() {
		for _, c := range s.cdm.clusters {
			status := c.Status
			if status == "" {
				status = "200"
			}
			out = append(out, map[string]any{"id": c.ID, "name": c.Name, "status": status, "isFrozen": "0",
				"created": "2026-11-30T08:38:25", "azName": "cn-north-4a", "flavorName": "cdm.large"})
		}
	})
	writeJSON(w, map[string]any{"clusters": out})
}

// cdmJobs answers ShowJobs: with job_name "all" one page (page_no from 1,
// page_size 10 to 100, as CDM takes them) of the cluster's jobs of the
// jobType asked (NORMAL_JOB by default).
func (s *Simulator) cdmJobs(w http.ResponseWriter, r *http.Request) {
	cluster, name := r.PathValue("cluster_id"), r.PathValue("job_name")
	if !s.begin(w, r, OpCDMShowJobs, "", errCDMClusterNotFound) {
		return
	}
	q := r.URL.Query()
	pageNo, size, jobType := 1, 10, q.Get("jobType")
	if v := q.Get("page_no"); v != "" {
		pageNo, _ = strconv.Atoi(v)
	}
	if v := q.Get("page_size"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	if pageNo < 1 || size < 10 || size > 100 {
		(&apiError{http.StatusBadRequest, "Cdm.0003", "Invalid page_no or page_size."}).write(w)
		return
	}
	if jobType == "" {
		jobType = "NORMAL_JOB"
	}
	var jobs []CDMJob
	known := false
	s.locked(func() {
		_, known = lookup(s.cdm.clusters, cluster)
		for _, j := range s.cdm.jobs {
			if j.Cluster == cluster && (name == "all" && j.jobType() == jobType || j.Name == name) {
				jobs = append(jobs, *j)
			}
		}
	})
	switch {
	case !known:
		errCDMClusterNotFound.write(w)
		return
	case name != "all" && len(jobs) == 0:
		cdmJobNotFound(name).write(w)
		return
	}
	page := pageOf(jobs, (pageNo-1)*size, size)
	bodies := make([]map[string]any, 0, len(page))
	for _, j := range page {
		bodies = append(bodies, map[string]any{"name": j.Name, "job_type": j.jobType(),
			"from-link-name": j.FromLink, "to-link-name": j.ToLink, "from-connector-name": "generic-jdbc-connector",
			"to-connector-name": "dws-connector", "creation-date": 1796000000000})
	}
	writeJSON(w, map[string]any{"total": len(jobs), "jobs": bodies, "page_no": pageNo, "page_size": size})
}

func (j CDMJob) jobType() string {
	if j.JobType == "" {
		return "NORMAL_JOB"
	}
	return j.JobType
}

// cdmJobStatus answers ShowJobStatus: the job's latest run, with the
// documentation's misspelt last-udpate-user key.
func (s *Simulator) cdmJobStatus(w http.ResponseWriter, r *http.Request) {
	cluster, name := r.PathValue("cluster_id"), r.PathValue("job_name")
	id := cluster + "/" + name
	if !s.begin(w, r, OpCDMShowJobStatus, id, cdmJobNotFound(name)) {
		return
	}
	var j CDMJob
	var ok bool
	s.locked(func() { j, ok = lookup(s.cdm.jobs, id) })
	if !ok {
		cdmJobNotFound(name).write(w)
		return
	}
	subs := []map[string]any{}
	if j.Run != nil {
		subs = append(subs, s.cdmSubmission(j.Name, j.Run.at(s.elapsed())))
	}
	writeJSON(w, map[string]any{"submissions": subs})
}

// at is the run at e after the simulator's start: rows and bytes grow at
// RowsPerSecond.
func (run CDMRun) at(e time.Duration) CDMRun {
	if run.RowsPerSecond > 0 && e > 0 {
		rows := math.Round(run.RowsPerSecond * e.Seconds())
		run.RowsRead += rows
		run.RowsWritten += rows
		run.BytesRead += 200 * rows
		run.BytesWritten += 200 * rows
		if run.UpdateMs > 0 {
			run.UpdateMs += float64(e.Milliseconds())
		}
	}
	return run
}

// cdmSubmission is one entry of submissions[].
func (s *Simulator) cdmSubmission(name string, run CDMRun) map[string]any {
	date := func(ms float64) any {
		if run.DatesAsStrings {
			return strconv.FormatFloat(ms, 'f', -1, 64)
		}
		return s.num(ms)
	}
	sub := map[string]any{
		"job-name": name, "status": run.Status, "progress": s.num(run.Progress),
		"isIncrementing": run.Incremental, "isStopingIncrement": "", "is-execute-auto": false, "isDeleteJob": false,
		"creation-user": "cdm", "last-udpate-user": "cdm", "external-id": "job_local1127970451_0009",
	}
	if run.CreationMs > 0 {
		sub["creation-date"] = date(run.CreationMs)
	}
	if run.UpdateMs > 0 {
		sub["last-update-date"] = date(run.UpdateMs)
	}
	if run.ErrorSummary != "" {
		sub["error-summary"] = run.ErrorSummary
	}
	counters := map[string]any{}
	for k, v := range map[string]float64{
		"ROWS_READ": run.RowsRead, "ROWS_WRITTEN": run.RowsWritten, "ROWS_WRITTEN_SKIPPED": run.RowsSkipped,
		"BYTES_READ": run.BytesRead, "BYTES_WRITTEN": run.BytesWritten, "TOTAL_SIZE": run.TotalBytes,
		"FILES_READ": run.FilesRead, "FILES_WRITTEN": run.FilesWritten, "FILES_SKIPPED": run.FilesSkipped,
		"TOTAL_FILES": run.TotalFiles,
	} {
		counters[k] = s.num(v)
	}
	sub["counters"] = map[string]any{"org.apache.sqoop.submission.counter.SqoopCounters": counters}
	maps.Copy(sub, run.Override)
	return sub
}

// The demo's CDM clusters and the job of its config that was deleted.
const (
	DemoCDMCluster        = "7a9f2c1e-5b3d-4e8f-9a0b-1c2d3e4f5a6b"
	DemoStoppedCDMCluster = "8b0a3d2f-6c4e-4f9a-8b1c-2d3e4f5a6b7c"
	// DemoDeletedCDMJob is configured in the demo but no longer exists:
	// its status answers 400 Cdm.0100.
	DemoDeletedCDMJob = DemoCDMCluster + "/legacy_sync"
)

// addDemoCDM adds the demo's CDM clusters and jobs: in the normal cluster
// a job migrating incrementally (its rows grow), a full load that
// succeeded, and one that failed with skipped rows (dirty data); in the
// stopped cluster a batch job never executed.
func (s *Simulator) addDemoCDM() {
	s.AddCDMCluster(CDMCluster{ID: DemoCDMCluster, Name: "cdm-prod"})
	s.AddCDMCluster(CDMCluster{ID: DemoStoppedCDMCluster, Name: "cdm-archive", Status: "900"})
	s.AddCDMJob(CDMJob{Cluster: DemoCDMCluster, Name: "orders_incremental", FromLink: "mysql-orders", ToLink: "dws-dw",
		Run: &CDMRun{Status: "RUNNING", Progress: 100, Incremental: true, CreationMs: 1796000000000, UpdateMs: 1796003600000,
			RowsRead: 2_500_000, RowsWritten: 2_500_000, BytesRead: 500_000_000, BytesWritten: 500_000_000,
			FilesRead: -1, FilesWritten: -1, FilesSkipped: -1, TotalBytes: -1, TotalFiles: -1, RowsPerSecond: 50}})
	s.AddCDMJob(CDMJob{Cluster: DemoCDMCluster, Name: "customers_full", FromLink: "mysql-crm", ToLink: "dws-dw",
		Run: &CDMRun{Status: "SUCCEEDED", Progress: 100, CreationMs: 1795990000000, UpdateMs: 1795993600000, DatesAsStrings: true,
			RowsRead: 120_000, RowsWritten: 120_000, BytesRead: -1, BytesWritten: -1,
			FilesRead: -1, FilesWritten: -1, FilesSkipped: -1, TotalBytes: -1, TotalFiles: -1}})
	s.AddCDMJob(CDMJob{Cluster: DemoCDMCluster, Name: "events_to_dws", FromLink: "oracle-events", ToLink: "dws-dw",
		Run: &CDMRun{Status: "FAILED", Progress: -1, CreationMs: 1795995000000, UpdateMs: 1795996800000,
			RowsRead: 50_000, RowsWritten: 49_000, RowsSkipped: 1_000, BytesRead: 10_000_000, BytesWritten: 9_800_000,
			FilesRead: -1, FilesWritten: -1, FilesSkipped: -1, TotalBytes: -1, TotalFiles: -1,
			ErrorSummary: "dirty data exceeds the threshold"}})
	s.AddCDMJob(CDMJob{Cluster: DemoStoppedCDMCluster, Name: "logs_to_obs", JobType: "BATCH_JOB", FromLink: "hdfs-logs", ToLink: "obs-archive",
		Run: &CDMRun{Status: "NEVER_EXECUTED", Progress: 0,
			RowsRead: -1, RowsWritten: -1, RowsSkipped: -1, BytesRead: -1, BytesWritten: -1,
			FilesRead: -1, FilesWritten: -1, FilesSkipped: -1, TotalBytes: -1, TotalFiles: -1}})
}
