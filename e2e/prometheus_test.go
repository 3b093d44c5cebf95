package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/testenv"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// promAPI queries a Prometheus server's HTTP API.
type promAPI struct{ base string }

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (s promSample) float(t *testing.T) float64 {
	t.Helper()
	str, _ := s.Value[1].(string)
	v, err := strconv.ParseFloat(str, 64)
	if err != nil {
		t.Fatalf("sample value %v: %v", s.Value, err)
	}
	return v
}

func (p promAPI) get(ctx context.Context, path string, q url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (p promAPI) query(ctx context.Context, expr string) ([]promSample, error) {
	var r struct {
		Data struct {
			Result []promSample `json:"result"`
		} `json:"data"`
	}
	err := p.get(ctx, "/api/v1/query", url.Values{"query": {expr}}, &r)
	return r.Data.Result, err
}

type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
	Value       string            `json:"value"` // e.g. "3e+00"
}

func (p promAPI) alerts(ctx context.Context) ([]promAlert, error) {
	var r struct {
		Data struct {
			Alerts []promAlert `json:"alerts"`
		} `json:"data"`
	}
	err := p.get(ctx, "/api/v1/alerts", nil, &r)
	return r.Data.Alerts, err
}

// eventually retries check every 250ms until it returns nil or ctx ends.
func eventually(ctx context.Context, t *testing.T, what string, check func() error) {
	t.Helper()
	var err error
	for {
		if err = check(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %v", what, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// TestRealPrometheus runs Debian's Prometheus against the exporter in
// --simulate mode with the shipped rules, and checks what it stored and
// which alerts it evaluated.
func TestRealPrometheusScrapesAndEvaluatesRules(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	prom := startPrometheusScraping(ctx, t, startExporter(t, "--simulate"))

	// Scrapes land: every simulated task is there, with plausible values.
	eventually(ctx, t, "DCS and SMS series never arrived", func() error {
		for expr, want := range map[string]int{
			`dcs_migration_up`:                                                      len(simulator.DemoDCSTaskIDs()),
			`sms_migration_up`:                                                      4,
			`up{job="migration_exporter"} == 1`:                                     1,
			`dcs_migration_full_progress_ratio <= 1 >= 0`:                           3,
			`sms_migration_subtask_progress_ratio > 1`:                              0,
			`dcs_migration_task_status == 1`:                                        3,
			`dcs_migration_up{task_id="` + simulator.DemoDeletedDCSTask + `"} == 0`: 1,
			`oms_migration_up == 1 or oms_migration_group_up == 1`:                  5,
			`drs_migration_up == 1`:                                                 7,
			`cdm_migration_up == 1`:                                                 4,
			// Cut-over readiness, evaluated by the shipped rules: one series
			// per watched task (4 DCS, 4 SMS, 7 DRS jobs and the deleted one,
			// 4 OMS tasks, 4 CDM jobs and the deleted one; groups are not
			// counted). Readiness is "no blocker". Only the finished OMS
			// task, the synced SMS server with a clean consistency check,
			// the CDM job running incrementally and the CDM full load that
			// succeeded (neither skipped rows) are ready: DCS and DRS need
			// 10 minutes caught up (and DRS a rows comparison), the others
			// are running, failed or found differences.
			`task:migration_cutover_ready:bool`:                                                                len(simulator.DemoDCSTaskIDs()) + 4 + 8 + 4 + 5,
			`task:migration_cutover_ready:bool == 1`:                                                           4,
			`task:migration_cutover_ready:bool{api="oms",task_id="220621019041294"} == 1`:                      1,
			`task:migration_cutover_ready:bool{api="sms",task_id="8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34"} == 1`: 1,
			`task:migration_cutover_ready:bool{api="drs",task_id="` + simulator.DemoDeletedDRSJob + `"} == 0`:  1,
			`account:migration_cutover_ready:min{account="simulated"} == 0`:                                    1,
			// Why not ready, per reason. SMS: db-02's latest check found
			// different and missing files, web-01 (still copying) was never
			// checked, app-04 (synced, clean check) has no blocker.
			`task:migration_cutover_blocker{api="sms",task_id="` + smsDiffering + `",reason="verify_mismatch"} == 1`:                 1,
			`task:migration_cutover_blocker{api="sms",task_id="5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01",reason="verify_missing"} == 1`:  1,
			`task:migration_cutover_blocker{api="sms",task_id="5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01",reason="not_incremental"} == 1`: 1,
			`task:migration_cutover_blocker{api="sms",task_id="8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34"}`:                               0,
			`task:migration_cutover_blocker{api="sms",reason="verify_mismatch"}`:                                                     2,
			`task:migration_cutover_blocker{api="dcs",task_id="` + simulator.DemoDeletedDCSTask + `"}`:                               1,
			`task:migration_cutover_blocker{api="dcs",task_id="` + simulator.DemoDeletedDCSTask + `",reason="down"}`:                 1,
			// DRS: legacy's latest rows comparison found 3 inconsistent
			// tables, crm was never compared and orders' rows comparison is
			// still running; billing's is consistent.
			`task:migration_cutover_blocker{api="drs",task_id="` + drsInconsistent + `",reason="verify_mismatch"} == 1`: 1,
			`task:migration_cutover_blocker{api="drs",task_id="` + drsNeverCompare + `",reason="verify_missing"} == 1`:  1,
			`task:migration_cutover_blocker{api="drs",task_id="` + drsRunning + `",reason="verify_missing"} == 1`:       1,
			`task:migration_cutover_blocker{api="drs",task_id="` + drsConsistent + `",reason=~"verify_.*"}`:             0,
			`task:migration_cutover_blocker{api="oms",task_id="220621019041294"}`:                                       0,
			// CDM: events_to_dws failed with 1,000 rows skipped, logs_to_obs
			// never ran, legacy_sync was deleted.
			`task:migration_cutover_ready:bool{api="cdm",task_id="` + cdmJob("orders_incremental") + `"} == 1`:                                  1,
			`task:migration_cutover_ready:bool{api="cdm",task_id="` + cdmJob("customers_full") + `"} == 1`:                                      1,
			`task:migration_cutover_blocker{api="cdm",task_id="` + cdmJob("events_to_dws") + `"}`:                                               2,
			`task:migration_cutover_blocker{api="cdm",task_id="` + cdmJob("events_to_dws") + `",reason="failed"} == 1`:                          1,
			`task:migration_cutover_blocker{api="cdm",task_id="` + cdmJob("events_to_dws") + `",reason="skipped_rows"} == 1`:                    1,
			`task:migration_cutover_blocker{api="cdm",task_id="` + simulator.DemoStoppedCDMCluster + `/logs_to_obs",reason="in_progress"} == 1`: 1,
			`task:migration_cutover_blocker{api="cdm",task_id="` + simulator.DemoDeletedCDMJob + `",reason="down"} == 1`:                        1,
		} {
			got, err := prom.query(ctx, expr)
			if err != nil {
				return err
			}
			if len(got) != want {
				return fmt.Errorf("%s: %d series, want %d", expr, len(got), want)
			}
		}
		return nil
	})
	keys, err := prom.query(ctx, `dcs_migration_source_keys`)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range keys {
		if v := s.float(t); v < 1000 || v > 1e9 {
			t.Errorf("implausible source key count %v for %v", v, s.Metric["task_id"])
		}
	}
	if dur, err := prom.query(ctx, `scrape_duration_seconds{job="migration_exporter"}`); err != nil || len(dur) != 1 || dur[0].float(t) >= 3 {
		t.Errorf("scrape duration %v %v, want one sample under the 3s timeout", dur, err)
	}

	// The catch-up forecast of the demo's draining DRS job: its delay
	// (the target stage delay) falls 30 s a minute from 750 s at the
	// simulator's start, so at the true rate it reaches 0 in 1,500 s less
	// twice the seconds since. The rule fits a line through the delay
	// recorded every second (evaluation_interval), which moves in steps at
	// each 3 s scrape: with two samples a step reads as -1.5 s a second
	// (a forecast of ~500 s), with 10 s of samples or more the fit is
	// within ~12 % of the true rate (1,400-1,700 s over the first minute).
	// So the forecast is read once the recorded delay has 10 samples, and
	// must be 1,000-2,000 s. The climbing job's delay grows: no forecast.
	draining := `{task_id="` + simulator.DemoDrainingDRSJob + `"}`
	eventually(ctx, t, "the draining DRS job's delay was never recorded 10 times", func() error {
		got, err := prom.query(ctx, `count_over_time(task:drs_migration_delay_seconds:max`+draining+`[10m]) >= 10`)
		if err == nil && len(got) != 1 {
			err = fmt.Errorf("%d series", len(got))
		}
		return err
	})
	if eta, err := prom.query(ctx, `task:migration_catchup_eta_seconds`+draining); err != nil || len(eta) != 1 || eta[0].Metric["api"] != "drs" ||
		eta[0].float(t) < 1000 || eta[0].float(t) > 2000 {
		t.Errorf("catch-up forecast of the draining DRS job: %v %v, want one series with api drs, 1000-2000 s", eta, err)
	}
	if eta, err := prom.query(ctx, `task:migration_catchup_eta_seconds{task_id="`+simulator.DemoClimbingDRSJob+`"}`); err != nil || len(eta) != 0 {
		t.Errorf("catch-up forecast of the climbing DRS job: %v %v, want none", eta, err)
	}

	// The deleted task makes MigrationTaskUnreachable go pending, the
	// failed one DCSMigrationFailed, the DRS job whose target delay
	// climbs DRSReplicationDelayHigh, the failed CDM job with skipped rows
	// CDMJobFailed and CDMRowsSkipped, and the stopped CDM cluster
	// CDMClusterNotNormal (which has no task_id: cluster_id instead).
	eventually(ctx, t, "alerts never went pending", func() error {
		alerts, err := prom.alerts(ctx)
		if err != nil {
			return err
		}
		want := map[string]string{
			"MigrationTaskUnreachable":      simulator.DemoDeletedDCSTask,
			"DCSMigrationFailed":            "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9",
			"MigrationVerificationMismatch": smsDiffering,
			"DRSReplicationDelayHigh":       simulator.DemoClimbingDRSJob,
			"CDMJobFailed":                  cdmJob("events_to_dws"),
			"CDMRowsSkipped":                cdmJob("events_to_dws"),
			"CDMClusterNotNormal":           simulator.DemoStoppedCDMCluster,
		}
		// The DRS job with inconsistent tables makes the same alert go
		// pending for it too.
		drsMismatch := false
		for _, a := range alerts {
			if id, ok := want[a.Labels["alertname"]]; ok && a.Labels["task_id"]+a.Labels["cluster_id"] == id && a.State != "" {
				delete(want, a.Labels["alertname"])
			}
			if a.Labels["alertname"] == "MigrationVerificationMismatch" && a.Labels["task_id"] == drsInconsistent && a.State != "" {
				drsMismatch = true
			}
		}
		if len(want) > 0 || !drsMismatch {
			return fmt.Errorf("missing alerts %v (DRS mismatch seen: %v) in %+v", want, drsMismatch, alerts)
		}
		return nil
	})
	for _, a := range mustAlerts(ctx, t, prom) {
		if a.Labels["alertname"] == "MigrationTaskUnreachable" && a.State != "pending" {
			t.Errorf("MigrationTaskUnreachable is %s after seconds, want pending (for: 10m)", a.State)
		}
		if a.Labels["alertname"] == "MigrationVerificationMismatch" && a.Labels["task_id"] == smsDiffering {
			if a.State != "pending" || a.Labels["task_name"] != "db-02-to-ecs" || a.Labels["api"] != "sms" {
				t.Errorf("MigrationVerificationMismatch for %s: %s %v, want pending (for: 5m) with api sms and task_name db-02-to-ecs", smsDiffering, a.State, a.Labels)
			}
		}
		// The climbing job: its delay is 125 s at the simulator's start,
		// climbing 6 s a minute; pending, as its `for` is 10m. The draining
		// job's delay falls: no alert.
		if a.Labels["alertname"] == "DRSReplicationDelayHigh" {
			v, err := strconv.ParseFloat(a.Value, 64)
			if a.Labels["task_id"] != simulator.DemoClimbingDRSJob || a.State != "pending" || a.Labels["job_name"] != "payments-db-to-rds" ||
				err != nil || v < 125 || v > 140 {
				t.Errorf("DRSReplicationDelayHigh: %s %s %v, want only the climbing job %s, pending (for: 10m), job_name payments-db-to-rds, a delay of 125-140 s",
					a.State, a.Value, a.Labels, simulator.DemoClimbingDRSJob)
			}
		}
		// The failed CDM job: FAILED, 1,000 rows skipped, named from the
		// job list; the stopped cluster named by its job's info. Pending:
		// their `for` is 1m, 5m and 10m.
		switch a.Labels["alertname"] {
		case "CDMJobFailed":
			if a.Labels["task_id"] != cdmJob("events_to_dws") || a.State != "pending" || a.Labels["status"] != "FAILED" ||
				a.Labels["job_name"] != "events_to_dws" || a.Labels["cluster_name"] != "cdm-prod" {
				t.Errorf("CDMJobFailed: %s %v, want only events_to_dws, pending (for: 1m), status FAILED, job_name events_to_dws, cluster_name cdm-prod", a.State, a.Labels)
			}
		case "CDMRowsSkipped":
			if a.Labels["task_id"] != cdmJob("events_to_dws") || a.State != "pending" || a.Value != "1e+03" || a.Labels["job_name"] != "events_to_dws" {
				t.Errorf("CDMRowsSkipped: %s %s %v, want only events_to_dws, pending (for: 5m), value 1000, job_name events_to_dws", a.State, a.Value, a.Labels)
			}
		case "CDMClusterNotNormal":
			if a.Labels["cluster_id"] != simulator.DemoStoppedCDMCluster || a.State != "pending" || a.Labels["cluster_name"] != "cdm-archive" ||
				!strings.Contains(a.Annotations["description"], "status stopped") {
				t.Errorf("CDMClusterNotNormal: %s %v %v, want only the stopped cluster, pending (for: 10m), cluster_name cdm-archive, status stopped", a.State, a.Labels, a.Annotations)
			}
		}
		if a.Labels["alertname"] == "MigrationVerificationMismatch" && a.Labels["task_id"] == drsInconsistent {
			if a.State != "pending" || a.Labels["job_name"] != "legacy-db-to-rds" || a.Labels["api"] != "drs" || a.Value != "3e+00" {
				t.Errorf("MigrationVerificationMismatch for %s: %s %s %v, want pending (for: 5m) with value 3, api drs and job_name legacy-db-to-rds", drsInconsistent, a.State, a.Value, a.Labels)
			}
		}
	}
}

// cdmJob is the task id of the demo's CDM job name in its normal cluster.
func cdmJob(name string) string { return simulator.DemoCDMCluster + "/" + name }

// startPrometheusScraping runs Prometheus with the shipped rules,
// evaluated every second, scraping exps every 3 s in one job,
// migration_exporter (the rules' job name). A scrape of the demo account
// makes about 35 API calls while the comparisons and checks are not yet
// read, and --simulate's account allows the default 20 requests/s: a 1 s
// scrape would leave the last calls of every scrape (the DRS comparisons)
// unread, for ever.
func startPrometheusScraping(ctx context.Context, t *testing.T, exps ...exporter) promAPI {
	t.Helper()
	rules, err := filepath.Abs(repoPath("rules/migration_exporter.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	targets := make([]string, len(exps))
	for i, e := range exps {
		targets[i] = strconv.Quote(strings.TrimPrefix(e.URL, "http://"))
	}
	return startPrometheus(ctx, t, fmt.Sprintf(`global:
  scrape_interval: 3s
  scrape_timeout: 3s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: migration_exporter
    static_configs:
      - targets: [%s]
`, rules, strings.Join(targets, ", ")))
}

// smsDiffering is the demo SMS task (db-02-to-ecs) whose latest
// consistency check found different and missing files.
const smsDiffering = "6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12"

// startPrometheus runs Debian's prometheus on a 127.0.0.1 port with cfg
// until the test ends, and waits until it is ready. An external process
// cannot be handed a listener, so a port that another process takes between
// the pick and Prometheus' bind makes it exit with "address already in
// use"; it is then started again on another port.
func startPrometheus(ctx context.Context, t *testing.T, cfg string) promAPI {
	t.Helper()
	if testing.Short() {
		t.Skip("slow (a real Prometheus evaluating rules); runs without -short, as in CI")
	}
	// Prometheus 3 (what users run) when it is there, as in CI; Debian's
	// 2.42 elsewhere.
	server := testenv.PrometheusServer(t)
	t.Logf("Prometheus %s: %s", server.Version, server.Path)
	bin := server.Path
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		prom, logs, err := tryPrometheus(ctx, t, bin, cfgPath, filepath.Join(dir, fmt.Sprint("data", attempt)))
		switch {
		case err == nil:
			return prom
		case attempt < 5 && strings.Contains(logs, "address already in use"):
			continue
		default:
			t.Fatalf("Prometheus did not become ready: %v; log:\n%s", err, logs)
		}
	}
}

// tryPrometheus starts Prometheus once on a port that was free a moment ago.
func tryPrometheus(ctx context.Context, t *testing.T, bin, cfgPath, dataDir string) (promAPI, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+dataDir,
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	prom := promAPI{base: "http://" + addr}
	for {
		resp, err := http.Get(prom.base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return prom, "", nil
			}
		}
		select {
		case <-exited:
			return promAPI{}, logs.String(), errors.New("Prometheus exited")
		case <-ctx.Done():
			return promAPI{}, logs.String(), ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// The sharding recipe of examples/prometheus-sharded.yml, run as shipped
// (only the replicas' addresses and the rule file's path are replaced):
// Prometheus lists the tasks from one replica's /sd and spreads the /probe
// scrapes over two replicas by hashing task_id; every task is scraped
// exactly once, the health job gets the replicas' own metrics and no task
// series, no task is ever down but the two the simulator deleted on
// purpose, and no series carries an exported_* label. The example's 60s
// scrape interval makes this test wait up to a minute for the first
// scrape of every target.
func TestRealPrometheusShardsProbesAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	rules, err := filepath.Abs(repoPath("rules/migration_exporter.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// Probe-only replicas, as the example says to run them.
	replicas := []exporter{startExporter(t, "--simulate", "--probe.api-share=1"), startExporter(t, "--simulate", "--probe.api-share=1")}
	addr := func(i int) string { return strings.TrimPrefix(replicas[i].URL, "http://") }
	cfg := readRepo(t, "examples/prometheus-sharded.yml")
	for old, repl := range map[string]string{
		"migration-exporter-0.example.internal:9863":         addr(0),
		"migration-exporter-1.example.internal:9863":         addr(1),
		"/etc/prometheus/rules/migration_exporter.rules.yml": rules,
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("examples/prometheus-sharded.yml no longer mentions %s", old)
		}
		cfg = strings.ReplaceAll(cfg, old, repl)
	}
	prom := startPrometheus(ctx, t, cfg)

	// Configured: the DCS tasks, a deleted DRS job and a deleted CDM job;
	// found by discovery: 4 SMS tasks, 7 DRS jobs, 4 OMS tasks, 1 OMS task
	// group, 4 CDM jobs.
	tasks := len(simulator.DemoDCSTaskIDs()) + 1 + 1 + 4 + 7 + 4 + 1 + 4
	eventually(ctx, t, "probes were not sharded, or the health job did not scrape both replicas", func() error {
		perTask, err := prom.query(ctx, `count by (task_id) (probe_success{job="migration_tasks"})`)
		if err != nil {
			return err
		}
		if len(perTask) != tasks {
			return fmt.Errorf("%d tasks probed, want %d", len(perTask), tasks)
		}
		for _, s := range perTask {
			if n := s.float(t); n != 1 {
				return fmt.Errorf("task %s probed by %v replicas, want 1", s.Metric["task_id"], n)
			}
		}
		perReplica, err := prom.query(ctx, `count by (instance) (probe_success{job="migration_tasks"})`)
		if err != nil {
			return err
		}
		if len(perReplica) != 2 {
			return fmt.Errorf("probes went to %d replicas, want 2: %v", len(perReplica), perReplica)
		}
		// The health job: both replicas up, with their own metrics.
		for _, expr := range []string{
			`up{job="migration_exporter"} == 1`,
			`migration_exporter_build_info{job="migration_exporter"}`,
			`sum by (instance) (migration_exporter_task_errors_total{job="migration_exporter"})`,
			`migration_exporter_config_last_reload_successful{job="migration_exporter"}`,
			`go_goroutines{job="migration_exporter"}`,
		} {
			if got, err := prom.query(ctx, expr); err != nil || len(got) != 2 {
				return fmt.Errorf("%s: %d series (%v), want one per replica", expr, len(got), err)
			}
		}
		return nil
	})
	ok, err := prom.query(ctx, `probe_success{job="migration_tasks", task_id="`+simulator.DemoDeletedDCSTask+`"}`)
	if err != nil || len(ok) != 1 || ok[0].float(t) != 0 {
		t.Errorf("the deleted task's probe_success: %v %v, want 0", ok, err)
	}
	// Down: the deleted DCS task, DRS job and CDM job.
	if up, err := prom.query(ctx, `sum(probe_success{job="migration_tasks"})`); err != nil || len(up) != 1 || up[0].float(t) != float64(tasks-3) {
		t.Errorf("sum(probe_success) = %v %v, want %d", up, err, tasks-3)
	}

	// Every task-level *_up series (dcs_, sms_, drs_, oms_migration_up,
	// oms_migration_group_up; not Prometheus' own up, nor
	// drs_migration_endpoint_up), of any job, over the whole run: one per
	// task (none from the health job), and only the deliberately deleted
	// ones were ever 0.
	taskUp := `{__name__=~".+_migration(_group)?_up"}`
	if all, err := prom.query(ctx, `last_over_time(`+taskUp+`[1h])`); err != nil || len(all) != tasks {
		t.Errorf("%d task-level *_up series (%v), want %d, one per task", len(all), err, tasks)
	}
	down, err := prom.query(ctx, `min_over_time(`+taskUp+`[1h]) == 0`)
	if err != nil {
		t.Fatal(err)
	}
	wantDown := map[string]bool{simulator.DemoDeletedDCSTask: true, simulator.DemoDeletedDRSJob: true, simulator.DemoDeletedCDMJob: true}
	for _, s := range down {
		id := s.Metric["task_id"]
		if id == "" {
			id = s.Metric["group_id"]
		}
		if !wantDown[id] || s.Metric["job"] != "migration_tasks" {
			t.Errorf("task reported down: %v", s.Metric)
		}
		delete(wantDown, id)
	}
	if len(wantDown) > 0 {
		t.Errorf("the deleted tasks %v were never reported down", wantDown)
	}
	if health, err := prom.query(ctx, `count by (__name__) ({job="migration_exporter", __name__=~"(dcs|sms|drs|oms|cdm)_.+|probe_.+"})`); err != nil || len(health) != 0 {
		t.Errorf("the health job stored task series (%v): %v", err, health)
	}

	// honor_labels: the series keep their own account and task_id, no
	// exported_* duplicates of the /sd target labels.
	var labels struct {
		Data []string `json:"data"`
	}
	if err := prom.get(ctx, "/api/v1/labels", nil, &labels); err != nil {
		t.Fatal(err)
	}
	for _, l := range labels.Data {
		if strings.HasPrefix(l, "exported_") {
			t.Errorf("a series has label %s", l)
		}
	}
}

func mustAlerts(ctx context.Context, t *testing.T, p promAPI) []promAlert {
	t.Helper()
	a, err := p.alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
