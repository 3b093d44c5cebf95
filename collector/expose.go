package collector

import (
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-kit/log/level"
	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// The answer of /metrics and /probe. A registry would collect every
// series of a scrape through a channel, copy it into a dto.Metric, check it
// against its Desc, hash it, and sort each family, and promhttp would then
// encode the families it holds: all of them at once, 340,000 series for
// 10,000 SMS tasks. Task series are built by this package from Descs it
// made, with label pairs already in name order, so they need none of
// those checks. Instead each task family is built when it is written, its
// series sorted the way the registry sorts them, into dto objects reused
// from family to family and from scrape to scrape, and encoded by expfmt
// (as promhttp does) before the next is built: the answer's memory is the
// tasks' samples plus one part of one family. A state set, held as one
// sample per task, is written out here in label order. The exporter's own
// collectors (a few dozen families) still go through a registry, and the
// two sorted streams are merged by name. TestStreamedAnswerMatchesRegistry
// proves the bytes are the registry's.

// taskFamily is one task metric's family: what its header says, and where
// the task's id is among its labels (in name order).
type taskFamily struct {
	name, help string
	typ        dto.MetricType
	idPos      int
	typeLine   string // its TYPE line in the text formats
	// states is the label order of a state set (nil for other metrics):
	// its tasks hold one sample each, expanded when written.
	states *labelOrder
}

// newTaskFamilies lists the families of descs in name order and records
// each Desc's family in the label index.
func newTaskFamilies(ix labelIndex, descs []*prometheus.Desc) []taskFamily {
	var fams []taskFamily
	for _, d := range descs {
		lo := ix[d]
		// The id is a task metric's second label value (idDesc).
		f := taskFamily{name: lo.name, help: lo.help, typ: dto.MetricType_GAUGE, idPos: slices.Index(lo.order, 1),
			typeLine: "# TYPE " + lo.name + " gauge\n"}
		if lo.known != nil {
			f.states = &lo
		}
		fams = append(fams, f)
	}
	slices.SortFunc(fams, func(a, b taskFamily) int { return strings.Compare(a.name, b.name) })
	fams = slices.CompactFunc(fams, func(a, b taskFamily) bool { return a.name == b.name })
	for _, d := range descs {
		lo := ix[d]
		lo.fam, _ = slices.BinarySearchFunc(fams, lo.name, func(f taskFamily, name string) int { return strings.Compare(f.name, name) })
		ix[d] = lo
	}
	return fams
}

// defaultChunk is the most series of a family a text answer encodes at a
// time: 4,096 series' dto objects are about 700 KiB, where a state set of
// 10,000 SMS tasks whole would be 23 MiB.
const defaultChunk = 4096

// A ref names one sample of an answer: the index of its task in
// answerTasks (high 32 bits) and of the sample in the task (low 32 bits).
// Eight bytes, like a pointer, but it reaches the sample's labels too.
type ref uint64

// answerTasks are the series of an answer's tasks, in account and id order.
type answerTasks []*series

func (ts answerTasks) labels(r ref) []*dto.LabelPair { return ts[r>>32].labelsOf(int(uint32(r))) }
func (ts answerTasks) value(r ref) *float64          { return &ts[r>>32].samples[uint32(r)].value }

// familyScratch is what building the families of one answer needs; it is
// kept for the next answer (Exporter.scratch), so that a scrape after the
// first allocates no dto objects.
type familyScratch struct {
	tasks   answerTasks
	counts  []int
	refs    []ref // every task series, grouped by family
	tmp     []ref // room to sort the largest family
	metrics []dto.Metric
	gauges  []dto.Gauge
	ptrs    []*dto.Metric
	family  dto.MetricFamily
	// gen holds the label pairs of the state set series being written,
	// states a run's states; zero and one are their values.
	gen       []*dto.LabelPair
	states    []*dto.LabelPair
	zero, one float64
}

// eachTaskFamily calls visit with each task family of tasks that has
// series, in name order, its series sorted as a registry sorts them. With
// chunk > 0 a family of more series is passed in parts of at most chunk
// series, the first with the family's help and first true, so that the
// dto objects of one part are all the answer needs at a time. What is
// passed is only valid during the call.
func (e *Exporter) eachTaskFamily(tasks [][]polledTask, chunk int, visit func(mf *dto.MetricFamily, first bool)) {
	s, ok := e.scratch.get()
	if !ok {
		s = &familyScratch{}
	}
	defer e.scratch.put(s)

	// Visit the accounts by name and each one's tasks by id (pollTasks
	// sorts them), so that a family's series come in the order of the
	// account and id labels already.
	tasks = slices.Clone(tasks)
	slices.SortStableFunc(tasks, func(a, b []polledTask) int {
		if len(a) == 0 || len(b) == 0 {
			return cmp.Compare(len(a), len(b))
		}
		return strings.Compare(a[0].w.account.name, b[0].w.account.name)
	})
	s.tasks = s.tasks[:0]
	for _, group := range tasks {
		for i := range group {
			s.tasks = append(s.tasks, &group[i].series)
		}
	}

	// Group the series by family: count, then place (a counting sort).
	s.counts = slices.Grow(s.counts[:0], len(e.families)+1)[:len(e.families)+1]
	clear(s.counts)
	total := 0
	for _, t := range s.tasks {
		for j := range t.samples {
			s.counts[t.samples[j].fam+1]++
		}
		total += len(t.samples)
	}
	for f := 1; f < len(s.counts); f++ {
		s.counts[f] += s.counts[f-1] // counts[f] is now where family f starts
	}
	s.refs = slices.Grow(s.refs[:0], total)[:total]
	next := slices.Clone(s.counts[:len(e.families)])
	for k, t := range s.tasks {
		for j := range t.samples {
			f := t.samples[j].fam
			s.refs[next[f]] = ref(uint64(k)<<32 | uint64(j))
			next[f]++
		}
	}

	for f := range e.families {
		refs := s.refs[s.counts[f]:s.counts[f+1]]
		if len(refs) == 0 {
			continue
		}
		fam := &e.families[f]
		c := &chunker{s: s, f: fam, chunk: chunk, visit: visit, first: true}
		if fam.states != nil {
			e.writeStateSet(c, refs)
		} else {
			s.tmp = slices.Grow(s.tmp[:0], len(refs))[:len(refs)]
			refs = e.sortSeries(fam, s.tasks, refs, s.tmp)
			c.start(len(refs), 0)
			for _, r := range refs {
				c.add(s.tasks.labels(r), s.tasks.value(r))
			}
		}
		c.flush()
	}
	// Hold no task's series until the next answer.
	clear(s.tasks)
	clear(s.states)
	clear(s.gen[:cap(s.gen)])
	clear(s.metrics)
	clear(s.gauges)
	clear(s.ptrs)
}

// chunker builds a family's dto objects from its series, added in order,
// and passes them to visit in parts of at most chunk series (all at once
// when chunk is 0), the first with the family's help.
type chunker struct {
	s      *familyScratch
	f      *taskFamily
	chunk  int
	visit  func(mf *dto.MetricFamily, first bool)
	first  bool
	part   int // series a part holds
	n      int // series in the part being built
	prev   []*dto.LabelPair
	warned bool
}

// start readies the scratch for a family of total series, with room for
// the labels of generated series of labels pairs each.
func (c *chunker) start(total, labels int) {
	c.part = total
	if c.chunk > 0 {
		c.part = min(c.chunk, total)
	}
	s := c.s
	if cap(s.metrics) < c.part {
		s.metrics, s.gauges, s.ptrs = make([]dto.Metric, c.part), make([]dto.Gauge, c.part), make([]*dto.Metric, c.part)
	}
	s.gen = slices.Grow(s.gen[:0], c.part*labels)
}

// add adds a series; labels must stay as they are until the part is passed.
func (c *chunker) add(labels []*dto.LabelPair, value *float64) {
	s := c.s
	s.gauges[c.n] = dto.Gauge{Value: value}
	s.metrics[c.n] = dto.Metric{Label: labels, Gauge: &s.gauges[c.n]}
	s.ptrs[c.n] = &s.metrics[c.n]
	c.n++
	if c.n == c.part {
		c.flush()
	}
}

// addState adds the series of a state set whose labels are those of a
// task's sample with state in the state label's place (pos).
func (c *chunker) addState(e *Exporter, labels []*dto.LabelPair, pos int, state *dto.LabelPair, v float64) {
	s := c.s
	off := len(s.gen)
	s.gen = append(s.gen, labels...) // within start's room: never moved
	gen := s.gen[off:len(s.gen):len(s.gen)]
	gen[pos] = state
	// The order is made, not sorted: check it, though no input can break it.
	if c.prev != nil && compareLabels(c.prev, gen) >= 0 && !c.warned {
		level.Error(e.opts.Logger).Log("msg", "a state set's series are out of order", "metric", c.f.name)
		c.warned = true
	}
	c.prev = gen
	value := &s.zero
	if v == 1 {
		value = &s.one
	}
	c.add(gen, value)
}

// flush passes the part built so far, if any.
func (c *chunker) flush() {
	if c.n == 0 {
		return
	}
	s := c.s
	s.family = dto.MetricFamily{Name: &c.f.name, Type: &c.f.typ, Metric: s.ptrs[:c.n]}
	if c.first {
		s.family.Help = &c.f.help
	}
	c.visit(&s.family, c.first)
	c.first, c.n, c.prev = false, 0, nil
	s.gen = s.gen[:0]
}

// writeStateSet writes the series of a state set family whose tasks'
// samples (their current states) are refs, in account and id order: for
// each task every known state and an unknown current one (expand), in
// the order of the labels, which it makes rather than sorts.
func (e *Exporter) writeStateSet(c *chunker, refs []ref) {
	s, lo := c.s, c.f.states
	ts := s.tasks
	total := 0
	for _, r := range refs {
		total += len(lo.known)
		if !slices.Contains(lo.known, ts.labels(r)[lo.statePos]) {
			total++
		}
	}
	c.start(total, len(lo.names))
	s.one, s.zero = 1, 0
	if lo.statePos > c.f.idPos {
		// The state comes after the id (an OMS group's status): each task's
		// series in turn.
		for _, r := range refs {
			labels := ts.labels(r)
			lo.expand(labels, func(state *dto.LabelPair, v float64) { c.addState(e, labels, lo.statePos, state, v) })
		}
		return
	}
	// The state comes before the id: each account's tasks, state by state.
	for start := 0; start < len(refs); {
		account := *ts.labels(refs[start])[0].Value
		end := start
		for end < len(refs) && *ts.labels(refs[end])[0].Value == account {
			end++
		}
		run := refs[start:end]
		states := append(s.states[:0], lo.known...)
		var unknown map[string]bool // made only when a task is in an unknown state
		for _, r := range run {
			current := ts.labels(r)[lo.statePos]
			if slices.Contains(lo.known, current) || unknown[*current.Value] {
				continue
			}
			if unknown == nil {
				unknown = map[string]bool{}
			}
			unknown[*current.Value] = true
			states = append(states, current) // an unknown state, once per value
		}
		slices.SortFunc(states, func(a, b *dto.LabelPair) int { return strings.Compare(*a.Value, *b.Value) })
		s.states = states
		for _, state := range states {
			known := slices.Contains(lo.known, state)
			for _, r := range run {
				labels := ts.labels(r)
				current := labels[lo.statePos]
				switch {
				case known:
					c.addState(e, labels, lo.statePos, state, boolFloat(current == state))
				case *current.Value == *state.Value:
					c.addState(e, labels, lo.statePos, current, 1)
				}
			}
		}
		start = end
	}
}

// sortSeries sorts a family's series as client_golang's registry does
// (compareLabels), cheaply for the order they come in: by account, then
// task id (tmp is scratch room for as many). A family whose only label
// before the id is the account is sorted already (each task has one series
// of it, or its series in order) and costs one check; one with one label
// between (a state set's state, a subtask's name) is put in order by that
// label with a stable counting sort. A full sort is the fallback, and the
// checks mean the result never depends on that reasoning. Series with the
// same labels (which the registry's consistency check would refuse) are
// dropped; none should exist.
func (e *Exporter) sortSeries(f *taskFamily, ts answerTasks, refs, tmp []ref) []ref {
	if increasing(ts, refs) {
		return refs
	}
	if f.idPos == 2 && sortBySecondLabel(ts, refs, tmp) && increasing(ts, refs) {
		return refs
	}
	slices.SortFunc(refs, func(a, b ref) int { return compareLabels(ts.labels(a), ts.labels(b)) })
	return slices.CompactFunc(refs, func(a, b ref) bool {
		if compareLabels(ts.labels(a), ts.labels(b)) != 0 {
			return false
		}
		level.Error(e.opts.Logger).Log("msg", "dropping a series built twice with the same labels", "metric", f.name)
		return true
	})
}

// increasing reports whether each series sorts strictly after the one
// before it.
func increasing(ts answerTasks, refs []ref) bool {
	for i := 1; i < len(refs); i++ {
		if compareLabels(ts.labels(refs[i-1]), ts.labels(refs[i])) >= 0 {
			return false
		}
	}
	return true
}

// maxSecondLabelValues bounds the distinct values sortBySecondLabel
// counts per account (a state set has a few dozen states at most).
const maxSecondLabelValues = 64

// sortBySecondLabel orders each account's run of series by their second
// label, keeping the runs' order within a value: a stable counting sort.
// It reports false, leaving refs in some order, when an account has more
// than maxSecondLabelValues values.
func sortBySecondLabel(ts answerTasks, refs, tmp []ref) bool {
	type value struct {
		pair  *dto.LabelPair
		count int
	}
	var values [maxSecondLabelValues]value
	find := func(n int, p *dto.LabelPair) int {
		for k := range n { // the same pair first: state sets share theirs
			if values[k].pair == p {
				return k
			}
		}
		for k := range n {
			if *values[k].pair.Value == *p.Value {
				return k
			}
		}
		return -1
	}
	for start := 0; start < len(refs); {
		account := *ts.labels(refs[start])[0].Value
		end, n := start, 0
		for ; end < len(refs); end++ {
			labels := ts.labels(refs[end])
			if *labels[0].Value != account {
				break
			}
			if k := find(n, labels[1]); k >= 0 {
				values[k].count++
				continue
			}
			if n == len(values) {
				return false
			}
			values[n] = value{labels[1], 1}
			n++
		}
		slices.SortFunc(values[:n], func(a, b value) int { return strings.Compare(*a.pair.Value, *b.pair.Value) })
		offset := start
		for k := range n {
			values[k].count, offset = offset, offset+values[k].count // count is now where the value's series go
		}
		for _, r := range refs[start:end] {
			k := find(n, ts.labels(r)[1])
			tmp[values[k].count] = r
			values[k].count++
		}
		copy(refs[start:end], tmp[start:end])
		start = end
	}
	return true
}

// compareLabels orders two series of a family as client_golang's registry
// does: by their label values, pair by pair (the names are the family's).
func compareLabels(a, b []*dto.LabelPair) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	for k, p := range a {
		// Pairs are shared (a task's, an account's, a state set's known
		// states), so most equal values are the same pair.
		if q := b[k]; p != q {
			if c := strings.Compare(*p.Value, *q.Value); c != 0 {
				return c
			}
		}
	}
	return 0
}

