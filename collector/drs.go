package collector

import (
	"context"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// drsStatuses are the DRS job statuses the state set always exports.
var drsStatuses = []string{
	"CREATING", "CREATE_FAILED", "CONFIGURATION", "STARTJOBING", "WAITING_FOR_START", "START_JOB_FAILED",
	"PAUSING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE",
	"INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED",
	"RELEASE_RESOURCE_COMPLETE", "REBUILD_NODE_STARTED", "REBUILD_NODE_FAILED", "CHANGE_JOB_STARTED",
	"CHANGE_JOB_FAILED", "DELETED", "CHILD_TRANSFER_STARTING", "CHILD_TRANSFER_STARTED", "CHILD_TRANSFER_COMPLETE",
	"CHILD_TRANSFER_FAILED", "RELEASE_CHILD_TRANSFER_STARTED", "RELEASE_CHILD_TRANSFER_COMPLETE",
	"NODE_UPGRADE_START", "NODE_UPGRADE_COMPLETE", "NODE_UPGRADE_FAILED",
}

// drsTerminal are the statuses a DRS job ends in: its transfer (or its
// resources' release) complete or failed, or the job deleted. The failures
// of an operation on a running job (a node rebuilt, upgraded, the job
// changed) are not: the job goes on.
var drsTerminal = []string{"CREATE_FAILED", "START_JOB_FAILED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE",
	"INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_FAILED", "RELEASE_RESOURCE_COMPLETE", "DELETED", "CHILD_TRANSFER_COMPLETE",
	"CHILD_TRANSFER_FAILED", "RELEASE_CHILD_TRANSFER_COMPLETE"}

// drsCompareStatuses are the comparison statuses the compare state set
// always exports.
var drsCompareStatuses = []string{"WAITING_FOR_RUNNING", "RUNNING", "SUCCESSFUL", "FAILED", "CANCELLED",
	"TIMEOUT_INTERRUPT", "FULL_DOING", "INCRE_DOING"}

// maxDRSPhases bounds the progress_map phases exported per job (the API
// sends struct, data and index): the keys come from the network.
const maxDRSPhases = 8

// stageDelayUnit is the unit of monitor-data's src_delay and dst_delay,
// which DRS does not document: they are taken as milliseconds, like the
// job's incre_trans_delay_millis. This is the one place that decides it
// (docs/metrics.md says so).
var stageDelayUnit = transform{"/1000 (unit undocumented, taken as ms)", msToSeconds.apply}

// drs is DRS (database migration, synchronization and disaster-recovery
// jobs): two batch calls (status, progress) per batch of jobs, the job
// list, cached, for the jobs' names, each job's data comparisons once per
// verify_interval, the monitor data of each job in its incremental phase,
// and the RPO and RTO of the disaster-recovery jobs (a batch call).
type drs struct {
	up, info, status, progress, phase, delay, remaining, lastSuccess,
	compareStatus, compareFinished, compareTables, compareObjects,
	stageDelay, endpointUp, applyRate, rpo, rto *prometheus.Desc
}

func newDRS(ix labelIndex) *drs {
	d := ix.taskDesc
	return &drs{
		up: d("drs_migration_up", "1 if the DRS job's status and progress were read this scrape, else 0."),
		info: d("drs_migration_job_info", "Descriptive labels of a DRS job from the job list; always 1.",
			"job_name", "engine_type", "job_direction", "db_use_type"),
		status:      ix.stateSetDesc("drs_migration_job_status", "DRS job status as a state set: 1 for the current status, 0 for the other known ones.", "status", drsStatuses),
		progress:    d("drs_migration_progress_ratio", "Progress of the DRS job, 0 to 1."),
		phase:       d("drs_migration_phase_progress_ratio", "Progress of each phase of the full migration (struct, data, index), 0 to 1.", "phase"),
		delay:       d("drs_migration_replication_delay_seconds", "Replication delay of the incremental phase; absent while not measured."),
		remaining:   d("drs_migration_remaining_seconds", "Time the job is expected to take still."),
		lastSuccess: d("drs_migration_last_success_timestamp_seconds", "When the answers served were read from the API (only with drs.min_interval)."),
		compareStatus: d("drs_migration_compare_status", "Status of the job's latest data comparison of each type (object, rows, contents) as a state set: 1 for its status, 0 for the other known ones.",
			"type", "status"),
		compareFinished: d("drs_migration_compare_finished_timestamp_seconds", "When the job's latest data comparison of the type ended (only once it has).", "type"),
		compareTables: d("drs_migration_compare_tables", "Tables of the job's latest successful rows comparison, summed over its databases, by result: consistent, inconsistent, uncomparable.",
			"result"),
		compareObjects: d("drs_migration_compare_objects", "Objects of the job's latest successful object comparison, summed over object types, by result: consistent, inconsistent.",
			"result"),
		stageDelay: d("drs_migration_stage_delay_seconds", "Delay of the incremental phase by stage: source (reading the source's log) and target (applying to the target); only while the job is incremental.",
			"stage"),
		endpointUp: d("drs_migration_endpoint_up", "1 if DRS reports the job's endpoint (source, target) healthy, else 0; only while the job is incremental.",
			"endpoint"),
		applyRate: d("drs_migration_apply_rows_per_second", "Rows applied to the target per second; only while the job is incremental."),
		rpo:       d("drs_migration_rpo_seconds", "Recovery point objective of a disaster-recovery job: how much committed data a failover now would lose."),
		rto:       d("drs_migration_rto_seconds", "Recovery time objective of a disaster-recovery job: how long a failover now would take."),
	}
}

func (*drs) module() string                            { return huaweicloud.APIDRS }
func (*drs) api() string                               { return huaweicloud.APIDRS }
func (*drs) settings(a *config.Account) config.Service { return a.DRS.Service() }
func (*drs) endpoint(e config.Endpoints) string        { return e.DRS }

func (d *drs) stateDesc() *prometheus.Desc { return d.status }

func (*drs) terminal(state string, _ *exposition.Series) bool {
	return slices.Contains(drsTerminal, state)
}

func (d *drs) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.status, d.progress, d.phase, d.delay, d.remaining, d.lastSuccess,
		d.compareStatus, d.compareFinished, d.compareTables, d.compareObjects,
		d.stageDelay, d.endpointUp, d.applyRate, d.rpo, d.rto}
}

