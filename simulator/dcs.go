package simulator

import (
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"time"
)

// DCSTask is a simulated DCS online-migration task.
type DCSTask struct {
	ID              string
	Name            string
	Status          string // default MIGRATING
	MigrationType   string // default online_migration
	MigrationMethod string // default incremental_migration
	Source, Target  Instance
	// IPSwitchStatus is the details' top-level task_status, the state of
	// the cut-over's IP switch (EXCHANGE_SUCCESS, ROLLBACK_SUCCESS, or any
	// other value); empty leaves the field out, as before any switch.
	IPSwitchStatus string
	// BandwidthLimitMB is bandwidth_limit_mb, in MB/s as a string as the
	// API gives it; empty leaves it out.
	BandwidthLimitMB string
	// ResumeMode is resume_mode (auto or manual); empty leaves it out.
	ResumeMode string

	// Stats, when set, are served as they are. Otherwise, when Raw is set,
	// it is served verbatim (to reproduce API quirks). Otherwise Movement
	// computes the stats from the simulator's clock.
	Stats    *DCSStats
	Raw      map[string]any
	Movement DCSMovement
}

// Instance is a migration's source or target Redis.
type Instance struct {
	ID, Name, Addrs string
	Password        string // echoed by the task details, as the real API may
}

// DCSStats are the values of the stats API.
type DCSStats struct {
	FullMigrationProgress float64 // percent
	Offset                float64
	SourceDBSize          float64
	TargetDBSize          float64
	TargetInputKbps       float64
	TargetOps             float64
	IsMigrating           bool
}

// DCSMovement describes a full migration followed by an incremental phase.
type DCSMovement struct {
	// StartedAgo shifts the task's start before the simulator's start.
	StartedAgo time.Duration
	// FullDuration is how long full migration takes (default 10m).
	FullDuration time.Duration
	// SourceKeys is the source's key count at the start (default 1,000,000).
	SourceKeys float64
	// WritesPerSecond are new keys written to the source (default 50).
	WritesPerSecond float64
}

// AddDCSTask adds (or replaces) a task; the list API returns tasks in the
// order they were added.
func (s *Simulator) AddDCSTask(t DCSTask) { s.locked(func() { s.dcsTasks = upsert(s.dcsTasks, t) }) }

// RemoveDCSTask deletes a task: the API then answers DCS.4133.
func (s *Simulator) RemoveDCSTask(id string) {
	s.locked(func() { s.dcsTasks = without(s.dcsTasks, id) })
}

func (s *Simulator) dcsTaskByID(id string) (DCSTask, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return lookup(s.dcsTasks, id)
}

// dcsRoutes serves the DCS migration-task API.
func (s *Simulator) dcsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/{project_id}/migration-task/{task_id}/stats", s.dcsStats)
	mux.HandleFunc("GET /v2/{project_id}/migration-task/{task_id}", s.dcsTask)
	mux.HandleFunc("GET /v2/{project_id}/migration-tasks", s.dcsList)
}

var errDCSNotFound = &apiError{http.StatusBadRequest, "DCS.4133", "Instance job is not found."}

func (s *Simulator) dcsStats(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("task_id")
	if !s.begin(w, r, "ShowMigrationTaskStats", id, errDCSNotFound) {
		return
	}
	t, ok := s.dcsTaskByID(id)
	switch {
	case !ok:
		errDCSNotFound.write(w)
	case t.Stats == nil && t.Raw != nil:
		writeJSON(w, t.Raw)
	default:
		st := t.stats(s.elapsed())
		writeJSON(w, map[string]any{
			"full_migration_progress": s.num(st.FullMigrationProgress),
			"offset":                  s.num(st.Offset),
			"source_dbsize":           s.num(st.SourceDBSize),
			"target_dbsize":           s.num(st.TargetDBSize),
			"target_input_kbps":       s.num(st.TargetInputKbps),
			"target_ops":              s.num(st.TargetOps),
			"is_migrating":            st.IsMigrating,
		})
	}
}

func (s *Simulator) dcsTask(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("task_id")
	if !s.begin(w, r, "ShowMigrationTask", id, errDCSNotFound) {
		return
	}
	t, ok := s.dcsTaskByID(id)
	if !ok {
		errDCSNotFound.write(w)
		return
	}
	writeJSON(w, t.details())
}

