package collector

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// omsTaskStatuses name an OMS task's integer status: the name of status n
// is omsTaskStatuses[n]. The state set always exports them all.
var omsTaskStatuses = []string{"INITIALIZING", "WAITING", "RUNNING", "PAUSED", "FAILED", "SUCCEEDED", "RETRYING", "PAUSING"}

// omsGroupStatuses name an OMS task group's integer status, as
// omsTaskStatuses do a task's.
var omsGroupStatuses = []string{"WAITING", "EXECUTING", "MONITORING", "PAUSED", "CREATE_FAILED", "FAILED",
	"COMPLETED", "PAUSING", "WAITING_DELETION", "DELETED"}

// omsStatus is the name of an integer status: names[n], or the number's
// digits when it has no name. ok is false when the answer had no usable
// status.
func omsStatus(n huaweicloud.Number, names []string) (name string, ok bool) {
	v, ok := n.Value()
	if !ok {
		return "", false
	}
	if v >= 0 && v < float64(len(names)) && v == math.Trunc(v) {
		return names[int(v)], true
	}
	return strconv.FormatFloat(v, 'f', -1, 64), true
}

// omsObjectOutcomes are the values of the outcome label of the objects
// families.
const (
	outcomeSucceeded = "succeeded"
	outcomeFailed    = "failed"
	outcomeSkipped   = "skipped"
)

// maxErrorCode bounds the error_code label of the error_info families, in
// bytes (cut on a rune boundary): the code comes from the network, and OMS's
// own codes ("OMS.0301") are far shorter.
const maxErrorCode = 64

// maxFailureMessage bounds the error message in a task's failure words on
// the status page, in bytes (cut on a rune boundary, then "…"): the
// length the client keeps of an API error's message in logs.
const maxFailureMessage = 200

// errorInfoHelp is the HELP of the error_info families, of what.
func errorInfoHelp(what string) string {
	return "1 while the OMS " + what + " reports an error reason (error_reason), labelled with its error code as the API gives it, " +
		"scrubbed of the account's secrets and cut to 64 bytes (\"\" when only a message came); no series while it reports none."
}

// errorCodeLabel is e's code as the error_info families label it.
func errorCodeLabel(e huaweicloud.OMSErrorReason) string {
	return runes.Cut(string(e.Code), maxErrorCode)
}

// errorInfo sends desc, an error_info family, for e: no series when e is
// empty (the task or group reports no error reason).
func errorInfo(m *emitter, desc *prometheus.Desc, e huaweicloud.OMSErrorReason) {
	if e != (huaweicloud.OMSErrorReason{}) {
		m.taskGauge(desc, 1, errorCodeLabel(e))
	}
}

// oms is OMS object storage migration tasks: one call (ShowTask) a task.
type oms struct {
	up, info, status, progress, transferred, total, speed, remaining, objects, totalObjects,
	listingComplete, errorInfo, lastSuccess *prometheus.Desc
}

func newOMS(ix labelIndex) *oms {
	d := ix.taskDesc
	return &oms{
		up: d("oms_migration_up", "1 if the OMS migration task was read this scrape, else 0."),
		info: d("oms_migration_task_info", "Descriptive labels of an OMS migration task; always 1. group_id joins a task to its task group.",
			"task_name", "task_type", "group_id", "source_bucket", "target_bucket", "source_cloud"),
		status:          ix.shareStates(d("oms_migration_task_status", "OMS task status as a state set: 1 for the current status, 0 for the other known ones.", "status"), "status", omsTaskStatuses),
		progress:        d("oms_migration_progress_ratio", "Progress of the task, 0 to 1."),
		transferred:     d("oms_migration_transferred_bytes", "Bytes migrated so far."),
		total:           d("oms_migration_total_bytes", "Bytes to migrate in all (grows while the source is being listed)."),
		speed:           d("oms_migration_speed_bytes_per_second", "Migration speed."),
		remaining:       d("oms_migration_remaining_seconds", "Time the migration is expected to take still."),
		objects:         d("oms_migration_objects", "Objects migrated so far, by outcome (succeeded, failed, skipped).", "outcome"),
		totalObjects:    d("oms_migration_total_objects", "Objects to migrate in all (grows while the source is being listed)."),
		listingComplete: d("oms_migration_listing_complete", "1 once the source has been listed (the totals are final), else 0."),
		errorInfo:       d("oms_migration_error_info", errorInfoHelp("task"), "error_code"),
		lastSuccess:     d("oms_migration_last_success_timestamp_seconds", "When the task served was read from the API (only with oms.min_interval)."),
	}
}

func (*oms) module() string                            { return huaweicloud.APIOMS }
func (*oms) api() string                               { return huaweicloud.APIOMS }
func (*oms) settings(a *config.Account) config.Service { return a.OMS.Tasks() }
func (*oms) endpoint(e config.Endpoints) string        { return e.OMS }
func (*oms) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return w.client().OMSTaskIDs(ctx)
}

func (d *oms) stateDesc() *prometheus.Desc { return d.status }