// drsState is what an account keeps for DRS: the job list, cached for the
// discovery interval, which names the jobs (also without discover: true)
// and gives discovery its ids.
type drsState struct {
	batchSize int
	jobs      *listCache[huaweicloud.DRSJob]
}

func (*drs) newState(w *watched, a *config.Account) any {
	return &drsState{
		batchSize: a.DRS.BatchSize,
		jobs: newListCache(a.DRS.DiscoveryInterval, w.client().DRSJobs,
			func(j huaweicloud.DRSJob) string { return string(j.ID) }, w.reportRejected),
	}
}

// drsJobList returns the cached job list, listing again when it is old. A
// failed list keeps the last good one; it never takes a job down.
func (e *Exporter) drsJobList(ctx context.Context, w *watched) []huaweicloud.DRSJob {
	return namingList(ctx, w, w.state.(*drsState).jobs, "DRS job list")
}

// listTaskIDs lists through the job-list cache, so that discovery and the
// jobs' names share one list call per interval. Discovery counts a failure.
func (*drs) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return namingListIDs(ctx, w.state.(*drsState).jobs)
}

// drsAnswers are one batch call's answers: an entry or an error for every
// job asked about.
type drsAnswers[T any] struct {
	got  map[string]T
	errs map[string]error
}

// orError is a, or err for every job of ids when the call was not made
// (the scrape's deadline ended the wait for it).
func (a drsAnswers[T]) orError(ids []string, err error) drsAnswers[T] {
	if err == nil {
		return a
	}
	a = drsAnswers[T]{errs: make(map[string]error, len(ids))}
	for _, id := range ids {
		a.errs[id] = err
	}
	return a
}

