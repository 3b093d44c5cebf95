package collector

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// smsStates are the SMS task states the state set always exports.
var smsStates = []string{"READY", "RUNNING", "SYNCING", "MIGRATE_SUCCESS", "SYNC_SUCCESS", "MIGRATE_FAIL",
	"SYNC_FAIL", "ABORTING", "ABORT", "SKIPPING", "DELETING", "RESETING", "SYNC_F_ROLLBACKING", "SYNC_F_ROLLBACK_SUCCESS"}

// smsTerminal are the states an SMS task rests in: migrated or synced,
// failed, aborted. Starting another sync leaves them; the exporter sees
// that within terminal_interval.
var smsTerminal = []string{"MIGRATE_SUCCESS", "SYNC_SUCCESS", "MIGRATE_FAIL", "SYNC_FAIL", "ABORT"}

// sms is SMS server migration: one call (ShowTask) a task, and its
// consistency checks (ShowConsistencyResult) once per verify_interval;
// the account's source server list (ListServers), once per
// verify_interval for all its tasks, gives each task's agent connection
// and lifecycle phase.
type sms struct {
	up, info, state, subtaskProgress, speed, compress, remaining, eta, replicated, total,
	sourceCPU, agentCPU, sourceMem, agentMem, sourceDiskIO, agentDiskIO, lastSuccess, syncStarted,
	checkedAt, files, checkResult *prometheus.Desc
	// From the source server list (smsagent.go).
	agentConnected, cycle, cycleEntered *prometheus.Desc
}

func newSMS(ix labelIndex) *sms {
	d := ix.taskDesc
	return &sms{
		up: d("sms_migration_up", "1 if the SMS task was read this scrape, else 0."),
		info: d("sms_migration_task_info", "Descriptive labels of an SMS migration task; always 1.",
			"task_name", "type", "os_type", "source_server", "target_server"),
		state:           ix.stateSetDesc("sms_migration_task_state", "SMS task state as a state set: 1 for the current state, 0 for the other known ones.", "state", smsStates),
		subtaskProgress: d("sms_migration_subtask_progress_ratio", "Progress of each subtask of the migration, 0 to 1.", "subtask"),
		speed:           d("sms_migration_speed_bytes_per_second", "Migration speed reported by the agent."),
		compress:        d("sms_migration_compress_ratio", "Compression rate of the data the agent sends (compress_rate, a ratio without unit, e.g. 0.65, as the agent reports it; the API does not say whether it is compressed over original size or the saving)."),
		remaining:       d("sms_migration_remaining_seconds", "Time the migration is expected to take still."),
		eta:             d("sms_migration_estimated_completion_timestamp_seconds", "When the migration is expected to complete (estimate_complete_time, taken as ms since the epoch)."),
		replicated:      d("sms_migration_replicated_bytes", "Bytes replicated so far."),
		total:           d("sms_migration_total_bytes", "Bytes to replicate in all."),
		sourceCPU:       d("sms_migration_source_cpu_usage_ratio", "CPU usage of the source server, 0 to 1."),
		agentCPU:        d("sms_migration_agent_cpu_usage_ratio", "CPU usage of the migration agent on the source server, 0 to 1."),
		sourceMem:       d("sms_migration_source_memory_usage_bytes", "Memory used on the source server."),
		agentMem:        d("sms_migration_agent_memory_usage_bytes", "Memory used by the migration agent."),
		sourceDiskIO:    d("sms_migration_source_disk_io_bytes_per_second", "Disk I/O of the source server."),
		agentDiskIO:     d("sms_migration_agent_disk_io_bytes_per_second", "Disk I/O of the migration agent."),
		lastSuccess:     d("sms_migration_last_success_timestamp_seconds", "When the task served was read from the API (only with sms.min_interval)."),
		syncStarted: d("sms_migration_sync_started_timestamp_seconds",
			"When the latest subtask that copies data started: the last sync (SYNC_*), or before any sync the full copy (MIGRATE_*). A consistency check counts for the cut-over only when it finished after this."),
		checkedAt: d("sms_migration_consistency_checked_timestamp_seconds", "When the latest consistency check of the task's files finished."),
		files: d("sms_migration_consistency_files", "Files of the latest consistency check, summed over its directories, by outcome: checked, different, missing_on_target, extra_on_target.",
			"outcome"),
		checkResult: d("sms_migration_consistency_result", "The latest consistency check's check_result, as the API gives it; always 1.", "result"),
		agentConnected: d("sms_migration_agent_connected",
			"1 if the migration agent on the task's source server is connected to SMS, else 0 (the source server list's connected)."),
		cycle: ix.stateSetDesc("sms_migration_cycle",
			"Lifecycle phase of the task's source server (migration_cycle) as a state set: 1 for the current phase, 0 for the other known ones.", "cycle", smsCycles),
		cycleEntered: d("sms_migration_cycle_entered_timestamp_seconds",
			"When the task's source server entered its lifecycle phase (stage_action_time, taken as ms since the epoch)."),
	}
}

