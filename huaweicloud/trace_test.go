package huaweicloud_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/simulator"
)

func TestTraceRecordsEachAttemptAndWhyItWasRetried(t *testing.T) {
	t.Parallel()
	srv := startSim(t, simulator.Options{})
	creds := huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "trace-test-token"}
	c := newClient(srv, creds, nil)
	path := "GET /v2/" + testProject + "/migration-task/" + taskID + "/stats -> "

	// A deadline too close for the 2s Retry-After: one attempt, and why not more.
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultThrottled, Times: 1})
	trace := huaweicloud.NewTrace()
	ctx, cancel := context.WithTimeout(huaweicloud.WithTrace(context.Background(), trace), time.Second)
	defer cancel()
	if _, err := c.DCSMigrationStats(ctx, taskID); huaweicloud.Reason(err) != huaweicloud.ReasonThrottled {
		t.Fatalf("err %v, want throttled", err)
	}
	got := strings.Join(trace.Lines(huaweicloud.TraceRequest), "\n")
	for _, want := range []string{path + "429 in ", "(attempt 1)", "not retried: waiting 2s would pass the scrape's deadline"} {
		if !strings.Contains(got, want) {
			t.Errorf("trace has no %q:\n%s", want, got)
		}
	}

	// Time enough: the retry, and why (throttled, Retry-After).
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultThrottled, Times: 1})
	trace = huaweicloud.NewTrace()
	ctx, cancel = context.WithTimeout(huaweicloud.WithTrace(context.Background(), trace), 4*time.Second)
	defer cancel()
	if _, err := c.DCSMigrationStats(ctx, taskID); err != nil {
		t.Fatal(err)
	}
	lines := trace.Lines(huaweicloud.TraceRequest)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], path+"429 in ") || !strings.HasSuffix(lines[0], "(attempt 1)") ||
		!strings.HasPrefix(lines[1], path+"200 in ") || !strings.HasSuffix(lines[1], "(attempt 2, a retry: throttled, waited 2s as Retry-After asked)") {
		t.Errorf("trace:\n%s", strings.Join(lines, "\n"))
	}
	for _, secret := range []string{testAK, testSK, "trace-test-token", "Signature=", "SDK-HMAC-SHA256", "?"} {
		if strings.Contains(strings.Join(lines, "\n"), secret) {
			t.Errorf("trace shows %q:\n%s", secret, strings.Join(lines, "\n"))
		}
	}
}

func TestNilTraceRecordsNothing(t *testing.T) {
	t.Parallel()
	var trace *huaweicloud.Trace
	trace.Addf(huaweicloud.TraceField, "x %d", 1)
	if trace.Lines(huaweicloud.TraceField) != nil || huaweicloud.TraceFrom(context.Background()) != nil {
		t.Error("a nil trace recorded something, or a context without one gave one")
	}
}