// add adds b's entries and errors to a's.
func (a *drsAnswers[T]) add(b drsAnswers[T]) {
	if a.got == nil {
		a.got, a.errs = map[string]T{}, map[string]error{}
	}
	maps.Copy(a.got, b.got)
	maps.Copy(a.errs, b.errs)
}

// of returns the job's entry, or its error.
func (a drsAnswers[T]) of(id string) (T, error) {
	if err, ok := a.errs[id]; ok {
		var zero T
		return zero, err
	}
	return a.got[id], nil
}

// askAll asks about ids with one batch call, and when DRS refuses the whole
// batch with a 4xx (one bad id can), asks again about the jobs the refusal
// did not name, in halves, so that the other jobs keep their values. A job
// alone that is refused gets the refusal as its error.
func askAll[T any](ctx context.Context, ids []string, ask func(context.Context, []string) (map[string]T, map[string]error, error)) drsAnswers[T] {
	got, errs, err := ask(ctx, ids)
	a := drsAnswers[T]{got: got, errs: errs}
	if err == nil {
		return a
	}
	var rest []string
	for _, id := range ids {
		if _, named := errs[id]; !named {
			rest = append(rest, id)
		}
	}
	if !huaweicloud.RejectedBatch(err) || len(ids) == 1 || ctx.Err() != nil {
		for _, id := range rest {
			a.errs[id] = err
		}
		return a
	}
	half := (len(rest) + 1) / 2
	for _, part := range [][]string{rest[:half], rest[half:]} {
		if len(part) == 0 {
			continue
		}
		a.add(askAll(ctx, part, ask))
	}
	return a
}

// drsJob is what one scrape learnt about one DRS job.
type drsJob struct {
	d        *drs
	id       string
	status   *drsAnswers[huaweicloud.DRSJobStatus]
	progress *drsAnswers[huaweicloud.DRSJobProgress]
	jobs     *[]huaweicloud.DRSJob // the account's job list, read once a scrape
	fetched  *time.Time            // set only with a min interval
	// compare is the job's data comparisons, as last read well;
	// compareErr is the error of a refresh that failed.
	compare    huaweicloud.DRSComparisons
	compareErr error
	// statusRead is closed once status holds its batch's answers.
	statusRead <-chan struct{}
	// monitor is the job's monitor data, read (monitored) only when its
	// status is incremental; monitorErr is that read's error.
	monitor    huaweicloud.DRSMonitor
	monitored  bool
	monitorErr error
	// recovery is the RPO and RTO of its batch's disaster-recovery jobs.
	recovery *drsAnswers[huaweicloud.DRSRecovery]
}

// callsPerScrape: two batch calls (status, progress) per batch_size jobs
// and, taking every job to be in its incremental phase (the long phase of
// a synchronization or disaster-recovery job), one monitor-data call a
// job. A batch with disaster-recovery jobs makes one more call (their RPO
// and RTO), left out; the job list and the comparisons come once per
// discovery and verify interval.
func (d *drs) callsPerScrape(w *watched, n int) float64 {
	b := w.state.(*drsState).batchSize
	return 2*math.Ceil(float64(n)/float64(b)) + float64(n)
}

