package huaweicloud

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// The documented example answers (Open Telekom Cloud's DRS API reference,
// which Huawei Cloud's matches), decoded with their quirks: numbers as
// strings, "-1" for a delay not measured, "%" in progress_map, null
// remaining times.
func TestDRSDocumentedExamplesDecode(t *testing.T) {
	read := func(name string, out any) {
		t.Helper()
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var progress struct {
		Results []DRSJobProgress `json:"results"`
	}
	read("drs-batch-progress.json", &progress)
	if len(progress.Results) != 2 {
		t.Fatalf("%d results", len(progress.Results))
	}
	incr, full := progress.Results[0], progress.Results[1]
	if v, ok := incr.Progress.Value(); !ok || v != 100 {
		t.Errorf("progress %v %v", v, ok)
	}
	if v, ok := incr.IncreTransDelay.Value(); !ok || v != 0 {
		t.Errorf("a measured zero delay: %v %v", v, ok)
	}
	if _, ok := incr.IncreTransDelayMillis.Value(); ok || incr.IncreTransDelayMillis.Err() != nil {
		t.Error("incre_trans_delay_millis is absent from this edition's example")
	}
	if v, _ := full.IncreTransDelay.Value(); v != -1 {
		t.Errorf("full-phase delay %v, want -1", v)
	}
	if v, ok := full.ProgressMap["struct"].Completed.Value(); !ok || v != 94 {
		t.Errorf("progress_map.struct.completed %v %v, want 94 from \"94%%\"", v, ok)
	}
	if string(full.TransferStatus) != "FULL_TRANSFER_COMPLETE" || string(incr.JobID) != "edae91cb-5892-49b6-a529-4921fb26jb21" {
		t.Errorf("%+v", progress.Results)
	}

	var example1 struct {
		Results []DRSJobProgress `json:"results"`
	}
	read("drs-batch-progress-example1.json", &example1)
	if len(example1.Results) != 1 {
		t.Errorf("example 1: %d results", len(example1.Results))
	}

	var status struct {
		Results []DRSJobStatus `json:"results"`
	}
	read("drs-batch-status.json", &status)
	if len(status.Results) != 2 || string(status.Results[1].Status) != "INCRE_TRANSFER_FAILED" {
		t.Errorf("%+v", status.Results)
	}

	var jobs drsJobPage
	read("drs-job-list.json", &jobs)
	if total, _ := jobs.TotalRecord.Value(); total != 7 || len(jobs.Jobs) != 5 {
		t.Errorf("total_record %v, %d jobs", total, len(jobs.Jobs))
	}
	if j := jobs.Jobs[0]; string(j.Name) != "DRS-3999-lws" || string(j.EngineType) != "mysql" || string(j.JobDirection) != "up" || string(j.DBUseType) != "migration" {
		t.Errorf("%+v", j)
	}
}

// A batch answer: one job fine, one with its own error, one left out; a
// 4xx answer that names a job's error.
func TestDRSPerJobErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), "bad"):
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error_code":"DRS.M00202","error_msg":"invalid","results":[{"id":"bad","error_code":"DRS.M00202","error_message":"The value of parameter jobs is invalid."}]}`))
		default:
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"count":2,"results":[{"id":"ok","status":"INCRE_TRANSFER_STARTED"},{"id":"gone","error_code":"DRS.M05004","error_message":"The task has been deleted."}]}`))
		}
	}))
	defer srv.Close()
	c := NewClient(Options{ProjectID: "p", Region: "cn-north-4", Endpoints: map[string]string{APIDRS: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AKAKAKAKAK", SecretKey: "SKSKSKSKSK"}})
	got, errs, err := c.DRSJobStatuses(context.Background(), []string{"ok", "gone", "left-out"})
	if err != nil || string(got["ok"].Status) != "INCRE_TRANSFER_STARTED" {
		t.Fatalf("%v %+v", err, got)
	}
	for id, want := range map[string]string{"gone": ReasonNotFound, "left-out": ReasonNotFound} {
		if r := Reason(errs[id]); r != want {
			t.Errorf("%s: %v (%s), want %s", id, errs[id], r, want)
		}
	}
	_, errs, err = c.DRSJobStatuses(context.Background(), []string{"bad", "other"})
	if !RejectedBatch(err) {
		t.Errorf("a 400 batch refusal: %v, want RejectedBatch", err)
	}
	if r := Reason(errs["bad"]); r != ReasonHTTP4xx {
		t.Errorf("bad: %v (%s), want http_4xx", errs["bad"], r)
	}
	if _, named := errs["other"]; named {
		t.Error("a job the refusal did not name must be asked again, not marked")
	}
}

func TestDRSJobErrorReasons(t *testing.T) {
	for code, want := range map[string]string{
		"DRS.M00289":   ReasonNotFound, // does not exist
		"DRS.M05004":   ReasonNotFound, // deleted
		"DRS.10000010": ReasonNotFound, // v5's "not found"
		"DRS.M00202":   ReasonHTTP4xx,  // invalid id
		"DRS.M01504":   ReasonHTTP4xx,  // another operation under way
	} {
		if got := Reason(&DRSJobError{Code: code}); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
	if got := Reason(errJobMissing); got != ReasonNotFound {
		t.Errorf("a job left out of the answer: %s, want not_found", got)
	}
	// A whole answer with a not-found code (a single-job batch refused) too.
	if got := Reason(&APIError{StatusCode: 400, Code: "DRS.M00289"}); got != ReasonNotFound {
		t.Errorf("400 DRS.M00289: %s", got)
	}
}