// serve answers with the series of tasks and the metrics of collectors (a
// registry made for this request gathers those), in the format and
// compression the request asks for, as promhttp.HandlerFor would: the same
// negotiation, headers, bytes and `name[]` filter. The tasks were polled
// before: the request and error counters show this scrape's calls.
func (e *Exporter) serve(w http.ResponseWriter, r *http.Request, tasks [][]polledTask, collectors []prometheus.Collector) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors...)
	mfs, err := reg.Gather()
	if err != nil {
		level.Error(e.opts.Logger).Log("msg", "serving metrics", "err", fmt.Sprint("error gathering metrics: ", err))
	}

	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
	h := w.Header()
	h.Add("Vary", "Accept")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", string(format))
	out, encoding, done := e.compressor(r.Header.Get("Accept-Encoding"), w)
	if encoding != "identity" {
		h.Set("Content-Encoding", encoding)
	}
	defer done()

	var filter map[string]bool
	if names := r.URL.Query()["name[]"]; len(names) > 0 {
		filter = make(map[string]bool, len(names))
		for _, n := range names {
			filter[n] = true
		}
	}
	// In the text formats a big family is encoded in parts (eachTaskFamily):
	// expfmt starts each part with the family's TYPE line, which skip
	// drops from every part after the first.
	chunk := 0
	if format.FormatType() == expfmt.TypeTextPlain {
		chunk = e.chunk
	}
	skip := &lineSkipper{w: out}
	enc := expfmt.NewEncoder(skip, format)
	encode := func(mf *dto.MetricFamily) {
		if filter != nil && !filter[mf.GetName()] {
			return
		}
		err := enc.Encode(mf)
		if err == nil && skip.line != "" {
			err = fmt.Errorf("the encoder did not start a part of %s with its TYPE line", mf.GetName())
		}
		if err != nil {
			level.Error(e.opts.Logger).Log("msg", "serving metrics", "err", fmt.Sprint("error encoding and sending metric family: ", err))
		}
	}
	// Merge the two sorted streams: the registry's families and the tasks'.
	e.eachTaskFamily(tasks, chunk, func(mf *dto.MetricFamily, first bool) {
		for first && len(mfs) > 0 && mfs[0].GetName() < mf.GetName() {
			encode(mfs[0])
			mfs = mfs[1:]
		}
		if !first {
			skip.line = e.families[e.familyIndex(mf.GetName())].typeLine
		}
		encode(mf)
		skip.line = ""
	})
	for _, mf := range mfs {
		encode(mf)
	}
	if closer, ok := enc.(expfmt.Closer); ok {
		if err := closer.Close(); err != nil {
			level.Error(e.opts.Logger).Log("msg", "serving metrics", "err", fmt.Sprint("error encoding and sending metric family: ", err))
		}
	}
}

