package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/internal/testenv"
)

// The example config loads with the real loader.
func TestExampleConfigLoads(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "migration_exporter.yml"), []byte(mustRead(t, "examples/migration_exporter.yml")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hwc_sk"), []byte("example-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HWC_AK", "EXAMPLEAK")
	cfg, err := config.Load(filepath.Join(dir, "migration_exporter.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Accounts[0]; string(a.Credentials.SecretKey) != "example-secret" || !a.SMS.Discover {
		t.Errorf("example config loaded as %+v", a)
	}
}

// The Kubernetes manifests are valid YAML documents of the expected kinds,
// and the config in the ConfigMap loads with the real loader.
func TestKubernetesExample(t *testing.T) {
	dec := yaml.NewDecoder(bytes.NewReader([]byte(mustRead(t, "examples/kubernetes/migration-exporter.yaml"))))
	var kinds []string
	var embedded string
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, doc.Kind)
		if doc.Kind == "ConfigMap" {
			embedded = doc.Data["migration_exporter.yml"]
		}
	}
	if got := strings.Join(kinds, ","); got != "Secret,ConfigMap,Deployment,Service,ServiceMonitor" {
		t.Errorf("kinds %s", got)
	}
	secret := filepath.Join(t.TempDir(), "secret_key")
	if err := os.WriteFile(secret, []byte("k8s-secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HWC_AK", "EXAMPLEAK")
	embedded = strings.Replace(embedded, "/run/secrets/migration-exporter/secret_key", secret, 1)
	if _, err := config.Parse("configmap", []byte(embedded)); err != nil {
		t.Errorf("ConfigMap config: %v", err)
	}
}

// promtool accepts the example Prometheus configs with the shipped rules.
func TestExamplePrometheusConfigs(t *testing.T) {
	t.Parallel()
	promtool := testenv.RequireBinary(t, "promtool")
	rules, err := filepath.Abs("rules/migration_exporter.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, example := range []string{"examples/prometheus.yml", "examples/prometheus-sharded.yml"} {
		cfg := strings.Replace(mustRead(t, example), "/etc/prometheus/rules/migration_exporter.rules.yml", rules, 1)
		path := filepath.Join(t.TempDir(), "prometheus.yml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check config %s: %v\n%s", example, err, out)
		}
	}
}
