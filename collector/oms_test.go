package collector

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

func decodeJSON[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// checkExposition fails unless every want line is in got and no absent
// text is.
func checkExposition(t *testing.T, got string, want, absent []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("missing %s in\n%s", w, got)
		}
	}
	for _, a := range absent {
		if strings.Contains(got, a) {
			t.Errorf("%s should be absent:\n%s", a, got)
		}
	}
}

func TestOMSMetricsFromAResult(t *testing.T) {
	ix := labelIndex{}
	d := newOMS(ix)
	task := decodeJSON[huaweicloud.OMSTask](t, `{"id": 220621019041293, "name": "logs-to-obs", "status": 2, "task_type": "prefix",
		"group_id": "", "src_node": {"bucket": "s3-logs", "cloud_type": "AWS", "region": "eu-west-1"},
		"dst_node": {"bucket": "obs-logs", "region": "cn-north-4"}, "progress": 0.522, "complete_size": 5368709120,
		"total_size": 10284738560, "migrate_speed": 52428800, "left_time": 93750, "successful_num": 5120,
		"failed_num": 3, "skipped_num": 17, "total_num": 9800, "is_query_over": false, "error_reason": null}`)
	got := collect(t, ix, d.descs(), func(m *emitter) {
		if up, err := (&omsTask{d: d, task: task}).metrics(m); !up || err != nil {
			t.Errorf("up %v, err %v", up, err)
		}
	})
	checkExposition(t, got, []string{
		"oms_migration_up{account=a,task_id=t} 1",
		"oms_migration_task_info{account=a,group_id=,source_bucket=s3-logs,source_cloud=AWS,target_bucket=obs-logs,task_id=t,task_name=logs-to-obs,task_type=prefix} 1",
		"oms_migration_task_status{account=a,status=RUNNING,task_id=t} 1",
		"oms_migration_task_status{account=a,status=INITIALIZING,task_id=t} 0",
		"oms_migration_task_status{account=a,status=PAUSING,task_id=t} 0",
		"oms_migration_progress_ratio{account=a,task_id=t} 0.522",
		"oms_migration_transferred_bytes{account=a,task_id=t} 5.36870912e+09",
		"oms_migration_total_bytes{account=a,task_id=t} 1.028473856e+10",
		"oms_migration_speed_bytes_per_second{account=a,task_id=t} 5.24288e+07",
		"oms_migration_remaining_seconds{account=a,task_id=t} 93.75",
		"oms_migration_objects{account=a,outcome=succeeded,task_id=t} 5120",
		"oms_migration_objects{account=a,outcome=failed,task_id=t} 3",
		"oms_migration_objects{account=a,outcome=skipped,task_id=t} 17",
		"oms_migration_total_objects{account=a,task_id=t} 9800",
		"oms_migration_listing_complete{account=a,task_id=t} 0",
	}, []string{"last_success", "error_info"})
	if n := strings.Count(got, "oms_migration_task_status{"); n != len(omsTaskStatuses) {
		t.Errorf("%d status series, want %d", n, len(omsTaskStatuses))
	}
}

