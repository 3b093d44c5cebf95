package app

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
)

// handlerMetrics are promhttp.InstrumentMetricHandler's series: after the
// same answers both expose the same text.
func TestHandlerMetricsAreInstrumentMetricHandlers(t *testing.T) {
	codes := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
	})
	exposition := func(reg *prometheus.Registry, h http.Handler) string {
		for _, code := range []string{"200", "200", "503", "404", "200"} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/metrics?code="+code, nil))
		}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	theirs := prometheus.NewRegistry()
	want := exposition(theirs, promhttp.InstrumentMetricHandler(theirs, codes))

	m := newHandlerMetrics()
	ours := prometheus.NewRegistry()
	ours.MustRegister(m.requests, m.inFlight)
	if got := exposition(ours, m.instrument(codes)); got != want {
		t.Errorf("ours:\n%s\nInstrumentMetricHandler's:\n%s", got, want)
	}
}
