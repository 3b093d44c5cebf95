package simulator

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// omsSim is a simulator whose tasks' clock the test moves.
type omsSim struct {
	*Simulator
	mu    sync.Mutex
	clock time.Time
}

func newOMSSim(t *testing.T, opts Options) *omsSim {
	t.Helper()
	s := &omsSim{clock: now}
	opts.AccessKey, opts.SecretKey, opts.ProjectID, opts.GatewayNow = ak, sk, project, fixedNow
	opts.Now = func() time.Time {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.clock
	}
	s.Simulator = New(opts)
	return s
}

func (s *omsSim) advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = s.clock.Add(d)
}

// get answers a signed GET of path; the body is decoded with numbers kept
// as written.
func (s *omsSim) get(t *testing.T, path string, query map[string]string) (int, map[string]any, string) {
	t.Helper()
	w := serve(s.Simulator, signedRequest(t, "sim", path, query, sk, now))
	var body map[string]any
	d := json.NewDecoder(strings.NewReader(w.Body.String()))
	d.UseNumber()
	if err := d.Decode(&body); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, w.Body)
	}
	return w.Code, body, w.Body.String()
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		if err != nil {
			t.Fatal(err)
		}
		return f
	case string:
		var f float64
		if err := json.Unmarshal([]byte(n), &f); err != nil {
			t.Fatalf("%q: %v", n, err)
		}
		return f
	default:
		t.Fatalf("%v (%T) is not a number", v, v)
		return 0
	}
}

func TestOMSTaskMovesWithTheClock(t *testing.T) {
	s := newOMSSim(t, Options{})
	s.AddOMSTask(OMSTask{ID: "220621019041293", Name: "logs", SourceBucket: "s3-logs", TargetBucket: "obs-logs",
		Movement: OMSMovement{ListingDuration: 2 * time.Minute, CopyDuration: 10 * time.Minute, TotalBytes: 1e9, TotalObjects: 1000}})
	path := "/v2/" + project + "/tasks/220621019041293"
	var lastBytes, lastObjects float64
	for i, step := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute, 5 * time.Minute} {
		s.advance(step)
		code, body, raw := s.get(t, path, nil)
		if code != 200 {
			t.Fatalf("%d: %s", code, raw)
		}
		if !strings.Contains(raw, `"id":220621019041293`) {
			t.Errorf("id is not a JSON number: %s", raw)
		}
		bytes, objects := num(t, body["complete_size"]), num(t, body["successful_num"])
		if bytes < lastBytes || objects < lastObjects {
			t.Errorf("step %d: bytes %v objects %v went back from %v %v", i, bytes, objects, lastBytes, lastObjects)
		}
		lastBytes, lastObjects = bytes, objects
		status := num(t, body["status"])
		switch i {
		case 0: // 1m: listing, copying
			if status != 2 || body["is_query_over"] != false || num(t, body["total_size"]) >= 1e9 || num(t, body["left_time"]) != 540000 {
				t.Errorf("1m: %s", raw)
			}
			if p := num(t, body["progress"]); p <= 0 || p >= 1 {
				t.Errorf("1m: progress %v", p)
			}
		case 1: // 3m: listed
			if status != 2 || body["is_query_over"] != true || num(t, body["total_size"]) != 1e9 || num(t, body["total_num"]) != 1000 {
				t.Errorf("3m: %s", raw)
			}
			if sp := num(t, body["migrate_speed"]); sp < 1e9/600*0.9 || sp > 1e9/600*1.1 {
				t.Errorf("3m: speed %v", sp)
			}
		case 4: // 14m: done
			if status != 5 || num(t, body["progress"]) != 1 || bytes != 1e9 || num(t, body["left_time"]) != 0 ||
				objects+num(t, body["skipped_num"]) != 1000 {
				t.Errorf("14m: %s", raw)
			}
		}
		if _, ok := body["error_reason"]; !ok || body["error_reason"] != nil {
			t.Errorf("a healthy task's error_reason is null by default: %s", raw)
		}
	}
}

func TestOMSFixedTaskAndErrorReasonForms(t *testing.T) {
	s := newOMSSim(t, Options{NumbersAsStrings: true})
	failed := &OMSProgress{Status: 4, Progress: 0.25, CompleteSize: 100, TotalSize: 400, Failed: 7,
		ErrorCode: "TRF.0051", ErrorMsg: "No permission to access the destination bucket.", Absent: []string{"left_time"}}
	s.AddOMSTask(OMSTask{ID: "oms-failed", Name: "f", Progress: failed})
	s.AddOMSTask(OMSTask{ID: "oms-empty", Progress: &OMSProgress{Status: 2}, HealthyReason: ErrorReasonEmptyString})
	s.AddOMSTask(OMSTask{ID: "oms-absent", Progress: &OMSProgress{Status: 2}, HealthyReason: ErrorReasonAbsent})

	_, body, raw := s.get(t, "/v2/"+project+"/tasks/oms-failed", nil)
	reason, _ := body["error_reason"].(map[string]any)
	if num(t, body["status"]) != 4 || reason["error_code"] != "TRF.0051" || body["failed_num"] != "7" || body["id"] != "oms-failed" {
		t.Errorf("failed task: %s", raw)
	}
	if _, ok := body["left_time"]; ok {
		t.Errorf("left_time should be absent: %s", raw)
	}
	if _, body, raw = s.get(t, "/v2/"+project+"/tasks/oms-empty", nil); body["error_reason"] != "" {
		t.Errorf(`error_reason should be "": %s`, raw)
	}
	if _, _, raw = s.get(t, "/v2/"+project+"/tasks/oms-absent", nil); strings.Contains(raw, "error_reason") {
		t.Errorf("error_reason should be absent: %s", raw)
	}
}

