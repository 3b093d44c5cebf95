// Package schema renders the chart with each ci/*-values.yaml and decodes
// every object strictly into the official Kubernetes and Prometheus
// Operator Go types: an unknown field, a wrong type or an unparsable
// quantity fails. It also checks that the PrometheusRule holds exactly the
// repository's rules/ and the dashboard ConfigMaps exactly dashboards/.
//
// A module of its own, so that the exporter's go.mod does not grow by the
// Kubernetes API. .ci/run runs it with HELM set to the pinned helm.
package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

const (
	chartDir = "../.."
	repoDir  = "../../../.."
)

// types maps apiVersion/kind to a new value of its official Go type.
var types = map[string]func() any{
	"v1/ConfigMap":                                func() any { return &corev1.ConfigMap{} },
	"v1/Service":                                  func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                           func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment":                          func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                         func() any { return &appsv1.StatefulSet{} },
	"networking.k8s.io/v1/NetworkPolicy":          func() any { return &networkingv1.NetworkPolicy{} },
	"policy/v1/PodDisruptionBudget":               func() any { return &policyv1.PodDisruptionBudget{} },
	"monitoring.coreos.com/v1/ServiceMonitor":     func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule":     func() any { return &monitoringv1.PrometheusRule{} },
	"monitoring.coreos.com/v1alpha1/ScrapeConfig": func() any { return &monitoringv1alpha1.ScrapeConfig{} },
}

func helm(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("HELM"); h != "" {
		return h
	}
	h, err := exec.LookPath("helm")
	if err != nil {
		t.Fatal("no helm: set HELM or put helm on PATH (.ci/run installs the pinned one)")
	}
	return h
}

// object is one rendered manifest, decoded into its Go type.
type object struct {
	kind, name string
	value      any
}

// render runs helm template with a values file and decodes every document
// strictly.
func render(t *testing.T, valuesFile string) []object {
	t.Helper()
	cmd := exec.Command(helm(t), "template", "mx", chartDir, "--namespace", "monitoring", "--values", valuesFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm template -f %s: %v\n%s", valuesFile, err, stderr.String())
	}
	var objs []object
	// helm template separates the documents by a line "---".
	for text := range strings.SplitSeq("\n"+string(out), "\n---\n") {
		doc := []byte(text)
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("%s: %v", valuesFile, err)
		}
		if meta.Kind == "" {
			continue // an empty document
		}
		newType, ok := types[meta.APIVersion+"/"+meta.Kind]
		if !ok {
			t.Errorf("%s: %s %s: no Go type to check %s/%s against", valuesFile, meta.Kind, meta.Metadata.Name, meta.APIVersion, meta.Kind)
			continue
		}
		v := newType()
		if err := yaml.UnmarshalStrict(doc, v); err != nil {
			t.Errorf("%s: %s %s does not decode strictly: %v", valuesFile, meta.Kind, meta.Metadata.Name, err)
			continue
		}
		objs = append(objs, object{meta.Kind, meta.Metadata.Name, v})
	}
	return objs
}

func valuesFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*-values.yaml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("ci values files %v (%v), want at least 4", files, err)
	}
	return files
}

func kinds(objs []object) []string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, o.kind)
	}
	slices.Sort(ks)
	return ks
}

// Every object of every ci/*-values.yaml rendering decodes strictly into
// its official type, and each rendering has the kinds its values ask for.
func TestRenderingsDecodeStrictly(t *testing.T) {
	// A rendering with the dashboards has one ConfigMap per
	// dashboards/*.json besides the config's.
	dashboards, err := filepath.Glob("../../../../dashboards/*.json")
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("dashboards/*.json: %v %q", err, dashboards)
	}
	withDashboards := func(kinds ...string) []string {
		for range dashboards {
			kinds = append(kinds, "ConfigMap")
		}
		slices.Sort(kinds)
		return kinds
	}
	want := map[string][]string{
		"default-values.yaml":  {"ConfigMap", "Deployment", "Service", "ServiceAccount"},
		"operator-values.yaml": withDashboards("ConfigMap", "Deployment", "PrometheusRule", "Service", "ServiceAccount", "ServiceMonitor"),
		"sharded-values.yaml":  {"ConfigMap", "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule", "ScrapeConfig", "Service", "Service", "ServiceAccount", "ServiceMonitor", "StatefulSet"},
		"env-values.yaml":      withDashboards("ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"),
	}
	for _, f := range valuesFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			objs := render(t, f)
			w, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("no expected kinds for %s: add them here", f)
			}
			if got := kinds(objs); !slices.Equal(got, w) {
				t.Errorf("kinds %v, want %v", got, w)
			}
			for _, o := range objs {
				var pod *corev1.PodTemplateSpec
				switch v := o.value.(type) {
				case *appsv1.Deployment:
					pod = &v.Spec.Template
				case *appsv1.StatefulSet:
					pod = &v.Spec.Template
				}
				if pod != nil {
					checkPod(t, objs, pod)
				}
			}
		})
	}
}

