package collector

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

func TestScrapeTimeout(t *testing.T) {
	fallback := 7 * time.Second
	cases := map[string]time.Duration{
		"":      fallback,
		"10":    9500 * time.Millisecond,
		"2.5":   2 * time.Second,
		"0.6":   300 * time.Millisecond, // half, not 0.1s
		"0":     fallback,
		"-3":    fallback,
		"abc":   fallback,
		"1e300": fallback,
		"NaN":   fallback,
		"nan":   fallback,
		"+Inf":  fallback,
		"-Inf":  fallback,
	}
	for in, want := range cases {
		h := http.Header{}
		if in != "" {
			h.Set("X-Prometheus-Scrape-Timeout-Seconds", in)
		}
		if got := ScrapeTimeout(h, fallback); got != want {
			t.Errorf("header %q: %v, want %v", in, got, want)
		}
	}
}

// collect runs f against an emitter and returns the text exposition.
func collect(t *testing.T, ix labelIndex, descs []*prometheus.Desc, f func(m *emitter)) string {
	t.Helper()
	return collectWith(t, ix, descs, func(m *emitter, _ func(prometheus.Metric)) { f(m) })
}

// collectWith is collect whose f may also send metrics of its own.
func collectWith(t *testing.T, ix labelIndex, descs []*prometheus.Desc, f func(m *emitter, send func(prometheus.Metric))) string {
	t.Helper()
	c := collectorFunc{describe: func(ch chan<- *prometheus.Desc) {
		for _, d := range descs {
			ch <- d
		}
	}, collect: func(ch chan<- prometheus.Metric) {
		m := &emitter{logger: log.NewNopLogger(), api: "dcs", labels: ix, task: [2]string{"a", "t"}}
		f(m, func(metric prometheus.Metric) { ch <- metric })
		eachMetric(&m.Series, ix, func(g *gaugeMetric) { ch <- g })
	}}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	var b strings.Builder
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			b.WriteString(mf.GetName() + "{" + strings.Join(ls, ",") + "} " + strings.TrimSpace(strings.TrimPrefix(m.Gauge.String(), "value:")) + "\n")
		}
	}
	return b.String()
}

