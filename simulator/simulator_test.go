package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

const (
	ak, sk, project = "AKSIMTEST", "sk-sim-test", "proj1"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// fixedNow is both the tasks' and the gateway's clock: the requests here
// are signed at now.
func fixedNow() time.Time { return now }

// signedRequest builds a GET signed by the SDK's signer at time at.
func signedRequest(t *testing.T, host, path string, query map[string]string, secret string, at time.Time) *http.Request {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint("http://"+host).WithMethod("GET").WithPath(path).
		AddHeaderParam("X-Project-Id", project).
		AddHeaderParam(signer.HeaderXDate, at.UTC().Format(signer.BasicDateFormat))
	for k, v := range query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	req := b.Build()
	headers, err := signer.Sign(req, ak, secret)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	hr.Host = host
	return hr
}

func newSim() *Simulator {
	s := New(Options{AccessKey: ak, SecretKey: sk, ProjectID: project, Now: fixedNow, GatewayNow: fixedNow})
	s.AddDCSTask(DCSTask{ID: "t1", Stats: &DCSStats{Offset: 5}})
	return s
}

func serve(s *Simulator, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestSignatureVerification(t *testing.T) {
	s := newSim()
	path := "/v2/" + project + "/migration-task/t1/stats"
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"valid", func() *http.Request { return signedRequest(t, "sim", path, nil, sk, now) }, 200},
		{"valid, 14 minutes skew", func() *http.Request { return signedRequest(t, "sim", path, nil, sk, now.Add(-14*time.Minute)) }, 200},
		{"wrong secret", func() *http.Request { return signedRequest(t, "sim", path, nil, "other", now) }, 401},
		{"signature expired", func() *http.Request { return signedRequest(t, "sim", path, nil, sk, now.Add(-16*time.Minute)) }, 401},
		{"unsigned", func() *http.Request {
			r, _ := http.NewRequest("GET", "http://sim"+path, nil)
			return r
		}, 401},
		{"signed header tampered", func() *http.Request {
			r := signedRequest(t, "sim", path, nil, sk, now)
			r.Header.Set("X-Project-Id", "proj2")
			return r
		}, 401},
		{"path tampered", func() *http.Request {
			r := signedRequest(t, "sim", path, nil, sk, now)
			r.URL.Path = "/v2/" + project + "/migration-task/t2/stats"
			return r
		}, 401},
	}
	for _, c := range cases {
		w := serve(s, c.req())
		if w.Code != c.status {
			t.Errorf("%s: HTTP %d, want %d: %s", c.name, w.Code, c.status, w.Body)
		}
		if c.status == 401 {
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error_code"] != "APIG.0301" {
				t.Errorf("%s: body %s", c.name, w.Body)
			}
		}
	}
	if got := s.Requests("ShowMigrationTaskStats", "t1"); got != 2 {
		t.Errorf("%d requests reached the API, want the 2 valid ones", got)
	}
}

