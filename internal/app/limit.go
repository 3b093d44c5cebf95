package app

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// handlerMetrics are the series promhttp.InstrumentMetricHandler adds
// around a metrics handler, with its names, help and pre-set codes.
// InstrumentMetricHandler registers them with a registry, and the
// collector's handlers take collectors instead (each answer gathers them
// in a registry of its own), so they are made here and handed over with
// the other long-lived collectors (requests and inFlight).
type handlerMetrics struct {
	requests *prometheus.CounterVec
	inFlight prometheus.Gauge
}

func newHandlerMetrics() handlerMetrics {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "promhttp_metric_handler_requests_total",
		Help: "Total number of scrapes by HTTP status code.",
	}, []string{"code"})
	// The likely codes, as InstrumentMetricHandler sets them.
	for _, code := range []string{"200", "500", "503"} {
		requests.WithLabelValues(code)
	}
	return handlerMetrics{
		requests: requests,
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "promhttp_metric_handler_requests_in_flight",
			Help: "Current number of scrapes being served.",
		}),
	}
}

// instrument counts h's answers by status code and the requests it is
// serving, as InstrumentMetricHandler does.
func (m handlerMetrics) instrument(h http.Handler) http.Handler {
	return promhttp.InstrumentHandlerCounter(m.requests, promhttp.InstrumentHandlerInFlight(m.inFlight, h))
}

// limitInFlight lets h serve at most limit requests at once and answers
// the others at once with 503, as promhttp.HandlerOpts.MaxRequestsInFlight
// does (the same message). A limit of 0 (or less) is no limit.
func limitInFlight(limit int, h http.Handler) http.Handler {
	if limit <= 0 {
		return h
	}
	slots := make(chan struct{}, limit)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			http.Error(w, fmt.Sprintf("Limit of concurrent requests reached (%d), try again later.", limit), http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}
