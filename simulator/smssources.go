package simulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SMSAgent is how the source server list (GET /v3/sources, ListServers)
// shows an SMS task's source server: its agent's connection and the
// migration's lifecycle phase.
type SMSAgent struct {
	// Unlisted leaves the source server out of the list.
	Unlisted bool
	// Cycle is migration_cycle. Empty: for a task that moves with time, the
	// phase of its movement (setting while the target is prepared,
	// replicating while the data is copied, syncing, cutovering while it is
	// configured, cutovered once done); for a task with a fixed Progress,
	// none (the field is left out).
	Cycle string
	// CycleEnteredMs is stage_action_time (ms since the epoch). 0: when a
	// moving task's phase began; left out for a task with a fixed Progress.
	CycleEnteredMs float64
	// Disconnected says the agent is not connected at all.
	Disconnected bool
	// Outages are when the agent is not connected, on the simulator's
	// clock (since its start): it reconnects at each one's end.
	Outages []Outage
}

// Outage is a time the agent is not connected: From (included) to To
// (excluded) after the simulator's start.
type Outage struct{ From, To time.Duration }

// SMSSource is a source server that no task migrates (yet): one the agent
// registered, listed with the tasks' source servers.
type SMSSource struct {
	ID, Name string
	Agent    SMSAgent
}

// SMSSourcesPaging is how GET /v3/sources pages.
type SMSSourcesPaging int

// The ways the source server list pages.
const (
	// PagingNormal serves offset and limit as asked (limit 0 or none: 200;
	// above 200: HTTP 400), with count the total.
	PagingNormal SMSSourcesPaging = iota
	// PagingForever serves every page full of servers not listed before,
	// with a count that is never reached.
	PagingForever
	// PagingRepeat ignores offset: every page is the first one, and count
	// is more than it holds.
	PagingRepeat
)

// SMSSourcesList is the task id under which the requests of the source
// server list are counted (Requests("ListServers", SMSSourcesList)) and
// its fault is set (SetFault(SMSSourcesList, f)); the list is apart from
// the other lists, whose task id is "".
const SMSSourcesList = "/v3/sources"

// smsSourcesState is the simulator's source servers beyond the tasks' own.
type smsSourcesState struct {
	extra  []SMSSource
	paging SMSSourcesPaging
}

// AddSMSSource adds a source server that no task migrates.
func (s *Simulator) AddSMSSource(src SMSSource) {
	s.locked(func() { s.smsSources.extra = append(s.smsSources.extra, src) })
}

// SetSMSSourcesPaging sets how the source server list pages.
func (s *Simulator) SetSMSSourcesPaging(p SMSSourcesPaging) {
	s.locked(func() { s.smsSources.paging = p })
}

// smsSourceID is the id of a task's source server (ShowTask's
// source_server.id, the list's id).
func smsSourceID(taskID string) string { return "src-" + taskID }

// maxSMSSourcesLimit is the largest page of GET /v3/sources.
const maxSMSSourcesLimit = 200

