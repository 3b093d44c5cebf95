//go:build unix

package collector

// Benchmarks for docs/performance.md (which has the figures and the
// commands that made them). They run only with -bench:
//
//	go test -run '^$' -bench 'Scrape' -benchtime 3x -count 3 ./collector/
//	go test -run '^$' -bench 'TaskPoll|MetricsHandler' -count 5 ./collector/
//
// BenchmarkScrape and BenchmarkScrapeLightServer measure a whole scrape's
// wall time against a server on 127.0.0.1 with 50 ms latency per request.
// BenchmarkTaskPoll, BenchmarkMetricsHandler and BenchmarkScrapeMemory need
// no network: a canned transport answers every request at once, so they
// measure the exporter's own CPU time, allocations and memory.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	benchAK      = "bench-access-key"
	benchSK      = "bench-secret-key"
	benchProject = simulator.DemoProjectID
	// benchConcurrency is --api.concurrency in the scenario.
	benchConcurrency = 64
	benchLatency     = 50 * time.Millisecond
)

// Canned answers, taken from the simulator's answers for moving tasks (an
// SMS task 10 minutes into a 20-minute MIGRATE_LINUX_FILE with the agent
// reporting; a DCS task half-way through full sync).
const (
	cannedSMSTask = `{"agent_cpu_usage":6.7,"agent_disk_io":553.42,"agent_mem_usage":193,"compress_rate":0.65,"create_date":1795433971458,"estimate_complete_time":1795434931458,"id":"sms-0001","migrate_speed":553.42,"name":"web-01","os_type":"LINUX","remain_seconds":960,"source_server":{"id":"src-sms-0001","ip":"192.168.1.10","name":"web-01"},"state":"RUNNING","sub_tasks":[{"end_date":1795433431458,"id":1,"name":"CREATE_CLOUD_SERVER","progress":100,"start_date":1795433371458},{"end_date":1795433461458,"id":2,"name":"SSL_CONFIG","progress":100,"start_date":1795433431458},{"end_date":1795433491458,"id":3,"name":"ATTACH_AGENT_IMAGE","progress":100,"start_date":1795433461458},{"end_date":1795433521458,"id":4,"name":"FORMAT_DISK_LINUX_FILE","progress":100,"start_date":1795433491458},{"id":5,"migrate_speed":553.42,"name":"MIGRATE_LINUX_FILE","progress":37,"start_date":1795433521458},{"id":6,"name":"SYNC_LINUX_FILE","progress":0},{"id":7,"name":"CONFIGURE_LINUX_FILE","progress":0},{"id":8,"name":"DETTACH_AGENT_IMAGE","progress":0}],"subtask_info":"{\"progress\":37,\"replicatesize\":32212337974,\"subtask_name\":\"MIGRATE_LINUX_FILE\",\"totalsize\":85899345920}","target_server":{"disks":[],"id":"dst-sms-0001","name":"web-01-ecs"},"total_cpu_usage":26.6,"total_disk_io":608.76,"total_mem_usage":3242,"type":"MIGRATE_FILE"}` + "\n"
	// cannedSMSConsistency is ShowConsistencyResult in the shape the live
	// API sends (result_list of objects).
	cannedSMSConsistency = `{"task_id":"sms-0001","result_list":[{"finished_time":1795433000000,"check_result":"FINISHED","consistency_result":[{"dir_check":"/","num_total_files":120450,"num_different_files":0,"num_target_miss_files":0,"num_target_more_files":3}]}]}` + "\n"
	cannedDCSStats       = `{"full_migration_progress":50,"is_migrating":true,"offset":960002,"source_dbsize":1015000,"target_dbsize":507501,"target_input_kbps":835,"target_ops":1670}` + "\n"
	cannedDCSTask        = `{"created_at":"2026-11-23T08:00:00.000Z","migration_method":"incremental_migration","migration_type":"online_migration","network_type":"vpc","source_instance":{"addrs":"10.0.0.5:6379","id":"src-1","name":"","password":"hunter2"},"status":"MIGRATING","target_instance":{"addrs":"10.0.1.7:6379","id":"dcs-inst-1","name":"dcs-orders"},"task_id":"dcs-0001","task_name":"redis-orders"}` + "\n"
)

func benchTaskIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%05d", prefix, i)
	}
	return ids
}

