package collector

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// service is one migration service (DCS, SMS, …) as the collector sees it:
// which settings of an account it reads, how it lists and reads tasks, and
// the metrics it builds from the answers. Adding a service is one more
// implementation, in a file of its own, and one more entry in newServices;
// nothing else in the collector names a service.
type service interface {
	// api is the cloud service: the value of the `api` label of the
	// exporter's own metrics, and the key of its endpoint.
	api() string
	// module names the service among the exporter's services: /probe's
	// module parameter, /sd's module label. It is api() unless a cloud
	// service has more than one kind of task (OMS tasks and task groups).
	module() string
	// settings are the account's settings for the service.
	settings(a *config.Account) config.Service
	// endpoint is the account's endpoint override for the service ("" for
	// the region's default).
	endpoint(e config.Endpoints) string
	// descs are the Descs of every metric the service builds.
	descs() []*prometheus.Desc
	// stateDesc is the state set of the task's own status, the state the
	// status page shows (a service may have other state sets, such as the
	// state of a DCS task's IP switch).
	stateDesc() *prometheus.Desc
	// listTaskIDs lists every task of the account (discovery).
	listTaskIDs(ctx context.Context, w *watched) ([]string, error)
	// plan returns a reader for each id, in order, and the API calls that
	// fill them. A reader's metrics are built once its last call is done.
	// The ids come least recently read first: the calls are sent in the
	// order plan gives them.
	plan(w *watched, ids []string) ([]taskReader, []call)
	// callsPerScrape estimates the API calls a scrape makes to read n of
	// the service's tasks, each answer read afresh (no min_interval cache):
	// the calls the account's rate must allow within the scrape timeout
	// (budget.go). Answers read once per verify_interval or per discovery
	// interval (checks, comparisons, lists) are left out: they come once in
	// many scrapes. It is an estimate, not a count: what a task costs may
	// depend on its state (a DRS job's phase).
	callsPerScrape(w *watched, n int) float64
	// terminal reports whether a task whose good answer made series s,
	// state being the current state of its stateDesc, has ended for good
	// (finished, failed, deleted): it is read again once per
	// terminal_interval only (taskmemory.go).
	terminal(state string, s *exposition.Series) bool
}

// newServices returns every service the exporter knows, in the order their
// metrics are described.
func newServices(ix labelIndex) []service {
	return []service{newDCS(ix), newSMS(ix), newDRS(ix), newOMS(ix), newOMSGroups(ix), newCDM(ix)}
}

// idRuler is a service whose task ids follow a rule of their own (CDM's
// "<cluster id>/<job name>"); every other service's follow
// config.ValidTaskID. Configured ids were checked by that rule when the
// config was loaded; discovered and probed ones are checked by it too.
type idRuler interface {
	validTaskID(id string) bool
}

// taskIDRule is svc's rule for its task ids.
func taskIDRule(svc service) func(string) bool {
	if r, ok := svc.(idRuler); ok {
		return r.validTaskID
	}
	return config.ValidTaskID
}

// stateful is a service that keeps state per account beyond its task
// ids (DRS: the job list that names its jobs). newState makes it when the
// account is configured; watched.state holds it.
type stateful interface {
	newState(w *watched, a *config.Account) any
}

// taskReader holds a service's answers about one task during one scrape.
type taskReader interface {
	// metrics sends the task's metrics to m. up is the value of the task's
	// *_up metric; err, when not nil, is counted as the task's error.
	metrics(m *emitter) (up bool, err error)
}

// call is one API call of a scrape: run reads the answers of the tasks
// [first, first+n) of its plan (one task, or a batch).
type call struct {
	run      func(context.Context)
	first, n int
}

// planOnePerID plans one call per id, for a service that reads each task
// with calls of its own (SMS, OMS tasks and groups): newReader makes the
// id's reader, and read fills it.
func planOnePerID[R taskReader](ids []string, newReader func() R, read func(ctx context.Context, r R, id string)) ([]taskReader, []call) {
	readers := make([]taskReader, len(ids))
	calls := make([]call, len(ids))
	for i, id := range ids {
		r := newReader()
		readers[i] = r
		calls[i] = call{first: i, n: 1, run: func(ctx context.Context) { read(ctx, r, id) }}
	}
	return readers, calls
}

// oneCallPerTask is callsPerScrape of a service that reads each task with
// one call of its own.
func oneCallPerTask(n int) float64 { return float64(n) }

// watched is what one account watches of one service.
type watched struct {
	svc         service
	account     *account
	taskIDs     []string   // configured
	discovery   *discovery // nil without discover: true
	minInterval time.Duration
	// terminalInterval is how often a task in a terminal state is read;
	// maxStaleness how old an answer served for a task the budget left
	// unread may be (the account's).
	terminalInterval, maxStaleness time.Duration
	// memory is what the scrapes remember of the tasks (taskmemory.go).
	memory taskMemory
	// verifyInterval is how often the answers that change slowly (SMS
	// consistency checks) are read again; 0 for a service without them.
	verifyInterval time.Duration
	state          any // a stateful service's; nil for the others
	// seriesHint is the most series one task of it made so far: the
	// capacity a task's series start with, so that they are not regrown.
	seriesHint atomic.Int32
	// labelHint is likewise the most label-pair room one task took.
	labelHint atomic.Int32
}

// client is the account's API client.
func (w *watched) client() *huaweicloud.Client { return w.account.client }

// fetch reads one answer through the account's shared cache: concurrent
// scrapes share one call, and with a min interval a recent good answer is
// served again. at is when the answer served was read, set only with a
// min interval (without one every answer is this scrape's).
func fetch[T any](ctx context.Context, w *watched, key string, read func(context.Context) (T, error)) (v T, at time.Time, err error) {
	f, err := shareCall(ctx, w.account.cache, w.svc.module()+" "+key, w.minInterval, read)
	if w.minInterval > 0 {
		at = f.at
	}
	return f.val, at, err
}

// fetchSlow reads an answer that changes slowly: at most once per the
// service's verify interval, through the account's shared cache (so
// /metrics and /probe share it), served from the cache in between. When a
// refresh fails, the last good answer, if there is one, is returned with
// the error: the caller keeps its values and counts the error. When the
// scrape's API budget is short (scrapeBudget), the last good answer is
// returned however old (the zero T when there is none) without a call.
func fetchSlow[T any](ctx context.Context, w *watched, key string, read func(context.Context) (T, error)) (T, error) {
	return fetchSlowFrom(ctx, w, key, func(ctx context.Context, _ T) (T, error) { return read(ctx) })
}

// fetchSlowFrom is fetchSlow whose read is given the last good answer (the
// zero T before there is one), for an answer that keeps parts of the last
// one instead of reading them again (a finished comparison's results).
func fetchSlowFrom[T any](ctx context.Context, w *watched, key string, read func(ctx context.Context, last T) (T, error)) (T, error) {
	key = w.svc.module() + " " + key
	if budgetOf(ctx, w.account).short() {
		last, _ := lastGood[T](w.account.cache, key)
		return last, nil
	}
	f, err := shareCall(ctx, w.account.cache, key, w.verifyInterval, func(ctx context.Context) (T, error) {
		last, _ := lastGood[T](w.account.cache, key)
		return read(ctx, last)
	})
	if err != nil {
		if last, ok := lastGood[T](w.account.cache, key); ok {
			return last, err
		}
	}
	return f.val, err
}

// firstError returns the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