func (*sms) module() string                            { return huaweicloud.APISMS }
func (*sms) api() string                               { return huaweicloud.APISMS }
func (*sms) settings(a *config.Account) config.Service { return a.SMS }
func (*sms) endpoint(e config.Endpoints) string        { return e.SMS }
func (*sms) listTaskIDs(ctx context.Context, w *watched) ([]string, error) {
	return w.client().SMSTaskIDs(ctx)
}

func (d *sms) stateDesc() *prometheus.Desc { return d.state }

func (*sms) terminal(state string, _ *exposition.Series) bool {
	return slices.Contains(smsTerminal, state)
}

func (d *sms) descs() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.state, d.subtaskProgress, d.speed, d.compress, d.remaining, d.eta,
		d.replicated, d.total, d.sourceCPU, d.agentCPU, d.sourceMem, d.agentMem, d.sourceDiskIO, d.agentDiskIO, d.lastSuccess,
		d.syncStarted, d.checkedAt, d.files, d.checkResult,
		d.agentConnected, d.cycle, d.cycleEntered}
}

// smsTask is what one scrape learnt about one SMS task.
type smsTask struct {
	d       *sms
	task    huaweicloud.SMSTask
	err     error
	fetched time.Time // set only with a min interval
	// consistency is the task's latest consistency check, as last read
	// well (nil: never checked); consistencyErr is the error of a refresh
	// that failed.
	consistency    *huaweicloud.SMSConsistencyCheck
	consistencyErr error
	// sources is the account's source server list, read once for every
	// task of the scrape.
	sources *huaweicloud.SMSSources
}

// callsPerScrape: one call a task (the source server list and the
// consistency checks come once per verify_interval).
func (d *sms) callsPerScrape(_ *watched, n int) float64 { return oneCallPerTask(n) }

func (d *sms) plan(w *watched, ids []string) ([]taskReader, []call) {
	sources := new(huaweicloud.SMSSources)
	readers, calls := planOnePerID(ids, func() *smsTask { return &smsTask{d: d, sources: sources} },
		func(ctx context.Context, r *smsTask, id string) {
			r.task, r.fetched, r.err = fetch(ctx, w, "task "+id, func(ctx context.Context) (huaweicloud.SMSTask, error) {
				return w.client().SMSTask(ctx, id)
			})
			if r.err != nil {
				return // down: its checks are not read either
			}
			r.consistency, r.consistencyErr = fetchSlow(ctx, w, "consistency "+id, latestCheck(w, id))
		})
	if len(ids) == 0 {
		return readers, calls
	}
	// The list first, so that the tasks' calls wait for it as little as
	// they can (each task is built once both are done).
	return readers, append([]call{smsSourcesCall(w, len(ids), sources)}, calls...)
}

