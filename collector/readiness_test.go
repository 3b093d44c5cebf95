package collector

import (
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// now is when the readiness tests judge.
var readinessNow = time.Unix(1_795_500_000, 0)

// sample is one synthetic sample of a task: its Desc (nil when the judge
// matches by name), metric name, extra labels and value.
type sample struct {
	desc   *prometheus.Desc
	name   string
	labels []string // name, value, …
	v      float64
}

// noted is the readiness j notes from samples.
func noted(j judge, samples ...sample) readiness {
	var r readiness
	for _, s := range samples {
		pairs := []*dto.LabelPair{{Name: new("account"), Value: new("a")}, {Name: new("task_id"), Value: new("t")}}
		for i := 0; i+1 < len(s.labels); i += 2 {
			pairs = append(pairs, &dto.LabelPair{Name: new(s.labels[i]), Value: new(s.labels[i+1])})
		}
		j.noteReadiness(&r, s.desc, s.name, pairs, s.v)
	}
	return r
}

// readinessCase is a task's status and samples, and what the page says.
type readinessCase struct {
	name         string
	status       TaskStatus // Up is set unless down is true
	down         bool
	samples      []sample
	want         []Blocker
	verification string
	// shown, when set, is the page's lag and health words
	// (TaskStatus.LagWords, then each Health as text, with a ! when bad).
	shown []string
}

// shown is what the page shows of s's lag and health.
func shown(s *TaskStatus) []string {
	out := []string{s.LagWords()}
	for _, h := range s.Health() {
		if h.Bad {
			h.Text += "!"
		}
		out = append(out, h.Text)
	}
	return out
}

func checkReadiness(t *testing.T, j judge, cases []readinessCase) {
	t.Helper()
	for _, c := range cases {
		s := c.status
		s.Up = !c.down
		s.ready = noted(j, c.samples...)
		// Through the board, as the page gets it: what the record keeps is
		// what is judged.
		var b statusBoard
		s.Module, s.Account, s.ID, s.Read = "m", "a", "t", readinessNow
		b.record(s)
		got, _ := b.snapshot(readinessNow)
		if len(got) != 1 {
			t.Fatalf("%s: %d records", c.name, len(got))
		}
		got[0].judged(j, readinessNow)
		if !got[0].Judged || !reflect.DeepEqual(got[0].Blockers, c.want) || got[0].Verification != c.verification {
			t.Errorf("%s:\n got %q, %q\nwant %q, %q", c.name, got[0].Blockers, got[0].Verification, c.want, c.verification)
		}
		if sh := shown(&got[0]); c.shown != nil && !reflect.DeepEqual(sh, c.shown) {
			t.Errorf("%s: shown %q, want %q", c.name, sh, c.shown)
		}
	}
}

func TestReadinessDCS(t *testing.T) {
	d := newDCS(labelIndex{})
	migrating := sample{desc: d.migrating, v: 1}
	checkReadiness(t, d, []readinessCase{
		{name: "incremental, caught up: ready", status: TaskStatus{State: "INCRMIGRATING", HasOffset: true, Offset: 1000}},
		{name: "misspelt incremental", status: TaskStatus{State: "INCRMIGEATING"}},
		{name: "migrating at full progress 1 is incremental", status: TaskStatus{State: "MIGRATING", HasProgress: true, Progress: 1},
			samples: []sample{migrating}},
		{name: "full phase", status: TaskStatus{State: "MIGRATING", HasProgress: true, Progress: 0.5, HasOffset: true, Offset: 12345},
			samples: []sample{migrating},
			want:    []Blocker{{"not_incremental", "not in its incremental phase (MIGRATING)"}, {"offset_high", "offset 12,345 above 1,000"}}},
		{name: "full progress 1 but not migrating", status: TaskStatus{State: "SUCCESS", HasProgress: true, Progress: 1},
			samples: []sample{{desc: d.migrating, v: 0}},
			want:    []Blocker{{"not_incremental", "not in its incremental phase (SUCCESS)"}}},
		{name: "offset high", status: TaskStatus{State: "INCRMIGRATING", HasOffset: true, Offset: 1001},
			want: []Blocker{{"offset_high", "offset 1,001 above 1,000"}}},
		{name: "failed", status: TaskStatus{State: "MIGRATION_FAILED"},
			want: []Blocker{{"failed", "failed: MIGRATION_FAILED"}, {"not_incremental", "not in its incremental phase (MIGRATION_FAILED)"}}},
		{name: "no status (details failed)", status: TaskStatus{},
			want: []Blocker{{"not_incremental", "not in its incremental phase (unknown)"}}},
		{name: "down", down: true, status: TaskStatus{Reason: "not_found", State: "FAILED"},
			want: []Blocker{{"down", "the last poll failed (not_found)"}}},
	})
}

func TestReadinessSMS(t *testing.T) {
	d := newSMS(labelIndex{})
	check := func(at float64, different, missing float64) []sample {
		return []sample{{desc: d.checkedAt, v: at},
			{desc: d.files, labels: []string{"outcome", "checked"}, v: 100},
			{desc: d.files, labels: []string{"outcome", "different"}, v: different},
			{desc: d.files, labels: []string{"outcome", "missing_on_target"}, v: missing},
			{desc: d.files, labels: []string{"outcome", "extra_on_target"}, v: 9}}
	}
	synced := func(at float64) sample { return sample{desc: d.syncStarted, v: at} }
	agent := func(connected float64) sample { return sample{desc: d.agentConnected, v: connected} }
	cycle := func(c string) sample { return sample{desc: d.cycle, labels: []string{"cycle", c}, v: 1} }
	cycle0 := func(c string) sample { return sample{desc: d.cycle, labels: []string{"cycle", c}, v: 0} }
	checkReadiness(t, d, []readinessCase{
		{name: "synced, clean check after the sync: ready", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples:      append(check(1_795_499_820, 0, 0), synced(1_795_499_000)),
			verification: "consistent, checked 3 min ago"},
		{name: "finished, checked the second the sync started", status: TaskStatus{State: "MIGRATE_SUCCESS"},
			samples:      append(check(1_795_499_000, 0, 0), synced(1_795_499_000)),
			verification: "consistent, checked 16 min ago"},
		{name: "no sync time known: the check counts", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples:      check(1_794_290_400, 0, 0),
			verification: "consistent, checked 14 days ago"},
		{name: "never checked", status: TaskStatus{State: "SYNC_SUCCESS"}, samples: []sample{synced(1_795_499_000)},
			want: []Blocker{{"verify_missing", "never checked for consistency"}}, verification: "never checked"},
		{name: "stale: checked before the last sync", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples: append(check(1_795_400_000, 2, 4), synced(1_795_496_400)),
			want:    []Blocker{{"verify_stale", "consistency check older than the last sync"}},
			// The result is shown as it is, though it no longer counts.
			verification: "2 files different, 4 missing on target, checked 27 h ago"},
		{name: "mismatch: different and missing", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples:      append(check(1_795_499_955, 12345, 1), synced(1_795_499_000)),
			want:         []Blocker{{"verify_mismatch", "consistency check found 12,345 files different, 1 missing on target"}},
			verification: "12,345 files different, 1 missing on target, checked 45 s ago"},
		{name: "mismatch: one different", status: TaskStatus{State: "SYNC_SUCCESS"}, samples: check(1_795_499_000, 1, 0),
			want:         []Blocker{{"verify_mismatch", "consistency check found 1 file different"}},
			verification: "1 file different, checked 16 min ago"},
		{name: "mismatch: missing only, counts above 2^32", status: TaskStatus{State: "SYNC_SUCCESS"}, samples: check(1_795_499_000, 0, 1e10),
			want:         []Blocker{{"verify_mismatch", "consistency check found 4,294,967,295 files missing on target"}},
			verification: "4,294,967,295 files missing on target, checked 16 min ago"},
		{name: "copying, never checked", status: TaskStatus{State: "RUNNING"}, samples: []sample{synced(1_795_499_000)},
			want:         []Blocker{{"not_incremental", "not synced yet (RUNNING)"}, {"verify_missing", "never checked for consistency"}},
			verification: "never checked"},
		{name: "failed, with a mismatch", status: TaskStatus{State: "SYNC_FAIL"}, samples: check(1_795_499_000, 40, 7),
			want: []Blocker{{"failed", "failed: SYNC_FAIL"}, {"not_incremental", "not synced yet (SYNC_FAIL)"},
				{"verify_mismatch", "consistency check found 40 files different, 7 missing on target"}},
			verification: "40 files different, 7 missing on target, checked 16 min ago"},
		{name: "down", down: true, status: TaskStatus{State: "SYNC_SUCCESS"},
			want: []Blocker{{"down", "the last poll failed"}}},
		// The agent.
		{name: "copying, agent disconnected", status: TaskStatus{State: "RUNNING"},
			samples:      append(check(1_795_499_000, 0, 0), agent(0)),
			want:         []Blocker{{"not_incremental", "not synced yet (RUNNING)"}, {"agent_disconnected", "migration agent disconnected"}},
			verification: "consistent, checked 16 min ago", shown: []string{"", "agent disconnected!"}},
		{name: "copying, agent connected", status: TaskStatus{State: "RUNNING"},
			samples:      append(check(1_795_499_000, 0, 0), agent(1)),
			want:         []Blocker{{"not_incremental", "not synced yet (RUNNING)"}},
			verification: "consistent, checked 16 min ago", shown: []string{"", "agent connected"}},
		{name: "copying, server not in the source list", status: TaskStatus{State: "RUNNING"},
			samples:      check(1_795_499_000, 0, 0),
			want:         []Blocker{{"not_incremental", "not synced yet (RUNNING)"}},
			verification: "consistent, checked 16 min ago", shown: []string{""}},
		{name: "failed, agent gone", status: TaskStatus{State: "MIGRATE_FAIL"},
			samples: append(check(1_795_499_000, 0, 0), agent(0)),
			want: []Blocker{{"failed", "failed: MIGRATE_FAIL"}, {"not_incremental", "not synced yet (MIGRATE_FAIL)"},
				{"agent_disconnected", "migration agent disconnected"}},
			verification: "consistent, checked 16 min ago", shown: []string{"", "agent disconnected!"}},
		// A synced server still needs its agent for the final sync: only
		// once it is being or has been cut over does the agent not matter.
		{name: "synced, agent disconnected", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples:      append(check(1_795_499_820, 0, 0), synced(1_795_499_000), agent(0), cycle("syncing")),
			want:         []Blocker{{"agent_disconnected", "migration agent disconnected"}},
			verification: "consistent, checked 3 min ago", shown: []string{"", "agent disconnected!"}},
		{name: "cutting over, agent disconnected: ready", status: TaskStatus{State: "SYNC_SUCCESS"},
			samples:      append(check(1_795_499_820, 0, 0), synced(1_795_499_000), agent(0), cycle("cutovering")),
			verification: "consistent, checked 3 min ago", shown: []string{"", "agent disconnected!"}},
		{name: "cut over, agent disconnected: ready", status: TaskStatus{State: "MIGRATE_SUCCESS"},
			samples:      append(check(1_795_499_820, 0, 0), agent(0), cycle("cutovered"), cycle0("syncing")),
			verification: "consistent, checked 3 min ago"},
	})
}

// The DRS comparison's series are synthetic here: the judge matches them
// by name.
func TestReadinessDRS(t *testing.T) {
	d := newDRS(labelIndex{})
	compare := func(status string, finished, inconsistent float64) []sample {
		out := []sample{
			// Another type's and a state set's zeros are not the rows
			// comparison's status.
			{name: "drs_migration_compare_status", labels: []string{"type", "object", "status", "RUNNING"}, v: 1},
			{name: "drs_migration_compare_status", labels: []string{"type", "rows", "status", "FAILED"}, v: 0},
			{name: "drs_migration_compare_status", labels: []string{"type", "rows", "status", status}, v: 1},
			{name: "drs_migration_compare_finished_timestamp_seconds", labels: []string{"type", "object"}, v: 1},
			{name: "drs_migration_compare_tables", labels: []string{"result", "consistent"}, v: 50},
			{name: "drs_migration_compare_tables", labels: []string{"result", "uncomparable"}, v: 2},
		}
		if finished > 0 {
			out = append(out, sample{name: "drs_migration_compare_finished_timestamp_seconds", labels: []string{"type", "rows"}, v: finished})
		}
		if inconsistent >= 0 {
			out = append(out, sample{name: "drs_migration_compare_tables", labels: []string{"result", "inconsistent"}, v: inconsistent})
		}
		return out
	}
	incremental := TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 4.9}
	// stages are the delays by stage; a negative one is left out, both
	// endpoints up.
	stages := func(source, target float64) []sample {
		out := []sample{
			{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "source"}, v: 1},
			{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "target"}, v: 1},
		}
		for stage, v := range map[string]float64{"source": source, "target": target} {
			if v >= 0 {
				out = append(out, sample{name: "drs_migration_stage_delay_seconds", labels: []string{"stage", stage}, v: v})
			}
		}
		return out
	}
	checkReadiness(t, d, []readinessCase{
		{name: "consistent within 24 h: ready", status: incremental, samples: compare("SUCCESSFUL", 1_795_496_400, 0),
			verification: "consistent, compared 1 h ago"},
		{name: "never compared", status: incremental,
			want: []Blocker{{"verify_missing", "no rows comparison"}}, verification: "never compared"},
		{name: "comparison running (an earlier one had results)", status: incremental, samples: compare("RUNNING", 0, 3),
			want: []Blocker{{"verify_missing", "latest rows comparison RUNNING"}}, verification: "rows comparison RUNNING"},
		{name: "comparison in an unknown status", status: incremental, samples: compare("PAUSED_BY_MARS", 0, -1),
			want:         []Blocker{{"verify_missing", "latest rows comparison in an unknown status"}},
			verification: "rows comparison in an unknown status"},
		{name: "stale: older than 24 h", status: incremental, samples: compare("SUCCESSFUL", 1_795_500_000-24*3600-1, 0),
			want: []Blocker{{"verify_stale", "rows comparison older than 24 h"}}, verification: "consistent, compared 24 h ago"},
		{name: "24 h to the second is not stale", status: incremental, samples: compare("SUCCESSFUL", 1_795_500_000-24*3600, 0),
			verification: "consistent, compared 24 h ago"},
		{name: "mismatch", status: incremental, samples: compare("SUCCESSFUL", 1_795_499_700, 3),
			want: []Blocker{{"verify_mismatch", "rows comparison found 3 tables inconsistent"}}, verification: "3 tables inconsistent, compared 5 min ago"},
		{name: "one table, no finish time", status: incremental, samples: compare("SUCCESSFUL", 0, 1),
			want: []Blocker{{"verify_mismatch", "rows comparison found 1 table inconsistent"}}, verification: "1 table inconsistent"},
		{name: "lag high", status: TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 7.25},
			samples: compare("SUCCESSFUL", 1_795_499_700, 0),
			want:    []Blocker{{"lag_high", "replication delay 7.25 s, 5 s or more"}}, verification: "consistent, compared 5 min ago"},
		{name: "lag at the threshold", status: TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 5},
			samples: compare("SUCCESSFUL", 1_795_499_700, 0),
			want:    []Blocker{{"lag_high", "replication delay 5 s, 5 s or more"}}, verification: "consistent, compared 5 min ago"},
		{name: "full phase", status: TaskStatus{State: "FULL_TRANSFER_STARTED"}, samples: compare("SUCCESSFUL", 1_795_499_700, 0),
			want: []Blocker{{"not_incremental", "not in its incremental phase (FULL_TRANSFER_STARTED)"}}, verification: "consistent, compared 5 min ago"},
		{name: "failed", status: TaskStatus{State: "INCRE_TRANSFER_FAILED"},
			want: []Blocker{{"failed", "failed: INCRE_TRANSFER_FAILED"}, {"not_incremental", "not in its incremental phase (INCRE_TRANSFER_FAILED)"},
				{"verify_missing", "no rows comparison"}}, verification: "never compared"},
		{name: "down", down: true, status: TaskStatus{Reason: "not_found"}, want: []Blocker{{"down", "the last poll failed (not_found)"}}},
		// By stage: the target-apply delay decides where it is known.
		{name: "target behind, replication delay low", status: incremental,
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(0.2, 125.4)...),
			want:    []Blocker{{"lag_high", "target apply delay 2 min 5 s, 5 s or more"}}, verification: "consistent, compared 5 min ago",
			shown: []string{"source 0.2 s, target 2 min 5 s"}},
		{name: "target caught up, replication delay high", status: TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 30},
			samples:      append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(0.3, 4.999)...),
			verification: "consistent, compared 5 min ago", shown: []string{"source 0.3 s, target 5 s"}},
		{name: "target at the threshold, no replication delay", status: TaskStatus{State: "INCRE_TRANSFER_STARTED"},
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(-1, 5)...),
			want:    []Blocker{{"lag_high", "target apply delay 5 s, 5 s or more"}}, verification: "consistent, compared 5 min ago",
			shown: []string{"target 5 s"}},
		{name: "a target delay of 0 is known", status: TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 9},
			samples:      append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(0, 0)...),
			verification: "consistent, compared 5 min ago", shown: []string{"source 0 s, target 0 s"}},
		{name: "source only: the replication delay decides", status: TaskStatus{State: "INCRE_TRANSFER_STARTED", HasDelay: true, Delay: 3725},
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(0.25, -1)...),
			want:    []Blocker{{"lag_high", "replication delay 1 h 2 min, 5 s or more"}}, verification: "consistent, compared 5 min ago",
			shown: []string{"delay 1 h 2 min, source 0.25 s"}},
		{name: "a delay beyond 49 days saturates", status: incremental,
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0), stages(0.1, 1e12)...),
			want:    []Blocker{{"lag_high", "target apply delay 49 days 17 h, 5 s or more"}}, verification: "consistent, compared 5 min ago",
			shown: []string{"source 0.1 s, target 49 days 17 h"}},
		{name: "endpoints down", status: incremental,
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0), append(stages(0.2, 1),
				sample{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "source"}, v: 0},
				sample{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "target"}, v: 1})...),
			verification: "consistent, compared 5 min ago", shown: []string{"source 0.2 s, target 1 s", "source endpoint down!"}},
		{name: "both endpoints down", status: incremental,
			samples: append(compare("SUCCESSFUL", 1_795_499_700, 0),
				sample{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "source"}, v: 0},
				sample{name: "drs_migration_endpoint_up", labels: []string{"endpoint", "target"}, v: 0}),
			verification: "consistent, compared 5 min ago", shown: []string{"delay 4.9 s", "source and target endpoints down!"}},
	})
}

