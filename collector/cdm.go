package collector

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// cdmStatuses are the statuses of a CDM job's run that the state set
// always exports.
var cdmStatuses = []string{"BOOTING", "FAILURE_ON_SUBMIT", "RUNNING", "SUCCEEDED", "FAILED", "UNKNOWN", "NEVER_EXECUTED"}

// cdmClusterStatuses name a CDM cluster's numeric status codes, which the
// API sends as strings. The state set exports every name; an unknown code
// is exported as it comes.
var cdmClusterStatuses = map[string]string{
	"100": "creating", "200": "normal", "300": "failed", "303": "create_failed", "500": "restarting",
	"800": "frozen", "900": "stopped", "910": "stopping", "920": "starting",
}

// cdmClusterStatusNames are cdmClusterStatuses' names, in code order.
var cdmClusterStatusNames = []string{"creating", "normal", "failed", "create_failed", "restarting",
	"frozen", "stopped", "stopping", "starting"}

// cdmClusterStatus is the name of a cluster's status code: its name, an
// unknown number as its digits, anything else as it comes ("" for none).
func cdmClusterStatus(code huaweicloud.Text) string {
	if name, ok := cdmClusterStatuses[string(code)]; ok {
		return name
	}
	if v, err := strconv.ParseFloat(string(code), 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1e15 {
		if name, ok := cdmClusterStatuses[strconv.FormatFloat(v, 'f', -1, 64)]; ok {
			return name // " 200", "200.0"
		}
	}
	return string(code)
}

// The outcomes of the rows, bytes and files families besides
// outcomeSkipped.
const (
	outcomeRead    = "read"
	outcomeWritten = "written"
)

// reasonSkippedRows is the blocker of a CDM job whose latest run skipped
// rows (dirty data).
const reasonSkippedRows = "skipped_rows"

// cdm is CDM (Cloud Data Migration) jobs, addressed by cluster and name:
// one call (ShowJobStatus) a job, the cluster list once a scrape for the
// clusters' status, and every cluster's job list, cached for the discovery
// interval, which names the jobs (also without discover: true) and gives
// discovery its ids.
type cdm struct {
	up, info, status, progress, incremental, rows, bytes, files, totalBytes, totalFiles,
	started, updated, clusterStatus, lastSuccess *prometheus.Desc
}

func newCDM(ix labelIndex) *cdm {
	d := ix.taskDesc
	return &cdm{
		up: d("cdm_migration_up", "1 if the CDM job's status was read this scrape, else 0."),
		info: d("cdm_migration_job_info", "Descriptive labels of a CDM job from the job list; always 1.",
			"cluster_id", "cluster_name", "job_name", "job_type", "from_link", "to_link"),
		status: ix.stateSetDesc("cdm_migration_job_status", "Status of the CDM job's latest run as a state set: 1 for the current status, 0 for the other known ones.",
			"status", cdmStatuses),
		progress:    d("cdm_migration_progress_ratio", "Progress of the latest run, 0 to 1; absent when the run failed."),
		incremental: d("cdm_migration_incremental", "1 if the latest run is migrating incrementally, else 0."),
		rows:        d("cdm_migration_rows", "Rows of the latest run, by outcome (read, written, skipped); a gauge, started again by every run.", "outcome"),
		bytes:       d("cdm_migration_bytes", "Bytes of the latest run, by outcome (read, written); a gauge, started again by every run.", "outcome"),
		files:       d("cdm_migration_files", "Files of the latest run, by outcome (read, written, skipped); a gauge, started again by every run.", "outcome"),
		totalBytes:  d("cdm_migration_total_bytes", "Bytes the latest run migrates in all."),
		totalFiles:  d("cdm_migration_total_files", "Files the latest run migrates in all."),
		started:     d("cdm_migration_run_started_timestamp_seconds", "When the latest run started."),
		updated:     d("cdm_migration_run_updated_timestamp_seconds", "When the latest run was last updated."),
		clusterStatus: ix.shareStates(ix.idDesc("cluster_id", "cdm_migration_cluster_status",
			"Status of the CDM cluster of a watched job as a state set: 1 for the current status, 0 for the other known ones.", "status"),
			"status", cdmClusterStatusNames),
		lastSuccess: d("cdm_migration_last_success_timestamp_seconds", "When the answer served was read from the API (only with cdm.min_interval)."),
	}
}

func (*cdm) module() string                            { return huaweicloud.APICDM }
func (*cdm) api() string                               { return huaweicloud.APICDM }
func (*cdm) settings(a *config.Account) config.Service { return a.CDM.Service() }
func (*cdm) endpoint(e config.Endpoints) string        { return e.CDM }
func (*cdm) validTaskID(id string) bool                { return config.ValidCDMJobID(id) }

func (d *cdm) stateDesc() *prometheus.Desc { return d.status }

// terminal: a CDM job whose latest run SUCCEEDED or FAILED, unless that
// run migrates incrementally (it goes on).
func (d *cdm) terminal(state string, s *exposition.Series) bool {
	if state != "SUCCEEDED" && state != "FAILED" {
		return false
	}
	incremental, _ := seriesValue(s, d.incremental)
	return incremental != 1
}

func (d *cdm) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.status, d.progress, d.incremental, d.rows, d.bytes, d.files,
		d.totalBytes, d.totalFiles, d.started, d.updated, d.clusterStatus, d.lastSuccess}
}

