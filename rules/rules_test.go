// Package rules holds the Prometheus recording and alerting rules for
// migration_exporter (migration_exporter.rules.yml) and their promtool unit
// tests (migration_exporter.rules.test.yml). This test runs promtool on
// them, so `go test ./...` covers the rules too.
package rules

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/migration-exporter/migration_exporter/internal/testenv"
)

const (
	rulesFile = "migration_exporter.rules.yml"
	testsFile = "migration_exporter.rules.test.yml"
)

// blockerRecord is the series of the reasons a task is not ready, one
// rule per service and reason (labels api and reason); wantBlockers lists
// them as api/reason, sorted.
const blockerRecord = "task:migration_cutover_blocker"

var wantBlockers = []string{
	"cdm/down", "cdm/failed", "cdm/in_progress", "cdm/skipped_rows",
	"dcs/down", "dcs/failed", "dcs/not_incremental", "dcs/offset_high",
	"drs/down", "drs/failed", "drs/lag_high", "drs/not_incremental", "drs/verify_mismatch", "drs/verify_missing", "drs/verify_stale",
	"oms/down", "oms/failed", "oms/failed_objects", "oms/in_progress", "oms/listing_incomplete",
	"sms/agent_disconnected", "sms/down", "sms/failed", "sms/not_incremental", "sms/verify_mismatch", "sms/verify_missing", "sms/verify_stale",
}

// switchRecord is the require_verification switch, one rule per service
// with verification results, whose expr is `vector(1)` (on) or `vector(0)`
// (off). verificationOffTests runs against a copy of the rule file with
// every switch turned off that way.
const (
	switchRecord         = "api:migration_cutover_require_verification:bool"
	switchOn             = "expr: vector(1)"
	switchOff            = "expr: vector(0)"
	verificationOffTests = "migration_exporter.rules.verification-off.test.yml"
)

// exporterJob is the scrape job name that MigrationExporterDown and
// MigrationExporterAbsent select on (`up{job="migration_exporter"}`), the
// rule file's documented parameter. The scrape config must use it.
const exporterJob = "migration_exporter"

// probeJob is the scrape job name of /probe in the sharded layout, which
// MigrationProbeFailing selects on, the rule file's other documented
// parameter.
const probeJob = "migration_tasks"

// The cut-over window, the rule file's documented parameter:
// MigrationCatchUpTooSlow fires when a task's catch-up forecast
// (etaRecord) has been longer than it, `> 7200` in the alert's expr.
const (
	etaRecord           = "task:migration_catchup_eta_seconds"
	catchUpAlert        = "MigrationCatchUpTooSlow"
	cutoverWindowHeader = "# Cut-over window, 2h: `> 7200` in " + catchUpAlert + "."
	cutoverWindowExpr   = etaRecord + " > 7200"
)

