// Package collector polls the configured migration tasks on each scrape and
// turns what it learns into Prometheus const metrics.
package collector

import (
	"math"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// Options configure an Exporter.
type Options struct {
	Logger log.Logger
	// Concurrency bounds the API requests one scrape has in flight.
	Concurrency int
	// UserAgent is sent with every API request.
	UserAgent string
	// Provider finds credentials for accounts without credentials in the
	// config (nil: the SDK's default chain).
	Provider huaweicloud.CredentialProvider
	// Transport sends the API requests (nil: a tuned clone of the default).
	Transport http.RoundTripper
}

// Exporter holds the accounts to poll and the exporter's own counters. It
// is safe for concurrent use: scrapes may overlap, and ApplyConfig swaps
// the accounts without disturbing a scrape under way.
type Exporter struct {
	opts     Options
	http     *http.Client
	accounts atomic.Pointer[[]*account]

	labels     labelIndex
	dcs        dcsDescs
	sms        smsDescs
	accountInf *prometheus.Desc
	scrapeDur  *prometheus.Desc
	discovered *prometheus.Desc

	probeSuccess, probeDuration *prometheus.Desc

	requests    *prometheus.CounterVec
	reqDuration *prometheus.HistogramVec
	taskErrors  *prometheus.CounterVec
	fieldErrors *prometheus.CounterVec
	discErrors  *prometheus.CounterVec
}

// account is one configured account with its API client.
type account struct {
	name, region, projectID string
	client                  *huaweicloud.Client
	calls                   *calls
	dcs, sms                service
}

// service is what an account polls of one service.
type service struct {
	taskIDs     []string
	discovery   *discovery // nil without discover: true
	minInterval time.Duration
}

// New returns an Exporter with no accounts.
func New(opts Options) *Exporter {
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = opts.Concurrency
		t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		opts.Transport = t
	}
	ix := labelIndex{}
	e := &Exporter{
		opts:          opts,
		labels:        ix,
		http:          &http.Client{Transport: opts.Transport},
		dcs:           newDCSDescs(ix),
		sms:           newSMSDescs(ix),
		probeSuccess:  ix.desc("probe_success", "1 if the probed task was read, else 0."),
		probeDuration: ix.desc("probe_duration_seconds", "How long the probe took."),
		discovered:    ix.desc("migration_exporter_discovered_tasks", "Tasks found by the last good discovery list.", "account", "api"),
		accountInf:    ix.desc("migration_exporter_account_info", "Configured accounts; always 1.", "account", "cloud_region", "project_id"),
		scrapeDur:     ix.desc("migration_exporter_scrape_duration_seconds", "Time this scrape spent polling the migration APIs."),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_api_requests_total",
			Help: "Requests sent to the cloud APIs, by HTTP status code (\"error\" when no answer came back).",
		}, []string{"api", "operation", "code"}),
		reqDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
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
		discErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "migration_exporter_discovery_errors_total",
			Help: "Task list (discovery) calls that failed, by reason; the last good list stays in use.",
		}, []string{"api", "reason"}),
	}
	for _, api := range []string{huaweicloud.APIDCS, huaweicloud.APISMS} {
		for _, r := range huaweicloud.Reasons {
			e.taskErrors.WithLabelValues(api, r)
			e.discErrors.WithLabelValues(api, r)
		}
	}
	e.accounts.Store(&[]*account{})
	return e
}

// Collectors are the exporter's long-lived metrics, to register once.
func (e *Exporter) Collectors() []prometheus.Collector {
	return []prometheus.Collector{e.requests, e.reqDuration, e.taskErrors, e.fieldErrors, e.discErrors}
}

// ObserveRequest implements huaweicloud.Observer.
func (e *Exporter) ObserveRequest(api, operation, code string, d time.Duration) {
	e.requests.WithLabelValues(api, operation, code).Inc()
	e.reqDuration.WithLabelValues(api, operation).Observe(d.Seconds())
}

// ApplyConfig builds a client per account and makes them the ones scrapes
// poll. It cannot fail for a validated config; the error is for the holder.
func (e *Exporter) ApplyConfig(cfg *config.Config) error {
	accounts := make([]*account, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		client := huaweicloud.NewClient(e.clientOptions(a))
		acc := &account{name: a.Name, region: a.Region, projectID: a.ProjectID, client: client, calls: &calls{},
			dcs: service{taskIDs: a.DCS.TaskIDs, minInterval: a.DCS.MinInterval},
			sms: service{taskIDs: a.SMS.TaskIDs, minInterval: a.SMS.MinInterval}}
		if a.DCS.Discover {
			acc.dcs.discovery = newDiscovery(a.DCS.DiscoveryInterval, client.DCSMigrationTaskIDs)
		}
		if a.SMS.Discover {
			acc.sms.discovery = newDiscovery(a.SMS.DiscoveryInterval, client.SMSTaskIDs)
		}
		accounts = append(accounts, acc)
	}
	e.accounts.Store(&accounts)
	return nil
}

func (e *Exporter) clientOptions(a config.Account) huaweicloud.Options {
	o := huaweicloud.Options{
		ProjectID:   a.ProjectID,
		DCSEndpoint: a.Endpoints.DCS,
		SMSEndpoint: a.Endpoints.SMS,
		Provider:    e.opts.Provider,
		HTTPClient:  e.http,
		Observer:    e,
		UserAgent:   e.opts.UserAgent,
		Limiter:     newLimiter(a.RequestsPerSecond),
	}
	if o.DCSEndpoint == "" {
		o.DCSEndpoint = huaweicloud.DefaultDCSEndpoint(a.Region)
	}
	if o.SMSEndpoint == "" {
		o.SMSEndpoint = huaweicloud.DefaultSMSEndpoint(a.Region)
	}
	if c := a.Credentials; c != nil {
		o.Credentials = &huaweicloud.StaticCredentials{
			AccessKey:     string(c.AccessKey),
			SecretKey:     string(c.SecretKey),
			SecurityToken: string(c.SecurityToken),
		}
	}
	return o
}

// newLimiter paces an account's requests at rps (the config's default when
// 0), with a burst of one second's worth.
func newLimiter(rps float64) *rate.Limiter {
	if rps <= 0 {
		rps = config.DefaultRequestsPerSecond
	}
	return rate.NewLimiter(rate.Limit(rps), max(1, int(math.Ceil(rps))))
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
