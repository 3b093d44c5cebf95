package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// SMSStates are the SMS task states the state set always exports.
var SMSStates = []string{"READY", "RUNNING", "SYNCING", "MIGRATE_SUCCESS", "SYNC_SUCCESS", "MIGRATE_FAIL",
	"SYNC_FAIL", "ABORTING", "ABORT", "SKIPPING", "DELETING", "RESETING"}

// smsDescs describe the SMS task metrics (SPEC §2).
type smsDescs struct {
	up, info, state, subtaskProgress, speed, compress, remaining, eta, replicated, total,
	sourceCPU, agentCPU, sourceMem, agentMem, sourceDiskIO, agentDiskIO, lastSuccess *prometheus.Desc
}

func newSMSDescs(ix labelIndex) smsDescs {
	d := ix.taskDesc
	return smsDescs{
		up: d("sms_migration_up", "1 if the SMS task was read this scrape, else 0."),
		info: d("sms_migration_task_info", "Descriptive labels of an SMS migration task; always 1.",
			"task_name", "type", "os_type", "source_server", "target_server"),
		state:           d("sms_migration_task_state", "SMS task state as a state set: 1 for the current state, 0 for the other known ones.", "state"),
		subtaskProgress: d("sms_migration_subtask_progress_ratio", "Progress of each subtask of the migration, 0 to 1.", "subtask"),
		speed:           d("sms_migration_speed_bytes_per_second", "Migration speed reported by the agent."),
		compress:        d("sms_migration_compress_ratio", "Compression rate reported by the agent."),
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
	}
}

func (d smsDescs) all() []*prometheus.Desc {
	return []*prometheus.Desc{d.up, d.info, d.state, d.subtaskProgress, d.speed, d.compress, d.remaining, d.eta,
		d.replicated, d.total, d.sourceCPU, d.agentCPU, d.sourceMem, d.agentMem, d.sourceDiskIO, d.agentDiskIO, d.lastSuccess}
}

// smsResult is what one scrape learnt about one SMS task.
type smsResult struct {
	account, taskID string
	task            huaweicloud.SMSTask
	err             error
	fetched         time.Time // set only with a min interval
	metrics         []prometheus.Metric
}

// metrics turns one SMS task's result into metrics. Fields the agent has
// not reported yet are omitted.
func (d smsDescs) metrics(r *smsResult, m *emitter) {
	lv := []string{r.account, r.taskID}
	m.gauge(d.up, boolFloat(r.err == nil), lv...)
	if r.err != nil {
		return
	}
	t := r.task
	m.gauge(d.info, 1, r.account, r.taskID, string(t.Name), string(t.Type), string(t.OSType),
		string(t.SourceServer.Name), string(t.TargetServer.Name))
	m.stateSet(d.state, SMSStates, string(t.State), lv...)
	for _, sub := range lastByName(t.SubTasks) {
		m.number(d.subtaskProgress, "sub_tasks.progress", sub.Progress, percentToRatio, r.account, r.taskID, string(sub.Name))
	}
	replicated, total := t.Sizes()
	m.number(d.speed, "migrate_speed", t.Speed(), mbitToBytes, lv...)
	m.number(d.compress, "compress_rate", t.CompressRate, asIs, lv...)
	m.number(d.remaining, "remain_seconds", t.RemainSeconds, asIs, lv...)
	m.number(d.eta, "estimate_complete_time", t.EstimateCompleteTime, msToSeconds, lv...)
	m.number(d.replicated, "replicatesize", replicated, asIs, lv...)
	m.number(d.total, "totalsize", total, asIs, lv...)
	m.number(d.sourceCPU, "total_cpu_usage", t.TotalCPUUsage, percentToRatio, lv...)
	m.number(d.agentCPU, "agent_cpu_usage", t.AgentCPUUsage, percentToRatio, lv...)
	m.number(d.sourceMem, "total_mem_usage", t.TotalMemUsage, mbToBytes, lv...)
	m.number(d.agentMem, "agent_mem_usage", t.AgentMemUsage, mbToBytes, lv...)
	m.number(d.sourceDiskIO, "total_disk_io", t.TotalDiskIO, mbitToBytes, lv...)
	m.number(d.agentDiskIO, "agent_disk_io", t.AgentDiskIO, mbitToBytes, lv...)
	m.timestamp(d.lastSuccess, r.fetched, lv...)
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