func TestReadinessOMS(t *testing.T) {
	d := newOMS(labelIndex{})
	objects := func(failed float64, listed bool) []sample {
		return []sample{
			{desc: d.objects, labels: []string{"outcome", "succeeded"}, v: 10},
			{desc: d.objects, labels: []string{"outcome", "failed"}, v: failed},
			{desc: d.objects, labels: []string{"outcome", "skipped"}, v: 4},
			{desc: d.listingComplete, v: boolFloat(listed)},
		}
	}
	checkReadiness(t, d, []readinessCase{
		{name: "succeeded, nothing failed, listed: ready", status: TaskStatus{State: "SUCCEEDED"}, samples: objects(0, true)},
		{name: "running", status: TaskStatus{State: "RUNNING"}, samples: objects(0, false),
			want: []Blocker{{"in_progress", "not finished (RUNNING)"}, {"listing_incomplete", "source listing not complete"}}},
		{name: "succeeded with failed objects", status: TaskStatus{State: "SUCCEEDED"}, samples: objects(1234, true),
			want: []Blocker{{"failed_objects", "1,234 objects failed"}}},
		{name: "one failed object", status: TaskStatus{State: "SUCCEEDED"}, samples: objects(1, true),
			want: []Blocker{{"failed_objects", "1 object failed"}}},
		{name: "failed", status: TaskStatus{State: "FAILED"}, samples: objects(3, true),
			want: []Blocker{{"failed", "failed: FAILED"}, {"failed_objects", "3 objects failed"}}},
		{name: "failed with its error reason", status: TaskStatus{State: "FAILED", Failure: "OMS.0301: the source object was deleted"},
			samples: objects(0, true), want: []Blocker{{"failed", "failed: FAILED (OMS.0301: the source object was deleted)"}}},
		{name: "retrying with an error reason", status: TaskStatus{State: "RETRYING", Failure: "OMS.0301"}, samples: objects(0, true),
			want: []Blocker{{"in_progress", "not finished (RETRYING)"}}},
		{name: "no status, no counts", status: TaskStatus{},
			want: []Blocker{{"in_progress", "not finished (unknown)"}}},
		{name: "down", down: true, want: []Blocker{{"down", "the last poll failed"}}},
	})
}

