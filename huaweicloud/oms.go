package huaweicloud

import (
	"context"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	omsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/oms/v2/region"
)

// APIOMS is OMS (Object Storage Migration Service, v2 API): the value of
// the `api` label, and the key of its endpoint.
const APIOMS = "oms"

// OMS operation names, the SDK's (services/oms/v2): ShowTask and ListTasks
// have the names of SMS's calls (OpShowTask, OpListTasks); the `api` label
// tells them apart.
const (
	OpShowTaskGroup = "ShowTaskGroup"
	OpListTaskGroup = "ListTaskGroup"
)

// CodeOMSNotFound is OMS's "No resources found.": a task that does not
// exist (deleted) answers HTTP 400 with it, not 404.
const CodeOMSNotFound = "OMS.1009"

// omsMaxListOffset is the largest offset ListTasks accepts (its
// documentation: 0 to 10000); a larger one is refused with a 400.
const omsMaxListOffset = 10000

// defaultOMSEndpoint is the OMS endpoint of a region: the SDK's OMS region
// table's when it knows the region, else https://oms.{region}.myhuaweicloud.com,
// the pattern every entry of that table follows.
func defaultOMSEndpoint(region string) string {
	return tableEndpoint(omsregion.SafeValueOf, APIOMS, region)
}

// OMSErrorReason is a task's or task group's failure reason. The API sends
// an object {error_code, error_msg} on a failed task; on a healthy one real
// answers send null or leave the field out, and the documentation says
// "" (an empty string). All of these decode, and decoding never fails: a
// non-empty string is taken as the message, anything else as no reason.
type OMSErrorReason struct {
	Code    Text `json:"error_code"`
	Message Text `json:"error_msg"`
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (e *OMSErrorReason) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*e = OMSErrorReason{}
	switch dec.PeekKind() {
	case '{':
		type plain OMSErrorReason // its fields, without this method
		return json.UnmarshalDecode(dec, (*plain)(e))
	case '"':
		return e.Message.UnmarshalJSONFrom(dec)
	default:
		return dec.SkipValue()
	}
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (e *OMSErrorReason) UnmarshalJSON(b []byte) error { return decodeJSON(b, e) }

// scrubbed is e with the account's secrets removed from its code and its
// message: they are text the cloud sent, which a hostile endpoint can make
// echo a key or the token, whole or in part. OMSTask and OMSTaskGroup
// return it scrubbed, so no caller sees a secret there.
func (e OMSErrorReason) scrubbed(c *Client) OMSErrorReason {
	if e == (OMSErrorReason{}) {
		return e
	}
	return OMSErrorReason{Code: Text(c.ScrubText(string(e.Code))), Message: Text(c.ScrubText(string(e.Message)))}
}

// OMSNode is a task's (or task group's) source or destination.
type OMSNode struct {
	Bucket    Text `json:"bucket"`
	Region    Text `json:"region"`
	CloudType Text `json:"cloud_type"` // source only: AWS, Aliyun, … (upper case on task groups)
}

// OMSTask is the part of GET /v2/{project_id}/tasks/{task_id} (ShowTask)
// the exporter uses. The task is the answer's top-level object. Its
// numbers are JSON numbers; they are decoded with the tolerant types all
// the same.
type OMSTask struct {
	ID       Text   `json:"id"` // a number in the answer, e.g. 220621019041293
	Name     Text   `json:"name"`
	Status   Number `json:"status"`    // 0 initializing … 7 pausing
	TaskType Text   `json:"task_type"` // list, object, prefix, url_list
	GroupID  Text   `json:"group_id"`  // "" outside a task group

	SrcNode OMSNode `json:"src_node"`
	DstNode OMSNode `json:"dst_node"`

	Progress      Number `json:"progress"`      // 0 to 1
	CompleteSize  Number `json:"complete_size"` // bytes migrated
	TotalSize     Number `json:"total_size"`    // bytes
	RealSize      Number `json:"real_size"`     // bytes, skipped objects left out
	MigrateSpeed  Number `json:"migrate_speed"` // bytes/s
	LeftTime      Number `json:"left_time"`     // ms
	TotalTime     Number `json:"total_time"`    // ms
	StartTime     Number `json:"start_time"`    // ms since the epoch
	SuccessfulNum Number `json:"successful_num"`
	FailedNum     Number `json:"failed_num"`
	SkippedNum    Number `json:"skipped_num"`
	TotalNum      Number `json:"total_num"`
	// IsQueryOver is false while the source is still being listed (the
	// totals still grow).
	IsQueryOver Bool           `json:"is_query_over"`
	ErrorReason OMSErrorReason `json:"error_reason"`
}

// OMSTaskGroup is the part of GET /v2/{project_id}/taskgroups/{group_id}
// (ShowTaskGroup) the exporter uses. Its fields are named unlike a task's
// (success_num, not successful_num), and it has no progress.
type OMSTaskGroup struct {
	GroupID     Text           `json:"group_id"`
	Status      Number         `json:"status"`    // 0 waiting … 9 deleted
	TaskType    Text           `json:"task_type"` // LIST, URL_LIST, PREFIX
	ErrorReason OMSErrorReason `json:"error_reason"`

	SrcNode OMSNode `json:"src_node"`
	DstNode OMSNode `json:"dst_node"`

	MigrateSpeed Number `json:"migrate_speed"` // bytes/s
	TotalTime    Number `json:"total_time"`    // ms
	StartTime    Number `json:"start_time"`    // ms since the epoch
	CompleteSize Number `json:"complete_size"` // bytes migrated
	TotalSize    Number `json:"total_size"`    // bytes
	SuccessNum   Number `json:"success_num"`
	FailNum      Number `json:"fail_num"`
	SkipNum      Number `json:"skip_num"`
	TotalNum     Number `json:"total_num"`

	TotalTaskNum     Number `json:"total_task_num"`
	FailedTaskNum    Number `json:"failed_task_num"`
	CompleteTaskNum  Number `json:"complete_task_num"`
	ExecutingTaskNum Number `json:"executing_task_num"`
	WaitingTaskNum   Number `json:"waiting_task_num"`
	PausedTaskNum    Number `json:"paused_task_num"`
}

// OMSTaskSummary is one entry of ListTasks, as far as discovery reads it.
type OMSTaskSummary struct {
	ID Text `json:"id"`
}

// OMSTaskPage is one page of GET /v2/{project_id}/tasks; count is the
// number of tasks in all.
type OMSTaskPage struct {
	Count Number           `json:"count"`
	Tasks []OMSTaskSummary `json:"tasks"`
}

// OMSTaskGroupSummary is one entry of ListTaskGroup, as far as discovery
// reads it.
type OMSTaskGroupSummary struct {
	GroupID Text `json:"group_id"`
}

// OMSTaskGroupPage is one page of GET /v2/{project_id}/taskgroups; count
// is the number of task groups in all.
type OMSTaskGroupPage struct {
	Count      Number                `json:"count"`
	TaskGroups []OMSTaskGroupSummary `json:"taskgroups"`
}

// OMSTask reads an object storage migration task (ShowTask), its error
// reason scrubbed of the account's secrets.
func (c *Client) OMSTask(ctx context.Context, taskID string) (OMSTask, error) {
	t, err := getAs[OMSTask](ctx, c, call{api: APIOMS, operation: OpShowTask,
		path: "/v2/{project_id}/tasks/{task_id}", idParam: "task_id", id: taskID})
	t.ErrorReason = t.ErrorReason.scrubbed(c)
	return t, err
}

// OMSTaskGroup reads a task group (ShowTaskGroup), its error reason
// scrubbed of the account's secrets.
func (c *Client) OMSTaskGroup(ctx context.Context, groupID string) (OMSTaskGroup, error) {
	g, err := getAs[OMSTaskGroup](ctx, c, call{api: APIOMS, operation: OpShowTaskGroup,
		path: "/v2/{project_id}/taskgroups/{group_id}", idParam: "group_id", id: groupID})
	g.ErrorReason = g.ErrorReason.scrubbed(c)
	return g, err
}

// OMSTaskPage reads one page of the project's tasks (ListTasks).
func (c *Client) OMSTaskPage(ctx context.Context, offset, limit int) (OMSTaskPage, error) {
	return getAs[OMSTaskPage](ctx, c, call{api: APIOMS, operation: OpListTasks,
		path: "/v2/{project_id}/tasks", query: pageQuery(offset, limit)})
}

// OMSTaskGroupPage reads one page of the project's task groups
// (ListTaskGroup).
func (c *Client) OMSTaskGroupPage(ctx context.Context, offset, limit int) (OMSTaskGroupPage, error) {
	return getAs[OMSTaskGroupPage](ctx, c, call{api: APIOMS, operation: OpListTaskGroup,
		path: "/v2/{project_id}/taskgroups", query: pageQuery(offset, limit)})
}

// OMSTaskIDs lists every task of the project. count is the total, so
// paging stops when that many have been seen (or at an empty or short
// page). ListTasks refuses an offset past 10000: the list ends there, with
// the tasks read so far, rather than failing as a whole.
func (c *Client) OMSTaskIDs(ctx context.Context) ([]string, error) {
	return listAll(ctx, func(ctx context.Context, offset int) ([]string, int, error) {
		if offset > omsMaxListOffset {
			return nil, -1, nil
		}
		p, err := c.OMSTaskPage(ctx, offset, listPageSize)
		ids := make([]string, 0, len(p.Tasks))
		for _, t := range p.Tasks {
			ids = append(ids, string(t.ID))
		}
		return ids, countOrUnknown(p.Count), err
	})
}

// OMSTaskGroupIDs lists every task group of the project, paged like
// OMSTaskIDs.
func (c *Client) OMSTaskGroupIDs(ctx context.Context) ([]string, error) {
	return listAll(ctx, func(ctx context.Context, offset int) ([]string, int, error) {
		p, err := c.OMSTaskGroupPage(ctx, offset, listPageSize)
		ids := make([]string, 0, len(p.TaskGroups))
		for _, g := range p.TaskGroups {
			ids = append(ids, string(g.GroupID))
		}
		return ids, countOrUnknown(p.Count), err
	})
}

// countOrUnknown is a list's total, or -1 when the answer has none.
func countOrUnknown(n Number) int {
	if v, ok := n.Value(); ok && v >= 0 {
		return int(v)
	}
	return -1
}
