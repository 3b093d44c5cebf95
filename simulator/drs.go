package simulator

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// DRSJob is a simulated DRS job (database migration, synchronization or
// disaster recovery).
type DRSJob struct {
	ID, Name   string
	EngineType string // default mysql
	Direction  string // default up
	UseType    string // migration (default), sync or cloudDataGuard

	// Progress, when set, is served as it is; otherwise Movement computes
	// it from the simulator's clock.
	Progress *DRSProgress
	Movement DRSMovement
	// Comparisons are the job's data comparisons (none: never compared).
	Comparisons DRSComparisons
	// Stages are what monitor-data reports while the job is incremental.
	Stages DRSStages
	// Recovery is a disaster-recovery job's RPO and RTO
	// (batch-rpo-and-rto).
	Recovery DRSRecovery
}

// DRSProgress is what batch-status and batch-progress report about a job.
type DRSProgress struct {
	Status   string
	Progress float64 // percent
	// DelayMillis is the replication delay; negative: not measured (-1 is
	// sent in both delay fields).
	DelayMillis float64
	// NoMillis leaves incre_trans_delay_millis out (older API editions).
	NoMillis bool
	// RemainingSeconds is remaining_time; negative sends null.
	RemainingSeconds float64
	// Phases is progress_map's completed percentages (nil: no progress_map).
	Phases map[string]float64
}

// DRSMovement is a full migration followed by an incremental phase whose
// replication delay rises and falls.
type DRSMovement struct {
	// StartedAgo shifts the job's start before the simulator's start.
	StartedAgo time.Duration
	// FullDuration is how long the full phase takes (default 10m).
	FullDuration time.Duration
}

func (j DRSJob) taskID() string { return j.ID }

// full is how long the full phase takes.
func (m DRSMovement) full() time.Duration {
	if m.FullDuration <= 0 {
		return 10 * time.Minute
	}
	return m.FullDuration
}

// incremental is how long the job has been in its incremental phase e
// after its start (negative before).
func (m DRSMovement) incremental(e time.Duration) time.Duration { return e - m.full() }

// at is the job's progress e after its start.
func (m DRSMovement) at(id string, e time.Duration) DRSProgress {
	full := m.full()
	if e < full {
		p := math.Floor(e.Seconds() / full.Seconds() * 100)
		return DRSProgress{Status: "FULL_TRANSFER_STARTED", Progress: p, DelayMillis: -1,
			RemainingSeconds: math.Round((full - e).Seconds()),
			Phases:           map[string]float64{"struct": 100, "data": p, "index": math.Floor(p / 2)}}
	}
	since := (e - full).Seconds()
	// A delay that rises and falls over ten minutes, with a little jitter.
	delay := 800 + 700*math.Sin(since/600*2*math.Pi) + 100*jitter(id, int64(since))
	return DRSProgress{Status: drsIncremental, Progress: 100, DelayMillis: math.Round(delay),
		RemainingSeconds: 0, Phases: map[string]float64{"struct": 100, "data": 100, "index": 100}}
}

// progress is what the batch calls report about the job elapsed after the
// simulator's start: Progress, or Movement's. In the incremental phase, a
// job whose Stages move has their target delay as its replication delay.
func (j DRSJob) progress(elapsed time.Duration) DRSProgress {
	p, incremental := j.Movement.at(j.ID, elapsed+j.Movement.StartedAgo), j.Movement.incremental(elapsed+j.Movement.StartedAgo)
	if j.Progress != nil {
		p, incremental = *j.Progress, elapsed
	}
	if p.Status == drsIncremental && j.Stages.moves() {
		p.DelayMillis = j.Stages.targetMillis(incremental)
	}
	return p
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// AddDRSJob adds (or replaces) a DRS job.
func (s *Simulator) AddDRSJob(j DRSJob) { s.locked(func() { s.drsJobs = upsert(s.drsJobs, j) }) }

// RemoveDRSJob deletes a job: the batch calls then answer DRS.M00289 for it.
func (s *Simulator) RemoveDRSJob(id string) { s.locked(func() { s.drsJobs = without(s.drsJobs, id) }) }

// drsRoutes serves the DRS v3 batch and list APIs.
func (s *Simulator) drsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v3/{project_id}/jobs/batch-status", s.drsBatchStatus)
	mux.HandleFunc("POST /v3/{project_id}/jobs/batch-progress", s.drsBatchProgress)
	mux.HandleFunc("POST /v3/{project_id}/jobs", s.drsList)
	s.drsCompareRoutes(mux)
	s.drsMonitorRoutes(mux)
}

var errDRSNotFound = &apiError{http.StatusBadRequest, "DRS.M00289", "The job does not exist."}

// drsEntry is one job's entry of a batch answer: its fields, or its error.
type drsEntry func(j DRSJob, p DRSProgress) map[string]any