// familyIndex is the index in e.families of the family called name.
func (e *Exporter) familyIndex(name string) int {
	i, _ := slices.BinarySearchFunc(e.families, name, func(f taskFamily, name string) int { return strings.Compare(f.name, name) })
	return i
}

// lineSkipper writes to w what it is given, less line at its start: the
// TYPE line expfmt writes before every part of a family after the first.
// Bytes that do not match line are written and line is kept, which the
// caller reports.
type lineSkipper struct {
	w    io.Writer
	line string
}

func (s *lineSkipper) Write(p []byte) (int, error) {
	n := len(p)
	if s.line != "" {
		k := min(len(s.line), len(p))
		if string(p[:k]) != s.line[:k] {
			_, err := s.w.Write(p)
			return n, err
		}
		s.line, p = s.line[k:], p[k:]
	}
	_, err := s.w.Write(p)
	return n, err
}

// freeList keeps up to cap(items) values for the next answers to reuse.
// Unlike a sync.Pool, garbage collections do not empty it: between two
// scrapes there are several, and each answer would build its scratch and
// compressor again (and the runtime return their memory to the system in
// between).
type freeList[T any] struct{ items chan T }

func newFreeList[T any](n int) freeList[T] { return freeList[T]{items: make(chan T, n)} }

// get returns a kept value, or false when there is none.
func (f freeList[T]) get() (T, bool) {
	select {
	case v := <-f.items:
		return v, true
	default:
		var none T
		return none, false
	}
}

