package huaweicloud

import (
	"bytes"
	"context"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// SMS operation names (the SDK's), the values of the `operation` label.
const (
	OpShowTask              = "ShowTask"
	OpListTasks             = "ListTasks"
	OpShowConsistencyResult = "ShowConsistencyResult"
)

// SMSTask is the part of GET /v3/tasks/{task_id} (ShowTask) the exporter
// uses. The migration agent reports most numbers with PUT
// /v3/tasks/{task_id}/progress; until it has, they are absent.
type SMSTask struct {
	ID     Text `json:"id"`
	Name   Text `json:"name"`
	Type   Text `json:"type"`    // MIGRATE_FILE, MIGRATE_BLOCK
	OSType Text `json:"os_type"` // WINDOWS, LINUX
	State  Text `json:"state"`

	EstimateCompleteTime Number `json:"estimate_complete_time"` // ms since the epoch (unit undocumented)
	RemainSeconds        Number `json:"remain_seconds"`
	MigrateSpeed         Number `json:"migrate_speed"` // Mbit/s
	CompressRate         Number `json:"compress_rate"`
	TotalCPUUsage        Number `json:"total_cpu_usage"` // percent
	AgentCPUUsage        Number `json:"agent_cpu_usage"` // percent
	TotalMemUsage        Number `json:"total_mem_usage"` // MB
	AgentMemUsage        Number `json:"agent_mem_usage"` // MB
	TotalDiskIO          Number `json:"total_disk_io"`   // Mbit/s
	AgentDiskIO          Number `json:"agent_disk_io"`   // Mbit/s
	ReplicateSize        Number `json:"replicatesize"`   // bytes
	TotalSize            Number `json:"totalsize"`       // bytes

	SourceServer struct {
		ID   Text `json:"id"`
		Name Text `json:"name"`
		IP   Text `json:"ip"`
	} `json:"source_server"`
	TargetServer struct {
		ID   Text `json:"id"`
		Name Text `json:"name"`
		IP   Text `json:"ip"`
	} `json:"target_server"`
	SubTasks    []SMSSubTask   `json:"sub_tasks"`
	SubtaskInfo SMSSubtaskInfo `json:"subtask_info"`
}

// SMSSubTask is one step of a server migration.
type SMSSubTask struct {
	Name          Text   `json:"name"` // e.g. CREATE_CLOUD_SERVER, MIGRATE_LINUX_FILE
	Progress      Number `json:"progress"`
	StartDate     Number `json:"start_date"` // ms since the epoch
	EndDate       Number `json:"end_date"`
	MigrateSpeed  Number `json:"migrate_speed"` // Mbit/s
	ReplicateSize Number `json:"replicatesize"`
	TotalSize     Number `json:"totalsize"`
}

// running reports whether the subtask has started and not ended.
func (s SMSSubTask) running() bool {
	_, started := s.StartDate.Value()
	end, ended := s.EndDate.Value()
	return started && (!ended || end == 0)
}

// SyncStarted is the start_date (ms since the epoch) of the latest subtask
// that copies data: of the syncs (SYNC_*) and the full copy (MIGRATE_*),
// the one that started last, whatever its place in the list. A sync
// starts after the full copy, so this is the last sync's start, or the
// full copy's before any sync. It is absent when none has started (no
// start_date, or 0); a start_date that is not a number is returned as its
// error only when no subtask has a usable one.
func (t SMSTask) SyncStarted() Number {
	var latest, broken Number
	for _, s := range t.SubTasks {
		if name := string(s.Name); !strings.HasPrefix(name, "SYNC_") && !strings.HasPrefix(name, "MIGRATE_") {
			continue
		}
		v, ok := s.StartDate.Value()
		if !ok && s.StartDate.Err() != nil {
			broken = s.StartDate
		}
		if l, has := latest.Value(); ok && v > 0 && (!has || v > l) {
			latest = s.StartDate
		}
	}
	if _, ok := latest.Value(); ok {
		return latest
	}
	return broken
}

// SMSSubtaskInfo is "the current subtask and its progress", which ShowTask
// sends as a JSON document inside a JSON string (an object is accepted
// too). Anything else leaves it empty.
type SMSSubtaskInfo struct {
	Name          Text   `json:"subtask_name"`
	Progress      Number `json:"progress"`
	ReplicateSize Number `json:"replicatesize"`
	TotalSize     Number `json:"totalsize"`
	MigrateSpeed  Number `json:"migrate_speed"`
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (i *SMSSubtaskInfo) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*i = SMSSubtaskInfo{}
	type plain SMSSubtaskInfo // its fields, without this method
	return decodeEmbedded(dec, (*plain)(i))
}

// decodeEmbedded decodes an object into out, or a JSON document inside a
// JSON string, decoded as the answer is. A string that is not such a
// document, and any other value, leave out as it is. It fails only on a
// syntax error (of the answer, not of the string's content).
func decodeEmbedded[T any](dec *jsontext.Decoder, out *T) error {
	switch dec.PeekKind() {
	case '{':
		return json.UnmarshalDecode(dec, out)
	case '"':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		var p T
		if json.Unmarshal(bytes.TrimSpace(stringValue(v)), &p, dec.Options()) == nil {
			*out = p
		}
		return nil
	default:
		return dec.SkipValue()
	}
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (i *SMSSubtaskInfo) UnmarshalJSON(b []byte) error { return decodeJSON(b, i) }

// Sizes are the replicated and total bytes: from the top level when the
// answer has them there, else from subtask_info, else from the running (or
// last) subtask that carries them.
func (t SMSTask) Sizes() (replicated, total Number) {
	replicated, total = t.ReplicateSize, t.TotalSize
	if _, ok := replicated.Value(); !ok {
		replicated = t.SubtaskInfo.ReplicateSize
	}
	if _, ok := total.Value(); !ok {
		total = t.SubtaskInfo.TotalSize
	}
	if sub, ok := t.currentSubTask(func(s SMSSubTask) bool { _, ok := s.TotalSize.Value(); return ok }); ok {
		if _, ok := replicated.Value(); !ok {
			replicated = sub.ReplicateSize
		}
		if _, ok := total.Value(); !ok {
			total = sub.TotalSize
		}
	}
	return replicated, total
}

// Speed is migrate_speed in Mbit/s: the top level's, else the running
// subtask's.
func (t SMSTask) Speed() Number {
	if _, ok := t.MigrateSpeed.Value(); ok || t.MigrateSpeed.Err() != nil {
		return t.MigrateSpeed
	}
	if sub, ok := t.currentSubTask(func(s SMSSubTask) bool { _, ok := s.MigrateSpeed.Value(); return ok }); ok {
		return sub.MigrateSpeed
	}
	return t.MigrateSpeed
}

// currentSubTask is the running subtask that satisfies has, else the last
// one that does.
func (t SMSTask) currentSubTask(has func(SMSSubTask) bool) (SMSSubTask, bool) {
	var last SMSSubTask
	found := false
	for _, s := range t.SubTasks {
		if !has(s) {
			continue
		}
		if s.running() {
			return s, true
		}
		last, found = s, true
	}
	return last, found
}

// SMSTaskSummary is one entry of ListTasks.
type SMSTaskSummary struct {
	ID    Text `json:"id"`
	Name  Text `json:"name"`
	State Text `json:"state"`
}

// SMSTaskPage is one page of GET /v3/tasks; count is the total.
type SMSTaskPage struct {
	Count Number           `json:"count"`
	Tasks []SMSTaskSummary `json:"tasks"`
}

// SMSTask reads a server migration task (ShowTask).
func (c *Client) SMSTask(ctx context.Context, taskID string) (SMSTask, error) {
	return getAs[SMSTask](ctx, c, call{api: APISMS, operation: OpShowTask,
		path: "/v3/tasks/{task_id}", idParam: "task_id", id: taskID})
}

// SMSTaskPage reads one page of the account's server migration tasks.
func (c *Client) SMSTaskPage(ctx context.Context, offset, limit int) (SMSTaskPage, error) {
	return getAs[SMSTaskPage](ctx, c, call{api: APISMS, operation: OpListTasks,
		path: "/v3/tasks", query: pageQuery(offset, limit)})
}

// SMSConsistency is GET /v3/tasks/{task_id}/consistency-result
// (ShowConsistencyResult): the checks of the files a migration copied.
// The answer has had three shapes, and all three are read:
//
//   - flat: the one check's finished_time and consistency_result at the
//     top level (FinishedTime, CheckResult, Directories);
//   - result_list as a list of checks, each an object;
//   - result_list as a list of strings (the SDK's type), each of which
//     may hold a check as a JSON document; one that does not is ignored.
type SMSConsistency struct {
	TaskID Text `json:"task_id"`
	// The flat shape's one check (not an embedded SMSConsistencyCheck:
	// its UnmarshalJSONFrom would become the answer's).
	FinishedTime Number                  `json:"finished_time"`
	CheckResult  Text                    `json:"check_result"`
	Directories  List[SMSDirectoryCheck] `json:"consistency_result"`
	// Checks is result_list.
	Checks List[SMSConsistencyCheck] `json:"result_list"`
}

// SMSConsistencyCheck is one consistency check of a task's files.
type SMSConsistencyCheck struct {
	FinishedTime Number                  `json:"finished_time"` // ms since the epoch (unit undocumented)
	CheckResult  Text                    `json:"check_result"`  // values undocumented
	Directories  List[SMSDirectoryCheck] `json:"consistency_result"`
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom: a check is an object
// or a string holding one (see decodeEmbedded). It fails only on a syntax
// error.
func (c *SMSConsistencyCheck) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*c = SMSConsistencyCheck{}
	type plain SMSConsistencyCheck // its fields, without this method
	return decodeEmbedded(dec, (*plain)(c))
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (c *SMSConsistencyCheck) UnmarshalJSON(b []byte) error { return decodeJSON(b, c) }

// SMSDirectoryCheck is a check's result for one directory.
type SMSDirectoryCheck struct {
	Dir        Text   `json:"dir_check"`
	Total      Number `json:"num_total_files"`
	Different  Number `json:"num_different_files"`
	TargetMiss Number `json:"num_target_miss_files"`
	TargetMore Number `json:"num_target_more_files"`
}

// Files are the check's file counts summed over its directories: checked
// (num_total_files), different, missing on the target and extra on the
// target. A count no directory has is absent; one that a directory has in
// a form that is not a number is that error (a sum without it would be
// wrong).
func (c SMSConsistencyCheck) Files() (checked, different, missing, extra Number) {
	dirs := c.Directories
	return SumOf(dirs, func(d SMSDirectoryCheck) Number { return d.Total }),
		SumOf(dirs, func(d SMSDirectoryCheck) Number { return d.Different }),
		SumOf(dirs, func(d SMSDirectoryCheck) Number { return d.TargetMiss }),
		SumOf(dirs, func(d SMSDirectoryCheck) Number { return d.TargetMore })
}

// held reports whether the check says anything: a string that held no
// check, or a flat answer without one, does not.
func (c SMSConsistencyCheck) held() bool {
	_, hasTime := c.FinishedTime.Value()
	return hasTime || c.FinishedTime.Err() != nil || c.CheckResult != "" || len(c.Directories) > 0
}

// Latest is the check with the greatest finished_time, whatever its place
// in the answer; a check without a readable time comes after every check
// with one, and of equal times the first is taken. ok is false when the
// task was never checked (no check in the answer).
func (r SMSConsistency) Latest() (latest SMSConsistencyCheck, ok bool) {
	var at float64
	var timed bool
	consider := func(c SMSConsistencyCheck) {
		if !c.held() {
			return
		}
		t, hasTime := c.FinishedTime.Value()
		if !ok || hasTime && (!timed || t > at) {
			latest, ok, at, timed = c, true, t, hasTime
		}
	}
	consider(SMSConsistencyCheck{FinishedTime: r.FinishedTime, CheckResult: r.CheckResult, Directories: r.Directories})
	for _, c := range r.Checks {
		consider(c)
	}
	return latest, ok
}

// SMSConsistency reads a task's consistency checks (ShowConsistencyResult).
func (c *Client) SMSConsistency(ctx context.Context, taskID string) (SMSConsistency, error) {
	return getAs[SMSConsistency](ctx, c, call{api: APISMS, operation: OpShowConsistencyResult,
		path: "/v3/tasks/{task_id}/consistency-result", idParam: "task_id", id: taskID})
}
