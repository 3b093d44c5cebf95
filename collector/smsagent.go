package collector

import (
	"context"

	"github.com/go-kit/log/level"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// smsCycles are the lifecycle phases (a source server's migration_cycle)
// the state set always exports, in their order.
var smsCycles = []string{"checking", "setting", "replicating", "syncing", "cutovering", "cutovered"}

// smsCycleEntered is the one place the unit of stage_action_time is
// decided: the API does not document it; it is taken as milliseconds since
// the epoch, like the list's add_date, and a number too small for that
// (≤ 1e12, before 2001-09-09) is a field error, not a date in 1970.
func smsCycleEntered(s huaweicloud.SMSSourceServer) (huaweicloud.Number, transform) {
	return plausibleEpochMs(s.StageActionTime), msToSeconds
}

// smsSourcesCall is the one call of an SMS plan that reads the account's
// source server list into *sources for every task of the plan, as the DRS
// plan reads its job list: never one list per task. The list comes
// through the account's shared cache at most once per sms.verify_interval
// (so /metrics and /probe share it) and is served from the cache in
// between.
func smsSourcesCall(w *watched, n int, sources *huaweicloud.SMSSources) call {
	return call{first: 0, n: n, run: func(ctx context.Context) {
		*sources = w.account.exporter.smsSources(ctx, w)
	}}
}

// smsSources returns the account's source servers by id. A list that
// fails is counted once in migration_exporter_task_errors_total (not once
// per task) and logged, and the last good list, if there is one, is
// returned: the tasks keep their agent and cycle series, and every other
// series whatever happens.
func (e *Exporter) smsSources(ctx context.Context, w *watched) huaweicloud.SMSSources {
	sources, err := fetchSlow(ctx, w, "sources", w.client().SMSSources)
	if err != nil {
		reason := huaweicloud.Reason(err)
		e.taskErrors.WithLabelValues(huaweicloud.APISMS, reason).Inc()
		huaweicloud.TraceFrom(ctx).Addf(huaweicloud.TraceResult, "source server list: error: %s: %s (the last good list, %d servers, is used)",
			reason, err, len(sources))
		level.Warn(e.opts.Logger).Log("msg", "SMS source server list failed, keeping the last good one",
			"account", w.account.name, "api", huaweicloud.APISMS, "reason", reason, "err", err)
	}
	return sources
}

// agentMetrics sends the task's agent connection and lifecycle phase from
// its source server's entry in the account's list, joined on the source
// server id ShowTask gives. A task whose source server is not in the list
// (or not known) has none of these series.
func (r *smsTask) agentMetrics(m *emitter) {
	id := string(r.task.SourceServer.ID)
	if r.sources == nil || id == "" {
		return
	}
	s, ok := (*r.sources)[id]
	if !ok {
		if m.trace != nil {
			m.trace.Addf(huaweicloud.TraceField, "source server %q: not in the source server list: no agent or cycle series", id)
		}
		return
	}
	d := r.d
	m.boolean(d.agentConnected, "source_servers.connected", s.Connected)
	m.stateSet(d.cycle, "source_servers.migration_cycle", smsCycles, string(s.MigrationCycle))
	entered, unit := smsCycleEntered(s)
	m.number(d.cycleEntered, "source_servers.stage_action_time", entered, unit)
}
