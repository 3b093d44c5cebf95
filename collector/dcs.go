package collector

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// DCSStatuses are the DCS task statuses the state set always exports (0 for
// the ones the task is not in). An unknown status is exported as it comes.
var DCSStatuses = []string{
	"SUCCESS", "FAILED", "MIGRATING", "TERMINATED", // the SDK's enum
	"TERMINATING", "FULLMIGRATING", "INCRMIGRATING", "RUNNING", "MIGRATION_FAILED", "RELEASED", // documentation
	"DELETED", "INCRMIGEATING", // seen in real answers (sic)
}

var taskLabels = []string{"account", "task_id"}

// dcsDescs describe the DCS task metrics (SPEC §2).
type dcsDescs struct {
	up, fullProgress, offset, sourceKeys, targetKeys, inputBytes, ops, migrating, info, status, lastSuccess *prometheus.Desc
}

func newDCSDescs(ix labelIndex) dcsDescs {
	d := ix.taskDesc
	return dcsDescs{
		up:           d("dcs_migration_up", "1 if the DCS migration task's stats were read this scrape, else 0."),
		fullProgress: d("dcs_migration_full_progress_ratio", "Progress of the full migration phase, 0 to 1."),
		offset:       d("dcs_migration_incremental_offset", "Replication offset the target is behind the source; 0 means caught up."),
		sourceKeys:   d("dcs_migration_source_keys", "Number of keys in the source Redis."),
		targetKeys:   d("dcs_migration_target_keys", "Number of keys in the target DCS instance."),
		inputBytes:   d("dcs_migration_target_input_bytes_per_second", "Bytes per second written into the target instance."),
		ops:          d("dcs_migration_target_ops_per_second", "Operations per second on the target instance."),
		migrating:    d("dcs_migration_migrating", "1 while the task is migrating, else 0."),
		info: d("dcs_migration_task_info", "Descriptive labels of a DCS migration task; always 1.",
			"task_name", "migration_type", "migration_method", "source_instance", "target_instance"),
		status:      d("dcs_migration_task_status", "DCS migration task status as a state set: 1 for the current status, 0 for the other known ones.", "status"),
		lastSuccess: d("dcs_migration_last_success_timestamp_seconds", "When the stats served were read from the API (only with dcs.min_interval)."),
	}
}

func (d dcsDescs) all() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.fullProgress, d.offset, d.sourceKeys, d.targetKeys,
		d.inputBytes, d.ops, d.migrating, d.info, d.status, d.lastSuccess}
}

// dcsResult is what one scrape learnt about one DCS task.
type dcsResult struct {
	account, taskID string
	stats           huaweicloud.DCSStats
	statsErr        error
	task            huaweicloud.DCSTask
	taskErr         error
	fetched         time.Time // when the stats were read; set only with a min interval

	pending atomic.Int32        // calls still under way
	metrics []prometheus.Metric // built once both calls are done
}

// dcsMetrics turns one task's result into metrics. A field the API did not
// give is omitted; a failed call omits what it would have given.
func (d dcsDescs) metrics(r *dcsResult, m *emitter) {
	lv := []string{r.account, r.taskID}
	m.gauge(d.up, boolFloat(r.statsErr == nil), lv...)
	if r.statsErr == nil {
		s := r.stats
		m.number(d.fullProgress, "full_migration_progress", s.FullMigrationProgress, percentToRatio, lv...)
		m.number(d.offset, "offset", s.Offset, asIs, lv...)
		m.number(d.sourceKeys, "source_dbsize", s.SourceDBSize, asIs, lv...)
		m.number(d.targetKeys, "target_dbsize", s.TargetDBSize, asIs, lv...)
		m.number(d.inputBytes, "target_input_kbps", s.TargetInputKbps, kibToBytes, lv...)
		m.number(d.ops, "target_ops", s.TargetOps, asIs, lv...)
		m.boolean(d.migrating, "is_migrating", s.IsMigrating, lv...)
		m.timestamp(d.lastSuccess, r.fetched, lv...)
	}
	if r.taskErr == nil {
		t := r.task
		m.gauge(d.info, 1, r.account, r.taskID, string(t.TaskName), string(t.MigrationType),
			string(t.MigrationMethod), t.SourceInstance.Label(), t.TargetInstance.Label())
		m.stateSet(d.status, DCSStatuses, t.CurrentStatus(), lv...)
	}
}
