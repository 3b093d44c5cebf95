package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/app"
)

// runOnce runs the program with args until it exits (it must not start
// serving) and returns its exit code and stderr.
func runOnce(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := app.Run(ctx, args, &stdout, &stderr, nil)
	return code, stderr.String()
}

func TestMissingConfigFileSuggestsTheFlags(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "migration_exporter.yml")
	code, stderr := runOnce(t, "--config.file="+missing)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	line := regexp.MustCompile(`(?m)^level=error .*msg=exiting .*$`).FindString(stderr)
	for _, want := range []string{missing, "no such file", "--config.file", "--simulate"} {
		if !strings.Contains(line, want) {
			t.Errorf("exiting line does not say %q:\n%s", want, stderr)
		}
	}
}

func TestConfigProblemsArePrintedOnePerLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "migration_exporter.yml")
	bad := "accounts:\n  - name: a\n    region: cn-north-4\n    project_id: p\n    regoin: x\n    foo: 1\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runOnce(t, "--config.file="+path)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	want := "migration_exporter: config problems:\n" +
		path + `:5: accounts[0].regoin: unknown field (did you mean "region"?)` + "\n" +
		path + ":6: accounts[0].foo: unknown field"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr does not list the problems one per line:\n%s\nwant:\n%s", stderr, want)
	}
	exiting := regexp.MustCompile(`(?m)^level=error .*msg=exiting .*$`).FindString(stderr)
	if exiting == "" || strings.Contains(exiting, `\n`) || !strings.Contains(exiting, "2 problem") {
		t.Errorf("want a logfmt exiting line that counts the problems, without escaped newlines:\n%s", stderr)
	}
	if strings.Index(stderr, "config problems:") > strings.Index(stderr, "msg=exiting") {
		t.Errorf("problems come after the exiting line:\n%s", stderr)
	}
}

// The "loaded config" line's caller is where the program logs it, not a
// logging wrapper.
func TestLoadedConfigCallerIsTheProgram(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, taskA))
	line := regexp.MustCompile(`(?m)^.*msg="loaded config".*$`).FindString(exp.Logs.String())
	if !regexp.MustCompile(`\bcaller=app\.go:\d+ `).MatchString(line) {
		t.Errorf("loaded config line's caller is not internal/app/app.go: %q", line)
	}
}