// metrics sends one SMS task's metrics. Fields the agent has not reported
// yet are omitted.
func (r *smsTask) metrics(m *emitter) (bool, error) {
	d := r.d
	m.taskGauge(d.up, boolFloat(r.err == nil))
	if r.err != nil {
		return false, r.err
	}
	t := r.task
	m.taskGauge(d.info, 1, string(t.Name), string(t.Type), string(t.OSType),
		string(t.SourceServer.Name), string(t.TargetServer.Name))
	m.stateSet(d.state, "state", smsStates, string(t.State))
	for _, sub := range lastByName(t.SubTasks) {
		m.number(d.subtaskProgress, "sub_tasks.progress", sub.Progress, percentToRatio, string(sub.Name))
	}
	replicated, total := t.Sizes()
	m.number(d.speed, "migrate_speed", t.Speed(), mbitToBytes)
	m.number(d.compress, "compress_rate", t.CompressRate, asIs)
	m.number(d.remaining, "remain_seconds", t.RemainSeconds, asIs)
	m.number(d.eta, "estimate_complete_time", plausibleEpochMs(t.EstimateCompleteTime), msToSeconds)
	m.number(d.replicated, "replicatesize", replicated, asIs)
	m.number(d.total, "totalsize", total, asIs)
	m.number(d.sourceCPU, "total_cpu_usage", t.TotalCPUUsage, percentToRatio)
	m.number(d.agentCPU, "agent_cpu_usage", t.AgentCPUUsage, percentToRatio)
	m.number(d.sourceMem, "total_mem_usage", t.TotalMemUsage, mbToBytes)
	m.number(d.agentMem, "agent_mem_usage", t.AgentMemUsage, mbToBytes)
	m.number(d.sourceDiskIO, "total_disk_io", t.TotalDiskIO, mbitToBytes)
	m.number(d.agentDiskIO, "agent_disk_io", t.AgentDiskIO, mbitToBytes)
	m.timestamp(d.lastSuccess, r.fetched)
	m.number(d.syncStarted, "sub_tasks.start_date", plausibleEpochMs(t.SyncStarted()), msToSeconds)
	r.consistencyMetrics(m)
	r.agentMetrics(m)
	// A failed refresh of the checks is counted, but the task is up: it
	// was read, and the last good checks are served.
	return true, r.consistencyErr
}

// latestCheck reads a task's consistency checks and keeps the latest only:
// the shared cache holds it for every task until verify_interval passes,
// and a task never checked (most of them, in a large migration) costs no
// value at all, since a nil pointer in the cache's interface needs no
// allocation (the whole answer boxed was 112 bytes a task, and its task_id).
func latestCheck(w *watched, id string) func(context.Context) (*huaweicloud.SMSConsistencyCheck, error) {
	return func(ctx context.Context) (*huaweicloud.SMSConsistencyCheck, error) {
		all, err := w.client().SMSConsistency(ctx, id)
		if err != nil {
			return nil, err
		}
		c, ok := all.Latest()
		if !ok {
			return nil, nil
		}
		return &c, nil
	}
}

// consistencyMetrics sends the latest consistency check's series; a task
// never checked has none.
func (r *smsTask) consistencyMetrics(m *emitter) {
	d := r.d
	c := r.consistency
	if c == nil {
		return
	}
	m.number(d.checkedAt, "consistency.finished_time", plausibleEpochMs(c.FinishedTime), msToSeconds)
	checked, different, missing, extra := c.Files()
	m.number(d.files, "consistency.num_total_files", checked, asIs, "checked")
	m.number(d.files, "consistency.num_different_files", different, asIs, "different")
	m.number(d.files, "consistency.num_target_miss_files", missing, asIs, "missing_on_target")
	m.number(d.files, "consistency.num_target_more_files", extra, asIs, "extra_on_target")
	if c.CheckResult != "" {
		m.taskGauge(d.checkResult, 1, string(c.CheckResult))
	}
}

// An SMS task's readiness figures: the latest consistency check's
// different files and files missing on the target (counts), when it
// finished and when the latest copy of data (sync_started) started
// (times).
const (
	smsDifferent, smsMissing = 0, 1
	smsChecked, smsSynced    = 2, 3
)

