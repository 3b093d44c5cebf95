package e2e

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const testToken = "e2e-temporary-security-token-do-not-leak-0001"

// writeTokenConfig writes a one-account config with temporary credentials
// (AK, SK and security token) polling the DCS taskIDs at endpoint, and the
// SMS task s-error-in-200.
func writeTokenConfig(t *testing.T, endpoint string, taskIDs ...string) string {
	t.Helper()
	return writeCredentialsConfig(t, t.TempDir(), endpoint, "      secret_key: "+testSK+"\n      security_token: "+testToken+"\n",
		"    dcs:\n      task_ids: ["+strings.Join(taskIDs, ", ")+"]\n    sms:\n      task_ids: [s-error-in-200]\n")
}

// encodings are the forms a leaked secret could take.
func encodings(secret string) []string {
	b := []byte(secret)
	return []string{secret, url.QueryEscape(secret), base64.StdEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b), hex.EncodeToString(b)}
}

// A task whose endpoint is hostile (a redirect to another port, an error
// object in a 200, secrets echoed in a 401, a Retry-After that overflows,
// numbers that overflow their unit) is down or loses only that field, with
// a reason; the healthy task next to it keeps its exact values; nothing
// reaches the other host; no secret, signature or their encodings appear in
// any log line (at debug level), metric or HTTP answer.
func TestEndToEndHostileAnswers(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{"full_migration_progress": 99, "offset": 0}`))
	}))
	defer other.Close()

	sim := startSimulator(t, true)
	const (
		ok, redirect, in200, echo, retry, overflow = "t-ok", "t-redirect", "t-error-in-200", "t-echo", "t-retry-after", "t-overflow"
	)
	for _, id := range []string{ok, redirect, in200, echo, retry} {
		sim.AddDCSTask(fixedTask(id))
	}
	over := fixedTask(overflow)
	over.Stats = nil
	over.Raw = map[string]any{"full_migration_progress": "50", "offset": 1e308, "target_input_kbps": 1e307,
		"source_dbsize": "1e400", "target_dbsize": 7, "target_ops": 1, "is_migrating": true}
	sim.AddDCSTask(over)
	sim.SetFault(redirect, simulator.Fault{Kind: simulator.FaultRedirect, RedirectTo: other.URL})
	sim.SetFault(in200, simulator.Fault{Kind: simulator.FaultErrorIn200})
	sim.SetFault(echo, simulator.Fault{Kind: simulator.FaultEchoSecrets})
	sim.SetFault(retry, simulator.Fault{Kind: simulator.FaultHugeRetryAfter})
	sim.AddSMSTask(simulator.SMSTask{ID: "s-error-in-200", Name: "server"})
	sim.SetFault("s-error-in-200", simulator.Fault{Kind: simulator.FaultErrorIn200})

	cfgPath := writeTokenConfig(t, sim.URL, ok, redirect, in200, echo, retry, overflow)
	for _, lvl := range []string{"debug", "info", "warn", "error"} {
		t.Run(lvl, func(t *testing.T) {
			exp := startExporter(t, "--log.level="+lvl, "--web.enable-lifecycle", "--config.file="+cfgPath)
			checkHostileScrape(t, exp, sim, other, &elsewhere, lvl == "debug")
		})
	}
}

// checkHostileScrape scrapes exp once and checks TestEndToEndHostileAnswers'
// tasks, then sweeps every output for secrets. debug says the log has
// every line, redactions included.
func checkHostileScrape(t *testing.T, exp exporter, sim *simulator.Server, other *httptest.Server, elsewhere *atomic.Int32, debug bool) {
	const (
		ok, redirect, in200, echo, retry, overflow = "t-ok", "t-redirect", "t-error-in-200", "t-echo", "t-retry-after", "t-overflow"
	)
	retriesBefore := sim.Requests("ShowMigrationTaskStats", retry)
	start := time.Now()
	r := exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"5"}})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the scrape took %v: a huge Retry-After must not be waited for", d)
	}

	task := func(id string) []string { return []string{"account", "e2e", "task_id", id} }
	r.Expect(t, 1, "dcs_migration_up", task(ok)...)
	r.Expect(t, 0.425, "dcs_migration_full_progress_ratio", task(ok)...)
	r.Expect(t, 1234, "dcs_migration_incremental_offset", task(ok)...)
	r.Expect(t, 12.5*1024, "dcs_migration_target_input_bytes_per_second", task(ok)...)
	for _, id := range []string{redirect, in200, echo, retry} {
		r.Expect(t, 0, "dcs_migration_up", task(id)...)
		r.ExpectAbsent(t, "dcs_migration_incremental_offset", task(id)...)
	}
	// Every hostile task fails both its calls; one error a task and scrape.
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "redirect")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "not_found")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "auth")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "dcs", "reason", "throttled")
	r.Expect(t, 0, "migration_exporter_task_errors_total", "api", "dcs", "reason", "decode")
	// SMS alike: its "not found" object (SMS.9999) in a 200 is a 4xx-class error.
	r.Expect(t, 0, "sms_migration_up", "task_id", "s-error-in-200")
	r.Expect(t, 1, "migration_exporter_task_errors_total", "api", "sms", "reason", "http_4xx")
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the host a redirect pointed to got %d requests", n)
	}
	if n := sim.Requests("ShowMigrationTaskStats", retry) - retriesBefore; n != 1 {
		t.Errorf("%d stats requests for the task with a huge Retry-After, want 1 (no retry)", n)
	}
	// Overflowing numbers: the field is omitted and counted, the task is up.
	r.Expect(t, 1, "dcs_migration_up", task(overflow)...)
	r.Expect(t, 1e308, "dcs_migration_incremental_offset", task(overflow)...)
	r.ExpectAbsent(t, "dcs_migration_target_input_bytes_per_second", task(overflow)...)
	r.ExpectAbsent(t, "dcs_migration_source_keys", task(overflow)...)
	r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "dcs", "field", "target_input_kbps")
	r.Expect(t, 1, "migration_exporter_field_decode_errors_total", "api", "dcs", "field", "source_dbsize")
	for l := range strings.SplitSeq(r.Text, "\n") {
		if fields := strings.Fields(l); len(fields) > 1 && !strings.HasPrefix(l, "#") {
			if v := strings.ToLower(fields[len(fields)-1]); strings.Contains(v, "nan") || strings.Contains(v, "inf") {
				t.Errorf("a value that is not finite: %s", l)
			}
		}
	}

	// Every output the exporter has.
	outputs := map[string]string{"metrics": r.Text, "sd": get(t, exp.URL+"/sd").body}
	for _, id := range []string{ok, redirect, in200, echo, retry, overflow} {
		outputs["probe "+id] = get(t, exp.URL+"/probe?account=e2e&module=dcs&task_id="+id).body
	}
	if !strings.Contains(outputs["probe "+echo], "probe_success 0") {
		t.Errorf("probe of the echoing task:\n%s", outputs["probe "+echo])
	}
	outputs["logs"] = exp.Logs.String()
	outputs["landing page"] = get(t, exp.URL+"/").body
	_, outputs["reload"] = postReload(t, exp)
	if debug && !strings.Contains(outputs["logs"], "<redacted>") {
		t.Errorf("the echoing task's error was not logged with its secrets redacted:\n%s", outputs["logs"])
	}
	secrets := append([]string{testAK, testSK, testToken}, sim.EchoedSignatures()...)
	if len(secrets) < 4 {
		t.Fatal("the simulator echoed no signature")
	}
	for name, out := range outputs {
		for _, s := range secrets {
			for _, f := range encodings(s) {
				if strings.Contains(strings.ToLower(out), strings.ToLower(f)) {
					t.Errorf("%s contains %q", name, f)
				}
			}
		}
		if strings.Contains(out, "SDK-HMAC-SHA256") {
			t.Errorf("%s contains an Authorization header", name)
		}
	}
}

// A stalled list of one account, and a stalled poll, cost the other
// account's tasks nothing; a scrape answers by its own deadline even while
// an earlier scrape with a longer deadline holds the stalled list.
func TestEndToEndStalledAccountDoesNotCostAnother(t *testing.T) {
	t.Parallel()
	stalled, healthy := startSimulator(t, false), startSimulator(t, false)
	stalled.AddSMSTask(simulator.SMSTask{ID: "s-1", Name: "server-1"})
	stalled.SetFault("", simulator.Fault{Latency: time.Hour}) // every list call
	stalled.AddDCSTask(fixedTask("d-stalled"))
	stalled.SetFault("d-stalled", simulator.Fault{Latency: time.Hour})
	healthy.AddDCSTask(fixedTask(taskA))

	path := filepath.Join(t.TempDir(), "migration_exporter.yml")
	cfg := fmt.Sprintf(`accounts:
  - name: stalled
    region: cn-north-4
    project_id: %[1]s
    credentials: {access_key: %[2]s, secret_key: %[3]s}
    endpoints: {dcs: %[4]s, sms: %[4]s}
    dcs: {task_ids: [d-stalled]}
    sms: {discover: true}
  - name: healthy
    region: cn-north-4
    project_id: %[1]s
    credentials: {access_key: %[2]s, secret_key: %[3]s}
    endpoints: {dcs: %[5]s, sms: %[5]s}
    dcs: {task_ids: [%[6]s]}
`, testProject, testAK, testSK, stalled.URL, healthy.URL, taskA)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	exp := startExporter(t, "--config.file="+path)

	// A long scrape starts the stalled list and holds it...
	long := make(chan scrapetest.Result, 1)
	go func() { long <- exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"6"}}) }()
	time.Sleep(300 * time.Millisecond)
	// ...while a short one must answer by its own deadline, with the healthy
	// account's values.
	start := time.Now()
	short := exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"1.5"}})
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("the short scrape took %v, past its 1.5 s deadline", d)
	}
	for name, r := range map[string]scrapetest.Result{"short": short, "long": <-long} {
		t.Run(name, func(t *testing.T) {
			healthyTask := []string{"account", "healthy", "task_id", taskA}
			r.Expect(t, 1, "dcs_migration_up", healthyTask...)
			r.Expect(t, 1234, "dcs_migration_incremental_offset", healthyTask...)
			r.Expect(t, 0, "dcs_migration_up", "account", "stalled", "task_id", "d-stalled")
			if got := r.Series("sms_migration_up", "account", "stalled"); len(got) != 0 {
				t.Errorf("%d SMS tasks from a list that never answered", len(got))
			}
		})
	}
}

func TestEndToEndScrapeTimeoutHeaderThatIsNotANumberFallsBack(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA, "t-slow")
	sim.SetFault("t-slow", simulator.Fault{Latency: time.Hour})
	exp := startExporter(t, "--scrape.timeout=1s", "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA, "t-slow"))
	for _, v := range []string{"NaN", "nan", "+Inf", "-Inf", "1e400"} {
		start := time.Now()
		r := exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {v}})
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("header %q: the scrape took %v, want --scrape.timeout (1s)", v, d)
		}
		r.Expect(t, 1, "dcs_migration_up", "task_id", taskA)
		r.Expect(t, 0, "dcs_migration_up", "task_id", "t-slow")
	}
}

// 150 clients probing random valid task ids (others than /metrics polls,
// and hardly ever the same twice, so that no call is shared) use only the
// probe share of the account's rate limit and concurrency: a /metrics
// scrape during the flood still reads every task exactly.
func TestEndToEndProbeFloodDoesNotStarveMetrics(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("t-%02d", i))
		sim.AddDCSTask(fixedTask(ids[i]))
	}
	sim.AddDCSTask(fixedTask("p-after"))
	path := writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    requests_per_second: 40\n    dcs:\n      task_ids: ["+strings.Join(ids, ", ")+"]\n")
	// No --web.max-requests limit: every probe of the flood polls.
	exp := startExporter(t, "--api.concurrency=8", "--web.max-requests=0", "--config.file="+path)

	stop := make(chan struct{})
	var probes sync.WaitGroup
	var answered atomic.Int32
	client := &http.Client{Timeout: 15 * time.Second}
	for range 150 {
		probes.Go(func() {
			for range 40 { // bounded
				select {
				case <-stop:
					return
				default:
				}
				// Each client waits for its answer, as Prometheus does.
				req, _ := http.NewRequest(http.MethodGet, exp.URL+fmt.Sprintf("/probe?account=e2e&module=dcs&task_id=p-%d", rand.N(1_000_000)), nil)
				req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "5")
				if resp, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					answered.Add(1)
				}
			}
		})
	}
	time.Sleep(time.Second) // the flood is on
	r := exp.scrape(t, http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"10"}})
	close(stop)
	probes.Wait()
	for _, id := range ids {
		r.Expect(t, 1, "dcs_migration_up", "task_id", id)
		r.Expect(t, 1234, "dcs_migration_incremental_offset", "task_id", id)
	}
	if answered.Load() < 150 {
		t.Errorf("only %d probes answered", answered.Load())
	}
	// Everything the flood asked for is past: the answers still come.
	probeUp(t, exp, "dcs", "p-after")
}

func TestEndToEndProbeCanBeRestrictedToKnownTasks(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA, "t-unlisted")
	exp := startExporter(t, "--probe.known-tasks-only", "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))
	probeUp(t, exp, "dcs", taskA)
	if a := get(t, exp.URL+"/probe?account=e2e&module=dcs&task_id=t-unlisted"); a.code != http.StatusBadRequest ||
		!strings.Contains(a.body, "neither configured nor discovered") {
		t.Errorf("unknown task: HTTP %d %s", a.code, a.body)
	}
	if n := sim.Requests("ShowMigrationTaskStats", "t-unlisted"); n != 0 {
		t.Errorf("the unknown task was polled %d times", n)
	}
}

// A discovery list that names ids unsafe in a URL path: they are dropped,
// counted by api and logged once each, and the list's other tasks are
// polled as usual.
func TestEndToEndDiscoveredIDsThatAreNotIDsAreCounted(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	for _, id := range []string{"s-good", "../../v3/x", "bad id"} {
		sim.AddSMSTask(simulator.SMSTask{ID: id, Name: "server"})
	}
	exp := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK,
		"    sms: {discover: true}\n"))
	for range 2 { // the list is reused within discovery_interval: listed once
		r := exp.scrape(t, nil)
		r.Expect(t, 1, "sms_migration_up", "account", "e2e", "task_id", "s-good")
		if got := r.Series("sms_migration_up"); len(got) != 1 {
			t.Errorf("%d SMS tasks polled, want 1: %v", len(got), got)
		}
		r.Expect(t, 2, "migration_exporter_discovery_rejected_ids_total", "api", "sms")
		r.Expect(t, 0, "migration_exporter_discovery_rejected_ids_total", "api", "dcs")
	}
	if n := strings.Count(exp.Logs.String(), "discovery dropped a task id"); n != 2 {
		t.Errorf("%d warnings for 2 bad ids, want 2:\n%s", n, exp.Logs.String())
	}
}
