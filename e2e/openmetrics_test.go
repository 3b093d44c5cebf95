package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// A client that asks only for OpenMetrics gets OpenMetrics from /metrics
// and /probe (counters' families without _total, # EOF at the end); one
// that also names the text format, as Prometheus does, gets text.
func TestOpenMetricsOnlyWhenAskedOnly(t *testing.T) {
	t.Parallel()
	sim := startDCS(t, "31c6fd2b-2893-430b-90ff-d1adb8060585")
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, "31c6fd2b-2893-430b-90ff-d1adb8060585"))
	fetch := func(url, accept string) (string, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", url, resp.StatusCode, err)
		}
		return resp.Header.Get("Content-Type"), string(b)
	}
	const onlyOM = "application/openmetrics-text;version=1.0.0,*/*;q=0.1"
	const prometheus3 = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"
	for _, url := range []string{exp.URL + "/metrics", probeURL(exp.URL, "e2e", "dcs", "31c6fd2b-2893-430b-90ff-d1adb8060585")} {
		ct, body := fetch(url, onlyOM)
		if !strings.HasPrefix(ct, "application/openmetrics-text; version=1.0.0") || !strings.HasSuffix(body, "\n# EOF\n") {
			t.Errorf("%s, OpenMetrics only: Content-Type %q, the answer ends %q; want OpenMetrics 1.0.0 ending in # EOF", url, ct, body[max(0, len(body)-40):])
		}
		if !strings.Contains(body, "\n# TYPE dcs_migration_up gauge\n") {
			t.Errorf("%s, OpenMetrics only: no dcs_migration_up family in\n%s", url, body)
		}
		ct, body = fetch(url, prometheus3)
		if !strings.HasPrefix(ct, "text/plain; version=0.0.4") || strings.Contains(body, "# EOF") {
			t.Errorf("%s, OpenMetrics and text: Content-Type %q; want the text format", url, ct)
		}
	}
	_, body := fetch(exp.URL+"/metrics", onlyOM)
	if !strings.Contains(body, "\n# TYPE migration_exporter_api_requests counter\n") {
		t.Errorf("the counter family is not named as OpenMetrics names it (without _total):\n%s", body)
	}
}
