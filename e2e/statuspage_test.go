package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

var rowRE = regexp.MustCompile(`(?s)<tr class="[^"]*" data-module="([^"]*)" data-task-id="([^"]*)">(.*?)</tr>`)

// TestStatusPageInBrowser loads / in headless Chromium after one scrape
// of a --simulate exporter: every demo task has a row, the deleted DCS
// task is down with its reason, the failed SMS task shows its state, and
// the page made no API call of its own.
func TestStatusPageInBrowser(t *testing.T) {
	bin := testenv.RequireBinary(t, "chromium")
	exp := startExporter(t, "--simulate")
	before := apiRequests(exp.scrape(t, nil))
	if before == 0 {
		t.Fatal("the scrape made no API request")
	}

	dom := chromium(t, bin, "--dump-dom", exp.URL+"/")
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
	if row := rows["sms 7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23"]; !strings.Contains(row, "MIGRATE_FAIL") || !strings.Contains(row, "win-03-to-ecs") {
		t.Errorf("the failed SMS task's row has not its name and state MIGRATE_FAIL: %s", row)
	}
	count := map[string]int{}
	for k := range rows {
		module, _, _ := strings.Cut(k, " ")
		count[module]++
	}
	for _, module := range []string{"sms", "drs", "oms", "oms_group"} {
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