func TestDCSListPagesUntilAShortPage(t *testing.T) {
	s := newSim()
	for i := 2; i <= 25; i++ {
		s.AddDCSTask(DCSTask{ID: "t" + strconv.Itoa(i)})
	}
	var seen []string
	for offset := 0; ; offset += 10 {
		w := serve(s, signedRequest(t, "sim", "/v2/"+project+"/migration-tasks",
			map[string]string{"offset": strconv.Itoa(offset), "limit": "10"}, sk, now))
		var page struct {
			Count int `json:"count"`
			Tasks []struct {
				TaskID string `json:"task_id"`
			} `json:"migration_tasks"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Tasks {
			seen = append(seen, task.TaskID)
		}
		if page.Count != len(page.Tasks) {
			t.Errorf("count %d for %d tasks", page.Count, len(page.Tasks))
		}
		if len(page.Tasks) < 10 {
			break
		}
	}
	if len(seen) != 25 || seen[0] != "t1" || seen[24] != "t25" {
		t.Errorf("listed %v", seen)
	}
}

func TestDCSMovement(t *testing.T) {
	m := DCSMovement{FullDuration: 10 * time.Minute, SourceKeys: 1000, WritesPerSecond: 1}
	start, mid, done, late := m.at("x", 0), m.at("x", 5*time.Minute), m.at("x", 10*time.Minute), m.at("x", 30*time.Minute)
	if start.FullMigrationProgress != 0 || mid.FullMigrationProgress != 50 || done.FullMigrationProgress != 100 {
		t.Errorf("progress %v %v %v", start.FullMigrationProgress, mid.FullMigrationProgress, done.FullMigrationProgress)
	}
	if !(mid.TargetDBSize > start.TargetDBSize && done.TargetDBSize > mid.TargetDBSize) {
		t.Errorf("target keys do not climb: %v %v %v", start.TargetDBSize, mid.TargetDBSize, done.TargetDBSize)
	}
	if !(late.Offset < done.Offset) || late.Offset > 200 {
		t.Errorf("offset does not converge: at 10m %v, at 30m %v", done.Offset, late.Offset)
	}
	if diff := late.SourceDBSize - late.TargetDBSize; diff < 0 || diff > 1 {
		t.Errorf("key counts do not converge: %v vs %v", late.SourceDBSize, late.TargetDBSize)
	}
	if m.at("x", time.Hour) != m.at("x", time.Hour) {
		t.Error("movement is not deterministic")
	}
}

func TestNumbersAsStrings(t *testing.T) {
	s := New(Options{AccessKey: ak, SecretKey: sk, ProjectID: project, NumbersAsStrings: true, Now: fixedNow, GatewayNow: fixedNow})
	s.AddDCSTask(DCSTask{ID: "t1", Stats: &DCSStats{Offset: 5, TargetInputKbps: 1.25}})
	w := serve(s, signedRequest(t, "sim", "/v2/"+project+"/migration-task/t1/stats", nil, sk, now))
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["offset"] != "5" || body["target_input_kbps"] != "1.25" || body["is_migrating"] != false {
		t.Errorf("body %v", body)
	}
}

func TestRemovedTaskIsNotFound(t *testing.T) {
	s := newSim()
	s.RemoveDCSTask("t1")
	w := serve(s, signedRequest(t, "sim", "/v2/"+project+"/migration-task/t1", nil, sk, now))
	if w.Code != 400 || !json.Valid(w.Body.Bytes()) || !strings.Contains(w.Body.String(), "DCS.4133") {
		t.Errorf("HTTP %d %s", w.Code, w.Body)
	}
}

func TestTransientFault(t *testing.T) {
	s := newSim()
	s.SetFault("t1", Fault{Kind: FaultServerError, Times: 2})
	var codes []int
	for range 4 {
		codes = append(codes, serve(s, signedRequest(t, "sim", "/v2/"+project+"/migration-task/t1/stats", nil, sk, now)).Code)
	}
	if fmt.Sprint(codes) != "[500 500 200 200]" {
		t.Errorf("codes %v", codes)
	}
}

// A block-level task (MIGRATE_BLOCK) goes through block-level subtasks and
// copies in MIGRATE_LINUX_BLOCK; a file-level one through *_LINUX_FILE.
func TestSMSMovementSubtasksFollowTheTaskType(t *testing.T) {
	m := SMSMovement{CopyDuration: 10 * time.Minute, TotalBytes: 1e9}
	for taskType, want := range map[string][]string{
		"":              {"FORMAT_DISK_LINUX_FILE", "MIGRATE_LINUX_FILE", "SYNC_LINUX_FILE", "CONFIGURE_LINUX_FILE"},
		"MIGRATE_FILE":  {"FORMAT_DISK_LINUX_FILE", "MIGRATE_LINUX_FILE", "SYNC_LINUX_FILE", "CONFIGURE_LINUX_FILE"},
		"MIGRATE_BLOCK": {"FORMAT_DISK_LINUX_BLOCK", "MIGRATE_LINUX_BLOCK", "SYNC_LINUX_BLOCK", "CONFIGURE_LINUX_BLOCK"},
	} {
		// 2m30s of set-up, then 5 minutes into the 10-minute copy.
		p := m.at("x", taskType, 7*time.Minute+30*time.Second, fixedNow())
		var names []string
		for _, st := range p.SubTasks {
			names = append(names, st.Name)
		}
		if !slices.Equal(names[3:7], want) {
			t.Errorf("type %q: subtasks %v, want %v among them", taskType, names, want)
		}
		if p.CurrentSubTask != want[1] || p.ReplicateSize != 5e8 || p.MigrateSpeedMbps == 0 {
			t.Errorf("type %q: copying in %q, %v bytes at %v Mbit/s; want %s, 5e8 bytes, a speed",
				taskType, p.CurrentSubTask, p.ReplicateSize, p.MigrateSpeedMbps, want[1])
		}
	}
}
