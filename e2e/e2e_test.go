package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/app"
	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/internal/testenv"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	taskA       = "31c6fd2b-2893-430b-90ff-d1adb8060585"
	srcPassword = "pw-source-secret-1"
	dstPassword = "pw-target-secret-2"
)

// fixedTask has stats that do not move, so every value can be asserted.
func fixedTask(id string) simulator.DCSTask {
	return simulator.DCSTask{
		ID: id, Name: "cache-to-dcs", Status: "MIGRATING",
		Source: simulator.Instance{Name: "src-redis", Addrs: "10.0.0.1:6379", Password: srcPassword},
		Target: simulator.Instance{ID: "inst-1", Addrs: "10.0.0.2:6379", Password: dstPassword},
		Stats: &simulator.DCSStats{FullMigrationProgress: 42.5, Offset: 1234, SourceDBSize: 1_000_000,
			TargetDBSize: 425_000, TargetInputKbps: 12.5, TargetOps: 300, IsMigrating: true},
	}
}

func TestEndToEndDCSMetricsHaveExactValues(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name      string
		asStrings bool
	}{{"numbers", false}, {"strings", true}} {
		t.Run(mode.name, func(t *testing.T) {
			started := time.Now()
			sim := startSimulator(t, mode.asStrings)
			sim.AddDCSTask(fixedTask(taskA))
			exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))
			r := exp.scrape(t, nil)

			task := []string{"account", "e2e", "task_id", taskA}
			r.Expect(t, 1, "dcs_migration_up", task...)
			r.Expect(t, 0.425, "dcs_migration_full_progress_ratio", task...)
			r.Expect(t, 1234, "dcs_migration_incremental_offset", task...)
			r.Expect(t, 1_000_000, "dcs_migration_source_keys", task...)
			r.Expect(t, 425_000, "dcs_migration_target_keys", task...)
			r.Expect(t, 12.5*1024, "dcs_migration_target_input_bytes_per_second", task...)
			r.Expect(t, 300, "dcs_migration_target_ops_per_second", task...)
			r.Expect(t, 1, "dcs_migration_migrating", task...)
			r.Expect(t, 1, "dcs_migration_task_info", append(task, "task_name", "cache-to-dcs",
				"migration_type", "online_migration", "migration_method", "incremental_migration",
				"source_instance", "src-redis", "target_instance", "10.0.0.2:6379")...)
			r.Expect(t, 1, "dcs_migration_task_status", append(task, "status", "MIGRATING")...)
			r.Expect(t, 0, "dcs_migration_task_status", append(task, "status", "FAILED")...)
			// The 15 known statuses, the current one among them.
			if n := len(r.Series("dcs_migration_task_status", task...)); n != 15 {
				t.Errorf("status state set has %d series, want 15", n)
			}
			r.Expect(t, 1, "migration_exporter_account_info", "account", "e2e", "cloud_region", "cn-north-4", "project_id", testProject)
			r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "200")
			r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTask", "code", "200")
			r.Expect(t, 1, "migration_exporter_api_request_duration_seconds", "api", "dcs", "operation", "ShowMigrationTaskStats")
			r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "timeout")
			r.Expect(t, 1, "migration_exporter_config_last_reload_successful")
			r.Expect(t, 1, "migration_exporter_build_info", "goversion", runtime.Version())
			if d, ok := r.Value("migration_exporter_scrape_duration_seconds"); !ok || d <= 0 || d > 5 {
				t.Errorf("migration_exporter_scrape_duration_seconds = %v, %v; want a poll's duration", d, ok)
			}
			if ts, ok := r.Value("migration_exporter_config_last_reload_success_timestamp_seconds"); !ok ||
				ts < float64(started.Unix()) || ts > float64(time.Now().Unix())+1 {
				t.Errorf("last reload success at %v (%v), want between the test's start and now", ts, ok)
			}
			for _, secret := range []string{srcPassword, dstPassword, testSK, testAK} {
				if strings.Contains(r.Text, secret) {
					t.Errorf("metrics contain secret %q", secret)
				}
			}
			// A second scrape polls again.
			r = exp.scrape(t, nil)
			r.Expect(t, 2, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "200")
		})
	}
}