// run runs promtool with args and returns its stdout and stderr. A non-zero
// exit fails the test with both.
func run(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// The rules are checked and their tests run under every promtool the
// project supports: Debian's 2.42 and Prometheus 3 (whose range windows
// and lookback leave out a sample exactly on their start, so the tests
// assert off those edges).
func TestRulesPromtool(t *testing.T) {
	for _, tool := range testenv.Promtools(t) {
		t.Run("promtool "+tool.Version, func(t *testing.T) { testRulesPromtool(t, tool.Path) })
	}
}

func testRulesPromtool(t *testing.T, bin string) {
	t.Run("check", func(t *testing.T) {
		stdout, stderr := run(t, bin, "check", "rules", rulesFile)
		// promtool exits 0 on lint findings (duplicate rules) and prints them
		// on stderr, so anything besides "Checking …" and "SUCCESS: …" is a
		// warning.
		if strings.TrimSpace(stderr) != "" {
			t.Errorf("promtool check rules printed warnings:\n%s", stderr)
		}
		success := false
		for line := range strings.SplitSeq(stdout, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "", strings.HasPrefix(line, "Checking "):
			case strings.HasPrefix(line, "SUCCESS:"):
				success = true
			default:
				t.Errorf("promtool check rules printed %q:\n%s", line, stdout)
			}
		}
		if !success {
			t.Errorf("promtool check rules did not report SUCCESS:\n%s", stdout)
		}
	})

	t.Run("test", func(t *testing.T) {
		stdout, stderr := run(t, bin, "test", "rules", testsFile)
		if !strings.Contains(stdout, "SUCCESS") {
			t.Errorf("promtool test rules did not report SUCCESS:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})

	// require_verification off, as the rule file says to turn it off: each
	// switch's `vector(1)` changed to `vector(0)`, in a copy of the file.
	t.Run("verification off", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, rulesFile), verificationOff(t), 0o600); err != nil {
			t.Fatal(err)
		}
		tests, err := os.ReadFile(verificationOffTests)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, verificationOffTests)
		if err := os.WriteFile(path, tests, 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr := run(t, bin, "test", "rules", path)
		if !strings.Contains(stdout, "SUCCESS") {
			t.Errorf("promtool test rules did not report SUCCESS:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})
}

// verificationOff is the rule file with every require_verification switch
// turned off. It fails the test unless the file has exactly one switch
// rule each for DRS and SMS, each with switchOn as its expr.
func verificationOff(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Rules []struct {
				Record string            `yaml:"record"`
				Expr   string            `yaml:"expr"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	var apis []string
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != switchRecord {
				continue
			}
			apis = append(apis, r.Labels["api"])
			if "expr: "+r.Expr != switchOn {
				t.Fatalf("%s{api=%q} has expr %q; the rule file documents %q as on", switchRecord, r.Labels["api"], r.Expr, switchOn)
			}
		}
	}
	sort.Strings(apis)
	if got := strings.Join(apis, ","); got != "drs,sms" {
		t.Fatalf("%s rules for %q, want one each for drs and sms", switchRecord, got)
	}
	if n := bytes.Count(data, []byte(switchOn)); n != len(apis) {
		t.Fatalf("%s has %d lines %q, want %d (one per switch)", rulesFile, n, switchOn, len(apis))
	}
	return bytes.ReplaceAll(data, []byte(switchOn), []byte(switchOff))
}

// The alert names are an interface (dashboards, routes and other tests use
// them), and every alert needs the labels and annotations the routing and
// the on-call need. promtool does not check either.
func TestRulesConventions(t *testing.T) {
	var file struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Record      string            `yaml:"record"`
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "# Exporter alert parameter: the scrape job's name, \""+exporterJob+"\"") {
		t.Errorf("%s: the header comment does not document the scrape job name %q as a parameter", rulesFile, exporterJob)
	}
	if !strings.Contains(string(data), "# Probe alert parameter: the probe job's name, \""+probeJob+"\"") {
		t.Errorf("%s: the header comment does not document the probe job name %q as a parameter", rulesFile, probeJob)
	}
	if !strings.Contains(string(data), cutoverWindowHeader) {
		t.Errorf("%s: the header comment does not document the cut-over window as %q", rulesFile, cutoverWindowHeader)
	}
	tests, err := os.ReadFile(testsFile)
	if err != nil {
		t.Fatal(err)
	}

	var alerts, records, readyAPIs, etaAPIs, blockers []string
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				records = append(records, r.Record)
				if r.Record == "task:migration_cutover_ready:bool" {
					// One rule per service, told apart by its api label.
					readyAPIs = append(readyAPIs, r.Labels["api"])
				}
				if r.Record == etaRecord {
					etaAPIs = append(etaAPIs, r.Labels["api"])
				}
				if g.Name != "migration_exporter.recording" {
					t.Errorf("recording rule %s is in group %s", r.Record, g.Name)
				}
				parts := strings.Split(r.Record, ":")
				switch {
				case r.Record == blockerRecord:
					// Named by the product contract, without an operation:
					// its value is a flag, not the result of one.
					blockers = append(blockers, r.Labels["api"]+"/"+r.Labels["reason"])
				case r.Record == etaRecord:
					// Named by the product contract, without an operation:
					// a forecast from several series, not one operation.
				case len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "":
					t.Errorf("recording rule %s is not level:metric:operations", r.Record)
				}
				if !bytes.Contains(tests, []byte("expr: "+r.Record)) {
					t.Errorf("recording rule %s has no promql_expr_test", r.Record)
				}
				continue
			}
			alerts = append(alerts, r.Alert)
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("alert %s: severity %q, want critical or warning", r.Alert, s)
			}
			if r.For == "" {
				t.Errorf("alert %s has no for", r.Alert)
			}
			for _, a := range []string{"summary", "description", "runbook"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("alert %s has no %s annotation", r.Alert, a)
				}
			}
			for _, prefix := range []string{"dcs_migration_", "sms_migration_", "drs_migration_", "oms_migration_", "cdm_migration_"} {
				if !strings.Contains(r.Expr, prefix) {
					continue
				}
				// An alert on task metrics: it must name the task, or the
				// CDM cluster for an alert on a cluster's series (which
				// have cluster_id, not task_id).
				id := "$labels.task_id"
				if strings.Contains(r.Expr, "cdm_migration_cluster_status") {
					id = "$labels.cluster_id"
				}
				for _, want := range []string{"$labels.account", id, "$value"} {
					if !strings.Contains(r.Annotations["description"], want) {
						t.Errorf("alert %s: description does not use %s", r.Alert, want)
					}
				}
				break
			}
			// Task alerts join the info metric for the job's or task's name,
			// and show it next to the id.
			// A CDM job's alert joins its job's and its cluster's name; the
			// cluster alert, the cluster's.
			for _, name := range []struct{ alertPrefix, label, joined string }{
				{"DCS", "task_name", "task_name"},
				{"SMS", "task_name", "task_name"},
				{"DRS", "job_name", "job_name"},
				{"OMS", "task_name", "task_name"},
				{"CDMJob", "job_name", "job_name, cluster_name"},
				{"CDMRows", "job_name", "job_name, cluster_name"},
				{"CDMCluster", "cluster_name", "cluster_name"},
			} {
				if !strings.HasPrefix(r.Alert, name.alertPrefix) {
					continue
				}
				if !strings.Contains(r.Expr, "group_left ("+name.joined+")") {
					t.Errorf("alert %s: expr does not join %s with group_left (%s)", r.Alert, name.label, name.joined)
				}
				for _, a := range []string{"summary", "description"} {
					if !strings.Contains(r.Annotations[a], "$labels."+name.label) {
						t.Errorf("alert %s: %s does not show $labels.%s", r.Alert, a, name.label)
					}
				}
			}
			// The alerts on the exporter's scrape job name it as the rule
			// file's header documents (exporterJob; e2e/examples_test.go checks
			// that examples/prometheus.yml scrapes with that job name).
			if strings.Contains(r.Expr, "up{") && !strings.Contains(r.Expr, `up{job="`+exporterJob+`"}`) && !strings.Contains(r.Expr, `up{job="`+probeJob+`"}`) {
				t.Errorf("alert %s: expr %q does not select up{job=%q}", r.Alert, r.Expr, exporterJob)
			}
			if r.Alert == catchUpAlert && !strings.Contains(r.Expr, cutoverWindowExpr) {
				t.Errorf("alert %s: expr %q does not compare %q, the cut-over window of the header", r.Alert, r.Expr, cutoverWindowExpr)
			}
			if !bytes.Contains(tests, []byte("alertname: "+r.Alert+"\n")) {
				t.Errorf("alert %s has no alert_rule_test", r.Alert)
			}
		}
	}
	sort.Strings(alerts)
	want := []string{
		"CDMClusterNotNormal",
		"CDMJobFailed",
		"CDMRowsSkipped",
		"DCSMigrationFailed",
		"DCSMigrationKeyMismatchAfterSuccess",
		"DCSMigrationOffsetNotConverging",
		"DCSMigrationStalled",
		"DRSEndpointDown",
		"DRSJobFailed",
		"DRSReplicationDelayHigh",
		"MigrationCatchUpTooSlow",
		"MigrationExporterAPIThrottled",
		"MigrationExporterAbsent",
		"MigrationExporterDiscoveryFailing",
		"MigrationExporterDown",
		"MigrationExporterReloadFailed",
		"MigrationProbeFailing",
		"MigrationTaskUnreachable",
		"MigrationVerificationMismatch",
		"OMSFailedObjectsRising",
		"OMSTaskFailed",
		"OMSTaskStalled",
		"SMSAgentDisconnected",
		"SMSMigrationETASlipping",
		"SMSMigrationFailed",
	}
	if strings.Join(alerts, ",") != strings.Join(want, ",") {
		t.Errorf("alerts %v, want %v", alerts, want)
	}
	for _, r := range []string{
		"task:dcs_migration_key_mismatch:ratio",
		"task:sms_migration_progress:ratio",
		"task:migration_cutover_ready:bool",
		"account:migration_cutover_ready:min",
		"task:drs_migration_delay_seconds:max",
		"task:dcs_migration_incremental_offset:max",
		etaRecord,
		blockerRecord,
		switchRecord,
	} {
		if !slices.Contains(records, r) {
			t.Errorf("recording rules %v lack %s", records, r)
		}
	}
	sort.Strings(readyAPIs)
	if got := strings.Join(readyAPIs, ","); got != "cdm,dcs,drs,oms,sms" {
		t.Errorf("task:migration_cutover_ready:bool rules have api labels %q, want one each of cdm, dcs, drs, oms, sms", got)
	}
	sort.Strings(etaAPIs)
	if got := strings.Join(etaAPIs, ","); got != "dcs,drs,oms,sms" {
		t.Errorf("%s rules have api labels %q, want one each of dcs, drs, oms, sms", etaRecord, got)
	}
	// Every reason of every service, each once: readiness is "no blocker",
	// so a reason missing here would make its tasks ready.
	sort.Strings(blockers)
	if got := strings.Join(blockers, ","); got != strings.Join(wantBlockers, ",") {
		t.Errorf("%s rules (api/reason) %s, want %s", blockerRecord, got, strings.Join(wantBlockers, ","))
	}
	for _, want := range []string{"require_verification", "verify_max_age", "in_progress", "agent_disconnected", "skipped_rows"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s does not document %s", rulesFile, want)
		}
	}
}
