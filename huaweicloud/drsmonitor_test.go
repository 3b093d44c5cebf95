package huaweicloud

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// numberOrError is a Number as a test compares it: its value, "absent",
// or "error".
func numberOrError(n Number) any {
	if n.Err() != nil {
		return "error"
	}
	return value(n)
}

// boolOrError is a Bool as a test compares it: its value, "absent", or
// "error".
func boolOrError(b Bool) any {
	if v, ok := b.Value(); ok {
		return v
	}
	if b.Err() != nil {
		return "error"
	}
	return "absent"
}

// monitor-data's delays and rate arrive as documented (integers, a string
// rate), as strings, null, missing, negative or not numbers at all; the
// booleans as booleans, strings or garbage. Each field decodes on its own:
// one bad field never costs the others.
func TestDRSMonitorDecodesOddAnswers(t *testing.T) {
	for _, c := range []struct {
		name, body    string
		src, dst, rps any
		srcOK, dstOK  any
	}{
		{name: "documented", body: `{"src_delay":120,"dst_delay":4500,"is_src_normal":true,"is_dst_normal":false,"dst_rps":"850.5","bandwidth":"3"}`,
			src: 120.0, dst: 4500.0, rps: 850.5, srcOK: true, dstOK: false},
		{name: "numbers as strings", body: `{"src_delay":"120","dst_delay":" 4500 ","is_src_normal":"true","is_dst_normal":"false","dst_rps":850}`,
			src: 120.0, dst: 4500.0, rps: 850.0, srcOK: true, dstOK: false},
		{name: "null", body: `{"src_delay":null,"dst_delay":"null","is_src_normal":null,"is_dst_normal":"","dst_rps":null}`,
			src: "absent", dst: "absent", rps: "absent", srcOK: "absent", dstOK: "absent"},
		{name: "missing", body: `{}`,
			src: "absent", dst: "absent", rps: "absent", srcOK: "absent", dstOK: "absent"},
		{name: "negative (not measured)", body: `{"src_delay":-1,"dst_delay":"-1","is_src_normal":true,"is_dst_normal":true,"dst_rps":"0"}`,
			src: -1.0, dst: -1.0, rps: 0.0, srcOK: true, dstOK: true},
		{name: "not numbers", body: `{"src_delay":"slow","dst_delay":{"ms":3},"is_src_normal":"maybe","is_dst_normal":[true],"dst_rps":"fast"}`,
			src: "error", dst: "error", rps: "error", srcOK: "error", dstOK: "error"},
		{name: "one bad field", body: `{"src_delay":"slow","dst_delay":7,"is_src_normal":1,"is_dst_normal":0,"dst_rps":"12"}`,
			src: "error", dst: 7.0, rps: 12.0, srcOK: true, dstOK: false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m DRSMonitor
			if err := json.Unmarshal([]byte(c.body), &m); err != nil {
				t.Fatal(err)
			}
			for what, got := range map[string][2]any{
				"src_delay":     {numberOrError(m.SourceDelay), c.src},
				"dst_delay":     {numberOrError(m.TargetDelay), c.dst},
				"dst_rps":       {numberOrError(m.TargetRowRate), c.rps},
				"is_src_normal": {boolOrError(m.SourceNormal), c.srcOK},
				"is_dst_normal": {boolOrError(m.TargetNormal), c.dstOK},
			} {
				if got[0] != got[1] {
					t.Errorf("%s: %v, want %v", what, got[0], got[1])
				}
			}
		})
	}
}

// fakeDRSMonitorAPI answers monitor-data with monitor for every job but
// "gone" (400 DRS.10000010, v5's "not found"), and batch-rpo-and-rto with
// 202 and recoveries' entry for each job asked about that has one; it
// records the batches asked.
type fakeDRSMonitorAPI struct {
	monitor    string
	recoveries map[string]string
	mu         sync.Mutex
	batches    [][]string
	paths      []string
}

func (f *fakeDRSMonitorAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/monitor-data") {
		if strings.Contains(r.URL.Path, "/gone/") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error_code":"DRS.10000010","error_msg":"The job does not exist."}`)
			return
		}
		_, _ = io.WriteString(w, f.monitor)
		return
	}
	var req struct {
		Jobs []string `json:"jobs"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	f.batches = append(f.batches, req.Jobs)
	var results []string
	for _, id := range req.Jobs {
		if e, ok := f.recoveries[id]; ok {
			results = append(results, e)
		}
	}
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"count":`+strconv.Itoa(len(results))+`,"results":[`+strings.Join(results, ",")+`]}`)
}