type collectorFunc struct {
	describe func(chan<- *prometheus.Desc)
	collect  func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { c.describe(ch) }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

func TestDCSMetricsFromAResult(t *testing.T) {
	ix := labelIndex{}
	d := newDCS(ix)
	var stats huaweicloud.DCSStats
	if err := json.Unmarshal([]byte(`{"full_migration_progress":"100","offset":0,"source_dbsize":"10","target_dbsize":"","target_input_kbps":"2","target_ops":"abc","is_migrating":false}`), &stats); err != nil {
		t.Fatal(err)
	}
	var task huaweicloud.DCSTask
	if err := json.Unmarshal([]byte(`{"task_name":"n","status":"INCRMIGEATING","migration_type":"online_migration","migration_method":"incremental_migration","source_instance":{"addrs":"1.2.3.4:6379","password":"hunter2"},"target_instance":{"id":"i-1","password":"hunter3"}}`), &task); err != nil {
		t.Fatal(err)
	}
	got := collect(t, ix, d.descs(), func(m *emitter) {
		if up, err := (&dcsTask{d: d, stats: stats, task: task}).metrics(m); !up || err != nil {
			t.Errorf("up %v, err %v", up, err)
		}
	})
	for _, want := range []string{
		"dcs_migration_up{account=a,task_id=t} 1",
		"dcs_migration_full_progress_ratio{account=a,task_id=t} 1",
		"dcs_migration_incremental_offset{account=a,task_id=t} 0",
		"dcs_migration_source_keys{account=a,task_id=t} 10",
		"dcs_migration_target_input_bytes_per_second{account=a,task_id=t} 2048",
		"dcs_migration_migrating{account=a,task_id=t} 0",
		"dcs_migration_task_info{account=a,migration_method=incremental_migration,migration_type=online_migration,resume_mode=,source_instance=1.2.3.4:6379,target_instance=i-1,task_id=t,task_name=n} 1",
		"dcs_migration_task_status{account=a,status=INCRMIGEATING,task_id=t} 1",
		"dcs_migration_task_status{account=a,status=MIGRATING,task_id=t} 0",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	for _, absent := range []string{"dcs_migration_target_keys", "dcs_migration_target_ops_per_second", "hunter", "dcs_migration_ip_switch_status", "dcs_migration_bandwidth_limit"} {
		if strings.Contains(got, absent) {
			t.Errorf("%s should be absent:\n%s", absent, got)
		}
	}
}

func TestUnknownStatusIsExportedAsItComes(t *testing.T) {
	ix := labelIndex{}
	d := newDCS(ix)
	got := collect(t, ix, d.descs(), func(m *emitter) {
		m.stateSet(d.status, "status", dcsStatuses, "SOMETHING_NEW")
	})
	if n := strings.Count(got, "dcs_migration_task_status"); n != len(dcsStatuses)+1 {
		t.Errorf("%d series, want %d", n, len(dcsStatuses)+1)
	}
	if !strings.Contains(got, "status=SOMETHING_NEW,task_id=t} 1") {
		t.Errorf("unknown status missing:\n%s", got)
	}
	if collect(t, ix, d.descs(), func(m *emitter) { m.stateSet(d.status, "status", dcsStatuses, "") }) != "" {
		t.Error("empty status exported")
	}
}

func TestFailedCallsOmitTheirMetrics(t *testing.T) {
	ix := labelIndex{}
	d := newDCS(ix)
	statsErr := errors.New("x")
	got := collect(t, ix, d.descs(), func(m *emitter) {
		if up, err := (&dcsTask{d: d, statsErr: statsErr, taskErr: errors.New("y")}).metrics(m); up || err != statsErr {
			t.Errorf("up %v, err %v; want down with the stats error", up, err)
		}
	})
	if got != "dcs_migration_up{account=a,task_id=t} 0\n" {
		t.Errorf("got\n%s", got)
	}
}

func TestLabelValue(t *testing.T) {
	if got := labelValue("ok"); got != "ok" {
		t.Error(got)
	}
	if got := labelValue("bad\xffbyte"); got != "bad\uFFFDbyte" {
		t.Errorf("%q", got)
	}
	long := strings.Repeat("é", 100) // 200 bytes
	if got := labelValue(long); len(got) > maxLabelValue || !strings.HasPrefix(long, got) {
		t.Errorf("%d bytes, prefix=%v", len(got), strings.HasPrefix(long, got))
	}
}

func TestExporterCountersStartAtZeroForEveryReason(t *testing.T) {
	e := New(Options{})
	apis := map[string]bool{}
	for _, svc := range e.services {
		apis[svc.api()] = true
	}
	want := len(apis) * len(huaweicloud.Reasons)
	if len(apis) < 3 {
		t.Fatalf("apis %v", apis)
	}
	if n := testutil.CollectAndCount(e.taskErrors); n != want {
		t.Errorf("%d task error series, want %d (every api and reason)", n, want)
	}
	if n := testutil.CollectAndCount(e.discoveryErrors); n != want {
		t.Errorf("%d discovery error series, want %d", n, want)
	}
}

func TestUnitConversions(t *testing.T) {
	cases := []struct {
		name string
		f    transform
		in   float64
		want float64
	}{
		{"percent to ratio", percentToRatio, 42.5, 0.425},
		{"KiB/s to bytes/s", kibToBytes, 12.5, 12800},
		{"MB to bytes", mbToBytes, 180, 188743680},
		{"Mbit/s to bytes/s", mbitToBytes, 80, 10_000_000},
		{"ms to seconds", msToSeconds, 1795001260000, 1795001260},
		{"as is", asIs, 7, 7},
	}
	for _, c := range cases {
		if got := c.f.apply(c.in); got != c.want {
			t.Errorf("%s(%v) = %v, want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestRepeatedSubtasksGiveOneSeries(t *testing.T) {
	var task huaweicloud.SMSTask
	if err := json.Unmarshal([]byte(`{"sub_tasks":[{"name":"SYNC_LINUX_FILE","progress":100},{"name":"CONFIGURE_LINUX","progress":100},{"name":"SYNC_LINUX_FILE","progress":30},{"name":"","progress":5}]}`), &task); err != nil {
		t.Fatal(err)
	}
	ix := labelIndex{}
	d := newSMS(ix)
	got := collect(t, ix, d.descs(), func(m *emitter) { _, _ = (&smsTask{d: d, task: task}).metrics(m) })
	if !strings.Contains(got, "sms_migration_subtask_progress_ratio{account=a,subtask=SYNC_LINUX_FILE,task_id=t} 0.3\n") ||
		strings.Count(got, "sms_migration_subtask_progress_ratio") != 2 {
		t.Errorf("got\n%s", got)
	}
}

// The emitter's own label pairs give exactly what NewConstMetric gives.
func TestFastGaugeMatchesConstMetric(t *testing.T) {
	ix := labelIndex{}
	d := newDCS(ix)
	emit := func(fast bool) string {
		return collectWith(t, ix, d.descs(), func(m *emitter, send func(prometheus.Metric)) {
			gauge := m.gauge
			if !fast {
				gauge = func(desc *prometheus.Desc, v float64, labels ...string) {
					for i, l := range labels {
						labels[i] = labelValue(l)
					}
					send(prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...))
				}
			}
			gauge(d.info, 1, "acc", "t1", "name\xff", "online_migration", "incremental_migration", "src", strings.Repeat("x", 200), "auto")
			gauge(d.info, 1, "acc", "t2", "other", "online_migration", "full_migration", "MIGRATING", "dst", "")
			gauge(d.offset, 7, "acc", "t1")
		})
	}
	fast, slow := emit(true), emit(false)
	if fast != slow || !strings.Contains(fast, "task_id=t2") {
		t.Errorf("fast path:\n%s\nNewConstMetric:\n%s", fast, slow)
	}
}

// Every Desc the exporter can emit was made through the label index: the
// emitter drops a metric whose Desc was not (an oversight did that once).
func TestEveryDescGoesThroughTheLabelIndex(t *testing.T) {
	e := New(Options{})
	ch := make(chan *prometheus.Desc, 256)
	for _, c := range []prometheus.Collector{taskMetrics{e: e}, scrapeMetrics{e: e}, probeMetrics{e: e}} {
		c.Describe(ch)
	}
	close(ch)
	n := 0
	for d := range ch {
		n++
		if _, ok := e.labels[d]; !ok {
			t.Errorf("%s was not made through the label index", d)
		}
	}
	if want := len(e.labels); n != want {
		t.Errorf("%d Descs described, the label index has %d: a Desc is made but never described", n, want)
	}
	if n < 30 {
		t.Errorf("only %d Descs described", n)
	}
}

func TestEmitterDropsAMetricWhoseDescIsNotIndexed(t *testing.T) {
	var logs strings.Builder
	stray := prometheus.NewDesc("stray", "Not made through the index.", []string{"account", "task_id"}, nil)
	m := &emitter{logger: log.NewLogfmtLogger(&logs), labels: labelIndex{}, task: [2]string{"a", "t"}}
	m.taskGauge(stray, 1)
	if sent := m.Samples; len(sent) != 0 || !strings.Contains(logs.String(), "dropping metric") {
		t.Errorf("sent %d, logged %q", len(sent), logs.String())
	}
}

// A /probe-only deployment must not grow the answer cache without bound:
// each probe prunes answers older than twice the interval they were read
// with (a task's min_interval, its checks' verify_interval).
func TestProbesPruneTheMinIntervalCache(t *testing.T) {
	e := New(Options{Transport: cannedTransport{}, ScrapeTimeout: time.Minute})
	cfg := benchConfig(t, "http://canned.invalid", nil, nil)
	cfg.Accounts[0].SMS.MinInterval = 200 * time.Millisecond
	cfg.Accounts[0].SMS.VerifyInterval = 100 * time.Millisecond
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	probe := func(id string) {
		rec := httptest.NewRecorder()
		e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id="+id, nil))
		if !strings.Contains(rec.Body.String(), "probe_success 1") {
			t.Fatalf("probe %s: %d %s", id, rec.Code, rec.Body)
		}
	}
	cacheSize := func() int {
		a, _ := e.account("bench")
		a.cache.mu.Lock()
		defer a.cache.mu.Unlock()
		return len(a.cache.cache)
	}
	for i := range 50 {
		probe(fmt.Sprintf("task-%d", i))
	}
	if n := cacheSize(); n < 3 || n > 101 { // each task's answer and checks, and the account's source server list
		t.Fatalf("%d cached answers after 50 probes", n)
	}
	time.Sleep(450 * time.Millisecond) // past twice the intervals
	probe("task-last")
	if n := cacheSize(); n != 3 {
		t.Errorf("%d cached answers after the old ones expired, want 3 (the last probe's task and checks, the source server list)", n)
	}
}

// An ETA that is not a plausible time in ms since the epoch is a field
// error, not a date in 1970.
func TestSMSEstimatedCompletionMustBeAnEpochInMs(t *testing.T) {
	ix := labelIndex{}
	d := newSMS(ix)
	for _, c := range []struct {
		raw  string
		want string
	}{
		{`1795001260000`, "sms_migration_estimated_completion_timestamp_seconds{account=a,task_id=t} 1.79500126e+09\n"},
		{`960`, ""},
		{`"null"`, ""},
	} {
		var task huaweicloud.SMSTask
		if err := json.Unmarshal([]byte(`{"estimate_complete_time":`+c.raw+`}`), &task); err != nil {
			t.Fatal(err)
		}
		got := collect(t, ix, d.descs(), func(m *emitter) { _, _ = (&smsTask{d: d, task: task}).metrics(m) })
		line := ""
		for l := range strings.SplitSeq(got, "\n") {
			if strings.HasPrefix(l, "sms_migration_estimated") {
				line = l + "\n"
			}
		}
		if line != c.want {
			t.Errorf("%s: %q, want %q", c.raw, line, c.want)
		}
	}
}
