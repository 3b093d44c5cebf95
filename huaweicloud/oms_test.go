package huaweicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The testdata files oms-show-task.json and oms-list-tasks.json are the
// documented ShowTask and ListTasks examples (huaweicloudDocs/oms, zh-cn API
// reference): placeholders ("string", 0) rather than real data. The task
// group files are built by hand from the SDK's field list (no documented
// example could be found); their _note key says so.

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeAs[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return v
}

// checkNumber fails unless n holds want ("absent" for no value).
func checkNumber(t *testing.T, what string, n Number, want any) {
	t.Helper()
	if n.Err() != nil {
		t.Errorf("%s: %v", what, n.Err())
	}
	if got := value(n); got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkDocumentedTask(t *testing.T, task OMSTask) {
	t.Helper()
	if task.ID != "0" || task.Name != "string" || task.TaskType != "list" || task.GroupID != "string" {
		t.Errorf("id %q name %q task_type %q group_id %q", task.ID, task.Name, task.TaskType, task.GroupID)
	}
	if task.SrcNode != (OMSNode{Bucket: "src_bucket", Region: "cn-north-1", CloudType: "AWS"}) {
		t.Errorf("src_node %+v", task.SrcNode)
	}
	if task.DstNode != (OMSNode{Bucket: "dst_bucket", Region: "cn-north-1"}) {
		t.Errorf("dst_node %+v", task.DstNode)
	}
	for name, n := range map[string]Number{
		"status": task.Status, "progress": task.Progress, "complete_size": task.CompleteSize,
		"total_size": task.TotalSize, "real_size": task.RealSize, "migrate_speed": task.MigrateSpeed,
		"left_time": task.LeftTime, "total_time": task.TotalTime, "start_time": task.StartTime,
		"successful_num": task.SuccessfulNum, "failed_num": task.FailedNum, "skipped_num": task.SkippedNum,
		"total_num": task.TotalNum,
	} {
		checkNumber(t, name, n, 0.0)
	}
	if v, ok := task.IsQueryOver.Value(); !ok || !v {
		t.Errorf("is_query_over %v %v", v, ok)
	}
	if task.ErrorReason != (OMSErrorReason{Code: "string", Message: "string"}) {
		t.Errorf("error_reason %+v", task.ErrorReason)
	}
}

func TestOMSShowTaskDocumentedExample(t *testing.T) {
	checkDocumentedTask(t, decodeAs[OMSTask](t, readTestdata(t, "oms-show-task.json")))
}

func TestOMSListTasksDocumentedExample(t *testing.T) {
	body := readTestdata(t, "oms-list-tasks.json")
	page := decodeAs[OMSTaskPage](t, body)
	checkNumber(t, "count", page.Count, 0.0)
	if len(page.Tasks) != 1 || page.Tasks[0].ID != "0" {
		t.Errorf("tasks %+v", page.Tasks)
	}
	// A list entry is a whole task, as ShowTask answers it.
	full := decodeAs[struct {
		Tasks []OMSTask `json:"tasks"`
	}](t, body)
	if len(full.Tasks) != 1 {
		t.Fatalf("%d tasks", len(full.Tasks))
	}
	checkDocumentedTask(t, full.Tasks[0])
}

func TestOMSTaskGroupExamples(t *testing.T) {
	checkGroup := func(g OMSTaskGroup) {
		t.Helper()
		if g.GroupID != "string" || g.TaskType != "PREFIX" {
			t.Errorf("group_id %q task_type %q", g.GroupID, g.TaskType)
		}
		checkNumber(t, "status", g.Status, 6.0)
		if g.SrcNode != (OMSNode{Bucket: "src_bucket", Region: "cn-north-1", CloudType: "AWS"}) || g.DstNode.Bucket != "dst_bucket" {
			t.Errorf("src_node %+v dst_node %+v", g.SrcNode, g.DstNode)
		}
		for name, n := range map[string]Number{
			"complete_size": g.CompleteSize, "total_size": g.TotalSize, "migrate_speed": g.MigrateSpeed,
			"success_num": g.SuccessNum, "fail_num": g.FailNum, "skip_num": g.SkipNum, "total_num": g.TotalNum,
			"total_task_num": g.TotalTaskNum,
		} {
			checkNumber(t, name, n, 0.0)
		}
		if g.ErrorReason != (OMSErrorReason{Code: "string", Message: "string"}) {
			t.Errorf("error_reason %+v", g.ErrorReason)
		}
	}
	checkGroup(decodeAs[OMSTaskGroup](t, readTestdata(t, "oms-show-taskgroup.json")))
	list := decodeAs[struct {
		Count      Number         `json:"count"`
		TaskGroups []OMSTaskGroup `json:"taskgroups"`
	}](t, readTestdata(t, "oms-list-taskgroups.json"))
	checkNumber(t, "count", list.Count, 1.0)
	if len(list.TaskGroups) != 1 {
		t.Fatalf("%d groups", len(list.TaskGroups))
	}
	checkGroup(list.TaskGroups[0])
	page := decodeAs[OMSTaskGroupPage](t, readTestdata(t, "oms-list-taskgroups.json"))
	if len(page.TaskGroups) != 1 || page.TaskGroups[0].GroupID != "string" {
		t.Errorf("page %+v", page)
	}
}

// error_reason is "" in the documentation, null or absent in real answers
// on a healthy task, an object on a failed one; nothing it holds fails the
// task's decoding.
func TestOMSErrorReasonInEveryForm(t *testing.T) {
	cases := []struct {
		name, field string
		want        OMSErrorReason
	}{
		{"empty string (documented)", `"error_reason": "",`, OMSErrorReason{}},
		{"null", `"error_reason": null,`, OMSErrorReason{}},
		{"absent", ``, OMSErrorReason{}},
		{"object", `"error_reason": {"error_code": "OMS.0310", "error_msg": "Access denied to the source bucket."},`,
			OMSErrorReason{Code: "OMS.0310", Message: "Access denied to the source bucket."}},
		{"object with nulls", `"error_reason": {"error_code": null, "error_msg": null},`, OMSErrorReason{}},
		{"object with a numeric code", `"error_reason": {"error_code": 1009},`, OMSErrorReason{Code: "1009"}},
		{"a plain message", `"error_reason": " source unreachable ",`, OMSErrorReason{Message: "source unreachable"}},
		{"a number", `"error_reason": 7,`, OMSErrorReason{}},
		{"a list", `"error_reason": ["x"],`, OMSErrorReason{}},
		{"a boolean", `"error_reason": false,`, OMSErrorReason{}},
		{"a broken object", `"error_reason": {"error_code": ["x"]},`, OMSErrorReason{}},
	}
	for _, c := range cases {
		body := `{"id": 220621019041293, ` + c.field + ` "status": 2, "complete_size": 1024}`
		for _, kind := range []string{"task", "group"} {
			var got OMSErrorReason
			var status, size Number
			switch kind {
			case "task":
				task := decodeAs[OMSTask](t, []byte(body))
				got, status, size = task.ErrorReason, task.Status, task.CompleteSize
			default:
				g := decodeAs[OMSTaskGroup](t, []byte(body))
				got, status, size = g.ErrorReason, g.Status, g.CompleteSize
			}
			if got != c.want {
				t.Errorf("%s (%s): %+v, want %+v", c.name, kind, got, c.want)
			}
			if value(status) != 2.0 || value(size) != 1024.0 {
				t.Errorf("%s (%s): the other fields were lost: status %v complete_size %v", c.name, kind, value(status), value(size))
			}
		}
	}
}

func TestOMSTaskIDIsANumberInTheAnswer(t *testing.T) {
	for body, want := range map[string]Text{
		`{"id": 220621019041293}`:   "220621019041293",
		`{"id": "220621019041293"}`: "220621019041293",
		`{"id": null}`:              "",
	} {
		if got := decodeAs[OMSTask](t, []byte(body)).ID; got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
		if got := decodeAs[OMSTaskPage](t, []byte(`{"tasks": [`+body+`]}`)).Tasks[0].ID; got != want {
			t.Errorf("list %s: %q, want %q", body, got, want)
		}
	}
}

// Numbers as strings are accepted too (other Huawei Cloud APIs send them).
func TestOMSTaskNumbersAsStrings(t *testing.T) {
	task := decodeAs[OMSTask](t, []byte(`{"progress": "0.522", "complete_size": " 1024 ", "left_time": "", "is_query_over": "false", "status": "4"}`))
	checkNumber(t, "progress", task.Progress, 0.522)
	checkNumber(t, "complete_size", task.CompleteSize, 1024.0)
	checkNumber(t, "left_time", task.LeftTime, "absent")
	checkNumber(t, "status", task.Status, 4.0)
	if v, ok := task.IsQueryOver.Value(); !ok || v {
		t.Errorf("is_query_over %v %v", v, ok)
	}
}

func TestDefaultOMSEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":     "https://oms.cn-north-4.myhuaweicloud.com",
		"ap-southeast-3": "https://oms.ap-southeast-3.myhuaweicloud.com",
		"af-south-1":     "https://oms.af-south-1.myhuaweicloud.com",
		"eu-west-101":    "https://oms.eu-west-101.myhuaweicloud.com", // not in the SDK's table
	} {
		if got := defaultOMSEndpoint(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
	if def, ok := defaultEndpoints[APIOMS]; !ok || def("cn-north-4") != "https://oms.cn-north-4.myhuaweicloud.com" {
		t.Error("OMS has no default endpoint")
	}
}

func TestOMSNotFoundIsNotFound(t *testing.T) {
	e := newAPIError(400, http.Header{}, []byte(`{"error_code":"OMS.1009","error_msg":"No resources found."}`))
	if e.Reason() != ReasonNotFound {
		t.Errorf("400 OMS.1009: %s", e.Reason())
	}
	if r := (&APIError{StatusCode: 400, Code: "OMS.0064"}).Reason(); r != ReasonHTTP4xx {
		t.Errorf("400 OMS.0064: %s", r)
	}
	if e := errorInSuccess(200, http.Header{}, []byte(`{"error_code":"OMS.1009","error_msg":"No resources found."}`)); e == nil || e.Reason() != ReasonNotFound {
		t.Errorf("200 with OMS.1009: %v", e)
	}
}

// fakeOMS is an unsigned OMS endpoint: total tasks and groups, answering
// the documented examples with their ids replaced; "gone" is missing (a
// task: 400 OMS.1009; a group: 404).
type fakeOMS struct {
	tasks, groups       int
	mu                  sync.Mutex
	paths               []string
	taskBody, groupBody map[string]any
}

func newFakeOMS(t *testing.T, tasks, groups int) *fakeOMS {
	f := &fakeOMS{tasks: tasks, groups: groups}
	f.taskBody = decodeAs[map[string]any](t, readTestdata(t, "oms-show-task.json"))
	f.groupBody = decodeAs[map[string]any](t, readTestdata(t, "oms-show-taskgroup.json"))
	return f
}

func (f *fakeOMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.RequestURI())
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	write := func(status int, v any) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 3 || parts[0] != "v2" || parts[1] != "p1" {
		write(http.StatusNotFound, map[string]string{"error_code": "APIG.0101", "error_msg": "no route"})
		return
	}
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	page := func(total int, key, idKey string) {
		var items []map[string]any
		for i := offset; i < min(offset+limit, total); i++ {
			items = append(items, map[string]any{idKey: 1000 + i})
		}
		write(http.StatusOK, map[string]any{"count": total, key: items})
	}
	switch {
	case len(parts) == 3 && parts[2] == "tasks":
		page(f.tasks, "tasks", "id")
	case len(parts) == 3 && parts[2] == "taskgroups":
		page(f.groups, "taskgroups", "group_id")
	case len(parts) == 4 && parts[2] == "tasks" && parts[3] == "gone":
		write(http.StatusBadRequest, map[string]string{"error_code": "OMS.1009", "error_msg": "No resources found."})
	case len(parts) == 4 && parts[2] == "taskgroups" && parts[3] == "gone":
		write(http.StatusNotFound, map[string]string{"error_code": "OMS.1009", "error_msg": "No resources found."})
	case len(parts) == 4 && parts[2] == "tasks":
		body := f.taskBody
		body["id"], _ = strconv.Atoi(parts[3])
		write(http.StatusOK, body)
	case len(parts) == 4 && parts[2] == "taskgroups":
		body := f.groupBody
		body["group_id"] = parts[3]
		write(http.StatusOK, body)
	default:
		write(http.StatusNotFound, map[string]string{"error_code": "APIG.0101", "error_msg": "no route"})
	}
}

