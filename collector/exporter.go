// Package collector polls the configured migration tasks on each scrape and
// turns what it learns into task samples, which internal/exposition writes
// out as the answer; the exporter's own metrics go through a registry.
package collector

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"golang.org/x/time/rate"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// DefaultScrapeTimeout is how long a scrape may poll when neither
// Prometheus nor Options say.
const DefaultScrapeTimeout = 10 * time.Second

// Options configure an Exporter.
type Options struct {
	Logger log.Logger
	// Concurrency bounds the API requests one scrape has in flight.
	Concurrency int
	// ScrapeTimeout is how long a scrape may poll when Prometheus sends no
	// X-Prometheus-Scrape-Timeout-Seconds header.
	ScrapeTimeout time.Duration
	// UserAgent is sent with every API request.
	UserAgent string
	// Provider finds credentials for accounts without credentials in the
	// config (nil: the SDK's default chain).
	Provider huaweicloud.CredentialProvider
	// Transport sends the API requests (nil: a tuned clone of the default).
	Transport http.RoundTripper
	// ProbeShare is the share (0 to 1] of each account's requests per second
	// and of Concurrency that /probe requests may use together, so that a
	// flood of probes cannot take what /metrics needs (default
	// DefaultProbeShare).
	ProbeShare float64
	// ProbeKnownTasksOnly restricts /probe to configured and discovered
	// tasks.
	ProbeKnownTasksOnly bool
}

// DefaultProbeShare is the share of an account's API budget /probe
// requests may use when Options do not say.
const DefaultProbeShare = 0.5

// Exporter holds the accounts to poll and the exporter's own counters. It
// is safe for concurrent use: scrapes may overlap, and ApplyConfig swaps
// the accounts without disturbing a scrape under way.
type Exporter struct {
	opts     Options
	http     *http.Client
	accounts atomic.Pointer[[]*account]

	labels   labelIndex
	services []service
	own      ownDescs
	// writer writes the answers of /metrics and /probe from the task
	// metrics' families.
	writer *exposition.Writer
	// sharedPairs are the label pairs every scrape's tasks share.
	sharedPairs sharedPairs

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	requestSeries   requestSeriesCache // their children, for ObserveRequest
	taskErrors      *prometheus.CounterVec
	fieldErrors     *prometheus.CounterVec
	discoveryErrors *prometheus.CounterVec
	rejectedIDs     *prometheus.CounterVec // discovery.go

	// status is each task's last poll, for the status page (status.go).
	status statusBoard

	// lastTimeout is how long the last /metrics scrape polled (a
	// time.Duration; 0 before any): the budget's timeout (budget.go).
	lastTimeout atomic.Int64
	// lastScrape is what the last /metrics scrape measured, served again
	// on the exporter-metrics path; nil before any.
	lastScrape atomic.Pointer[scrapeMeasures]
}

// account is one configured account with its API client.
type account struct {
	name, region, projectID string
	config                  *config.Account // what it was built from; configs are not changed after loading
	client                  *huaweicloud.Client
	limiter                 *rate.Limiter // the client's: the account's API budget
	cache                   *sharedCache
	probeShare              *huaweicloud.Share // what /probe requests may use of the account's budget
	exporter                *Exporter          // for a service's own counting and logging
	watched                 []*watched         // one per service, in the order of Exporter.services
	// labelPair is the account's label pair, shared by the series of all
	// its tasks (so that sorting them compares pointers, not names).
	labelPair *dto.LabelPair
	labelName string // "account", what labelPair's Name points to
	// overBudget is whether its tasks needed more calls than its budget at
	// the last check (checkBudgets), so that going over is logged once.
	overBudget atomic.Bool
	// taskLabels are the account's task_labels (tasklabels.go); nil for
	// none. A reload that changes only them swaps them here and keeps
	// the account.
	taskLabels atomic.Pointer[taskLabels]
}