func (d *drs) plan(w *watched, ids []string) ([]taskReader, []call) {
	st := w.state.(*drsState)
	c := w.client()
	readers := make([]taskReader, len(ids))
	jobs := new([]huaweicloud.DRSJob)
	// The job list, for every job's info and for which jobs are
	// disaster-recovery jobs: one call that the others share. Calls run in
	// the order planned, so one that waits for an earlier call's answers
	// (listed, a batch's statusRead) waits for a call under way.
	listed := make(chan struct{})
	calls := []call{{first: 0, n: len(ids), run: func(ctx context.Context) {
		defer close(listed)
		*jobs = w.account.exporter.drsJobList(ctx, w)
	}}}
	for first := 0; first < len(ids); first += st.batchSize {
		batch := ids[first:min(first+st.batchSize, len(ids))]
		status, progress, fetched := new(drsAnswers[huaweicloud.DRSJobStatus]), new(drsAnswers[huaweicloud.DRSJobProgress]), new(time.Time)
		recovery, statusRead := new(drsAnswers[huaweicloud.DRSRecovery]), make(chan struct{})
		for i, id := range batch {
			readers[first+i] = &drsJob{d: d, id: id, status: status, progress: progress, jobs: jobs, fetched: fetched,
				statusRead: statusRead, recovery: recovery}
		}
		// The key names the batch's jobs in id order: the plan's order
		// follows when each job was last read, which moves from scrape to
		// scrape, and with min_interval the same jobs must find their
		// cached answer whatever their order.
		key := batchKey(batch)
		calls = append(calls,
			call{first: first, n: len(batch), run: func(ctx context.Context) {
				defer close(statusRead)
				a, at, err := fetch(ctx, w, "status "+key, func(ctx context.Context) (drsAnswers[huaweicloud.DRSJobStatus], error) {
					return askAll(ctx, batch, c.DRSJobStatuses), nil
				})
				*status, *fetched = a.orError(batch, err), at
			}},
			call{first: first, n: len(batch), run: func(ctx context.Context) {
				if awaited(ctx, listed) {
					*recovery = readRecoveries(ctx, w, recoveryJobs(*jobs, batch))
				}
			}},
			call{first: first, n: len(batch), run: func(ctx context.Context) {
				a, _, err := fetch(ctx, w, "progress "+key, func(ctx context.Context) (drsAnswers[huaweicloud.DRSJobProgress], error) {
					return askAll(ctx, batch, c.DRSJobProgresses), nil
				})
				*progress = a.orError(batch, err)
			}})
	}
	for i, id := range ids {
		r := readers[i].(*drsJob)
		calls = append(calls, call{first: i, n: 1, run: func(ctx context.Context) {
			r.compare, r.compareErr = fetchSlowFrom(ctx, w, "compare "+id, func(ctx context.Context, last huaweicloud.DRSComparisons) (huaweicloud.DRSComparisons, error) {
				return c.DRSComparisons(ctx, id, last)
			})
		}}, call{first: i, n: 1, run: func(ctx context.Context) {
			if !awaited(ctx, r.statusRead) {
				return
			}
			if st, err := r.status.of(id); err != nil || string(st.Status) != huaweicloud.DRSIncremental {
				return
			}
			r.monitored = true
			r.monitor, _, r.monitorErr = fetch(ctx, w, "monitor "+id, func(ctx context.Context) (huaweicloud.DRSMonitor, error) {
				return c.DRSMonitorData(ctx, id)
			})
		}})
	}
	return readers, calls
}

// awaited waits for done to be closed, or for ctx's end; it reports
// whether done was closed.
func awaited(ctx context.Context, done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
	}
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// recoveryJobs are the jobs of batch that the job list names as
// disaster-recovery jobs, the only ones with an RPO and an RTO.
func recoveryJobs(jobs []huaweicloud.DRSJob, batch []string) []string {
	var dr []string
	for _, j := range jobs {
		if string(j.DBUseType) == huaweicloud.DRSDisasterRecovery && slices.Contains(batch, string(j.ID)) {
			dr = append(dr, string(j.ID))
		}
	}
	return dr
}

// batchKey names a batch of job ids in the shared cache: the ids in order,
// whatever order the batch has them in.
func batchKey(ids []string) string {
	return strings.Join(slices.Sorted(slices.Values(ids)), ",")
}

// readRecoveries reads the RPO and RTO of the disaster-recovery jobs ids,
// at most MaxRecoveryBatch a call, each call through the shared cache (so
// subject to min_interval) as the other batch calls.
func readRecoveries(ctx context.Context, w *watched, ids []string) drsAnswers[huaweicloud.DRSRecovery] {
	var all drsAnswers[huaweicloud.DRSRecovery]
	for chunk := range slices.Chunk(ids, huaweicloud.MaxRecoveryBatch) {
		a, _, err := fetch(ctx, w, "recovery "+batchKey(chunk), func(ctx context.Context) (drsAnswers[huaweicloud.DRSRecovery], error) {
			return askAll(ctx, chunk, w.client().DRSRecoveries), nil
		})
		all.add(a.orError(chunk, err))
	}
	return all
}

