package simulator

import (
	"encoding/json"
	"math"
	"net/http"
	"time"
)

// The OMS operations Requests counts, apart from SMS's ShowTask and
// ListTasks, which have the same SDK names.
const (
	OpOMSShowTask      = "oms ShowTask"
	OpOMSListTasks     = "oms ListTasks"
	OpOMSShowTaskGroup = "oms ShowTaskGroup"
	OpOMSListTaskGroup = "oms ListTaskGroup"
)

// OMSTask is a simulated OMS object storage migration task.
type OMSTask struct {
	// ID is sent as a JSON number when it is all digits (as OMS does),
	// else as a string.
	ID, Name string
	TaskType string // default "prefix"
	GroupID  string // "" outside a task group
	// The source (bucket, cloud_type, region) and the destination (OBS
	// bucket, region).
	SourceBucket, SourceCloud, SourceRegion string
	TargetBucket, TargetRegion              string

	// Progress, when set, is served as it is; otherwise Movement computes
	// it from the simulator's clock.
	Progress *OMSProgress
	Movement OMSMovement
	// HealthyReason is how error_reason is sent while the task has no
	// failure reason.
	HealthyReason ErrorReasonForm
}

// ErrorReasonForm is how an answer sends error_reason when there is no
// failure.
type ErrorReasonForm int

// The forms error_reason takes on a healthy task or group.
const (
	ErrorReasonNull        ErrorReasonForm = iota // null, as real answers do
	ErrorReasonAbsent                             // left out, as real answers do too
	ErrorReasonEmptyString                        // "", as the documentation says
)

// OMSProgress is what ShowTask reports about a task at one moment.
type OMSProgress struct {
	Status       int     // 0 initializing, 1 waiting, 2 running, 3 paused, 4 failed, 5 succeeded, 6 retrying, 7 pausing
	Progress     float64 // 0 to 1
	CompleteSize float64 // bytes
	TotalSize    float64 // bytes
	MigrateSpeed float64 // bytes/s
	LeftTimeMs   float64
	TotalTimeMs  float64
	StartTimeMs  float64 // ms since the epoch; 0 = not started
	Succeeded    float64 // objects
	Failed       float64
	Skipped      float64
	TotalObjects float64
	// ListingComplete is is_query_over: false while the source is listed.
	ListingComplete bool
	// ErrorCode and ErrorMsg, when set, are sent as the error_reason
	// object; otherwise the task's HealthyReason form is sent.
	ErrorCode, ErrorMsg string
	// Absent are fields left out of the answer (e.g. "left_time").
	Absent []string
}

// OMSMovement describes a task that lists its source and copies it with
// time: bytes and objects climb, the total grows until the listing is
// complete, then the task succeeds.
type OMSMovement struct {
	// StartedAgo shifts the task's start before the simulator's start.
	StartedAgo time.Duration
	// ListingDuration is how long the source takes to list (default 2m);
	// the totals grow until then.
	ListingDuration time.Duration
	// CopyDuration is how long the copy takes (default 30m).
	CopyDuration time.Duration
	// TotalBytes and TotalObjects are the source's size (defaults 500 GiB
	// and 200000 objects).
	TotalBytes, TotalObjects float64
}

// at is the task's progress at wall time now, e time after its start.
func (m OMSMovement) at(id string, e time.Duration, now time.Time) OMSProgress {
	listing, copyDur := m.ListingDuration, m.CopyDuration
	if listing <= 0 {
		listing = 2 * time.Minute
	}
	if copyDur <= 0 {
		copyDur = 30 * time.Minute
	}
	total, objects := m.TotalBytes, m.TotalObjects
	if total <= 0 {
		total = 500 << 30
	}
	if objects <= 0 {
		objects = 200_000
	}
	if e < 0 {
		return OMSProgress{Status: 1, ListingComplete: false}
	}
	listed := min(e.Seconds()/listing.Seconds(), 1)
	done := min(e.Seconds()/copyDur.Seconds(), 1)
	// While the source is listed, the totals known so far grow from 30 %.
	knownBytes := math.Round(total * (0.3 + 0.7*listed))
	knownObjects := math.Round(objects * (0.3 + 0.7*listed))
	p := OMSProgress{
		Status:          2,
		CompleteSize:    math.Min(math.Round(total*done), knownBytes),
		TotalSize:       knownBytes,
		TotalTimeMs:     float64(e.Milliseconds()),
		StartTimeMs:     float64(now.Add(-e).UnixMilli()),
		TotalObjects:    knownObjects,
		ListingComplete: listed >= 1,
	}
	copied := math.Min(math.Round(objects*done), knownObjects)
	p.Skipped = math.Round(copied * 0.01) // already at the destination
	p.Succeeded = copied - p.Skipped
	p.Progress = math.Round(p.CompleteSize/p.TotalSize*1000) / 1000
	if done >= 1 {
		p.Status, p.Progress = 5, 1
		return p
	}
	j := jitter(id, int64(e.Seconds()))
	p.MigrateSpeed = math.Round(total / copyDur.Seconds() * (0.9 + 0.2*j))
	p.LeftTimeMs = float64((copyDur - e).Milliseconds())
	return p
}

