package collector

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/migration-exporter/migration_exporter/config"
)

// parseConfig parses a config text, with its defaults.
func parseConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("test.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Each service's estimate of the calls a scrape makes for n tasks: DCS two
// a task, SMS and OMS one, CDM one a job and the cluster list, DRS two
// batch calls per batch_size jobs and a monitor-data call a job.
func TestCallsPerScrapeEstimates(t *testing.T) {
	e := New(Options{Transport: cannedTransport{}})
	cfg := parseConfig(t, `accounts:
  - name: a
    region: cn-north-4
    project_id: p1
    credentials: {access_key: AK1, secret_key: SK1}
    drs: {discover: true, batch_size: 7}
`)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	a := (*e.accounts.Load())[0]
	for _, c := range []struct {
		module string
		n      int
		want   float64
	}{
		{"dcs", 1, 2}, {"dcs", 250, 500},
		{"sms", 1, 1}, {"sms", 2000, 2000},
		{"oms", 3, 3}, {omsGroupModule, 4, 4},
		{"cdm", 1, 2}, {"cdm", 40, 41},
		{"drs", 1, 2 + 1}, {"drs", 7, 2 + 7}, {"drs", 8, 4 + 8}, {"drs", 70, 20 + 70},
	} {
		w, ok := a.watching(c.module)
		if !ok {
			t.Fatalf("no module %s", c.module)
		}
		if got := w.svc.callsPerScrape(w, c.n); got != c.want {
			t.Errorf("%s, %d tasks: %g calls per scrape, want %g", c.module, c.n, got, c.want)
		}
	}
}

// An account whose tasks need more calls than its rate allows within the
// scrape timeout is one warning with the figures when a config is applied
// (start-up and each reload), none on the scrapes after, one more when
// discovery takes an account over its budget; an account within its budget
// is never warned about.
func TestBudgetWarnsOncePerApplyAndPerGoingOver(t *testing.T) {
	var logs bytes.Buffer
	e := New(Options{Transport: cannedTransport{}, Logger: log.NewLogfmtLogger(&logs), ScrapeTimeout: 10 * time.Second})
	// over: 17 DCS tasks (34 calls) and 10 SMS tasks (10 calls) at 2/s in
	// 10 s: 44 needed, 2×10+2 = 22 possible. within: 1 DCS task and
	// discovered SMS tasks, none listed yet: 2 needed, 1×10+1 = 11 possible.
	var dcs []string
	for i := range 17 {
		dcs = append(dcs, "d"+string(rune('a'+i)))
	}
	text := `accounts:
  - name: over
    region: cn-north-4
    project_id: p1
    credentials: {access_key: AK1, secret_key: SK1}
    requests_per_second: 2
    dcs: {task_ids: [` + strings.Join(dcs, ", ") + `]}
    sms: {task_ids: [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9]}
  - name: within
    region: cn-north-4
    project_id: p2
    credentials: {access_key: AK2, secret_key: SK2}
    requests_per_second: 1
    dcs: {task_ids: [x]}
    sms: {discover: true}
`
	warnings := func() []string {
		var found []string
		for line := range strings.SplitSeq(logs.String(), "\n") {
			if strings.Contains(line, "need more API calls per scrape") {
				found = append(found, line)
			}
		}
		return found
	}
	if err := e.ApplyConfig(parseConfig(t, text)); err != nil {
		t.Fatal(err)
	}
	got := warnings()
	if len(got) != 1 {
		t.Fatalf("want 1 warning at start-up, got %d:\n%s", len(got), logs.String())
	}
	for _, want := range []string{"level=warn", "account=over", "calls_needed=44", "calls_possible=22", "requests_per_second=2",
		"scrape_timeout=10s", "requests_per_second_needed=5", "scrape_timeout_needed=21s"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("warning has no %q: %s", want, got[0])
		}
	}
	budgets := func() map[string]float64 {
		out := map[string]float64{}
		for _, a := range *e.accounts.Load() {
			out[a.name] = a.budget(e.pollTimeout()).ratio()
		}
		return out
	}
	if b := budgets(); b["over"] != 2 || b["within"] != 2.0/11 {
		t.Errorf("budget ratios %v, want over 2 and within 2/11", b)
	}

	// Scrapes after it: no more warnings.
	e.checkBudgets(*e.accounts.Load(), false)
	e.checkBudgets(*e.accounts.Load(), false)
	if n := len(warnings()); n != 1 {
		t.Fatalf("scrapes logged the budget again: %d warnings:\n%s", n, logs.String())
	}

	// A reload: the warning again, once.
	if err := e.ApplyConfig(parseConfig(t, text)); err != nil {
		t.Fatal(err)
	}
	if n := len(warnings()); n != 2 {
		t.Fatalf("want 2 warnings after a reload, got %d:\n%s", n, logs.String())
	}

	// Discovery lists 20 SMS tasks for within: 22 needed, 11 possible.
	within, _ := e.account("within")
	w, _ := within.watching("sms")
	for i := range 20 {
		w.discovery.ids = append(w.discovery.ids, "s"+string(rune('a'+i)))
	}
	w.discovery.fetched = time.Now()
	e.checkBudgets(*e.accounts.Load(), false)
	e.checkBudgets(*e.accounts.Load(), false)
	got = warnings()
	if len(got) != 3 || !strings.Contains(got[2], "account=within") || !strings.Contains(got[2], "calls_needed=22") {
		t.Fatalf("want one more warning, for within's 22 calls, got %d:\n%s", len(got), logs.String())
	}
	if b := budgets(); b["within"] != 2 {
		t.Errorf("within's budget ratio %g, want 2", b["within"])
	}
}
