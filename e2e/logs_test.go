package e2e

import (
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// logLines are the lines of logs that contain every one of parts.
func logLines(logs string, parts ...string) []string {
	var found []string
	for line := range strings.SplitSeq(logs, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok && line != "" {
			found = append(found, line)
		}
	}
	return found
}

// An on-call reads at info level: a task going down is one warn line with
// the reason and the cloud's message however many scrapes it stays down,
// and its coming back is one info line. A probe of the same task does not
// log the change again.
func TestEndToEndTaskDownAndBackIsLoggedOncePerChange(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	sim.SetFault(taskA, simulator.Fault{Kind: simulator.FaultNotFound})
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))

	for range 3 {
		exp.scrape(t, nil).Expect(t, 0, "dcs_migration_up", "task_id", taskA)
	}
	scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", taskA), nil).Expect(t, 0, "probe_success")
	task := []string{"account=e2e", "api=dcs", "module=dcs", "task_id=" + taskA}
	down := logLines(exp.Logs.String(), append([]string{"level=warn", `msg="task is down"`}, task...)...)
	if len(down) != 1 {
		t.Fatalf("want one warn line for the task, got %d:\n%s", len(down), exp.Logs)
	}
	for _, want := range []string{"reason=not_found", "DCS.4133", "Instance job is not found."} {
		if !strings.Contains(down[0], want) {
			t.Errorf("warn line has no %q: %s", want, down[0])
		}
	}
	if n := len(logLines(exp.Logs.String(), "level=debug")); n != 0 {
		t.Errorf("debug lines at --log.level=info: %d", n)
	}

	sim.SetFault(taskA, simulator.Fault{})
	for range 2 {
		exp.scrape(t, nil).Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	}
	scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", taskA), nil).Expect(t, 1, "probe_success")
	back := logLines(exp.Logs.String(), append([]string{"level=info", `msg="task is back up"`}, task...)...)
	if len(back) != 1 {
		t.Fatalf("want one info line that the task is back, got %d:\n%s", len(back), exp.Logs)
	}
	if n := len(logLines(exp.Logs.String(), `msg="task is down"`)); n != 1 {
		t.Errorf("%d warn lines after the task came back, want still 1:\n%s", n, exp.Logs)
	}
}

// A task that is up when first seen logs nothing; the per-scrape debug line
// of a failing task stays.
func TestEndToEndUpTaskLogsNothingAndDebugKeepsEveryFailure(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA, "t-broken")
	sim.SetFault("t-broken", simulator.Fault{Kind: simulator.FaultNotFound})
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA, "t-broken"), "--log.level=debug")
	for range 2 {
		exp.scrape(t, nil)
	}
	logs := exp.Logs.String()
	if n := len(logLines(logs, "task_id="+taskA)); n != 0 {
		t.Errorf("an up task logged %d lines:\n%s", n, logs)
	}
	if n := len(logLines(logs, `msg="task poll failed"`, "task_id=t-broken")); n != 2 {
		t.Errorf("%d debug lines for 2 failed polls, want 2:\n%s", n, logs)
	}
	if n := len(logLines(logs, `msg="task is down"`, "task_id=t-broken")); n != 1 {
		t.Errorf("%d warn lines, want 1:\n%s", n, logs)
	}
}
