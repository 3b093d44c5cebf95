package e2e

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/collector"
	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/internal/testenv"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// apiRequests is the sum of migration_exporter_api_requests_total.
func apiRequests(r scrapetest.Result) float64 {
	var n float64
	for _, m := range r.Series("migration_exporter_api_requests_total") {
		n += m.GetCounter().GetValue()
	}
	return n
}

// chromium runs headless Chromium with args and returns its stdout.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir=" + t.TempDir()}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

var (
	rowRE          = regexp.MustCompile(`(?s)<tr class="[^"]*" data-module="([^"]*)" data-task-id="([^"]*)">(.*?)</tr>`)
	readinessRE    = regexp.MustCompile(`(?s)<td class="readiness">(.*?)</td>`)
	blockerRE      = regexp.MustCompile(`<li data-reason="([^"]*)">(.*?)</li>`)
	verificationRE = regexp.MustCompile(`(?s)<td class="verification">(.*?)</td>`)
	etaRE          = regexp.MustCompile(`(?s)<td class="eta">(.*?)</td>`)
	lagRE          = regexp.MustCompile(`(?s)<td class="lag">(.*?)</td>`)
)

// eachRow calls check with the row of each key of wants and what is
// wanted of it; a key with no row fails.
func eachRow[W any](t *testing.T, rows map[string]string, wants map[string]W, check func(key, row string, w W)) {
	t.Helper()
	for key, w := range wants {
		row, ok := rows[key]
		if !ok {
			t.Errorf("no row for %s", key)
			continue
		}
		check(key, row, w)
	}
}

// etaAndLag are a row's ETA and lag cells as rendered.
func etaAndLag(t *testing.T, row string) (eta, lag string) {
	t.Helper()
	e, l := etaRE.FindStringSubmatch(row), lagRE.FindStringSubmatch(row)
	if e == nil || l == nil {
		t.Errorf("no ETA or lag cell in %s", row)
		return "", ""
	}
	return e[1], l[1]
}

