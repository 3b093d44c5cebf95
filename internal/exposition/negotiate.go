package exposition

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/common/expfmt"
)

// negotiate is the format of an answer to a request with header h: the
// text or protobuf format promhttp negotiates by default, or OpenMetrics
// for a client that asks only for OpenMetrics (it names OpenMetrics, and
// neither the text format nor protobuf; a wildcard names neither). A
// Prometheus asking for OpenMetrics first but also for text gets text, as
// from promhttp without EnableOpenMetrics: the text answer is the one the
// writer streams in parts.
func negotiate(h http.Header) expfmt.Format {
	if openMetricsOnly(h.Get("Accept")) {
		return expfmt.NegotiateAccept(h, expfmt.DefaultOpenMetricsAcceptedFormats()...)
	}
	return expfmt.NegotiateAccept(h, expfmt.DefaultAcceptedFormats()...)
}

// openMetricsOnly reports whether an Accept header names OpenMetrics and
// no other exposition format. Clauses with q=0 and those that do not
// parse are left out.
func openMetricsOnly(accept string) bool {
	openMetrics := false
	for clause := range strings.SplitSeq(accept, ",") {
		media, params, err := mime.ParseMediaType(clause)
		if err != nil {
			continue
		}
		if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
			continue
		}
		switch media {
		case "application/openmetrics-text":
			openMetrics = true
		case "text/plain", "text/*", "application/vnd.google.protobuf":
			return false
		}
	}
	return openMetrics
}
