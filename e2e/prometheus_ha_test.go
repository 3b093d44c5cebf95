package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/simulator"
)

// promRule is a rule of /api/v1/rules.
type promRule struct {
	Name      string `json:"name"`
	Health    string `json:"health"` // ok, err or unknown (not evaluated yet)
	LastError string `json:"lastError"`
}

func (p promAPI) rules(ctx context.Context) ([]promRule, error) {
	var r struct {
		Data struct {
			Groups []struct {
				Rules []promRule `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	err := p.get(ctx, "/api/v1/rules", nil, &r)
	var out []promRule
	for _, g := range r.Data.Groups {
		out = append(out, g.Rules...)
	}
	return out, err
}

// An HA pair: two identical --simulate exporters in one scrape job, with
// the shipped rules. Every rule evaluates without an error (no "duplicate
// series for the match group"), the readiness and blocker series are
// there once per task, every task alert is there once per task (not once
// per exporter), and the readiness of the demo's two waves is recorded.
func TestRealPrometheusHAPair(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	prom := startPrometheusScraping(ctx, t, startExporter(t, "--simulate"), startExporter(t, "--simulate"))

	// The watched tasks with readiness: the DCS tasks, 4 SMS tasks, 7 DRS
	// jobs and the deleted one, 4 OMS tasks, 4 CDM jobs and the deleted one.
	tasks := len(simulator.DemoDCSTaskIDs()) + 4 + 8 + 4 + 5
	eventually(ctx, t, "the pair's series and the rules' results never arrived", func() error {
		for expr, want := range map[string]float64{
			`count(up{job="migration_exporter"} == 1)`:                                    2,
			`count(count by (instance) (dcs_migration_up))`:                               2,
			`count(task:migration_cutover_ready:bool)`:                                    float64(tasks),
			`count(group by (account, api, task_id) (task:migration_cutover_ready:bool))`: float64(tasks),
			// Once per task and reason: as many series as distinct ones.
			`count(task:migration_cutover_blocker) - count(group by (account, api, task_id, reason) (task:migration_cutover_blocker))`: 0,
			`count(task:migration_cutover_blocker{api="dcs",task_id="` + simulator.DemoDeletedDCSTask + `",reason="down"})`:            1,
			// Waves (demoWaves): wave 1 three tasks, wave 2 seven. Wave 2 is
			// not ready (web-01 was never checked, the deleted task is not
			// in it, db-02's check found differences); wave 1 is not ready
			// yet (DCS and DRS need 10 minutes caught up).
			`count(wave:migration_cutover_ready:min{account="simulated"})`:   2,
			`wave:migration_cutover_ready:min{account="simulated",wave="2"}`: 0,
		} {
			got, err := prom.query(ctx, expr)
			if err != nil {
				return err
			}
			switch {
			case len(got) == 0 && want == 0 && strings.HasPrefix(expr, "count("):
			case len(got) != 1:
				return fmt.Errorf("%s: %d series %v, want one", expr, len(got), got)
			case got[0].float(t) != want:
				return fmt.Errorf("%s = %v, want %v", expr, got[0].float(t), want)
			}
		}
		return nil
	})

	// The blockers of each wave, every one: the failed tasks are in no
	// wave, so no wave is blocked by "failed".
	eventually(ctx, t, "the waves' blockers", func() error {
		got, err := prom.query(ctx, `wave:migration_cutover_blocker:count`)
		if err != nil {
			return err
		}
		var blockers []string
		for _, s := range got {
			blockers = append(blockers, fmt.Sprintf("%s/%s/%s=%v", s.Metric["account"], s.Metric["wave"], s.Metric["reason"], s.float(t)))
		}
		slices.Sort(blockers)
		want := []string{
			// Wave 1: the DRS sync's delay has no 10 minutes of history,
			// the DCS task no 10 minutes in its incremental phase.
			"simulated/1/lag_high=1",
			"simulated/1/not_incremental=1",
			// Wave 2: photos-part-2 still copying; the DCS task, two DRS
			// jobs and web-01 not replicating changes (yet); db-02's check
			// found differences, before its last sync; web-01 never
			// checked, orders' and payments' rows never compared.
			"simulated/2/in_progress=1",
			"simulated/2/lag_high=1",
			"simulated/2/not_incremental=4",
			"simulated/2/verify_mismatch=1",
			"simulated/2/verify_missing=3",
			"simulated/2/verify_stale=1",
		}
		if !slices.Equal(blockers, want) {
			return fmt.Errorf("wave blockers:\n  %s\nwant:\n  %s", strings.Join(blockers, "\n  "), strings.Join(want, "\n  "))
		}
		return nil
	})

	// Every rule has been evaluated, none with an error.
	eventually(ctx, t, "the rules were never all evaluated", func() error {
		rs, err := prom.rules(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Health == "unknown" {
				return fmt.Errorf("rule %s not evaluated yet", r.Name)
			}
		}
		return nil
	})
	rs, err := prom.rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Health != "ok" || r.LastError != "" {
			t.Errorf("rule %s: health %s, error %q", r.Name, r.Health, r.LastError)
		}
	}

	// The task alerts (pending or firing): the ones a single exporter's
	// demo tasks raise at once, each once for the pair.
	want := map[string]bool{
		"MigrationTaskUnreachable/" + simulator.DemoDeletedDCSTask: true,
		"DCSMigrationFailed/a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9":  true,
		"SMSMigrationFailed/7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23":  true,
		"MigrationVerificationMismatch/" + smsDiffering:            true,
		"DRSReplicationDelayHigh/" + simulator.DemoClimbingDRSJob:  true,
	}
	eventually(ctx, t, "the task alerts never went pending", func() error {
		seen := map[string]int{}
		for _, a := range mustAlerts(ctx, t, prom) {
			if id := a.Labels["task_id"]; id != "" && a.State != "" {
				seen[a.Labels["alertname"]+"/"+id]++
			}
		}
		for k := range want {
			if seen[k] == 0 {
				return fmt.Errorf("no alert %s in %v", k, slices.Sorted(maps.Keys(seen)))
			}
		}
		var twice []string
		for k, n := range seen {
			if n != 1 {
				twice = append(twice, fmt.Sprintf("%s (%d)", k, n))
			}
		}
		if len(twice) > 0 {
			slices.Sort(twice)
			return fmt.Errorf("alerts there more than once for the pair, want once: %s", strings.Join(twice, ", "))
		}
		return nil
	})
}
