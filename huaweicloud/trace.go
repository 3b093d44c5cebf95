package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Trace records what one poll did, for /probe?debug=true: each API request
// (method, URL path, status, duration, attempt and why it was retried), the
// fields decoded and the task's error. It never holds a header, a query, a
// body or a secret: the client records only the request's method and path,
// and the exporter only decoded numbers and scrubbed error texts. A nil
// *Trace records nothing. It is safe for concurrent use.
type Trace struct {
	mu    sync.Mutex
	lines []TraceLine
}

// TraceLine is one line of a Trace, in a section ("request", "field",
// "result").
type TraceLine struct {
	Section, Text string
}

// The sections of a Trace.
const (
	TraceRequest = "request"
	TraceField   = "field"
	TraceResult  = "result"
)

// NewTrace returns an empty trace.
func NewTrace() *Trace { return &Trace{} }

// Addf records a line in section; on a nil Trace it does nothing.
func (t *Trace) Addf(section, format string, args ...any) {
	if t == nil {
		return
	}
	text := fmt.Sprintf(format, args...)
	t.mu.Lock()
	t.lines = append(t.lines, TraceLine{Section: section, Text: text})
	t.mu.Unlock()
}

// Lines returns the lines of section, in the order they were recorded.
func (t *Trace) Lines(section string) []string {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, l := range t.lines {
		if l.Section == section {
			out = append(out, l.Text)
		}
	}
	return out
}

type traceKey struct{}

// WithTrace returns ctx whose API calls (and the exporter's decoding of
// their answers) are recorded in t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// TraceFrom returns the trace ctx carries, or nil.
func TraceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// attemptTrace is what once tells do about one attempt when tracing.
type attemptTrace struct {
	method, path, code string
	duration           time.Duration
}

// retryWhy says why err is retried, for a trace: the reason (throttled,
// http_5xx) and the wait, with where it came from (Retry-After or backoff).
func retryWhy(err error, delay time.Duration) string {
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok {
		return "retried after " + delay.String()
	}
	if apiErr.HasRetryAfter {
		return fmt.Sprintf("%s, waited %s as Retry-After asked", apiErr.Reason(), delay.Round(time.Millisecond))
	}
	return fmt.Sprintf("%s, waited %s (backoff)", apiErr.Reason(), delay.Round(time.Millisecond))
}