// minSec is v seconds (a minute to an hour) in the page's words, written
// here apart from the exporter's: "2 min 5 s", "3 min".
func minSec(v float64) string {
	s := int(math.Round(v))
	if s%60 == 0 {
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// readiness is a row's readiness cell as "reason: words" lines ("ready"
// when it says so, "" when the task is not judged), and its verification.
func readiness(t *testing.T, row string) (blockers []string, verification string) {
	t.Helper()
	cell, ver := readinessRE.FindStringSubmatch(row), verificationRE.FindStringSubmatch(row)
	if cell == nil || ver == nil {
		t.Errorf("no readiness or verification cell in %s", row)
		return nil, ""
	}
	if strings.Contains(cell[1], `<span class="ready">ready</span>`) {
		return []string{"ready"}, ver[1]
	}
	for _, b := range blockerRE.FindAllStringSubmatch(cell[1], -1) {
		blockers = append(blockers, b[1]+": "+b[2])
	}
	return blockers, ver[1]
}

// checkedAgo is how the page writes the age of a check that finished at
// ms (Unix milliseconds): in whole days, for the demo's checks. It returns
// the words as of before and after the page loaded (a day may turn).
func checkedAgo(ms int64, before, after time.Time) [2]string {
	days := func(now time.Time) string {
		return fmt.Sprintf("%d days ago", int(now.Sub(time.UnixMilli(ms))/(24*time.Hour)))
	}
	return [2]string{days(before), days(after)}
}

// TestStatusPageInBrowser loads / in headless Chromium after one scrape
// of a --simulate exporter: every demo task has a row, the deleted DCS
// task is down with its reason, the failed SMS task shows its state, and
// the page made no API call of its own.
func TestStatusPageInBrowser(t *testing.T) {
	bin := testenv.RequireBinary(t, "chromium")
	exp := startExporter(t, "--simulate")
	scraped := exp.scrape(t, nil)
	before := apiRequests(scraped)
	if before == 0 {
		t.Fatal("the scrape made no API request")
	}

	loading := time.Now()
	dom := chromium(t, bin, "--dump-dom", exp.URL+"/")
	loaded := time.Now()
	rows := map[string]string{} // module and task id → the row's cells
	for _, m := range rowRE.FindAllStringSubmatch(dom, -1) {
		rows[m[1]+" "+m[2]] = m[3]
	}
	if len(rows) == 0 {
		t.Fatalf("no task row in the rendered page:\n%s", dom)
	}
	for _, id := range simulator.DemoDCSTaskIDs() {
		if _, ok := rows["dcs "+id]; !ok {
			t.Errorf("no row for DCS task %s", id)
		}
	}
	if row := rows["dcs "+simulator.DemoDeletedDCSTask]; !strings.Contains(row, "down") || !strings.Contains(row, "not_found") {
		t.Errorf("the deleted DCS task is not shown down with reason not_found: %s", row)
	}
	for _, id := range simulator.DemoDCSTaskIDs() {
		if row := rows["dcs "+id]; id != simulator.DemoDeletedDCSTask && !strings.Contains(row, `class="up"`) {
			t.Errorf("DCS task %s is not shown up: %s", id, row)
		}
	}
	if row := rows["sms 7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23"]; !strings.Contains(row, `<td class="state failed">MIGRATE_FAIL</td>`) || !strings.Contains(row, "win-03-to-ecs") {
		t.Errorf("the failed SMS task's row has not its name and its state MIGRATE_FAIL marked failed: %s", row)
	}
	if !strings.Contains(dom, `<tr class="failed" data-module="sms" data-task-id="7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23">`) {
		t.Error("the failed SMS task (up: it was read) is not coloured as failed")
	}
	count := map[string]int{}
	for k := range rows {
		module, _, _ := strings.Cut(k, " ")
		count[module]++
	}
	for _, module := range []string{"sms", "drs", "oms", "oms_group", "cdm"} {
		if count[module] == 0 {
			t.Errorf("no %s row; rows: %v", module, count)
		}
	}
	if row := rows["drs "+simulator.DemoDeletedDRSJob]; !strings.Contains(row, "not_found") {
		t.Errorf("the deleted DRS job is not shown down with reason not_found: %s", row)
	}
	if row := rows["oms_group "+simulator.DemoOMSGroupID]; !strings.Contains(row, `class="bar"`) {
		t.Errorf("the OMS task group has no progress bar: %s", row)
	}
	checkReadinessColumn(t, rows, loading, loaded)
	checkETAAndLag(t, rows, scraped)
	if !strings.Contains(dom, "judged from the task's last poll alone") {
		t.Error("the page has no note that readiness is judged from the last poll alone")
	}
	if strings.Contains(dom, "debug/pprof") {
		t.Error("the page links to pprof, which the exporter does not serve")
	}
	for _, link := range []string{`href="/metrics"`, `href="/exporter-metrics"`, `href="/sd"`} {
		if !strings.Contains(dom, link) {
			t.Errorf("the landing page lost its link %s", link)
		}
	}

	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "status-page.png")
	chromium(t, bin, "--screenshot="+shot, "--window-size=1400,1000", "--hide-scrollbars", exp.URL+"/")
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)

	// The two page loads came within collector.StatusFresh of the scrape:
	// they rendered its results and called no API.
	if after := apiRequests(scrapetest.Get(t, exp.URL+"/exporter-metrics", nil)); after != before {
		t.Errorf("loading the status page made %v API requests, want none (a fresh scrape exists, %v)", after-before, collector.StatusFresh)
	}
}

// getPage GETs url and fails the test unless it answers 200.
func getPage(t *testing.T, url string) string {
	t.Helper()
	a := get(t, url)
	if a.code != http.StatusOK {
		t.Fatalf("GET %s: %d", url, a.code)
	}
	return a.body
}

