package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/collector"
	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
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
		HasProgress: true, Progress: 2, Read: time.Now()}}, collector.StatusFresh})
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

func getPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(body)
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
	if resp, err := http.Get(exp.URL + "/nope"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope: %v %v, want 404", resp, err)
	} else {
		resp.Body.Close()
	}
}
