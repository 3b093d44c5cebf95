// Package simulator is an in-process fake of the Huawei Cloud DCS, SMS, DRS, OMS
// and CDM migration APIs. It verifies SDK-HMAC-SHA256 signatures like the API gateway,
// serves tasks whose progress moves with time, answers numbers as JSON
// strings or JSON numbers, and injects faults per task. `--simulate` and the
// tests both use it.
package simulator

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/sleep"
)

// Options configure a Simulator.
type Options struct {
	AccessKey string
	SecretKey string
	ProjectID string
	// NumbersAsStrings makes every numeric field a JSON string ("12.5"), as
	// some API editions do; otherwise they are JSON numbers.
	NumbersAsStrings bool
	// Now is the tasks' clock (default time.Now); tasks move with it.
	Now func() time.Time
	// GatewayNow is the API gateway's clock (default time.Now): X-Sdk-Date
	// must be within 15 minutes of it. It is apart from Now so that tasks
	// can be frozen at a fixed time while real clients still sign with
	// the real one.
	GatewayNow func() time.Time
	// Latency is added before every answer (a task's fault may add more).
	Latency time.Duration
}

// FaultKind is what a faulty task answers instead of its data.
type FaultKind int

// The faults a task can be given.
const (
	FaultNone        FaultKind = iota
	FaultServerError           // HTTP 500
	FaultThrottled             // HTTP 429, APIG.0308, Retry-After: 2
	FaultNotFound              // the API's "not found": DCS 400 DCS.4133, SMS 404
	FaultMalformed             // HTTP 200 with a truncated JSON body
	FaultOversized             // HTTP 200 with a 5 MiB body
	// The hostile answers a proxy, a captive portal or an attacker gives:
	FaultRedirect       // HTTP 302 to Fault.RedirectTo (another host or port)
	FaultErrorIn200     // HTTP 200 whose body is the API's "not found" error object
	FaultEchoSecrets    // HTTP 401 whose message echoes the AK, SK, security token and signature, raw and encoded
	FaultHugeRetryAfter // HTTP 429 with Retry-After: 18446744074 (overflows a time.Duration in ns)
	// Faults of one job inside a DRS batch answer:
	FaultJobDeleted    // the job's own error DRS.M05004 (deleted) in a 2xx answer
	FaultRejectBatch   // the whole batch is refused: HTTP 400 DRS.M00202, no results
	FaultOmitFromBatch // the job is left out of a 2xx answer
)

// Fault is injected into the answers about one task.
type Fault struct {
	Kind    FaultKind
	Latency time.Duration // added before answering
	// Times, when positive, limits Kind to the first Times answers; later
	// ones are normal (a transient fault).
	Times int
	// RedirectTo is the base URL a FaultRedirect points to.
	RedirectTo string
}

// OversizedBodyBytes is the size of a FaultOversized body.
const OversizedBodyBytes = 5 << 20

// Simulator is an http.Handler serving the fake APIs. It is safe for
// concurrent use; tasks and faults may change while it serves.
type Simulator struct {
	opts  Options
	mux   *http.ServeMux
	start time.Time

	mu       sync.Mutex
	dcsTasks []*DCSTask // in list order
	smsTasks []*SMSTask // in list order
	drsJobs  []*DRSJob  // in list order
	oms      omsState
	cdm      cdmState
	faults   map[string]Fault
	requests map[string]int // "operation task_id" -> count
	faulted  map[string]int // task_id -> answers spoilt by its fault
	echoed   []string       // signatures FaultEchoSecrets sent back (the last few)

	// smsSources are the source servers beyond the SMS tasks' own
	// (smssources.go).
	smsSources smsSourcesState
}

// New returns a simulator with no tasks.
func New(opts Options) *Simulator {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.GatewayNow == nil {
		opts.GatewayNow = time.Now
	}
	s := &Simulator{
		opts:     opts,
		mux:      http.NewServeMux(),
		start:    opts.Now(),
		faults:   map[string]Fault{},
		requests: map[string]int{},
		faulted:  map[string]int{},
	}
	for _, route := range []func(*http.ServeMux){s.dcsRoutes, s.smsRoutes, s.drsRoutes, s.omsRoutes, s.cdmRoutes} {
		route(s.mux)
	}
	return s
}

// SetFault injects f into every answer about taskID (FaultNone with no
// latency removes it).
func (s *Simulator) SetFault(taskID string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faulted, taskID)
	if f == (Fault{}) {
		delete(s.faults, taskID)
		return
	}
	s.faults[taskID] = f
}

