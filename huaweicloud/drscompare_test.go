package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestTimestampTakesISOAndEpochMsInEitherPlace(t *testing.T) {
	for in, want := range map[string]any{
		`"2020-09-01T18:50:20Z"`:      1598986220.0,
		`"2020-09-01T20:50:20+02:00"`: 1598986220.0,
		`"2020-09-01T18:50:20"`:       1598986220.0, // no zone: UTC, as documented
		`"2020-09-01 18:50:20"`:       1598986220.0,
		`"1607766111833"`:             1607766111.833,
		`1607766111833`:               1607766111.833,
		`" 1607766111833 "`:           1607766111.833,
		`""`:                          "absent",
		`null`:                        "absent",
		`"0"`:                         "absent", // not ended yet
		`-1`:                          "absent",
		`"yesterday"`:                 "error",
		`{"t":1}`:                     "error",
		`true`:                        "error",
	} {
		var got struct {
			T Timestamp `json:"t"`
		}
		if err := json.Unmarshal([]byte(`{"t":`+in+`}`), &got); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		v := value(got.T.Number)
		if got.T.Err() != nil {
			v = "error"
		}
		if v != want {
			t.Errorf("%s: %v, want %v", in, v, want)
		}
	}
}

// fakeCompareAPI answers query-compare-result from tasks (paged as asked)
// and objects, and line-overview from lines; it counts the calls.
type fakeCompareAPI struct {
	mu      sync.Mutex
	calls   map[string]int
	status  int    // answered instead, when set
	errBody string // with status
	tasks   []string
	objects string // object_compare_overview, JSON
	lines   string // data_compare_overview_infos, JSON
}

func (f *fakeCompareAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	if f.status != 0 {
		f.calls["error"]++
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.errBody)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/line-overview") {
		f.calls["line-overview"]++
		var dbs []json.RawMessage
		_ = json.Unmarshal([]byte(f.lines), &dbs)
		var offset int
		_, _ = fmt.Sscan(r.URL.Query().Get("offset"), &offset)
		page, _ := json.Marshal(dbs[min(offset, len(dbs)):])
		_, _ = fmt.Fprintf(w, `{"total_count":%d,"data_compare_overview_infos":%s}`, len(dbs), page)
		return
	}
	var req drsCompareRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	if req.ObjectID != "" {
		f.calls["objects"]++
		_, _ = fmt.Fprintf(w, `{"job_id":"j","object_level_compare_results":{"compare_task_id":%q,"object_compare_overview":%s},"compare_task_list_results":{"compare_task_list_count":%d,"compare_task_list":[]}}`,
			req.ObjectID, f.objects, len(f.tasks))
		return
	}
	f.calls["list"]++
	from := min((req.CurrentPage-1)*req.PerPage, len(f.tasks))
	page := f.tasks[from:min(from+req.PerPage, len(f.tasks))]
	_, _ = fmt.Fprintf(w, `{"job_id":"j","compare_task_list_results":{"compare_task_list_count":%d,"compare_task_list":[%s]}}`,
		len(f.tasks), strings.Join(page, ","))
}

func (f *fakeCompareAPI) count(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[what]
}