// monitor-data is a v5 GET of the job's path; an unknown job is not_found,
// and a 2xx answer that is an error object is an error, not empty data.
func TestDRSMonitorDataCall(t *testing.T) {
	f := &fakeDRSMonitorAPI{monitor: `{"src_delay":"250","dst_delay":1200,"is_src_normal":true,"is_dst_normal":true,"dst_rps":"42"}`}
	c := drsClient(t, f)
	m, err := c.DRSMonitorData(context.Background(), "job-1jb101")
	if err != nil {
		t.Fatal(err)
	}
	if value(m.SourceDelay) != 250.0 || value(m.TargetDelay) != 1200.0 || value(m.TargetRowRate) != 42.0 {
		t.Errorf("%+v", m)
	}
	if want := "GET /v5/p/jobs/job-1jb101/monitor-data"; f.paths[0] != want {
		t.Errorf("asked %s, want %s", f.paths[0], want)
	}
	if _, err := c.DRSMonitorData(context.Background(), "gone"); Reason(err) != ReasonNotFound {
		t.Errorf("an unknown job: %v (%s), want not_found", err, Reason(err))
	}
	f.monitor = `{"error_code":"DRS.M00202","error_msg":"invalid"}`
	if _, err := c.DRSMonitorData(context.Background(), "job-1jb101"); Reason(err) != ReasonHTTP4xx {
		t.Errorf("an error object in a 200 answer: %v (%s), want http_4xx", err, Reason(err))
	}
}

// batch-rpo-and-rto answers 202 with the delays in ms as strings (the
// documented example), and each job's own error inside results[]: a job
// with an error code, and one left out, are that job's errors only.
func TestDRSRecoveriesPerJobErrors(t *testing.T) {
	f := &fakeDRSMonitorAPI{recoveries: map[string]string{
		// The documented example's entry.
		"dr1": `{"job_id":"dr1","rpo_info":{"delay":"1200","time":"2020-12-18 15:47:05","gtid_set":"NA","check_point":"mysql-bin.000514:197"},"rto_info":{"delay":"3500","time":"2020-12-18 15:47:05","gtid_set":"NA","check_point":"mysql-bin.000514:197"}}`,
		"dr2": `{"job_id":"dr2","rpo_info":{"delay":null},"rto_info":{"delay":"-1"}}`,
		"dr3": `{"job_id":"dr3","rpo_info":{"delay":"soon"}}`,
		"bad": `{"job_id":"bad","error_code":"DRS.M05004","error_msg":"The task has been deleted."}`,
	}}
	c := drsClient(t, f)
	got, errs, err := c.DRSRecoveries(context.Background(), []string{"dr1", "dr2", "dr3", "bad", "left-out"})
	if err != nil {
		t.Fatal(err)
	}
	if value(got["dr1"].RPO.Delay) != 1200.0 || value(got["dr1"].RTO.Delay) != 3500.0 {
		t.Errorf("dr1: %+v", got["dr1"])
	}
	if value(got["dr2"].RPO.Delay) != "absent" || value(got["dr2"].RTO.Delay) != -1.0 {
		t.Errorf("dr2: %+v", got["dr2"])
	}
	if numberOrError(got["dr3"].RPO.Delay) != "error" || value(got["dr3"].RTO.Delay) != "absent" {
		t.Errorf("dr3: %+v", got["dr3"])
	}
	for id, want := range map[string]string{"bad": ReasonNotFound, "left-out": ReasonNotFound} {
		if r := Reason(errs[id]); r != want {
			t.Errorf("%s: %v (%s), want %s", id, errs[id], r, want)
		}
	}
	if len(errs) != 2 || len(got) != 3 {
		t.Errorf("%d entries and %d errors, want 3 and 2", len(got), len(errs))
	}
	if want := "POST /v3/p/jobs/batch-rpo-and-rto"; f.paths[0] != want {
		t.Errorf("asked %s, want %s", f.paths[0], want)
	}
}
