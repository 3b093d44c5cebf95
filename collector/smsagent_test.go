package collector

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// cannedSMSSources is ListServers' answer for the canned SMS task's source
// server: connected, replicating since 1795433521458 (ms).
const cannedSMSSources = `{"count":1,"source_servers":[{"id":"src-sms-0001","name":"web-01","connected":true,"migration_cycle":"replicating","stage_action_time":1795433521458,"last_visit_time":1795433000000}]}` + "\n"

// settable is an answer the test sets, and changes, counting the
// requests for it.
type settable struct {
	calls  atomic.Int64
	mu     sync.Mutex
	status int
	body   string
}

func (a *settable) set(status int, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.body = status, body
}

// respond counts req and answers it with what was set.
func (a *settable) respond(req *http.Request) *http.Response {
	a.calls.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	return cannedResponse(req, a.status, a.body)
}

// cannedResponse answers req with status and a JSON body.
func cannedResponse(req *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: statusLine(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}
}

// sourcesTransport answers ShowTask with the canned task, whose source
// server id is "src-" and the task's id, consistency checks with none,
// and ListServers with what the test sets, counting those calls.
type sourcesTransport struct{ lists settable }

func (t *sourcesTransport) set(status int, body string) { t.lists.set(status, body) }

func (t *sourcesTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch p := req.URL.Path; {
	case p == "/v3/sources":
		return t.lists.respond(req), nil
	case strings.HasSuffix(p, "/consistency-result"):
		return cannedResponse(req, http.StatusOK, `{"result_list":[]}`), nil
	default:
		id := strings.TrimPrefix(p, "/v3/tasks/")
		return cannedResponse(req, http.StatusOK, strings.Replace(cannedSMSTask, `"id":"src-sms-0001"`, `"id":"src-`+id+`"`, 1)), nil
	}
}

