package huaweicloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"golang.org/x/time/rate"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	testAK      = "TESTAKTESTAKTESTAK01"
	testSK      = "testsecretkeytestsecretkeytestsecret0001"
	testProject = simulator.DemoProjectID
	taskID      = "31c6fd2b-2893-430b-90ff-d1adb8060585"
)

func startSim(t *testing.T, opts simulator.Options) *simulator.Server {
	t.Helper()
	opts.AccessKey, opts.SecretKey, opts.ProjectID = testAK, testSK, testProject
	srv, err := simulator.Start(simulator.New(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.AddDCSTask(simulator.DCSTask{
		ID: taskID, Name: "t1",
		Source: simulator.Instance{Name: "src", Password: "pw-src"},
		Target: simulator.Instance{Name: "dst", Password: "pw-dst"},
		Stats: &simulator.DCSStats{FullMigrationProgress: 42.5, Offset: 1234, SourceDBSize: 1000,
			TargetDBSize: 425, TargetInputKbps: 12.5, TargetOps: 300, IsMigrating: true},
	})
	return srv
}

type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) ObserveRequest(api, op, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, api+" "+op+" "+code)
}

func newClient(srv *simulator.Server, creds huaweicloud.StaticCredentials, obs huaweicloud.Observer) *huaweicloud.Client {
	return huaweicloud.NewClient(huaweicloud.Options{
		ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL}, Credentials: &creds, Observer: obs, UserAgent: "test",
	})
}

func TestClientReadsDCSStatsInBothNumberModes(t *testing.T) {
	for _, asStrings := range []bool{false, true} {
		srv := startSim(t, simulator.Options{NumbersAsStrings: asStrings})
		rec := &recorder{}
		c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, rec)
		st, err := c.DCSMigrationStats(context.Background(), taskID)
		if err != nil {
			t.Fatalf("strings=%v: %v", asStrings, err)
		}
		checks := []struct {
			name string
			n    huaweicloud.Number
			want float64
		}{
			{"progress", st.FullMigrationProgress, 42.5}, {"offset", st.Offset, 1234},
			{"source", st.SourceDBSize, 1000}, {"target", st.TargetDBSize, 425},
			{"kbps", st.TargetInputKbps, 12.5}, {"ops", st.TargetOps, 300},
		}
		for _, c := range checks {
			if v, ok := c.n.Value(); !ok || v != c.want {
				t.Errorf("strings=%v %s = %v,%v want %v", asStrings, c.name, v, ok, c.want)
			}
		}
		if v, ok := st.IsMigrating.Value(); !ok || !v {
			t.Errorf("is_migrating = %v,%v", v, ok)
		}
		if got := strings.Join(rec.calls, ","); got != "dcs ShowMigrationTaskStats 200" {
			t.Errorf("observed %q", got)
		}
	}
}

func TestClientTaskDetailsNeverDecodePasswords(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, nil)
	task, err := c.DCSMigrationTask(context.Background(), taskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.TaskName != "t1" || task.Status != "MIGRATING" || task.SourceInstance.Label() != "src" || task.TargetInstance.Label() != "dst" {
		t.Errorf("task = %+v", task)
	}
	if s := strings.ToLower(strings.Join([]string{string(task.TaskName), task.SourceInstance.Label(), task.TargetInstance.Label()}, " ")); strings.Contains(s, "pw-") {
		t.Errorf("password decoded: %s", s)
	}
}

func TestClientSignatureRejectedWithWrongSecret(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: "wrong-secret"}, nil)
	_, err := c.DCSMigrationStats(context.Background(), taskID)
	var apiErr *huaweicloud.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "APIG.0301" {
		t.Fatalf("err = %v, want 401 APIG.0301", err)
	}
	if r := huaweicloud.Reason(err); r != huaweicloud.ReasonAuth {
		t.Errorf("reason = %q", r)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("secret in error: %v", err)
	}
}

func TestClientSignsSecurityToken(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "tok"}, nil)
	if _, err := c.DCSMigrationStats(context.Background(), taskID); err != nil {
		t.Fatal(err)
	}
}

func TestClientUsesSeedEnvironmentCredentialsFromTheChain(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	// The SDK's own variables are empty, so the chain reaches CLOUD_SDK_*
	// (and stops there: it never gets to the ECS metadata provider).
	t.Setenv("HUAWEICLOUD_SDK_AK", "")
	t.Setenv("HUAWEICLOUD_SDK_SK", "")
	t.Setenv("CLOUD_SDK_AK", testAK)
	t.Setenv("CLOUD_SDK_SK", testSK)
	c := huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL}})
	if _, err := c.DCSMigrationStats(context.Background(), taskID); err != nil {
		t.Fatal(err)
	}
}

func TestClientUsesSDKEnvironmentCredentials(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	t.Setenv("HUAWEICLOUD_SDK_AK", testAK)
	t.Setenv("HUAWEICLOUD_SDK_SK", testSK)
	c := huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL}})
	if _, err := c.DCSMigrationStats(context.Background(), taskID); err != nil {
		t.Fatal(err)
	}
}

type noCredentials struct{}

func (noCredentials) GetCredentials() (auth.ICredential, error) {
	return nil, errors.New("nothing here")
}

func TestClientWithoutCredentialsFailsAsAuthAndRetriesLater(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	rec := &recorder{}
	c := huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL},
		Provider: noCredentials{}, Observer: rec})
	_, err := c.DCSMigrationStats(context.Background(), taskID)
	if huaweicloud.Reason(err) != huaweicloud.ReasonAuth {
		t.Fatalf("err = %v, reason %q", err, huaweicloud.Reason(err))
	}
	if len(rec.calls) != 0 {
		t.Errorf("a request was sent without credentials: %v", rec.calls)
	}
}

