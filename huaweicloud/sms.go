package huaweicloud

import (
	"bytes"
	"context"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// SMS operation names (the SDK's), the values of the `operation` label.
const (
	OpShowTask  = "ShowTask"
	OpListTasks = "ListTasks"
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
	switch dec.PeekKind() {
	case '{':
		return json.UnmarshalDecode(dec, (*plain)(i))
	case '"':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		// A document of its own, decoded as the answer is; a string that
		// is not one leaves the info empty.
		var p plain
		if json.Unmarshal(bytes.TrimSpace(stringValue(v)), &p, dec.Options()) == nil {
			*i = SMSSubtaskInfo(p)
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
