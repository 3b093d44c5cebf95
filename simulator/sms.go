package simulator

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"time"
)

// SMSTask is a simulated SMS server-migration task.
type SMSTask struct {
	ID, Name     string
	Type         string // default MIGRATE_FILE
	OSType       string // default LINUX
	SourceServer string
	TargetServer string

	// Progress, when set, is served as it is; otherwise Movement computes
	// it from the simulator's clock.
	Progress *SMSProgress
	Movement SMSMovement
	// SizesIn is where replicatesize and totalsize appear: SizesInSubtaskInfo
	// (the default), SizesAtTopLevel or SizesInSubTasks.
	SizesIn SizesPlacement
	// Checks are the consistency checks ShowConsistencyResult answers
	// (none: never checked).
	Checks SMSChecks
	// Agent is how the source server list shows the task's source server
	// (smssources.go).
	Agent SMSAgent
}

// SMSChecks are a task's consistency checks and the shape they are served
// in.
type SMSChecks struct {
	Shape ChecksShape
	// List is the checks in the order served (the flat shape serves the
	// first only).
	List []SMSCheck
}

// ChecksShape is one of the shapes ShowConsistencyResult's answer has had.
type ChecksShape int

// The shapes of ShowConsistencyResult's answer.
const (
	// ChecksAsObjects: {task_id, result_list: [{finished_time, check_result,
	// consistency_result}]}, what the live API sends (the default).
	ChecksAsObjects ChecksShape = iota
	// ChecksAsStrings: result_list holds each check as a JSON document in
	// a string (the SDK's type).
	ChecksAsStrings
	// ChecksFlat: {finished_time, consistency_result} at the top level,
	// the oldest documented shape (no check_result).
	ChecksFlat
)

// SMSCheck is one consistency check.
type SMSCheck struct {
	FinishedMs float64
	Result     string
	Dirs       []SMSDirCheck
}

// SMSDirCheck is a check's result for one directory.
type SMSDirCheck struct {
	Dir                              string
	Total, Different, Missing, Extra int
}

// SizesPlacement is where an answer carries replicatesize and totalsize.
type SizesPlacement int

// The places ShowTask may carry the sizes.
const (
	SizesInSubtaskInfo SizesPlacement = iota
	SizesAtTopLevel
	SizesInSubTasks
)

// SMSProgress is what ShowTask reports about a task at one moment.
type SMSProgress struct {
	State    string
	SubTasks []SMSSubTask
	// AgentReported is false until the migration agent has reported; the
	// fields below are left out of the answer until then.
	AgentReported          bool
	MigrateSpeedMbps       float64
	CompressRate           float64
	RemainSeconds          float64
	EstimateCompleteMs     float64
	TotalCPUPercent        float64
	AgentCPUPercent        float64
	TotalMemMB             float64
	AgentMemMB             float64
	TotalDiskIOMbps        float64
	AgentDiskIOMbps        float64
	ReplicateSize          float64 // bytes
	TotalSize              float64 // bytes
	CurrentSubTask         string
	CurrentSubTaskProgress float64 // progress of the current subtask
}

// SMSSubTask is one step of a migration.
type SMSSubTask struct {
	Name      string
	Progress  float64
	StartMs   float64 // 0 = not started
	EndMs     float64 // 0 = not ended
	SpeedMbps float64
}

// SMSMovement describes a Linux migration moving through its subtasks with
// time: file-level (MIGRATE_LINUX_FILE and the other *_LINUX_FILE steps)
// or, for a task of Type MIGRATE_BLOCK, block-level (*_LINUX_BLOCK).
type SMSMovement struct {
	// StartedAgo shifts the task's start before the simulator's start.
	StartedAgo time.Duration
	// CopyDuration is how long the copy (MIGRATE_LINUX_FILE or
	// MIGRATE_LINUX_BLOCK) takes (default 20m).
	CopyDuration time.Duration
	// TotalBytes is the data to copy (default 100 GiB).
	TotalBytes float64
}

// smsPhase is one subtask of the movement and how long it takes.
type smsPhase struct {
	name  string
	dur   time.Duration
	state string
}

// smsLevel is the suffix of a migration's level-specific subtasks: LINUX_FILE,
// or LINUX_BLOCK for a task of type MIGRATE_BLOCK.
func smsLevel(taskType string) string {
	if taskType == "MIGRATE_BLOCK" {
		return "LINUX_BLOCK"
	}
	return "LINUX_FILE"
}

// copyPhase is the name of the subtask that copies the data.
func copyPhase(taskType string) string { return "MIGRATE_" + smsLevel(taskType) }

