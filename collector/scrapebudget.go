package collector

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/go-kit/log/level"
)

// scrapeBudget is one account's API budget in one /metrics scrape: the
// calls its rate limit can start before the scrape's deadline, and the
// calls the scrape planned. When it plans more than it can start, the
// budget is short: the answers that change slowly (fetchSlow) are served
// from the last good one, however old, instead of being read again, so
// that the calls go to the tasks' own answers; the tasks are read least
// recently read first (pollTasks) and the ones left over are served from
// memory or down (build).
type scrapeBudget struct {
	possible float64
	planned  atomic.Int64
}

// budgetsKey is the context key of a scrape's budgets.
type budgetsKey struct{}

// withBudgets returns ctx carrying a budget for each of accounts, from
// each one's rate limiter: the tokens it holds at now plus its rate times
// the time left until ctx's deadline. Without a deadline there is no
// budget to run out of.
func withBudgets(ctx context.Context, accounts []*account, now time.Time) context.Context {
	deadline, ok := ctx.Deadline()
	if !ok {
		return ctx
	}
	budgets := make(map[*account]*scrapeBudget, len(accounts))
	for _, a := range accounts {
		lim := a.limiter
		budgets[a] = &scrapeBudget{possible: lim.TokensAt(now) + float64(lim.Limit())*deadline.Sub(now).Seconds()}
	}
	return context.WithValue(ctx, budgetsKey{}, budgets)
}

// budgetOf is a's budget in the scrape of ctx; nil when it has none (a
// probe, which draws on the probes' share of the budget, or a scrape
// without a deadline).
func budgetOf(ctx context.Context, a *account) *scrapeBudget {
	budgets, _ := ctx.Value(budgetsKey{}).(map[*account]*scrapeBudget)
	return budgets[a]
}

// plan counts n more calls planned.
func (b *scrapeBudget) plan(n int) {
	if b != nil {
		b.planned.Add(int64(n))
	}
}

// tight reports whether the scrape planned more than half the calls the
// budget can start: the answers of active tasks are kept for the next
// scrapes then (taskMemory), to serve should one run short. A probe (no
// budget) keeps none.
func (b *scrapeBudget) tight() bool {
	return b != nil && 2*float64(b.planned.Load()) > b.possible
}

// short reports whether the scrape planned more calls than the budget
// can start.
func (b *scrapeBudget) short() bool {
	return b != nil && float64(b.planned.Load()) > b.possible
}

// apiCount is a count of tasks of one api.
type apiCount struct {
	api   string
	count int
}

// shortfall counts how the scrape served the tasks of ws (its answer,
// tasks): it logs one warning per account whose budget left tasks
// unread, with the counts (tasks due, read, served stale, down), and
// returns the stale tasks by api, for every api watched.
func (e *Exporter) shortfall(ws []*watched, tasks [][]polledTask) []apiCount {
	type counts struct{ due, stale, down int }
	byAccount := map[*account]*counts{}
	var accounts []*account // in the order of ws
	var stale []apiCount
	for k, w := range ws {
		c := byAccount[w.account]
		if c == nil {
			c = &counts{}
			byAccount[w.account] = c
			accounts = append(accounts, w.account)
		}
		api := w.svc.api()
		i := slices.IndexFunc(stale, func(n apiCount) bool { return n.api == api })
		if i < 0 {
			i = len(stale)
			stale = append(stale, apiCount{api: api})
		}
		for j := range tasks[k] {
			switch tasks[k][j].served {
			case servedTerminal:
				continue
			case servedStale:
				c.stale++
				stale[i].count++
			case servedThrottled:
				c.down++
			}
			c.due++
		}
	}
	for _, a := range accounts {
		c := byAccount[a]
		if c.stale+c.down == 0 {
			continue
		}
		level.Warn(e.opts.Logger).Log("msg", "the account's API budget ran out before every due task was read: the least recently read went first",
			"account", a.name, "requests_per_second", float64(a.limiter.Limit()), "tasks_due", c.due, "read", c.due-c.stale-c.down,
			"served_stale", c.stale, "down_throttled", c.down)
	}
	return stale
}
