package huaweicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// testdata/cdm-show-job-status.json is the documented ShowJobStatus example
// (api-cdm/cdm_02_0064), with the misspelt last-udpate-user key.

func TestCDMJobStatusDocumentedExample(t *testing.T) {
	st := decodeAs[CDMJobStatus](t, readTestdata(t, "cdm-show-job-status.json"))
	sub, ok := st.Latest()
	if !ok {
		t.Fatal("no submission")
	}
	if sub.JobName != "jdbc2hive" || sub.Status != "SUCCEEDED" {
		t.Errorf("job %q status %q", sub.JobName, sub.Status)
	}
	if v, ok := sub.IsIncrementing.Value(); !ok || v {
		t.Errorf("isIncrementing %v %v", v, ok)
	}
	checkNumber(t, "creation-date", sub.CreationDate.Number, 1536906582.997)
	checkNumber(t, "last-update-date", sub.LastUpdateDate.Number, 1536916580.005)
	c := sub.Counters.Sqoop
	checkNumber(t, "ROWS_READ", c.RowsRead, 80.0)
	checkNumber(t, "ROWS_WRITTEN", c.RowsWritten, 80.0)
	checkNumber(t, "BYTES_WRITTEN", c.BytesWritten, -1.0)
	checkNumber(t, "TOTAL_SIZE", c.TotalSize, -1.0)
	checkNumber(t, "ROWS_WRITTEN_SKIPPED", c.RowsWrittenSkipped, "absent")
	checkNumber(t, "progress", sub.Progress, "absent")
}

func TestCDMJobStatusTolerantFields(t *testing.T) {
	// The newer edition: dates and counters as strings, a numeric progress
	// as a string; a progress that is no number fails that field only.
	body := `{"submissions":[
	  {"job-name":"a","status":"RUNNING","progress":"NaN","isIncrementing":"true","creation-date":"1536905778725",
	   "last-update-date":" 1536905779000 ","counters":{"org.apache.sqoop.submission.counter.SqoopCounters":
	   {"ROWS_READ":"12","ROWS_WRITTEN_SKIPPED":"3","FILES_SKIPPED":"-1","TOTAL_SIZE":1e400}}},
	  {"job-name":"a","status":"FAILED","progress":-1,"creation-date":1536905000000}]}`
	st := decodeAs[CDMJobStatus](t, []byte(body))
	sub, ok := st.Latest()
	if !ok || sub.Status != "RUNNING" {
		t.Fatalf("latest %q %v, want the RUNNING run created last", sub.Status, ok)
	}
	if _, ok := sub.Progress.Value(); ok || sub.Progress.Err() == nil {
		t.Errorf("progress NaN: %v, want a field error", sub.Progress.Err())
	}
	if v, ok := sub.IsIncrementing.Value(); !ok || !v {
		t.Errorf("isIncrementing %v %v", v, ok)
	}
	checkNumber(t, "creation-date", sub.CreationDate.Number, 1536905778.725)
	checkNumber(t, "last-update-date", sub.LastUpdateDate.Number, 1536905779.0)
	c := sub.Counters.Sqoop
	checkNumber(t, "ROWS_READ", c.RowsRead, 12.0)
	checkNumber(t, "ROWS_WRITTEN_SKIPPED", c.RowsWrittenSkipped, 3.0)
	checkNumber(t, "FILES_SKIPPED", c.FilesSkipped, -1.0)
	if c.TotalSize.Err() == nil {
		t.Error("TOTAL_SIZE 1e400: no field error")
	}

	for name, body := range map[string]string{
		"empty list":     `{"submissions":[]}`,
		"null":           `{"submissions":null}`,
		"not a list":     `{"submissions":"none"}`,
		"no submissions": `{}`,
	} {
		if _, ok := decodeAs[CDMJobStatus](t, []byte(body)).Latest(); ok {
			t.Errorf("%s: a latest run", name)
		}
	}
	// An entry that is not an object is left out, the others kept.
	st = decodeAs[CDMJobStatus](t, []byte(`{"submissions":["x",{"status":"SUCCEEDED"}]}`))
	if sub, ok := st.Latest(); !ok || sub.Status != "SUCCEEDED" {
		t.Errorf("latest %q %v", sub.Status, ok)
	}
}

func TestCDMClusterList(t *testing.T) {
	l := decodeAs[CDMClusters](t, readTestdata(t, "cdm-list-clusters.json"))
	if len(l.Clusters) != 2 {
		t.Fatalf("%d clusters", len(l.Clusters))
	}
	c := l.Clusters[0]
	if c.ID != "bae65496-643e-47ca-84af-948672de7eeb" || c.Name != "cdm-b8c4" || c.Status != "200" {
		t.Errorf("cluster %+v", c)
	}
	if v, ok := c.IsFrozen.Value(); !ok || v {
		t.Errorf("isFrozen %v %v", v, ok)
	}
	// A status code sent as a number reads the same.
	if c := decodeAs[CDMCluster](t, []byte(`{"status":900}`)); c.Status != "900" {
		t.Errorf("numeric status: %q", c.Status)
	}
}

func TestDefaultCDMEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":     "https://cdm.cn-north-4.myhuaweicloud.com",
		"ap-southeast-3": "https://cdm.ap-southeast-3.myhuaweicloud.com",
		"xx-unknown-1":   "https://cdm.xx-unknown-1.myhuaweicloud.com",
	} {
		if got := defaultCDMEndpoint(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
	c := NewClient(Options{Region: "cn-north-4"})
	if got := c.endpoints[APICDM]; got != "https://cdm.cn-north-4.myhuaweicloud.com" {
		t.Errorf("client endpoint %s", got)
	}
}

// fakeCDM is an unsigned CDM endpoint: clusters ids, each with jobs
// NORMAL_JOB jobs named job-0, job-1, … and one BATCH_JOB job; the job
// "gone" does not exist (400 Cdm.0100), "bad" answers 400 Cdm.0001.
type fakeCDM struct {
	clusters []string
	jobs     int
	noTotal  bool // leave total out of the job pages
	mu       sync.Mutex
	uris     []string
}

func (f *fakeCDM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.uris = append(f.uris, r.URL.RequestURI())
	f.mu.Unlock()
	write := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	switch {
	case len(parts) == 3 && parts[2] == "clusters":
		var cs []map[string]any
		for i, id := range f.clusters {
			cs = append(cs, map[string]any{"id": id, "name": fmt.Sprintf("cluster-%d", i), "status": "200"})
		}
		write(http.StatusOK, map[string]any{"clusters": cs})
	case len(parts) == 7 && parts[6] == "all":
		q := r.URL.Query()
		pageNo, _ := strconv.Atoi(q.Get("page_no"))
		size, _ := strconv.Atoi(q.Get("page_size"))
		n := f.jobs
		if q.Get("jobType") == "BATCH_JOB" {
			n = 1
		}
		var jobs []map[string]any
		for i := (pageNo - 1) * size; i < min(pageNo*size, n); i++ {
			jobs = append(jobs, map[string]any{"name": fmt.Sprintf("%s-%d", strings.ToLower(q.Get("jobType")), i),
				"from-link-name": "mysql", "to-link-name": "dws"})
		}
		body := map[string]any{"jobs": jobs, "page_no": pageNo, "page_size": size}
		if !f.noTotal {
			body["total"] = n
		}
		write(http.StatusOK, body)
	case len(parts) == 8 && parts[6] == "gone":
		write(http.StatusBadRequest, map[string]string{"error_code": "Cdm.0100", "error_msg": "Job [gone] does not exist."})
	case len(parts) == 8 && parts[6] == "bad":
		write(http.StatusBadRequest, map[string]string{"error_code": "Cdm.0001", "error_msg": "invalid"})
	case len(parts) == 8 && parts[7] == "status":
		write(http.StatusOK, map[string]any{"submissions": []map[string]any{{"job-name": parts[6], "status": "RUNNING", "progress": 40}}})
	default:
		write(http.StatusNotFound, map[string]string{"error_code": "APIG.0101", "error_msg": "no route"})
	}
}

func cdmClient(t *testing.T, f *fakeCDM, obs Observer) *Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return NewClient(Options{ProjectID: "p1", Region: "cn-north-4", Endpoints: map[string]string{APICDM: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AK", SecretKey: "SK"}, Observer: obs})
}

const cdmTestCluster = "bae65496-643e-47ca-84af-948672de7eeb"

func TestCDMClientCalls(t *testing.T) {
	f := &fakeCDM{clusters: []string{cdmTestCluster}}
	rec := &opRecorder{}
	c := cdmClient(t, f, rec)
	st, err := c.CDMJobStatus(t.Context(), cdmTestCluster, "orders_full-load")
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := st.Latest(); sub.JobName != "orders_full-load" || value(sub.Progress) != 40.0 {
		t.Errorf("submission %q %v", sub.JobName, value(sub.Progress))
	}
	if want := "/v1.1/p1/clusters/" + cdmTestCluster + "/cdm/job/orders_full-load/status"; f.uris[0] != want {
		t.Errorf("path %s, want %s", f.uris[0], want)
	}
	// A name that is not one plain path segment never reaches the network.
	for _, name := range []string{"a/../b", "..", "a b", "", "x%2Fy", strings.Repeat("ü", 3)} {
		if _, err := c.CDMJobStatus(t.Context(), cdmTestCluster, name); err == nil {
			t.Errorf("job name %q accepted", name)
		}
	}
	if _, err := c.CDMJobStatus(t.Context(), "../x", "job"); err == nil {
		t.Error("cluster id ../x accepted")
	}
	if len(f.uris) != 1 {
		t.Errorf("requests for unsafe names: %q", f.uris[1:])
	}
	_, err = c.CDMJobStatus(t.Context(), cdmTestCluster, "gone")
	if Reason(err) != ReasonNotFound || !strings.Contains(err.Error(), "HTTP 400 Cdm.0100") {
		t.Errorf("missing job: %v (%s)", err, Reason(err))
	}
	_, err = c.CDMJobStatus(t.Context(), cdmTestCluster, "bad")
	if Reason(err) != ReasonHTTP4xx {
		t.Errorf("Cdm.0001: %v (%s), want http_4xx", err, Reason(err))
	}
	// CDM's codes are CDM's: another service's call with the same code is
	// a plain 4xx.
	if e := newAPIError(400, http.Header{}, []byte(`{"error_code":"Cdm.0100"}`)); e.Reason() != ReasonHTTP4xx {
		t.Errorf("Cdm.0100 outside a CDM call: %s", e.Reason())
	}
	want := []string{"cdm ShowJobStatus 200", "cdm ShowJobStatus 400", "cdm ShowJobStatus 400"}
	if !slices.Equal(rec.ops, want) {
		t.Errorf("ops %q, want %q", rec.ops, want)
	}
}

func TestCDMJobsPagesEveryClusterAndType(t *testing.T) {
	for _, noTotal := range []bool{false, true} {
		f := &fakeCDM{clusters: []string{cdmTestCluster, "", "0f5d1f3c-4b8e-4f6a-9c7d-2e1f0a9b8c7d"}, jobs: 230, noTotal: noTotal}
		jobs, err := cdmClient(t, f, nil).CDMJobs(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// 230 normal jobs and one batch job in each of the two clusters
		// with an id.
		if len(jobs) != 2*231 {
			t.Fatalf("noTotal=%v: %d jobs", noTotal, len(jobs))
		}
		first, batch := jobs[0], jobs[230]
		if first.Name != "normal_job-0" || first.JobType != "NORMAL_JOB" || first.ClusterID != cdmTestCluster ||
			first.ClusterName != "cluster-0" || first.FromLink != "mysql" || first.ToLink != "dws" {
			t.Errorf("first job %+v", first)
		}
		if batch.Name != "batch_job-0" || batch.JobType != "BATCH_JOB" {
			t.Errorf("batch job %+v", batch)
		}
		if last := jobs[len(jobs)-1]; last.ClusterName != "cluster-2" {
			t.Errorf("last job %+v", last)
		}
		// 1 cluster list, then per cluster 3 pages of normal jobs and 1 of
		// batch jobs (without a total, a short page ends the list).
		if len(f.uris) != 1+2*4 {
			t.Errorf("noTotal=%v: %d calls: %q", noTotal, len(f.uris), f.uris)
		}
		if !slices.Contains(f.uris, "/v1.1/p1/clusters/"+cdmTestCluster+"/cdm/job/all?jobType=NORMAL_JOB&page_no=3&page_size=100") {
			t.Errorf("no third page in %q", f.uris)
		}
	}
}

func TestCDMJobsBounded(t *testing.T) {
	// A cluster list of thousands: the jobs of the first MaxCDMClusters.
	ids := make([]string, 3000)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	f := &fakeCDM{clusters: ids}
	jobs, err := cdmClient(t, f, nil).CDMJobs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != MaxCDMClusters || len(f.uris) != 1+2*MaxCDMClusters {
		t.Errorf("%d jobs in %d calls, want %d in %d", len(jobs), len(f.uris), MaxCDMClusters, 1+2*MaxCDMClusters)
	}
	// A server that ignores page_no ends the list as a decode error.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/clusters") {
			_, _ = w.Write([]byte(`{"clusters":[{"id":"` + cdmTestCluster + `"}]}`))
			return
		}
		var jobs []string
		for i := range cdmJobPageSize {
			jobs = append(jobs, fmt.Sprintf(`{"name":"j%d"}`, i))
		}
		_, _ = w.Write([]byte(`{"jobs":[` + strings.Join(jobs, ",") + `]}`))
	}))
	t.Cleanup(srv.Close)
	c := NewClient(Options{ProjectID: "p1", Region: "cn-north-4", Endpoints: map[string]string{APICDM: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AK", SecretKey: "SK"}})
	if _, err := c.CDMJobs(t.Context()); Reason(err) != ReasonDecode {
		t.Errorf("endless list: %v (%s)", err, Reason(err))
	}
}
