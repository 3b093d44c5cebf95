package collector

import (
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// The status page's judgement of a DRS job (readiness.go). The data
// comparison's series are matched by name: drs_migration_compare_status
// {type,status}, drs_migration_compare_finished_timestamp_seconds{type}
// and drs_migration_compare_tables{result}; only the rows comparison
// (type="rows") counts.

// rowsComparisonStates are the statuses of a comparison task; a DRS job's
// readiness keeps its latest rows comparison's as 1 + its index here
// (0: none, rowsComparisonOther: one not listed).
var rowsComparisonStates = []string{"WAITING_FOR_RUNNING", "RUNNING", "SUCCESSFUL", "FAILED", "CANCELLED",
	"TIMEOUT_INTERRUPT", "FULL_DOING", "INCRE_DOING"}

const (
	rowsComparisonOther = 0xff
	// A DRS job's readiness: counts[drsInconsistent] is the latest
	// successful rows comparison's inconsistent tables, times[drsCompared]
	// when the latest rows comparison finished.
	drsInconsistent = 0
	drsCompared     = 0
)

// rowsComparisonCode is status's code in a readiness.
func rowsComparisonCode(status string) uint8 {
	if i := slices.Index(rowsComparisonStates, status); i >= 0 {
		return uint8(i + 1)
	}
	return rowsComparisonOther
}

// noteReadiness keeps the latest rows comparison's status and finish time,
// and the inconsistent tables of the latest successful one.
func (*drs) noteReadiness(r *readiness, _ *prometheus.Desc, name string, labels []*dto.LabelPair, v float64) {
	switch name {
	case "drs_migration_compare_status":
		if v == 1 && labelOf(labels, "type") == "rows" {
			r.code = rowsComparisonCode(labelOf(labels, "status"))
		}
	case "drs_migration_compare_finished_timestamp_seconds":
		if labelOf(labels, "type") == "rows" {
			r.setTime(drsCompared, v)
		}
	case "drs_migration_compare_tables":
		if labelOf(labels, "result") == "inconsistent" {
			r.setCount(drsInconsistent, v)
		}
	}
}

// blockers judges a DRS job as the rule file does: failed in a *_FAILED
// status (DRSJobFailed); not_incremental unless INCRE_TRANSFER_STARTED;
// lag_high with a replication delay of drsDelayThreshold or more;
// verify_missing unless its latest rows comparison is SUCCESSFUL,
// verify_stale when that finished more than verifyMaxAge ago (its result
// no longer counts), else verify_mismatch when it found inconsistent
// tables.
func (*drs) blockers(s *TaskStatus, now time.Time) ([]Blocker, string) {
	var out []Blocker
	if strings.HasSuffix(s.State, "_FAILED") {
		out = append(out, failedBlocker(s.State))
	}
	if s.State != "INCRE_TRANSFER_STARTED" {
		out = append(out, Blocker{reasonNotIncremental, "not in its incremental phase (" + stateText(s.State) + ")"})
	}
	if s.HasDelay && s.Delay >= drsDelayThreshold {
		out = append(out, Blocker{reasonLagHigh, "replication delay " + humanDelay(s.Delay) + ", " + humanDelay(drsDelayThreshold) + " or more"})
	}
	r := &s.ready
	switch r.code {
	case 0:
		return append(out, Blocker{reasonVerifyMissing, "no rows comparison"}), "never compared"
	case rowsComparisonOther:
		return append(out, Blocker{reasonVerifyMissing, "latest rows comparison in an unknown status"}), "rows comparison in an unknown status"
	case rowsComparisonCode("SUCCESSFUL"):
	default:
		status := rowsComparisonStates[r.code-1]
		return append(out, Blocker{reasonVerifyMissing, "latest rows comparison " + status}), "rows comparison " + status
	}
	inconsistent, _ := r.count(drsInconsistent)
	result := "consistent"
	if inconsistent > 0 {
		result = plural(inconsistent, "table") + " inconsistent"
	}
	compared := r.timeOf(drsCompared)
	switch {
	case !compared.IsZero() && now.Sub(compared) > verifyMaxAge:
		out = append(out, Blocker{reasonVerifyStale, "rows comparison older than " + humanHours(verifyMaxAge)})
	case inconsistent > 0:
		out = append(out, Blocker{reasonVerifyMismatch, "rows comparison found " + result})
	}
	if compared.IsZero() {
		return out, result
	}
	return out, result + ", compared " + ago(compared, now)
}
