package collector

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// dcsStatuses are the DCS task statuses the state set always exports (0 for
// the ones the task is not in). An unknown status is exported as it comes.
var dcsStatuses = []string{
	"SUCCESS", "FAILED", "MIGRATING", "TERMINATED", // the SDK's enum
	"TERMINATING", "FULLMIGRATING", "INCRMIGRATING", "RUNNING", "MIGRATION_FAILED", "RELEASED", // documentation
	"CREATING", "ERROR", "MIGRATION_SUCCESS", // documentation too
	"DELETED", "INCRMIGEATING", // seen in real answers (sic)
}

// dcsTerminal are the statuses a DCS task ends in: it succeeded, failed
// (either spelling), was stopped, released or deleted.
var dcsTerminal = []string{"SUCCESS", "FAILED", "TERMINATED", "RELEASED", "DELETED", "MIGRATION_SUCCESS", "MIGRATION_FAILED"}

// dcsIPSwitchStates are the states of the IP switch (the details'
// top-level task_status) the state set always exports: the ones the
// switch ends in. Other values (a switch under way, a failed one) are
// exported as they come.
var dcsIPSwitchStates = []string{"EXCHANGE_SUCCESS", "ROLLBACK_SUCCESS"}

// dcs is DCS online migration (Redis to DCS): two calls a task, its stats
// and its details.
type dcs struct {
	up, fullProgress, offset, sourceKeys, targetKeys, inputBytes, ops, migrating, info, status, lastSuccess,
	ipSwitch, bandwidthLimit *prometheus.Desc
}

func newDCS(ix labelIndex) *dcs {
	d := ix.taskDesc
	return &dcs{
		up:           d("dcs_migration_up", "1 if the DCS migration task's stats were read this scrape, else 0."),
		fullProgress: d("dcs_migration_full_progress_ratio", "Progress of the full migration phase, 0 to 1."),
		offset:       d("dcs_migration_incremental_offset", "How far the target is behind the source in the Redis replication stream: the difference of their replication offsets, which Redis counts in bytes (the API does not state the unit). 0 means caught up; meaningful once the full sync is done."),
		sourceKeys:   d("dcs_migration_source_keys", "Number of keys in the source Redis."),
		targetKeys:   d("dcs_migration_target_keys", "Number of keys in the target DCS instance."),
		inputBytes:   d("dcs_migration_target_input_bytes_per_second", "Bytes per second written into the target instance."),
		ops:          d("dcs_migration_target_ops_per_second", "Operations per second on the target instance."),
		migrating:    d("dcs_migration_migrating", "1 while the task is migrating, else 0."),
		info: d("dcs_migration_task_info", "Descriptive labels of a DCS migration task; always 1.",
			"task_name", "migration_type", "migration_method", "source_instance", "target_instance", "resume_mode"),
		status:      ix.stateSetDesc("dcs_migration_task_status", "DCS migration task status as a state set: 1 for the current status, 0 for the other known ones.", "status", dcsStatuses),
		lastSuccess: d("dcs_migration_last_success_timestamp_seconds", "When the stats served were read from the API (only with dcs.min_interval)."),
		ipSwitch: ix.stateSetDesc("dcs_migration_ip_switch_status",
			"State of the switch of the source's and target's IP addresses (the cut-over) as a state set: 1 for the current state, 0 for the other known ones.",
			"status", dcsIPSwitchStates),
		bandwidthLimit: d("dcs_migration_bandwidth_limit_bytes_per_second", "The migration's bandwidth limit in bytes per second."),
	}
}

func (*dcs) module() string                            { return huaweicloud.APIDCS }
func (*dcs) api() string                               { return huaweicloud.APIDCS }
func (*dcs) settings(a *config.Account) config.Service { return a.DCS }
func (*dcs) endpoint(e config.Endpoints) string        { return e.DCS }
func (*dcs) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return w.client().DCSMigrationTaskIDs(ctx)
}

func (d *dcs) stateDesc() *prometheus.Desc { return d.status }

func (*dcs) terminal(state string, _ *exposition.Series) bool {
	return slices.Contains(dcsTerminal, state)
}

func (d *dcs) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.fullProgress, d.offset, d.sourceKeys, d.targetKeys,
		d.inputBytes, d.ops, d.migrating, d.info, d.status, d.lastSuccess, d.ipSwitch, d.bandwidthLimit}
}

// dcsTask is what one scrape learnt about one DCS task.
type dcsTask struct {
	d        *dcs
	stats    huaweicloud.DCSStats
	statsErr error
	task     huaweicloud.DCSTask
	taskErr  error
	fetched  time.Time // when the stats were read; set only with a min interval
}