// metrics sends one job's metrics. The job is up when both its status and
// its progress were read.
func (r *drsJob) metrics(m *emitter) (bool, error) {
	d := r.d
	st, statusErr := r.status.of(r.id)
	p, progressErr := r.progress.of(r.id)
	up := statusErr == nil && progressErr == nil
	m.taskGauge(d.up, boolFloat(up))
	var recovers bool // a disaster-recovery job
	for _, j := range *r.jobs {
		if string(j.ID) == r.id {
			m.taskGauge(d.info, 1, string(j.Name), string(j.EngineType), string(j.JobDirection), string(j.DBUseType))
			recovers = string(j.DBUseType) == huaweicloud.DRSDisasterRecovery
			break
		}
	}
	if statusErr == nil {
		m.stateSet(d.status, "status", drsStatuses, string(st.Status))
	}
	if progressErr == nil {
		m.number(d.progress, "progress", p.Progress, percentToRatio)
		phases := make([]string, 0, len(p.ProgressMap))
		for name := range p.ProgressMap {
			phases = append(phases, name)
		}
		slices.Sort(phases)
		for _, name := range phases[:min(len(phases), maxDRSPhases)] {
			m.number(d.phase, "progress_map.completed", p.ProgressMap[name].Completed, percentToRatio, name)
		}
		if delay, unit, ok := replicationDelay(p); ok {
			m.number(d.delay, "incre_trans_delay", delay, unit)
		}
		if remainingKnown(p) {
			m.number(d.remaining, "remaining_time", p.RemainingTime, asIs)
		}
	}
	if !up {
		// Down: its comparisons, stages and RPO are not shown, and the
		// job's own error is the one counted.
		return false, firstError(statusErr, progressErr)
	}
	m.timestamp(d.lastSuccess, *r.fetched)
	r.compareMetrics(m)
	if r.monitored && r.monitorErr == nil {
		r.monitorMetrics(m)
	}
	var recoveryErr error
	if recovers {
		recoveryErr = r.recoveryMetrics(m)
	}
	// A failed refresh of the comparisons, monitor data or RPO is counted,
	// but the job is up: the last good comparisons are served, the stages
	// and RPO of a failed read are not.
	return true, firstError(r.compareErr, r.monitorErr, recoveryErr)
}

// monitorMetrics sends the job's delay by stage, endpoint health and apply
// rate. A negative delay is "not measured": no series.
func (r *drsJob) monitorMetrics(m *emitter) {
	d, mon := r.d, r.monitor
	if measured(mon.SourceDelay) {
		m.number(d.stageDelay, "src_delay", mon.SourceDelay, stageDelayUnit, "source")
	}
	if measured(mon.TargetDelay) {
		m.number(d.stageDelay, "dst_delay", mon.TargetDelay, stageDelayUnit, "target")
	}
	m.boolean(d.endpointUp, "is_src_normal", mon.SourceNormal, "source")
	m.boolean(d.endpointUp, "is_dst_normal", mon.TargetNormal, "target")
	m.number(d.applyRate, "dst_rps", mon.TargetRowRate, asIs)
}

// recoveryMetrics sends a disaster-recovery job's RPO and RTO (ms); a
// negative one is "not measured". It returns the job's error in the
// answer, if any.
func (r *drsJob) recoveryMetrics(m *emitter) error {
	rec, err := r.recovery.of(r.id)
	if err != nil {
		return err
	}
	if measured(rec.RPO.Delay) {
		m.number(r.d.rpo, "rpo_info.delay", rec.RPO.Delay, msToSeconds)
	}
	if measured(rec.RTO.Delay) {
		m.number(r.d.rto, "rto_info.delay", rec.RTO.Delay, msToSeconds)
	}
	return nil
}

