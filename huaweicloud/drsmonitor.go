package huaweicloud

import (
	"context"
	"encoding/json"
)

// DRS monitoring operation names (the SDK's), values of the `operation`
// label.
const (
	OpShowMonitorData      = "ShowMonitorData"
	OpBatchListRposAndRtos = "BatchListRposAndRtos"
)

// DRSIncremental is the status of a job in its incremental phase, the only
// one whose monitor data the exporter reads.
const DRSIncremental = "INCRE_TRANSFER_STARTED"

// DRSDisasterRecovery is the job list's db_use_type of a disaster-recovery
// job, the only kind that has an RPO and an RTO.
const DRSDisasterRecovery = "cloudDataGuard"

// MaxRecoveryBatch is the most jobs one batch-rpo-and-rto call may ask
// about (documented).
const MaxRecoveryBatch = 10

// DRSMonitor is the part of monitor-data (v5) the exporter reads. Every
// field may be missing, null or of another JSON type than documented.
type DRSMonitor struct {
	SourceDelay   Number `json:"src_delay"` // reading the source's log; unit not documented
	TargetDelay   Number `json:"dst_delay"` // applying to the target; unit not documented
	SourceNormal  Bool   `json:"is_src_normal"`
	TargetNormal  Bool   `json:"is_dst_normal"`
	TargetRowRate Number `json:"dst_rps"` // rows applied per second, a string
}

// DRSMonitorData reads a job's monitor data (GET
// /v5/{project_id}/jobs/{job_id}/monitor-data).
func (c *Client) DRSMonitorData(ctx context.Context, jobID string) (DRSMonitor, error) {
	return getAs[DRSMonitor](ctx, c, call{api: APIDRS, operation: OpShowMonitorData,
		path: "/v5/{project_id}/jobs/{job_id}/monitor-data", idParam: "job_id", id: jobID})
}

// DRSRecoveryPoint is an rpo_info or rto_info: its delay is in
// milliseconds, as a string.
type DRSRecoveryPoint struct {
	Delay Number `json:"delay"`
}

// DRSRecovery is one entry of batch-rpo-and-rto's results.
type DRSRecovery struct {
	JobID     Text             `json:"job_id"`
	RPO       DRSRecoveryPoint `json:"rpo_info"`
	RTO       DRSRecoveryPoint `json:"rto_info"`
	ErrorCode Text             `json:"error_code"`
	ErrorMsg  Text             `json:"error_msg"`
}

// drsRecoveryPage is batch-rpo-and-rto's answer.
type drsRecoveryPage = drsBatchPage[DRSRecovery]

// DRSRecoveries reads the RPO and RTO of up to MaxRecoveryBatch
// disaster-recovery jobs with one call (POST
// /v3/{project_id}/jobs/batch-rpo-and-rto, answered 202), as
// DRSJobStatuses reads statuses: each id gets its entry or its own error.
func (c *Client) DRSRecoveries(ctx context.Context, ids []string) (map[string]DRSRecovery, map[string]error, error) {
	body, _ := json.Marshal(drsBatch{Jobs: ids})
	return askBatch(ctx, c, OpBatchListRposAndRtos, "/v3/{project_id}/jobs/batch-rpo-and-rto", body, ids,
		func(r DRSRecovery) (string, Text, Text) { return string(r.JobID), r.ErrorCode, r.ErrorMsg })
}
