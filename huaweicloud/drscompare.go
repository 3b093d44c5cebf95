package huaweicloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// DRS comparison operation names (the SDK's), values of the `operation`
// label.
const (
	OpListCompareResult       = "ListCompareResult"
	OpListDataCompareOverview = "ListDataCompareOverview"
)

// The kinds of DRS data comparison the exporter reports, the values of the
// `type` label: object (structure), rows (DRS calls it lines: row counts)
// and contents (row contents).
const (
	CompareObject   = "object"
	CompareRows     = "rows"
	CompareContents = "contents"
)

// CompareTypes are the kinds of comparison, in the order they are exported.
var CompareTypes = []string{CompareObject, CompareRows, CompareContents}

// compareTypes maps the task list's compare_type to its kind. The others
// (account, random, node, mgr) are not reported.
var compareTypes = map[string]string{"object": CompareObject, "object_comparison": CompareObject,
	"lines": CompareRows, "contents": CompareContents}

// CompareSuccessful is the status of a comparison that finished (not
// SUCCESS, which DRS never sends).
const CompareSuccessful = "SUCCESSFUL"

// compareRunning are the statuses of a comparison that has not ended.
var compareRunning = map[string]bool{"WAITING_FOR_RUNNING": true, "RUNNING": true, "FULL_DOING": true, "INCRE_DOING": true}

// codeDRSTaskNotFound is "Task information not found": for a job's
// comparisons, that it has none.
const codeDRSTaskNotFound = "DRS.M05003"

// The bounds of one refresh of a job's comparisons: the task list is read
// 100 a page, at most 20 pages (the first 2,000 tasks: the latest is
// chosen among those); the row comparison's overview 1,000 databases a
// page, at most 10 pages (more is an error: a partial sum would be wrong).
const (
	compareTaskPageSize  = 100
	maxCompareTaskPages  = 20
	compareDBPageSize    = 1000
	maxCompareDBPages    = 10
	maxCompareTasksRead  = compareTaskPageSize * maxCompareTaskPages
	maxCompareDatabases  = compareDBPageSize * maxCompareDBPages
	compareOverviewLimit = 1 // the task list's page size when only an object overview is wanted
)

// compareIDRE keeps a comparison id from an answer safe in a URL path (the
// task id rule).
var compareIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// DRSCompareTask is one comparison task of query-compare-result's
// compare_task_list.
type DRSCompareTask struct {
	ID         Text      `json:"compare_task_id"`
	Type       Text      `json:"compare_type"`        // lines, contents, object, object_comparison, …
	Status     Text      `json:"compare_task_status"` // SUCCESSFUL, RUNNING, …
	CreateTime Timestamp `json:"create_time"`         // ms since the epoch, as a string
	EndTime    Timestamp `json:"end_time"`
}

// Kind is the task's kind (CompareObject, …), "" for one not reported.
func (t DRSCompareTask) Kind() string { return compareTypes[string(t.Type)] }

// Ended reports whether the task has ended: a status that is not one of
// a running comparison, and an end time.
func (t DRSCompareTask) Ended() bool {
	_, hasEnd := t.EndTime.Value()
	return hasEnd && t.Status != "" && !compareRunning[string(t.Status)]
}

// at is when the task is taken to have happened, to order tasks: its
// creation (start) time, else its end time.
func (t DRSCompareTask) at() (float64, bool) {
	if v, ok := t.CreateTime.Value(); ok {
		return v, true
	}
	return t.EndTime.Value()
}

// DRSTableCounts are the tables of a row comparison, summed over its
// databases. CompareID is the comparison's id ("" for none).
type DRSTableCounts struct {
	CompareID                              string
	Consistent, Inconsistent, Uncomparable Number
}

// DRSObjectCounts are the objects of an object comparison, summed over
// object types. CompareID is the comparison's id ("" for none).
type DRSObjectCounts struct {
	CompareID                string
	Consistent, Inconsistent Number
}

// DRSComparisons is what the exporter reads of a DRS job's data
// comparisons: the tasks, and the results of the latest SUCCESSFUL row
// and object comparisons. A job never compared has none of them.
type DRSComparisons struct {
	Tasks   []DRSCompareTask
	Tables  DRSTableCounts
	Objects DRSObjectCounts
}

// Latest is the latest comparison of the kind: the one with the greatest
// creation time (else end time), whatever its place in the list; a task
// without a readable time comes after every task with one, and of equal
// times the first is taken. With successful, only SUCCESSFUL ones count.
func (c DRSComparisons) Latest(kind string, successful bool) (DRSCompareTask, bool) {
	return latestCompare(c.Tasks, kind, successful)
}

func latestCompare(tasks []DRSCompareTask, kind string, successful bool) (latest DRSCompareTask, ok bool) {
	var at float64
	var timed bool
	for _, t := range tasks {
		if t.Kind() != kind || successful && t.Status != CompareSuccessful {
			continue
		}
		v, hasTime := t.at()
		if !ok || hasTime && (!timed || v > at) {
			latest, ok, at, timed = t, true, v, hasTime
		}
	}
	return latest, ok
}