// noteReadiness keeps the latest consistency check's time and counts,
// when the latest copy of data started, and whether the migration agent
// is connected.
func (d *sms) noteReadiness(r *readiness, desc *prometheus.Desc, _ string, labels []*dto.LabelPair, v float64) {
	switch desc {
	case d.agentConnected:
		r.bits |= readyAgentKnown
		if v == 1 {
			r.bits |= readyAgentConnected
		}
	case d.cycle:
		if v == 1 {
			switch labelOf(labels, "cycle") {
			case "cutovering", "cutovered":
				r.bits |= readyCutOver
			}
		}
	case d.checkedAt:
		r.setTime(smsChecked, v)
	case d.syncStarted:
		r.setTime(smsSynced, v)
	case d.files:
		switch labelOf(labels, "outcome") {
		case "different":
			r.setCount(smsDifferent, v)
		case "missing_on_target":
			r.setCount(smsMissing, v)
		}
	}
}

// blockers fills s's agent from its readiness and judges an SMS task as
// the rule file does: failed in MIGRATE_FAIL or SYNC_FAIL
// (SMSMigrationFailed); not_incremental until SYNC_SUCCESS or
// MIGRATE_SUCCESS; agent_disconnected when its source server's agent is
// not connected, unless the server is being or has been cut over (its
// lifecycle phase cutovering or cutovered: a synced server still needs
// its agent for the final sync); verify_missing
// without a consistency check, verify_stale when the latest finished
// before the latest copy of data started (its result no longer counts),
// else verify_mismatch when it found different files or files missing on
// the target.
func (*sms) blockers(s *TaskStatus, now time.Time) ([]Blocker, string) {
	r := &s.ready
	s.HasAgent, s.AgentConnected = r.bits&readyAgentKnown != 0, r.bits&readyAgentConnected != 0
	var out []Blocker
	switch s.State {
	case "MIGRATE_FAIL", "SYNC_FAIL":
		out = append(out, failedBlocker(s.State))
	}
	if s.State != "SYNC_SUCCESS" && s.State != "MIGRATE_SUCCESS" {
		out = append(out, Blocker{reasonNotIncremental, "not synced yet (" + stateText(s.State) + ")"})
	}
	if s.HasAgent && !s.AgentConnected && r.bits&readyCutOver == 0 {
		out = append(out, Blocker{reasonAgentDisconnected, "migration agent disconnected"})
	}
	checked, synced := r.timeOf(smsChecked), r.timeOf(smsSynced)
	if checked.IsZero() {
		return append(out, Blocker{reasonVerifyMissing, "never checked for consistency"}), "never checked"
	}
	different, _ := r.count(smsDifferent)
	missing, _ := r.count(smsMissing)
	result := "consistent"
	switch {
	case different > 0 && missing > 0:
		result = plural(different, "file") + " different, " + thousands(float64(missing)) + " missing on target"
	case different > 0:
		result = plural(different, "file") + " different"
	case missing > 0:
		result = plural(missing, "file") + " missing on target"
	}
	switch {
	case !synced.IsZero() && checked.Before(synced):
		out = append(out, Blocker{reasonVerifyStale, "consistency check older than the last sync"})
	case different > 0 || missing > 0:
		out = append(out, Blocker{reasonVerifyMismatch, "consistency check found " + result})
	}
	return out, result + ", checked " + ago(checked, now)
}

// lastByName keeps one subtask per name (the last), in first-seen order, so
// that a repeated step cannot make two series with the same labels. A task
// has a handful of subtasks, so a linear search beats a map.
func lastByName(subs []huaweicloud.SMSSubTask) []huaweicloud.SMSSubTask {
	out := make([]huaweicloud.SMSSubTask, 0, len(subs))
next:
	for _, s := range subs {
		if s.Name == "" {
			continue
		}
		for i := range out {
			if out[i].Name == s.Name {
				out[i] = s
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// plausibleEpochMs keeps a timestamp that is plausibly milliseconds since
// the epoch (after 2001-09-09, > 1e12). The unit is undocumented and one
// older page calls the field a remaining time: a smaller number is a field
// decode error (counted, series omitted), not a date in 1970.
func plausibleEpochMs(n huaweicloud.Number) huaweicloud.Number {
	if v, ok := n.Value(); ok && v <= 1e12 {
		return huaweicloud.NumberError(fmt.Errorf("%g is not a time in ms since the epoch", v))
	}
	return n
}