func TestEndToEndFaultyTasksDoNotFailTheScrape(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	faults := map[string]simulator.Fault{
		"f-server-error": {Kind: simulator.FaultServerError},
		"f-throttled":    {Kind: simulator.FaultThrottled},
		"f-not-found":    {Kind: simulator.FaultNotFound},
		"f-malformed":    {Kind: simulator.FaultMalformed},
		"f-oversized":    {Kind: simulator.FaultOversized},
		"f-slow":         {Latency: 10 * time.Second},
	}
	ids := []string{taskA}
	sim.AddDCSTask(fixedTask(taskA))
	for id, f := range faults {
		sim.AddDCSTask(fixedTask(id))
		sim.SetFault(id, f)
		ids = append(ids, id)
	}
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, ids...), "--log.level=debug")

	r := exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"2"}})
	if r.Duration > 2*time.Second {
		t.Errorf("scrape took %v, past Prometheus' 2s timeout", r.Duration)
	}
	r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	r.Expect(t, 1234, "dcs_migration_incremental_offset", "task_id", taskA)
	for id := range faults {
		r.Expect(t, 0, "dcs_migration_up", "task_id", id)
		r.ExpectAbsent(t, "dcs_migration_incremental_offset", "task_id", id)
		r.ExpectAbsent(t, "dcs_migration_task_info", "task_id", id)
	}
	for reason, want := range map[string]float64{
		"http_5xx": 1, "throttled": 1, "not_found": 1, "decode": 2, "timeout": 1,
		"auth": 0, "network": 0, "http_4xx": 0,
	} {
		r.Expect(t, want, "migration_exporter_task_errors_total", "api", "dcs", "reason", reason)
	}
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "429")
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "400")
	// A 500 is tried again (MaxRetries times); a 429 whose Retry-After (2s)
	// ends past the deadline is not.
	r.Expect(t, 1+huaweicloud.MaxRetries, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "500")

	// The fault goes away: the task is back on the next scrape.
	sim.SetFault("f-server-error", simulator.Fault{})
	r = exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"2"}})
	r.Expect(t, 1, "dcs_migration_up", "task_id", "f-server-error")
	r.Expect(t, 1234, "dcs_migration_incremental_offset", "task_id", "f-server-error")
}

func TestEndToEndUnusableFieldsAreOmittedNotZero(t *testing.T) {
	t.Parallel()
	for _, asStrings := range []bool{false, true} {
		sim := startSimulator(t, asStrings)
		task := fixedTask(taskA)
		task.Stats = nil
		task.Raw = map[string]any{
			"full_migration_progress": "95%",
			"offset":                  " 7 ",
			"source_dbsize":           "",
			"target_dbsize":           nil,
			"target_input_kbps":       "N/A",
			"target_ops":              "abc",
			"is_migrating":            "true",
		}
		sim.AddDCSTask(task)
		exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))
		r := exp.scrape(t, nil)
		r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)
		r.Expect(t, 0.95, "dcs_migration_full_progress_ratio", "task_id", taskA)
		r.Expect(t, 7, "dcs_migration_incremental_offset", "task_id", taskA)
		r.Expect(t, 1, "dcs_migration_migrating", "task_id", taskA)
		for _, absent := range []string{"dcs_migration_source_keys", "dcs_migration_target_keys",
			"dcs_migration_target_input_bytes_per_second", "dcs_migration_target_ops_per_second"} {
			r.ExpectAbsent(t, absent, "task_id", taskA)
		}
		r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "dcs", "field", "target_ops")
		r.ExpectAbsent(t, "migration_exporter_field_decode_errors_total", "field", "source_dbsize")
	}
}

func TestEndToEndBadSignatureIsAnAuthError(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	wrongSK := "wrong-secret-key-must-not-leak"
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, wrongSK, taskA), "--log.level=debug")
	r := exp.scrape(t, nil)
	r.Expect(t, 0, "dcs_migration_up", "task_id", taskA)
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "auth")
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "401")
	if !strings.Contains(exp.Logs.String(), "APIG.0301") {
		t.Errorf("debug log does not say why the task failed:\n%s", exp.Logs)
	}
	for _, s := range []string{wrongSK, testAK} {
		if strings.Contains(exp.Logs.String()+r.Text, s) {
			t.Errorf("%q leaked into logs or metrics", s)
		}
	}
}