// put keeps v unless the list is full.
func (f freeList[T]) put(v T) {
	select {
	case f.items <- v:
	default:
	}
}

// compressors are the writers of the content encodings an answer may use
// (zstd and gzip), kept for the next answers.
type compressors struct {
	gzip freeList[*gzip.Writer]
	zstd freeList[*zstd.Encoder]
}

// keptAnswers is how many answers' scratch and compressors are kept: more
// than one answer at a time is rare (a /metrics scrape with probes).
const keptAnswers = 2

// compressor returns a writer to w in the encoding acceptEncoding prefers
// among zstd, gzip and identity, and the encoding's name. zstd is offered
// first: for the same size it costs a fraction of gzip's CPU (Prometheus
// asks for it with --enable-feature=zstd-scrape); gzip is written at
// BestSpeed, a little larger than promhttp's default level for much less
// CPU on an answer that is thrown away after one read.
//
// done flushes the compressor and keeps it for the next answer.
func (e *Exporter) compressor(acceptEncoding string, w io.Writer) (out io.Writer, encoding string, done func()) {
	switch negotiateEncoding(acceptEncoding) {
	case "zstd":
		z, ok := e.compress.zstd.get()
		if !ok {
			var err error
			if z, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
				zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true)); err != nil {
				break
			}
		}
		z.Reset(w)
		return z, "zstd", func() { _ = z.Close(); e.compress.zstd.put(z) }
	case "gzip":
		gz, ok := e.compress.gzip.get()
		if !ok {
			gz, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
		}
		gz.Reset(w)
		return gz, "gzip", func() { _ = gz.Close(); e.compress.gzip.put(gz) }
	}
	return w, "identity", func() {}
}

// negotiateEncoding picks the content encoding for an Accept-Encoding
// header: the accepted one with the highest q among zstd, gzip and
// identity, preferring them in that order on a tie ("*" accepts all);
// identity when none is acceptable.
func negotiateEncoding(header string) string {
	offers := [...]string{"zstd", "gzip", "identity"}
	best, bestQ := "identity", 0.0
	for _, offer := range offers {
		q, explicit := -1.0, false
		for part := range strings.SplitSeq(header, ",") {
			token, params, _ := strings.Cut(part, ";")
			token = strings.ToLower(strings.TrimSpace(token))
			if token != offer && (token != "*" || explicit) {
				continue
			}
			pq := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(p, "=")
				if strings.TrimSpace(strings.ToLower(k)) == "q" {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
						pq = f
					}
				}
			}
			if token == offer { // an explicit entry overrides "*"
				q, explicit = pq, true
			} else {
				q = pq
			}
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}
