package e2e

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

func probeURL(base, account, module, taskID string) string {
	return base + "/probe?" + url.Values{"account": {account}, "module": {module}, "task_id": {taskID}}.Encode()
}

func TestEndToEndProbeOneTask(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA, "not-configured")
	sim.AddSMSTask(fixedSMSTask(smsTask, simulator.SizesAtTopLevel))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      task_ids: ["+taskA+"]\n    sms:\n      task_ids: ["+smsTask+"]\n"))

	r := scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", taskA), nil)
	r.Expect(t, 1, "probe_success")
	r.Expect(t, 1, "dcs_migration_up", "account", "e2e", "task_id", taskA)
	r.Expect(t, 1234, "dcs_migration_incremental_offset", "task_id", taskA)
	r.Expect(t, 0.425, "dcs_migration_full_progress_ratio", "task_id", taskA)
	r.Expect(t, 1, "dcs_migration_task_status", "task_id", taskA, "status", "MIGRATING")
	if d, ok := r.Value("probe_duration_seconds"); !ok || d <= 0 || d > 5 {
		t.Errorf("probe_duration_seconds = %v, %v", d, ok)
	}
	for _, other := range []string{"sms_migration_up", "go_goroutines", "migration_exporter_account_info", "migration_exporter_api_requests_total"} {
		if len(r.Series(other)) > 0 {
			t.Errorf("a probe exports %s; it should carry only the task's metrics", other)
		}
	}

	r = scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsTask), nil)
	r.Expect(t, 1, "probe_success")
	r.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", smsTask, "subtask", "MIGRATE_LINUX_FILE")
	r.ExpectAbsent(t, "dcs_migration_up")

	// Any task of the account can be probed, configured or not.
	scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", "not-configured"), nil).Expect(t, 1, "probe_success")

	// A task the API does not know: the probe answers 200 with probe_success 0.
	r = scrapetest.Get(t, probeURL(exp.URL, "e2e", "dcs", "gone-task"), nil)
	r.Expect(t, 0, "probe_success")
	r.Expect(t, 0, "dcs_migration_up", "task_id", "gone-task")
}

func TestEndToEndProbeRejectsBadInput(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))
	cases := map[string]string{
		probeURL(exp.URL, "nobody", "dcs", taskA):                 `unknown account "nobody"`,
		probeURL(exp.URL, "e2e", "rds", taskA):                    `unknown module "rds"`,
		probeURL(exp.URL, "e2e", "", taskA):                       `missing parameter module`,
		probeURL(exp.URL, "", "dcs", taskA):                       `missing parameter account`,
		exp.URL + "/probe":                                        `missing parameter account`,
		exp.URL + "/probe?module=dcs&task_id=" + taskA:            `missing parameter account`,
		exp.URL + "/probe?account=e2e&task_id=" + taskA:           `missing parameter module`,
		probeURL(exp.URL, "e2e", "dcs", "../../v1/x"):             `not a valid task id`,
		probeURL(exp.URL, "e2e", "dcs", "a/b"):                    `not a valid task id`,
		probeURL(exp.URL, "e2e", "dcs", "a b"):                    `not a valid task id`,
		probeURL(exp.URL, "e2e", "sms", "%2e%2e"):                 `not a valid task id`,
		probeURL(exp.URL, "e2e", "sms", "x?limit=1"):              `not a valid task id`,
		probeURL(exp.URL, "e2e", "sms", ""):                       `missing parameter task_id`,
		exp.URL + "/probe?account=e2e&module=dcs":                 `missing parameter task_id`,
		probeURL(exp.URL, "e2e", "sms", strings.Repeat("a", 200)): `not a valid task id`,
	}
	for u, want := range cases {
		a := get(t, u)
		if a.code != http.StatusBadRequest || !strings.Contains(a.body, want) {
			t.Errorf("%s: HTTP %d %q, want 400 with %q", u, a.code, a.body, want)
		}
		if strings.Contains(a.header.Get("Content-Type"), "html") {
			t.Errorf("%s: the error is not plain text", u)
		}
	}
	for _, op := range []string{"ShowMigrationTaskStats", "ShowMigrationTask", "ShowTask"} {
		for _, id := range []string{"../../v1/x", "a/b", "..", "x"} {
			if n := sim.Requests(op, id); n != 0 {
				t.Errorf("a rejected probe reached the API: %s %s", op, id)
			}
		}
	}
}

