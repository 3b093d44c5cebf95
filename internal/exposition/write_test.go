package exposition

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-kit/log"
	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// pair is a label pair of its own.
func pair(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }

// testFamily is a family of the test answers and what a task puts in it.
type testFamily struct {
	Family
	// labels are a task's samples of the family: the values of the labels
	// other than the group and the id, in name order (one entry per
	// sample; a state set's is its current state).
	labels func(task int) [][]string
}

// world is the families and tasks of a test answer, and their Descs.
type world struct {
	fams  []testFamily
	descs map[string]*prometheus.Desc
	w     *Writer
	tasks []*Series
}

var knownStates = []string{"FAILED", "RUNNING", "SUCCESS"}

// hostile label values: quotes, backslashes, new lines, UTF-8, long.
var hostile = []string{`zeta "quoted"`, "alpha\\back\nslash", "日本語のサーバー", strings.Repeat("long", 32), "", "Zeta", "alpha"}

// newWorld builds families of every kind (plain, one label between group
// and id, labels after the id, a state set with its state before the id
// and one after) and tasks of the given groups, ids tasks per group.
func newWorld(t testing.TB, chunk int, groups []string, ids int) *world {
	t.Helper()
	known := func(label string) *StateSet {
		st := &StateSet{Pos: 1}
		for _, s := range knownStates {
			st.Known = append(st.Known, pair(label, s))
		}
		return st
	}
	groupStatus := known("status")
	groupStatus.Pos = 2
	fams := []testFamily{
		{Family{Name: "a_up", Help: "Up.", Labels: []string{"account", "task_id"}}, func(int) [][]string { return [][]string{{}} }},
		{Family{Name: "c_info", Help: "Info with \"quotes\" and \\ back\nslash.", Labels: []string{"account", "name", "task_id", "zone"}},
			func(k int) [][]string { return [][]string{{hostile[k%len(hostile)], "z"}} }},
		{Family{Name: "b_subtask_progress", Help: "Subtasks.", Labels: []string{"account", "subtask", "task_id"}},
			func(k int) [][]string { return [][]string{{"SYNC"}, {"CREATE"}, {fmt.Sprint("EXTRA_", k%3)}} }},
		{Family{Name: "d_state", Help: "State set.", Labels: []string{"account", "state", "task_id"}, States: known("state")},
			func(k int) [][]string {
				return [][]string{{[]string{"RUNNING", "AAA_NEW", "MIDDLE_NEW", "ZZZ_NEW", "FAILED", "AAA_NEW"}[k%6]}}
			}},
		{Family{Name: "e_group_status", Help: "State set after the id.", Labels: []string{"account", "group_id", "status"}, States: groupStatus},
			func(k int) [][]string { return [][]string{{[]string{"42", "SUCCESS", "ZZZ"}[k%3]}} }},
	}
	wd := &world{fams: fams, descs: map[string]*prometheus.Desc{}}
	var families []Family
	for i := range fams {
		f := &fams[i].Family
		f.Group, f.ID = "account", "task_id"
		if f.Name == "e_group_status" {
			f.ID = "group_id"
		}
		families = append(families, *f)
		wd.descs[f.Name] = prometheus.NewDesc(f.Name, f.Help, f.Labels, nil)
	}
	wd.w = NewWriter(families, Options{Chunk: chunk})
	for _, g := range groups {
		account := pair("account", g)
		for k := range ids {
			s := &Series{}
			for _, f := range fams {
				fam, ok := wd.w.Family(f.Name)
				if !ok {
					t.Fatalf("no family %s", f.Name)
				}
				for n, extra := range f.labels(k) {
					off := s.Reserve(len(f.Labels))
					labels := s.Arena[off:]
					labels[0] = account
					e := 0
					for j, name := range f.Labels[1:] {
						switch {
						case name == f.ID:
							labels[j+1] = pair(name, fmt.Sprintf("%s-%03d", g, k))
						case f.States != nil && j+1 == f.States.Pos:
							labels[j+1] = pair(name, extra[e])
							if i := slices.IndexFunc(f.States.Known, func(p *dto.LabelPair) bool { return *p.Value == extra[e] }); i >= 0 {
								labels[j+1] = f.States.Known[i] // known states share their pairs
							}
							e++
						default:
							labels[j+1] = pair(name, extra[e])
							e++
						}
					}
					s.Samples = append(s.Samples, NewSample(wd.descs[f.Name], fam, float64(k*10+n)+0.5, off, len(f.Labels)))
				}
			}
			wd.tasks = append(wd.tasks, s)
		}
	}
	return wd
}