// sourcesExporter polls the SMS tasks ids through tr with the given verify
// interval.
func sourcesExporter(t *testing.T, tr http.RoundTripper, verify time.Duration, ids ...string) *Exporter {
	t.Helper()
	e := New(Options{Transport: tr, ScrapeTimeout: time.Minute})
	cfg := benchConfig(t, "http://canned.invalid", nil, ids)
	cfg.Accounts[0].SMS.VerifyInterval = verify
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

// agentLines probes task id and returns its up, agent and cycle lines.
func agentLines(t *testing.T, e *Exporter, id string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id="+id, nil))
	var out []string
	for l := range strings.SplitSeq(rec.Body.String(), "\n") {
		for _, p := range []string{"sms_migration_up", "sms_migration_agent_connected", "sms_migration_cycle"} {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// cycleLines are the lines of a task's cycle state set with current at 1,
// in the exposition's order (by label value).
func cycleLines(id, current string) string {
	var out []string
	for _, c := range []string{"checking", "cutovered", "cutovering", "replicating", "setting", "syncing"} {
		v := "0"
		if c == current {
			v = "1"
		}
		out = append(out, `sms_migration_cycle{account="bench",cycle="`+c+`",task_id="`+id+`"} `+v)
	}
	return strings.Join(out, "\n")
}

// The list is read once for every task of the account (not once per task),
// once per verify_interval, shared by /metrics and /probe; each task gets
// its own source server's values, joined on the source server id; a task
// whose source server is not in the list keeps its other series and has no
// agent or cycle series.
func TestSMSSourceListIsReadOncePerAccount(t *testing.T) {
	tr := &sourcesTransport{}
	tr.set(http.StatusOK, `{"count":3,"source_servers":[
		{"id":"src-sms-a","connected":true,"migration_cycle":"replicating","stage_action_time":1795433521458},
		{"id":"src-sms-b","connected":"false","migration_cycle":"syncing","stage_action_time":"1795434000000"},
		{"id":"src-other","connected":true,"migration_cycle":"checking","stage_action_time":1795000000000}]}`)
	e := sourcesExporter(t, tr, time.Hour, "sms-a", "sms-b", "sms-c")
	s := scrapeOnce(t, context.Background(), e)
	if n := tr.lists.calls.Load(); n != 1 {
		t.Errorf("%d list calls for 3 tasks, want 1", n)
	}
	if s.up["sms_migration_up"] != 3 || s.size["sms_migration_agent_connected"] != 2 || s.size["sms_migration_cycle"] != 12 ||
		s.size["sms_migration_cycle_entered_timestamp_seconds"] != 2 {
		t.Errorf("up %d, agent %d, cycle %d, entered %d series, want 3, 2, 12, 2", s.up["sms_migration_up"],
			s.size["sms_migration_agent_connected"], s.size["sms_migration_cycle"], s.size["sms_migration_cycle_entered_timestamp_seconds"])
	}
	want := map[string]string{
		"sms-a": `sms_migration_agent_connected{account="bench",task_id="sms-a"} 1
` + cycleLines("sms-a", "replicating") + `
sms_migration_cycle_entered_timestamp_seconds{account="bench",task_id="sms-a"} 1.795433521458e+09
sms_migration_up{account="bench",task_id="sms-a"} 1`,
		"sms-b": `sms_migration_agent_connected{account="bench",task_id="sms-b"} 0
` + cycleLines("sms-b", "syncing") + `
sms_migration_cycle_entered_timestamp_seconds{account="bench",task_id="sms-b"} 1.795434e+09
sms_migration_up{account="bench",task_id="sms-b"} 1`,
		"sms-c": `sms_migration_up{account="bench",task_id="sms-c"} 1`,
	}
	for _, id := range []string{"sms-a", "sms-b", "sms-c"} {
		if got := agentLines(t, e, id); got != want[id] {
			t.Errorf("%s:\n%s\nwant\n%s", id, got, want[id])
		}
	}
	scrapeOnce(t, context.Background(), e)
	if n := tr.lists.calls.Load(); n != 1 {
		t.Errorf("%d list calls after two scrapes and three probes within verify_interval, want 1", n)
	}
	if s.size["sms_migration_speed_bytes_per_second"] != 3 {
		t.Errorf("%d tasks with a speed, want 3: a task not in the list keeps its other series", s.size["sms_migration_speed_bytes_per_second"])
	}
}

// A list that fails keeps the last good one: the tasks keep their agent
// and cycle series (and every other), and the failure is counted once a
// refresh, not once per task.
func TestSMSFailedSourceListKeepsTheLastGoodOne(t *testing.T) {
	tr := &sourcesTransport{}
	tr.set(http.StatusOK, `{"count":2,"source_servers":[{"id":"src-sms-a","connected":true,"migration_cycle":"setting","stage_action_time":1795433521458},
		{"id":"src-sms-b","connected":false,"migration_cycle":"setting","stage_action_time":1795433521458}]}`)
	e := sourcesExporter(t, tr, 50*time.Millisecond, "sms-a", "sms-b")
	first := agentLines(t, e, "sms-a")
	if !strings.Contains(first, `sms_migration_agent_connected{account="bench",task_id="sms-a"} 1`) {
		t.Fatalf("first probe:\n%s", first)
	}
	// A list cut short; the last good one is due again, and still in the cache.
	tr.set(http.StatusOK, `{"count":2,"source_servers":[{"id":`)
	time.Sleep(70 * time.Millisecond)
	s := scrapeOnce(t, context.Background(), e)
	if s.up["sms_migration_up"] != 2 || s.size["sms_migration_agent_connected"] != 2 {
		t.Errorf("after a failed list: %d up, %d agent series, want 2 and 2", s.up["sms_migration_up"], s.size["sms_migration_agent_connected"])
	}
	if n := testutil.ToFloat64(e.taskErrors.WithLabelValues("sms", "decode")); n != 1 {
		t.Errorf("task_errors_total{api=sms,reason=decode} = %g after one failed list of two tasks, want 1", n)
	}
	if got := agentLines(t, e, "sms-a"); got != first {
		t.Errorf("after a failed list:\n%s\nwant the last good\n%s", got, first)
	}
	if n := tr.lists.calls.Load(); n != 3 {
		t.Errorf("%d list calls, want 3 (a failed list is not cached)", n)
	}
}

// Odd entries: an unknown cycle is exported as it comes beside the known
// ones at 0; a null cycle, connected and time give no series; a time that
// is not plausibly ms since the epoch is a field error, not a date.
func TestSMSSourceOddEntries(t *testing.T) {
	tr := &sourcesTransport{}
	tr.set(http.StatusOK, `{"count":3,"source_servers":[
		{"id":"src-sms-a","connected":1,"migration_cycle":"someNewPhase","stage_action_time":1795433521},
		{"id":"src-sms-b","connected":null,"migration_cycle":null,"stage_action_time":null},
		{"id":"src-sms-c","connected":"sometimes","migration_cycle":"  cutovered ","stage_action_time":"-1"}]}`)
	e := sourcesExporter(t, tr, time.Hour, "sms-a", "sms-b", "sms-c")
	want := map[string]string{
		"sms-a": `sms_migration_agent_connected{account="bench",task_id="sms-a"} 1
sms_migration_cycle{account="bench",cycle="checking",task_id="sms-a"} 0
sms_migration_cycle{account="bench",cycle="cutovered",task_id="sms-a"} 0
sms_migration_cycle{account="bench",cycle="cutovering",task_id="sms-a"} 0
sms_migration_cycle{account="bench",cycle="replicating",task_id="sms-a"} 0
sms_migration_cycle{account="bench",cycle="setting",task_id="sms-a"} 0
sms_migration_cycle{account="bench",cycle="someNewPhase",task_id="sms-a"} 1
sms_migration_cycle{account="bench",cycle="syncing",task_id="sms-a"} 0
sms_migration_up{account="bench",task_id="sms-a"} 1`,
		"sms-b": `sms_migration_up{account="bench",task_id="sms-b"} 1`,
		"sms-c": cycleLines("sms-c", "cutovered") + `
sms_migration_up{account="bench",task_id="sms-c"} 1`,
	}
	for _, id := range []string{"sms-a", "sms-b", "sms-c"} {
		if got := agentLines(t, e, id); got != want[id] {
			t.Errorf("%s:\n%s\nwant\n%s", id, got, want[id])
		}
	}
	for field, n := range map[string]float64{"source_servers.stage_action_time": 2, "source_servers.connected": 1} {
		if got := testutil.ToFloat64(e.fieldErrors.WithLabelValues("sms", field)); got != n {
			t.Errorf("field errors of %s: %g, want %g", field, got, n)
		}
	}
}

// An SMS plan without tasks reads no list.
func TestSMSPlanWithoutTasksReadsNoList(t *testing.T) {
	e := sourcesExporter(t, &sourcesTransport{}, time.Hour, "sms-a")
	a, _ := e.account("bench")
	for _, w := range a.watched {
		if w.svc.api() != huaweicloud.APISMS {
			continue
		}
		if readers, calls := w.svc.plan(w, nil); len(readers) != 0 || len(calls) != 0 {
			t.Errorf("%d readers, %d calls for no task, want none", len(readers), len(calls))
		}
		if _, calls := w.svc.plan(w, []string{"a", "b"}); len(calls) != 3 {
			t.Errorf("%d calls for two tasks, want 3 (one each and the list)", len(calls))
		}
	}
}