func TestEndToEndSecretsNeverAppear(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA, "f-broken")
	sim.SetFault("f-broken", simulator.Fault{Kind: simulator.FaultMalformed})
	path := writeConfig(t, t.TempDir(), sim.URL, testSK, taskA, "f-broken")
	exp := startExporter(t, "--config.file="+path, "--log.level=debug", "--web.enable-lifecycle")
	r := exp.scrape(t, nil)

	// A reload with a bad config echoes no secret either.
	bad := strings.Replace(mustRead(t, path), "region:", "regoin:", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, body := postReload(t, exp)

	var help, version syncBuffer
	app.Run(t.Context(), []string{"--help"}, &help, &help, nil)
	app.Run(t.Context(), []string{"--version"}, &version, &version, nil)

	all := exp.Logs.String() + r.Text + string(body) + help.String() + version.String()
	for _, secret := range []string{testAK, testSK, srcPassword, dstPassword} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q appears in logs, metrics, reload answer or --help", secret)
		}
	}
	if !strings.Contains(help.String(), "simulate") || !strings.Contains(help.String(), "--api.concurrency") {
		t.Errorf("--help does not list the flags:\n%s", help.String())
	}
}

func TestEndToEndReloadKeepsTheOldConfigWhenTheNewOneIsBad(t *testing.T) {
	t.Parallel()
	exp, path, writeB := startReloadable(t, "--web.enable-lifecycle")

	post := func() (int, string) { return postReload(t, exp) }

	// A bad config: the answer names the field and line; the old config stays.
	if err := os.WriteFile(path, []byte("accounts:\n  - name: e2e\n    regoin: cn-north-4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, body := post()
	if code != http.StatusInternalServerError || !strings.Contains(body, "regoin") || !strings.Contains(body, ":3") {
		t.Errorf("bad reload answered %d %q, want 500 naming regoin at line 3", code, body)
	}
	r := exp.scrape(t, nil)
	r.Expect(t, 0, "migration_exporter_config_last_reload_successful")
	r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)

	// GET is refused.
	if code := get(t, exp.URL+"/-/reload").code; code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: %d", code)
	}

	// A good config replaces the task set.
	writeB()
	if code, body := post(); code != http.StatusOK {
		t.Fatalf("good reload answered %d %q", code, body)
	}
	expectReloadedToB(t, exp)
}

// A config path that blocks on read (a FIFO with no writer) must not hang
// /-/reload, nor the reloads queued behind it: each answers with an error at
// once and the old config stays, until a good file is back.
func TestEndToEndReloadOfAFIFODoesNotHang(t *testing.T) {
	t.Parallel()
	exp, path, writeB := startReloadable(t, "--web.enable-lifecycle")

	post := func() (int, string, time.Duration) {
		start := time.Now()
		code, body := postReload(t, exp) // times out, not blocks, on a hang
		return code, body, time.Since(start)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second would queue behind a hung first
		code, body, took := post()
		t.Logf("reload %d onto the FIFO answered in %v", i, took)
		want := path + ": is not a regular file (it is a named pipe (FIFO))"
		if code != http.StatusInternalServerError || !strings.Contains(body, want) {
			t.Errorf("reload %d onto a FIFO answered %d %q, want 500 with %q", i, code, body, want)
		}
		if took > 3*time.Second {
			t.Errorf("reload %d onto a FIFO took %v", i, took)
		}
	}
	r := exp.scrape(t, nil)
	r.Expect(t, 0, "migration_exporter_config_last_reload_successful")
	r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)

	// A good file again: the next reload takes it.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeB()
	if code, body, _ := post(); code != http.StatusOK {
		t.Fatalf("good reload after the FIFO answered %d %q", code, body)
	}
	expectReloadedToB(t, exp)
}

