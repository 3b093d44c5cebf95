package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/app"
	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// root is the repository's top directory, which holds README.md,
// examples/, rules/ and testdata/: go test runs the tests in e2e/.
const root = ".."

// repoPath is the path of name, relative to the repository's top directory.
func repoPath(name string) string { return filepath.Join(root, name) }

// readRepo returns the repository's file name (relative to its top
// directory).
func readRepo(t *testing.T, name string) string {
	t.Helper()
	return mustRead(t, repoPath(name))
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	testAK      = "E2ETESTACCESSKEY0001"
	testSK      = "e2e-secret-key-value-do-not-leak-0001"
	testProject = simulator.DemoProjectID
)

// syncBuffer collects the exporter's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// exporter is a running exporter started by startExporter.
type exporter struct {
	URL  string
	Logs *syncBuffer
}

func (e exporter) scrape(t *testing.T, header http.Header) scrapetest.Result {
	t.Helper()
	return scrapetest.Get(t, e.URL+"/metrics", header)
}

// startExporter runs the exporter in-process on a listener bound to
// 127.0.0.1:0 with the given extra flags, and stops it when the test ends.
func startExporter(t *testing.T, args ...string) exporter {
	t.Helper()
	return startExporterWith(t, app.Options{}, args...)
}

// startExporterWith is startExporter with app.Run's options (server
// limits, hooks); their listener is replaced by one on 127.0.0.1:0.
func startExporterWith(t *testing.T, opts app.Options, args ...string) exporter {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() }) // when run returned before serving it
	addr := l.Addr().String()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	var code int
	stopped := make(chan struct{})
	go func() {
		opts.Listener = l
		code = app.Run(ctx, args, logs, logs, &opts)
		close(stopped)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Error("exporter did not stop")
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-stopped:
			t.Fatalf("exporter exited with %d:\n%s", code, logs)
		default:
		}
		// A short timeout: the listener accepts connections (in the kernel)
		// even when run returned before serving it.
		if resp, err := (&http.Client{Timeout: time.Second}).Get(url + "/-/healthy"); err == nil {
			resp.Body.Close()
			return exporter{URL: url, Logs: logs}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("exporter did not answer on %s:\n%s", url, logs)
	return exporter{}
}

// startSimulator starts a simulator with the test keys.
func startSimulator(t *testing.T, numbersAsStrings bool) *simulator.Server {
	t.Helper()
	return startSimulatorWith(t, simulator.Options{NumbersAsStrings: numbersAsStrings})
}

// simClock is the simulated tasks' clock, moved by the test: at its start
// time plus what set or advance made of it. The API gateway still checks
// signatures against the real clock.
type simClock struct {
	start  time.Time
	offset atomic.Int64
}

func newSimClock(start time.Time) *simClock { return &simClock{start: start} }

func (c *simClock) now() time.Time            { return c.start.Add(time.Duration(c.offset.Load())) }
func (c *simClock) set(elapsed time.Duration) { c.offset.Store(int64(elapsed)) }
func (c *simClock) advance(d time.Duration)   { c.offset.Add(int64(d)) }

// startClockedSimulator is startSimulator with its tasks moving on clock
// (the simulator starts at the clock's time then).
func startClockedSimulator(t *testing.T, numbersAsStrings bool, clock *simClock) *simulator.Server {
	t.Helper()
	return startSimulatorWith(t, simulator.Options{NumbersAsStrings: numbersAsStrings, Now: clock.now})
}

