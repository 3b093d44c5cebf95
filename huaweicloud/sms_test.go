package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
)

func decodeSMSTask(t *testing.T, body string) SMSTask {
	t.Helper()
	var task SMSTask
	if err := json.Unmarshal([]byte(body), &task); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return task
}

func value(n Number) any {
	if v, ok := n.Value(); ok {
		return v
	}
	return "absent"
}

func TestSMSSizesComeFromWhereTheAnswerHasThem(t *testing.T) {
	cases := []struct {
		name, body string
		repl, tot  any
	}{
		{"top level", `{"replicatesize": 10, "totalsize": "100", "subtask_info": "{\"replicatesize\": 1, \"totalsize\": 2}"}`, 10.0, 100.0},
		{"subtask_info string", `{"subtask_info": "{\"subtask_name\":\"MIGRATE_LINUX_FILE\",\"replicatesize\":\"5\",\"totalsize\":50}"}`, 5.0, 50.0},
		{"subtask_info object", `{"subtask_info": {"replicatesize": 6, "totalsize": 60}}`, 6.0, 60.0},
		{"running subtask", `{"sub_tasks": [{"name":"A","replicatesize":1,"totalsize":9,"start_date":1,"end_date":2},
			{"name":"B","replicatesize":7,"totalsize":70,"start_date":3}]}`, 7.0, 70.0},
		{"last subtask when none runs", `{"sub_tasks": [{"name":"A","replicatesize":1,"totalsize":9,"start_date":1,"end_date":2},
			{"name":"B","replicatesize":8,"totalsize":80,"start_date":3,"end_date":4}]}`, 8.0, 80.0},
		{"nowhere", `{"subtask_info": "not json", "sub_tasks": [{"name":"A"}]}`, "absent", "absent"},
		{"blank", `{"replicatesize": "", "totalsize": null}`, "absent", "absent"},
	}
	for _, c := range cases {
		r, tot := decodeSMSTask(t, c.body).Sizes()
		if value(r) != c.repl || value(tot) != c.tot {
			t.Errorf("%s: replicated %v total %v, want %v %v", c.name, value(r), value(tot), c.repl, c.tot)
		}
	}
}

func TestSMSSpeedFallsBackToTheRunningSubtask(t *testing.T) {
	if v := value(decodeSMSTask(t, `{"migrate_speed": "12.5", "sub_tasks":[{"migrate_speed": 3, "start_date": 1}]}`).Speed()); v != 12.5 {
		t.Errorf("top level: %v", v)
	}
	if v := value(decodeSMSTask(t, `{"sub_tasks":[{"migrate_speed": 3, "start_date": 1, "end_date": 2}, {"migrate_speed": 4, "start_date": 3, "end_date": 0}]}`).Speed()); v != 4.0 {
		t.Errorf("running subtask: %v", v)
	}
	// A top-level value that is present but broken is reported, not replaced.
	task := decodeSMSTask(t, `{"migrate_speed": "fast", "sub_tasks":[{"migrate_speed": 3, "start_date": 1}]}`)
	if s := task.Speed(); s.Err() == nil {
		t.Errorf("broken top-level speed hidden: %v", value(s))
	}
}

func TestListAllStopsAtShortEmptyOrTotal(t *testing.T) {
	pages := func(sizes []int, total int) func() (int, int) {
		calls := 0
		var got []string
		page := func(offset int) ([]string, int, error) {
			calls++
			if calls > len(sizes) {
				return nil, total, nil
			}
			ids := make([]string, sizes[calls-1])
			for i := range ids {
				ids[i] = "x"
			}
			return ids, total, nil
		}
		return func() (int, int) {
			ids, err := listAll(t.Context(), func(_ context.Context, offset int) ([]string, int, error) { return page(offset) })
			if err != nil {
				t.Fatal(err)
			}
			got = ids
			return len(got), calls
		}
	}
	cases := []struct {
		name         string
		sizes        []int
		total        int
		wantN, calls int
	}{
		{"short last page", []int{100, 100, 50}, -1, 250, 3},
		{"server caps the limit", []int{50, 50, 50, 20}, -1, 170, 4},
		{"capped, ends on a full page", []int{50, 50}, -1, 100, 3},
		{"one page, count unknown", []int{17}, -1, 17, 2},
		{"count is the total", []int{100, 100, 30}, 230, 230, 3},
		{"empty", nil, -1, 0, 1},
	}
	for _, c := range cases {
		n, calls := pages(c.sizes, c.total)()
		if n != c.wantN || calls != c.calls {
			t.Errorf("%s: %d ids in %d calls, want %d in %d", c.name, n, calls, c.wantN, c.calls)
		}
	}
}