// benchConfig is one validated account polling dcs and sms at endpoint.
func benchConfig(tb testing.TB, endpoint string, dcs, sms []string) *config.Config {
	tb.Helper()
	return benchConfigWith(tb, endpoint, func(a *config.Account) {
		a.DCS.TaskIDs, a.SMS.TaskIDs = dcs, sms
	})
}

// benchConfigWith is one validated account with every service's endpoint
// at endpoint, and the tasks set chooses.
func benchConfigWith(tb testing.TB, endpoint string, set func(*config.Account)) *config.Config {
	tb.Helper()
	cfg := &config.Config{Accounts: []config.Account{{
		Name: "bench", Region: "cn-north-4", ProjectID: benchProject,
		Credentials: &config.Credentials{AccessKey: benchAK, SecretKey: benchSK},
		Endpoints:   config.Endpoints{DCS: endpoint, SMS: endpoint, DRS: endpoint, OMS: endpoint, CDM: endpoint},
		// Far above anything a benchmark sends: a rate limit never waits.
		RequestsPerSecond: 1e6,
	}}}
	set(&cfg.Accounts[0])
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// scraped is what a benchmark checks of one scrape.
type scraped struct {
	tasks  [][]polledTask // the series, held until the scrape is dropped
	series int
	up     map[string]int // series of value 1 by family, for *_up families
	size   map[string]int // series by family
}

// scrapeOnce is what one /metrics request does before encoding: poll
// every task, gather the scrape's own gauges from a registry, and build
// every task family (sorted, ready to encode) as the answer does.
func scrapeOnce(tb testing.TB, ctx context.Context, e *Exporter) scraped {
	tasks, own := e.pollAll(ctx)
	reg := prometheus.NewRegistry()
	reg.MustRegister(own)
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	s := scraped{tasks: tasks, up: map[string]int{}, size: map[string]int{}}
	count := func(mf *dto.MetricFamily) {
		s.series += len(mf.Metric)
		s.size[mf.GetName()] += len(mf.Metric)
		if !strings.HasSuffix(mf.GetName(), "_up") {
			return
		}
		for _, m := range mf.Metric {
			if m.GetGauge().GetValue() == 1 {
				s.up[mf.GetName()]++
			}
		}
	}
	for _, mf := range mfs {
		count(mf)
	}
	e.writer.EachFamily(answerSeries(tasks), func(mf *dto.MetricFamily, _ bool) { count(mf) })
	return s
}

// upCount counts the tasks of family up ({api}_migration_up) with value 1,
// and all series.
func upCount(s scraped, up string) (ok, series int) {
	return s.up[up], s.series
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScrape is the wall time of one scrape of N SMS tasks (one API
// call each) at 50 ms latency with 64 requests in flight, against the floor
// ceil(N/64)·50 ms. The simulator runs in this process and on this
// machine's cores.
func BenchmarkScrape(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			sim := simulator.New(simulator.Options{AccessKey: benchAK, SecretKey: benchSK, ProjectID: benchProject, Latency: benchLatency})
			progress := simulator.SMSSnapshot(time.Now())
			for _, id := range benchTaskIDs("sms", n) {
				sim.AddSMSTask(simulator.SMSTask{ID: id, Name: "server-" + id, SourceServer: "src-" + id, TargetServer: "dst-" + id, Progress: progress})
			}
			srv, err := simulator.Start(sim)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			benchScrape(b, srv.URL, n)
		})
	}
}

// BenchmarkScrapeLightServer is BenchmarkScrape against a server that
// spends next to no CPU: it checks no signature and answers a canned body
// after 50 ms. The difference to BenchmarkScrape is the simulator's share
// of this machine's two cores; what is left above the floor is the
// exporter's.
func BenchmarkScrapeLightServer(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			srv := newAnswerServer(benchLatency) // bench_answer_test.go's
			defer srv.Close()
			benchScrape(b, srv.URL, n)
		})
	}
}