func TestEndToEndServiceDiscoveryFeedsProbes(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	sim.AddSMSTask(fixedSMSTask("sms-1", simulator.SizesAtTopLevel))
	sim.AddSMSTask(fixedSMSTask("sms-2", simulator.SizesAtTopLevel))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      task_ids: ["+taskA+"]\n    sms:\n      discover: true\n"))

	var got []string
	host := strings.TrimPrefix(exp.URL, "http://")
	for _, g := range sd(t, exp) {
		l := g.Labels
		got = append(got, l["account"]+"/"+l["module"]+"/"+l["task_id"])
		if len(g.Targets) != 1 || g.Targets[0] != host {
			t.Errorf("targets %v, want [%s]", g.Targets, host)
		}
		if l["__param_account"] != l["account"] || l["__param_module"] != l["module"] || l["__param_task_id"] != l["task_id"] {
			t.Errorf("__param_* labels do not match: %v", l)
		}
		scrapetest.Get(t, g.probeURL(), nil).Expect(t, 1, "probe_success")
	}
	sort.Strings(got)
	if want := "e2e/dcs/" + taskA + ",e2e/sms/sms-1,e2e/sms/sms-2"; strings.Join(got, ",") != want {
		t.Errorf("targets %v, want %s", got, want)
	}
}

func TestEndToEndConcurrentScrapesShareOneCall(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddSMSTask(fixedSMSTask(smsTask, simulator.SizesAtTopLevel))
	sim.SetFault(smsTask, simulator.Fault{Latency: 500 * time.Millisecond})
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, smsConfig(smsTask)))

	var wg sync.WaitGroup
	results := make([]scrapetest.Result, 5)
	for i := range results {
		wg.Go(func() {
			if i%2 == 0 {
				results[i] = exp.scrape(t, nil)
			} else {
				results[i] = scrapetest.Get(t, probeURL(exp.URL, "e2e", "sms", smsTask), nil)
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		r.Expect(t, 1, "sms_migration_up", "task_id", smsTask)
	}
	if n := sim.Requests("ShowTask", smsTask); n != 1 {
		t.Errorf("5 overlapping scrapes sent %d ShowTask calls, want 1", n)
	}
}

func TestEndToEndMinIntervalServesTheLastGoodAnswer(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	sim.AddSMSTask(fixedSMSTask(smsTask, simulator.SizesAtTopLevel))
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      task_ids: ["+taskA+"]\n    sms:\n      task_ids: ["+smsTask+"]\n      min_interval: 1h\n"))

	before := float64(time.Now().Unix())
	first := exp.scrape(t, nil)
	// The task fails now; within min_interval its last good answer is served.
	sim.SetFault(smsTask, simulator.Fault{Kind: simulator.FaultServerError})
	second := exp.scrape(t, nil)

	if n := sim.Requests("ShowTask", smsTask); n != 1 {
		t.Errorf("ShowTask called %d times in two scrapes with min_interval 1h, want 1", n)
	}
	if n := sim.Requests("ShowMigrationTaskStats", taskA); n != 2 {
		t.Errorf("DCS without min_interval called %d times, want 2", n)
	}
	ts1, ok1 := first.Value("sms_migration_last_success_timestamp_seconds", "task_id", smsTask)
	ts2, ok2 := second.Value("sms_migration_last_success_timestamp_seconds", "task_id", smsTask)
	if !ok1 || !ok2 || ts1 != ts2 || ts1 < before-1 || ts1 > float64(time.Now().Unix())+1 {
		t.Errorf("last success %v %v then %v %v, want the same time of the first fetch", ts1, ok1, ts2, ok2)
	}
	second.Expect(t, 1, "sms_migration_up", "task_id", smsTask)
	second.Expect(t, 0.45, "sms_migration_subtask_progress_ratio", "task_id", smsTask, "subtask", "MIGRATE_LINUX_FILE")
	second.ExpectAbsent(t, "dcs_migration_last_success_timestamp_seconds")
}