// registryCollector sends the series of tasks as const metrics,
// client_golang's own path, state sets expanded.
type registryCollector struct {
	wd    *world
	tasks []*Series
}

func (c registryCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.wd.descs {
		ch <- d
	}
}

func (c registryCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.tasks {
		for i, p := range s.Samples {
			f := c.wd.fams[slices.IndexFunc(c.wd.fams, func(f testFamily) bool { return c.wd.descs[f.Name] == p.Desc })]
			send := func(labels []*dto.LabelPair, v float64) {
				values := make([]string, len(labels))
				for k, l := range labels {
					values[k] = l.GetValue()
				}
				ch <- prometheus.MustNewConstMetric(p.Desc, prometheus.GaugeValue, v, values...)
			}
			if f.States == nil {
				send(s.Labels(i), p.Value)
				continue
			}
			f.States.Expand(s.Labels(i), func(state *dto.LabelPair, v float64) {
				labels := slices.Clone(s.Labels(i))
				labels[f.States.Pos] = state
				send(labels, v)
			})
		}
	}
}

// gathered are families that are not task series, sorting before,
// between and after the task families.
func gathered() *prometheus.Registry {
	reg := prometheus.NewPedanticRegistry()
	for _, name := range []string{"a0_first", "c_between", "zz_last"} {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: "Gathered " + name + "."}, []string{"x"})
		g.WithLabelValues("1").Set(1)
		g.WithLabelValues("0").Set(2)
		reg.MustRegister(g)
	}
	return reg
}

var accepts = []string{
	"",
	"text/plain;version=0.0.4",
	"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
	"text/plain;version=1.0.0;escaping=values",
	"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
	"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
	// OpenMetrics only (the wildcard names no format).
	"application/openmetrics-text;version=1.0.0",
	"application/openmetrics-text;version=0.0.1;q=0.9,*/*;q=0.1",
}

// openMetricsAccepts are the accepts above that ask for OpenMetrics only:
// promhttp answers them with EnableOpenMetrics.
var openMetricsAccepts = map[string]bool{
	"application/openmetrics-text;version=1.0.0":                 true,
	"application/openmetrics-text;version=0.0.1;q=0.9,*/*;q=0.1": true,
}