// Fields the answer does not have are left out, never exported as 0.
func TestOMSAbsentFieldsAreOmitted(t *testing.T) {
	ix := labelIndex{}
	d := newOMS(ix)
	task := decodeJSON[huaweicloud.OMSTask](t, `{"id": 1, "name": "n", "progress": "", "complete_size": null, "failed_num": "N/A"}`)
	got := collect(t, ix, d.descs(), func(m *emitter) {
		if up, err := (&omsTask{d: d, task: task}).metrics(m); !up || err != nil {
			t.Errorf("up %v, err %v", up, err)
		}
	})
	want := "oms_migration_task_info{account=a,group_id=,source_bucket=,source_cloud=,target_bucket=,task_id=t,task_name=n,task_type=} 1\n" +
		"oms_migration_up{account=a,task_id=t} 1\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestOMSStatusNames(t *testing.T) {
	number := func(body string) huaweicloud.Number { return decodeJSON[huaweicloud.Number](t, body) }
	for body, want := range map[string]string{
		"0": "INITIALIZING", "1": "WAITING", "3": "PAUSED", "4": "FAILED", "5": "SUCCEEDED", "6": "RETRYING", "7": "PAUSING",
		`"5"`: "SUCCEEDED", "8": "8", "12": "12", "-1": "-1", "2.5": "2.5",
	} {
		if got, ok := omsStatus(number(body), omsTaskStatuses); !ok || got != want {
			t.Errorf("task status %s: %q %v, want %q", body, got, ok, want)
		}
	}
	for body, want := range map[string]string{"0": "WAITING", "2": "MONITORING", "4": "CREATE_FAILED", "6": "COMPLETED", "9": "DELETED", "10": "10"} {
		if got, ok := omsStatus(number(body), omsGroupStatuses); !ok || got != want {
			t.Errorf("group status %s: %q %v, want %q", body, got, ok, want)
		}
	}
	for _, body := range []string{"null", `""`, `"RUNNING"`} {
		if got, ok := omsStatus(number(body), omsTaskStatuses); ok {
			t.Errorf("status %s: %q, want none", body, got)
		}
	}

	// An unknown number is exported as its digits next to the known ones;
	// a status that is not a number is no series at all.
	ix := labelIndex{}
	d := newOMS(ix)
	got := collect(t, ix, d.descs(), func(m *emitter) {
		_, _ = (&omsTask{d: d, task: decodeJSON[huaweicloud.OMSTask](t, `{"status": 11}`)}).metrics(m)
	})
	if n := strings.Count(got, "oms_migration_task_status{"); n != len(omsTaskStatuses)+1 || !strings.Contains(got, "status=11,task_id=t} 1\n") {
		t.Errorf("unknown status:\n%s", got)
	}
	got = collect(t, ix, d.descs(), func(m *emitter) {
		_, _ = (&omsTask{d: d, task: decodeJSON[huaweicloud.OMSTask](t, `{"status": "RUNNING"}`)}).metrics(m)
	})
	if strings.Contains(got, "oms_migration_task_status") {
		t.Errorf("a status that is not a number was exported:\n%s", got)
	}
}

func TestOMSGroupMetricsFromAResult(t *testing.T) {
	ix := labelIndex{}
	d := newOMSGroups(ix)
	group := decodeJSON[huaweicloud.OMSTaskGroup](t, `{"group_id": "g", "status": 5,
		"error_reason": {"error_code": "OMS.0310", "error_msg": "Access denied."},
		"src_node": {"bucket": "oss-photos", "cloud_type": "ALIYUN"}, "dst_node": {"bucket": "obs-photos"},
		"migrate_speed": 0, "complete_size": 1000, "total_size": 4000, "success_num": 10, "fail_num": 2,
		"skip_num": 0, "total_num": 40}`)
	got := collect(t, ix, d.descs(), func(m *emitter) {
		if up, err := (&omsGroup{d: d, group: group}).metrics(m); !up || err != nil {
			t.Errorf("up %v, err %v", up, err)
		}
	})
	checkExposition(t, got, []string{
		"oms_migration_group_up{account=a,group_id=t} 1",
		"oms_migration_group_info{account=a,group_id=t,source_bucket=oss-photos,source_cloud=ALIYUN,target_bucket=obs-photos} 1",
		"oms_migration_group_status{account=a,group_id=t,status=FAILED} 1",
		"oms_migration_group_status{account=a,group_id=t,status=COMPLETED} 0",
		"oms_migration_group_transferred_bytes{account=a,group_id=t} 1000",
		"oms_migration_group_total_bytes{account=a,group_id=t} 4000",
		"oms_migration_group_speed_bytes_per_second{account=a,group_id=t} 0",
		"oms_migration_group_objects{account=a,group_id=t,outcome=succeeded} 10",
		"oms_migration_group_objects{account=a,group_id=t,outcome=failed} 2",
		"oms_migration_group_objects{account=a,group_id=t,outcome=skipped} 0",
		"oms_migration_group_total_objects{account=a,group_id=t} 40",
		"oms_migration_group_error_info{account=a,error_code=OMS.0310,group_id=t} 1",
	}, []string{"task_id", "progress", "last_success"})
	if n := strings.Count(got, "oms_migration_group_status{"); n != len(omsGroupStatuses) {
		t.Errorf("%d status series, want %d", n, len(omsGroupStatuses))
	}
}