func TestEndToEndSIGHUPReloads(t *testing.T) {
	exp, _, writeB := startReloadable(t)
	writeB()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := exp.scrape(t, nil)
		if _, ok := r.Value("dcs_migration_up", "task_id", "task-b"); ok {
			r.ExpectAbsent(t, "dcs_migration_up", "task_id", taskA)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload the config:\n%s", exp.Logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEndToEndSimulateMode(t *testing.T) {
	t.Parallel()
	exp := startExporter(t, "--simulate")
	r := exp.scrape(t, nil)
	for _, id := range simulator.DemoDCSTaskIDs() {
		want := 1.0
		if id == simulator.DemoDeletedDCSTask {
			want = 0
		}
		r.Expect(t, want, "dcs_migration_up", "account", "simulated", "task_id", id)
	}
	r.Expect(t, 1, "dcs_migration_task_status", "task_id", "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9", "status", "FAILED")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "not_found")
	if n := len(r.Series("sms_migration_up")); n != 4 {
		t.Errorf("%d SMS tasks discovered, want 4", n)
	}
	r.Expect(t, 1, "sms_migration_task_state", "task_id", "6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12", "state", "SYNCING")
	r.Expect(t, 1, "sms_migration_task_state", "task_id", "7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23", "state", "MIGRATE_FAIL")
	r.Expect(t, 1, "sms_migration_subtask_progress_ratio", "task_id", "6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12", "subtask", "MIGRATE_LINUX_BLOCK")

	if page := get(t, exp.URL+"/").body; !strings.Contains(page, "Simulated cloud") {
		t.Errorf("landing page does not say it is simulated:\n%s", page)
	}
	for _, path := range []string{"/-/healthy", "/-/ready"} {
		if code := get(t, exp.URL+path).code; code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
	}
}