func (s *Simulator) dcsList(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r, "ListMigrationTask", "", errDCSNotFound) {
		return
	}
	offset, limit := pageParams(r)
	s.mu.Lock()
	all := make([]map[string]any, 0, len(s.dcsTasks))
	for _, t := range s.dcsTasks {
		all = append(all, map[string]any{"task_id": t.ID, "task_name": t.Name, "status": t.status()})
	}
	s.mu.Unlock()
	page := pageOf(all, offset, limit)
	// The documentation does not say whether count is the total or the page
	// size; the simulator answers the page size so that clients must page
	// until a short page.
	writeJSON(w, map[string]any{"count": len(page), "migration_tasks": page})
}

// pageParams reads offset and limit (default 0 and 10, limit capped at 100).
func pageParams(r *http.Request) (offset, limit int) {
	offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 10
	}
	return max(offset, 0), min(limit, 100)
}

func pageOf[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return []T{}
	}
	return all[offset:min(offset+limit, len(all))]
}

func (t DCSTask) status() string {
	if t.Status != "" {
		return t.Status
	}
	return "MIGRATING"
}

func (t DCSTask) details() map[string]any {
	inst := func(i Instance) map[string]any {
		m := map[string]any{"id": i.ID, "name": i.Name, "addrs": i.Addrs}
		if i.Password != "" {
			m["password"] = i.Password
		}
		return m
	}
	d := map[string]any{
		"task_id":          t.ID,
		"task_name":        t.Name,
		"status":           t.status(),
		"migration_type":   orDefault(t.MigrationType, "online_migration"),
		"migration_method": orDefault(t.MigrationMethod, "incremental_migration"),
		"network_type":     "vpc",
		"source_instance":  inst(t.Source),
		"target_instance":  inst(t.Target),
		"created_at":       "2026-11-23T08:00:00.000Z",
	}
	for key, v := range map[string]string{"task_status": t.IPSwitchStatus, "bandwidth_limit_mb": t.BandwidthLimitMB, "resume_mode": t.ResumeMode} {
		if v != "" {
			d[key] = v
		}
	}
	return d
}

// stats are the task's stats after the simulator has run for elapsed.
func (t DCSTask) stats(elapsed time.Duration) DCSStats {
	if t.Stats != nil {
		return *t.Stats
	}
	return t.Movement.at(t.ID, elapsed+t.Movement.StartedAgo)
}

// at computes a migration's stats at time e after its start. Full
// migration copies the source's keys linearly; meanwhile the writes to the
// source pile up as replication offset, which the incremental phase then
// drains with a time constant of a minute, jittering around a small floor.
func (m DCSMovement) at(id string, e time.Duration) DCSStats {
	full := m.FullDuration
	if full <= 0 {
		full = 10 * time.Minute
	}
	keys := m.SourceKeys
	if keys <= 0 {
		keys = 1_000_000
	}
	wps := m.WritesPerSecond
	if wps <= 0 {
		wps = 50
	}
	secs := max(e.Seconds(), 0)
	j := jitter(id, int64(secs)) // 0..1, changes every second
	source := math.Round(keys + wps*secs)
	st := DCSStats{SourceDBSize: source, IsMigrating: true}
	if e < full {
		p := secs / full.Seconds()
		st.FullMigrationProgress = math.Round(p*10000) / 100
		st.TargetDBSize = math.Round(source * p)
		st.Offset = math.Round(wps * secs * 64) // bytes of backlog
		st.TargetOps = math.Round(keys/full.Seconds() + 20*j)
	} else {
		st.FullMigrationProgress = 100
		backlog := wps * full.Seconds() * 64
		since := secs - full.Seconds()
		st.Offset = math.Round(backlog*math.Exp(-since/60) + 200*j)
		st.TargetDBSize = source - math.Round(st.Offset/640)
		st.TargetOps = math.Round(wps + 10*j)
	}
	st.TargetInputKbps = math.Round(st.TargetOps*0.5*100) / 100 // ~512 B a write
	return st
}

// jitter is a deterministic pseudo-random value in [0,1) for a task and second.
func jitter(id string, second int64) float64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	_, _ = h.Write([]byte(strconv.FormatInt(second, 10)))
	return float64(h.Sum64()%1000) / 1000
}