func TestClientTimeoutAndOversizedBody(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, nil)

	srv.SetFault(taskID, simulator.Fault{Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.DCSMigrationStats(ctx, taskID)
	if huaweicloud.Reason(err) != huaweicloud.ReasonTimeout || time.Since(start) > 2*time.Second {
		t.Errorf("slow answer: err=%v after %v", err, time.Since(start))
	}

	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultOversized})
	_, err = c.DCSMigrationStats(context.Background(), taskID)
	if huaweicloud.Reason(err) != huaweicloud.ReasonDecode || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized body: %v", err)
	}
}

func TestRetriesATransient5xx(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultServerError, Times: 2})
	rec := &recorder{}
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.DCSMigrationStats(ctx, taskID); err != nil {
		t.Fatalf("after two 500s and a retry budget of %d: %v", huaweicloud.MaxRetries, err)
	}
	want := "dcs ShowMigrationTaskStats 500,dcs ShowMigrationTaskStats 500,dcs ShowMigrationTaskStats 200"
	if got := strings.Join(rec.calls, ","); got != want {
		t.Errorf("attempts %s", got)
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultServerError})
	rec := &recorder{}
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, rec)
	_, err := c.DCSMigrationStats(context.Background(), taskID)
	if huaweicloud.Reason(err) != huaweicloud.ReasonHTTP5xx || len(rec.calls) != 1+huaweicloud.MaxRetries {
		t.Errorf("err %v after %d attempts", err, len(rec.calls))
	}
}

func TestThrottledHonoursRetryAfterButNotPastTheDeadline(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultThrottled, Times: 1}) // Retry-After: 2
	rec := &recorder{}
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, rec)

	// 1s left: waiting 2s would pass the deadline, so no retry, at once.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.DCSMigrationStats(ctx, taskID)
	if huaweicloud.Reason(err) != huaweicloud.ReasonThrottled || time.Since(start) > 500*time.Millisecond {
		t.Errorf("short deadline: err %v after %v", err, time.Since(start))
	}

	// 4s left: it waits the 2s Retry-After and succeeds.
	srv.SetFault(taskID, simulator.Fault{Kind: simulator.FaultThrottled, Times: 1})
	rec.calls = nil
	ctx, cancel = context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	start = time.Now()
	if _, err := c.DCSMigrationStats(ctx, taskID); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 2*time.Second || d > 3*time.Second {
		t.Errorf("retried after %v, want the 2s Retry-After", d)
	}
	if got := strings.Join(rec.calls, ","); got != "dcs ShowMigrationTaskStats 429,dcs ShowMigrationTaskStats 200" {
		t.Errorf("attempts %s", got)
	}
}

func TestAuthErrorsAreNeverRetried(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	rec := &recorder{}
	c := newClient(srv, huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: "wrong"}, rec)
	if _, err := c.DCSMigrationStats(context.Background(), taskID); huaweicloud.Reason(err) != huaweicloud.ReasonAuth {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 {
		t.Errorf("auth error sent %d requests, want 1", len(rec.calls))
	}
}

func TestRateLimiterPacesRequestsAndRespectsTheDeadline(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	c := huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL},
		Credentials: &huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK},
		Limiter:     rate.NewLimiter(10, 1)})
	start := time.Now()
	for range 6 {
		if _, err := c.DCSMigrationStats(context.Background(), taskID); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("6 requests at 10/s took %v, want about 500ms", d)
	}
	// A token that would come after the deadline fails at once, as the
	// scrape's budget spent.
	c = huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APIDCS: srv.URL},
		Credentials: &huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK},
		Limiter:     rate.NewLimiter(0.5, 1)})
	_, _ = c.DCSMigrationStats(context.Background(), taskID)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := c.DCSMigrationStats(ctx, taskID); huaweicloud.Reason(err) != huaweicloud.ReasonThrottledBudget ||
		!errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second { // it would wait 2 s for the token
		t.Errorf("over the rate with a short deadline: %v after %v", err, time.Since(start))
	}
}

// ShowConsistencyResult of a task that does not exist is 404, not_found,
// as ShowTask's is; a task that exists is read.
func TestClientSMSConsistencyOfAnUnknownTaskIsNotFound(t *testing.T) {
	srv := startSim(t, simulator.Options{})
	srv.AddSMSTask(simulator.SMSTask{ID: "sms-1", Checks: simulator.SMSChecks{Shape: simulator.ChecksFlat,
		List: []simulator.SMSCheck{{FinishedMs: 1795400000000, Dirs: []simulator.SMSDirCheck{{Dir: "/", Total: 9}}}}}})
	rec := &recorder{}
	c := huaweicloud.NewClient(huaweicloud.Options{ProjectID: testProject, Endpoints: map[string]string{huaweicloud.APISMS: srv.URL},
		Credentials: &huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK}, Observer: rec})
	if _, err := c.SMSConsistency(context.Background(), "no-such-task"); huaweicloud.Reason(err) != huaweicloud.ReasonNotFound {
		t.Errorf("unknown task: %v (%s), want not_found", err, huaweicloud.Reason(err))
	}
	r, err := c.SMSConsistency(context.Background(), "sms-1")
	if err != nil {
		t.Fatal(err)
	}
	check, ok := r.Latest()
	total, _, _, _ := check.Files()
	if at, _ := check.FinishedTime.Value(); !ok || at != 1795400000000 {
		t.Errorf("latest %+v %v", check, ok)
	}
	if v, _ := total.Value(); v != 9 {
		t.Errorf("checked files %v, want 9", v)
	}
	if want := []string{"sms ShowConsistencyResult 404", "sms ShowConsistencyResult 200"}; strings.Join(rec.calls, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v, want %v", rec.calls, want)
	}
}