// matchRegistry holds the writer's answer of tasks to client_golang's
// registry and promhttp over want (the same series, each once), in every
// format and with and without a name[] filter.
func matchRegistry(t *testing.T, wd *world, tasks, want []*Series) {
	t.Helper()
	for _, accept := range accepts {
		for _, query := range []string{"", "?name[]=d_state&name[]=c_between&name[]=a_up"} {
			req := httptest.NewRequest(http.MethodGet, "/metrics"+query, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			got := httptest.NewRecorder()
			wd.w.Write(got, req, tasks, gathered())

			reg := gathered()
			reg.MustRegister(registryCollector{wd, want})
			exp := httptest.NewRecorder()
			promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError,
				EnableOpenMetrics: openMetricsAccepts[accept]}).ServeHTTP(exp, req)
			if exp.Code != http.StatusOK {
				t.Fatalf("Accept %q: the registry answered %d: %s", accept, exp.Code, exp.Body)
			}
			if g, w := got.Header().Get("Content-Type"), exp.Header().Get("Content-Type"); g != w {
				t.Errorf("Accept %q: Content-Type %q, the registry's %q", accept, g, w)
			}
			if !bytes.Equal(got.Body.Bytes(), exp.Body.Bytes()) {
				t.Errorf("chunks of %d, Accept %q%s: the answer (%d bytes) differs from the registry's (%d bytes) at byte %d",
					wd.w.chunk, accept, query, got.Body.Len(), exp.Body.Len(), firstDifference(got.Body.Bytes(), exp.Body.Bytes()))
			}
		}
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The answer is byte for byte what client_golang's registry and promhttp
// make of the same series, in every format the writer negotiates, with and
// without a name[] filter, whole and in parts: tasks in every kind of
// family, with hostile label values and states no state set knows.
func TestStreamedAnswerMatchesRegistry(t *testing.T) {
	for _, chunk := range []int{DefaultChunk, 7, 1} {
		wd := newWorld(t, chunk, []string{"acc-a", "acc-b"}, 12)
		matchRegistry(t, wd, wd.tasks, wd.tasks)
	}
}

// Tasks in any order give the same answer: the families the writer would
// find in order, and the state sets whose order it makes, are sorted.
func TestAnswerOfTasksOutOfOrder(t *testing.T) {
	wd := newWorld(t, 5, []string{"acc-a", "acc-b"}, 12)
	scrambled := slices.Clone(wd.tasks)
	slices.Reverse(scrambled)
	scrambled[3], scrambled[17] = scrambled[17], scrambled[3]
	matchRegistry(t, wd, scrambled, wd.tasks)
}

// A task given twice has its series written once, and the duplicates are
// logged.
func TestAnswerDropsDuplicateSeries(t *testing.T) {
	wd := newWorld(t, DefaultChunk, []string{"acc-a"}, 6)
	var logs bytes.Buffer
	wd.w.logger = log.NewLogfmtLogger(&logs)
	twice := slices.Insert(slices.Clone(wd.tasks), 2, wd.tasks[2])
	matchRegistry(t, wd, twice, wd.tasks)
	for _, name := range []string{"a_up", "b_subtask_progress", "d_state", "e_group_status"} {
		if !strings.Contains(logs.String(), `msg="dropping a series built twice with the same labels" metric=`+name) {
			t.Errorf("no duplicate of %s logged: %s", name, logs.String())
		}
	}
}

// A current state whose value is a known state's, in a pair of its own,
// is that known state: one series of it, with 1.
func TestAnswerOfKnownStateInAPairOfItsOwn(t *testing.T) {
	wd := newWorld(t, DefaultChunk, []string{"acc-a"}, 4)
	for _, name := range []string{"d_state", "e_group_status"} {
		f := wd.fams[slices.IndexFunc(wd.fams, func(f testFamily) bool { return f.Name == name })]
		fam, _ := wd.w.Family(name)
		s := wd.tasks[1]
		i := slices.IndexFunc(s.Samples, func(p Sample) bool { return int(p.fam) == fam })
		s.Labels(i)[f.States.Pos] = pair(f.Labels[f.States.Pos], "RUNNING")
	}
	matchRegistry(t, wd, wd.tasks, wd.tasks)
	rec := httptest.NewRecorder()
	wd.w.Write(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil), wd.tasks, gathered())
	for _, want := range []string{`d_state{account="acc-a",state="RUNNING",task_id="acc-a-001"} 1` + "\n", `e_group_status{account="acc-a",group_id="acc-a-001",status="RUNNING"} 1` + "\n"} {
		if strings.Count(rec.Body.String(), want) != 1 {
			t.Errorf("not once: %s", want)
		}
	}
	if strings.Contains(rec.Body.String(), `task_id="acc-a-001"} 0`+"\n"+`d_state{account="acc-a",state="RUNNING",task_id="acc-a-001"}`) {
		t.Error("RUNNING written twice")
	}
}