// drsCompareAnswer is query-compare-result's answer: the task list and,
// when asked for with its id, an object comparison's overview. Each part
// may carry its own error.
type drsCompareAnswer struct {
	Objects struct {
		TaskID    Text                           `json:"compare_task_id"`
		Overview  List[drsObjectCompareOverview] `json:"object_compare_overview"`
		ErrorCode Text                           `json:"error_code"`
		ErrorMsg  Text                           `json:"error_msg"`
	} `json:"object_level_compare_results"`
	TaskList struct {
		Count     Number               `json:"compare_task_list_count"`
		Tasks     List[DRSCompareTask] `json:"compare_task_list"`
		ErrorCode Text                 `json:"error_code"`
		ErrorMsg  Text                 `json:"error_msg"`
	} `json:"compare_task_list_results"`
	ErrorCode Text `json:"error_code"`
	ErrorMsg  Text `json:"error_msg"`
}

// drsObjectCompareOverview is one object type's result in an object
// comparison. The counts are int32 in the SDK; Number keeps any size.
type drsObjectCompareOverview struct {
	ObjectType  Text   `json:"object_type"`
	Result      Text   `json:"object_compare_result"` // CONSISTENT, TARGET_DB_NOT_EXIT (sic), …
	SourceCount Number `json:"source_count"`
	TargetCount Number `json:"target_count"`
	DiffCount   Number `json:"diff_count"`
}

// drsCompareRequest is query-compare-result's body.
type drsCompareRequest struct {
	JobID       string `json:"job_id"`
	ObjectID    string `json:"object_level_compare_id,omitempty"`
	CurrentPage int    `json:"current_page"`
	PerPage     int    `json:"per_page"`
}

// drsLineOverview is one page of a row comparison's overview.
type drsLineOverview struct {
	TotalCount Number                  `json:"total_count"`
	Databases  List[drsDatabaseTables] `json:"data_compare_overview_infos"`
}

// drsDatabaseTables is a row comparison's result for one database. The
// counts are int32 in the SDK; Number keeps any size.
type drsDatabaseTables struct {
	SourceDB     Text   `json:"source_db_name"`
	Tables       Number `json:"compare_num"`
	Finished     Number `json:"compare_end_num"`
	Inconsistent Number `json:"data_inconsistent_num"`
	Uncomparable Number `json:"uncomparable_num"`
}

// DRSComparisons reads a job's data comparisons: the task list
// (query-compare-result, paged), then the results of the latest SUCCESSFUL
// row comparison (line-overview) and object comparison
// (query-compare-result with its id). A finished comparison's results
// never change, so those in last, when they are of the same comparison,
// are kept instead of read again. A job without comparisons (404, or 400
// DRS.M05003) has none, and that is no error. Read only: nothing is
// started, cancelled or exported.
func (c *Client) DRSComparisons(ctx context.Context, jobID string, last DRSComparisons) (DRSComparisons, error) {
	tasks, err := c.drsCompareTasks(ctx, jobID)
	if noComparisons(err) {
		return DRSComparisons{}, nil
	}
	if err != nil {
		return DRSComparisons{}, err
	}
	out := DRSComparisons{Tasks: tasks}
	if t, ok := latestCompare(tasks, CompareRows, true); ok {
		if id := string(t.ID); id == last.Tables.CompareID {
			out.Tables = last.Tables
		} else if out.Tables, err = c.drsTableCounts(ctx, jobID, id); err != nil {
			return DRSComparisons{}, err
		}
	}
	if t, ok := latestCompare(tasks, CompareObject, true); ok {
		if id := string(t.ID); id == last.Objects.CompareID {
			out.Objects = last.Objects
		} else if out.Objects, err = c.drsObjectCounts(ctx, jobID, id); err != nil {
			return DRSComparisons{}, err
		}
	}
	return out, nil
}

// noComparisons reports whether err is DRS saying a job has no
// comparisons.
func noComparisons(err error) bool {
	var apiErr *APIError
	var jobErr *DRSJobError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.StatusCode == http.StatusNotFound ||
			apiErr.StatusCode == http.StatusBadRequest && apiErr.Code == codeDRSTaskNotFound
	case errors.As(err, &jobErr):
		return jobErr.Code == codeDRSTaskNotFound
	}
	return false
}

// queryCompare POSTs query-compare-result; an error inside the answer (at
// its top level) is the call's error.
func (c *Client) queryCompare(ctx context.Context, req drsCompareRequest) (drsCompareAnswer, error) {
	body, _ := json.Marshal(req)
	a, err := getAs[drsCompareAnswer](ctx, c, call{api: APIDRS, operation: OpListCompareResult,
		path: "/v3/{project_id}/jobs/query-compare-result", body: body})
	if err == nil && a.ErrorCode != "" {
		err = c.jobError(string(a.ErrorCode), string(a.ErrorMsg))
	}
	return a, err
}

