package huaweicloud

import (
	"context"
	"encoding/json"
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