// Before any scrape the page polls once; a second load uses that poll's
// results and calls no API.
func TestStatusPagePollsOnlyWithoutRecentScrape(t *testing.T) {
	exp := startExporter(t, "--simulate")
	page := getPage(t, exp.URL+"/")
	for _, id := range simulator.DemoDCSTaskIDs() {
		if !strings.Contains(page, `data-task-id="`+id+`"`) {
			t.Errorf("no row for DCS task %s before any scrape:\n%s", id, page)
		}
	}
	before := apiRequests(scrapetest.Get(t, exp.URL+"/exporter-metrics", nil))
	if before == 0 {
		t.Fatal("the first page load polled nothing")
	}
	getPage(t, exp.URL+"/")
	if after := apiRequests(scrapetest.Get(t, exp.URL+"/exporter-metrics", nil)); after != before {
		t.Errorf("the second page load made %v API requests, want none", after-before)
	}
	if code := get(t, exp.URL+"/nope").code; code != http.StatusNotFound {
		t.Errorf("GET /nope: %d, want 404", code)
	}
}

// checkReadinessColumn asserts the readiness and verification of every
// demo task but the DRS jobs' verification, which the DRS comparison
// series decide.
func checkReadinessColumn(t *testing.T, rows map[string]string, loading, loaded time.Time) {
	t.Helper()
	offsetRE := regexp.MustCompile(`^offset_high: offset [1-9][0-9]{0,2}(,[0-9]{3})* above 1,000$`)
	type want struct {
		blockers []string
		// offset: 1, and an offset_high whose figure moves with time last;
		// 2, maybe (a task whose full sync just started has an offset
		// above 1,000 after its first fraction of a second).
		offset       int
		verification [2]string // either: the age in days may turn while the page loads
	}
	never := [2]string{"never checked", "never checked"}
	none := [2]string{}
	with := func(result string, age [2]string) [2]string {
		return [2]string{result + ", checked " + age[0], result + ", checked " + age[1]}
	}
	wants := map[string]want{
		"dcs 31c6fd2b-2893-430b-90ff-d1adb8060585": {[]string{"not_incremental: not in its incremental phase (MIGRATING)"}, 2, none},
		"dcs 7f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b": {[]string{"not_incremental: not in its incremental phase (MIGRATING)"}, 1, none},
		"dcs a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9": {[]string{"failed: failed: FAILED", "not_incremental: not in its incremental phase (FAILED)"}, 0, none},
		"dcs " + simulator.DemoDeletedDCSTask:      {[]string{"down: the last poll failed (not_found)"}, 0, none},
		// Copying, never checked.
		"sms 5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01": {[]string{"not_incremental: not synced yet (RUNNING)",
			"verify_missing: never checked for consistency"}, 0, never},
		// Syncing; its check found differences but is older than the sync.
		"sms 6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12": {[]string{"not_incremental: not synced yet (SYNCING)",
			"verify_stale: consistency check older than the last sync"}, 0,
			with("2 files different, 4 missing on target", checkedAgo(1795433000000, loading, loaded))},
		// Failed, its agent gone; its check (the flat shape) after the full copy
		// found differences.
		"sms 7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23": {[]string{"failed: failed: MIGRATE_FAIL", "not_incremental: not synced yet (MIGRATE_FAIL)",
			"agent_disconnected: migration agent disconnected", "verify_mismatch: consistency check found 40 files different, 7 missing on target"}, 0,
			with("40 files different, 7 missing on target", checkedAgo(1795400000000, loading, loaded))},
		// Synced, checked clean after its sync.
		"sms 8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34": {[]string{"ready"}, 0, with("consistent", checkedAgo(1795434000000, loading, loaded))},
		"oms 220621019041293":                      {[]string{"in_progress: not finished (RUNNING)", "listing_incomplete: source listing not complete"}, 0, none},
		"oms 220621019041294":                      {[]string{"ready"}, 0, none},
		"oms 220621019041295":                      {[]string{"in_progress: not finished (RUNNING)"}, 0, none},
		// Failed, with its error reason.
		"oms 220621019041296": {[]string{"failed: failed: FAILED (TRF.0051: The AK/SK does not have permission to access the destination bucket or object.)",
			"failed_objects: 87 objects failed"}, 0, none},
		// Task groups have no readiness.
		"oms_group " + simulator.DemoOMSGroupID: {nil, 0, none},
		// CDM: incremental, succeeded, failed with dirty data, never run
		// (in the stopped cluster), and deleted.
		"cdm " + simulator.DemoCDMCluster + "/orders_incremental": {[]string{"ready"}, 0, none},
		"cdm " + simulator.DemoCDMCluster + "/customers_full":     {[]string{"ready"}, 0, none},
		"cdm " + simulator.DemoCDMCluster + "/events_to_dws":      {[]string{"failed: failed: FAILED", "skipped_rows: 1,000 rows skipped"}, 0, none},
		"cdm " + simulator.DemoStoppedCDMCluster + "/logs_to_obs": {[]string{"in_progress: not finished (NEVER_EXECUTED)"}, 0, none},
		"cdm " + simulator.DemoDeletedCDMJob:                      {[]string{"down: the last poll failed (not_found)"}, 0, none},
	}
	eachRow(t, rows, wants, func(key, row string, w want) {
		blockers, verification := readiness(t, row)
		if n := len(blockers); w.offset > 0 && n > 0 && offsetRE.MatchString(blockers[n-1]) {
			blockers = blockers[:n-1]
		} else if w.offset == 1 {
			t.Errorf("%s: blockers %q, want an offset_high last", key, blockers)
		}
		if !slices.Equal(blockers, w.blockers) || verification != w.verification[0] && verification != w.verification[1] {
			t.Errorf("%s:\n got %q, %q\nwant %q, %q", key, blockers, verification, w.blockers, w.verification[0])
		}
	})
	// DRS, with the demo's comparisons (their times keep their distance
	// to the simulator's start: see simulator.DemoComparisonsEpoch).
	for key, want := range map[string]struct {
		blockers     []string
		verification string
	}{
		"drs 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101": {[]string{"not_incremental: not in its incremental phase (FULL_TRANSFER_STARTED)",
			"verify_missing: latest rows comparison RUNNING"}, "rows comparison RUNNING"},
		"drs 4a3b0d2f-6c8e-4f90-8b1c-2d3e4f5ajb101": {[]string{"ready"}, "consistent, compared 23 min ago"},
		"drs 5b4c1e3a-7d9f-4a01-9c2d-3e4f5a6bjb101": {[]string{"failed: failed: INCRE_TRANSFER_FAILED", "not_incremental: not in its incremental phase (INCRE_TRANSFER_FAILED)",
			"verify_mismatch: rows comparison found 3 tables inconsistent"}, "3 tables inconsistent, compared 5 min ago"},
		"drs 6c5d2f4b-8e0a-4b12-8d3e-4f5a6b7cjb101": {[]string{"verify_missing: no rows comparison"}, "never compared"},
		"drs " + simulator.DemoDeletedDRSJob:        {[]string{"down: the last poll failed (not_found)"}, ""},
	} {
		blockers, verification := readiness(t, rows[key])
		if !slices.Equal(blockers, want.blockers) || verification != want.verification {
			t.Errorf("%s:\n got %q, %q\nwant %q, %q", key, blockers, verification, want.blockers, want.verification)
		}
	}
}