// smsSourcesRoute serves GET /v3/sources: the tasks' source servers (in
// task order, those not Unlisted), then the other ones.
func (s *Simulator) smsSourcesRoute(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r, "ListServers", SMSSourcesList, errSMSNotFound) {
		return
	}
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" || err == nil && limit == 0 {
		limit, err = maxSMSSourcesLimit, nil
	}
	if err != nil || limit < 0 || limit > maxSMSSourcesLimit || offset < 0 {
		(&apiError{http.StatusBadRequest, "SMS.0005", "limit must be 0 to 200 and offset not negative"}).write(w)
		return
	}
	elapsed, now := s.elapsed(), s.opts.Now()
	s.mu.Lock()
	paging := s.smsSources.paging
	n := len(s.smsTasks) + len(s.smsSources.extra)
	page := make([]map[string]any, 0, min(limit, n))
	add := func(id, name string, a SMSAgent, cycle string, enteredMs float64) {
		page = append(page, s.smsSourceBody(id, name, a, cycle, enteredMs, elapsed))
	}
	switch paging {
	case PagingForever:
		for i := range limit {
			id := "src-forever-" + strconv.Itoa(offset+i)
			add(id, id, SMSAgent{}, "checking", float64(s.start.UnixMilli()))
		}
		n = offset + 2*limit
	default:
		if paging == PagingRepeat {
			offset = 0
		}
		listed := 0
		each := func(id, name string, a SMSAgent, cycle string, enteredMs float64) {
			if a.Unlisted {
				return
			}
			if listed >= offset && len(page) < limit {
				add(id, name, a, cycle, enteredMs)
			}
			listed++
		}
		for _, t := range s.smsTasks {
			cycle, entered := t.cycle(elapsed, now)
			each(smsSourceID(t.ID), t.SourceServer, t.Agent, cycle, entered)
		}
		for _, src := range s.smsSources.extra {
			each(src.ID, src.Name, src.Agent, src.Agent.Cycle, src.Agent.CycleEnteredMs)
		}
		n = listed
		if paging == PagingRepeat {
			n = listed + limit
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"count": n, "source_servers": page})
}

// smsSourceBody is one entry of the list: the fields the exporter reads,
// and a few others as the API has them.
func (s *Simulator) smsSourceBody(id, name string, a SMSAgent, cycle string, enteredMs float64, elapsed time.Duration) map[string]any {
	connected, changed := a.connected(elapsed)
	body := map[string]any{
		"id": id, "name": name, "connected": connected, "os_type": "LINUX",
		"add_date":        s.num(float64(s.start.UnixMilli())),
		"last_visit_time": s.num(float64(s.start.Add(changed).UnixMilli())),
	}
	if cycle != "" {
		body["migration_cycle"] = cycle
	}
	if enteredMs != 0 {
		body["stage_action_time"] = s.num(enteredMs)
	}
	return body
}

// connected says whether the agent is connected after elapsed on the
// simulator's clock, and since when (its last change, after the start).
func (a SMSAgent) connected(elapsed time.Duration) (bool, time.Duration) {
	if a.Disconnected {
		return false, 0
	}
	var since time.Duration
	for _, o := range a.Outages {
		switch {
		case elapsed >= o.From && elapsed < o.To:
			return false, o.From
		case elapsed >= o.To:
			since = max(since, o.To)
		}
	}
	return true, since
}

// cycle is the task's source server's migration_cycle and
// stage_action_time (ms) after elapsed on the simulator's clock, at now.
func (t SMSTask) cycle(elapsed time.Duration, now time.Time) (string, float64) {
	if t.Agent.Cycle != "" || t.Progress != nil {
		return t.Agent.Cycle, t.Agent.CycleEnteredMs
	}
	e := elapsed + t.Movement.StartedAgo
	start := now.Add(-e)
	cycle, entered := "", time.Duration(0)
	var offset time.Duration
	for _, ph := range t.Movement.phases(t.Type) {
		if e < offset {
			break
		}
		if c := phaseCycle(ph.name); c != cycle {
			cycle, entered = c, offset
		}
		offset += ph.dur
	}
	if e >= offset {
		cycle, entered = "cutovered", offset
	}
	at := float64(start.Add(entered).UnixMilli())
	if t.Agent.CycleEnteredMs != 0 {
		at = t.Agent.CycleEnteredMs
	}
	return cycle, at
}

// phaseCycle is the lifecycle phase a subtask of the movement is part of.
func phaseCycle(subtask string) string {
	switch {
	case strings.HasPrefix(subtask, "MIGRATE_"):
		return "replicating"
	case strings.HasPrefix(subtask, "SYNC_"):
		return "syncing"
	case strings.HasPrefix(subtask, "CONFIGURE_"), strings.HasPrefix(subtask, "DETTACH_"):
		return "cutovering"
	default:
		return "setting"
	}
}
