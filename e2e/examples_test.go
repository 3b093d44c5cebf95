package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/internal/testenv"
)

// The example config loads with the real loader.
func TestExampleConfigLoads(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "migration_exporter.yml"), []byte(readRepo(t, "examples/migration_exporter.yml")), 0o600); err != nil {
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
	dec := yaml.NewDecoder(bytes.NewReader([]byte(readRepo(t, "examples/kubernetes/migration-exporter.yaml"))))
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
// examples/prometheus.yml is checked as shipped, in place: its rule path
// is relative to it (../rules/), so the command the README gives works in
// the repository. prometheus-sharded.yml names the installed path, which
// is replaced by the repository's rule file.
func TestExamplePrometheusConfigs(t *testing.T) {
	t.Parallel()
	promtool := testenv.RequireBinary(t, "promtool")
	check := exec.Command(promtool, "check", "config", "examples/prometheus.yml")
	check.Dir = root
	out, err := check.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check config examples/prometheus.yml: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Checking rules/migration_exporter.rules.yml") {
		t.Errorf("promtool check config examples/prometheus.yml did not check the shipped rule file:\n%s", out)
	}
	if strings.Contains(strings.ToLower(string(out)), "warn") {
		t.Errorf("promtool check config examples/prometheus.yml printed warnings:\n%s", out)
	}

	rules, err := filepath.Abs(repoPath("rules/migration_exporter.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, example := range []string{"examples/prometheus-sharded.yml"} {
		cfg := strings.Replace(readRepo(t, example), "/etc/prometheus/rules/migration_exporter.rules.yml", rules, 1)
		path := filepath.Join(t.TempDir(), "prometheus.yml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check config %s: %v\n%s", example, err, out)
		}
	}
}

// rulesExporterJobRE finds the scrape job name the exporter alerts select.
var rulesExporterJobRE = regexp.MustCompile(`\bup\{job="([^"]*)"\}`)

// rulesProbeJobRE finds the /probe scrape job name MigrationProbeFailing
// selects.
var rulesProbeJobRE = regexp.MustCompile(`\bprobe_success\{job="([^"]*)"\}`)