// terminal: an OMS task ends SUCCEEDED or FAILED (a failed task may be
// started again: seen within terminal_interval).
func (*oms) terminal(state string, _ *exposition.Series) bool {
	return state == "SUCCEEDED" || state == "FAILED"
}

func (d *oms) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.status, d.progress, d.transferred, d.total, d.speed, d.remaining,
		d.objects, d.totalObjects, d.listingComplete, d.errorInfo, d.lastSuccess}
}

// omsTask is what one scrape learnt about one OMS task.
type omsTask struct {
	d       *oms
	task    huaweicloud.OMSTask
	err     error
	fetched time.Time // set only with a min interval
}

// callsPerScrape: one call a task.
func (d *oms) callsPerScrape(_ *watched, n int) float64 { return oneCallPerTask(n) }

func (d *oms) plan(w *watched, ids []string) ([]taskReader, []call) {
	return planOnePerID(ids, func() *omsTask { return &omsTask{d: d} },
		func(ctx context.Context, r *omsTask, id string) {
			r.task, r.fetched, r.err = fetch(ctx, w, "task "+id, func(ctx context.Context) (huaweicloud.OMSTask, error) {
				return w.client().OMSTask(ctx, id)
			})
		})
}

// metrics sends one OMS task's metrics. A field the answer does not have
// is omitted.
func (r *omsTask) metrics(m *emitter) (bool, error) {
	d := r.d
	m.taskGauge(d.up, boolFloat(r.err == nil))
	if r.err != nil {
		return false, r.err
	}
	t := r.task
	m.taskGauge(d.info, 1, string(t.Name), string(t.TaskType), string(t.GroupID),
		string(t.SrcNode.Bucket), string(t.DstNode.Bucket), string(t.SrcNode.CloudType))
	if status, ok := omsStatus(t.Status, omsTaskStatuses); ok {
		m.stateSet(d.status, "status", omsTaskStatuses, status)
	} else {
		m.checkField("status", t.Status.Err())
	}
	m.number(d.progress, "progress", t.Progress, asIs)
	m.number(d.transferred, "complete_size", t.CompleteSize, asIs)
	m.number(d.total, "total_size", t.TotalSize, asIs)
	m.number(d.speed, "migrate_speed", t.MigrateSpeed, asIs)
	m.number(d.remaining, "left_time", t.LeftTime, msToSeconds)
	m.number(d.objects, "successful_num", t.SuccessfulNum, asIs, outcomeSucceeded)
	m.number(d.objects, "failed_num", t.FailedNum, asIs, outcomeFailed)
	m.number(d.objects, "skipped_num", t.SkippedNum, asIs, outcomeSkipped)
	m.number(d.totalObjects, "total_num", t.TotalNum, asIs)
	m.boolean(d.listingComplete, "is_query_over", t.IsQueryOver)
	errorInfo(m, d.errorInfo, t.ErrorReason)
	m.timestamp(d.lastSuccess, r.fetched)
	return true, nil
}

// failure is the task's error reason in words, for the status page (a
// failureReader): "code: message", the message cut to maxFailureMessage;
// "" when the task was not read or reports none. The client has scrubbed
// both of the account's secrets.
func (r *omsTask) failure() string {
	if r.err != nil {
		return ""
	}
	e := r.task.ErrorReason
	code, msg := errorCodeLabel(e), runes.Truncate(string(e.Message), maxFailureMessage)
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return code + ": " + msg
}

// noteReadiness keeps the task's failed objects (counts[0]) and whether
// its source listing is complete.
func (d *oms) noteReadiness(r *readiness, desc *prometheus.Desc, _ string, labels []*dto.LabelPair, v float64) {
	switch {
	case desc == d.objects && labelOf(labels, "outcome") == outcomeFailed:
		r.setCount(0, v)
	case desc == d.listingComplete:
		r.bits |= readyListingKnown
		if v == 1 {
			r.bits |= readyListingComplete
		}
	}
}

// blockers judges an OMS task as the rule file does: failed in FAILED
// (OMSTaskFailed), with the task's error reason in words when it has one,
// in_progress in any other status but SUCCEEDED, failed_objects when
// objects failed, listing_incomplete while the source is still listed.
// OMS has no verification.
func (*oms) blockers(s *TaskStatus, _ time.Time) ([]Blocker, string) {
	var out []Blocker
	switch s.State {
	case "FAILED":
		b := failedBlocker(s.State)
		if s.Failure != "" {
			b.Text += " (" + s.Failure + ")"
		}
		out = append(out, b)
	case "SUCCEEDED":
	default:
		out = append(out, Blocker{reasonInProgress, "not finished (" + stateText(s.State) + ")"})
	}
	if n, ok := s.ready.count(0); ok && n > 0 {
		out = append(out, Blocker{reasonFailedObjects, plural(n, "object") + " failed"})
	}
	if s.ready.bits&readyListingKnown != 0 && s.ready.bits&readyListingComplete == 0 {
		out = append(out, Blocker{reasonListingIncomplete, "source listing not complete"})
	}
	return out, ""
}

