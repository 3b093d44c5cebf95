package exposition

import (
	"compress/gzip"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

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

func newCompressors(n int) compressors {
	return compressors{gzip: newFreeList[*gzip.Writer](n), zstd: newFreeList[*zstd.Encoder](n)}
}

// writer returns a writer to w in the encoding acceptEncoding prefers
// among zstd, gzip and identity, and the encoding's name. zstd is offered
// first: for the same size it costs a fraction of gzip's CPU (Prometheus
// asks for it with --enable-feature=zstd-scrape); gzip is written at
// BestSpeed, a little larger than promhttp's default level for much less
// CPU on an answer that is thrown away after one read.
//
// done flushes the compressor and keeps it for the next answer.
func (c *compressors) writer(acceptEncoding string, w io.Writer) (out io.Writer, encoding string, done func()) {
	switch negotiateEncoding(acceptEncoding) {
	case "zstd":
		z, ok := c.zstd.get()
		if !ok {
			var err error
			if z, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
				zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true)); err != nil {
				break
			}
		}
		z.Reset(w)
		return z, "zstd", func() { _ = z.Close(); c.zstd.put(z) }
	case "gzip":
		gz, ok := c.gzip.get()
		if !ok {
			gz, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
		}
		gz.Reset(w)
		return gz, "gzip", func() { _ = gz.Close(); c.gzip.put(gz) }
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