// callsPerScrape: two calls a task (its stats and its details).
func (d *dcs) callsPerScrape(_ *watched, n int) float64 { return 2 * float64(n) }

func (d *dcs) plan(w *watched, ids []string) ([]taskReader, []call) {
	readers := make([]taskReader, len(ids))
	calls := make([]call, 0, 2*len(ids))
	c := w.client()
	for i, id := range ids {
		r := &dcsTask{d: d}
		readers[i] = r
		calls = append(calls,
			call{first: i, n: 1, run: func(ctx context.Context) {
				r.stats, r.fetched, r.statsErr = fetch(ctx, w, "stats "+id, func(ctx context.Context) (huaweicloud.DCSStats, error) {
					return c.DCSMigrationStats(ctx, id)
				})
			}},
			call{first: i, n: 1, run: func(ctx context.Context) {
				r.task, _, r.taskErr = fetch(ctx, w, "task "+id, func(ctx context.Context) (huaweicloud.DCSTask, error) {
					return c.DCSMigrationTask(ctx, id)
				})
			}})
	}
	return readers, calls
}

// metrics sends one task's metrics. The task is up when its stats were
// read; a failed details call omits the series made from the details (info,
// status, IP switch, bandwidth limit) and is counted as the task's error. A
// field the API did not give is omitted.
func (r *dcsTask) metrics(m *emitter) (bool, error) {
	d := r.d
	m.taskGauge(d.up, boolFloat(r.statsErr == nil))
	if r.statsErr == nil {
		s := r.stats
		m.number(d.fullProgress, "full_migration_progress", s.FullMigrationProgress, percentToRatio)
		m.number(d.offset, "offset", s.Offset, asIs)
		m.number(d.sourceKeys, "source_dbsize", s.SourceDBSize, asIs)
		m.number(d.targetKeys, "target_dbsize", s.TargetDBSize, asIs)
		m.number(d.inputBytes, "target_input_kbps", s.TargetInputKbps, kibToBytes)
		m.number(d.ops, "target_ops", s.TargetOps, asIs)
		m.boolean(d.migrating, "is_migrating", s.IsMigrating)
		m.timestamp(d.lastSuccess, r.fetched)
	}
	if r.taskErr == nil {
		t := r.task
		m.taskGauge(d.info, 1, string(t.TaskName), string(t.MigrationType),
			string(t.MigrationMethod), t.SourceInstance.Label(), t.TargetInstance.Label(), string(t.ResumeMode))
		m.stateSet(d.status, "status", dcsStatuses, string(t.Status))
		m.stateSet(d.ipSwitch, "task_status", dcsIPSwitchStates, string(t.IPSwitchStatus))
		m.number(d.bandwidthLimit, "bandwidth_limit_mb", t.BandwidthLimitMB, mbToBytes)
	}
	return r.statsErr == nil, firstError(r.statsErr, r.taskErr)
}

// noteReadiness keeps whether the task is migrating: with its full
// progress at 1 that is the incremental phase too.
func (d *dcs) noteReadiness(r *readiness, desc *prometheus.Desc, _ string, _ []*dto.LabelPair, v float64) {
	if desc == d.migrating && v == 1 {
		r.bits |= readyMigrating
	}
}

// blockers judges a DCS task as the rule file does: failed in FAILED,
// MIGRATION_FAILED or TERMINATED (DCSMigrationFailed); not_incremental
// unless INCRMIGRATING (or the misspelt INCRMIGEATING) or migrating with
// its full progress at 1; offset_high above dcsOffsetThreshold. DCS has no
// verification.
func (*dcs) blockers(s *TaskStatus, _ time.Time) ([]Blocker, string) {
	var out []Blocker
	switch s.State {
	case "FAILED", "MIGRATION_FAILED", "TERMINATED":
		out = append(out, failedBlocker(s.State))
	}
	incremental := s.State == "INCRMIGRATING" || s.State == "INCRMIGEATING" ||
		s.ready.bits&readyMigrating != 0 && s.HasProgress && s.Progress >= 1
	if !incremental {
		out = append(out, Blocker{reasonNotIncremental, "not in its incremental phase (" + stateText(s.State) + ")"})
	}
	if s.HasOffset && s.Offset > dcsOffsetThreshold {
		out = append(out, Blocker{reasonOffsetHigh, "offset " + thousands(s.Offset) + " above " + thousands(dcsOffsetThreshold)})
	}
	return out, ""
}