// benchScrape times b's scrapes of n SMS tasks served at endpoint and
// reports the wall time against the floor ceil(n/64)·50 ms.
func benchScrape(b *testing.B, endpoint string, n int) {
	e := New(Options{Concurrency: benchConcurrency})
	if err := e.ApplyConfig(benchConfig(b, endpoint, nil, benchTaskIDs("sms", n))); err != nil {
		b.Fatal(err)
	}
	// Count the connections the transport had to open (not reused).
	var dials atomic.Int64
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if !info.Reused {
			dials.Add(1)
		}
	}}
	ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.Background(), trace), 10*time.Minute)
	defer cancel()

	check := func(mfs scraped) {
		if ok, _ := upCount(mfs, "sms_migration_up"); ok != n {
			b.Fatalf("%d of %d tasks up", ok, n)
		}
	}
	check(scrapeOnce(b, ctx, e)) // warm-up: opens the connections
	warmDials := dials.Load()

	iters := 0
	cpu0 := cpuTime(b)
	start := time.Now()
	for b.Loop() {
		check(scrapeOnce(b, ctx, e))
		iters++
	}
	elapsed := time.Since(start) / time.Duration(iters)
	cpu := (cpuTime(b) - cpu0) / time.Duration(iters)
	floor := time.Duration(math.Ceil(float64(n)/benchConcurrency)) * benchLatency
	b.ReportMetric(float64(elapsed)/float64(floor), "x_floor")
	b.ReportMetric(float64(elapsed)/float64(time.Millisecond), "ms/scrape")
	b.ReportMetric(float64(floor)/float64(time.Millisecond), "floor_ms")
	b.ReportMetric(float64(cpu)/float64(time.Microsecond)/float64(n), "cpu_µs/task(incl.server)")
	b.ReportMetric(float64(warmDials), "conns_warmup")
	b.ReportMetric(float64(dials.Load()-warmDials)/float64(iters), "new_conns/op")
}

// cannedTransport answers every request with a canned answer, without any
// I/O: SMS ShowTask, DCS's task and stats, DRS's batch-status,
// batch-progress and job list (bench_canned_test.go), OMS ShowTask, CDM's
// cluster list, job list and job status. Its zero value works; the fields
// add to it.
type cannedTransport struct {
	// calls, when set, counts the round trips.
	calls *atomic.Int64
	// drsJobs are the jobs the DRS job list names.
	drsJobs *[]string
	// cdmJobs is how many jobs (benchCDMJobIDs) the CDM job list names.
	cdmJobs int
}