// cdmState is what an account keeps for CDM: the job list of every
// cluster, cached for the discovery interval.
type cdmState struct {
	jobs *listCache[huaweicloud.CDMJob]
}

// cdmTaskID is a listed job's task id.
func cdmTaskID(j huaweicloud.CDMJob) string { return j.ClusterID + "/" + string(j.Name) }

func (*cdm) newState(w *watched, a *config.Account) any {
	jobs := newListCache(a.CDM.DiscoveryInterval, w.client().CDMJobs, cdmTaskID, w.reportRejected)
	jobs.valid = config.ValidCDMJobID
	return &cdmState{jobs: jobs}
}

// listTaskIDs lists through the job-list cache, so that discovery and the
// jobs' names share one list per interval.
func (*cdm) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return namingListIDs(ctx, w.state.(*cdmState).jobs)
}

// cdmJob is what one scrape learnt about one CDM job.
type cdmJob struct {
	d             *cdm
	cluster, name string
	status        huaweicloud.CDMJobStatus
	err           error
	fetched       time.Time                 // set only with a min interval
	jobs          *[]huaweicloud.CDMJob     // the account's job list, read once a scrape
	clusters      *[]huaweicloud.CDMCluster // the cluster list, read once a scrape
	clustersErr   *error                    // its error
	// clusterShown says this job sends its cluster's status: the first
	// job of each cluster in the plan, so that the series is sent once.
	clusterShown bool
}

// callsPerScrape: one call a job and the cluster list (the job lists
// come once per discovery interval).
func (d *cdm) callsPerScrape(_ *watched, n int) float64 { return float64(n) + 1 }

func (d *cdm) plan(w *watched, ids []string) ([]taskReader, []call) {
	if len(ids) == 0 {
		return nil, nil // no job: no list to read either
	}
	jobs, clusters, clustersErr := new([]huaweicloud.CDMJob), new([]huaweicloud.CDMCluster), new(error)
	readers := make([]taskReader, len(ids))
	seen := make(map[string]bool)
	for i, id := range ids {
		cluster, name, _ := config.SplitCDMJobID(id)
		readers[i] = &cdmJob{d: d, cluster: cluster, name: name, jobs: jobs, clusters: clusters, clustersErr: clustersErr,
			clusterShown: !seen[cluster]}
		seen[cluster] = true
	}
	calls := []call{
		{first: 0, n: len(ids), run: func(ctx context.Context) {
			*jobs = namingList(ctx, w, w.state.(*cdmState).jobs, "CDM job list")
		}},
		{first: 0, n: len(ids), run: func(ctx context.Context) {
			*clusters, _, *clustersErr = fetch(ctx, w, "clusters", w.client().CDMClusters)
		}},
	}
	for i := range ids {
		r := readers[i].(*cdmJob)
		calls = append(calls, call{first: i, n: 1, run: func(ctx context.Context) {
			r.status, r.fetched, r.err = fetch(ctx, w, "status "+ids[i], func(ctx context.Context) (huaweicloud.CDMJobStatus, error) {
				return w.client().CDMJobStatus(ctx, r.cluster, r.name)
			})
		}})
	}
	return readers, calls
}