func TestOMSFailedReadsExportOnlyUp(t *testing.T) {
	ix := labelIndex{}
	tasks, groups := newOMS(ix), newOMSGroups(ix)
	readErr := errors.New("x")
	got := collect(t, ix, append(tasks.descs(), groups.descs()...), func(m *emitter) {
		if up, err := (&omsTask{d: tasks, err: readErr}).metrics(m); up || err != readErr {
			t.Errorf("task: up %v, err %v", up, err)
		}
		if up, err := (&omsGroup{d: groups, err: readErr}).metrics(m); up || err != readErr {
			t.Errorf("group: up %v, err %v", up, err)
		}
	})
	if got != "oms_migration_group_up{account=a,group_id=t} 0\noms_migration_up{account=a,task_id=t} 0\n" {
		t.Errorf("got\n%s", got)
	}
}

// Tasks and task groups are two modules of one api, each with its own
// settings out of the oms block.
func TestOMSModulesAndSettings(t *testing.T) {
	ix := labelIndex{}
	tasks, groups := newOMS(ix), newOMSGroups(ix)
	if tasks.api() != "oms" || groups.api() != "oms" || tasks.module() != "oms" || groups.module() != "oms_group" {
		t.Errorf("tasks %s/%s, groups %s/%s", tasks.api(), tasks.module(), groups.api(), groups.module())
	}
	a := &config.Account{OMS: config.OMS{TaskIDs: []string{"1"}, GroupIDs: []string{"g"}, DiscoverGroups: true}}
	if s := tasks.settings(a); len(s.TaskIDs) != 1 || s.TaskIDs[0] != "1" || s.Discover {
		t.Errorf("task settings %+v", s)
	}
	if s := groups.settings(a); len(s.TaskIDs) != 1 || s.TaskIDs[0] != "g" || !s.Discover {
		t.Errorf("group settings %+v", s)
	}
	e := config.Endpoints{OMS: "https://oms.example.com"}
	if tasks.endpoint(e) != e.OMS || groups.endpoint(e) != e.OMS {
		t.Error("endpoint")
	}
	modules := map[string]bool{}
	for _, svc := range newServices(labelIndex{}) {
		if modules[svc.module()] {
			t.Errorf("module %s twice", svc.module())
		}
		modules[svc.module()] = true
	}
	if !modules["oms"] || !modules["oms_group"] {
		t.Errorf("modules %v", modules)
	}
}

// A task's (and a group's) error reason is one error_info series with its
// code, exactly; a code alone or a message alone is enough; a long code is
// cut to maxErrorCode bytes on a rune boundary; no reason, no series.
func TestOMSErrorInfo(t *testing.T) {
	long := strings.Repeat("码", 30) // 90 bytes: cut to 21 runes, 63 bytes
	cases := []struct {
		name, reason, want string
	}{
		{"code and message", `{"error_code": "OMS.0301", "error_msg": "The source object was deleted."}`,
			"{account=a,error_code=OMS.0301,ID=t} 1\n"},
		{"a message alone", `"source unreachable"`, "{account=a,error_code=,ID=t} 1\n"},
		{"a code alone", `{"error_code": 1009}`, "{account=a,error_code=1009,ID=t} 1\n"},
		{"a long code", `{"error_code": "` + long + `"}`, "{account=a,error_code=" + strings.Repeat("码", 21) + ",ID=t} 1\n"},
		{"null", `null`, ""},
		{"empty string", `""`, ""},
		{"empty object", `{"error_code": "", "error_msg": null}`, ""},
	}
	ix := labelIndex{}
	tasks, groups := newOMS(ix), newOMSGroups(ix)
	for _, c := range cases {
		body := `{"id": 1, "group_id": "g", "status": 4, "error_reason": ` + c.reason + `}`
		all := collect(t, ix, append(tasks.descs(), groups.descs()...), func(m *emitter) {
			_, _ = (&omsTask{d: tasks, task: decodeJSON[huaweicloud.OMSTask](t, body)}).metrics(m)
			_, _ = (&omsGroup{d: groups, group: decodeJSON[huaweicloud.OMSTaskGroup](t, body)}).metrics(m)
		})
		got := ""
		for line := range strings.Lines(all) {
			if strings.Contains(line, "error_info") {
				got += line
			}
		}
		want := ""
		if c.want != "" {
			want = "oms_migration_error_info" + strings.Replace(c.want, "ID", "task_id", 1) +
				"oms_migration_group_error_info" + strings.Replace(c.want, "ID", "group_id", 1)
		}
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, want)
		}
	}
	if n := len(errorCodeLabel(huaweicloud.OMSErrorReason{Code: huaweicloud.Text(long)})); n != 63 {
		t.Errorf("a long code is cut to %d bytes, want 63", n)
	}
}