// A group with more second-label values than the counting sort counts is
// sorted by the full sort instead.
func TestAnswerOfManySecondLabelValues(t *testing.T) {
	wd := newWorld(t, DefaultChunk, []string{"acc-a", "acc-b"}, 3)
	sub := wd.fams[slices.IndexFunc(wd.fams, func(f testFamily) bool { return f.Name == "b_subtask_progress" })]
	fam, _ := wd.w.Family(sub.Name)
	// Each task of acc-a gets more subtasks, in descending order, each of
	// its own value: maxSecondLabelValues+6 values in the group.
	for k, s := range wd.tasks[:3] {
		for n := range (maxSecondLabelValues + 6) / 3 {
			off := s.Reserve(3)
			s.Arena[off] = s.Labels(0)[0]
			s.Arena[off+1] = pair("subtask", fmt.Sprintf("MANY_%03d", 100-n*3-k))
			s.Arena[off+2] = s.Labels(0)[1]
			s.Samples = append(s.Samples, NewSample(wd.descs[sub.Name], fam, float64(n), off, 3))
		}
	}
	matchRegistry(t, wd, wd.tasks, wd.tasks)
}

func TestSortBySecondLabelBound(t *testing.T) {
	for _, c := range []struct {
		values int
		want   bool
	}{{maxSecondLabelValues, true}, {maxSecondLabelValues + 1, false}} {
		s := &Series{}
		account := pair("account", "a")
		for n := range c.values {
			off := s.Reserve(3)
			s.Arena[off], s.Arena[off+1], s.Arena[off+2] = account, pair("x", fmt.Sprintf("%03d", c.values-n)), pair("id", "t")
			s.Samples = append(s.Samples, NewSample(nil, 0, 0, off, 3))
		}
		refs := make([]ref, c.values)
		for i := range refs {
			refs[i] = ref(i)
		}
		ts := tasks{s}
		if got := sortBySecondLabel(ts, refs, make([]ref, len(refs))); got != c.want {
			t.Fatalf("%d values: sortBySecondLabel = %t, want %t", c.values, got, c.want)
		}
		if c.want && !increasing(ts, refs) {
			t.Errorf("%d values: not sorted", c.values)
		}
	}
}

// A family whose labels break the layout the writer relies on is refused
// when the writer is made.
func TestNewWriterChecksLabelLayout(t *testing.T) {
	st := &StateSet{Known: []*dto.LabelPair{pair("state", "A"), pair("state", "B")}, Pos: 1}
	for _, c := range []struct {
		name string
		f    Family
		want string
	}{
		{"group not first", Family{Labels: []string{"aaa", "account", "task_id"}, Group: "account", ID: "task_id"}, "do not start with the group label"},
		{"no id", Family{Labels: []string{"account", "name"}, Group: "account", ID: "task_id"}, "lack the id label"},
		{"not sorted", Family{Labels: []string{"account", "task_id", "name"}, Group: "account", ID: "task_id"}, "not in name order"},
		{"state set of four labels", Family{Labels: []string{"account", "state", "task_id", "x"}, Group: "account", ID: "task_id", States: st}, "a state set's labels"},
		{"state at the id", Family{Labels: []string{"account", "state", "task_id"}, Group: "account", ID: "task_id", States: &StateSet{Known: st.Known, Pos: 2}}, "a state set's labels"},
		{"known states out of order", Family{Labels: []string{"account", "state", "task_id"}, Group: "account", ID: "task_id",
			States: &StateSet{Known: []*dto.LabelPair{pair("state", "B"), pair("state", "A")}, Pos: 1}}, "not in value order"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := fmt.Sprint(recover()); !strings.Contains(r, c.want) {
					t.Errorf("panic %q, want one saying %q", r, c.want)
				}
			}()
			c.f.Name = "x_metric"
			NewWriter([]Family{c.f}, Options{})
		})
	}
	NewWriter([]Family{{Name: "ok", Labels: []string{"account", "state", "task_id"}, Group: "account", ID: "task_id", States: st}}, Options{})
}

