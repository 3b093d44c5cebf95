package collector

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// The cut-over's series come from the task details: the IP switch's state
// from the top-level task_status (never taken for the task's status), the
// bandwidth limit from the MB/s string bandwidth_limit_mb, and resume_mode
// as an info label.
func TestDCSCutOverFromTheDetails(t *testing.T) {
	const info = "dcs_migration_task_info{account=a,migration_method=m,migration_type=o,resume_mode=%s,source_instance=,target_instance=,task_id=t,task_name=n} 1"
	cases := []struct {
		name, details string
		want          []string // every series but up's, the info's and the task status's zeros, in order
	}{{
		name:    "switched",
		details: `{"task_name":"n","migration_type":"o","migration_method":"m","status":"INCRMIGRATING","task_status":"EXCHANGE_SUCCESS","bandwidth_limit_mb":"100","resume_mode":"auto"}`,
		want: []string{
			"dcs_migration_bandwidth_limit_bytes_per_second{account=a,task_id=t} 1.048576e+08",
			"dcs_migration_ip_switch_status{account=a,status=EXCHANGE_SUCCESS,task_id=t} 1",
			"dcs_migration_ip_switch_status{account=a,status=ROLLBACK_SUCCESS,task_id=t} 0",
			strings.Replace(info, "%s", "auto", 1),
			"dcs_migration_task_status{account=a,status=INCRMIGRATING,task_id=t} 1",
		},
	}, {
		name:    "rolled back, limit as a number",
		details: `{"task_name":"n","migration_type":"o","migration_method":"m","status":"MIGRATING","task_status":"ROLLBACK_SUCCESS","bandwidth_limit_mb":1.5,"resume_mode":"manual"}`,
		want: []string{
			"dcs_migration_bandwidth_limit_bytes_per_second{account=a,task_id=t} 1.572864e+06",
			"dcs_migration_ip_switch_status{account=a,status=EXCHANGE_SUCCESS,task_id=t} 0",
			"dcs_migration_ip_switch_status{account=a,status=ROLLBACK_SUCCESS,task_id=t} 1",
			strings.Replace(info, "%s", "manual", 1),
			"dcs_migration_task_status{account=a,status=MIGRATING,task_id=t} 1",
		},
	}, {
		// An unknown switch state is exported as it comes; with no
		// status the task has no status series (task_status is not it).
		name:    "switching, no status",
		details: `{"task_name":"n","migration_type":"o","migration_method":"m","task_status":"EXCHANGING","bandwidth_limit_mb":"fast"}`,
		want: []string{
			"dcs_migration_ip_switch_status{account=a,status=EXCHANGE_SUCCESS,task_id=t} 0",
			"dcs_migration_ip_switch_status{account=a,status=EXCHANGING,task_id=t} 1",
			"dcs_migration_ip_switch_status{account=a,status=ROLLBACK_SUCCESS,task_id=t} 0",
			strings.Replace(info, "%s", "", 1),
		},
	}, {
		name:    "before any switch",
		details: `{"task_name":"n","migration_type":"o","migration_method":"m","status":"MIGRATING","task_status":"","bandwidth_limit_mb":null}`,
		want: []string{
			strings.Replace(info, "%s", "", 1),
			"dcs_migration_task_status{account=a,status=MIGRATING,task_id=t} 1",
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := labelIndex{}
			d := newDCS(ix)
			var task huaweicloud.DCSTask
			if err := json.Unmarshal([]byte(c.details), &task); err != nil {
				t.Fatal(err)
			}
			got := collect(t, ix, d.descs(), func(m *emitter) {
				if _, err := (&dcsTask{d: d, task: task}).metrics(m); err != nil {
					t.Error(err)
				}
			})
			var lines []string
			for l := range strings.SplitSeq(strings.TrimSpace(got), "\n") {
				statusZero := strings.HasPrefix(l, "dcs_migration_task_status") && strings.HasSuffix(l, " 0")
				if !strings.HasPrefix(l, "dcs_migration_up") && !statusZero {
					lines = append(lines, l)
				}
			}
			if g, w := strings.Join(lines, "\n"), strings.Join(c.want, "\n"); g != w {
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}