// New returns an Exporter with no accounts.
func New(opts Options) *Exporter {
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	opts.Concurrency = max(opts.Concurrency, 1)
	if opts.ScrapeTimeout <= 0 {
		opts.ScrapeTimeout = DefaultScrapeTimeout
	}
	if !(opts.ProbeShare > 0 && opts.ProbeShare <= 1) {
		opts.ProbeShare = DefaultProbeShare
	}
	if opts.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = opts.Concurrency
		t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		opts.Transport = t
	}
	ix := labelIndex{}
	e := &Exporter{
		opts:     opts,
		labels:   ix,
		http:     &http.Client{Transport: opts.Transport},
		services: newServices(ix),
		own:      newOwnDescs(ix),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_api_requests_total",
			Help: "Requests sent to the cloud APIs, by HTTP status code (\"error\" when no answer came back).",
		}, []string{"api", "operation", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "migration_exporter_api_request_duration_seconds",
			Help:    "Latency of requests to the cloud APIs.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"api", "operation"}),
		taskErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_task_errors_total",
			Help: "Task polls that failed, by reason; one per task and scrape at most.",
		}, []string{"api", "reason"}),
		fieldErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_field_decode_errors_total",
			Help: "API fields whose value was present but not a number or boolean; the series was omitted.",
		}, []string{"api", "field"}),
		discoveryErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_discovery_errors_total",
			Help: "Task list (discovery) calls that failed, by reason; the last good list stays in use.",
		}, []string{"api", "reason"}),
		rejectedIDs: newRejectedIDsCounter(),
	}
	var descs []*prometheus.Desc
	for _, svc := range e.services {
		descs = append(descs, svc.descs()...)
	}
	e.writer = exposition.NewWriter(taskFamilies(ix, descs), exposition.Options{Logger: opts.Logger})
	placeFamilies(ix, descs, e.writer)
	for _, svc := range e.services {
		for _, r := range huaweicloud.Reasons {
			e.taskErrors.WithLabelValues(svc.api(), r)
			e.discoveryErrors.WithLabelValues(svc.api(), r)
		}
		e.rejectedIDs.WithLabelValues(svc.api())
	}
	e.accounts.Store(&[]*account{})
	return e
}

// Collectors are the exporter's long-lived metrics, to register once.
func (e *Exporter) Collectors() []prometheus.Collector {
	return []prometheus.Collector{e.requests, e.requestDuration, e.taskErrors, e.fieldErrors, e.discoveryErrors, e.rejectedIDs, e.writer.Errors()}
}

// ObserveRequest implements huaweicloud.Observer.
func (e *Exporter) ObserveRequest(api, operation, code string, d time.Duration) {
	s := e.requestSeries.get(e, requestKey{api: api, operation: operation, code: code})
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}

// requestKey is the labels of one API request's series.
type requestKey struct{ api, operation, code string }

// requestSeries are the request counter's and histogram's children for one
// requestKey.
type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// requestSeriesCache holds the children ObserveRequest has used: it runs
// for every API call, and WithLabelValues hashes the label values and looks
// them up under the vector's lock each time (the vectors are never reset,
// so a child stays valid). There are few keys (api × operation × status),
// all known after the first scrape, so reads take the read lock only.
type requestSeriesCache struct {
	mu sync.RWMutex
	m  map[requestKey]requestSeries
}

// get returns k's children, made with WithLabelValues the first time.
func (c *requestSeriesCache) get(e *Exporter, k requestKey) requestSeries {
	c.mu.RLock()
	s, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = requestSeries{
		count:    e.requests.WithLabelValues(k.api, k.operation, k.code),
		duration: e.requestDuration.WithLabelValues(k.api, k.operation),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[requestKey]requestSeries{}
	}
	c.m[k] = s
	return s
}

