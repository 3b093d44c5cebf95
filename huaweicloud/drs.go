package huaweicloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// APIDRS is DRS's value of the `api` label.
const APIDRS = "drs"

// DRS operation names (the SDK's), the values of the `operation` label.
const (
	OpBatchListJobStatus  = "BatchListJobStatus"
	OpBatchListProgresses = "BatchListProgresses"
	OpShowJobList         = "ShowJobList"
)

// DRS error codes that mean the job is gone: it does not exist
// (DRS.M00289), was deleted (DRS.M05004), or v5's "not found"
// (DRS.10000010).
var drsNotFound = map[string]bool{"DRS.M00289": true, "DRS.M05004": true, "DRS.10000010": true}

// DRSJobStatus is one entry of batch-status's results.
type DRSJobStatus struct {
	ID           Text `json:"id"`
	Status       Text `json:"status"`
	ErrorCode    Text `json:"error_code"`
	ErrorMessage Text `json:"error_message"` // batch-status's name
	ErrorMsg     Text `json:"error_msg"`     // the other APIs' name, accepted too
}

// DRSPhase is one phase of progress_map (struct, data, index).
type DRSPhase struct {
	Completed Number `json:"completed"` // "94%"
}

// DRSJobProgress is one entry of batch-progress's results. Nearly every
// number is a string; -1 means "not measured".
type DRSJobProgress struct {
	JobID                 Text                `json:"job_id"`
	Progress              Number              `json:"progress"`                 // percent
	IncreTransDelay       Number              `json:"incre_trans_delay"`        // seconds; -1: not measured
	IncreTransDelayMillis Number              `json:"incre_trans_delay_millis"` // ms; -1: not measured
	RemainingTime         Number              `json:"remaining_time"`           // seconds (unit undocumented)
	TransferStatus        Text                `json:"transfer_status"`
	TaskMode              Text                `json:"task_mode"`
	ProgressMap           map[string]DRSPhase `json:"progress_map"`
	ErrorCode             Text                `json:"error_code"`
	ErrorMsg              Text                `json:"error_msg"`
}

// DRSJob is one job of the job list.
type DRSJob struct {
	ID           Text `json:"id"`
	Name         Text `json:"name"`
	Status       Text `json:"status"`
	EngineType   Text `json:"engine_type"`
	JobDirection Text `json:"job_direction"`
	DBUseType    Text `json:"db_use_type"`
}

// DRSJobError is a job's own error inside a batch answer (or a job the
// answer left out). Reason: not_found for a job that is gone, else
// http_4xx.
type DRSJobError struct {
	Code, Message string
}

func (e *DRSJobError) Error() string {
	if e.Message == "" {
		return "DRS job error " + e.Code
	}
	return "DRS job error " + e.Code + ": " + e.Message
}

// errJobMissing is a job a batch answer did not mention.
var errJobMissing = &DRSJobError{Code: "missing", Message: "the job is not in the batch answer"}

// drsBatchPage is a batch call's answer: an entry per job.
type drsBatchPage[T any] struct {
	Results []T `json:"results"`
}

// drsStatusPage is batch-status's answer.
type drsStatusPage = drsBatchPage[DRSJobStatus]

// drsProgressPage is batch-progress's answer.
type drsProgressPage = drsBatchPage[DRSJobProgress]

// drsBatch is the body of the batch calls.
type drsBatch struct {
	Jobs    []string     `json:"jobs"`
	PageReq *drsPageSpec `json:"page_req,omitempty"`
}

type drsPageSpec struct {
	CurPage int `json:"cur_page"`
	PerPage int `json:"per_page"`
}

// DRSJobStatuses reads the status of up to 100 jobs with one call. Each id
// gets its entry or its own error (*DRSJobError); err is set when the call
// as a whole failed. A 4xx answer that names its jobs' errors (a bad id
// fails the whole batch) is read too: the jobs it names get their errors,
// and err is still returned for the others.
func (c *Client) DRSJobStatuses(ctx context.Context, ids []string) (map[string]DRSJobStatus, map[string]error, error) {
	// batch-status answers five jobs unless told otherwise.
	body, _ := json.Marshal(drsBatch{Jobs: ids, PageReq: &drsPageSpec{CurPage: 1, PerPage: len(ids)}})
	return askBatch(ctx, c, OpBatchListJobStatus, "/v3/{project_id}/jobs/batch-status", body, ids,
		func(r DRSJobStatus) (string, Text, Text) {
			msg := r.ErrorMessage
			if msg == "" {
				msg = r.ErrorMsg
			}
			return string(r.ID), r.ErrorCode, msg
		})
}