// The sharded example scrapes /probe with the job name MigrationProbeFailing
// selects; otherwise the alert never fires.
func TestExampleProbeJobMatchesRules(t *testing.T) {
	var names []string
	for _, m := range rulesProbeJobRE.FindAllStringSubmatch(readRepo(t, "rules/migration_exporter.rules.yml"), -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	if len(names) != 1 {
		t.Fatalf("rules select probe_success{job=...} with %v, want one job name", names)
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName     string `yaml:"job_name"`
			MetricsPath string `yaml:"metrics_path"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(readRepo(t, "examples/prometheus-sharded.yml")), &cfg); err != nil {
		t.Fatal(err)
	}
	var probeJobs []string
	for _, sc := range cfg.ScrapeConfigs {
		if sc.MetricsPath == "/probe" {
			probeJobs = append(probeJobs, sc.JobName)
		}
	}
	if !slices.Equal(probeJobs, names) {
		t.Errorf("examples/prometheus-sharded.yml scrapes /probe with jobs %v, want %q as the rules' probe_success{job=%q}", probeJobs, names[0], names[0])
	}
}

// rulesExporterJob is the scrape job name of the shipped rules'
// MigrationExporterDown and MigrationExporterAbsent (one name for all).
func rulesExporterJob(t *testing.T) string {
	t.Helper()
	jobs := map[string]bool{}
	rules := readRepo(t, "rules/migration_exporter.rules.yml")
	for _, m := range rulesExporterJobRE.FindAllStringSubmatch(rules, -1) {
		jobs[m[1]] = true
	}
	for _, m := range rulesProbeJobRE.FindAllStringSubmatch(rules, -1) {
		delete(jobs, m[1]) // the probe job's up (MigrationProbeFailing)
	}
	if len(jobs) != 1 {
		t.Fatalf("rules select up{job=...} with %v, want exactly one job name", jobs)
	}
	for j := range jobs {
		return j
	}
	return ""
}

// The example scrape configs and the ServiceMonitor give the exporter the
// job name that the exporter alerts select; otherwise MigrationExporterAbsent
// fires for ever and MigrationExporterDown never.
func TestExampleScrapeJobMatchesRules(t *testing.T) {
	job := rulesExporterJob(t)
	for _, example := range []string{"examples/prometheus.yml", "examples/prometheus-sharded.yml"} {
		var cfg struct {
			ScrapeConfigs []struct {
				JobName string `yaml:"job_name"`
			} `yaml:"scrape_configs"`
		}
		if err := yaml.Unmarshal([]byte(readRepo(t, example)), &cfg); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, sc := range cfg.ScrapeConfigs {
			names = append(names, sc.JobName)
		}
		if !slices.Contains(names, job) {
			t.Errorf("%s scrape jobs %v, want one named %q as the rules' up{job=%q}", example, names, job, job)
		}
	}

	sm := kubernetesDocs(t)["ServiceMonitor"]
	setsJob := false
	for _, ep := range sliceAt(sm, "spec", "endpoints") {
		for _, rl := range sliceAt(ep, "relabelings") {
			if stringAt(rl, "targetLabel") == "job" && stringAt(rl, "replacement") == job {
				setsJob = true
			}
		}
	}
	if !setsJob {
		t.Errorf("the ServiceMonitor does not set job to %q with a relabeling (the Operator would name the job after the Service)", job)
	}
}

// kubernetesDocs decodes examples/kubernetes/migration-exporter.yaml by kind.
func kubernetesDocs(t *testing.T) map[string]any {
	t.Helper()
	docs := map[string]any{}
	dec := yaml.NewDecoder(strings.NewReader(readRepo(t, "examples/kubernetes/migration-exporter.yaml")))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		docs[stringAt(doc, "kind")] = doc
	}
	return docs
}

// valueAt follows map keys from v; nil where one is missing.
func valueAt(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func stringAt(v any, keys ...string) string {
	s, _ := valueAt(v, keys...).(string)
	return s
}

func sliceAt(v any, keys ...string) []any {
	s, _ := valueAt(v, keys...).([]any)
	return s
}

// docSection is the text of the section titled heading of the repository's
// markdown file doc (up to the next heading of the same or a higher level).
func docSection(t *testing.T, doc, heading string) string {
	t.Helper()
	readme := readRepo(t, doc)
	start := strings.Index(readme, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("%s has no %q section", doc, heading)
	}
	rest := readme[start+len(heading)+2:]
	if end := regexp.MustCompile(`(?m)^#{1,3} `).FindStringIndex(rest); end != nil {
		rest = rest[:end[0]]
	}
	return rest
}

// readmeDockerBuildRE is README "Deploying"'s `docker build` command, with
// its continuation lines joined.
var readmeDockerBuildRE = regexp.MustCompile(`docker build ([^\n]*)`)

// The Kubernetes example runs the image README "Deploying" builds, with the
// version it stamps; it has memory requests and limits; its pod template
// carries the checksum of the ConfigMap's config, so a config change rolls
// the pods; and the ServiceMonitor carries the label kube-prometheus-stack
// selects on.
func TestKubernetesDeployment(t *testing.T) {
	deploying := strings.ReplaceAll(docSection(t, "docs/operations.md", "### Deploying"), "\\\n", " ")
	m := readmeDockerBuildRE.FindStringSubmatch(deploying)
	if m == nil {
		t.Fatal(`docs/operations.md "Deploying" has no docker build command`)
	}
	args := strings.Fields(m[1])
	var image, version string
	for i, a := range args {
		switch {
		case a == "-t" && i+1 < len(args):
			image = args[i+1]
		case strings.HasPrefix(a, "VERSION="):
			version = strings.TrimPrefix(a, "VERSION=")
		}
	}
	if image == "" || version == "" {
		t.Fatalf("README docker build %q: want -t IMAGE and --build-arg VERSION=...", m[1])
	}
	if !strings.HasSuffix(image, ":"+version) {
		t.Errorf("README builds %s with VERSION=%s: tag and version differ", image, version)
	}
	if !strings.Contains(deploying, "docker push "+image) {
		t.Errorf("README \"Deploying\" does not push %s, which the cluster pulls", image)
	}

	docs := kubernetesDocs(t)
	deploy := docs["Deployment"]
	containers := sliceAt(deploy, "spec", "template", "spec", "containers")
	if len(containers) != 1 {
		t.Fatalf("Deployment has %d containers, want 1", len(containers))
	}
	c := containers[0]
	if got := stringAt(c, "image"); got != image {
		t.Errorf("Deployment image %q, README builds %q", got, image)
	}
	for _, k := range []string{"requests", "limits"} {
		q := stringAt(c, "resources", k, "memory")
		if q == "" {
			t.Errorf("Deployment has no memory %s", k)
			continue
		}
		if !regexp.MustCompile(`^[0-9]+Mi$`).MatchString(q) {
			t.Errorf("memory %s %q, want a figure in Mi", k, q)
		}
	}
	mi := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(stringAt(c, "resources", k, "memory"), "Mi"))
		return n
	}
	// docs/performance.md: 1,000 SMS tasks in one scrape peak at 51.6 MiB.
	if mi("requests") < 52 || mi("limits") < mi("requests") {
		t.Errorf("memory request %dMi, limit %dMi: want the request at least the 52 MiB peak of 1,000 tasks (docs/performance.md) and the limit at least the request", mi("requests"), mi("limits"))
	}
	if manifest := readRepo(t, "examples/kubernetes/migration-exporter.yaml"); !strings.Contains(manifest, "docs/performance.md") {
		t.Error("the manifest does not say which docs/performance.md figure its memory sizing comes from")
	}

	config := stringAt(docs["ConfigMap"], "data", "migration_exporter.yml")
	sum := sha256.Sum256([]byte(config))
	if got, want := stringAt(deploy, "spec", "template", "metadata", "annotations", "checksum/config"), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("pod template annotation checksum/config %q, want %q, the sha256 of the ConfigMap's migration_exporter.yml", got, want)
	}

	sm := docs["ServiceMonitor"]
	if stringAt(sm, "metadata", "labels", "release") == "" {
		t.Error("the ServiceMonitor has no release label, which kube-prometheus-stack's serviceMonitorSelector needs")
	}
	if manifest := readRepo(t, "examples/kubernetes/migration-exporter.yaml"); !strings.Contains(manifest, "serviceMonitorSelector") {
		t.Error("the manifest does not explain the release label (serviceMonitorSelector)")
	}
}