func (m SMSMovement) phases(taskType string) []smsPhase {
	copyDur := m.CopyDuration
	if copyDur <= 0 {
		copyDur = 20 * time.Minute
	}
	lvl := smsLevel(taskType)
	return []smsPhase{
		{"CREATE_CLOUD_SERVER", time.Minute, "RUNNING"},
		{"SSL_CONFIG", 30 * time.Second, "RUNNING"},
		{"ATTACH_AGENT_IMAGE", 30 * time.Second, "RUNNING"},
		{"FORMAT_DISK_" + lvl, 30 * time.Second, "RUNNING"},
		{copyPhase(taskType), copyDur, "RUNNING"},
		{"SYNC_" + lvl, 2 * time.Minute, "SYNCING"},
		{"CONFIGURE_" + lvl, time.Minute, "RUNNING"},
		{"DETTACH_AGENT_IMAGE", 30 * time.Second, "RUNNING"},
	}
}

// at is the progress of the task id of type taskType at wall time now, e
// time after its start.
func (m SMSMovement) at(id, taskType string, e time.Duration, now time.Time) SMSProgress {
	total := m.TotalBytes
	if total <= 0 {
		total = 100 << 30
	}
	start := now.Add(-e)
	ms := func(t time.Time) float64 { return float64(t.UnixMilli()) }
	p := SMSProgress{State: "MIGRATE_SUCCESS", TotalSize: total}
	var offset, remain time.Duration
	j := jitter(id, int64(e.Seconds()))
	copying := copyPhase(taskType)
	for _, ph := range m.phases(taskType) {
		sub := SMSSubTask{Name: ph.name}
		switch {
		case e >= offset+ph.dur: // done
			sub.Progress, sub.StartMs, sub.EndMs = 100, ms(start.Add(offset)), ms(start.Add(offset+ph.dur))
		case e >= offset: // running
			frac := (e - offset).Seconds() / ph.dur.Seconds()
			sub.Progress = math.Floor(frac * 100)
			sub.StartMs = ms(start.Add(offset))
			p.State, p.CurrentSubTask, p.CurrentSubTaskProgress = ph.state, ph.name, sub.Progress
			remain += offset + ph.dur - e
			if ph.name == copying {
				speed := total * 8 / 1e6 / ph.dur.Seconds() // Mbit/s
				sub.SpeedMbps = math.Round(speed*(0.9+0.2*j)*100) / 100
				p.MigrateSpeedMbps = sub.SpeedMbps
				p.ReplicateSize = math.Round(total * frac)
			}
		default: // to come
			remain += ph.dur
		}
		if ph.name == copying && e >= offset+ph.dur {
			p.ReplicateSize = total
		}
		p.SubTasks = append(p.SubTasks, sub)
		offset += ph.dur
	}
	// The agent reports once its image is attached.
	p.AgentReported = e >= 2*time.Minute
	p.CompressRate = 0.65
	p.RemainSeconds = math.Round(remain.Seconds())
	p.EstimateCompleteMs = ms(now.Add(remain))
	p.TotalCPUPercent = math.Round((20+20*j)*10) / 10
	p.AgentCPUPercent = math.Round((5+5*j)*10) / 10
	p.TotalMemMB, p.AgentMemMB = 3072+math.Round(512*j), 180+math.Round(40*j)
	p.TotalDiskIOMbps = math.Round(p.MigrateSpeedMbps*1.1*100) / 100
	p.AgentDiskIOMbps = p.MigrateSpeedMbps
	return p
}

// AddSMSTask adds (or replaces) an SMS task.
func (s *Simulator) AddSMSTask(t SMSTask) { s.locked(func() { s.smsTasks = upsert(s.smsTasks, t) }) }

// RemoveSMSTask deletes an SMS task: ShowTask then answers 404.
func (s *Simulator) RemoveSMSTask(id string) {
	s.locked(func() { s.smsTasks = without(s.smsTasks, id) })
}

// smsRoutes serves the SMS task API.
func (s *Simulator) smsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v3/tasks/{task_id}", s.smsTaskRoute("ShowTask", func(t SMSTask) any { return s.smsBody(t) }))
	mux.HandleFunc("GET /v3/tasks", s.smsList)
	mux.HandleFunc("GET /v3/sources", s.smsSourcesRoute)
	mux.HandleFunc("GET /v3/tasks/{task_id}/consistency-result", s.smsTaskRoute("ShowConsistencyResult", func(t SMSTask) any { return t.Checks.body(t.ID) }))
}

var errSMSNotFound = &apiError{http.StatusNotFound, "SMS.9999", "The task does not exist."}

// smsTaskRoute serves operation for one task: 404 for a task that does
// not exist, else body's answer.
func (s *Simulator) smsTaskRoute(operation string, body func(SMSTask) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("task_id")
		if !s.begin(w, r, operation, id, errSMSNotFound) {
			return
		}
		s.mu.Lock()
		t, ok := lookup(s.smsTasks, id)
		s.mu.Unlock()
		if !ok {
			errSMSNotFound.write(w)
			return
		}
		writeJSON(w, body(t))
	}
}

