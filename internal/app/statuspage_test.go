package app

import (
	"strings"
	"testing"
	"time"

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