// OMS task groups have no readiness rules: the page judges none.
func TestReadinessOnlyWhereRulesAre(t *testing.T) {
	for _, svc := range newServices(labelIndex{}) {
		_, judged := svc.(judge)
		if want := svc.module() != omsGroupModule; judged != want {
			t.Errorf("%s: judged %v, want %v", svc.module(), judged, want)
		}
	}
}

// Through a probe and TaskStatuses: the canned SMS task is copying and was
// checked before its copy started.
func TestTaskStatusesJudgeTheLastPoll(t *testing.T) {
	e := New(Options{Transport: cannedTransport{}, ScrapeTimeout: time.Minute})
	if err := e.ApplyConfig(benchConfig(t, "http://canned.invalid", nil, nil)); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	e.ProbeHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/probe?account=bench&module=sms&task_id=sms-00042", nil))
	if !strings.Contains(rec.Body.String(), "probe_success 1") {
		t.Fatalf("probe: %d %s", rec.Code, rec.Body)
	}
	got := e.TaskStatuses(t.Context())
	if len(got) != 1 {
		t.Fatalf("%d statuses", len(got))
	}
	// MIGRATE_LINUX_FILE started at 1795433521.458; the check finished at
	// 1795433000.
	want := []Blocker{{"not_incremental", "not synced yet (RUNNING)"},
		{"verify_stale", "consistency check older than the last sync"}}
	if s := got[0]; !s.Judged || !reflect.DeepEqual(s.Blockers, want) ||
		!strings.HasPrefix(s.Verification, "consistent, checked ") {
		t.Errorf("got %q, %q\nwant %q", s.Blockers, s.Verification, want)
	}
}

func TestDurationWords(t *testing.T) {
	for v, want := range map[float64]string{0: "0 s", 0.2: "0.2 s", 7.25: "7.25 s", 59.4: "59.4 s", 59.96: "60 s",
		60: "1 min", 125.4: "2 min 5 s", 125.5: "2 min 6 s", 3599.4: "59 min 59 s", 3599.5: "1 h", 3725: "1 h 2 min",
		48*3600 - 1: "47 h 59 min", 48 * 3600: "2 days", 4294967.295: "49 days 17 h", 1e9: "11,574 days 1 h",
		-3: "-3 s", math.NaN(): "NaN s", math.Inf(1): "+Inf s"} {
		if got := DurationWords(v); got != want {
			t.Errorf("DurationWords(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestThousandsAndAgo(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 12345.4: "12,345", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
	for d, want := range map[time.Duration]string{0: "0 s ago", 59 * time.Second: "59 s ago", time.Minute: "1 min ago",
		59 * time.Minute: "59 min ago", time.Hour: "1 h ago", 47 * time.Hour: "47 h ago", 48 * time.Hour: "2 days ago",
		-time.Second: "in the future (2026-11-24T06:00:01Z)"} {
		if got := ago(readinessNow.Add(-d), readinessNow); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}
