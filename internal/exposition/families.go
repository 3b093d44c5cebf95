package exposition

import (
	"cmp"
	"slices"
	"strings"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	dto "github.com/prometheus/client_model/go"
)

// maxKeptRefs bounds the refs an answer's scratch keeps for the next one
// (8 bytes each); an answer that needed more allocates them again.
const maxKeptRefs = 1 << 15

// builder builds the families of an answer from its tasks' samples.
type builder struct {
	families []family
	logger   log.Logger
	chunk    int // the most series of a family a text answer encodes at a time
	scratch  freeList[*scratch]
}

// A ref names one sample of an answer: the index of its task in tasks
// (high 32 bits) and of the sample in the task (low 32 bits). Eight
// bytes, like a pointer, but it reaches the sample's labels too.
type ref uint64

// tasks are the series of an answer's tasks.
type tasks []*Series

func (ts tasks) labels(r ref) []*dto.LabelPair { return ts[r>>32].Labels(int(uint32(r))) }
func (ts tasks) value(r ref) *float64          { return &ts[r>>32].Samples[uint32(r)].Value }

// scratch is what building the families of one answer needs; it is kept
// for the next answer (trimmed: see keep), so that a scrape after the
// first allocates no dto objects.
type scratch struct {
	tasks   tasks // the answer's, during the answer
	counts  []int
	refs    []ref // every task series, grouped by family
	tmp     []ref // room to sort the largest family
	metrics []dto.Metric
	gauges  []dto.Gauge
	ptrs    []*dto.Metric
	family  dto.MetricFamily
	// gen holds the label pairs of the state set series being written,
	// states a group's states; zero and one are their values.
	gen       []*dto.LabelPair
	states    []*dto.LabelPair
	zero, one float64
}

// keep readies s for the next answer: it holds no task's series, and no
// room beyond what a text answer in parts of chunk series needs, so that
// no answer leaves its peak (a protobuf answer's largest family whole, a
// big answer's refs) behind in the free list.
func (s *scratch) keep(chunk int) *scratch {
	s.tasks = nil
	clear(s.states)
	clear(s.gen[:cap(s.gen)])
	clear(s.metrics)
	clear(s.gauges)
	clear(s.ptrs)
	s.family = dto.MetricFamily{}
	if cap(s.metrics) > chunk {
		s.metrics, s.gauges, s.ptrs = nil, nil, nil
	}
	if cap(s.gen) > 4*chunk { // a state set's three labels a series, and the allocator's rounding
		s.gen = nil
	}
	if cap(s.refs) > maxKeptRefs {
		s.refs = nil
	}
	if cap(s.tmp) > maxKeptRefs {
		s.tmp = nil
	}
	return s
}

// eachFamily calls visit with each family of ts that has series, in name
// order, its series sorted as a registry sorts them. With chunk > 0 a
// family of more series is passed in parts of at most chunk series, the
// first with the family's help and first true, so that the dto objects of
// one part are all the answer needs at a time. What is passed is only
// valid during the call.
func (w *builder) eachFamily(ts []*Series, chunk int, visit func(f *family, mf *dto.MetricFamily, first bool)) {
	s, ok := w.scratch.get()
	if !ok {
		s = &scratch{}
	}
	defer func() { w.scratch.put(s.keep(w.chunk)) }()
	s.tasks = ts

	// Group the series by family: count, then place (a counting sort).
	s.counts = slices.Grow(s.counts[:0], len(w.families)+1)[:len(w.families)+1]
	clear(s.counts)
	total := 0
	for _, t := range s.tasks {
		for j := range t.Samples {
			s.counts[t.Samples[j].fam+1]++
		}
		total += len(t.Samples)
	}
	for f := 1; f < len(s.counts); f++ {
		s.counts[f] += s.counts[f-1] // counts[f] is now where family f starts
	}
	s.refs = slices.Grow(s.refs[:0], total)[:total]
	next := slices.Clone(s.counts[:len(w.families)])
	for k, t := range s.tasks {
		for j := range t.Samples {
			f := t.Samples[j].fam
			s.refs[next[f]] = ref(uint64(k)<<32 | uint64(j))
			next[f]++
		}
	}

	for f := range w.families {
		refs := s.refs[s.counts[f]:s.counts[f+1]]
		if len(refs) == 0 {
			continue
		}
		fam := &w.families[f]
		c := &chunker{s: s, f: fam, chunk: chunk, visit: visit, first: true}
		s.tmp = slices.Grow(s.tmp[:0], len(refs))[:len(refs)]
		if fam.states != nil {
			w.writeStateSet(c, refs)
		} else {
			refs = w.sortSeries(fam, s.tasks, refs, s.tmp)
			c.start(len(refs), 0)
			for _, r := range refs {
				c.add(s.tasks.labels(r), s.tasks.value(r))
			}
		}
		c.flush()
	}
}

