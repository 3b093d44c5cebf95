package collector

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TimeoutMargin is kept free before Prometheus' scrape timeout, for
// encoding and sending the answer.
const TimeoutMargin = 500 * time.Millisecond

// ScrapeTimeout is how long a scrape may poll: Prometheus' timeout from the
// X-Prometheus-Scrape-Timeout-Seconds header less TimeoutMargin (but at
// least half of it), or fallback when the header is absent or unusable.
func ScrapeTimeout(h http.Header, fallback time.Duration) time.Duration {
	secs, err := strconv.ParseFloat(h.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || secs <= 0 || secs > 24*3600 {
		return fallback
	}
	d := time.Duration(secs * float64(time.Second))
	return max(d-TimeoutMargin, d/2)
}

// MetricsHandler serves /metrics: the long-lived metrics of gatherer plus
// one fresh poll of every task, bounded by the scrape's deadline.
func (e *Exporter) MetricsHandler(gatherer prometheus.Gatherer, fallbackTimeout time.Duration, logger log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, fallbackTimeout))
		defer cancel()
		reg := prometheus.NewRegistry()
		reg.MustRegister(e.ScrapeCollector(ctx))
		// The scrape's registry goes first: polling updates the request and
		// error counters, which must show this scrape's requests.
		promhttp.HandlerFor(prometheus.Gatherers{reg, gatherer}, promhttp.HandlerOpts{
			ErrorLog:      promLogger{logger},
			ErrorHandling: promhttp.ContinueOnError,
		}).ServeHTTP(w, r)
	})
}

// promLogger adapts go-kit's logger to promhttp's.
type promLogger struct{ logger log.Logger }

func (l promLogger) Println(v ...interface{}) {
	level.Error(l.logger).Log("msg", "serving metrics", "err", v)
}
