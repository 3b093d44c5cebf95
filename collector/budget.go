package collector

import (
	"math"
	"slices"
	"time"

	"github.com/go-kit/log/level"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// An account's API budget: its tasks need so many calls a scrape (each
// service's callsPerScrape estimate for its configured and last discovered
// tasks), and its rate allows requests_per_second × the scrape timeout,
// plus the rate limiter's burst. When they need more, the tasks the
// scrape could not read are down with rate limit errors on every scrape:
// the exporter says so once, at start-up and on reload (and when
// discovery makes an account go over), and
// migration_exporter_api_budget_ratio shows it all the time.

// budget is one account's API budget for one scrape.
type budget struct {
	needed   float64       // calls its tasks need
	possible float64       // calls its rate allows within timeout
	rate     float64       // requests_per_second
	burst    int           // of its rate limiter
	timeout  time.Duration // how long a scrape polls
}

// ratio is calls needed per call possible: over 1, some tasks are not read.
func (b budget) ratio() float64 { return b.needed / b.possible }

// rateNeeded is the requests per second that would read every task within
// the timeout, rounded up to a whole number (the burst left out).
func (b budget) rateNeeded() float64 {
	return math.Ceil(b.needed / b.timeout.Seconds())
}

// timeoutNeeded is the scrape timeout that would read every task at the
// account's rate, rounded up to a whole second.
func (b budget) timeoutNeeded() time.Duration {
	return time.Duration(math.Ceil(max(0, b.needed-float64(b.burst))/b.rate)) * time.Second
}

// limiterBurst is the burst of an account's rate limiter at rps: one
// second's worth.
func limiterBurst(rps float64) int {
	return max(1, int(math.Ceil(rps)))
}

// budget is the account's budget for a scrape that polls for timeout,
// counting each service's configured tasks and those its last good
// discovery list gave (no list is made).
func (a *account) budget(timeout time.Duration) budget {
	b := budget{rate: a.config.RequestsPerSecond, burst: limiterBurst(a.config.RequestsPerSecond), timeout: timeout}
	for _, w := range a.watched {
		if n := len(w.knownTaskIDs()); n > 0 {
			b.needed += w.svc.callsPerScrape(w, n)
		}
	}
	b.possible = b.rate*timeout.Seconds() + float64(b.burst)
	return b
}

// knownTaskIDs are w's configured task ids and those of its last good
// discovery list, without listing.
func (w *watched) knownTaskIDs() []string {
	if w.discovery == nil {
		return w.taskIDs
	}
	discovered, _ := w.discovery.last()
	return merge(w.taskIDs, discovered)
}

// pollTimeout is how long a /metrics scrape polls: the last one's
// (Prometheus' timeout header), or Options.ScrapeTimeout before any.
func (e *Exporter) pollTimeout() time.Duration {
	if d := time.Duration(e.lastTimeout.Load()); d > 0 {
		return d
	}
	return e.opts.ScrapeTimeout
}

// checkBudgets logs a warning for each of accounts whose tasks need more
// calls than its budget allows: every such account when always is set (a
// config was applied), else only an account that was within its budget
// at the last check (discovery found more tasks), so that a scrape logs it
// once, not on every scrape.
func (e *Exporter) checkBudgets(accounts []*account, always bool) {
	timeout := e.pollTimeout()
	for _, a := range accounts {
		b := a.budget(timeout)
		if b.ratio() <= 1 {
			a.overBudget.Store(false)
			continue
		}
		if a.overBudget.Swap(true) && !always {
			continue
		}
		level.Warn(e.opts.Logger).Log("msg", "the account's tasks need more API calls per scrape than its rate allows within the scrape timeout: "+
			"the tasks a scrape cannot read are down (rate limit); raise requests_per_second or the scrape timeout (see docs/operations.md, Sizing)",
			"account", a.name, "calls_needed", b.needed, "calls_possible", b.possible,
			"requests_per_second", b.rate, "scrape_timeout", b.timeout,
			"requests_per_second_needed", b.rateNeeded(), "scrape_timeout_needed", b.timeoutNeeded())
	}
}

// callCount is the API calls one scrape made for one account and API.
type callCount struct {
	account, api string
	calls        int
}

// countCalls lists the calls the tally counted for each of ws' account and
// API, 0 for one that made none, each account and API once.
func countCalls(ws []*watched, tally *huaweicloud.Tally) []callCount {
	var counts []callCount
	for _, w := range ws {
		c := callCount{account: w.account.name, api: w.svc.api()}
		if slices.ContainsFunc(counts, func(o callCount) bool { return o.account == c.account && o.api == c.api }) {
			continue // OMS tasks and task groups are one API
		}
		c.calls = tally.Count(w.client(), c.api)
		counts = append(counts, c)
	}
	return counts
}