// startSimulatorWith starts a simulator with the test keys and opts.
func startSimulatorWith(t *testing.T, opts simulator.Options) *simulator.Server {
	t.Helper()
	opts.AccessKey, opts.SecretKey, opts.ProjectID = testAK, testSK, testProject
	srv, err := simulator.Start(simulator.New(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// startDCS starts a simulator with the test keys and a fixedTask for each
// of ids.
func startDCS(t *testing.T, ids ...string) *simulator.Server {
	t.Helper()
	sim := startSimulator(t, false)
	for _, id := range ids {
		sim.AddDCSTask(fixedTask(id))
	}
	return sim
}

// probeUp probes the e2e account's task and fails the test unless the
// probe succeeded; it returns the answer.
func probeUp(t *testing.T, exp exporter, module, taskID string) string {
	t.Helper()
	body := get(t, probeURL(exp.URL, "e2e", module, taskID)).body
	if !strings.Contains(body, "probe_success 1") {
		t.Errorf("probe of %s task %s:\n%s", module, taskID, body)
	}
	return body
}

// writeConfig writes a one-account config polling the DCS taskIDs on
// endpoint and returns its path.
func writeConfig(t *testing.T, dir, endpoint, secretKey string, taskIDs ...string) string {
	t.Helper()
	return writeAccountConfig(t, dir, endpoint, secretKey,
		"    dcs:\n      task_ids: ["+strings.Join(taskIDs, ", ")+"]\n")
}

// writeAccountConfig writes a one-account config whose service blocks are
// services (YAML indented by four spaces) and returns its path.
func writeAccountConfig(t *testing.T, dir, endpoint, secretKey, services string) string {
	t.Helper()
	return writeCredentialsConfig(t, dir, endpoint, "      secret_key: "+secretKey+"\n", services)
}

// writeCredentialsConfig is writeAccountConfig with the credentials after
// the access key given as YAML lines (indented by six spaces).
func writeCredentialsConfig(t *testing.T, dir, endpoint, credentials, services string) string {
	t.Helper()
	path := filepath.Join(dir, "migration_exporter.yml")
	cfg := fmt.Sprintf(`accounts:
  - name: e2e
    region: cn-north-4
    project_id: %s
    credentials:
      access_key: %s
%s    endpoints:
      dcs: %s
      sms: %s
      drs: %s
      oms: %s
      cdm: %s
%s`, testProject, testAK, credentials, endpoint, endpoint, endpoint, endpoint, endpoint, services)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// postReload posts to the exporter's /-/reload and returns the answer.
func postReload(t *testing.T, exp exporter) (int, string) {
	t.Helper()
	// A timeout: a reload that hangs fails the test instead of blocking it.
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Post(exp.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatalf("POST /-/reload: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// startReloadable starts an exporter (with args) whose config file, at
// path, polls taskA of a simulator that also has task-b; writeB rewrites
// the file to poll task-b instead, for a reload to pick up.
func startReloadable(t *testing.T, args ...string) (exp exporter, path string, writeB func()) {
	t.Helper()
	sim := startDCS(t, taskA, "task-b")
	dir := t.TempDir()
	path = writeConfig(t, dir, sim.URL, testSK, taskA)
	exp = startExporter(t, append([]string{"--config.file=" + path}, args...)...)
	return exp, path, func() { writeConfig(t, dir, sim.URL, testSK, "task-b") }
}

// expectReloadedToB fails unless exp polls the config startReloadable's
// writeB wrote, loaded by a successful reload.
func expectReloadedToB(t *testing.T, exp exporter) {
	t.Helper()
	r := exp.scrape(t, nil)
	r.Expect(t, 1, "migration_exporter_config_last_reload_successful")
	r.Expect(t, 1, "dcs_migration_up", "task_id", "task-b")
	r.ExpectAbsent(t, "dcs_migration_up", "task_id", taskA)
}

// answer is an HTTP answer, read whole.
type answer struct {
	code   int
	header http.Header
	body   string
}

// tryGet GETs url with c and reads its answer, whatever the status.
// Unlike get it may run outside the test's goroutine.
func tryGet(c *http.Client, url string) (answer, error) {
	resp, err := c.Get(url)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}, err
}

// get GETs url and reads its answer, whatever the status.
func get(t *testing.T, url string) answer {
	t.Helper()
	a, err := tryGet(http.DefaultClient, url)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sdGroup is a target group of /sd.
type sdGroup struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

// probeURL is what Prometheus scrapes for the group's first target.
func (g sdGroup) probeURL() string {
	l := g.Labels
	p := url.Values{"account": {l["__param_account"]}, "module": {l["__param_module"]}, "task_id": {l["__param_task_id"]}}
	return "http://" + g.Targets[0] + "/probe?" + p.Encode()
}

// sd is the exporter's /sd answer.
func sd(t *testing.T, exp exporter) []sdGroup {
	t.Helper()
	a := get(t, exp.URL+"/sd")
	if ct := a.header.Get("Content-Type"); a.code != http.StatusOK || ct != "application/json" {
		t.Errorf("/sd: HTTP %d, Content-Type %q", a.code, ct)
	}
	var groups []sdGroup
	if err := json.Unmarshal([]byte(a.body), &groups); err != nil {
		t.Fatal(err)
	}
	return groups
}
