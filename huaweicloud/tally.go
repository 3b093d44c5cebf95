package huaweicloud

import (
	"context"
	"sync"
)

// Tally counts the requests sent with a context that carries it
// (WithTally), by client and API: the exporter's calls per scrape. Every
// request sent is counted, retries too (each one spends a token of the
// account's rate); a request the rate limiter turned away before sending is
// not.
type Tally struct {
	mu sync.Mutex
	n  map[TallyKey]int
}

// TallyKey is what a Tally counts by: the client that sent the requests
// and their API (APIDCS, APISMS, …).
type TallyKey struct {
	Client *Client
	API    string
}

type tallyKey struct{}

// WithTally returns ctx whose requests are counted in t.
func WithTally(ctx context.Context, t *Tally) context.Context {
	return context.WithValue(ctx, tallyKey{}, t)
}

// tally counts one request of c to api, when ctx carries a tally.
func (c *Client) tally(ctx context.Context, api string) {
	t, _ := ctx.Value(tallyKey{}).(*Tally)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = make(map[TallyKey]int)
	}
	t.n[TallyKey{Client: c, API: api}]++
}

// Count is how many requests c sent to api.
func (t *Tally) Count(c *Client, api string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n[TallyKey{Client: c, API: api}]
}