func TestOMSMissingTaskAndGroup(t *testing.T) {
	s := newOMSSim(t, Options{})
	code, body, raw := s.get(t, "/v2/"+project+"/tasks/123", nil)
	if code != 400 || body["error_code"] != "OMS.1009" {
		t.Errorf("missing task: %d %s", code, raw)
	}
	code, _, raw = s.get(t, "/v2/"+project+"/taskgroups/g-1", nil)
	if code != 404 {
		t.Errorf("missing group: %d %s", code, raw)
	}
	s.AddOMSTask(OMSTask{ID: "123", Progress: &OMSProgress{}})
	if code, _, raw = s.get(t, "/v2/"+project+"/tasks/123", nil); code != 200 {
		t.Errorf("added task: %d %s", code, raw)
	}
	s.RemoveOMSTask("123")
	if code, _, _ = s.get(t, "/v2/"+project+"/tasks/123", nil); code != 400 {
		t.Errorf("removed task: %d", code)
	}
	if n := s.Requests(OpOMSShowTask, "123"); n != 3 {
		t.Errorf("%d ShowTask requests counted", n)
	}
}

func TestOMSGroupMovesAndLists(t *testing.T) {
	s := newOMSSim(t, Options{})
	for i := range 3 {
		s.AddOMSTaskGroup(OMSTaskGroup{ID: "g-" + string(rune('a'+i)), SourceBucket: "src", TargetBucket: "dst",
			Movement: OMSMovement{CopyDuration: 10 * time.Minute, TotalBytes: 1000, TotalObjects: 100}})
	}
	s.advance(5 * time.Minute)
	_, body, raw := s.get(t, "/v2/"+project+"/taskgroups/g-a", nil)
	if num(t, body["status"]) != 1 || num(t, body["complete_size"]) != 500 || num(t, body["total_size"]) != 1000 ||
		num(t, body["success_num"])+num(t, body["skip_num"]) != 50 {
		t.Errorf("group at 5m: %s", raw)
	}
	if _, ok := body["progress"]; ok {
		t.Errorf("a group has no progress: %s", raw)
	}
	s.advance(10 * time.Minute)
	if _, body, raw = s.get(t, "/v2/"+project+"/taskgroups/g-a", nil); num(t, body["status"]) != 6 {
		t.Errorf("group at 15m: %s", raw)
	}

	_, body, raw = s.get(t, "/v2/"+project+"/taskgroups", map[string]string{"limit": "2", "offset": "2"})
	groups, _ := body["taskgroups"].([]any)
	if num(t, body["count"]) != 3 || len(groups) != 1 || groups[0].(map[string]any)["group_id"] != "g-c" {
		t.Errorf("second page: %s", raw)
	}
	if n := s.Requests(OpOMSListTaskGroup, ""); n != 1 {
		t.Errorf("%d list requests", n)
	}
}

func TestOMSTaskListPages(t *testing.T) {
	s := newOMSSim(t, Options{})
	for _, id := range []string{"1", "2", "3"} {
		s.AddOMSTask(OMSTask{ID: id, Progress: &OMSProgress{Status: 5}})
	}
	_, body, raw := s.get(t, "/v2/"+project+"/tasks", map[string]string{"limit": "2", "offset": "0"})
	tasks, _ := body["tasks"].([]any)
	if num(t, body["count"]) != 3 || len(tasks) != 2 || num(t, tasks[1].(map[string]any)["id"]) != 2 {
		t.Errorf("first page: %s", raw)
	}
	_, body, _ = s.get(t, "/v2/"+project+"/tasks", map[string]string{"limit": "2", "offset": "2"})
	if tasks, _ = body["tasks"].([]any); len(tasks) != 1 {
		t.Errorf("second page: %d tasks", len(tasks))
	}
	if n := s.Requests(OpOMSListTasks, ""); n != 2 {
		t.Errorf("%d list requests", n)
	}
	if n := s.Requests("ListTasks", ""); n != 0 {
		t.Errorf("OMS lists counted as SMS's: %d", n)
	}
}
