package app

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/version"
)

// --simulate listens on the loopback interface only, unless the listen
// address is given; without --simulate the default is every interface.
func TestSimulateListensOnLoopbackByDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{nil, []string{":9863"}},
		{[]string{"--simulate"}, []string{"127.0.0.1:9863"}},
		{[]string{"--simulate", "--web.listen-address=:9863"}, []string{":9863"}},
		{[]string{"--web.listen-address=:9999", "--simulate"}, []string{":9999"}},
		{[]string{"--simulate", "--web.listen-address=:1", "--web.listen-address=127.0.0.1:2"}, []string{":1", "127.0.0.1:2"}},
	} {
		var out bytes.Buffer
		f, err := parseFlags(c.args, &out, &out)
		if err != nil {
			t.Fatalf("%q: %v\n%s", c.args, err, &out)
		}
		if got := *f.web.WebListenAddresses; !slices.Equal(got, c.want) {
			t.Errorf("%q: listen on %q, want %q", c.args, got, c.want)
		}
	}
}

// The two metrics paths must differ and be paths; the lifecycle flag is
// off unless given.
func TestMetricsPathFlags(t *testing.T) {
	var out bytes.Buffer
	f, err := parseFlags(nil, &out, &out)
	if err != nil || f.exporterPath != "/exporter-metrics" || f.telemetryPath != "/metrics" || f.enableLifecycle {
		t.Errorf("defaults: %+v %v", f, err)
	}
	for _, args := range [][]string{
		{"--web.exporter-telemetry-path=/metrics"},
		{"--web.telemetry-path=/x", "--web.exporter-telemetry-path=/x"},
		{"--web.exporter-telemetry-path=exporter-metrics"},
	} {
		if _, err := parseFlags(args, &out, &out); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	var help bytes.Buffer
	Run(t.Context(), []string{"--help"}, &help, &help, nil)
	for _, flag := range []string{"web.enable-lifecycle", "--web.exporter-telemetry-path"} {
		if !strings.Contains(help.String(), flag) {
			t.Errorf("--help does not list %s", flag)
		}
	}
}

// --web.max-requests is node_exporter's flag: 40 unless given, 0 for no
// limit, never negative.
func TestMaxRequestsFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{{nil, 40}, {[]string{"--web.max-requests=0"}, 0}, {[]string{"--web.max-requests=3"}, 3}} {
		var out bytes.Buffer
		f, err := parseFlags(c.args, &out, &out)
		if err != nil || f.maxRequests != c.want {
			t.Errorf("%q: %+v %v, want %d", c.args, f, err, c.want)
		}
	}
	var out bytes.Buffer
	if _, err := parseFlags([]string{"--web.max-requests=-1"}, &out, &out); err == nil {
		t.Error("--web.max-requests=-1 accepted")
	}
	var help bytes.Buffer
	Run(t.Context(), []string{"--help"}, &help, &help, nil)
	if !strings.Contains(help.String(), "--web.max-requests=40") || !strings.Contains(help.String(), "Use 0 to disable.") {
		t.Errorf("--help does not show --web.max-requests with its default:\n%s", help.String())
	}
}

// --help-man's .TH header is one line with the bare version (kingpin
// writes the application's version there, and to os.Stdout), while
// --version prints version.Print's lines.
func TestManPageHeaderIsOneLine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	var discard bytes.Buffer
	_, err = parseFlags([]string{"--help-man"}, &discard, &discard)
	os.Stdout = stdout
	_ = w.Close()
	man, _ := io.ReadAll(r)
	if !errors.Is(err, errExited) {
		t.Fatalf("--help-man: %v", err)
	}
	first, _, _ := strings.Cut(string(man), "\n")
	if want := ".TH migration_exporter 1 " + version.Version + ` ""`; first != want {
		t.Errorf("man page header %q, want %q", first, want)
	}
	var out bytes.Buffer
	if _, err := parseFlags([]string{"--version"}, &out, &out); !errors.Is(err, errExited) {
		t.Fatalf("--version: %v", err)
	}
	if got := out.String(); got != version.Print(name)+"\n" {
		t.Errorf("--version printed %q, want version.Print's %q", got, version.Print(name))
	}
}
