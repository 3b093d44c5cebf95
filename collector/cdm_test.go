package collector

import (
	"testing"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

func TestReadinessCDM(t *testing.T) {
	d := newCDM(labelIndex{})
	run := func(incremental bool, skipped float64) []sample {
		return []sample{
			{desc: d.rows, labels: []string{"outcome", "read"}, v: 100},
			{desc: d.rows, labels: []string{"outcome", "skipped"}, v: skipped},
			{desc: d.incremental, v: boolFloat(incremental)},
		}
	}
	checkReadiness(t, d, []readinessCase{
		{name: "succeeded, nothing skipped: ready", status: TaskStatus{State: "SUCCEEDED"}, samples: run(false, 0)},
		{name: "incremental, nothing skipped: ready", status: TaskStatus{State: "RUNNING"}, samples: run(true, 0)},
		{name: "succeeded, no skipped count (not applicable): ready", status: TaskStatus{State: "SUCCEEDED"}},
		{name: "a full run still running", status: TaskStatus{State: "RUNNING"}, samples: run(false, 0),
			want: []Blocker{{"in_progress", "running, not incremental: not finished"}}},
		{name: "incremental with skipped rows", status: TaskStatus{State: "RUNNING"}, samples: run(true, 1234),
			want: []Blocker{{"skipped_rows", "1,234 rows skipped"}}},
		{name: "failed with a skipped row", status: TaskStatus{State: "FAILED"}, samples: run(false, 1),
			want: []Blocker{{"failed", "failed: FAILED"}, {"skipped_rows", "1 row skipped"}}},
		{name: "failed on submit", status: TaskStatus{State: "FAILURE_ON_SUBMIT"},
			want: []Blocker{{"failed", "failed: FAILURE_ON_SUBMIT"}}},
		{name: "never executed", status: TaskStatus{State: "NEVER_EXECUTED"},
			want: []Blocker{{"in_progress", "not finished (NEVER_EXECUTED)"}}},
		{name: "no run", status: TaskStatus{}, want: []Blocker{{"in_progress", "not finished (unknown)"}}},
		{name: "down", down: true, want: []Blocker{{"down", "the last poll failed"}}},
	})
}

func TestCDMClusterStatusNames(t *testing.T) {
	for code, want := range map[string]string{
		"100": "creating", "200": "normal", "300": "failed", "303": "create_failed", "500": "restarting",
		"800": "frozen", "900": "stopped", "910": "stopping", "920": "starting",
		"200.0": "normal", "700": "700", "Normal": "Normal", "": "",
	} {
		if got := cdmClusterStatus(huaweicloud.Text(code)); got != want {
			t.Errorf("%q: %q, want %q", code, got, want)
		}
	}
	if len(cdmClusterStatusNames) != len(cdmClusterStatuses) {
		t.Errorf("%d names for %d codes", len(cdmClusterStatusNames), len(cdmClusterStatuses))
	}
	for _, name := range cdmClusterStatusNames {
		found := false
		for _, n := range cdmClusterStatuses {
			found = found || n == name
		}
		if !found {
			t.Errorf("%s names no code", name)
		}
	}
}
