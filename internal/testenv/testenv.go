// Package testenv finds the external tools the tests use.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Prometheus3Env names the directory holding Prometheus 3's prometheus
// and promtool binaries (.ci/run builds them from the module proxy and
// sets it). Debian's prometheus package gives 2.42 on the PATH.
const Prometheus3Env = "MIGRATION_EXPORTER_PROMETHEUS3"

// RequireBinary returns the path of a tool that .ci/run installs from
// Debian (prometheus and promtool from the prometheus package, chromium).
// Without it the test fails when CI is set, and is skipped elsewhere with
// a hint.
func RequireBinary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs it from Debian", name)
	}
	t.Skipf("%s not installed (.ci/run installs it: apt-get install prometheus chromium)", name)
	return ""
}

// Tool is one version of a Prometheus binary.
type Tool struct {
	Version string // "2" (Debian's, on the PATH) or "3" (Prometheus3Env's)
	Path    string
}

// Prometheus3 returns Prometheus 3's binary name (prometheus or promtool)
// from the directory Prometheus3Env names. Without it the test fails when
// CI is set, and is skipped elsewhere with a hint.
func Prometheus3(t testing.TB, name string) Tool {
	t.Helper()
	if tool, ok := prometheus3(name); ok {
		return tool
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("Prometheus 3's %s is not there: .ci/run builds it and sets %s", name, Prometheus3Env)
	}
	t.Skipf("Prometheus 3's %s not found: set %s to a directory holding it (.ci/run shows how to build it)", name, Prometheus3Env)
	return Tool{}
}

func prometheus3(name string) (Tool, bool) {
	dir := os.Getenv(Prometheus3Env)
	if dir == "" {
		return Tool{}, false
	}
	path := filepath.Join(dir, name)
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		return Tool{}, false
	}
	return Tool{Version: "3", Path: path}, true
}

// Promtools returns every promtool the rule tests run under: Debian's
// 2.42 and Prometheus 3's (each required in CI, skipped elsewhere when
// missing, with at least one required).
func Promtools(t testing.TB) []Tool {
	t.Helper()
	var out []Tool
	if path, err := exec.LookPath("promtool"); err == nil {
		out = append(out, Tool{Version: "2", Path: path})
	} else if os.Getenv("CI") != "" {
		t.Fatal("promtool is not installed; .ci/run installs it from Debian")
	}
	if tool, ok := prometheus3("promtool"); ok {
		out = append(out, tool)
	} else if os.Getenv("CI") != "" {
		t.Fatalf("Prometheus 3's promtool is not there: .ci/run builds it and sets %s", Prometheus3Env)
	}
	if len(out) == 0 {
		t.Skipf("no promtool (.ci/run installs Debian's 2.42 and builds 3.x into %s)", Prometheus3Env)
	}
	return out
}

// PrometheusServer returns the Prometheus server the end-to-end tests run:
// Prometheus 3 when Prometheus3Env has it (always in CI), else Debian's.
func PrometheusServer(t testing.TB) Tool {
	t.Helper()
	if tool, ok := prometheus3("prometheus"); ok {
		return tool
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("Prometheus 3 is not there: .ci/run builds it and sets %s", Prometheus3Env)
	}
	return Tool{Version: "2", Path: RequireBinary(t, "prometheus")}
}
