package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// DRSComparisons are a DRS job's data comparisons, as query-compare-result
// and line-overview answer them.
type DRSComparisons struct {
	// List is the job's comparison tasks, in the order served (not by
	// time: the exporter must not rely on the order).
	List []DRSCompare
	// NoneStatus, when set, is how DRS answers for a job without
	// comparisons instead of an empty list: 404, or 400 with DRS.M05003.
	NoneStatus int
	// ISOTimes serves the task list's times as ISO UTC strings, as the
	// table/compare API writes them, instead of epoch ms strings.
	ISOTimes bool
}

// DRSCompare is one comparison task of a job.
type DRSCompare struct {
	ID     string
	Type   string // lines, contents, object (or any other compare_type)
	Status string // SUCCESSFUL, RUNNING, …
	// Created and Ended are the task's times; a zero Ended sends no end.
	Created, Ended time.Time
	// Databases are a lines comparison's results (line-overview).
	Databases []DRSCompareDB
	// Objects are an object comparison's results, per object type.
	Objects []DRSCompareObject
}

// DRSCompareDB is a row comparison's result for one database.
type DRSCompareDB struct {
	Name                               string
	Tables, Inconsistent, Uncomparable int
}

// DRSCompareObject is an object comparison's result for one object type.
type DRSCompareObject struct {
	Type                 string // TABLE, VIEW, …
	Result               string // CONSISTENT, INCONSISTENT, TARGET_DB_NOT_EXIT, …
	Source, Target, Diff int
}

// errDRSNoCompare is DRS's "Task information not found", which it answers
// for a job without comparisons.
var errDRSNoCompare = &apiError{http.StatusBadRequest, "DRS.M05003", "Task information not found."}

// drsCompareRoutes serves the comparison APIs the exporter reads. Each
// request is counted, and faulted, under its job's id.
func (s *Simulator) drsCompareRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v3/{project_id}/jobs/query-compare-result", s.drsQueryCompare)
	mux.HandleFunc("GET /v3/{project_id}/jobs/{job_id}/compare/{compare_job_id}/line-overview", s.drsLineOverview)
}

// drsComparisonsOf returns the job's comparisons, or answers the job's
// fault or absence and returns false.
func (s *Simulator) drsComparisonsOf(w http.ResponseWriter, r *http.Request, operation, jobID string) (DRSComparisons, bool) {
	if !s.begin(w, r, operation, jobID, errDRSNotFound) {
		return DRSComparisons{}, false
	}
	s.mu.Lock()
	j, ok := lookup(s.drsJobs, jobID)
	s.mu.Unlock()
	if !ok {
		errDRSNotFound.write(w)
		return DRSComparisons{}, false
	}
	c := j.Comparisons
	switch c.NoneStatus {
	case http.StatusNotFound:
		(&apiError{http.StatusNotFound, "DRS.M05003", "Task information not found."}).write(w)
		return c, false
	case http.StatusBadRequest:
		errDRSNoCompare.write(w)
		return c, false
	}
	return c, true
}

// drsQueryCompare answers query-compare-result: one page of the task list
// (current_page from 1, per_page), and the object comparison's overview
// when its id is given.
func (s *Simulator) drsQueryCompare(w http.ResponseWriter, r *http.Request) {
	var req struct {
		JobID       string `json:"job_id"`
		ObjectID    string `json:"object_level_compare_id"`
		CurrentPage int    `json:"current_page"`
		PerPage     int    `json:"per_page"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.JobID == "" || req.CurrentPage < 1 || req.PerPage < 1 {
		(&apiError{http.StatusBadRequest, "DRS.M00202", "The value of parameter job_id, current_page or per_page is invalid."}).write(w)
		return
	}
	c, ok := s.drsComparisonsOf(w, r, "ListCompareResult", req.JobID)
	if !ok {
		return
	}
	list := make([]map[string]any, 0, len(c.List))
	for _, t := range c.List {
		list = append(list, map[string]any{"compare_task_id": t.ID, "compare_type": t.Type, "compare_task_status": t.Status,
			"create_time": c.time(t.Created), "end_time": c.time(t.Ended)})
	}
	body := map[string]any{"job_id": req.JobID, "compare_task_list_results": map[string]any{
		"compare_task_list_count": len(list),
		"compare_task_list":       pageOf(list, (req.CurrentPage-1)*req.PerPage, min(req.PerPage, 100)),
	}}
	if req.ObjectID != "" {
		objects := map[string]any{"compare_task_id": req.ObjectID}
		if t, ok := c.find(req.ObjectID); ok {
			overview := make([]map[string]any, 0, len(t.Objects))
			for _, o := range t.Objects {
				overview = append(overview, map[string]any{"object_type": o.Type, "object_compare_result": o.Result,
					"source_count": s.num(float64(o.Source)), "target_count": s.num(float64(o.Target)), "diff_count": s.num(float64(o.Diff))})
			}
			objects["object_compare_overview"] = overview
		} else {
			objects["error_code"], objects["error_msg"] = "DRS.M05003", "Task information not found."
		}
		body["object_level_compare_results"] = objects
	}
	writeJSON(w, body)
}

// drsLineOverview answers a row comparison's overview, one entry per
// database, paged with offset and limit (at most 1000).
func (s *Simulator) drsLineOverview(w http.ResponseWriter, r *http.Request) {
	c, ok := s.drsComparisonsOf(w, r, "ListDataCompareOverview", r.PathValue("job_id"))
	if !ok {
		return
	}
	t, ok := c.find(r.PathValue("compare_job_id"))
	if !ok || t.Type != "lines" {
		errDRSNoCompare.write(w)
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 1000
	}
	infos := make([]map[string]any, 0, len(t.Databases))
	for _, db := range t.Databases {
		status := 2 // consistent
		if db.Inconsistent > 0 {
			status = 0
		}
		infos = append(infos, map[string]any{"source_db_name": db.Name, "target_db_name": db.Name, "status": status,
			"compare_num": s.num(float64(db.Tables)), "compare_end_num": s.num(float64(db.Tables)),
			"data_inconsistent_num": s.num(float64(db.Inconsistent)), "uncomparable_num": s.num(float64(db.Uncomparable))})
	}
	writeJSON(w, map[string]any{"total_count": len(infos), "data_compare_overview_infos": pageOf(infos, max(offset, 0), min(limit, 1000))})
}

// time renders a task's time as the task list does (epoch ms as a
// string), or as ISO UTC with ISOTimes; a zero time is "".
func (c DRSComparisons) time(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case c.ISOTimes:
		return t.UTC().Format(time.RFC3339)
	default:
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
}

// find returns the comparison with id.
func (c DRSComparisons) find(id string) (DRSCompare, bool) {
	for _, t := range c.List {
		if t.ID == id {
			return t, true
		}
	}
	return DRSCompare{}, false
}