// OMSTaskGroup is a simulated OMS task group.
type OMSTaskGroup struct {
	ID                                      string
	SourceBucket, SourceCloud, TargetBucket string
	// Progress, when set, is served as it is; otherwise Movement computes
	// it from the simulator's clock.
	Progress      *OMSGroupProgress
	Movement      OMSMovement
	HealthyReason ErrorReasonForm
}

// OMSGroupProgress is what ShowTaskGroup reports about a group at one
// moment.
type OMSGroupProgress struct {
	Status       int // 0 waiting, 1 executing, 2 monitoring, 3 paused, 4 create failed, 5 failed, 6 completed, 7 pausing, 8 waiting deletion, 9 deleted
	CompleteSize float64
	TotalSize    float64
	MigrateSpeed float64
	Succeeded    float64
	Failed       float64
	Skipped      float64
	TotalObjects float64
	// TotalTasks and the others are the group's task counts.
	TotalTasks, CompleteTasks, ExecutingTasks, FailedTasks float64
	ErrorCode, ErrorMsg                                    string
	Absent                                                 []string
}

// omsState is the simulator's OMS tasks and task groups, in list order,
// guarded by the simulator's lock.
type omsState struct {
	tasks  []*OMSTask
	groups []*OMSTaskGroup
}

// AddOMSTask adds (or replaces) an OMS task.
func (s *Simulator) AddOMSTask(t OMSTask) { s.locked(func() { s.oms.tasks = upsert(s.oms.tasks, t) }) }

// RemoveOMSTask deletes an OMS task: ShowTask then answers 400 OMS.1009.
func (s *Simulator) RemoveOMSTask(id string) {
	s.locked(func() { s.oms.tasks = without(s.oms.tasks, id) })
}

// AddOMSTaskGroup adds (or replaces) an OMS task group.
func (s *Simulator) AddOMSTaskGroup(g OMSTaskGroup) {
	s.locked(func() { s.oms.groups = upsert(s.oms.groups, g) })
}

func (t OMSTask) taskID() string      { return t.ID }
func (g OMSTaskGroup) taskID() string { return g.ID }

// omsRoutes serves the OMS v2 task and task group APIs.
func (s *Simulator) omsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/{project_id}/tasks/{task_id}", s.omsTask)
	mux.HandleFunc("GET /v2/{project_id}/tasks", s.omsTaskList)
	mux.HandleFunc("GET /v2/{project_id}/taskgroups/{group_id}", s.omsGroup)
	mux.HandleFunc("GET /v2/{project_id}/taskgroups", s.omsGroupList)
}

var (
	// A task that does not exist is a 400 with OMS.1009.
	errOMSTaskNotFound = &apiError{http.StatusBadRequest, "OMS.1009", "No resources found."}
	// A task group that does not exist is a 404.
	errOMSGroupNotFound = &apiError{http.StatusNotFound, "OMS.1009", "No resources found."}
)

func (s *Simulator) omsTask(w http.ResponseWriter, r *http.Request) {
	showOne(s, w, r, OpOMSShowTask, "task_id", &s.oms.tasks, errOMSTaskNotFound, s.omsTaskBody)
}

func (s *Simulator) omsTaskList(w http.ResponseWriter, r *http.Request) {
	listPage(s, w, r, OpOMSListTasks, "tasks", &s.oms.tasks, errOMSTaskNotFound, s.omsTaskBody)
}

func (s *Simulator) omsGroup(w http.ResponseWriter, r *http.Request) {
	showOne(s, w, r, OpOMSShowTaskGroup, "group_id", &s.oms.groups, errOMSGroupNotFound, s.omsGroupBody)
}

func (s *Simulator) omsGroupList(w http.ResponseWriter, r *http.Request) {
	listPage(s, w, r, OpOMSListTaskGroup, "taskgroups", &s.oms.groups, errOMSGroupNotFound, s.omsGroupBody)
}

