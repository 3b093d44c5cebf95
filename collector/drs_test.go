package collector

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// drsReader is a reader of job "t" that is up (its status and progress
// read), of use type useType, with the given monitor data (nil: not
// read, as for a job that is not incremental) and RPO/RTO entry (JSON;
// "" for none) or error.
func drsReader(t *testing.T, d *drs, useType string, monitor *string, monitorErr error, recovery string, recoveryErr error) *drsJob {
	t.Helper()
	decode := func(body string, out any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), out); err != nil {
			t.Fatal(err)
		}
	}
	r := &drsJob{d: d, id: "t", fetched: new(time.Time),
		status:   &drsAnswers[huaweicloud.DRSJobStatus]{got: map[string]huaweicloud.DRSJobStatus{"t": {Status: huaweicloud.DRSIncremental}}},
		progress: &drsAnswers[huaweicloud.DRSJobProgress]{got: map[string]huaweicloud.DRSJobProgress{"t": {}}},
		jobs:     &[]huaweicloud.DRSJob{{ID: "t", Name: "n", DBUseType: huaweicloud.Text(useType)}},
		recovery: &drsAnswers[huaweicloud.DRSRecovery]{}}
	if monitor != nil {
		r.monitored, r.monitorErr = true, monitorErr
		decode(*monitor, &r.monitor)
	}
	switch {
	case recoveryErr != nil:
		r.recovery.errs = map[string]error{"t": recoveryErr}
	case recovery != "":
		var rec huaweicloud.DRSRecovery
		decode(recovery, &rec)
		r.recovery.got = map[string]huaweicloud.DRSRecovery{"t": rec}
	}
	return r
}

// stageLines are the lines of the monitor and RPO/RTO families, in the
// registry's order (by name).
func stageLines(exposition string) string {
	var out []string
	for l := range strings.SplitSeq(exposition, "\n") {
		for _, p := range []string{"drs_migration_stage_delay", "drs_migration_endpoint_up", "drs_migration_apply_rows", "drs_migration_rpo", "drs_migration_rto"} {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}

// A job's stages, endpoints and apply rate from monitor-data (delays taken
// as ms; negative, null, missing or unreadable ones omitted, each field on
// its own), and a disaster-recovery job's RPO and RTO (ms strings). A job
// whose monitor data was not read (not incremental), or not a DR job, has
// none of those series; a failed read of either is the job's counted
// error while it stays up.
func TestDRSStagesAndRecoveryFromAnswers(t *testing.T) {
	documented := `{"src_delay":250,"dst_delay":"4500","is_src_normal":true,"is_dst_normal":"false","dst_rps":"850.5"}`
	for _, c := range []struct {
		name        string
		useType     string
		monitor     *string
		monitorErr  error
		recovery    string
		recoveryErr error
		want        string
		wantErr     bool
	}{
		{name: "documented", useType: "migration", monitor: &documented, want: `drs_migration_apply_rows_per_second{account=a,task_id=t} 850.5
drs_migration_endpoint_up{account=a,endpoint=source,task_id=t} 1
drs_migration_endpoint_up{account=a,endpoint=target,task_id=t} 0
drs_migration_stage_delay_seconds{account=a,stage=source,task_id=t} 0.25
drs_migration_stage_delay_seconds{account=a,stage=target,task_id=t} 4.5`},
		{name: "not incremental: not read", useType: "migration"},
		{name: "null and missing", useType: "migration", monitor: new(`{"src_delay":null,"dst_delay":"null","is_src_normal":null}`)},
		{name: "negative: not measured", useType: "migration", monitor: new(`{"src_delay":-1,"dst_delay":"-1","dst_rps":"0"}`),
			want: `drs_migration_apply_rows_per_second{account=a,task_id=t} 0`},
		{name: "a measured zero", useType: "migration", monitor: new(`{"src_delay":0,"dst_delay":"0"}`),
			want: "drs_migration_stage_delay_seconds{account=a,stage=source,task_id=t} 0\ndrs_migration_stage_delay_seconds{account=a,stage=target,task_id=t} 0"},
		{name: "strings that are not numbers", useType: "migration", monitor: new(`{"src_delay":"slow","dst_delay":7000,"is_src_normal":"maybe","is_dst_normal":1,"dst_rps":"many"}`),
			want: "drs_migration_endpoint_up{account=a,endpoint=target,task_id=t} 1\ndrs_migration_stage_delay_seconds{account=a,stage=target,task_id=t} 7"},
		{name: "monitor read failed", useType: "migration", monitor: new(`{}`), monitorErr: errors.New("boom"), wantErr: true},
		{name: "DR job", useType: "cloudDataGuard", monitor: new(`{"dst_delay":300}`),
			recovery: `{"job_id":"t","rpo_info":{"delay":"1200"},"rto_info":{"delay":"3500"}}`,
			want: `drs_migration_rpo_seconds{account=a,task_id=t} 1.2
drs_migration_rto_seconds{account=a,task_id=t} 3.5
drs_migration_stage_delay_seconds{account=a,stage=target,task_id=t} 0.3`},
		{name: "DR job, odd delays", useType: "cloudDataGuard",
			recovery: `{"job_id":"t","rpo_info":{"delay":"-1"},"rto_info":{"delay":"NA"}}`},
		{name: "DR job's own error", useType: "cloudDataGuard", recoveryErr: &huaweicloud.DRSJobError{Code: "DRS.M00202"}, wantErr: true},
		{name: "not a DR job: its RPO is not shown", useType: "sync",
			recovery: `{"job_id":"t","rpo_info":{"delay":"1200"},"rto_info":{"delay":"3500"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ix := labelIndex{}
			d := newDRS(ix)
			r := drsReader(t, d, c.useType, c.monitor, c.monitorErr, c.recovery, c.recoveryErr)
			var up bool
			var err error
			got := stageLines(collect(t, ix, d.descs(), func(m *emitter) { up, err = r.metrics(m) }))
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
			if !up || (err != nil) != c.wantErr {
				t.Errorf("up %v, error %v; want up, an error %v", up, err, c.wantErr)
			}
		})
	}
}

// The unit decision for monitor-data's delays: milliseconds.
func TestStageDelayUnitIsMilliseconds(t *testing.T) {
	if got := stageDelayUnit.apply(1500); got != 1.5 {
		t.Errorf("1500 -> %v, want 1.5", got)
	}
}

// Only the jobs of the batch that the job list names cloudDataGuard are
// asked for an RPO and RTO.
func TestRecoveryJobsAreTheBatchsDRJobs(t *testing.T) {
	jobs := []huaweicloud.DRSJob{{ID: "a", DBUseType: "migration"}, {ID: "b", DBUseType: "cloudDataGuard"},
		{ID: "c", DBUseType: "cloudDataGuard"}, {ID: "d", DBUseType: "sync"}}
	if got := strings.Join(recoveryJobs(jobs, []string{"a", "b", "d"}), ","); got != "b" {
		t.Errorf("%q, want b", got)
	}
	if got := recoveryJobs(jobs, []string{"x"}); got != nil {
		t.Errorf("%q, want none", got)
	}
}
