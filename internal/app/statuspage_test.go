package app

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/migration-exporter/migration_exporter/collector"
)

// Task names, states and reasons come from the network: the table escapes
// them.
func TestStatusTableEscapes(t *testing.T) {
	var b strings.Builder
	hostile := `<script>alert(1)</script>"'&`
	err := statusTemplate.Execute(&b, struct {
		Tasks []collector.TaskStatus
		Fresh time.Duration
	}{[]collector.TaskStatus{{Module: "dcs", Account: hostile, ID: hostile, Name: hostile, State: hostile, Reason: hostile,
		HasProgress: true, Progress: 2, Read: time.Now(),
		Judged: true, Blockers: []collector.Blocker{{Reason: hostile, Text: hostile}}, Verification: hostile}}, collector.StatusFresh})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") || strings.Contains(b.String(), `"'&`) {
		t.Errorf("a value from the API is not escaped:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "width: 100.0%") {
		t.Errorf("a progress over 1 is not capped to a full bar:\n%s", b.String())
	}
}

// The ETA and the lag cells, exactly: the API's ETA in words, a DRS job's
// delays by stage and a down endpoint, an SMS agent, a DCS offset.
func TestStatusTableETAAndLag(t *testing.T) {
	tasks := []collector.TaskStatus{
		{Module: "drs", ID: "climbing", HasRemain: true, Remaining: 0, HasDelay: true, Delay: 125,
			HasSourceDelay: true, SourceDelay: 0.2, HasTargetDelay: true, TargetDelay: 125.4, TargetDown: true},
		{Module: "drs", ID: "progress-only", HasDelay: true, Delay: 7.25},
		{Module: "drs", ID: "source-only", HasDelay: true, Delay: 3, HasSourceDelay: true, SourceDelay: 0.25, SourceDown: true, TargetDown: true},
		{Module: "drs", ID: "full", HasRemain: true, Remaining: 180},
		{Module: "sms", ID: "copying", HasRemain: true, Remaining: 1021, HasAgent: true, AgentConnected: true},
		{Module: "sms", ID: "away", HasRemain: true, Remaining: 2 * 86400, HasAgent: true},
		{Module: "dcs", ID: "incremental", HasOffset: true, Offset: 12345},
		{Module: "oms", ID: "nothing"},
	}
	for i := range tasks {
		tasks[i].Up, tasks[i].Read = true, time.Now()
	}
	b := renderStatusTable(t, tasks)
	row := regexp.MustCompile(`(?s)data-task-id="([^"]*)">.*?<td class="eta">(.*?)</td>\s*<td class="lag">(.*?)</td>`)
	got := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(b.String(), -1) {
		got[m[1]] = [2]string{m[2], m[3]}
	}
	want := map[string][2]string{
		"climbing":      {"", `source 0.2 s, target 2 min 5 s<span class="health bad">target endpoint down</span>`},
		"progress-only": {"", "delay 7.25 s"},
		"source-only":   {"", `delay 3 s, source 0.25 s<span class="health bad">source and target endpoints down</span>`},
		"full":          {"3 min", ""},
		"copying":       {"17 min 1 s", `<span class="health">agent connected</span>`},
		"away":          {"2 days", `<span class="health bad">agent disconnected</span>`},
		"incremental":   {"", "offset 12,345"},
		"nothing":       {"", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ETA and lag cells:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(b.String(), "task:migration_catchup_eta_seconds") {
		t.Error("the page does not say where the catch-up forecast is")
	}
}

// A task that was read but is in a failure state is not shown healthy:
// its row is red and its state too, whatever its up; a task read and well
// keeps the green up.
func TestStatusTableColoursFailedTasks(t *testing.T) {
	tasks := []collector.TaskStatus{
		{Module: "sms", ID: "failed", Up: true, State: "MIGRATE_FAIL", Judged: true,
			Blockers: []collector.Blocker{{Reason: "failed", Text: "failed: MIGRATE_FAIL"}}},
		{Module: "sms", ID: "copying", Up: true, State: "RUNNING", Judged: true,
			Blockers: []collector.Blocker{{Reason: "not_incremental", Text: "not synced yet"}}},
		{Module: "dcs", ID: "gone", Reason: "not_found"},
	}
	for i := range tasks {
		tasks[i].Read = time.Now()
	}
	b := renderStatusTable(t, tasks)
	row := regexp.MustCompile(`<tr class="([^"]*)" data-module="[^"]*" data-task-id="([^"]*)">(?s:.*?)<td class="(state[^"]*)">`)
	got := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(b.String(), -1) {
		got[m[2]] = [2]string{m[1], m[3]}
	}
	want := map[string][2]string{
		"failed":  {"failed", "state failed"},
		"copying": {"up-row", "state"},
		"gone":    {"down", "state"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row and state classes:\n got %q\nwant %q", got, want)
	}
}

// Through the exporter and the status page, polling the simulated cloud's
// demo: the failed OMS task's row names its error reason in its failed
// blocker's words, exactly; its status cell says up.
func TestStatusPageShowsTheFailureWords(t *testing.T) {
	sim, cfg, err := startSimulation()
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	cfg.ApplyDefaults()
	e := collector.New(collector.Options{ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	page, err := newStatusPage(web.LandingConfig{Name: "Migration Exporter"}, e)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	row := regexp.MustCompile(`(?s)<tr class="([^"]*)" data-module="oms" data-task-id="220621019041296">(.*?)</tr>`).FindStringSubmatch(rec.Body.String())
	if row == nil {
		t.Fatalf("no row for the failed OMS task:\n%s", rec.Body)
	}
	cell := regexp.MustCompile(`(?s)<td class="readiness">(.*?)</td>`).FindStringSubmatch(row[2])
	want := `<ul class="blockers"><li data-reason="failed">failed: FAILED (TRF.0051: The AK/SK does not have permission to access the destination bucket or object.)</li>` +
		`<li data-reason="failed_objects">87 objects failed</li></ul>`
	if cell == nil || cell[1] != want {
		t.Errorf("readiness cell:\n got %q\nwant %q", cell, want)
	}
	if status := regexp.MustCompile(`<td class="status">(.*?)</td>`).FindStringSubmatch(row[2]); row[1] != "failed" || status == nil || status[1] != `<span class="up">up</span>` {
		t.Errorf("row class %q, status cell %q", row[1], status)
	}
}

// renderStatusTable renders the status table of tasks.
func renderStatusTable(t *testing.T, tasks []collector.TaskStatus) *strings.Builder {
	t.Helper()
	var b strings.Builder
	if err := statusTemplate.Execute(&b, struct {
		Tasks []collector.TaskStatus
		Fresh time.Duration
	}{tasks, collector.StatusFresh}); err != nil {
		t.Fatal(err)
	}
	return &b
}