// drsCompareTasks reads a job's comparison task list, at most
// maxCompareTaskPages pages.
func (c *Client) drsCompareTasks(ctx context.Context, jobID string) ([]DRSCompareTask, error) {
	var tasks []DRSCompareTask
	_, _, err := listUpTo(ctx, maxCompareTaskPages, func(ctx context.Context, offset int) ([]string, int, error) {
		a, err := c.queryCompare(ctx, drsCompareRequest{JobID: jobID, CurrentPage: offset/compareTaskPageSize + 1, PerPage: compareTaskPageSize})
		if err == nil && a.TaskList.ErrorCode != "" {
			err = c.jobError(string(a.TaskList.ErrorCode), string(a.TaskList.ErrorMsg))
		}
		ids := make([]string, len(a.TaskList.Tasks))
		for i, t := range a.TaskList.Tasks {
			ids[i] = string(t.ID)
		}
		tasks = append(tasks, a.TaskList.Tasks...)
		return ids, totalOf(a.TaskList.Count), err
	})
	return tasks, err
}

// totalOf is a list's total, -1 when unknown.
func totalOf(n Number) int {
	if v, ok := n.Value(); ok && v >= 0 && v < 1e9 {
		return int(v)
	}
	return -1
}

// drsTableCounts reads a row comparison's overview and sums its databases:
// consistent = tables - inconsistent - uncomparable.
func (c *Client) drsTableCounts(ctx context.Context, jobID, compareID string) (DRSTableCounts, error) {
	if !compareIDRE.MatchString(compareID) {
		return DRSTableCounts{}, &DecodeError{Err: fmt.Errorf("comparison id %q is not an id", runes.Truncate(compareID, maxReported))}
	}
	var dbs []drsDatabaseTables
	_, complete, err := listUpTo(ctx, maxCompareDBPages, func(ctx context.Context, offset int) ([]string, int, error) {
		p, err := getAs[drsLineOverview](ctx, c, call{api: APIDRS, operation: OpListDataCompareOverview,
			path:    "/v3/{project_id}/jobs/{job_id}/compare/" + compareID + "/line-overview",
			idParam: "job_id", id: jobID, query: pageQuery(offset, compareDBPageSize)})
		names := make([]string, len(p.Databases))
		for i, d := range p.Databases {
			names[i] = string(d.SourceDB)
		}
		dbs = append(dbs, p.Databases...)
		return names, totalOf(p.TotalCount), err
	})
	if err != nil {
		return DRSTableCounts{}, err
	}
	if !complete {
		return DRSTableCounts{}, &DecodeError{Err: fmt.Errorf("row comparison %s has more than %d databases", compareID, maxCompareDatabases)}
	}
	tables := SumOf(dbs, func(d drsDatabaseTables) Number { return d.Tables })
	inconsistent := SumOf(dbs, func(d drsDatabaseTables) Number { return d.Inconsistent })
	uncomparable := SumOf(dbs, func(d drsDatabaseTables) Number { return d.Uncomparable })
	return DRSTableCounts{CompareID: compareID, Inconsistent: inconsistent, Uncomparable: uncomparable,
		Consistent: Difference(tables, inconsistent, uncomparable)}, nil
}

// drsObjectCounts reads an object comparison's overview (query-compare-
// result with its id) and sums its object types: inconsistent = diff,
// consistent = source - diff.
func (c *Client) drsObjectCounts(ctx context.Context, jobID, compareID string) (DRSObjectCounts, error) {
	a, err := c.queryCompare(ctx, drsCompareRequest{JobID: jobID, ObjectID: compareID, CurrentPage: 1, PerPage: compareOverviewLimit})
	if err == nil && a.Objects.ErrorCode != "" {
		err = c.jobError(string(a.Objects.ErrorCode), string(a.Objects.ErrorMsg))
	}
	if err != nil {
		return DRSObjectCounts{}, err
	}
	types := a.Objects.Overview
	diff := SumOf(types, func(o drsObjectCompareOverview) Number { return o.DiffCount })
	source := SumOf(types, func(o drsObjectCompareOverview) Number { return o.SourceCount })
	return DRSObjectCounts{CompareID: compareID, Inconsistent: diff, Consistent: Difference(source, diff)}, nil
}

// SumOf sums of(item) over items. A count no item has is absent; one that
// an item has in a form that is not a number is that error (a sum without
// it would be wrong).
func SumOf[T any](items []T, of func(T) Number) Number {
	var total Number
	for _, item := range items {
		n := of(item)
		if n.Err() != nil {
			return n
		}
		if v, ok := n.Value(); ok {
			total.value += v
			total.set = true
		}
	}
	return total
}

// Difference is from minus each of less: absent when any of them is, an
// error when any is one, and an error when it is negative (the counts
// contradict each other).
func Difference(from Number, less ...Number) Number {
	out := from
	for _, n := range append([]Number{from}, less...) {
		if n.Err() != nil {
			return n
		}
		if _, ok := n.Value(); !ok {
			return Number{}
		}
	}
	for _, n := range less {
		v, _ := n.Value()
		out.value -= v
	}
	if out.value < 0 {
		return NumberError(fmt.Errorf("the counts contradict each other: the total less its parts is %g", out.value))
	}
	return out
}