// measured reports whether n is not DRS's "not measured", a negative
// value (absent and unreadable values are the emitter's to handle).
func measured(n huaweicloud.Number) bool {
	v, ok := n.Value()
	return !ok || v >= 0
}

// compareMetrics sends the job's comparison series: the latest comparison
// of each type, and the results of the latest successful rows and object
// comparisons. A job never compared has none.
func (r *drsJob) compareMetrics(m *emitter) {
	d, c := r.d, r.compare
	for _, kind := range huaweicloud.CompareTypes {
		t, ok := c.Latest(kind, false)
		if !ok {
			continue
		}
		m.stateSet(d.compareStatus, "compare_task_status", drsCompareStatuses, string(t.Status), kind)
		if t.Ended() {
			m.number(d.compareFinished, "compare_task_list.end_time", t.EndTime.Number, asIs, kind)
		}
	}
	if c.Tables.CompareID != "" {
		m.number(d.compareTables, "line-overview.compare_num", c.Tables.Consistent, asIs, "consistent")
		m.number(d.compareTables, "line-overview.data_inconsistent_num", c.Tables.Inconsistent, asIs, "inconsistent")
		m.number(d.compareTables, "line-overview.uncomparable_num", c.Tables.Uncomparable, asIs, "uncomparable")
	}
	if c.Objects.CompareID != "" {
		m.number(d.compareObjects, "object_compare_overview.source_count", c.Objects.Consistent, asIs, "consistent")
		m.number(d.compareObjects, "object_compare_overview.diff_count", c.Objects.Inconsistent, asIs, "inconsistent")
	}
}

// replicationDelay is incre_trans_delay_millis (ms) when the answer has it,
// else incre_trans_delay (s). A negative value (-1) in the field used means
// "not measured" (the full phase): no series. 0 is a measured zero.
func replicationDelay(p huaweicloud.DRSJobProgress) (huaweicloud.Number, transform, bool) {
	n, unit := p.IncreTransDelayMillis, msToSeconds
	if _, ok := n.Value(); !ok && n.Err() == nil {
		n, unit = p.IncreTransDelay, asIs
	}
	return n, unit, measured(n)
}

// remainingKnown says whether remaining_time means something: a real
// full-phase answer sends "0" at 0 % progress, so "0" counts only once the
// progress is 100.
func remainingKnown(p huaweicloud.DRSJobProgress) bool {
	v, ok := p.RemainingTime.Value()
	if !ok || v != 0 {
		return true // a value, or an error to count, or nothing (omitted anyway)
	}
	progress, known := p.Progress.Value()
	return known && progress >= 100
}

// The status page's judgement of a DRS job (readiness.go). The data
// comparison's series are matched by name: drs_migration_compare_status
// {type,status}, drs_migration_compare_finished_timestamp_seconds{type}
// and drs_migration_compare_tables{result}; only the rows comparison
// (type="rows") counts.

const (
	// rowsComparisonOther is the code of a rows comparison in a status
	// drsCompareStatuses does not list; a known one is 1 + its index there,
	// and 0 is none.
	rowsComparisonOther = 0xff
	// A DRS job's readiness figures: the latest successful rows
	// comparison's inconsistent tables (a count), when the latest rows
	// comparison finished (a time), and the delays by stage (reading the
	// source, applying to the target).
	drsInconsistent = 0
	drsCompared     = 1
	drsSourceDelay  = 2
	drsTargetDelay  = 3
)

// rowsComparisonCode is status's code in a readiness.
func rowsComparisonCode(status string) uint8 {
	if i := slices.Index(drsCompareStatuses, status); i >= 0 {
		return uint8(i + 1)
	}
	return rowsComparisonOther
}

