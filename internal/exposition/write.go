package exposition

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// DefaultChunk is the most series of a family an answer encodes at a
// time in the text formats.
const DefaultChunk = 4096

// keptAnswers is how many answers' scratch and compressors are kept: more
// than one answer at a time is rare (a /metrics scrape with probes).
const keptAnswers = 2

// Options configure a Writer.
type Options struct {
	Logger log.Logger
	// Chunk is the most series of a family the text formats encode at a
	// time (0: DefaultChunk).
	Chunk int
}

// Writer writes the answers of a metrics endpoint: the series of tasks,
// in the families it was made with, and the metrics of a Gatherer. It is
// safe for concurrent use.
type Writer struct {
	builder
	compress compressors
	// errors counts what went wrong gathering or encoding an answer, as
	// promhttp counts it.
	errors *prometheus.CounterVec
}

// NewWriter returns a Writer of the families fams. A family that breaks
// the label layout Family describes is a programming error: it panics.
func NewWriter(fams []Family, opts Options) *Writer {
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	if opts.Chunk <= 0 {
		opts.Chunk = DefaultChunk
	}
	w := &Writer{
		builder:  builder{families: newFamilies(fams), logger: opts.Logger, chunk: opts.Chunk, scratch: newFreeList[*scratch](keptAnswers)},
		compress: newCompressors(keptAnswers),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "promhttp_metric_handler_errors_total",
			Help: "Total number of internal errors encountered by the promhttp metric handler.",
		}, []string{"cause"}),
	}
	w.errors.WithLabelValues("gathering")
	w.errors.WithLabelValues("encoding")
	return w
}

// Family is the index of the family called name, for NewSample, and false
// when the writer has no such family.
func (w *Writer) Family(name string) (int, bool) {
	return slices.BinarySearchFunc(w.families, name, func(f family, name string) int { return strings.Compare(f.name, name) })
}

// Errors is the counter of errors gathering or encoding an answer
// (promhttp_metric_handler_errors_total, by cause), to be registered
// where the answers' own metrics are.
func (w *Writer) Errors() prometheus.Collector { return w.errors }

// Write answers r with the series of tasks and the metrics g gathers, in
// the format and compression r asks for, as promhttp.HandlerFor would:
// the same negotiation, headers, bytes and `name[]` filter. tasks should
// come by group and, within a group, by id: then most families are in
// order as they come (the answer is correct in any order, only slower).
// An error gathering or encoding is logged and counted, and the rest of
// the answer still written.
func (w *Writer) Write(rw http.ResponseWriter, r *http.Request, tasks []*Series, g prometheus.Gatherer) {
	mfs, err := g.Gather()
	if err != nil {
		w.errors.WithLabelValues("gathering").Inc()
		level.Error(w.logger).Log("msg", "serving metrics", "err", fmt.Sprint("error gathering metrics: ", err))
	}

	format := negotiate(r.Header)
	h := rw.Header()
	h.Add("Vary", "Accept")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", string(format))
	out, encoding, done := w.compress.writer(r.Header.Get("Accept-Encoding"), rw)
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
	// In the text formats a big family is encoded in parts: expfmt starts
	// each part with the family's TYPE line, which skip drops from every
	// part after the first.
	chunk := 0
	if format.FormatType() == expfmt.TypeTextPlain {
		chunk = w.chunk
	}
	skip := &lineSkipper{w: out}
	enc := expfmt.NewEncoder(skip, format)
	failed := func(err error) {
		w.errors.WithLabelValues("encoding").Inc()
		level.Error(w.logger).Log("msg", "serving metrics", "err", fmt.Sprint("error encoding and sending metric family: ", err))
	}
	encode := func(mf *dto.MetricFamily) {
		if filter != nil && !filter[mf.GetName()] {
			return
		}
		err := enc.Encode(mf)
		if err == nil && skip.line != "" {
			err = fmt.Errorf("the encoder did not start a part of %s with its TYPE line", mf.GetName())
		}
		if err != nil {
			failed(err)
		}
	}
	// Merge the two sorted streams: the gathered families and the tasks'.
	w.eachFamily(tasks, chunk, func(f *family, mf *dto.MetricFamily, first bool) {
		for first && len(mfs) > 0 && mfs[0].GetName() < f.name {
			encode(mfs[0])
			mfs = mfs[1:]
		}
		if !first {
			skip.line = f.typeLine
		}
		encode(mf)
		skip.line = ""
	})
	for _, mf := range mfs {
		encode(mf)
	}
	if closer, ok := enc.(expfmt.Closer); ok {
		if err := closer.Close(); err != nil {
			failed(err)
		}
	}
}

// EachFamily calls visit with each family of tasks that has series, in
// name order, its series sorted as a registry sorts them, in parts of at
// most the Writer's chunk series as a text answer encodes them, the first
// with the family's help and first true. What is passed is only valid
// during the call.
func (w *Writer) EachFamily(tasks []*Series, visit func(mf *dto.MetricFamily, first bool)) {
	w.eachFamily(tasks, w.chunk, func(_ *family, mf *dto.MetricFamily, first bool) { visit(mf, first) })
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
