package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// checksTransport answers ShowTask with the canned task and
// ShowConsistencyResult with what the test sets, counting those calls.
type checksTransport struct{ checks settable }

func (t *checksTransport) set(status int, body string) { t.checks.set(status, body) }

func (t *checksTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/consistency-result") {
		return t.checks.respond(req), nil
	}
	return cannedResponse(req, http.StatusOK, cannedSMSTask), nil
}

// checksExporter polls the SMS task sms-0001 through tr with the given
// verify interval.
func checksExporter(t *testing.T, tr http.RoundTripper, verify time.Duration) *Exporter {
	t.Helper()
	e := New(Options{Transport: tr, ScrapeTimeout: time.Minute})
	cfg := benchConfig(t, "http://canned.invalid", nil, []string{"sms-0001"})
	cfg.Accounts[0].SMS.VerifyInterval = verify
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

// probeLines probes the task and returns its up and consistency lines.
func probeLines(t *testing.T, e *Exporter) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id=sms-0001", nil))
	var out []string
	for l := range strings.SplitSeq(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "sms_migration_consistency") || strings.HasPrefix(l, "sms_migration_up") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

const twoChecks = `{"task_id":"sms-0001","result_list":[
	{"finished_time":1795433000000,"check_result":"FINISHED","consistency_result":[
		{"dir_check":"/data","num_total_files":1200,"num_different_files":2,"num_target_miss_files":1},
		{"dir_check":"/etc","num_total_files":"300","num_different_files":0,"num_target_miss_files":4}]},
	{"finished_time":1795000000000,"check_result":"OLD","consistency_result":[{"num_total_files":1}]}]}`

const twoChecksLines = `sms_migration_consistency_checked_timestamp_seconds{account="bench",task_id="sms-0001"} 1.795433e+09
sms_migration_consistency_files{account="bench",outcome="checked",task_id="sms-0001"} 1500
sms_migration_consistency_files{account="bench",outcome="different",task_id="sms-0001"} 2
sms_migration_consistency_files{account="bench",outcome="missing_on_target",task_id="sms-0001"} 5
sms_migration_consistency_result{account="bench",result="FINISHED",task_id="sms-0001"} 1
sms_migration_up{account="bench",task_id="sms-0001"} 1`

// The checks are read once per verify_interval, shared by /metrics and
// /probe, and served from the cache in between; the newest check (by
// time, here not the last in the list) gives the series, extra_on_target
// is absent as no directory has it.
func TestSMSChecksAreReadOncePerVerifyInterval(t *testing.T) {
	tr := &checksTransport{}
	tr.set(http.StatusOK, twoChecks)
	e := checksExporter(t, tr, time.Hour)
	scrapeOnce(t, context.Background(), e)
	if n := tr.checks.calls.Load(); n != 1 {
		t.Fatalf("%d consistency calls in the first scrape, want 1", n)
	}
	for i := range 2 {
		if got := probeLines(t, e); got != twoChecksLines {
			t.Errorf("probe %d:\n%s\nwant\n%s", i, got, twoChecksLines)
		}
	}
	scrapeOnce(t, context.Background(), e)
	if n := tr.checks.calls.Load(); n != 1 {
		t.Errorf("%d consistency calls after a scrape and two probes within verify_interval, want 1", n)
	}
}

// A refresh that fails keeps the last good checks and counts its error;
// the task stays up.
func TestSMSFailedCheckRefreshKeepsTheLastValues(t *testing.T) {
	tr := &checksTransport{}
	tr.set(http.StatusOK, twoChecks)
	e := checksExporter(t, tr, 50*time.Millisecond)
	if got := probeLines(t, e); got != twoChecksLines {
		t.Fatalf("first probe:\n%s", got)
	}
	tr.set(http.StatusNotFound, `{"error_code":"SMS.9999","error_msg":"The task does not exist."}`)
	time.Sleep(120 * time.Millisecond) // the checks are due again
	if got := probeLines(t, e); got != twoChecksLines {
		t.Errorf("after a failed refresh:\n%s\nwant\n%s", got, twoChecksLines)
	}
	if n := tr.checks.calls.Load(); n != 2 {
		t.Errorf("%d consistency calls, want 2", n)
	}
	if n := testutil.ToFloat64(e.taskErrors.WithLabelValues("sms", "not_found")); n != 1 {
		t.Errorf("task_errors_total{api=sms,reason=not_found} = %g, want 1", n)
	}
}

// A task never checked has no consistency series, and is up.
func TestSMSNeverCheckedHasNoSeries(t *testing.T) {
	for _, body := range []string{`{"task_id":"sms-0001","result_list":[]}`, `{}`, `{"result_list":["not json"]}`} {
		tr := &checksTransport{}
		tr.set(http.StatusOK, body)
		e := checksExporter(t, tr, time.Hour)
		if got, want := probeLines(t, e), `sms_migration_up{account="bench",task_id="sms-0001"} 1`; got != want {
			t.Errorf("%s:\n%s\nwant\n%s", body, got, want)
		}
		if v := testutil.ToFloat64(e.taskErrors.WithLabelValues("sms", "decode")); v != 0 {
			t.Errorf("%s: %g decode errors", body, v)
		}
	}
}

// The shared cache keeps a task's latest check only, and nothing but a
// nil pointer (no allocation in the interface) for a task never checked:
// it holds an entry for every task for verify_interval.
func TestSMSCacheKeepsTheLatestCheckOnly(t *testing.T) {
	for _, tc := range []struct {
		body, result string
	}{{twoChecks, "FINISHED"}, {`{"task_id":"sms-0001","result_list":[]}`, ""}} {
		tr := &checksTransport{}
		tr.set(http.StatusOK, tc.body)
		e := checksExporter(t, tr, time.Hour)
		probeLines(t, e)
		a, _ := e.account("bench")
		v, ok := a.cache.cache["sms consistency sms-0001"]
		if !ok {
			t.Fatalf("%s: no cache entry", tc.body)
		}
		c, isCheck := v.val.(*huaweicloud.SMSConsistencyCheck)
		switch {
		case !isCheck:
			t.Errorf("%s: cached %T, want *huaweicloud.SMSConsistencyCheck", tc.body, v.val)
		case tc.result == "" && c != nil:
			t.Errorf("%s: cached %+v for a task never checked, want nil", tc.body, *c)
		case tc.result != "" && (c == nil || string(c.CheckResult) != tc.result):
			t.Errorf("%s: cached %v, want the check %s", tc.body, c, tc.result)
		}
	}
}

// The start of the canned task's full copy (MIGRATE_LINUX_FILE; its sync
// has not started): the series the readiness rules compare the check with.
func TestSMSSyncStartedSeries(t *testing.T) {
	tr := &checksTransport{}
	tr.set(http.StatusOK, cannedSMSConsistency)
	e := checksExporter(t, tr, time.Minute)
	rec := httptest.NewRecorder()
	e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id=sms-0001", nil))
	const want = `sms_migration_sync_started_timestamp_seconds{account="bench",task_id="sms-0001"} 1.795433521458e+09`
	if !strings.Contains(rec.Body.String(), "\n"+want+"\n") {
		t.Errorf("no %s in\n%s", want, rec.Body)
	}
}