// drsClient is a client of a DRS endpoint served by h.
func drsClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return NewClient(Options{ProjectID: "p", Region: "cn-north-4", Endpoints: map[string]string{APIDRS: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AKAKAKAKAKAKAKAK", SecretKey: "SKSKSKSKSKSKSKSKSKSK"}})
}

func task(id, typ, status, created, ended string) string {
	return fmt.Sprintf(`{"compare_task_id":%q,"compare_type":%q,"compare_task_status":%q,"create_time":%s,"end_time":%s}`,
		id, typ, status, created, ended)
}

// Hostile and odd answers: the latest by time whatever its place, times in
// either form, an unknown status as it comes, unknown compare types
// ignored, counts as strings, above 2^31, missing, null and not numbers,
// and the v3 spelling TARGET_DB_NOT_EXIT.
func TestDRSComparisonsReadsOddAnswers(t *testing.T) {
	f := &fakeCompareAPI{
		tasks: []string{
			task("rows-new", "lines", "SUCCESSFUL", `"1795433100000"`, `"2026-11-23T08:15:00Z"`), // ISO where ms is sent
			task("rows-old", "lines", "SUCCESSFUL", `"2026-11-22T08:00:00Z"`, `"1795300000000"`),
			task("obj", "object_comparison", "SUCCESSFUL", `1795433000000`, `"1795433040000"`),
			task("cont", "contents", "PAUSED_BY_OPERATOR", `"1795433800000"`, `""`),
			task("acct", "account", "SUCCESSFUL", `"1795439999999"`, `""`),
		},
		objects: `[{"object_type":"TABLE","object_compare_result":"INCONSISTENT","source_count":"3000000000","target_count":2999999999,"diff_count":"1"},
			{"object_type":"INDEX","object_compare_result":"TARGET_DB_NOT_EXIT","source_count":12,"target_count":10,"diff_count":2},
			{"object_type":"VIEW","object_compare_result":"SOMETHING_NEW","source_count":5}]`,
		lines: `[{"source_db_name":"a","compare_num":"3000000000","compare_end_num":3000000000,"data_inconsistent_num":2,"uncomparable_num":null},
			{"source_db_name":"b","compare_num":10,"data_inconsistent_num":"1","uncomparable_num":1}]`,
	}
	c := drsClient(t, f)
	got, err := c.DRSComparisons(context.Background(), "job-1", DRSComparisons{})
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]string{CompareRows: "rows-new", CompareObject: "obj", CompareContents: "cont"} {
		if l, ok := got.Latest(kind, false); !ok || string(l.ID) != want {
			t.Errorf("latest %s: %+v %v, want %s", kind, l, ok, want)
		}
	}
	rows, _ := got.Latest(CompareRows, false)
	if v, _ := rows.EndTime.Value(); v != 1795421700 || !rows.Ended() {
		t.Errorf("rows end %v (ended %v), want the ISO time read", v, rows.Ended())
	}
	if cont, _ := got.Latest(CompareContents, false); cont.Ended() || string(cont.Status) != "PAUSED_BY_OPERATOR" {
		t.Errorf("contents %+v: an unknown status as it comes, not ended without an end time", cont)
	}
	tables := map[string]any{"consistent": value(got.Tables.Consistent), "inconsistent": value(got.Tables.Inconsistent),
		"uncomparable": value(got.Tables.Uncomparable)}
	// A null count is absent: uncomparable is the other database's 1.
	want := map[string]any{"consistent": 3000000010.0 - 3 - 1, "inconsistent": 3.0, "uncomparable": 1.0}
	if fmt.Sprint(tables) != fmt.Sprint(want) || got.Tables.CompareID != "rows-new" {
		t.Errorf("tables %v of %s, want %v of rows-new", tables, got.Tables.CompareID, want)
	}
	// VIEW has no diff_count: the sum is of those given.
	if value(got.Objects.Inconsistent) != 3.0 || value(got.Objects.Consistent) != 3000000017.0-3 || got.Objects.CompareID != "obj" {
		t.Errorf("objects %+v", got.Objects)
	}

	// A refresh keeps the results of the same comparisons: one list call.
	before := f.count("line-overview") + f.count("objects")
	again, err := c.DRSComparisons(context.Background(), "job-1", got)
	if err != nil || f.count("line-overview")+f.count("objects") != before || f.count("list") != 2 {
		t.Errorf("a refresh made %d overview calls and %d list calls (%v), want 0 and 1 more",
			f.count("line-overview")+f.count("objects")-before, f.count("list"), err)
	}
	if value(again.Tables.Inconsistent) != 3.0 {
		t.Errorf("kept tables %+v", again.Tables)
	}

	// A count that is not a number is that count's error; a total below
	// its parts is an error, not a negative count.
	f.lines = `[{"compare_num":5,"data_inconsistent_num":"many","uncomparable_num":0}]`
	got, _ = c.DRSComparisons(context.Background(), "job-1", DRSComparisons{})
	if got.Tables.Inconsistent.Err() == nil || got.Tables.Consistent.Err() == nil || value(got.Tables.Uncomparable) != 0.0 {
		t.Errorf("tables %+v", got.Tables)
	}
	f.lines = `[{"compare_num":5,"data_inconsistent_num":4,"uncomparable_num":2}]`
	got, _ = c.DRSComparisons(context.Background(), "job-1", DRSComparisons{})
	if got.Tables.Consistent.Err() == nil || value(got.Tables.Inconsistent) != 4.0 {
		t.Errorf("tables %+v", got.Tables)
	}
}

// A job without comparisons (404, 400 DRS.M05003, an empty list) has
// none and no error; another refusal is an error, scrubbed of the keys.
func TestDRSComparisonsNone(t *testing.T) {
	for name, f := range map[string]*fakeCompareAPI{
		"404":        {status: http.StatusNotFound, errBody: `{"error_code":"DRS.M05003","error_msg":"Task information not found."}`},
		"400":        {status: http.StatusBadRequest, errBody: `{"error_code":"DRS.M05003","error_msg":"Task information not found."}`},
		"empty list": {},
	} {
		got, err := drsClient(t, f).DRSComparisons(context.Background(), "job-1", DRSComparisons{})
		if err != nil || len(got.Tasks) != 0 || got.Tables.CompareID != "" {
			t.Errorf("%s: %+v %v, want none and no error", name, got, err)
		}
	}
	f := &fakeCompareAPI{status: http.StatusUnauthorized, errBody: `{"error_code":"APIG.0301","error_msg":"ak AKAKAKAKAKAKAKAK sk SKSKSKSKSKSKSKSKSKSK not exist"}`}
	_, err := drsClient(t, f).DRSComparisons(context.Background(), "job-1", DRSComparisons{})
	if Reason(err) != ReasonAuth || strings.Contains(err.Error(), "AKAKAKAKAKAKAKAK") || strings.Contains(err.Error(), "SKSKSKSKSKSKSKSKSKSK") {
		t.Errorf("%v (%s), want an auth error without the keys", err, Reason(err))
	}
}

// A list of thousands of tasks is read 100 a page up to 20 pages (the
// first 2,000 tasks); the latest is chosen among those.
func TestDRSComparisonsListIsBounded(t *testing.T) {
	f := &fakeCompareAPI{lines: `[]`}
	for i := range 5000 {
		f.tasks = append(f.tasks, task(fmt.Sprintf("t%04d", i), "lines", "SUCCESSFUL", fmt.Sprintf(`"%d"`, 1795000000000+int64(i)*1000), `""`))
	}
	got, err := drsClient(t, f).DRSComparisons(context.Background(), "job-1", DRSComparisons{})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count("list"); n != maxCompareTaskPages || len(got.Tasks) != maxCompareTasksRead || maxCompareTasksRead != 2000 {
		t.Errorf("%d list calls, %d tasks read, want %d and 2000", n, len(got.Tasks), maxCompareTaskPages)
	}
	if l, _ := got.Latest(CompareRows, true); string(l.ID) != "t1999" {
		t.Errorf("latest %s, want t1999 (the last of those read)", l.ID)
	}
}