// Every FROM names a fully qualified image (registry/namespace/name), so
// podman and buildah build the Dockerfile without a docker.io default; the
// version stamp has no hard-coded value; every build argument the README
// passes is one the Dockerfile declares.
func TestDockerfile(t *testing.T) {
	dockerfile := readRepo(t, "Dockerfile")
	stages := map[string]bool{}
	argDefaults := map[string]bool{}
	froms := 0
	for line := range strings.SplitSeq(dockerfile, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "ARG":
			name, _, hasDefault := strings.Cut(fields[1], "=")
			argDefaults[name] = hasDefault
		case "FROM":
			froms++
			image := fields[1]
			if len(fields) >= 4 && strings.EqualFold(fields[2], "AS") {
				stages[fields[3]] = true
			}
			if stages[image] && !strings.Contains(image, "/") {
				continue // an earlier stage
			}
			registry, rest, ok := strings.Cut(image, "/")
			if !ok || !strings.ContainsAny(registry, ".:") && registry != "localhost" || !strings.Contains(rest, "/") && registry == "docker.io" {
				t.Errorf("FROM %s is not fully qualified (registry/namespace/name, e.g. docker.io/library/golang)", image)
			}
		}
	}
	if froms == 0 {
		t.Fatal("Dockerfile has no FROM")
	}
	for _, m := range regexp.MustCompile(`-X \S+\.(\w+)=(\S+)`).FindAllStringSubmatch(dockerfile, -1) {
		if !regexp.MustCompile(`^"?\$\{\w+\}"?$`).MatchString(m[2]) {
			t.Errorf("version stamp %s=%s is hard-coded; pass it as a build ARG", m[1], m[2])
		}
	}
	for _, m := range regexp.MustCompile(`\$\{(\w+)\}`).FindAllStringSubmatch(dockerfile, -1) {
		if hasDefault, ok := argDefaults[m[1]]; !ok || !hasDefault {
			t.Errorf("Dockerfile uses ${%s} without an ARG %s=default", m[1], m[1])
		}
	}
	for _, m := range regexp.MustCompile(`--build-arg (\w+)=`).FindAllStringSubmatch(docSection(t, "docs/operations.md", "### Deploying"), -1) {
		if _, ok := argDefaults[m[1]]; !ok {
			t.Errorf("README passes --build-arg %s, which the Dockerfile does not declare", m[1])
		}
	}
}

const systemdUnit = "examples/systemd/migration_exporter.service"