// body renders ShowConsistencyResult's answer in the checks' shape.
func (c SMSChecks) body(taskID string) map[string]any {
	render := func(ck SMSCheck) map[string]any {
		dirs := make([]map[string]any, 0, len(ck.Dirs))
		for _, d := range ck.Dirs {
			dirs = append(dirs, map[string]any{"dir_check": d.Dir, "num_total_files": d.Total,
				"num_different_files": d.Different, "num_target_miss_files": d.Missing, "num_target_more_files": d.Extra})
		}
		return map[string]any{"finished_time": ck.FinishedMs, "check_result": ck.Result, "consistency_result": dirs}
	}
	if c.Shape == ChecksFlat {
		if len(c.List) == 0 {
			return map[string]any{}
		}
		flat := render(c.List[0])
		delete(flat, "check_result")
		return flat
	}
	list := make([]any, 0, len(c.List))
	for _, ck := range c.List {
		if c.Shape == ChecksAsStrings {
			b, _ := json.Marshal(render(ck))
			list = append(list, string(b))
			continue
		}
		list = append(list, render(ck))
	}
	return map[string]any{"task_id": taskID, "result_list": list}
}

func (s *Simulator) smsList(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r, "ListTasks", "", errSMSNotFound) {
		return
	}
	offset, limit := pageParams(r)
	s.mu.Lock()
	all := make([]map[string]any, 0, len(s.smsTasks))
	for _, t := range s.smsTasks {
		all = append(all, map[string]any{"id": t.ID, "name": t.Name, "state": t.progress(s.elapsed(), s.opts.Now()).State})
	}
	s.mu.Unlock()
	// SMS's count is the total, unlike DCS's.
	writeJSON(w, map[string]any{"count": len(all), "tasks": pageOf(all, offset, limit)})
}

func (t SMSTask) progress(elapsed time.Duration, now time.Time) SMSProgress {
	if t.Progress != nil {
		return *t.Progress
	}
	return t.Movement.at(t.ID, t.Type, elapsed+t.Movement.StartedAgo, now)
}

// smsBody renders ShowTask's answer.
func (s *Simulator) smsBody(t SMSTask) map[string]any {
	p := t.progress(s.elapsed(), s.opts.Now())
	body := map[string]any{
		"id": t.ID, "name": t.Name, "state": p.State,
		"type":          orDefault(t.Type, "MIGRATE_FILE"),
		"os_type":       orDefault(t.OSType, "LINUX"),
		"source_server": map[string]any{"id": smsSourceID(t.ID), "name": t.SourceServer, "ip": "192.168.1.10"},
		"target_server": map[string]any{"id": "dst-" + t.ID, "name": t.TargetServer, "disks": []any{}},
		"create_date":   float64(s.start.UnixMilli()),
	}
	subs := make([]map[string]any, 0, len(p.SubTasks))
	for i, st := range p.SubTasks {
		sub := map[string]any{"id": i + 1, "name": st.Name, "progress": s.num(st.Progress)}
		if st.StartMs > 0 {
			sub["start_date"] = s.num(st.StartMs)
		}
		if st.EndMs > 0 {
			sub["end_date"] = s.num(st.EndMs)
		}
		if st.SpeedMbps > 0 {
			sub["migrate_speed"] = s.num(st.SpeedMbps)
		}
		subs = append(subs, sub)
	}
	body["sub_tasks"] = subs
	if !p.AgentReported {
		return body
	}
	for k, v := range map[string]float64{
		"migrate_speed": p.MigrateSpeedMbps, "compress_rate": p.CompressRate,
		"remain_seconds": p.RemainSeconds, "estimate_complete_time": p.EstimateCompleteMs,
		"total_cpu_usage": p.TotalCPUPercent, "agent_cpu_usage": p.AgentCPUPercent,
		"total_mem_usage": p.TotalMemMB, "agent_mem_usage": p.AgentMemMB,
		"total_disk_io": p.TotalDiskIOMbps, "agent_disk_io": p.AgentDiskIOMbps,
	} {
		body[k] = s.num(v)
	}
	sizes := map[string]any{"replicatesize": s.num(p.ReplicateSize), "totalsize": s.num(p.TotalSize)}
	switch t.SizesIn {
	case SizesAtTopLevel:
		maps.Copy(body, sizes)
	case SizesInSubTasks:
		for _, sub := range subs {
			if sub["name"] == p.CurrentSubTask || (p.CurrentSubTask == "" && sub["name"] == copyPhase(t.Type)) {
				maps.Copy(sub, sizes)
			}
		}
	default:
		info := map[string]any{"subtask_name": p.CurrentSubTask, "progress": s.num(p.CurrentSubTaskProgress)}
		maps.Copy(info, sizes)
		b, _ := json.Marshal(info)
		body["subtask_info"] = string(b)
	}
	return body
}
