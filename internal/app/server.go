package app

import (
	"net/http"
	"time"
)

// The HTTP server's limits. They close idle and half-sent connections, so
// that neither idle keep-alive connections nor clients that stop in the
// middle of a request hold a goroutine (and a socket) for ever. None of them
// may cut a legitimate scrape short: a scrape polls for as long as the
// scraper's X-Prometheus-Scrape-Timeout-Seconds header allows (see
// collector.ScrapeTimeout, which accepts up to a day), or --scrape.timeout
// without the header.
const (
	// readHeaderTimeout bounds reading a request's line and headers, from
	// its first byte (or the connection's accept). Prometheus sends a few
	// hundred bytes at once; 10s is plenty even on a slow link.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds reading a whole request, body included. The
	// exporter takes no request bodies (GETs, and POST /-/reload ignores
	// its body), but without it a client that declares a body and sends
	// it slowly would hold the connection: after the handler the server
	// reads up to 256 KiB of an unread body with no other deadline. It does
	// not bound the handler: net/http clears the read deadline once the
	// request is read, so a long scrape is not cut.
	readTimeout = 30 * time.Second
	// idleTimeout closes a keep-alive connection that carries no request
	// for this long. Prometheus reuses its connection from one scrape to
	// the next, so it must outlast common scrape intervals (15s to 1m):
	// those scrapes keep reusing their connection. It is short enough that
	// hundreds of idle sockets (targets that moved, scrapers gone away) do
	// not pin goroutines for ever. It must be set: when it is zero net/http
	// uses readTimeout, and 30s would reconnect every 1m scrape.
	idleTimeout = 2 * time.Minute
	// maxHeaderBytes bounds a request's line and headers (net/http allows
	// 4 KiB more). Prometheus' are well under 1 KiB, a /probe query string
	// is a few hundred bytes, and 64 KiB leaves room for long bearer tokens
	// and browser cookies on the landing page, where net/http's default of
	// 1 MiB would let each half-sent connection buffer 1 MiB.
	maxHeaderBytes = 64 << 10
	// No WriteTimeout. net/http starts it when a request's headers are
	// read, so it bounds the handler's whole run, not just the writing: any
	// fixed value either cuts scrapes that Prometheus allows to run longer
	// (the scraper gets no answer) or is too long to matter. A client that
	// stops reading an answer is therefore not closed by a server timeout.
)

// ServerLimits are the HTTP server's timeouts and header limit. A zero
// field takes its production default (the constants above); the tests set
// short ones.
type ServerLimits struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
}

// newServer is the HTTP server of handler, with opts' limits.
func newServer(handler http.Handler, opts *Options) *http.Server {
	l := opts.Limits
	orDefault := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = maxHeaderBytes
	}
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: orDefault(l.ReadHeaderTimeout, readHeaderTimeout),
		ReadTimeout:       orDefault(l.ReadTimeout, readTimeout),
		IdleTimeout:       orDefault(l.IdleTimeout, idleTimeout),
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ConnState:         opts.ConnState,
	}
}