// drsBatch answers a batch call: the whole batch refused (400 DRS.M00202)
// when a job asked about has FaultRejectBatch; otherwise an entry per job,
// with the job's own error for a missing (DRS.M00289) or deleted
// (DRS.M05004) one, and nothing for a job with FaultOmitFromBatch.
func (s *Simulator) drsBatch(w http.ResponseWriter, r *http.Request, operation, idKey, msgKey string, status int, entry drsEntry) {
	var req struct {
		Jobs []string `json:"jobs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Jobs) == 0 {
		(&apiError{http.StatusBadRequest, "DRS.M00202", "The value of parameter jobs is invalid."}).write(w)
		return
	}
	if !s.begin(w, r, operation, "", errDRSNotFound) {
		return
	}
	s.mu.Lock()
	faults := make(map[string]FaultKind, len(req.Jobs))
	for _, id := range req.Jobs {
		s.requests[operation+" "+id]++
		faults[id] = s.faults[id].Kind
	}
	s.mu.Unlock()
	for _, id := range req.Jobs {
		if faults[id] == FaultRejectBatch {
			(&apiError{http.StatusBadRequest, "DRS.M00202", "The value of parameter jobs is invalid."}).write(w)
			return
		}
	}
	results := make([]map[string]any, 0, len(req.Jobs))
	for _, id := range req.Jobs {
		s.mu.Lock()
		j, ok := lookup(s.drsJobs, id)
		s.mu.Unlock()
		switch {
		case faults[id] == FaultOmitFromBatch:
			continue
		case !ok || faults[id] == FaultNotFound:
			results = append(results, map[string]any{idKey: id, "error_code": "DRS.M00289", msgKey: "The job does not exist."})
		case faults[id] == FaultJobDeleted:
			results = append(results, map[string]any{idKey: id, "error_code": "DRS.M05004", msgKey: "The task has been deleted or the resource has been released."})
		default:
			e := entry(j, j.progress(s.elapsed()))
			e[idKey] = id
			results = append(results, e)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"count": len(results), "results": results})
}

func (s *Simulator) drsBatchStatus(w http.ResponseWriter, r *http.Request) {
	s.drsBatch(w, r, "BatchListJobStatus", "id", "error_message", http.StatusOK, func(_ DRSJob, p DRSProgress) map[string]any {
		return map[string]any{"status": p.Status}
	})
}

// drsBatchProgress answers 202, as one edition of the documentation shows,
// with every number a string, as the real API sends them.
func (s *Simulator) drsBatchProgress(w http.ResponseWriter, r *http.Request) {
	s.drsBatch(w, r, "BatchListProgresses", "job_id", "error_msg", http.StatusAccepted, func(_ DRSJob, p DRSProgress) map[string]any {
		str := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		delayS, delayMs := "-1", "-1"
		if p.DelayMillis >= 0 {
			delayS, delayMs = str(math.Round(p.DelayMillis/1000)), str(p.DelayMillis)
		}
		e := map[string]any{"progress": str(p.Progress), "incre_trans_delay": delayS,
			"task_mode": "FULL_INCR_TRANS", "transfer_status": p.Status, "process_time": "0", "remaining_time": nil}
		if !p.NoMillis {
			e["incre_trans_delay_millis"] = delayMs
		}
		if p.RemainingSeconds >= 0 {
			e["remaining_time"] = str(p.RemainingSeconds)
		}
		if p.Phases != nil {
			phases := map[string]any{}
			for k, v := range p.Phases {
				phases[k] = map[string]any{"completed": str(v) + "%", "remaining_time": nil}
			}
			e["progress_map"] = phases
		}
		return e
	})
}

// drsList answers the job list for one db_use_type, paged with cur_page
// and per_page; total_record is the total.
func (s *Simulator) drsList(w http.ResponseWriter, r *http.Request) {
	var req struct {
		DBUseType string `json:"db_use_type"`
		CurPage   int    `json:"cur_page"`
		PerPage   int    `json:"per_page"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.DBUseType == "" {
		(&apiError{http.StatusBadRequest, "DRS.M00202", "The value of parameter db_use_type is invalid."}).write(w)
		return
	}
	if !s.begin(w, r, "ShowJobList", "", errDRSNotFound) {
		return
	}
	s.mu.Lock()
	var all []map[string]any
	for _, j := range s.drsJobs {
		if orDefault(j.UseType, "migration") != req.DBUseType {
			continue
		}
		all = append(all, map[string]any{"id": j.ID, "name": j.Name, "status": j.progress(s.elapsed()).Status,
			"engine_type": orDefault(j.EngineType, "mysql"), "job_direction": orDefault(j.Direction, "up"),
			"db_use_type": req.DBUseType, "create_time": "2026-11-23 08:00:00", "net_type": "eip", "node_newFramework": true})
	}
	s.mu.Unlock()
	per := min(max(req.PerPage, 1), 100)
	writeJSON(w, map[string]any{"total_record": len(all), "jobs": pageOf(all, (max(req.CurPage, 1)-1)*per, per)})
}
