package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/migration-exporter/migration_exporter/config"
)

// logLines are the lines of logs that contain s.
func logLines(logs *strings.Builder, s string) []string {
	var out []string
	for line := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// listServer answers the SMS task list with smsIDs and the DRS migration
// job list with drsIDs (the other DRS scenarios are empty).
func listServer(t *testing.T, smsIDs, drsIDs []string) string {
	t.Helper()
	entries := func(ids []string) []map[string]string {
		out := make([]map[string]string, len(ids))
		for i, id := range ids {
			out[i] = map[string]string{"id": id}
		}
		return out
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v3/tasks":
			if r.URL.Query().Get("offset") != "0" {
				body, _ = json.Marshal(map[string]any{"count": len(smsIDs), "tasks": []any{}})
				break
			}
			body, _ = json.Marshal(map[string]any{"count": len(smsIDs), "tasks": entries(smsIDs)})
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/jobs"):
			req, _ := io.ReadAll(r.Body)
			var q struct {
				Use  string `json:"db_use_type"`
				Page int    `json:"cur_page"`
			}
			_ = json.Unmarshal(req, &q)
			jobs := []map[string]string{}
			if q.Use == "migration" && q.Page == 1 {
				jobs = entries(drsIDs)
			}
			body, _ = json.Marshal(map[string]any{"total_record": len(jobs), "jobs": jobs})
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// discoveringExporter is an exporter whose account discovers SMS tasks and
// DRS jobs at endpoint, logging to logs (read it once the lists are done:
// a list logs in the goroutine that calls it).
func discoveringExporter(t *testing.T, endpoint string, logs io.Writer) (*Exporter, map[string]*watched) {
	t.Helper()
	e := New(Options{Logger: log.NewLogfmtLogger(log.NewSyncWriter(logs))})
	cfg := benchConfigWith(t, endpoint, func(a *config.Account) {
		a.SMS.Discover, a.DRS.Discover = true, true
	})
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	a, _ := e.account("bench")
	ws := map[string]*watched{}
	for _, w := range a.watched {
		ws[w.svc.module()] = w
	}
	return e, ws
}

// discoverTwice lists SMS tasks and DRS jobs twice (the second time past
// the discovery interval, so each is listed again) and returns the ids
// kept.
func discoverTwice(t *testing.T, ws map[string]*watched) (sms, drs []string) {
	t.Helper()
	ctx := context.Background()
	failed := func(err error) { t.Fatal(err) }
	for _, now := range []time.Time{time.Now(), time.Now().Add(time.Hour)} {
		sms = ws["sms"].discovery.taskIDs(ctx, now, failed)
		drs = nil
		for _, j := range ws["drs"].state.(*drsState).jobs.taskIDs(ctx, now, failed) {
			drs = append(drs, string(j.ID))
		}
	}
	return sms, drs
}

func TestDiscoveryCountsAndLogsRejectedIDsOnce(t *testing.T) {
	smsIDs := []string{"good-1", "../../v3/x", "bad id", "", "good-2", "bad id"}
	drsIDs := []string{"job-1", "job/2"}
	logs := &strings.Builder{}
	e, ws := discoveringExporter(t, listServer(t, smsIDs, drsIDs), logs)

	sms, drs := discoverTwice(t, ws)
	if fmt.Sprint(sms) != "[good-1 good-2]" || fmt.Sprint(drs) != "[job-1]" {
		t.Errorf("kept sms %q, drs %q", sms, drs)
	}
	// Every list counts what it drops: 4 SMS entries (one id twice) and one
	// DRS job each time.
	want := `
# HELP migration_exporter_discovery_rejected_ids_total Task ids a discovery list returned that are not valid task ids (unsafe in a URL path), dropped; counted in every list that returns them.
# TYPE migration_exporter_discovery_rejected_ids_total counter
migration_exporter_discovery_rejected_ids_total{api="cdm"} 0
migration_exporter_discovery_rejected_ids_total{api="dcs"} 0
migration_exporter_discovery_rejected_ids_total{api="drs"} 2
migration_exporter_discovery_rejected_ids_total{api="oms"} 0
migration_exporter_discovery_rejected_ids_total{api="sms"} 8
`
	if err := testutil.CollectAndCompare(e.rejectedIDs, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if problems, err := testutil.CollectAndLint(e.rejectedIDs); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
	registered := false
	for _, c := range e.Collectors() {
		registered = registered || c == e.rejectedIDs
	}
	if !registered {
		t.Error("the counter is not among the exporter's collectors")
	}
	// One warning per distinct id, across both lists.
	got := logLines(logs, "discovery dropped a task id")
	wantIDs := []string{`api=sms module=sms task_id=../../v3/x`, `api=sms module=sms task_id="bad id"`,
		`api=sms module=sms task_id=`, `api=drs module=drs task_id=job/2`}
	if len(got) != len(wantIDs) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(wantIDs), strings.Join(got, "\n"))
	}
	for i, w := range wantIDs {
		if !strings.HasPrefix(got[i], "level=warn ") || !strings.HasSuffix(got[i], w) {
			t.Errorf("line %d: %s, want it to end in %s", i, got[i], w)
		}
	}
	if n := len(logLines(logs, "further ones are only counted")); n != 0 {
		t.Errorf("%d 'more' lines for 4 ids", n)
	}
}

// TestDiscoveryRemembersBoundedRejectedIDs: a list of many bad ids logs
// the first maxRejectedLogged of them and one line saying the rest are
// only counted, and remembers no more than that.
func TestDiscoveryRemembersBoundedRejectedIDs(t *testing.T) {
	const n = 3 * maxRejectedLogged
	bad := make([]string, n)
	for i := range bad {
		bad[i] = fmt.Sprintf("bad/%d", i)
	}
	logs := &strings.Builder{}
	e, ws := discoveringExporter(t, listServer(t, bad, nil), logs)
	discoverTwice(t, ws)

	if got := testutil.ToFloat64(e.rejectedIDs.WithLabelValues("sms")); got != 2*n {
		t.Errorf("counted %v, want %d", got, 2*n)
	}
	if got := len(logLines(logs, "discovery dropped a task id")); got != maxRejectedLogged {
		t.Errorf("%d id lines, want %d", got, maxRejectedLogged)
	}
	if got := logLines(logs, "further ones are only counted"); len(got) != 1 || !strings.Contains(got[0], "logged=100") {
		t.Errorf("'more' lines: %q", got)
	}
	if got := len(ws["sms"].discovery.reported); got != maxRejectedLogged {
		t.Errorf("%d ids remembered, want %d", got, maxRejectedLogged)
	}
}
