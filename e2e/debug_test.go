package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/simulator"
)

// debugProbe fetches /probe with debug=true and returns its text/plain body.
func debugProbe(t *testing.T, base, module, taskID string) string {
	t.Helper()
	a := get(t, probeURL(base, "e2e", module, taskID)+"&debug=true")
	if a.code != http.StatusOK {
		t.Fatalf("debug probe: HTTP %d: %s", a.code, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("debug probe: Content-Type %q, want text/plain", ct)
	}
	return a.body
}

// expectLines fails unless every want is in trace.
func expectLines(t *testing.T, trace string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(trace, want) {
			t.Errorf("debug trace has no %q:\n%s", want, trace)
		}
	}
}

func TestEndToEndDebugProbeTracesOnePoll(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, true) // numbers as strings: decoded all the same
	sim.AddDCSTask(fixedTask(taskA))
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))

	trace := debugProbe(t, exp.URL, "dcs", taskA)
	expectLines(t, trace,
		// Both requests, with their path and status, on the first attempt.
		"GET /v2/"+testProject+"/migration-task/"+taskA+"/stats -> 200 in ",
		"GET /v2/"+testProject+"/migration-task/"+taskA+" -> 200 in ",
		"(attempt 1)",
		// The decoded fields and their transforms.
		"full_migration_progress: 42.5 -> /100 (percent to ratio) -> 0.425",
		"target_input_kbps: 12.5 -> *1024 (KiB to bytes) -> 12800",
		"offset: 1234 -> as is -> 1234",
		"is_migrating: true -> 1",
		`status: "MIGRATING" (a known state)`,
		"(no error)",
		// The metrics the probe would serve, in the text format.
		`dcs_migration_full_progress_ratio{account="e2e",task_id="`+taskA+`"} 0.425`,
		"# TYPE dcs_migration_up gauge",
		"probe_success 1",
		"probe_duration_seconds ",
	)

	// Without debug=true the probe is unchanged: metrics, no trace.
	if r := probeUp(t, exp, "dcs", taskA); strings.Contains(r, "API requests") {
		t.Errorf("a probe without debug=true:\n%s", r)
	}
}

func TestEndToEndDebugProbeShowsRetries(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, taskA)
	sim.SetFault(taskA, simulator.Fault{Kind: simulator.FaultServerError, Times: 1})
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))

	trace := debugProbe(t, exp.URL, "dcs", taskA)
	expectLines(t, trace, "-> 500 in ", "(attempt 1)", "(attempt 2, a retry: http_5xx, waited ", "probe_success 1")
}

func TestEndToEndDebugProbeShowsTheReason(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))

	trace := debugProbe(t, exp.URL, "dcs", "gone-task")
	expectLines(t, trace, "/migration-task/gone-task/stats -> 400 in ", "error: not_found: ", "probe_success 0",
		`dcs_migration_up{account="e2e",task_id="gone-task"} 0`)
}

func TestEndToEndDebugProbeShowsNoSecret(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddDCSTask(fixedTask(taskA)) // its details echo the Redis passwords
	const echo = "d-echo-secrets"
	sim.AddDCSTask(fixedTask(echo))
	sim.SetFault(echo, simulator.Fault{Kind: simulator.FaultEchoSecrets})
	exp := startExporter(t, "--config.file="+writeTokenConfig(t, sim.URL, taskA, echo))

	var traces []string
	for _, id := range []string{taskA, echo} {
		traces = append(traces, debugProbe(t, exp.URL, "dcs", id))
	}
	expectLines(t, traces[0], "full_migration_progress: 42.5", "probe_success 1")
	expectLines(t, traces[1], "error: ", "probe_success 0")
	secrets := append([]string{srcPassword, dstPassword, testAK, testSK, testToken,
		"Signature=", "Authorization", "SDK-HMAC-SHA256", "X-Security-Token"}, sim.EchoedSignatures()...)
	if len(secrets) == 9 {
		t.Fatal("the simulator echoed no signature: the test tests nothing")
	}
	for _, trace := range traces {
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(trace), strings.ToLower(s)) {
				t.Errorf("a debug trace shows %q:\n%s", s, trace)
			}
		}
	}
}