type opRecorder struct {
	mu  sync.Mutex
	ops []string
}

func (r *opRecorder) ObserveRequest(api, op, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, api+" "+op+" "+code)
}

func omsClient(t *testing.T, f *fakeOMS, obs Observer) *Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return NewClient(Options{ProjectID: "p1", Region: "cn-north-4", Endpoints: map[string]string{APIOMS: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AK", SecretKey: "SK"}, Observer: obs})
}

func TestOMSClientCalls(t *testing.T) {
	f := newFakeOMS(t, 0, 0)
	rec := &opRecorder{}
	c := omsClient(t, f, rec)
	task, err := c.OMSTask(t.Context(), "220621019041293")
	if err != nil {
		t.Fatal(err)
	}
	if task.ID != "220621019041293" || task.SrcNode.Bucket != "src_bucket" {
		t.Errorf("task %q %+v", task.ID, task.SrcNode)
	}
	g, err := c.OMSTaskGroup(t.Context(), "g-1")
	if err != nil {
		t.Fatal(err)
	}
	if g.GroupID != "g-1" || value(g.Status) != 6.0 {
		t.Errorf("group %q status %v", g.GroupID, value(g.Status))
	}
	_, err = c.OMSTask(t.Context(), "gone")
	if Reason(err) != ReasonNotFound || !strings.Contains(err.Error(), "HTTP 400 OMS.1009") {
		t.Errorf("missing task: %v (%s)", err, Reason(err))
	}
	_, err = c.OMSTaskGroup(t.Context(), "gone")
	if Reason(err) != ReasonNotFound || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("missing group: %v (%s)", err, Reason(err))
	}
	wantPaths := []string{"/v2/p1/tasks/220621019041293", "/v2/p1/taskgroups/g-1", "/v2/p1/tasks/gone", "/v2/p1/taskgroups/gone"}
	if fmt.Sprint(f.paths) != fmt.Sprint(wantPaths) {
		t.Errorf("paths %q, want %q", f.paths, wantPaths)
	}
	wantOps := []string{"oms ShowTask 200", "oms ShowTaskGroup 200", "oms ShowTask 400", "oms ShowTaskGroup 404"}
	if fmt.Sprint(rec.ops) != fmt.Sprint(wantOps) {
		t.Errorf("operations %q, want %q", rec.ops, wantOps)
	}
}

func TestOMSListsPageToTheEnd(t *testing.T) {
	f := newFakeOMS(t, 230, 101)
	rec := &opRecorder{}
	c := omsClient(t, f, rec)
	tasks, err := c.OMSTaskIDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 230 || tasks[0] != "1000" || tasks[229] != "1229" {
		t.Errorf("%d tasks, %q … %q", len(tasks), tasks[0], tasks[len(tasks)-1])
	}
	groups, err := c.OMSTaskGroupIDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 101 || groups[100] != "1100" {
		t.Errorf("%d groups", len(groups))
	}
	want := []string{
		"/v2/p1/tasks?limit=100&offset=0", "/v2/p1/tasks?limit=100&offset=100", "/v2/p1/tasks?limit=100&offset=200",
		"/v2/p1/taskgroups?limit=100&offset=0", "/v2/p1/taskgroups?limit=100&offset=100",
	}
	if fmt.Sprint(f.paths) != fmt.Sprint(want) {
		t.Errorf("paths\n %q\nwant\n %q", f.paths, want)
	}
	if rec.ops[0] != "oms ListTasks 200" || rec.ops[3] != "oms ListTaskGroup 200" {
		t.Errorf("operations %q", rec.ops)
	}
}

// ListTasks refuses an offset past 10000: discovery keeps what it read up
// to there instead of failing as a whole.
func TestOMSTaskListStopsAtTheLargestOffset(t *testing.T) {
	f := newFakeOMS(t, 20000, 0)
	c := omsClient(t, f, nil)
	ids, err := c.OMSTaskIDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 10100 {
		t.Errorf("%d ids, want the 101 pages up to offset 10000", len(ids))
	}
	if last := f.paths[len(f.paths)-1]; last != "/v2/p1/tasks?limit=100&offset=10000" {
		t.Errorf("last request %s", last)
	}
}
