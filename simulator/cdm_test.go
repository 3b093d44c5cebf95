package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCDMAnswers(t *testing.T) {
	s := newOMSSim(t, Options{})
	s.addDemoCDM()
	base := "/v1.1/" + project + "/clusters"
	code, body, raw := s.get(t, base, nil)
	clusters, _ := body["clusters"].([]any)
	if code != 200 || len(clusters) != 2 || !strings.Contains(raw, `"status":"900"`) || !strings.Contains(raw, `"status":"200"`) {
		t.Fatalf("clusters: %d %s", code, raw)
	}

	// The running job's rows grow with the clock; its status has the
	// misspelt key.
	status := base + "/" + DemoCDMCluster + "/cdm/job/orders_incremental/status"
	_, body, raw = s.get(t, status, nil)
	sub := body["submissions"].([]any)[0].(map[string]any)
	counters := sub["counters"].(map[string]any)["org.apache.sqoop.submission.counter.SqoopCounters"].(map[string]any)
	if sub["status"] != "RUNNING" || sub["isIncrementing"] != true || num(t, counters["ROWS_READ"]) != 2_500_000 ||
		num(t, counters["TOTAL_SIZE"]) != -1 || !strings.Contains(raw, `"last-udpate-user"`) {
		t.Errorf("running job: %s", raw)
	}
	s.advance(10 * time.Second)
	_, body, _ = s.get(t, status, nil)
	sub = body["submissions"].([]any)[0].(map[string]any)
	counters = sub["counters"].(map[string]any)["org.apache.sqoop.submission.counter.SqoopCounters"].(map[string]any)
	if num(t, counters["ROWS_WRITTEN"]) != 2_500_500 {
		t.Errorf("rows after 10 s: %v", counters["ROWS_WRITTEN"])
	}
	// Dates as strings for the succeeded job.
	if _, _, raw = s.get(t, base+"/"+DemoCDMCluster+"/cdm/job/customers_full/status", nil); !strings.Contains(raw, `"creation-date":"1795990000000"`) {
		t.Errorf("dates as strings: %s", raw)
	}

	// Job lists per type, paged by page_no and page_size (10 to 100).
	list := base + "/" + DemoCDMCluster + "/cdm/job/all"
	_, body, raw = s.get(t, list, map[string]string{"page_no": "1", "page_size": "10"})
	if jobs, _ := body["jobs"].([]any); len(jobs) != 3 || num(t, body["total"]) != 3 {
		t.Errorf("normal jobs: %s", raw)
	}
	_, body, _ = s.get(t, list, map[string]string{"page_no": "2", "page_size": "10"})
	if jobs, _ := body["jobs"].([]any); len(jobs) != 0 {
		t.Errorf("page 2: %v", jobs)
	}
	_, body, raw = s.get(t, base+"/"+DemoStoppedCDMCluster+"/cdm/job/all", map[string]string{"jobType": "BATCH_JOB"})
	if jobs, _ := body["jobs"].([]any); len(jobs) != 1 || !strings.Contains(raw, `"job_type":"BATCH_JOB"`) {
		t.Errorf("batch jobs: %s", raw)
	}
	for _, q := range []map[string]string{{"page_size": "5"}, {"page_size": "101"}, {"page_no": "0"}} {
		if code, _, raw := s.get(t, list, q); code != http.StatusBadRequest {
			t.Errorf("%v: %d %s", q, code, raw)
		}
	}

	// A job that does not exist, or was deleted: 400 Cdm.0100.
	if code, body, raw = s.get(t, base+"/"+DemoCDMCluster+"/cdm/job/legacy_sync/status", nil); code != 400 || body["error_code"] != "Cdm.0100" {
		t.Errorf("missing job: %d %s", code, raw)
	}
	s.RemoveCDMJob(DemoCDMCluster + "/customers_full")
	if code, _, _ = s.get(t, base+"/"+DemoCDMCluster+"/cdm/job/customers_full/status", nil); code != 400 {
		t.Errorf("removed job: %d", code)
	}
	// Faults by task id.
	s.SetFault(DemoCDMCluster+"/events_to_dws", Fault{Kind: FaultServerError})
	if code, _, _ = s.get(t, base+"/"+DemoCDMCluster+"/cdm/job/events_to_dws/status", nil); code != 500 {
		t.Errorf("fault: %d", code)
	}
	if n := s.Requests(OpCDMShowJobStatus, DemoCDMCluster+"/events_to_dws"); n != 1 {
		t.Errorf("%d requests counted", n)
	}
}