// metrics sends one job's metrics: those of its latest run, and its
// cluster's status when it is the first job of its cluster. A counter of
// -1 (not applicable) and a progress of -1 (a failed run) are omitted.
func (r *cdmJob) metrics(m *emitter) (bool, error) {
	d := r.d
	m.taskGauge(d.up, boolFloat(r.err == nil))
	if r.err != nil {
		return false, r.err
	}
	for _, j := range *r.jobs {
		if j.ClusterID == r.cluster && string(j.Name) == r.name {
			m.taskGauge(d.info, 1, j.ClusterID, j.ClusterName, string(j.Name), string(j.JobType), string(j.FromLink), string(j.ToLink))
			break
		}
	}
	var clusterErr error
	if r.clusterShown {
		clusterErr = r.clusterMetrics(m)
	}
	m.timestamp(d.lastSuccess, r.fetched)
	run, ok := r.status.Latest()
	if !ok {
		m.checkField("submissions", nil)
		return true, clusterErr
	}
	m.stateSet(d.status, "status", cdmStatuses, string(run.Status))
	if measured(run.Progress) {
		m.number(d.progress, "progress", run.Progress, percentToRatio)
	}
	m.boolean(d.incremental, "isIncrementing", run.IsIncrementing)
	c := run.Counters.Sqoop
	applicable := func(desc *prometheus.Desc, field string, n huaweicloud.Number, extra ...string) {
		if measured(n) {
			m.number(desc, field, n, asIs, extra...)
		}
	}
	applicable(d.rows, "ROWS_READ", c.RowsRead, outcomeRead)
	applicable(d.rows, "ROWS_WRITTEN", c.RowsWritten, outcomeWritten)
	applicable(d.rows, "ROWS_WRITTEN_SKIPPED", c.RowsWrittenSkipped, outcomeSkipped)
	applicable(d.bytes, "BYTES_READ", c.BytesRead, outcomeRead)
	applicable(d.bytes, "BYTES_WRITTEN", c.BytesWritten, outcomeWritten)
	applicable(d.files, "FILES_READ", c.FilesRead, outcomeRead)
	applicable(d.files, "FILES_WRITTEN", c.FilesWritten, outcomeWritten)
	applicable(d.files, "FILES_SKIPPED", c.FilesSkipped, outcomeSkipped)
	applicable(d.totalBytes, "TOTAL_SIZE", c.TotalSize)
	applicable(d.totalFiles, "TOTAL_FILES", c.TotalFiles)
	// Timestamps are read as seconds (ms since the epoch, as a number or
	// a string).
	m.number(d.started, "creation-date", run.CreationDate.Number, asIs)
	m.number(d.updated, "last-update-date", run.LastUpdateDate.Number, asIs)
	return true, clusterErr
}

// clusterMetrics sends the status of the job's cluster, whose series carry
// the cluster's id where a task's carry its own. It returns the cluster
// list's error: the job is up all the same.
func (r *cdmJob) clusterMetrics(m *emitter) error {
	if *r.clustersErr != nil {
		return *r.clustersErr
	}
	for _, c := range *r.clusters {
		if string(c.ID) != r.cluster {
			continue
		}
		id := m.task[1]
		m.task[1] = r.cluster
		m.stateSet(r.d.clusterStatus, "cluster status", cdmClusterStatusNames, cdmClusterStatus(c.Status))
		m.task[1] = id
		return nil
	}
	return nil
}

// The status page's judgement of a CDM job (readiness.go): counts[0] is
// the latest run's skipped rows, code whether it is incremental.
const (
	cdmSkipped = 0
	// codes of a readiness: incremental unknown (0), no, yes.
	cdmNotIncremental = 1
	cdmIncremental    = 2
)

// noteReadiness keeps the latest run's skipped rows and whether it is
// incremental.
func (d *cdm) noteReadiness(r *readiness, desc *prometheus.Desc, _ string, labels []*dto.LabelPair, v float64) {
	switch {
	case desc == d.rows && labelOf(labels, "outcome") == outcomeSkipped:
		r.setCount(cdmSkipped, v)
	case desc == d.incremental:
		r.code = cdmNotIncremental
		if v == 1 {
			r.code = cdmIncremental
		}
	}
}

// blockers judges a CDM job as the rule file does: ready when its latest
// run SUCCEEDED, or is RUNNING incrementally, with no skipped rows.
// failed in FAILED or FAILURE_ON_SUBMIT (CDMJobFailed), in_progress in any
// other status (a full run still running, BOOTING, never run),
// skipped_rows when the run skipped rows (CDMRowsSkipped). CDM has no
// verification.
func (*cdm) blockers(s *TaskStatus, _ time.Time) ([]Blocker, string) {
	var out []Blocker
	switch {
	case s.State == "FAILED" || s.State == "FAILURE_ON_SUBMIT":
		out = append(out, failedBlocker(s.State))
	case s.State == "SUCCEEDED":
	case s.State == "RUNNING" && s.ready.code == cdmIncremental:
	case s.State == "RUNNING":
		out = append(out, Blocker{reasonInProgress, "running, not incremental: not finished"})
	default:
		out = append(out, Blocker{reasonInProgress, "not finished (" + stateText(s.State) + ")"})
	}
	if n, ok := s.ready.count(cdmSkipped); ok && n > 0 {
		out = append(out, Blocker{reasonSkippedRows, plural(n, "row") + " skipped"})
	}
	return out, ""
}