// checkPod: the hardening the chart promises, the probes on the exporter's
// endpoints, and a checksum/config that is the sha256 of the config.
func checkPod(t *testing.T, objs []object, pod *corev1.PodTemplateSpec) {
	t.Helper()
	ps := pod.Spec.SecurityContext
	if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and seccomp RuntimeDefault", ps)
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container securityContext %+v: want a read-only root, no privilege escalation, all capabilities dropped", sc)
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/-/healthy" {
		t.Errorf("liveness probe %+v, want GET /-/healthy", c.LivenessProbe)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/-/ready" {
		t.Errorf("readiness probe %+v, want GET /-/ready", c.ReadinessProbe)
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().Cmp(*c.Resources.Requests.Memory()) < 0 {
		t.Errorf("resources %+v: want a memory request and a limit at least as large", c.Resources)
	}
	for _, o := range objs {
		cm, ok := o.value.(*corev1.ConfigMap)
		if !ok || cm.Data["migration_exporter.yml"] == "" {
			continue
		}
		sum := sha256.Sum256([]byte(cm.Data["migration_exporter.yml"]))
		if got, want := pod.Annotations["checksum/config"], hex.EncodeToString(sum[:]); got != want {
			t.Errorf("checksum/config %q, want %q (the sha256 of the ConfigMap's migration_exporter.yml)", got, want)
		}
		return
	}
	t.Error("no ConfigMap with migration_exporter.yml")
}

// The PrometheusRule holds exactly the groups of the repository's
// rules/*.rules.yml, decoded strictly into the Operator's type, so every
// field of every rule is one the Operator knows.
func TestPrometheusRuleIsTheShippedRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoDir, "rules", "*.rules.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("rules: %v %v", files, err)
	}
	var want monitoringv1.PrometheusRuleSpec
	for _, f := range files {
		shipped, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var spec monitoringv1.PrometheusRuleSpec
		if err := yaml.UnmarshalStrict(shipped, &spec); err != nil {
			t.Fatalf("%s does not decode strictly as a PrometheusRule spec: %v", f, err)
		}
		want.Groups = append(want.Groups, spec.Groups...)
	}
	if len(want.Groups) == 0 {
		t.Fatal("rules/*.rules.yml have no groups")
	}
	for _, o := range render(t, filepath.Join(chartDir, "ci", "operator-values.yaml")) {
		pr, ok := o.value.(*monitoringv1.PrometheusRule)
		if !ok {
			continue
		}
		if !reflect.DeepEqual(pr.Spec, want) {
			got, _ := yaml.Marshal(pr.Spec)
			shipped, _ := yaml.Marshal(want)
			t.Errorf("the chart's PrometheusRule differs from rules/*.rules.yml:\n%s", firstDifference(string(got), string(shipped)))
		}
		return
	}
	t.Fatal("operator-values.yaml renders no PrometheusRule")
}

// firstDifference shows the first line where got and want part.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n chart: " + g[i] + "\n rules: " + w[i]
		}
	}
	return "lengths " + strconv.Itoa(len(g)) + " and " + strconv.Itoa(len(w)) + " lines"
}

// One ConfigMap for each dashboards/*.json, holding the file byte for byte,
// with the Grafana sidecar's label.
func TestDashboardConfigMapsAreTheShippedDashboards(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoDir, "dashboards", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("dashboards: %v %v", files, err)
	}
	want := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want[filepath.Base(f)] = string(b)
	}
	got := map[string]string{}
	for _, o := range render(t, filepath.Join(chartDir, "ci", "operator-values.yaml")) {
		cm, ok := o.value.(*corev1.ConfigMap)
		if !ok || cm.Labels["grafana_dashboard"] == "" {
			continue
		}
		if cm.Labels["grafana_dashboard"] != "1" {
			t.Errorf("ConfigMap %s: grafana_dashboard %q, want \"1\"", cm.Name, cm.Labels["grafana_dashboard"])
		}
		for k, v := range cm.Data {
			got[k] = v
		}
	}
	if len(got) != len(want) {
		t.Errorf("dashboards in ConfigMaps %d, in dashboards/ %d", len(got), len(want))
	}
	for name, text := range want {
		if got[name] != text {
			t.Errorf("%s: the ConfigMap's text differs from dashboards/%s", name, name)
		}
	}
}