// DRSJobProgresses reads the progress of up to 100 jobs with one call, as
// DRSJobStatuses does.
func (c *Client) DRSJobProgresses(ctx context.Context, ids []string) (map[string]DRSJobProgress, map[string]error, error) {
	body, _ := json.Marshal(drsBatch{Jobs: ids})
	return askBatch(ctx, c, OpBatchListProgresses, "/v3/{project_id}/jobs/batch-progress", body, ids,
		func(r DRSJobProgress) (string, Text, Text) { return string(r.JobID), r.ErrorCode, r.ErrorMsg })
}

// askBatch POSTs a DRS batch call about ids and sorts its results: each
// id gets its entry, or its own error (*DRSJobError) when its entry has an
// error code (entry names an entry's job, error code and message), or
// errJobMissing when a 2xx answer left it out. err is the call's error.
func askBatch[T any](ctx context.Context, c *Client, operation, path string, body []byte, ids []string,
	entry func(T) (id string, code, msg Text)) (map[string]T, map[string]error, error) {
	var page drsBatchPage[T]
	err := postBatch(ctx, c, operation, path, body, &page)
	got := map[string]T{}
	errs := map[string]error{}
	for _, r := range page.Results {
		id, code, msg := entry(r)
		if code != "" {
			errs[id] = c.jobError(string(code), string(msg))
			continue
		}
		got[id] = r
	}
	return got, missing(ids, got, errs, err), err
}

// postBatch POSTs a DRS batch call and decodes its results into out: from a
// 2xx answer (200 and 202 are both documented), or from a 4xx answer whose
// body names its jobs' errors (the error is returned as well).
func postBatch(ctx context.Context, c *Client, operation, path string, body []byte, out any) error {
	err := get(ctx, c, call{api: APIDRS, operation: operation, path: path, body: body}, out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.body != nil {
		_ = decodeJSON(apiErr.body, out)
	}
	return err
}

// jobError is a job's own error, its message scrubbed of the account's
// secrets.
func (c *Client) jobError(code, msg string) error {
	return &DRSJobError{Code: runes.Truncate(code, maxReported), Message: runes.Truncate(c.ScrubText(msg), maxErrorMessage)}
}

// missing adds errJobMissing for the ids a 2xx answer left out (after a
// failed call the others keep no entry: the call's error is theirs).
func missing[T any](ids []string, got map[string]T, errs map[string]error, callErr error) map[string]error {
	if callErr != nil {
		return errs
	}
	for _, id := range ids {
		_, failed := errs[id]
		if _, ok := got[id]; !ok && !failed {
			errs[id] = errJobMissing
		}
	}
	return errs
}

// RejectedBatch reports whether err is a whole batch refused with a 4xx
// that is not about the caller's credentials or rate: one bad id can make
// DRS refuse a batch, so the caller splits it.
func RejectedBatch(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 &&
		apiErr.StatusCode != http.StatusUnauthorized && apiErr.StatusCode != http.StatusForbidden &&
		apiErr.StatusCode != http.StatusTooManyRequests && apiErr.Reason() == ReasonHTTP4xx
}

// drsJobPage is one page of the job list.
type drsJobPage struct {
	TotalRecord Number   `json:"total_record"`
	Jobs        []DRSJob `json:"jobs"`
}

// drsUseTypes are the job list's scenarios; it lists one per call.
var drsUseTypes = []string{"migration", "sync", "cloudDataGuard"}

// DRSJobs lists every migration, synchronization and disaster-recovery
// job of the project (POST /v3/{project_id}/jobs, paged).
func (c *Client) DRSJobs(ctx context.Context) ([]DRSJob, error) {
	var all []DRSJob
	for _, use := range drsUseTypes {
		var jobs []DRSJob
		_, err := listAll(ctx, func(ctx context.Context, offset int) ([]string, int, error) {
			body, _ := json.Marshal(map[string]any{"db_use_type": use, "cur_page": offset/listPageSize + 1, "per_page": listPageSize})
			var p drsJobPage
			err := get(ctx, c, call{api: APIDRS, operation: OpShowJobList, path: "/v3/{project_id}/jobs", body: body}, &p)
			ids := make([]string, len(p.Jobs))
			for i, j := range p.Jobs {
				ids[i] = string(j.ID)
			}
			jobs = append(jobs, p.Jobs...)
			total, ok := p.TotalRecord.Value()
			if !ok {
				total = -1
			}
			return ids, int(total), err
		})
		if err != nil {
			return nil, fmt.Errorf("listing %s jobs: %w", use, err)
		}
		all = append(all, jobs...)
	}
	return all, nil
}