func (t OMSTask) progress(elapsed time.Duration, now time.Time) OMSProgress {
	if t.Progress != nil {
		return *t.Progress
	}
	return t.Movement.at(t.ID, elapsed+t.Movement.StartedAgo, now)
}

func (g OMSTaskGroup) progress(elapsed time.Duration, now time.Time) OMSGroupProgress {
	if g.Progress != nil {
		return *g.Progress
	}
	p := g.Movement.at(g.ID, elapsed+g.Movement.StartedAgo, now)
	status := 1 // executing
	switch p.Status {
	case 1:
		status = 0 // waiting
	case 5:
		status = 6 // completed
	}
	return OMSGroupProgress{Status: status, CompleteSize: p.CompleteSize, TotalSize: p.TotalSize,
		MigrateSpeed: p.MigrateSpeed, Succeeded: p.Succeeded, Failed: p.Failed, Skipped: p.Skipped,
		TotalObjects: p.TotalObjects}
}

// omsID is a task id as OMS sends it: a JSON number when it is all digits.
func (s *Simulator) omsID(id string) any {
	if id == "" || s.opts.NumbersAsStrings {
		return id
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return id
		}
	}
	return json.Number(id)
}

// errorReason is error_reason: the object when there is a code or a
// message, else the healthy form (ok=false: leave it out).
func errorReason(code, msg string, healthy ErrorReasonForm) (v any, ok bool) {
	switch {
	case code != "" || msg != "":
		return map[string]any{"error_code": code, "error_msg": msg}, true
	case healthy == ErrorReasonAbsent:
		return nil, false
	case healthy == ErrorReasonEmptyString:
		return "", true
	default:
		return nil, true
	}
}

// omsTaskBody renders ShowTask's answer (a list entry is the same).
func (s *Simulator) omsTaskBody(t OMSTask) map[string]any {
	p := t.progress(s.elapsed(), s.opts.Now())
	orDefault := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	groupType := "NORMAL_TASK"
	if t.GroupID != "" {
		groupType = "GROUP_TASK"
	}
	body := map[string]any{
		"id": s.omsID(t.ID), "name": t.Name, "status": s.num(float64(p.Status)),
		"task_type": orDefault(t.TaskType, "prefix"), "group_id": t.GroupID, "group_type": groupType,
		"description": "",
		"src_node": map[string]any{"bucket": t.SourceBucket, "cloud_type": orDefault(t.SourceCloud, "AWS"),
			"region": orDefault(t.SourceRegion, "eu-west-1"), "object_key": []string{""}},
		"dst_node":              map[string]any{"bucket": t.TargetBucket, "region": orDefault(t.TargetRegion, "cn-north-4")},
		"progress":              s.num(p.Progress),
		"complete_size":         s.num(p.CompleteSize),
		"total_size":            s.num(p.TotalSize),
		"real_size":             s.num(p.TotalSize),
		"migrate_speed":         s.num(p.MigrateSpeed),
		"left_time":             s.num(p.LeftTimeMs),
		"total_time":            s.num(p.TotalTimeMs),
		"start_time":            s.num(p.StartTimeMs),
		"migrate_since":         s.num(0),
		"successful_num":        s.num(p.Succeeded),
		"failed_num":            s.num(p.Failed),
		"skipped_num":           s.num(p.Skipped),
		"total_num":             s.num(p.TotalObjects),
		"is_query_over":         p.ListingComplete,
		"enable_kms":            false,
		"enable_restore":        false,
		"object_overwrite_mode": "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
		"consistency_check":     "size_last_modified",
		"task_priority":         "MEDIUM",
		"bandwidth_policy":      []any{},
	}
	if v, ok := errorReason(p.ErrorCode, p.ErrorMsg, t.HealthyReason); ok {
		body["error_reason"] = v
	}
	for _, k := range p.Absent {
		delete(body, k)
	}
	return body
}

