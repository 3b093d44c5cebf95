// Package testenv finds the external tools the tests use.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

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
