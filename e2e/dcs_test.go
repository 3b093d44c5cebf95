package e2e

import (
	"strings"
	"testing"
)

// The cut-over, scraped over HTTP from the simulator's task details: the IP
// switch's state set (known states, an unknown one as it comes, none when
// task_status is absent), the bandwidth limit in bytes per second, and
// resume_mode among the info labels. The status page keeps showing the
// task's status, not the switch's.
func TestEndToEndDCSCutOver(t *testing.T) {
	t.Parallel()
	sim := startSimulator(t, false)
	switched, switching, before := fixedTask("dcs-switched"), fixedTask("dcs-switching"), fixedTask("dcs-before")
	switched.IPSwitchStatus, switched.BandwidthLimitMB, switched.ResumeMode = "EXCHANGE_SUCCESS", "100", "auto"
	switching.IPSwitchStatus, switching.ResumeMode = "EXCHANGING", "manual"
	sim.AddDCSTask(switched)
	sim.AddDCSTask(switching)
	sim.AddDCSTask(before)
	exp := startExporter(t, "--config.file="+writeConfig(t, t.TempDir(), sim.URL, testSK, "dcs-switched", "dcs-switching", "dcs-before"))
	r := exp.scrape(t, nil)

	task := func(id string, labels ...string) []string {
		return append([]string{"account", "e2e", "task_id", id}, labels...)
	}
	r.Expect(t, 1, "dcs_migration_ip_switch_status", task("dcs-switched", "status", "EXCHANGE_SUCCESS")...)
	r.Expect(t, 0, "dcs_migration_ip_switch_status", task("dcs-switched", "status", "ROLLBACK_SUCCESS")...)
	r.Expect(t, 104857600, "dcs_migration_bandwidth_limit_bytes_per_second", task("dcs-switched")...)
	r.Expect(t, 1, "dcs_migration_task_info", task("dcs-switched", "resume_mode", "auto", "task_name", "cache-to-dcs")...)
	r.Expect(t, 1, "dcs_migration_task_status", task("dcs-switched", "status", "MIGRATING")...)

	r.Expect(t, 1, "dcs_migration_ip_switch_status", task("dcs-switching", "status", "EXCHANGING")...)
	r.Expect(t, 0, "dcs_migration_ip_switch_status", task("dcs-switching", "status", "EXCHANGE_SUCCESS")...)
	r.Expect(t, 0, "dcs_migration_ip_switch_status", task("dcs-switching", "status", "ROLLBACK_SUCCESS")...)
	if n := len(r.Series("dcs_migration_ip_switch_status", task("dcs-switching")...)); n != 3 {
		t.Errorf("the switching task's IP switch state set has %d series, want 3", n)
	}
	r.ExpectAbsent(t, "dcs_migration_bandwidth_limit_bytes_per_second", task("dcs-switching")...)
	r.Expect(t, 1, "dcs_migration_task_info", task("dcs-switching", "resume_mode", "manual")...)

	r.ExpectAbsent(t, "dcs_migration_ip_switch_status", task("dcs-before")...)
	r.ExpectAbsent(t, "dcs_migration_bandwidth_limit_bytes_per_second", task("dcs-before")...)
	r.Expect(t, 1, "dcs_migration_task_info", task("dcs-before", "resume_mode", "")...)
	r.Expect(t, 1, "dcs_migration_task_status", task("dcs-before", "status", "MIGRATING")...)

	rows := map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(get(t, exp.URL+"/").body, -1) {
		rows[m[2]] = m[3]
	}
	if row := rows["dcs-switched"]; !strings.Contains(row, "MIGRATING") || strings.Contains(row, "EXCHANGE_SUCCESS") {
		t.Errorf("the status page shows the switched task without its status MIGRATING, or with the switch's state: %s", row)
	}
}