// omsGroupBody renders ShowTaskGroup's answer (a list entry is the same).
func (s *Simulator) omsGroupBody(g OMSTaskGroup) map[string]any {
	p := g.progress(s.elapsed(), s.opts.Now())
	orDefault := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	body := map[string]any{
		"group_id": g.ID, "status": s.num(float64(p.Status)), "task_type": "PREFIX", "description": "",
		"src_node": map[string]any{"bucket": g.SourceBucket, "cloud_type": orDefault(g.SourceCloud, "AWS"),
			"region": "eu-west-1", "object_key": []string{""}},
		"dst_node":             map[string]any{"bucket": g.TargetBucket, "region": "cn-north-4", "save_prefix": ""},
		"migrate_speed":        s.num(p.MigrateSpeed),
		"complete_size":        s.num(p.CompleteSize),
		"total_size":           s.num(p.TotalSize),
		"create_complete_size": s.num(p.TotalSize),
		"success_num":          s.num(p.Succeeded),
		"fail_num":             s.num(p.Failed),
		"skip_num":             s.num(p.Skipped),
		"total_num":            s.num(p.TotalObjects),
		"create_complete_num":  s.num(p.TotalObjects),
		"total_task_num":       s.num(p.TotalTasks),
		"create_task_num":      s.num(p.TotalTasks),
		"complete_task_num":    s.num(p.CompleteTasks),
		"executing_task_num":   s.num(p.ExecutingTasks),
		"failed_task_num":      s.num(p.FailedTasks),
		"paused_task_num":      s.num(0),
		"waiting_task_num":     s.num(0),
		"migrate_since":        s.num(0),
		"bandwidth_policy":     []any{},
	}
	if v, ok := errorReason(p.ErrorCode, p.ErrorMsg, g.HealthyReason); ok {
		body["error_reason"] = v
	}
	for _, k := range p.Absent {
		delete(body, k)
	}
	return body
}

// DemoOMSGroupID is the demo task group (`--simulate`).
const DemoOMSGroupID = "b6e0f3a2-4c1d-4e8f-9a7b-3c2d1e0f9a8b"

// addDemoOMS adds the OMS tasks `--simulate` shows: a bucket being copied
// from AWS while its source is still listed, a task group of two tasks
// (one done, one copying), and a task that failed for want of permission
// on the destination bucket. The tasks and the group are found by
// discovery.
func (s *Simulator) addDemoOMS() {
	s.AddOMSTask(OMSTask{ID: "220621019041293", Name: "logs-s3-to-obs", TaskType: "prefix",
		SourceBucket: "prod-logs", SourceCloud: "AWS", SourceRegion: "eu-west-1", TargetBucket: "obs-prod-logs",
		Movement: OMSMovement{StartedAgo: 90 * time.Second, ListingDuration: 3 * time.Minute, CopyDuration: 45 * time.Minute,
			TotalBytes: 800 << 30, TotalObjects: 2_400_000}})
	s.AddOMSTask(OMSTask{ID: "220621019041294", Name: "photos-part-1", TaskType: "prefix", GroupID: DemoOMSGroupID,
		SourceBucket: "oss-photos", SourceCloud: "Aliyun", SourceRegion: "cn-hangzhou", TargetBucket: "obs-photos",
		Movement: OMSMovement{StartedAgo: 50 * time.Minute, CopyDuration: 40 * time.Minute, TotalBytes: 120 << 30, TotalObjects: 600_000}})
	s.AddOMSTask(OMSTask{ID: "220621019041295", Name: "photos-part-2", TaskType: "prefix", GroupID: DemoOMSGroupID,
		SourceBucket: "oss-photos", SourceCloud: "Aliyun", SourceRegion: "cn-hangzhou", TargetBucket: "obs-photos",
		Movement: OMSMovement{StartedAgo: 20 * time.Minute, CopyDuration: 40 * time.Minute, TotalBytes: 200 << 30, TotalObjects: 900_000}})
	s.AddOMSTaskGroup(OMSTaskGroup{ID: DemoOMSGroupID, SourceBucket: "oss-photos", SourceCloud: "ALIYUN", TargetBucket: "obs-photos",
		Movement: OMSMovement{StartedAgo: 50 * time.Minute, CopyDuration: 70 * time.Minute, TotalBytes: 320 << 30, TotalObjects: 1_500_000}})
	s.AddOMSTask(OMSTask{ID: "220621019041296", Name: "archive-cos-to-obs", TaskType: "list",
		SourceBucket: "cos-archive", SourceCloud: "Tencent", SourceRegion: "ap-guangzhou", TargetBucket: "obs-archive",
		Progress: &OMSProgress{Status: 4, Progress: 0.031, CompleteSize: 3_328_599_654, TotalSize: 107_374_182_400,
			TotalTimeMs: 372_000, Succeeded: 1_204, Failed: 87, Skipped: 0, TotalObjects: 40_000, ListingComplete: true,
			ErrorCode: "TRF.0051", ErrorMsg: "The AK/SK does not have permission to access the destination bucket or object."}})
}
