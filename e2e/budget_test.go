package e2e

import (
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
)

// An account whose tasks need more API calls per scrape than its rate
// allows within the scrape timeout is one warning at start-up with the
// figures (calls needed and possible, the rate and the timeout that would
// do), one on a reload, none on the scrapes; and its budget ratio is on
// /metrics and /exporter-metrics. Four DCS tasks need 8 calls a scrape;
// 2 requests/s for 1 s and a burst of 2 allow 4.
func TestEndToEndBudgetShortfallIsOneWarningAndARatio(t *testing.T) {
	t.Parallel()
	ids := []string{taskA, "task-b", "task-c", "task-d"}
	sim := startDCS(t, ids...)
	exp := startExporter(t, "--web.enable-lifecycle", "--scrape.timeout=1s", "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 2\n    dcs:\n      task_ids: ["+strings.Join(ids, ", ")+"]\n"))
	warnings := func() []string {
		return logLines(exp.Logs.String(), "level=warn", "need more API calls per scrape than its rate allows")
	}
	got := warnings()
	if len(got) != 1 {
		t.Fatalf("want one budget warning at start-up, got %d:\n%s", len(got), exp.Logs)
	}
	for _, want := range []string{"account=e2e", "calls_needed=8", "calls_possible=4", "requests_per_second=2", "scrape_timeout=1s",
		"requests_per_second_needed=8", "scrape_timeout_needed=3s"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the warning has no %s: %s", want, got[0])
		}
	}
	r := exp.scrape(t, nil)
	r.Expect(t, 2, "migration_exporter_api_budget_ratio", "account", "e2e")
	if calls, _ := r.Value("migration_exporter_api_calls_per_scrape", "account", "e2e", "api", "dcs"); calls > 4 || calls < 2 {
		t.Errorf("%g calls in a scrape at 2/s for 1 s with a burst of 2, want 2 to 4", calls)
	}
	exp.scrape(t, nil)
	if n := len(warnings()); n != 1 {
		t.Errorf("scrapes logged the budget again: %d warnings:\n%s", n, exp.Logs)
	}
	scrapetest.Get(t, exp.URL+"/exporter-metrics", nil).Expect(t, 2, "migration_exporter_api_budget_ratio", "account", "e2e")
	if code, body := postReload(t, exp); code != 200 {
		t.Fatalf("reload: %d %s", code, body)
	}
	if n := len(warnings()); n != 2 {
		t.Errorf("want the warning again on a reload, once: %d warnings:\n%s", n, exp.Logs)
	}
}