// The failure words the status page shows: "code: message", either alone,
// the message cut to maxFailureMessage bytes; none for a task not read.
func TestOMSFailureWords(t *testing.T) {
	d := newOMS(labelIndex{})
	long := strings.Repeat("x", 250)
	for reason, want := range map[string]string{
		`{"error_code": "OMS.0301", "error_msg": "The source object was deleted."}`: "OMS.0301: The source object was deleted.",
		`{"error_code": "OMS.0301"}`:                       "OMS.0301",
		`"source unreachable"`:                             "source unreachable",
		`{"error_msg": "` + long + `"}`:                    strings.Repeat("x", 200) + "…",
		`{"error_code": "E", "error_msg": "` + long + `"}`: "E: " + strings.Repeat("x", 200) + "…",
		`null`: "",
	} {
		r := &omsTask{d: d, task: decodeJSON[huaweicloud.OMSTask](t, `{"status": 4, "error_reason": `+reason+`}`)}
		if got := r.failure(); got != want {
			t.Errorf("%s: %q, want %q", reason, got, want)
		}
		r.err = errors.New("x")
		if got := r.failure(); got != "" {
			t.Errorf("%s, not read: %q", reason, got)
		}
	}
}

// Through a probe and TaskStatuses: a failed OMS task's error reason,
// scrubbed of the account's secrets by the client, is in its failed
// blocker's words; a healthy task has none.
func TestTaskStatusesShowAnOMSTaskFailure(t *testing.T) {
	answers := map[string]string{
		"/v2/" + benchProject + "/tasks/7": `{"id": 7, "name": "archive", "status": 4, "failed_num": 0, "is_query_over": true,
			"error_reason": {"error_code": "OMS.0301", "error_msg": "The source object was deleted (ak ` + benchAK + `)."}}`,
		"/v2/" + benchProject + "/tasks/8": `{"id": 8, "name": "logs", "status": 5, "failed_num": 0, "is_query_over": true, "error_reason": null}`,
	}
	transport := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		body, ok := answers[req.URL.Path]
		if !ok {
			return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	})
	e := New(Options{Transport: transport, ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(benchConfig(t, "http://canned.invalid", nil, nil)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"7", "8"} {
		rec := httptest.NewRecorder()
		e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=oms&task_id="+id, nil))
		if !strings.Contains(rec.Body.String(), "probe_success 1") {
			t.Fatalf("probe %s: %d %s", id, rec.Code, rec.Body)
		}
	}
	got := map[string][]Blocker{}
	for _, s := range e.TaskStatuses(t.Context()) {
		got[s.ID] = s.Blockers
		if s.Reason != "" {
			t.Errorf("%s: reason %q for a task that is up", s.ID, s.Reason)
		}
	}
	want := map[string][]Blocker{
		"7": {{"failed", "failed: FAILED (OMS.0301: The source object was deleted (ak <redacted>).)"}},
		"8": nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blockers:\n got %q\nwant %q", got, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