// consistencyOf decodes a consistency answer as the client does and
// renders its latest check: time, result, and per outcome the values of
// every directory ("-" when absent).
func consistencyOf(t *testing.T, body string) string {
	t.Helper()
	var r SMSConsistency
	if err := decodeJSON([]byte(body), &r); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	c, ok := r.Latest()
	if !ok {
		return "never checked"
	}
	s := fmt.Sprintf("at %v result %q", value(c.FinishedTime), c.CheckResult)
	for _, d := range c.Directories {
		s += fmt.Sprintf(" [%s %v %v %v %v]", d.Dir, value(d.Total), value(d.Different), value(d.TargetMiss), value(d.TargetMore))
	}
	checked, different, missing, extra := c.Files()
	return s + fmt.Sprintf(" sums %v %v %v %v", value(checked), value(different), value(missing), value(extra))
}

func TestSMSConsistencyReadsAllThreeShapes(t *testing.T) {
	dirs := `[{"dir_check":"/data","num_total_files":120,"num_different_files":2,"num_target_miss_files":1,"num_target_more_files":0},
		{"dir_check":"/etc","num_total_files":"30","num_different_files":0}]`
	want := `[/data 120 2 1 0] [/etc 30 0 absent absent] sums 150 2 1 0`
	for _, c := range []struct{ name, body, want string }{
		{"flat", `{"finished_time":1764000000000,"consistency_result":` + dirs + `}`,
			`at 1.764e+12 result "" ` + want},
		{"list of objects", `{"task_id":"t","result_list":[{"finished_time":1764000000000,"check_result":"FINISHED","consistency_result":` + dirs + `}]}`,
			`at 1.764e+12 result "FINISHED" ` + want},
		{"list of strings", `{"task_id":"t","result_list":[` + strconv.Quote(`{"finished_time":1764000000000,"check_result":"FINISHED","consistency_result":`+dirs+`}`) + `]}`,
			`at 1.764e+12 result "FINISHED" ` + want},
	} {
		if got := consistencyOf(t, c.body); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestSMSConsistencyLatestIsTheGreatestTimeNotTheLastPlace(t *testing.T) {
	old := `{"finished_time":1000000000000,"check_result":"OLD"}`
	newest := `{"finished_time":3000000000000,"check_result":"NEWEST"}`
	middle := `{"finished_time":"2000000000000","check_result":"MIDDLE"}`
	untimed := `{"check_result":"UNTIMED"}`
	for _, body := range []string{
		`{"result_list":[` + newest + `,` + old + `,` + middle + `]}`,
		`{"result_list":[` + old + `,` + newest + `,` + untimed + `,` + middle + `]}`,
		`{"result_list":[` + untimed + `,` + strconv.Quote(newest) + `,` + middle + `]}`,
		// A flat check and a list: the newest of all.
		`{"finished_time":1000000000000,"check_result":"OLD","result_list":[` + newest + `]}`,
	} {
		if got := consistencyOf(t, body); got != `at 3e+12 result "NEWEST" sums absent absent absent absent` {
			t.Errorf("%s: %s", body, got)
		}
	}
	if got := consistencyOf(t, `{"result_list":[`+untimed+`]}`); got != `at absent result "UNTIMED" sums absent absent absent absent` {
		t.Errorf("only an untimed check: %s", got)
	}
}

func TestSMSConsistencyNeverChecked(t *testing.T) {
	for _, body := range []string{`{}`, `{"task_id":"t","result_list":[]}`, `{"task_id":"t","result_list":null}`,
		`{"result_list":["", "not json", "[1,2]", "42", "{\"unrelated\":1}"]}`, `{"result_list":[1, true, null, []]}`, `{"result_list":"x"}`} {
		if got := consistencyOf(t, body); got != "never checked" {
			t.Errorf("%s: %s", body, got)
		}
	}
}

// Hostile answers never fail the document: a value of the wrong kind is
// that field's error (or no check), a huge number is a number.
func TestSMSConsistencyHostileValues(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"result_list":[{"finished_time":"soon","check_result":{"x":1},"consistency_result":[{"num_total_files":"many","num_different_files":[1]}]}]}`,
			`at absent result "" [ absent absent absent absent] sums absent absent absent absent`},
		// A count that is not a number spoils its sum (an error), not the others.
		{`{"result_list":[{"finished_time":1,"consistency_result":[{"num_total_files":3,"num_different_files":1},{"num_total_files":"x","num_different_files":2}]}]}`,
			`at 1 result "" [ 3 1 absent absent] [ absent 2 absent absent] sums absent 3 absent absent`},
		{`{"result_list":[{"finished_time":1e300,"check_result":7,"consistency_result":[{"num_total_files":99999999999999999999999}]}]}`,
			`at 1e+300 result "7" [ 1e+23 absent absent absent] sums 1e+23 absent absent absent`},
		{`{"result_list":["{\"finished_time\":5}", "{broken", {"finished_time":4,"consistency_result":"x"}]}`, `at 5 result "" sums absent absent absent absent`},
		{`{"finished_time":1,"consistency_result":{"dir_check":"/"},"result_list":[null]}`, `at 1 result "" sums absent absent absent absent`},
	} {
		if got := consistencyOf(t, c.body); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.body, got, c.want)
		}
	}
}

// The latest subtask that copies data by its start, not its place: the
// last sync, else the full copy; nothing before either has started.
func TestSMSSyncStarted(t *testing.T) {
	cases := []struct {
		name, body string
		want       any
		broken     bool
	}{
		{"latest sync, listed first", `{"sub_tasks": [{"name":"SYNC_LINUX_FILE","start_date":1795000300000},
			{"name":"MIGRATE_LINUX_FILE","start_date":1795000060000,"end_date":1795000200000},
			{"name":"SYNC_LINUX_FILE","start_date":"1795000250000"},
			{"name":"CONFIGURE_LINUX_FILE","start_date":1795000900000}]}`, 1795000300000.0, false},
		{"full copy before any sync", `{"sub_tasks": [{"name":"CREATE_CLOUD_SERVER","start_date":1795000000000},
			{"name":"MIGRATE_WINDOWS_BLOCK","start_date":1795000060000},{"name":"SYNC_WINDOWS_BLOCK","start_date":0}]}`, 1795000060000.0, false},
		{"none started", `{"sub_tasks": [{"name":"CREATE_CLOUD_SERVER","start_date":1795000000000},
			{"name":"MIGRATE_LINUX_FILE","start_date":null},{"name":"SYNC_LINUX_FILE"}]}`, "absent", false},
		{"no subtasks", `{}`, "absent", false},
		{"broken, none usable", `{"sub_tasks": [{"name":"MIGRATE_LINUX_FILE","start_date":"soon"}]}`, "absent", true},
		{"broken beside a usable one", `{"sub_tasks": [{"name":"MIGRATE_LINUX_FILE","start_date":1795000060000},
			{"name":"SYNC_LINUX_FILE","start_date":{"x":1}}]}`, 1795000060000.0, false},
	}
	for _, c := range cases {
		got := decodeSMSTask(t, c.body).SyncStarted()
		if value(got) != c.want || (got.Err() != nil) != c.broken {
			t.Errorf("%s: %v (err %v), want %v (broken %v)", c.name, value(got), got.Err(), c.want, c.broken)
		}
	}
}