// systemdDirectives gives the unit's Key=value lines of section, with
// continuation lines joined.
func systemdDirectives(t *testing.T, section string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	current := ""
	text := strings.ReplaceAll(readRepo(t, systemdUnit), "\\\n", " ")
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "", strings.HasPrefix(line, "#"), strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			current = strings.Trim(line, "[]")
		case current == section:
			k, v, _ := strings.Cut(line, "=")
			out[k] = append(out[k], v)
		}
	}
	return out
}

// The unit starts on a fresh host: it runs as a dynamic user, so it names
// no user that nothing creates, and it hands the secret key over as a
// credential, at the path the example config documents.
func TestSystemdUnit(t *testing.T) {
	svc := systemdDirectives(t, "Service")
	if got := svc["DynamicUser"]; len(got) != 1 || got[0] != "yes" {
		t.Errorf("DynamicUser %q, want yes", got)
	}
	if u, g := svc["User"], svc["Group"]; (len(u) > 0 || len(g) > 0) && !slices.Equal(svc["DynamicUser"], []string{"yes"}) {
		t.Errorf("User=%q Group=%q without DynamicUser=yes: nothing creates that account", u, g)
	}
	var creds []string
	for _, c := range svc["LoadCredential"] {
		name, _, _ := strings.Cut(c, ":")
		creds = append(creds, name)
	}
	if !slices.Contains(creds, "hwc_sk") {
		t.Errorf("LoadCredential %q, want hwc_sk", svc["LoadCredential"])
	}
}

// The config the systemd unit installs reads the secret key from the
// credential the unit loads, not from the root-only file the dynamic user
// cannot read, and is otherwise the example config.
func TestSystemdConfigReadsTheCredential(t *testing.T) {
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "hwc_sk"), []byte("credential-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() // no hwc_sk beside the config
	path := filepath.Join(dir, "migration_exporter.yml")
	unitConfig := readRepo(t, "examples/systemd/migration_exporter.yml")
	if err := os.WriteFile(path, []byte(unitConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HWC_AK", "EXAMPLEAK")
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(cfg.Accounts[0].Credentials.SecretKey); got != "credential-secret" {
		t.Errorf("secret key %q, want the credential's", got)
	}
	settings := func(text string) []string {
		var out []string
		for l := range strings.SplitSeq(text, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "secret_key_file:") {
				out = append(out, l)
			}
		}
		return out
	}
	if a, b := settings(unitConfig), settings(readRepo(t, "examples/migration_exporter.yml")); !slices.Equal(a, b) {
		t.Errorf("examples/systemd/migration_exporter.yml differs from examples/migration_exporter.yml beyond secret_key_file:\n%q\n%q", a, b)
	}
}

// systemd-analyze verify accepts the unit without a warning. The binary it
// starts is replaced by a stub, as verify checks that it exists. .ci/run
// does not install systemd-analyze (Debian's systemd package), so the test
// skips without it, in CI too.
func TestSystemdAnalyzeVerify(t *testing.T) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (Debian package systemd); .ci/run does not install it, so this is skipped there too")
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "migration_exporter")
	if err := os.WriteFile(stub, []byte("#!/bin/sh\n"), 0o700); err != nil { //nolint:gosec // an executable stub
		t.Fatal(err)
	}
	unit := readRepo(t, systemdUnit)
	if !strings.Contains(unit, "ExecStart=/usr/local/bin/migration_exporter ") {
		t.Fatalf("%s: ExecStart does not start /usr/local/bin/migration_exporter", systemdUnit)
	}
	path := filepath.Join(dir, "migration_exporter.service")
	if err := os.WriteFile(path, []byte(strings.Replace(unit, "/usr/local/bin/migration_exporter", stub, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", systemdUnit, err, out)
	}
}

// The Kubernetes example's sizing comment names the task count the docs
// size the same memory request and limit for.
func TestKubernetesExampleSizingMatchesTheReadme(t *testing.T) {
	sized := regexp.MustCompile(`(?i)sized for up to ([0-9,]+) tasks`)
	example := sized.FindStringSubmatch(readRepo(t, "examples/kubernetes/migration-exporter.yaml"))
	readme := sized.FindStringSubmatch(readRepo(t, "README.md") + readRepo(t, "docs/operations.md"))
	if example == nil || readme == nil {
		t.Fatalf("no \"sized for up to N tasks\" in the Kubernetes example (%q) or the README (%q)", example, readme)
	}
	if example[1] != readme[1] {
		t.Errorf("the Kubernetes example is sized for %s tasks, the README says %s", example[1], readme[1])
	}
}