func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.calls != nil {
		t.calls.Add(1)
	}
	status, body := http.StatusOK, ""
	switch p := req.URL.Path; {
	case strings.HasPrefix(p, "/v1.1/") && strings.HasSuffix(p, "/clusters"):
		body = cannedCDMClusters
	case strings.HasPrefix(p, "/v1.1/") && strings.HasSuffix(p, "/cdm/job/all"):
		status, body = cannedCDMJobList(req, t.cdmJobs)
	case strings.HasPrefix(p, "/v1.1/") && strings.HasSuffix(p, "/status"):
		status, body = cannedCDMJobStatus(req)
	case strings.HasPrefix(p, "/v3/tasks/") && strings.HasSuffix(p, "/consistency-result"):
		body = cannedSMSConsistency
	case strings.HasPrefix(p, "/v3/tasks/"):
		body = cannedSMSTask
	case p == "/v3/sources":
		body = cannedSMSSources
	case strings.HasSuffix(p, "/stats"):
		body = cannedDCSStats
	case strings.Contains(p, "/migration-task/"):
		body = cannedDCSTask
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/jobs/batch-status"):
		status, body = cannedDRSBatch(req, drsBatchStatus)
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/jobs/batch-progress"):
		status, body = cannedDRSBatch(req, drsBatchProgress)
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/jobs/batch-rpo-and-rto"):
		status, body = cannedDRSBatch(req, drsBatchRecovery)
	case strings.HasPrefix(p, "/v5/") && strings.HasSuffix(p, "/monitor-data"):
		body = cannedDRSMonitor
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/jobs/query-compare-result"):
		body = cannedDRSCompare(req)
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/line-overview"):
		body = cannedDRSLineOverview
	case strings.HasPrefix(p, "/v3/") && strings.HasSuffix(p, "/jobs"):
		var jobs []string
		if t.drsJobs != nil {
			jobs = *t.drsJobs
		}
		status, body = cannedDRSJobList(req, jobs)
	case strings.HasPrefix(p, "/v2/") && strings.Contains(p, "/tasks/"):
		status, body = cannedOMSShowTask(req)
	default:
		status = http.StatusNotFound
	}
	if body == "" {
		return &http.Response{StatusCode: status, Status: statusLine(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	return &http.Response{
		StatusCode: status, Status: statusLine(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// statusLine is a response's Status; "200 OK" without allocating.
func statusLine(code int) string {
	if code == http.StatusOK {
		return "200 OK"
	}
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}

// canned is an exporter polling the tasks of one service through the
// canned transport.
type canned struct {
	e     *Exporter
	up    string        // the family saying a task was read: {api}_migration_up
	calls *atomic.Int64 // the round trips so far
	// named, when set, is the family by which the job list names every
	// task (DRS, CDM).
	named string
	// want, when set, is the API calls a scrape and the warm-up scrape
	// must make (BenchmarkTaskPoll).
	want *wantCalls
}

// wantCalls is the API calls a timed scrape and the warm-up scrape make,
// and why.
type wantCalls struct {
	scrape, warmup int
	why            string
}

// newCanned polls n tasks of api ("sms", "dcs", "drs", "oms" or "cdm")
// through the canned transport, in the ids' form of each API.
func newCanned(tb testing.TB, api string, n, concurrency int) canned {
	tb.Helper()
	t := cannedTransport{calls: new(atomic.Int64)}
	var set func(*config.Account)
	var named string
	var want func(cfg *config.Config) wantCalls
	switch api {
	case "sms":
		ids := benchTaskIDs(api, n)
		set = func(a *config.Account) { a.SMS.TaskIDs = ids }
		want = func(*config.Config) wantCalls {
			return wantCalls{n, 2*n + 1, "a ShowTask a task; in the warm-up also its consistency and the source server list"}
		}
	case "dcs":
		ids := benchTaskIDs(api, n)
		set = func(a *config.Account) { a.DCS.TaskIDs = ids }
	case "drs":
		ids := benchDRSJobIDs(n)
		t.drsJobs = &ids
		set = func(a *config.Account) { a.DRS.JobIDs = ids }
		named = "drs_migration_job_info"
		want = func(cfg *config.Config) wantCalls {
			batch := cfg.Accounts[0].DRS.BatchSize
			scrape := 2*((n+batch-1)/batch) + n + cannedRecoveryBatches(n, batch)
			return wantCalls{scrape, 3 + scrape + 3*n, fmt.Sprintf("in batches of %d: two calls a batch, a monitor-data call a job, "+
				"a batch-rpo-and-rto call a batch with a DR job; in the warm-up also the job list (3) and 3 for each job's comparisons", batch)}
		}
	case "oms":
		ids := benchOMSTaskIDs(n)
		set = func(a *config.Account) { a.OMS.TaskIDs = ids }
	case "cdm":
		ids := benchCDMJobIDs(n)
		t.cdmJobs = n
		set = func(a *config.Account) { a.CDM.JobIDs = ids }
		named = "cdm_migration_job_info"
		want = func(*config.Config) wantCalls {
			return wantCalls{n + 1, n + 1 + 5, "a ShowJobStatus a job and the cluster list; in the warm-up also the job list " +
				"(the cluster list, and one page of NORMAL_JOB and of BATCH_JOB jobs for each of the 2 clusters)"}
		}
	default:
		tb.Fatalf("no canned answers for %q", api)
	}
	cfg := benchConfigWith(tb, "http://canned.invalid", set)
	e := New(Options{Concurrency: concurrency, Transport: t, ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(cfg); err != nil {
		tb.Fatal(err)
	}
	c := canned{e: e, up: api + "_migration_up", calls: t.calls, named: named}
	if want != nil {
		w := want(cfg)
		c.want = &w
	}
	return c
}

// cannedExporter polls n tasks of api through the canned transport, and
// names the up family.
func cannedExporter(tb testing.TB, api string, n, concurrency int) (*Exporter, string) {
	tb.Helper()
	c := newCanned(tb, api, n, concurrency)
	return c.e, c.up
}

// BenchmarkTaskPoll is the exporter's CPU time and allocations per task
// poll: signing, request building, the (canned) round trip, decoding,
// building the task's series and the answer's families (sorted dto
// families ready to encode, what Gather gave before). An SMS poll is one API call
// (ShowTask): its consistency checks (ShowConsistencyResult) are read in
// the warm-up scrape and then served from the cache for verify_interval
// (5m), as is the account's source server list (ListServers, one page
// here: every canned task has the same source server), so api_calls/scrape
// is tasks and api_calls_warmup 2·tasks + 1 for SMS, and the benchmark
// fails otherwise; a DCS poll is two (stats and details); an OMS poll is one
// (ShowTask); DRS asks about batch_size jobs (10) with two calls
// (batch-status, batch-progress), plus, since every canned job is
// incremental, one monitor-data call per job, and one batch-rpo-and-rto
// call per batch that holds a disaster-recovery job (every third canned
// job is one). The DRS job list (three calls, one
// per db_use_type) is made in the warm-up scrape and then cached for the
// discovery interval (5m), so the timed scrapes make none: api_calls/scrape
// is 2·⌈tasks/10⌉ + tasks + (batches with a DR job) for DRS, and the
// benchmark fails otherwise. A DRS job's
// comparisons (the task list, and the overviews of its latest successful
// rows and object comparisons: three calls) are read in the warm-up and
// served from the cache for verify_interval (5m), so the warm-up is
// 3 + 3·tasks calls more than a timed scrape for DRS, and the benchmark
// fails otherwise. A CDM poll is one call (ShowJobStatus), and a scrape
// reads the cluster list once (the clusters' status); the job list (the
// cluster list again, then a page of NORMAL_JOB and of BATCH_JOB jobs for
// each of the two canned clusters: five calls) is read in the warm-up and
// cached for the discovery interval, so api_calls/scrape is tasks + 1 and
// api_calls_warmup tasks + 6 for CDM, and the benchmark fails otherwise.
// api_calls_warmup is the first scrape's calls, the job list's included.
// Every scrape must have every task up (and, for DRS and CDM, named by
// the job list), so a broken poll cannot look fast. With tasks=1 a scrape's fixed
// costs (the own gauges' registry, the families) fall on the one
// task; tasks=100 spreads them. cpu_µs/poll is the process's CPU time
// (rusage, garbage collection included) per poll; ns/op is wall time.
func BenchmarkTaskPoll(b *testing.B) {
	for _, api := range []string{"sms", "dcs", "drs", "oms", "cdm"} {
		for _, n := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/tasks=%d", api, n), func(b *testing.B) {
				c := newCanned(b, api, n, 1)
				ctx := context.Background()
				var series int
				check := func(mfs scraped) {
					ok, s := upCount(mfs, c.up)
					if ok != n {
						b.Fatalf("%d of %d tasks up", ok, n)
					}
					if c.named != "" && mfs.size[c.named] != n {
						b.Fatalf("%d of %d %s jobs named by the job list (%s)", mfs.size[c.named], n, api, c.named)
					}
					series = s
				}
				check(scrapeOnce(b, ctx, c.e))
				warmCalls := c.calls.Load()
				b.ReportAllocs()
				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				iters := 0
				cpu0 := cpuTime(b)
				calls0 := c.calls.Load()
				for b.Loop() {
					check(scrapeOnce(b, ctx, c.e))
					iters++
				}
				calls := float64(c.calls.Load()-calls0) / float64(iters)
				polls := reportPerPoll(b, iters*n, cpu0, &ms0)
				runtime.ReadMemStats(&ms1)
				b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/polls, "B/poll")
				b.ReportMetric(float64(series), "series/scrape")
				b.ReportMetric(calls, "api_calls/scrape")
				b.ReportMetric(float64(warmCalls), "api_calls_warmup")
				if w := c.want; w != nil && (calls != float64(w.scrape) || warmCalls != int64(w.warmup)) {
					b.Fatalf("%g API calls a scrape (%d in the warm-up) for %d %s tasks, want %d (%d): %s",
						calls, warmCalls, n, api, w.scrape, w.warmup, w.why)
				}
			})
		}
	}
}

// discardWriter is an http.ResponseWriter that counts and drops the body.
type discardWriter struct {
	h http.Header
	n int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkMetricsHandler is BenchmarkTaskPoll through /metrics' handler:
// it adds what serving the answer costs, encoding the text exposition
// and compressing it (gzip, as Prometheus asks for it) or not.
func BenchmarkMetricsHandler(b *testing.B) {
	const n = 100
	for _, api := range []string{"sms", "dcs"} {
		for _, enc := range []string{"identity", "gzip"} {
			b.Run(fmt.Sprintf("%s/tasks=%d/encoding=%s", api, n, enc), func(b *testing.B) {
				e, _ := cannedExporter(b, api, n, 1)
				h := e.MetricsHandler(e.Collectors()...)
				req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
				req.Header.Set("Accept-Encoding", enc)
				b.ReportAllocs()
				var ms0 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				iters, bytes := 0, 0
				cpu0 := cpuTime(b)
				for b.Loop() {
					w := &discardWriter{h: http.Header{}}
					h.ServeHTTP(w, req)
					bytes += w.n
					iters++
				}
				polls := reportPerPoll(b, iters*n, cpu0, &ms0)
				b.ReportMetric(float64(bytes)/polls, "body_B/poll")
			})
		}
	}
}

// BenchmarkServe is the serial tail of a /metrics answer: what is left
// after the last API answer (the tasks' series are built as answers
// arrive). 1,000 SMS tasks are polled once; an iteration writes their
// answer (34,000 series: grouping, sorting, dto building, text encoding and
// compression) with the Accept header Prometheus 3 sends. ms/answer is wall
// time on an otherwise idle process; cpu_ms/answer includes GC.
func BenchmarkServe(b *testing.B) {
	const n = 1000
	for _, enc := range []string{"identity", "gzip", "zstd"} {
		b.Run(fmt.Sprintf("sms/tasks=%d/encoding=%s", n, enc), func(b *testing.B) {
			e, _ := cannedExporter(b, "sms", n, benchConcurrency)
			tasks, own := e.pollAll(context.Background())
			collectors := append([]prometheus.Collector{own}, e.Collectors()...)
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept", prometheus3Accept)
			req.Header.Set("Accept-Encoding", enc)
			b.ReportAllocs()
			iters, bytes := 0, 0
			cpu0 := cpuTime(b)
			start := time.Now()
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				e.serve(w, req, tasks, collectors)
				bytes += w.n
				iters++
			}
			b.ReportMetric(float64(time.Since(start))/float64(time.Millisecond)/float64(iters), "ms/answer")
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Millisecond)/float64(iters), "cpu_ms/answer")
			b.ReportMetric(float64(bytes)/float64(iters)/1024, "body_KiB")
		})
	}
}

// BenchmarkScrapeMemory is the heap one scrape of 10,000 tasks needs: what
// is live once every task is polled and its families built (the tasks'
// samples, held until the answer is written), per series and in all; the
// bytes allocated; and the largest heap in use seen during the scrape. With BENCH_LIVE_HEAPPROFILE=path
// ("{api}" in it becomes sms or dcs) it writes a heap profile while the
// families are live: go tool pprof -sample_index=inuse_space -top path.
func BenchmarkScrapeMemory(b *testing.B) {
	const n = 10000
	for _, api := range []string{"sms", "dcs"} {
		b.Run(fmt.Sprintf("%s/tasks=%d", api, n), func(b *testing.B) {
			e, up := cannedExporter(b, api, n, benchConcurrency)
			ctx := context.Background()
			var live, alloc, peak uint64
			var series, iters int
			for b.Loop() {
				runtime.GC()
				var before, after, held runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := sampleHeap(&peak)
				mfs := scrapeOnce(b, ctx, e)
				stop()
				runtime.ReadMemStats(&after)
				runtime.GC()
				runtime.ReadMemStats(&held)
				if path := os.Getenv("BENCH_LIVE_HEAPPROFILE"); path != "" {
					writeHeapProfile(b, strings.ReplaceAll(path, "{api}", api))
				}
				ok, s := upCount(mfs, up)
				if ok != n {
					b.Fatalf("%d of %d tasks up", ok, n)
				}
				runtime.KeepAlive(mfs)
				series = s
				live += held.HeapAlloc - before.HeapAlloc
				alloc += after.TotalAlloc - before.TotalAlloc
				iters++
			}
			b.ReportMetric(float64(series)/n, "series/task")
			b.ReportMetric(float64(live)/float64(iters)/float64(series), "live_B/series")
			b.ReportMetric(float64(live)/float64(iters)/(1<<20), "live_MiB")
			b.ReportMetric(float64(alloc)/float64(iters)/float64(series), "alloc_B/series")
			b.ReportMetric(float64(alloc)/float64(iters)/(1<<20), "alloc_MiB")
			b.ReportMetric(float64(peak)/(1<<20), "peak_heap_inuse_MiB")
		})
	}
}

// writeHeapProfile writes the heap profile (what is live now) to path.
func writeHeapProfile(tb testing.TB, path string) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		tb.Fatal(err)
	}
}

// sampleHeap records the largest heap in use (objects, live or not yet
// swept, and the unused part of spans in use) every millisecond into peak
// until stop is called. runtime/metrics does not stop the world.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		for {
			metrics.Read(samples)
			*peak = max(*peak, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// reportPerPoll reports CPU time and allocations per task poll since cpu0
// and ms0, and returns the number of polls.
func reportPerPoll(b *testing.B, polls int, cpu0 time.Duration, ms0 *runtime.MemStats) float64 {
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	n := float64(polls)
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Microsecond)/n, "cpu_µs/poll")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/poll")
	return n
}
