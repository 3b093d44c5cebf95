package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/migration-exporter/migration_exporter/config"
)

// chartCredentials is the chart's credentials.mountPath default, where the
// ci values' configs point their *_file paths.
const chartCredentials = "/etc/migration_exporter/credentials/"

// The config the Helm chart renders from each of its ci/*-values.yaml loads
// with the real loader, with the Secret's files and the environment the
// chart gives the pod. helm is the one .ci/run pins ($HELM or on PATH).
func TestHelmChartConfigsLoad(t *testing.T) {
	helm := os.Getenv("HELM")
	if helm == "" {
		var err error
		if helm, err = exec.LookPath("helm"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("helm is not installed; .ci/run builds the pinned one and sets HELM")
			}
			t.Skip("helm not installed (.ci/run builds the pinned one and sets HELM)")
		}
	}
	files, err := filepath.Glob(repoPath("charts/migration-exporter/ci/*-values.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("chart ci values: %v %v", files, err)
	}
	secrets := t.TempDir()
	for _, name := range []string{"access_key", "secret_key", "security_token"} {
		if err := os.WriteFile(filepath.Join(secrets, name), []byte("chart-"+name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HWC_AK", "chart-env-ak")
	t.Setenv("HWC_SK", "chart-env-sk")
	for _, f := range files {
		out, err := exec.Command(helm, "template", "mx", repoPath("charts/migration-exporter"),
			"--values", f, "--show-only", "templates/configmap.yaml").Output()
		if err != nil {
			t.Fatalf("helm template --values %s: %v", f, err)
		}
		var cm struct {
			Data map[string]string `yaml:"data"`
		}
		if err := yaml.Unmarshal(out, &cm); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		text := cm.Data["migration_exporter.yml"]
		if !strings.Contains(text, "accounts:") {
			t.Fatalf("%s: ConfigMap config %q", f, text)
		}
		cfg, err := config.Parse(filepath.Base(f), []byte(strings.ReplaceAll(text, chartCredentials, secrets+"/")))
		if err != nil {
			t.Errorf("%s: the chart's config does not load: %v", filepath.Base(f), err)
			continue
		}
		for _, a := range cfg.Accounts {
			if !strings.HasPrefix(string(a.Credentials.SecretKey), "chart-") {
				t.Errorf("%s: account %s has no secret key from the Secret or the environment", filepath.Base(f), a.Name)
			}
		}
	}
}
