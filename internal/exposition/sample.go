// Package exposition writes the answer of a metrics endpoint from task
// series held as compact samples: family by family, in the format the
// request negotiates (text, OpenMetrics or protobuf) and the content
// encoding it accepts (zstd, gzip or none), byte for byte what
// client_golang's registry and promhttp would write for the same series,
// without building every series' dto objects at once.
//
// A caller describes its families once (NewWriter), builds each task's
// samples into a Series (labels in an arena, in name order) and hands the
// writer the tasks of an answer together with a Gatherer for the metrics
// that are not task series. The writer knows nothing of what the tasks
// are: only that every family's first label groups the tasks (an
// account, say) and that another one tells a group's tasks apart (an id).
package exposition

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Sample is one series a caller built: its Desc (for the caller's own
// registry path; the writer does not read it), its value, its label pairs
// (in name order), at off in its Series' arena, n of them, and its
// family's index in the Writer. 24 bytes, where a series with a label
// slice of its own takes 40: a scrape of 10,000 tasks holds several
// hundred thousand.
type Sample struct {
	Desc   *prometheus.Desc
	Value  float64
	off    uint32
	n, fam uint16
}

// NewSample is the sample of family fam (Writer.Family; 0 for a sample
// that is never written by a Writer) and value v whose labels are the n
// pairs at off in its Series' arena.
func NewSample(desc *prometheus.Desc, fam int, v float64, off uint32, n int) Sample {
	return Sample{Desc: desc, Value: v, off: off, n: uint16(n), fam: uint16(fam)}
}

// Series are the samples of one task and the arena of their label pairs.
type Series struct {
	Samples []Sample
	Arena   []*dto.LabelPair
}

// Labels are the label pairs of sample i.
func (s *Series) Labels(i int) []*dto.LabelPair {
	p := &s.Samples[i]
	end := p.off + uint32(p.n)
	return s.Arena[p.off:end:end]
}

// Reserve makes room for n label pairs at the end of the arena and
// returns where it starts.
func (s *Series) Reserve(n int) uint32 {
	off := len(s.Arena)
	s.Arena = slices.Grow(s.Arena, n)[:off+n]
	return uint32(off)
}

// StateSet is what a state set family shares among its tasks: the label
// pairs of its known states, in value order, and the state label's place
// among the family's labels. A task's state set is held as one sample,
// its current state's, and written out as a series for every known state
// (Expand): most of a task's series cost nothing until the answer is
// written.
type StateSet struct {
	Known []*dto.LabelPair
	Pos   int
}

// Expand calls yield with the series a state set's current-state sample
// (labels) stands for, in state value order: every known state, 1 for the
// current one and 0 for the others, and the current one with 1 when it is
// not a known state. A current state is known by its value, whether or
// not it is the known state's pair.
func (st *StateSet) Expand(labels []*dto.LabelPair, yield func(state *dto.LabelPair, v float64)) {
	current := labels[st.Pos]
	is := func(k *dto.LabelPair) bool { return k == current || *k.Value == *current.Value }
	pending := !slices.ContainsFunc(st.Known, is) // an unknown state, sent in its place in the order
	for _, k := range st.Known {
		if pending && *current.Value < *k.Value {
			yield(current, 1)
			pending = false
		}
		yield(k, boolFloat(is(k)))
	}
	if pending {
		yield(current, 1)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