// omsGroups is OMS task groups (a migration of many prefixes or of an
// object list, which OMS splits into tasks): one call (ShowTaskGroup) a
// group. Its metrics carry group_id instead of task_id.
type omsGroups struct {
	up, info, status, transferred, total, speed, objects, totalObjects, errorInfo, lastSuccess *prometheus.Desc
}

// omsGroupModule is the task groups' module: /probe's module parameter and
// /sd's module label.
const omsGroupModule = "oms_group"

func newOMSGroups(ix labelIndex) *omsGroups {
	d := func(name, help string, extra ...string) *prometheus.Desc {
		return ix.idDesc("group_id", name, help, extra...)
	}
	return &omsGroups{
		up: d("oms_migration_group_up", "1 if the OMS task group was read this scrape, else 0."),
		info: d("oms_migration_group_info", "Descriptive labels of an OMS task group; always 1.",
			"source_bucket", "target_bucket", "source_cloud"),
		status:       ix.shareStates(d("oms_migration_group_status", "OMS task group status as a state set: 1 for the current status, 0 for the other known ones.", "status"), "status", omsGroupStatuses),
		transferred:  d("oms_migration_group_transferred_bytes", "Bytes the group's tasks have migrated so far."),
		total:        d("oms_migration_group_total_bytes", "Bytes the group migrates in all."),
		speed:        d("oms_migration_group_speed_bytes_per_second", "Migration speed of the group's tasks together."),
		objects:      d("oms_migration_group_objects", "Objects the group's tasks have migrated so far, by outcome (succeeded, failed, skipped).", "outcome"),
		totalObjects: d("oms_migration_group_total_objects", "Objects the group migrates in all."),
		errorInfo:    d("oms_migration_group_error_info", errorInfoHelp("task group"), "error_code"),
		lastSuccess:  d("oms_migration_group_last_success_timestamp_seconds", "When the task group served was read from the API (only with oms.min_interval)."),
	}
}

func (*omsGroups) module() string                            { return omsGroupModule }
func (*omsGroups) api() string                               { return huaweicloud.APIOMS }
func (*omsGroups) settings(a *config.Account) config.Service { return a.OMS.Groups() }
func (*omsGroups) endpoint(e config.Endpoints) string        { return e.OMS }
func (*omsGroups) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return w.client().OMSTaskGroupIDs(ctx)
}

func (d *omsGroups) stateDesc() *prometheus.Desc { return d.status }

// omsGroupTerminal are the statuses an OMS task group ends in.
var omsGroupTerminal = []string{"COMPLETED", "CREATE_FAILED", "FAILED", "DELETED"}

func (*omsGroups) terminal(state string, _ *exposition.Series) bool {
	return slices.Contains(omsGroupTerminal, state)
}

func (d *omsGroups) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.status, d.transferred, d.total, d.speed, d.objects, d.totalObjects, d.errorInfo, d.lastSuccess}
}

// omsGroup is what one scrape learnt about one OMS task group.
type omsGroup struct {
	d       *omsGroups
	group   huaweicloud.OMSTaskGroup
	err     error
	fetched time.Time // set only with a min interval
}

// callsPerScrape: one call a task group.
func (d *omsGroups) callsPerScrape(_ *watched, n int) float64 { return oneCallPerTask(n) }

func (d *omsGroups) plan(w *watched, ids []string) ([]taskReader, []call) {
	return planOnePerID(ids, func() *omsGroup { return &omsGroup{d: d} },
		func(ctx context.Context, r *omsGroup, id string) {
			r.group, r.fetched, r.err = fetch(ctx, w, "group "+id, func(ctx context.Context) (huaweicloud.OMSTaskGroup, error) {
				return w.client().OMSTaskGroup(ctx, id)
			})
		})
}

// metrics sends one OMS task group's metrics. A group has no progress of
// its own (dashboards divide its bytes); a field the answer does not have
// is omitted.
func (r *omsGroup) metrics(m *emitter) (bool, error) {
	d := r.d
	m.taskGauge(d.up, boolFloat(r.err == nil))
	if r.err != nil {
		return false, r.err
	}
	g := r.group
	m.taskGauge(d.info, 1, string(g.SrcNode.Bucket), string(g.DstNode.Bucket), string(g.SrcNode.CloudType))
	if status, ok := omsStatus(g.Status, omsGroupStatuses); ok {
		m.stateSet(d.status, "status", omsGroupStatuses, status)
	} else {
		m.checkField("status", g.Status.Err())
	}
	m.number(d.transferred, "complete_size", g.CompleteSize, asIs)
	m.number(d.total, "total_size", g.TotalSize, asIs)
	m.number(d.speed, "migrate_speed", g.MigrateSpeed, asIs)
	m.number(d.objects, "success_num", g.SuccessNum, asIs, outcomeSucceeded)
	m.number(d.objects, "fail_num", g.FailNum, asIs, outcomeFailed)
	m.number(d.objects, "skip_num", g.SkipNum, asIs, outcomeSkipped)
	m.number(d.totalObjects, "total_num", g.TotalNum, asIs)
	errorInfo(m, d.errorInfo, g.ErrorReason)
	m.timestamp(d.lastSuccess, r.fetched)
	return true, nil
}