// helm package follows files/rules and files/dashboards, the links to the
// repository's rules/ and dashboards/: the packaged chart has the files
// themselves and none of their tests.
func TestPackagedChartHasRulesAndDashboards(t *testing.T) {
	dir := t.TempDir()
	out, err := exec.Command(helm(t), "package", chartDir, "--destination", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("helm package: %v\n%s", err, out)
	}
	tgz, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil || len(tgz) != 1 {
		t.Fatalf("packaged %v", tgz)
	}
	list, err := exec.Command("tar", "-tzf", tgz[0]).Output()
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(string(list))
	for _, want := range []string{
		"migration-exporter/files/rules/migration_exporter.rules.yml",
		"migration-exporter/files/dashboards/exporter-health.json",
		"migration-exporter/values.schema.json",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("the package lacks %s:\n%s", want, list)
		}
	}
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") || strings.HasSuffix(n, ".test.yml") || strings.Contains(n, "/tests/") {
			t.Errorf("the package holds %s, a test", n)
		}
	}
}

// examples/kubernetes, written by hand for kubectl apply, runs the pod as
// the chart does: the same container hardening, probes and memory.
func TestKubernetesExampleMatchesTheChart(t *testing.T) {
	example, err := os.ReadFile(filepath.Join(repoDir, "examples", "kubernetes", "migration-exporter.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var exampleDeploy *appsv1.Deployment
	for text := range strings.SplitSeq("\n"+string(example), "\n---\n") {
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(text), &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Kind == "Deployment" {
			exampleDeploy = &appsv1.Deployment{}
			if err := yaml.UnmarshalStrict([]byte(text), exampleDeploy); err != nil {
				t.Fatalf("the example's Deployment does not decode strictly: %v", err)
			}
		}
	}
	if exampleDeploy == nil {
		t.Fatal("examples/kubernetes has no Deployment")
	}
	var chartDeploy *appsv1.Deployment
	for _, o := range render(t, filepath.Join(chartDir, "ci", "default-values.yaml")) {
		if d, ok := o.value.(*appsv1.Deployment); ok {
			chartDeploy = d
		}
	}
	if chartDeploy == nil {
		t.Fatal("the chart renders no Deployment")
	}
	e, c := exampleDeploy.Spec.Template.Spec.Containers[0], chartDeploy.Spec.Template.Spec.Containers[0]
	e.SecurityContext.RunAsNonRoot = c.SecurityContext.RunAsNonRoot // the example sets it for the pod
	if !reflect.DeepEqual(e.SecurityContext, c.SecurityContext) {
		t.Errorf("container securityContext: example %v, chart %v", e.SecurityContext, c.SecurityContext)
	}
	if e.LivenessProbe.HTTPGet.Path != c.LivenessProbe.HTTPGet.Path || e.ReadinessProbe.HTTPGet.Path != c.ReadinessProbe.HTTPGet.Path {
		t.Errorf("probes: example %s %s, chart %s %s", e.LivenessProbe.HTTPGet.Path, e.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path)
	}
	for _, q := range []struct {
		name    string
		example corev1.ResourceList
		chart   corev1.ResourceList
	}{{"requests", e.Resources.Requests, c.Resources.Requests}, {"limits", e.Resources.Limits, c.Resources.Limits}} {
		if q.example.Memory().Cmp(*q.chart.Memory()) != 0 {
			t.Errorf("memory %s: example %s, chart %s", q.name, q.example.Memory(), q.chart.Memory())
		}
	}
	es, cs := exampleDeploy.Spec.Template.Spec.SecurityContext, chartDeploy.Spec.Template.Spec.SecurityContext
	if !reflect.DeepEqual(es.SeccompProfile, cs.SeccompProfile) || *es.RunAsUser != *cs.RunAsUser || !*es.RunAsNonRoot {
		t.Errorf("pod securityContext: example %v, chart %v", es, cs)
	}
}

// The chart refuses a credential written into values even when the schema
// is skipped, and says where it belongs.
func TestChartRefusesInlineCredentials(t *testing.T) {
	out, err := exec.Command(helm(t), "template", "mx", chartDir, "--skip-schema-validation",
		"--values", filepath.Join(chartDir, "ci", "default-values.yaml"),
		"--set", "config.accounts[0].name=prod,config.accounts[0].credentials.security_token=FQoGZXIvYXdzEXAMPLE").CombinedOutput()
	if err == nil {
		t.Fatal("helm template accepted an inline security_token")
	}
	want := "config.accounts[0].credentials.security_token: a credential is never put in values; put it in the Secret credentials.existingSecret names and set security_token_file"
	if !strings.Contains(string(out), want) {
		t.Errorf("helm template said:\n%s\nwant %q", out, want)
	}
	if strings.Contains(string(out), "FQoGZXIvYXdzEXAMPLE") {
		t.Error("the error repeats the credential")
	}
}
