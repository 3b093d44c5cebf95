package huaweicloud

import (
	"context"
	"net/url"
	"strconv"
)

// DCS operation names (the SDK's), the values of the `operation` label.
const (
	OpShowMigrationTaskStats = "ShowMigrationTaskStats"
	OpShowMigrationTask      = "ShowMigrationTask"
	OpListMigrationTask      = "ListMigrationTask"
)

// DCSStats is the answer of GET /v2/{project_id}/migration-task/{task_id}/stats.
type DCSStats struct {
	FullMigrationProgress Number `json:"full_migration_progress"` // percent
	Offset                Number `json:"offset"`                  // 0 = target caught up
	SourceDBSize          Number `json:"source_dbsize"`           // keys
	TargetDBSize          Number `json:"target_dbsize"`           // keys
	TargetInputKbps       Number `json:"target_input_kbps"`       // KiB/s
	TargetOps             Number `json:"target_ops"`              // operations/s
	IsMigrating           Bool   `json:"is_migrating"`
}

// DCSTask is the part of GET /v2/{project_id}/migration-task/{task_id} the
// exporter uses. The instances' passwords, which the API may echo, have no
// field here, so they are never decoded.
type DCSTask struct {
	TaskID          Text `json:"task_id"`
	TaskName        Text `json:"task_name"`
	Status          Text `json:"status"`
	MigrationType   Text `json:"migration_type"`
	MigrationMethod Text `json:"migration_method"`
	ResumeMode      Text `json:"resume_mode"` // auto or manual
	// IPSwitchStatus is the top-level task_status: the state of the
	// switch of the source's and target's IP addresses (the cut-over), not
	// the task's status.
	IPSwitchStatus   Text        `json:"task_status"`
	BandwidthLimitMB Number      `json:"bandwidth_limit_mb"` // MB/s, given as a string
	SourceInstance   DCSInstance `json:"source_instance"`
	TargetInstance   DCSInstance `json:"target_instance"`
}

// DCSInstance is a migration's source or target Redis.
type DCSInstance struct {
	ID    Text `json:"id"`
	Name  Text `json:"name"`
	Addrs Text `json:"addrs"`
	IP    Text `json:"ip"`
	Port  Text `json:"port"`
}

// Label is how the instance is named in a label: its name, else its
// addresses, else ip:port, else its id.
func (i DCSInstance) Label() string {
	switch {
	case i.Name != "":
		return string(i.Name)
	case i.Addrs != "":
		return string(i.Addrs)
	case i.IP != "" && i.Port != "":
		return string(i.IP) + ":" + string(i.Port)
	case i.IP != "":
		return string(i.IP)
	default:
		return string(i.ID)
	}
}

// DCSTaskSummary is one entry of the migration task list.
type DCSTaskSummary struct {
	TaskID   Text `json:"task_id"`
	TaskName Text `json:"task_name"`
	Status   Text `json:"status"`
}

// DCSTaskPage is one page of GET /v2/{project_id}/migration-tasks.
type DCSTaskPage struct {
	Count          Number           `json:"count"`
	MigrationTasks []DCSTaskSummary `json:"migration_tasks"`
}

// DCSMigrationStats reads a DCS online-migration task's progress.
func (c *Client) DCSMigrationStats(ctx context.Context, taskID string) (DCSStats, error) {
	return getAs[DCSStats](ctx, c, c.dcsCall(OpShowMigrationTaskStats, "/v2/{project_id}/migration-task/{task_id}/stats", taskID))
}

// DCSMigrationTask reads a DCS migration task's details.
func (c *Client) DCSMigrationTask(ctx context.Context, taskID string) (DCSTask, error) {
	return getAs[DCSTask](ctx, c, c.dcsCall(OpShowMigrationTask, "/v2/{project_id}/migration-task/{task_id}", taskID))
}

// DCSMigrationTaskPage reads one page of the project's migration tasks.
func (c *Client) DCSMigrationTaskPage(ctx context.Context, offset, limit int) (DCSTaskPage, error) {
	cl := c.dcsCall(OpListMigrationTask, "/v2/{project_id}/migration-tasks", "")
	cl.query = pageQuery(offset, limit)
	return getAs[DCSTaskPage](ctx, c, cl)
}

// pageQuery is the offset/limit query of the list APIs.
func pageQuery(offset, limit int) url.Values {
	return url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
}

func (c *Client) dcsCall(operation, path, taskID string) call {
	cl := call{api: APIDCS, operation: operation, path: path}
	if taskID != "" {
		cl.idParam, cl.id = "task_id", taskID
	}
	return cl
}