// checkETAAndLag asserts the ETA and lag cells of the demo after the scrape
// r: each row's ETA is the remaining time the scrape read, in words (the
// DRS job in its full phase and web-01's copy checked here in words of
// their own); the DRS jobs by stage show their delays by stage, which move
// with the real clock (read from r), and the SMS agents their connection
// (web-01's agent is away only from minute 4 of the simulator's clock).
func checkETAAndLag(t *testing.T, rows map[string]string, r scrapetest.Result) {
	t.Helper()
	remaining := map[string]float64{}
	for _, name := range []string{"sms_migration_remaining_seconds", "drs_migration_remaining_seconds", "oms_migration_remaining_seconds"} {
		module, _, _ := strings.Cut(name, "_")
		for _, m := range r.Series(name) {
			for _, l := range m.GetLabel() {
				if l.GetName() == "task_id" {
					remaining[module+" "+l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	etas := 0
	for key, row := range rows {
		eta, _ := etaAndLag(t, row)
		want := ""
		if v := remaining[key]; v > 0 {
			want = collector.DurationWords(v)
			etas++
		}
		if eta != want {
			t.Errorf("%s: ETA %q, want %q", key, eta, want)
		}
	}
	if etas < 4 {
		t.Errorf("%d rows with an ETA, want at least the copying SMS task, the DRS job in its full phase and two OMS tasks", etas)
	}
	// Full phase since 7 min of 10 at the start: 3 min left.
	orders, web01 := "drs 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101", "sms 5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01"
	if v := remaining[orders]; v < 120 || v > 180 {
		t.Errorf("%s: %v s remaining, want up to 3 min", orders, v)
	} else if eta, _ := etaAndLag(t, rows[orders]); eta != minSec(v) {
		t.Errorf("%s: ETA %q, want %q", orders, eta, minSec(v))
	}
	if v := remaining[web01]; v < 60 || v >= 3600 {
		t.Errorf("%s: %v s remaining, want minutes", web01, v)
	} else if eta, _ := etaAndLag(t, rows[web01]); eta != minSec(v) {
		t.Errorf("%s: ETA %q, want %q", web01, eta, minSec(v))
	}

	// The delays by stage. The climbing job's target delay is 125 s at the
	// simulator's start and climbs 0.1 s a second; the draining one's 750 s,
	// falling 0.5 s a second.
	target := func(id string, from, to float64) float64 {
		t.Helper()
		v, ok := r.Value("drs_migration_stage_delay_seconds", "task_id", id, "stage", "target")
		if !ok || v < from || v > to {
			t.Errorf("%s: target delay %v (%v), want %v to %v s", id, v, ok, from, to)
		}
		return v
	}
	climbing := target(simulator.DemoClimbingDRSJob, 125, 130)
	draining := target(simulator.DemoDrainingDRSJob, 725, 750)
	agent := func(connected string) string { return `<span class="health">agent ` + connected + `</span>` }
	gone := `<span class="health bad">agent disconnected</span>`
	type lagWant struct{ lag, blockers string }
	eachRow(t, rows, map[string]lagWant{
		"drs " + simulator.DemoClimbingDRSJob: {"source 0.2 s, target " + minSec(climbing),
			"lag_high: target apply delay " + minSec(climbing) + ", 5 s or more|verify_missing: no rows comparison"},
		"drs " + simulator.DemoDrainingDRSJob: {"source 0.3 s, target " + minSec(draining),
			"lag_high: target apply delay " + minSec(draining) + ", 5 s or more|verify_missing: no rows comparison"},
		"drs " + simulator.DemoRecoveryDRSJob: {"source 0.1 s, target 0.4 s", "verify_missing: no rows comparison"},
		// Full phase, failed: no delay.
		"drs 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101": {"", ""},
		"drs 5b4c1e3a-7d9f-4a01-9c2d-3e4f5a6bjb101": {"", ""},
		web01: {agent("connected"), ""},
		"sms 6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12": {agent("connected"), ""},
		"sms 7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23": {gone, ""},
		"sms 8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34": {agent("connected"), ""},
	}, func(key, row string, want lagWant) {
		if _, lag := etaAndLag(t, row); lag != want.lag {
			t.Errorf("%s: lag %q, want %q", key, lag, want.lag)
		}
		if blockers, _ := readiness(t, row); want.blockers != "" && strings.Join(blockers, "|") != want.blockers {
			t.Errorf("%s: blockers %q, want %q", key, blockers, want.blockers)
		}
	})
	// A job whose delay rises and falls (its target delay is its
	// replication delay, under a minute), and a DCS task's offset, as its
	// readiness writes it.
	for key, re := range map[string]string{
		"drs 6c5d2f4b-8e0a-4b12-8d3e-4f5a6b7cjb101": `^source 0\.12 s, target [0-9]+(\.[0-9]+)? s$`,
		"dcs 7f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b":  `^offset [0-9]{1,3}(,[0-9]{3})*$`,
	} {
		if _, lag := etaAndLag(t, rows[key]); !regexp.MustCompile(re).MatchString(lag) {
			t.Errorf("%s: lag %q, want it to match %s", key, lag, re)
		}
	}
}

// pageRows GETs the status page and returns its rows by module and task
// id.
func pageRows(t *testing.T, exp exporter) map[string]string {
	t.Helper()
	rows := map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(getPage(t, exp.URL+"/"), -1) {
		rows[m[1]+" "+m[2]] = m[3]
	}
	return rows
}

// The ETA and lag by stage on a simulated clock, with exact words: six
// minutes in, web-01's agent is away (agent_disconnected, and the lag
// cell says so), the climbing job's target is 2 min 41 s behind and the
// draining one's 9 min 30 s, and a job whose target endpoint DRS reports
// unhealthy says so; at eleven minutes web-01's agent is back.
func TestStatusPageETAAndLagOnTheSimulatedClock(t *testing.T) {
	t.Parallel()
	const endpointDown = "c0000000-0000-4000-8000-00000000jb09"
	clock := newSimClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	sim := startClockedSimulator(t, false, clock)
	sim.AddDemoTasks()
	sim.AddDRSJob(simulator.DRSJob{ID: endpointDown, Name: "target-down",
		Movement: simulator.DRSMovement{StartedAgo: 20 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:   simulator.DRSStages{SourceMillis: 1500, TargetMillis: 2000, TargetDown: true, RowsPerSecond: 10}})
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 5000\n    sms:\n      discover: true\n      verify_interval: 1ms\n    drs:\n      discover: true\n"))
	web01 := "sms 5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01"
	type want struct{ eta, lag, blockers string }
	check := func(rows map[string]string, wants map[string]want) {
		t.Helper()
		eachRow(t, rows, wants, func(key, row string, w want) {
			eta, lag := etaAndLag(t, row)
			blockers, _ := readiness(t, row)
			if eta != w.eta || lag != w.lag || strings.Join(blockers, "|") != w.blockers {
				t.Errorf("%s:\n got %q, %q, %q\nwant %q, %q, %q", key, eta, lag, strings.Join(blockers, "|"), w.eta, w.lag, w.blockers)
			}
		})
	}

	for _, step := range []struct {
		at    time.Duration
		wants map[string]want
	}{{6 * time.Minute, map[string]want{
		web01: {"17 min", `<span class="health bad">agent disconnected</span>`,
			"not_incremental: not synced yet (RUNNING)|agent_disconnected: migration agent disconnected|verify_missing: never checked for consistency"},
		"drs " + simulator.DemoClimbingDRSJob: {"", "source 0.2 s, target 2 min 41 s",
			"lag_high: target apply delay 2 min 41 s, 5 s or more|verify_missing: no rows comparison"},
		"drs " + simulator.DemoDrainingDRSJob: {"", "source 0.3 s, target 9 min 30 s",
			"lag_high: target apply delay 9 min 30 s, 5 s or more|verify_missing: no rows comparison"},
		"drs " + endpointDown: {"", `source 1.5 s, target 2 s<span class="health bad">target endpoint down</span>`,
			"verify_missing: no rows comparison"},
		// 7 min of its 10 min full phase done at the start: incremental
		// since minute 3, its delay rising and falling.
		"drs 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101": {"", "source 0.18 s, target 1.47 s",
			"verify_missing: latest rows comparison RUNNING"},
	}}, {11 * time.Minute, map[string]want{
		web01: {"12 min", `<span class="health">agent connected</span>`,
			"not_incremental: not synced yet (RUNNING)|verify_missing: never checked for consistency"},
		"drs " + simulator.DemoClimbingDRSJob: {"", "source 0.2 s, target 3 min 11 s",
			"lag_high: target apply delay 3 min 11 s, 5 s or more|verify_missing: no rows comparison"},
	}}} {
		clock.set(step.at)
		time.Sleep(2 * time.Millisecond) // verify_interval has passed
		exp.scrape(t, nil)
		check(pageRows(t, exp), step.wants)
	}
}