// Each content encoding a scraper may ask for decodes to the same answer,
// also when the compressor is a kept one.
func TestAnswerCompression(t *testing.T) {
	wd := newWorld(t, DefaultChunk, []string{"acc-a"}, 20)
	answer := func(acceptEncoding string) (string, []byte) {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		wd.w.Write(rec, req, wd.tasks, gathered())
		return rec.Header().Get("Content-Encoding"), rec.Body.Bytes()
	}
	_, plain := answer("")
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"zstd,gzip", "zstd"}, {"gzip;q=1, zstd;q=0.5", "gzip"}, {"*", "zstd"},
		{"br", ""}, {"identity", ""}, {"zstd;q=0, gzip;q=0", ""},
	} {
		for range 2 { // the second answer reuses the kept compressor
			enc, body := answer(c.accept)
			if enc != c.want {
				t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, enc, c.want)
			}
			var r io.Reader = bytes.NewReader(body)
			switch enc {
			case "gzip":
				gz, err := gzip.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				r = gz
			case "zstd":
				z, err := zstd.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				defer z.Close()
				r = z
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("Accept-Encoding %q: %v", c.accept, err)
			}
			if !bytes.Equal(got, plain) {
				t.Errorf("Accept-Encoding %q: decoded answer differs from the identity one", c.accept)
			}
		}
	}
}

func TestNegotiateEncoding(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "identity",
		"gzip":                      "gzip",
		"GZIP":                      "gzip",
		"zstd,gzip":                 "zstd", // Prometheus with --enable-feature=zstd-scrape
		"gzip, zstd":                "zstd",
		"gzip;q=1.0, zstd;q=0.9":    "gzip",
		"zstd;q=0":                  "identity",
		"*":                         "zstd",
		"*;q=0.5, gzip":             "gzip",
		"gzip;q=0, *":               "zstd",
		"zstd;q=0, *":               "gzip",
		"br, deflate":               "identity",
		"gzip;q=abc":                "gzip",
		"gzip;q=2":                  "gzip",
		"x-gzip":                    "identity",
		" gzip ; q=0.3 ,zstd;q=0.2": "gzip",
	} {
		if got := negotiateEncoding(header); got != want {
			t.Errorf("negotiateEncoding(%q) = %q, want %q", header, got, want)
		}
	}
}

// failingGatherer gathers one family and an error.
type failingGatherer struct{}

func (failingGatherer) Gather() ([]*dto.MetricFamily, error) {
	mfs, _ := gathered().Gather()
	return mfs[:1], errors.New("a collector failed")
}

// failingWriter is a response writer whose body cannot be written.
type failingWriter struct{ h http.Header }

func (w failingWriter) Header() http.Header     { return w.h }
func (failingWriter) WriteHeader(int)           {}
func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

// Errors gathering or encoding are counted as promhttp counts them: once
// per failed gathering, once per family that could not be encoded.
func TestAnswerErrorsCounted(t *testing.T) {
	wd := newWorld(t, DefaultChunk, []string{"acc-a"}, 2)
	count := func(cause string) float64 { return testutil.ToFloat64(wd.w.errors.WithLabelValues(cause)) }
	if g, e := count("gathering"), count("encoding"); g != 0 || e != 0 {
		t.Fatalf("before any answer: gathering %g, encoding %g", g, e)
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	rec := httptest.NewRecorder()
	wd.w.Write(rec, req, wd.tasks, failingGatherer{})
	if g, e := count("gathering"), count("encoding"); g != 1 || e != 0 {
		t.Errorf("after a failed gathering: gathering %g, encoding %g, want 1 and 0", g, e)
	}
	if !strings.Contains(rec.Body.String(), "a0_first") || !strings.Contains(rec.Body.String(), "a_up") {
		t.Errorf("the answer lacks what was gathered or the tasks' series:\n%s", rec.Body)
	}
	wd.w.Write(failingWriter{http.Header{}}, req, wd.tasks, gathered())
	// Five task families and three gathered ones, each failing to be sent.
	if g, e := count("gathering"), count("encoding"); g != 1 || e != 8 {
		t.Errorf("after an answer that could not be sent: gathering %g, encoding %g, want 1 and 8", g, e)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(wd.w.Errors())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`# HELP promhttp_metric_handler_errors_total Total number of internal errors encountered by the promhttp metric handler.
# TYPE promhttp_metric_handler_errors_total counter
promhttp_metric_handler_errors_total{cause="encoding"} 8
promhttp_metric_handler_errors_total{cause="gathering"} 1
`)); err != nil {
		t.Error(err)
	}
}