// Requests returns how many requests of an operation reached the simulator
// for a task ("" for list operations), including faulty answers but not
// requests refused for their signature.
func (s *Simulator) Requests(operation, taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[operation+" "+taskID]
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e := verifySignature(r, s.opts.AccessKey, s.opts.SecretKey, s.opts.GatewayNow()); e != nil {
		e.write(w)
		return
	}
	if pid := r.Header.Get("X-Project-Id"); pid != s.opts.ProjectID {
		(&apiError{http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: project id mismatch"}).write(w)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// task is what the simulator's task lists hold.
type task interface{ taskID() string }

func (t DCSTask) taskID() string { return t.ID }
func (t SMSTask) taskID() string { return t.ID }

// upsert replaces the task with t's id, or appends t.
func upsert[T task](tasks []*T, t T) []*T {
	for i, old := range tasks {
		if (*old).taskID() == t.taskID() {
			tasks[i] = &t
			return tasks
		}
	}
	return append(tasks, &t)
}

// without returns tasks less the one with id.
func without[T task](tasks []*T, id string) []*T {
	for i, t := range tasks {
		if (*t).taskID() == id {
			return append(tasks[:i], tasks[i+1:]...)
		}
	}
	return tasks
}

// lookup returns a copy of the task with id.
func lookup[T task](tasks []*T, id string) (T, bool) {
	for _, t := range tasks {
		if (*t).taskID() == id {
			return *t, true
		}
	}
	var zero T
	return zero, false
}

// showOne answers the entry of *list whose id is the path value key, with
// body, or notFound.
func showOne[T task](s *Simulator, w http.ResponseWriter, r *http.Request, operation, key string, list *[]*T, notFound *apiError, body func(T) map[string]any) {
	id := r.PathValue(key)
	if !s.begin(w, r, operation, id, notFound) {
		return
	}
	s.mu.Lock()
	t, ok := lookup(*list, id)
	s.mu.Unlock()
	if !ok {
		notFound.write(w)
		return
	}
	writeJSON(w, body(t))
}

// listPage answers one page (offset, limit) of *list under name, with
// count the number of entries in all.
func listPage[T task](s *Simulator, w http.ResponseWriter, r *http.Request, operation, name string, list *[]*T, notFound *apiError, body func(T) map[string]any) {
	if !s.begin(w, r, operation, "", notFound) {
		return
	}
	offset, limit := pageParams(r)
	s.mu.Lock()
	all := make([]T, 0, len(*list))
	for _, t := range *list {
		all = append(all, *t)
	}
	s.mu.Unlock()
	page := pageOf(all, offset, limit)
	bodies := make([]map[string]any, 0, len(page))
	for _, t := range page {
		bodies = append(bodies, body(t))
	}
	writeJSON(w, map[string]any{"count": len(all), name: bodies})
}

// locked runs f holding the simulator's lock.
func (s *Simulator) locked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// elapsed is how long the simulator has been running on its clock.
func (s *Simulator) elapsed() time.Duration { return s.opts.Now().Sub(s.start) }

// begin counts the request and applies the task's fault; notFound is the
// API's answer for a missing task. It returns false when the fault has
// answered already.
func (s *Simulator) begin(w http.ResponseWriter, r *http.Request, operation, taskID string, notFound *apiError) bool {
	if pid := r.PathValue("project_id"); pid != "" && pid != s.opts.ProjectID {
		(&apiError{http.StatusBadRequest, "DCS.4001", "Invalid project id."}).write(w)
		return false
	}
	s.mu.Lock()
	s.requests[operation+" "+taskID]++
	f := s.faults[taskID]
	if f.Kind != FaultNone && f.Times > 0 {
		if s.faulted[taskID] >= f.Times {
			f.Kind = FaultNone
		} else {
			s.faulted[taskID]++
		}
	}
	s.mu.Unlock()
	if d := s.opts.Latency + f.Latency; d > 0 && !sleep.For(r.Context(), d) {
		return false
	}
	switch f.Kind {
	case FaultServerError:
		(&apiError{http.StatusInternalServerError, "DCS.5000", "Internal service error."}).write(w)
	case FaultThrottled:
		w.Header().Set("Retry-After", "2")
		(&apiError{http.StatusTooManyRequests, "APIG.0308", "The request is throttled."}).write(w)
	case FaultNotFound:
		notFound.write(w)
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"full_migration_progress": "12", "offset": `))
	case FaultOversized:
		writeOversized(w)
	case FaultRedirect:
		http.Redirect(w, r, f.RedirectTo+r.URL.RequestURI(), http.StatusFound)
	case FaultErrorIn200:
		(&apiError{http.StatusOK, notFound.code, notFound.message}).write(w)
	case FaultEchoSecrets:
		errAuth("ak " + s.echo(r) + " not exist").write(w)
	case FaultHugeRetryAfter:
		w.Header().Set("Retry-After", "18446744074")
		(&apiError{http.StatusTooManyRequests, "APIG.0308", "The request is throttled."}).write(w)
	default:
		return true
	}
	return false
}

// echo is every secret of r, raw and encoded, as a hostile gateway could
// send them back: the access and secret keys, the security token, the
// Authorization header and its signature.
func (s *Simulator) echo(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, sig, _ := strings.Cut(auth, "Signature=")
	s.locked(func() { s.echoed = append(s.echoed[max(0, len(s.echoed)-99):], sig) })
	var out []string
	for _, v := range []string{s.opts.AccessKey, s.opts.SecretKey, r.Header.Get("X-Security-Token"), auth, sig} {
		if v == "" {
			continue
		}
		out = append(out, v, url.QueryEscape(v), base64.StdEncoding.EncodeToString([]byte(v)), hex.EncodeToString([]byte(v)))
	}
	return strings.Join(out, " ")
}

// EchoedSignatures are the request signatures FaultEchoSecrets sent back
// (the last hundred), for tests that look for them where they must not be.
func (s *Simulator) EchoedSignatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.echoed...)
}

// writeOversized answers with valid JSON of OversizedBodyBytes.
func writeOversized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	pad := strings.Repeat("x", 64<<10)
	_, _ = w.Write([]byte(`{"padding": "`))
	for n := 0; n < OversizedBodyBytes; n += len(pad) {
		if _, err := w.Write([]byte(pad)); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`", "offset": 1}`))
}

// num renders a number in the simulator's number mode.
func (s *Simulator) num(v float64) any {
	if s.opts.NumbersAsStrings {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return v
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is an error answer in the documented body shape.
type apiError struct {
	status  int
	code    string
	message string
}

func errAuth(msg string) *apiError { return &apiError{http.StatusUnauthorized, "APIG.0301", msg} }

func (e *apiError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": e.code, "error_msg": e.message})
}
