package e2e

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/internal/scrapetest"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// taskLabelSeries lists a scrape's migration_task_labels series as
// "name=value,..." (labels sorted) with their value.
func taskLabelSeries(r scrapetest.Result) []string {
	var out []string
	for _, m := range r.Series("migration_task_labels") {
		var ls []string
		for _, p := range m.GetLabel() {
			ls = append(ls, p.GetName()+"="+p.GetValue())
		}
		slices.Sort(ls)
		v := "?"
		if m.GetGauge() != nil && m.GetGauge().GetValue() == 1 {
			v = "1"
		}
		out = append(out, strings.Join(ls, ",")+" "+v)
	}
	slices.Sort(out)
	return out
}

// task_labels give the tasks they select migration_task_labels, by id,
// id pattern, name glob (discovered SMS tasks) and name pattern, merged
// (the first entry wins per label), on /metrics and /probe; a down task
// selected by id has them too. Without task_labels the answer has the
// same families as before and no migration_task_labels.
func TestEndToEndTaskLabels(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	sim.AddDemoTasks()
	services := "    dcs:\n      task_ids: [" + strings.Join(simulator.DemoDCSTaskIDs(), ", ") + "]\n" +
		"    sms:\n      discover: true\n"
	labels := `    task_labels:
      - match: {api: sms, name: "web-*"}
        labels: {wave: "2", app: shop}
      - match: {id: ` + simulator.DemoDeletedDCSTask + `}
        labels: {wave: "1"}
      - match: {name_regex: "(cache|sessions)-to-dcs"}
        labels: {wave: "1", app: cache}
      - match: {id_regex: "7a3e2c9d-.*"}
        labels: {app: legacy}
      - match: {api: dcs, name: "*"}
        labels: {app: other, owner: ops}
`
	withLabels := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, services+labels))
	r := withLabels.scrape(t, nil)
	want := []string{
		"account=e2e,api=dcs,app=cache,owner=ops,task_id=31c6fd2b-2893-430b-90ff-d1adb8060585,wave=1 1",
		"account=e2e,api=dcs,app=cache,owner=ops,task_id=7f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b,wave=1 1",
		"account=e2e,api=dcs,app=other,owner=ops,task_id=a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9 1",
		"account=e2e,api=dcs,task_id=" + simulator.DemoDeletedDCSTask + ",wave=1 1", // down, so no name: its id selects it
		"account=e2e,api=sms,app=legacy,task_id=7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23 1",
		"account=e2e,api=sms,app=shop,task_id=5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01,wave=2 1",
	}
	if got := taskLabelSeries(r); !slices.Equal(got, want) {
		t.Errorf("migration_task_labels:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if !strings.Contains(r.Text, "# TYPE migration_task_labels gauge\n") {
		t.Error("migration_task_labels is not one gauge family")
	}

	// /probe: the probed task's series only.
	probe := get(t, probeURL(withLabels.URL, "e2e", "sms", "5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01")).body
	if want := `migration_task_labels{account="e2e",api="sms",app="shop",task_id="5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01",wave="2"} 1` + "\n"; !strings.Contains(probe, want) ||
		strings.Count(probe, "migration_task_labels{") != 1 {
		t.Errorf("probe answer does not have just %s:\n%s", want, probe)
	}

	without := startExporter(t, "--config.file="+writeAccountConfig(t, t.TempDir(), sim.URL, testSK, services))
	plain := without.scrape(t, nil)
	if _, ok := plain.Families["migration_task_labels"]; ok {
		t.Error("migration_task_labels without task_labels")
	}
	delete(r.Families, "migration_task_labels")
	if got, want := slices.Sorted(maps.Keys(plain.Families)), slices.Sorted(maps.Keys(r.Families)); !slices.Equal(got, want) {
		t.Errorf("families without task_labels:\n  %q\nwith them (but migration_task_labels):\n  %q", got, want)
	}
}

// --simulate puts its demo tasks into two waves: three in wave 1, seven
// in wave 2, the failed ones in none.
func TestEndToEndSimulateHasTwoWaves(t *testing.T) {
	t.Parallel()
	r := startExporter(t, "--simulate").scrape(t, nil)
	for wave, n := range map[string]int{"1": 3, "2": 7} {
		if got := len(r.Series("migration_task_labels", "account", "simulated", "wave", wave)); got != n {
			t.Errorf("wave %s has %d tasks, want %d", wave, got, n)
		}
	}
	r.ExpectAbsent(t, "migration_task_labels", "task_id", "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9") // queue-to-dcs, failed
}