// ApplyConfig makes cfg's accounts the ones scrapes poll. An account whose
// settings are deep-equal to those it was built from last time (name,
// region, credentials as read, endpoints, every service option) keeps its
// client and all its state: rate limiter and probe share, discovered
// lists, min_interval cache, DRS job list. Any other account gets a new
// client. So a reload, or a flood of them, cannot refill a rate limiter or
// make discovery list again unless the account changed. Task labels
// (task_labels) are no part of that comparison: a change of only them
// keeps the account and gives it the new labels. cfg must have its
// defaults applied (config.Load does); a config that is not valid, for
// example one built in code without defaults, is refused.
func (e *Exporter) ApplyConfig(cfg *config.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	old := make(map[string]*account)
	for _, a := range *e.accounts.Load() {
		old[a.name] = a
	}
	accounts := make([]*account, 0, len(cfg.Accounts))
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		if prev, ok := old[a.Name]; ok && sameButTaskLabels(prev.config, a) {
			prev.applyTaskLabels(a.TaskLabels)
			accounts = append(accounts, prev)
			continue
		}
		accounts = append(accounts, e.newAccount(a))
	}
	e.accounts.Store(&accounts)
	e.checkBudgets(accounts, true)
	return nil
}

func (e *Exporter) newAccount(a *config.Account) *account {
	endpoints := make(map[string]string, len(e.services))
	for _, svc := range e.services {
		endpoints[svc.api()] = svc.endpoint(a.Endpoints)
	}
	limiter := newLimiter(a.RequestsPerSecond)
	client := huaweicloud.NewClient(huaweicloud.Options{
		ProjectID:   a.ProjectID,
		Region:      a.Region,
		Endpoints:   endpoints,
		Credentials: staticCredentials(a.Credentials),
		Provider:    e.opts.Provider,
		HTTPClient:  e.http,
		Observer:    e,
		UserAgent:   e.opts.UserAgent,
		Limiter:     limiter,
	})
	acc := &account{name: a.Name, region: a.Region, projectID: a.ProjectID, config: a, client: client, limiter: limiter,
		cache: &sharedCache{}, exporter: e,
		probeShare: &huaweicloud.Share{
			Limiter: newLimiter(a.RequestsPerSecond * e.opts.ProbeShare),
			Slots:   make(chan struct{}, max(1, int(float64(e.opts.Concurrency)*e.opts.ProbeShare))),
		}}
	acc.labelName = "account"
	acc.taskLabels.Store(newTaskLabels(a.TaskLabels))
	acc.labelPair = &dto.LabelPair{Name: &acc.labelName, Value: &acc.name}
	for _, svc := range e.services {
		s := svc.settings(a)
		w := &watched{svc: svc, account: acc, taskIDs: s.TaskIDs, minInterval: s.MinInterval, verifyInterval: s.VerifyInterval,
			terminalInterval: s.TerminalInterval, maxStaleness: a.MaxStaleness}
		if st, ok := svc.(stateful); ok {
			w.state = st.newState(w, a)
		}
		if s.Discover {
			w.discovery = newDiscovery(s.DiscoveryInterval, func(ctx context.Context) ([]string, error) {
				return svc.listTaskIDs(ctx, w)
			}, taskIDRule(svc), w.reportRejected)
		}
		acc.watched = append(acc.watched, w)
	}
	return acc
}

// newLimiter paces requests at rps, with a burst of one second's worth.
func newLimiter(rps float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(rps), limiterBurst(rps))
}

// staticCredentials are the config's credentials, or nil for the provider
// chain.
func staticCredentials(c *config.Credentials) *huaweicloud.StaticCredentials {
	if c == nil {
		return nil
	}
	return &huaweicloud.StaticCredentials{
		AccessKey:     string(c.AccessKey),
		SecretKey:     string(c.SecretKey),
		SecurityToken: string(c.SecurityToken),
	}
}

// account returns the configured account called name.
func (e *Exporter) account(name string) (*account, bool) {
	for _, a := range *e.accounts.Load() {
		if a.name == name {
			return a, true
		}
	}
	return nil, false
}