// noteReadiness keeps the latest rows comparison's status and finish time,
// the inconsistent tables of the latest successful one, the delays by
// stage and which endpoint DRS reports unhealthy.
func (*drs) noteReadiness(r *readiness, _ *prometheus.Desc, name string, labels []*dto.LabelPair, v float64) {
	switch name {
	case "drs_migration_stage_delay_seconds":
		switch labelOf(labels, "stage") {
		case "source":
			r.setDelay(drsSourceDelay, v)
		case "target":
			r.setDelay(drsTargetDelay, v)
		}
	case "drs_migration_endpoint_up":
		if v == 0 {
			switch labelOf(labels, "endpoint") {
			case "source":
				r.bits |= readySourceDown
			case "target":
				r.bits |= readyTargetDown
			}
		}
	case "drs_migration_compare_status":
		if v == 1 && labelOf(labels, "type") == "rows" {
			r.code = rowsComparisonCode(labelOf(labels, "status"))
		}
	case "drs_migration_compare_finished_timestamp_seconds":
		if labelOf(labels, "type") == "rows" {
			r.setTime(drsCompared, v)
		}
	case "drs_migration_compare_tables":
		if labelOf(labels, "result") == "inconsistent" {
			r.setCount(drsInconsistent, v)
		}
	}
}

// blockers fills s's delays by stage and endpoint health from its
// readiness and judges a DRS job as the rule file does: failed in a
// *_FAILED status (DRSJobFailed); not_incremental unless
// INCRE_TRANSFER_STARTED; lag_high with a delay of drsDelayThreshold or
// more, the target-apply delay where monitor-data gave it, else the
// replication delay; verify_missing unless its latest rows comparison is
// SUCCESSFUL, verify_stale when that finished more than verifyMaxAge ago
// (its result no longer counts), else verify_mismatch when it found
// inconsistent tables.
func (*drs) blockers(s *TaskStatus, now time.Time) ([]Blocker, string) {
	r := &s.ready
	s.SourceDelay, s.HasSourceDelay = r.delay(drsSourceDelay)
	s.TargetDelay, s.HasTargetDelay = r.delay(drsTargetDelay)
	s.SourceDown, s.TargetDown = r.bits&readySourceDown != 0, r.bits&readyTargetDown != 0
	var out []Blocker
	if strings.HasSuffix(s.State, "_FAILED") {
		out = append(out, failedBlocker(s.State))
	}
	if s.State != "INCRE_TRANSFER_STARTED" {
		out = append(out, Blocker{reasonNotIncremental, "not in its incremental phase (" + stateText(s.State) + ")"})
	}
	lag, words := s.Delay, "replication delay "
	if s.HasTargetDelay {
		lag, words = s.TargetDelay, "target apply delay "
	}
	if (s.HasTargetDelay || s.HasDelay) && lag >= drsDelayThreshold {
		out = append(out, Blocker{reasonLagHigh, words + DurationWords(lag) + ", " + DurationWords(drsDelayThreshold) + " or more"})
	}
	switch r.code {
	case 0:
		return append(out, Blocker{reasonVerifyMissing, "no rows comparison"}), "never compared"
	case rowsComparisonOther:
		return append(out, Blocker{reasonVerifyMissing, "latest rows comparison in an unknown status"}), "rows comparison in an unknown status"
	case rowsComparisonCode("SUCCESSFUL"):
	default:
		status := drsCompareStatuses[r.code-1]
		return append(out, Blocker{reasonVerifyMissing, "latest rows comparison " + status}), "rows comparison " + status
	}
	inconsistent, _ := r.count(drsInconsistent)
	result := "consistent"
	if inconsistent > 0 {
		result = plural(inconsistent, "table") + " inconsistent"
	}
	compared := r.timeOf(drsCompared)
	switch {
	case !compared.IsZero() && now.Sub(compared) > verifyMaxAge:
		out = append(out, Blocker{reasonVerifyStale, "rows comparison older than " + humanHours(verifyMaxAge)})
	case inconsistent > 0:
		out = append(out, Blocker{reasonVerifyMismatch, "rows comparison found " + result})
	}
	if compared.IsZero() {
		return out, result
	}
	return out, result + ", compared " + ago(compared, now)
}
