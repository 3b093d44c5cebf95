package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// sourcesPage GETs the source server list at offset and limit ("" leaves
// the parameter out) and decodes it.
func sourcesPage(t *testing.T, s *Simulator, offset, limit string) (int, map[string]any) {
	t.Helper()
	q := map[string]string{}
	if offset != "" {
		q["offset"] = offset
	}
	if limit != "" {
		q["limit"] = limit
	}
	w := serve(s, signedRequest(t, "sim", "/v3/sources", q, sk, now))
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: %v", w.Body, err)
	}
	return w.Code, body
}

// sourceOf renders the entry for id of a page: connected, cycle, its
// entry time and when the connection last changed, both as minutes after
// now (the simulator's start).
func sourceOf(t *testing.T, page map[string]any, id string) string {
	t.Helper()
	list, _ := page["source_servers"].([]any)
	for _, e := range list {
		m := e.(map[string]any)
		if m["id"] != id {
			continue
		}
		minutes := func(v any) string {
			f, ok := v.(float64)
			if !ok {
				return fmt.Sprint(v)
			}
			return strconv.FormatFloat((f-float64(now.UnixMilli()))/60e3, 'f', -1, 64)
		}
		return fmt.Sprintf("%v %v %s %s", m["connected"], m["migration_cycle"], minutes(m["stage_action_time"]), minutes(m["last_visit_time"]))
	}
	return "not listed"
}

// The list pages by offset and limit (0 or none: 200, above 200 refused)
// with count the total; a moving task's source server goes through the
// lifecycle phases of its movement, and its agent disconnects and
// reconnects as its outages say, on the simulator's clock.
func TestSMSSourcesMoveWithTime(t *testing.T) {
	clock := now
	s := New(Options{AccessKey: ak, SecretKey: sk, ProjectID: project, Now: func() time.Time { return clock }, GatewayNow: fixedNow})
	s.AddSMSTask(SMSTask{ID: "m", SourceServer: "moving", Agent: SMSAgent{Outages: []Outage{{From: 5 * time.Minute, To: 8 * time.Minute}}}})
	s.AddSMSTask(SMSTask{ID: "f", Progress: &SMSProgress{State: "SYNC_SUCCESS"}, Agent: SMSAgent{Cycle: "syncing", CycleEnteredMs: float64(now.UnixMilli()) - 60e3}})
	s.AddSMSTask(SMSTask{ID: "g", Progress: &SMSProgress{State: "RUNNING"}})
	s.AddSMSTask(SMSTask{ID: "u", Agent: SMSAgent{Unlisted: true}})
	for i := range 250 {
		s.AddSMSSource(SMSSource{ID: fmt.Sprintf("x%03d", i), Agent: SMSAgent{Cycle: "checking", CycleEnteredMs: float64(now.UnixMilli()) - 120e3}})
	}
	for _, c := range []struct{ offset, limit string }{{"", ""}, {"0", "0"}, {"0", "200"}} {
		code, p := sourcesPage(t, s, c.offset, c.limit)
		if n := len(p["source_servers"].([]any)); code != http.StatusOK || n != 200 || p["count"] != 253.0 {
			t.Errorf("offset %q limit %q: HTTP %d, %d servers, count %v; want 200, 200, 253", c.offset, c.limit, code, n, p["count"])
		}
	}
	if code, p := sourcesPage(t, s, "200", "200"); len(p["source_servers"].([]any)) != 53 || sourceOf(t, p, "x249") != "true checking -2 0" {
		t.Errorf("second page: HTTP %d, %d servers, x249 %s", code, len(p["source_servers"].([]any)), sourceOf(t, p, "x249"))
	}
	if code, _ := sourcesPage(t, s, "0", "201"); code != http.StatusBadRequest {
		t.Errorf("limit 201: HTTP %d, want 400", code)
	}
	for _, c := range []struct {
		at         time.Duration
		m, f, g, u string
	}{
		{0, "true setting 0 0", "true syncing -1 0", "true <nil> <nil> 0", "not listed"},
		{3 * time.Minute, "true replicating 2.5 0", "", "", ""},
		{6 * time.Minute, "false replicating 2.5 5", "", "", ""},
		{8 * time.Minute, "true replicating 2.5 8", "", "", ""},
		{23 * time.Minute, "true syncing 22.5 8", "", "", ""},
		{25 * time.Minute, "true cutovering 24.5 8", "", "", ""},
		{30 * time.Minute, "true cutovered 26 8", "true syncing -1 0", "", ""},
	} {
		clock = now.Add(c.at)
		_, p := sourcesPage(t, s, "", "")
		for id, want := range map[string]string{"src-m": c.m, "src-f": c.f, "src-g": c.g, "src-u": c.u} {
			if got := sourceOf(t, p, id); want != "" && got != want {
				t.Errorf("at %v, %s: %s, want %s", c.at, id, got, want)
			}
		}
	}
}

// The list's faults: paging for ever, repeating its first page, and the
// faults SetFault(SMSSourcesList, …) gives, counted apart from the other
// lists.
func TestSMSSourcesFaults(t *testing.T) {
	s := newSim()
	for i := range 3 {
		s.AddSMSTask(SMSTask{ID: strconv.Itoa(i)})
	}
	s.SetSMSSourcesPaging(PagingRepeat)
	_, first := sourcesPage(t, s, "0", "2")
	_, again := sourcesPage(t, s, "2", "2")
	if sourceOf(t, again, "src-0") == "not listed" || first["count"] != 5.0 {
		t.Errorf("repeat: the page at offset 2 is %v (count %v), want the first", again["source_servers"], first["count"])
	}
	s.SetSMSSourcesPaging(PagingForever)
	_, p := sourcesPage(t, s, "400", "")
	if sourceOf(t, p, "src-forever-599") == "not listed" || p["count"] != 800.0 {
		t.Errorf("forever: the page at offset 400 is %d servers, count %v", len(p["source_servers"].([]any)), p["count"])
	}
	s.SetFault(SMSSourcesList, Fault{Kind: FaultServerError})
	if code, _ := sourcesPage(t, s, "", ""); code != http.StatusInternalServerError {
		t.Errorf("fault: HTTP %d, want 500", code)
	}
	if n := s.Requests("ListServers", SMSSourcesList); n != 4 {
		t.Errorf("%d list requests counted, want 4", n)
	}
}