// An answer leaves no room behind in the kept scratch beyond what a text
// answer in parts needs: a protobuf answer, written a family whole, grows
// it to the largest family.
func TestKeptScratchIsTrimmed(t *testing.T) {
	wd := newWorld(t, 5, []string{"acc-a"}, 20)
	for _, accept := range accepts {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", accept)
		wd.w.Write(httptest.NewRecorder(), req, wd.tasks, gathered())
		s, ok := wd.w.scratch.get()
		if !ok {
			t.Fatal("no scratch kept")
		}
		if cap(s.metrics) > 5 || cap(s.gauges) > 5 || cap(s.ptrs) > 5 || cap(s.gen) > 5*4 || s.tasks != nil {
			t.Errorf("Accept %q: kept room for %d, %d, %d series and %d labels, tasks %v; want at most 5 series' (20 labels)",
				accept, cap(s.metrics), cap(s.gauges), cap(s.ptrs), cap(s.gen), s.tasks != nil)
		}
		wd.w.scratch.put(s)
	}
	s := (&scratch{refs: make([]ref, maxKeptRefs+1), tmp: make([]ref, maxKeptRefs+1)}).keep(5)
	if s.refs != nil || s.tmp != nil {
		t.Errorf("kept %d refs and %d tmp, over the bound of %d", cap(s.refs), cap(s.tmp), maxKeptRefs)
	}
	s = (&scratch{refs: make([]ref, maxKeptRefs), tmp: make([]ref, 10)}).keep(5)
	if cap(s.refs) != maxKeptRefs || cap(s.tmp) != 10 {
		t.Errorf("dropped refs (%d) or tmp (%d) within the bound", cap(s.refs), cap(s.tmp))
	}
}

// A client gets OpenMetrics when it asks for OpenMetrics only; one that
// also names the text format or protobuf gets what promhttp gives by
// default (Prometheus 3 asks for OpenMetrics first and text after it).
func TestNegotiateOpenMetricsOnly(t *testing.T) {
	const (
		text  = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
		om1   = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"
		om001 = "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"
		proto = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores"
	)
	for accept, want := range map[string]string{
		"": text,
		"application/openmetrics-text;version=1.0.0":                                      om1,
		"application/openmetrics-text;version=0.0.1;q=0.9,*/*;q=0.1":                      om001,
		"application/openmetrics-text; version=1.0.0, text/plain;version=0.0.4;q=0":       om1,
		"application/openmetrics-text;version=1.0.0;q=0.6,text/plain;version=0.0.4;q=0.3": text,
		"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2": text,
		"application/openmetrics-text;version=1.0.0,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited":                                                                               proto,
		"application/openmetrics-text;version=1.0.0,text/*": text,
		"*/*": text,
		"application/openmetrics-text;version=1.0.0;q=0,text/plain":   text,
		"not a media type,application/openmetrics-text;version=1.0.0": om1,
	} {
		h := http.Header{}
		if accept != "" {
			h.Set("Accept", accept)
		}
		if got := string(negotiate(h)); got != want {
			t.Errorf("Accept %q: %q, want %q", accept, got, want)
		}
	}
}