// promtool check metrics must have nothing to say about a live scrape.
func TestPromtoolCheckMetricsOnALiveScrape(t *testing.T) {
	t.Parallel()
	promtool := testenv.RequireBinary(t, "promtool")
	exp := startExporter(t, "--simulate")
	exp.scrape(t, nil) // so that the counters have series
	r := exp.scrape(t, nil)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(r.Text)
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// Without --web.enable-lifecycle, /-/reload is Prometheus' 403 naming the
// flag, for every method, and the config stays.
func TestEndToEndReloadNeedsTheLifecycleFlag(t *testing.T) {
	t.Parallel()
	exp, _, writeB := startReloadable(t)
	writeB()
	code, body := postReload(t, exp)
	if code != http.StatusForbidden || !strings.Contains(body, "--web.enable-lifecycle") {
		t.Errorf("POST /-/reload without the flag answered %d %q, want 403 naming --web.enable-lifecycle", code, body)
	}
	if code := get(t, exp.URL+"/-/reload").code; code != http.StatusForbidden {
		t.Errorf("GET /-/reload without the flag: %d, want 403", code)
	}
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	r.ExpectAbsent(t, "dcs_migration_up", "task_id", "task-b")
}

// A reload that changes nothing of an account keeps its client state: the
// discovered list is not fetched again (nor is the rate limiter refilled,
// nor the min_interval cache emptied, all of which live beside it). A
// reload that changes the account builds it anew, and it lists again.
func TestEndToEndReloadKeepsAnUnchangedAccount(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	dir := t.TempDir()
	services := "    dcs:\n      discover: true\n"
	path := writeAccountConfig(t, dir, sim.URL, testSK, services)
	exp := startExporter(t, "--config.file="+path, "--web.enable-lifecycle")
	lists := func() int { return sim.Requests("ListMigrationTask", "") }

	exp.scrape(t, nil).Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	first := lists() // one listing (a page and the empty one after it)
	if first == 0 {
		t.Fatal("the first scrape did not list the tasks")
	}
	for range 3 { // the same file, written again and reloaded
		writeAccountConfig(t, dir, sim.URL, testSK, services)
		if code, body := postReload(t, exp); code != http.StatusOK {
			t.Fatalf("reload answered %d %q", code, body)
		}
		exp.scrape(t, nil).Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	}
	if n := lists(); n != first {
		t.Errorf("%d list calls after reloads of the same config, want %d (the discovered list kept)", n, first)
	}

	writeAccountConfig(t, dir, sim.URL, testSK, "    requests_per_second: 10\n"+services)
	if code, body := postReload(t, exp); code != http.StatusOK {
		t.Fatalf("reload answered %d %q", code, body)
	}
	exp.scrape(t, nil).Expect(t, 1, "dcs_migration_up", "task_id", taskA)
	if n := lists(); n != 2*first {
		t.Errorf("%d list calls after a reload that changed the account, want %d (a new client lists again)", n, 2*first)
	}
}

// /exporter-metrics serves the exporter's own metrics, counters of earlier
// probes included, and polls no task.
func TestEndToEndExporterMetricsPollNoTask(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    dcs:\n      task_ids: ["+taskA+"]\n      discover: true\n"))
	own := func() scrapetest.Result { return scrapetest.Get(t, exp.URL+"/exporter-metrics", nil) }
	calls := func() int {
		return sim.Requests("ShowMigrationTaskStats", taskA) + sim.Requests("ShowMigrationTask", taskA) + sim.Requests("ListMigrationTask", "")
	}

	r := own()
	if n := calls(); n != 0 {
		t.Errorf("/exporter-metrics made %d API calls, want 0", n)
	}
	r.Expect(t, 1, "migration_exporter_account_info", "account", "e2e", "cloud_region", "cn-north-4", "project_id", testProject)
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "timeout")
	r.Expect(t, 1, "migration_exporter_config_last_reload_successful")
	r.Expect(t, 1, "migration_exporter_build_info", "goversion", runtime.Version())
	if _, ok := r.Value("go_goroutines"); !ok {
		t.Error("no Go metrics")
	}
	if _, ok := r.Value("process_start_time_seconds"); !ok {
		t.Error("no process metrics")
	}

	// A probe's calls are counted there; the task's own series are not.
	probeUp(t, exp, "dcs", taskA)
	before := calls()
	r = own()
	if n := calls(); n != before {
		t.Errorf("/exporter-metrics made %d API calls, want 0", n-before)
	}
	r.Expect(t, 1, "migration_exporter_api_requests_total", "api", "dcs", "operation", "ShowMigrationTaskStats", "code", "200")
	for _, name := range []string{"dcs_migration_up", "dcs_migration_incremental_offset", "probe_success",
		"migration_exporter_scrape_duration_seconds", "migration_exporter_discovered_tasks"} {
		r.ExpectAbsent(t, name)
	}
	if strings.Contains(r.Text, taskA) {
		t.Errorf("/exporter-metrics names a task:\n%s", r.Text)
	}
	// The account's budget is there from the start: 2 calls (DCS reads a
	// task with two) per 20/s × 10 s + a burst of 20.
	r.Expect(t, 2.0/220, "migration_exporter_api_budget_ratio", "account", "e2e")

	// After a /metrics scrape (the list, two pages, and the task's two
	// calls: the 4 the simulator answered), what the exporter-health
	// dashboard shows of it is there too: its duration, the discovered
	// tasks and the calls per API.
	before = calls()
	m := exp.scrape(t, nil)
	if n := calls() - before; n != 4 {
		t.Errorf("the scrape made %d calls, want 4", n)
	}
	m.Expect(t, 4, "migration_exporter_api_calls_per_scrape", "account", "e2e", "api", "dcs")
	before = calls()
	r = own()
	if n := calls(); n != before {
		t.Errorf("/exporter-metrics made %d API calls, want 0", n-before)
	}
	r.Expect(t, 1, "migration_exporter_discovered_tasks", "account", "e2e", "api", "dcs")
	r.Expect(t, 4, "migration_exporter_api_calls_per_scrape", "account", "e2e", "api", "dcs")
	r.Expect(t, 2.0/220, "migration_exporter_api_budget_ratio", "account", "e2e")
	scrape, _ := m.Value("migration_exporter_scrape_duration_seconds")
	r.Expect(t, scrape, "migration_exporter_scrape_duration_seconds")
	if !(scrape > 0) {
		t.Errorf("scrape duration %g, want more than 0", scrape)
	}
	r.ExpectAbsent(t, "dcs_migration_up")
}