// chunker builds a family's dto objects from its series, added in order,
// and passes them to visit in parts of at most chunk series (all at once
// when chunk is 0), the first with the family's help.
type chunker struct {
	s     *scratch
	f     *family
	chunk int
	visit func(f *family, mf *dto.MetricFamily, first bool)
	first bool
	part  int // series a part holds
	n     int // series in the part being built
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
func (c *chunker) addState(labels []*dto.LabelPair, pos int, state *dto.LabelPair, v float64) {
	s := c.s
	off := len(s.gen)
	s.gen = append(s.gen, labels...) // within start's room: never moved
	gen := s.gen[off:len(s.gen):len(s.gen)]
	gen[pos] = state
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
	c.visit(c.f, &s.family, c.first)
	c.first, c.n = false, 0
	s.gen = s.gen[:0]
}

// writeStateSet writes the series of a state set family whose tasks'
// samples (their current states) are refs: for each task every known
// state and an unknown current one (Expand). When the tasks come by group
// and id, each once, and no unknown current state has a known state's
// value, it makes the order of the labels as it goes; otherwise it sorts
// (sortStateSet).
func (w *builder) writeStateSet(c *chunker, refs []ref) {
	s, st := c.s, c.f.states
	ts := s.tasks
	total, ordered := 0, true
	var prev []*dto.LabelPair
	for _, r := range refs {
		labels := ts.labels(r)
		total += len(st.Known)
		if current := labels[st.Pos]; !slices.Contains(st.Known, current) {
			total++
			ordered = ordered && !slices.ContainsFunc(st.Known, func(k *dto.LabelPair) bool { return *k.Value == *current.Value })
		}
		ordered = ordered && (prev == nil || taskAfter(prev, labels, c.f.idPos))
		prev = labels
	}
	if !ordered {
		w.sortStateSet(c, refs, total)
		return
	}
	c.start(total, 3)
	s.one, s.zero = 1, 0
	if st.Pos > c.f.idPos {
		// The state comes after the id (an OMS group's status): each task's
		// series in turn.
		for _, r := range refs {
			labels := ts.labels(r)
			st.Expand(labels, func(state *dto.LabelPair, v float64) { c.addState(labels, st.Pos, state, v) })
		}
		return
	}
	// The state comes before the id: each group's tasks, state by state.
	for start := 0; start < len(refs); {
		group := *ts.labels(refs[start])[0].Value
		end := start
		for end < len(refs) && *ts.labels(refs[end])[0].Value == group {
			end++
		}
		run := refs[start:end]
		states := append(s.states[:0], st.Known...)
		var unknown map[string]bool // made only when a task is in an unknown state
		for _, r := range run {
			current := ts.labels(r)[st.Pos]
			if slices.Contains(st.Known, current) || unknown[*current.Value] {
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
			known := slices.Contains(st.Known, state)
			for _, r := range run {
				labels := ts.labels(r)
				current := labels[st.Pos]
				switch {
				case known:
					c.addState(labels, st.Pos, state, boolFloat(current == state))
				case *current.Value == *state.Value:
					c.addState(labels, st.Pos, current, 1)
				}
			}
		}
		start = end
	}
}

// taskAfter reports whether the task of labels comes after the task of
// prev: a later group, or the same group and a later id (idPos).
func taskAfter(prev, labels []*dto.LabelPair, idPos int) bool {
	if prev[0] != labels[0] {
		if c := strings.Compare(*prev[0].Value, *labels[0].Value); c != 0 {
			return c < 0
		}
	}
	return *prev[idPos].Value < *labels[idPos].Value
}

// stateRow is one series of a state set being sorted.
type stateRow struct {
	labels []*dto.LabelPair
	value  float64
}

// sortStateSet writes a state set's series (total of them) in the order a
// registry sorts them, from tasks in any order: every series is made,
// sorted, and those with the same labels as the one before dropped.
func (w *builder) sortStateSet(c *chunker, refs []ref, total int) {
	st, ts := c.f.states, c.s.tasks
	pairs := make([]*dto.LabelPair, 0, 3*total)
	rows := make([]stateRow, 0, total)
	for _, r := range refs {
		labels := ts.labels(r)
		st.Expand(labels, func(state *dto.LabelPair, v float64) {
			off := len(pairs)
			pairs = append(pairs, labels...)
			gen := pairs[off:len(pairs):len(pairs)]
			gen[st.Pos] = state
			rows = append(rows, stateRow{gen, v})
		})
	}
	slices.SortStableFunc(rows, func(a, b stateRow) int { return compareLabels(a.labels, b.labels) })
	rows = slices.CompactFunc(rows, func(a, b stateRow) bool { return w.duplicate(c.f, compareLabels(a.labels, b.labels) == 0) })
	c.start(len(rows), 0)
	for i := range rows {
		c.add(rows[i].labels, &rows[i].value)
	}
}

// duplicate logs a series built twice with the same labels, when dup, and
// returns dup.
func (w *builder) duplicate(f *family, dup bool) bool {
	if dup {
		level.Error(w.logger).Log("msg", "dropping a series built twice with the same labels", "metric", f.name)
	}
	return dup
}

// sortSeries sorts a family's series as client_golang's registry does
// (compareLabels), cheaply for the order they come in: by group, then
// task id (tmp is scratch room for as many). A family whose only label
// before the id is the group is sorted already (each task has one series
// of it, or its series in order) and costs one check; one with one label
// between (a subtask's name, say) is put in order by that label with a
// stable counting sort. A full sort is the fallback, and the checks mean
// the result never depends on that reasoning. Series with the same labels
// (which the registry's consistency check would refuse) are dropped; none
// should exist.
func (w *builder) sortSeries(f *family, ts tasks, refs, tmp []ref) []ref {
	if increasing(ts, refs) {
		return refs
	}
	if f.idPos == 2 && sortBySecondLabel(ts, refs, tmp) && increasing(ts, refs) {
		return refs
	}
	slices.SortFunc(refs, func(a, b ref) int { return compareLabels(ts.labels(a), ts.labels(b)) })
	return slices.CompactFunc(refs, func(a, b ref) bool { return w.duplicate(f, compareLabels(ts.labels(a), ts.labels(b)) == 0) })
}

// increasing reports whether each series sorts strictly after the one
// before it.
func increasing(ts tasks, refs []ref) bool {
	for i := 1; i < len(refs); i++ {
		if compareLabels(ts.labels(refs[i-1]), ts.labels(refs[i])) >= 0 {
			return false
		}
	}
	return true
}

// maxSecondLabelValues bounds the distinct values sortBySecondLabel
// counts per group (a subtask label has a few dozen values at most).
const maxSecondLabelValues = 64

// sortBySecondLabel orders each group's run of series by their second
// label, keeping the runs' order within a value: a stable counting sort.
// It reports false, leaving refs in some order, when a group has more
// than maxSecondLabelValues values.
func sortBySecondLabel(ts tasks, refs, tmp []ref) bool {
	type value struct {
		pair  *dto.LabelPair
		count int
	}
	var values [maxSecondLabelValues]value
	find := func(n int, p *dto.LabelPair) int {
		for k := range n { // the same pair first: interned pairs are shared
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
		group := *ts.labels(refs[start])[0].Value
		end, n := start, 0
		for ; end < len(refs); end++ {
			labels := ts.labels(refs[end])
			if *labels[0].Value != group {
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
		// Pairs are shared (a task's, a group's, a state set's known
		// states), so most equal values are the same pair.
		if q := b[k]; p != q {
			if c := strings.Compare(*p.Value, *q.Value); c != 0 {
				return c
			}
		}
	}
	return 0
}
