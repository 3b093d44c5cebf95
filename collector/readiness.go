package collector

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Cut-over readiness as the status page shows it: the reasons of the rule
// file's task:migration_cutover_blocker, judged from a task's last poll
// alone. The exporter has no Prometheus and no history, so where a rule
// asks for a condition over its readiness window (every sample of the
// last 10 minutes), the page judges that one poll.

// The readiness parameters. They mirror the rule file's
// (rules/migration_exporter.rules.yml, the parameters at its top): change
// them together.
const (
	// dcsOffsetThreshold is the DCS offset threshold: an incremental
	// offset above it is offset_high.
	dcsOffsetThreshold = 1000
	// drsDelayThreshold is the DRS delay threshold, in seconds: a
	// replication delay at or above it is lag_high.
	drsDelayThreshold = 5
	// verifyMaxAge is verify_max_age: a DRS rows comparison that finished
	// longer ago is verify_stale. The page checks verification for DRS and
	// SMS, as the rule file's require_verification does by default.
	verifyMaxAge = 24 * time.Hour
)

// The reasons a task is not ready: the values of
// task:migration_cutover_blocker's reason label.
const (
	reasonDown              = "down"
	reasonFailed            = "failed"
	reasonNotIncremental    = "not_incremental"
	reasonOffsetHigh        = "offset_high"
	reasonLagHigh           = "lag_high"
	reasonInProgress        = "in_progress"
	reasonFailedObjects     = "failed_objects"
	reasonListingIncomplete = "listing_incomplete"
	reasonVerifyMissing     = "verify_missing"
	reasonVerifyStale       = "verify_stale"
	reasonVerifyMismatch    = "verify_mismatch"
	reasonAgentDisconnected = "agent_disconnected"
)

// Blocker is one reason a task cannot be cut over now.
type Blocker struct {
	Reason string // the rules' reason label: down, failed, not_incremental, …
	Text   string // the reason in words, with its figures
}

// Failed reports whether the task is in one of its service's failure
// states (a failed blocker): it was read, so it is up, but it is not well.
func (s TaskStatus) Failed() bool {
	for _, b := range s.Blockers {
		if b.Reason == reasonFailed {
			return true
		}
	}
	return false
}

// judge is a service whose tasks the status page judges for their
// cut-over. It is optional, as a service without readiness rules (OMS
// task groups) shows none.
type judge interface {
	// noteReadiness adds to r what one of the task's samples says: desc
	// and its metric's name, the sample's labels and value. It is called
	// for every sample of a task that is up.
	noteReadiness(r *readiness, desc *prometheus.Desc, name string, labels []*dto.LabelPair, v float64)
	// blockers are what keep the task s, which is up, from its cut-over
	// at now, and its latest verification and its age in words ("" for
	// a service without verification).
	blockers(s *TaskStatus, now time.Time) (out []Blocker, verification string)
}

// readiness is what a task's poll said of its readiness beyond its state,
// progress, offset and delay: the facts its blockers are judged from when
// the page is shown, and the service's own figures the page shows (DRS:
// the delays by stage and endpoint health; SMS: the migration agent). The
// status board keeps one per task (a probe-only replica keeps one per task
// it was probed for), so it is small; what its figures and code hold is
// the service's (its noteReadiness says).
type readiness struct {
	bits readyBits
	// code is a small code of the service's own (DRS: the latest rows
	// comparison's status).
	code uint8
	// figures are the service's counts (saturated at math.MaxUint32),
	// times (Unix seconds) and delays (milliseconds, saturated), each at
	// the index its service names; a figure is known when its readyKnown
	// bit is set.
	figures [4]uint32
}

// readyBits are the yes/no facts of a readiness, and which of its figures
// are known.
type readyBits uint16

const (
	readyMigrating       readyBits = 1 << iota // DCS: is_migrating
	readyListingKnown                          // OMS: the listing's state is known
	readyListingComplete                       // OMS: the listing is complete
	readySourceDown                            // DRS: the source endpoint is reported unhealthy
	readyTargetDown                            // DRS: the target endpoint is reported unhealthy
	readyAgentKnown                            // SMS: the migration agent's connection is known
	readyAgentConnected                        // SMS: the migration agent is connected
	readyCutOver                               // SMS: the source server is being or has been cut over
	readyKnown                                 // figures[0] is known; figures[i], readyKnown << i
)

// set keeps v as figures[i] and marks it known.
func (r *readiness) set(i int, v uint32) {
	r.figures[i] = v
	r.bits |= readyKnown << i
}

// figure is figures[i] and whether it is known.
func (r *readiness) figure(i int) (uint32, bool) {
	return r.figures[i], r.bits&(readyKnown<<i) != 0
}

// count32 is a count as a readiness keeps it: whole, at least 0, at most
// math.MaxUint32.
func count32(v float64) uint32 {
	if !(v > 0) {
		return 0
	}
	return uint32(min(v, math.MaxUint32))
}

// setCount keeps the count v as figures[i].
func (r *readiness) setCount(i int, v float64) { r.set(i, count32(v)) }

// count is the count figures[i] and whether it is known.
func (r *readiness) count(i int) (uint32, bool) { return r.figure(i) }

// setTime keeps v (seconds since the epoch) as figures[i]; one before 1970
// or after 2106 is unknown.
func (r *readiness) setTime(i int, v float64) {
	if v >= 1 && v <= math.MaxUint32 {
		r.set(i, uint32(v))
	}
}

// timeOf is the time figures[i], the zero time when unknown.
func (r *readiness) timeOf(i int) time.Time {
	if v, ok := r.figure(i); ok {
		return time.Unix(int64(v), 0)
	}
	return time.Time{}
}

// setDelay keeps v seconds as figures[i], in whole milliseconds (saturated
// at 49 days); a negative or NaN delay is unknown.
func (r *readiness) setDelay(i int, v float64) {
	if v >= 0 {
		r.set(i, count32(math.Round(v*1000)))
	}
}

// delay is the delay figures[i] in seconds and whether it is known.
func (r *readiness) delay(i int) (float64, bool) {
	v, ok := r.figure(i)
	return float64(v) / 1000, ok
}

// judged fills s's Judged, Blockers and Verification at now: a task that
// is down has the one blocker down; one that is up, what j says.
func (s *TaskStatus) judged(j judge, now time.Time) {
	s.Judged = true
	if !s.Up {
		text := "the last poll failed"
		if s.Reason != "" {
			text += " (" + s.Reason + ")"
		}
		s.Blockers = []Blocker{{reasonDown, text}}
		return
	}
	s.Blockers, s.Verification = j.blockers(s, now)
}

// failedBlocker is the blocker of a task in a failure state.
func failedBlocker(state string) Blocker {
	return Blocker{reasonFailed, "failed: " + state}
}

// stateText is a state for a blocker's words: "unknown" when the poll had
// none.
func stateText(state string) string {
	if state == "" {
		return "unknown"
	}
	return state
}

// thousands writes v rounded to a whole number, with commas between
// thousands: 12,345.
func thousands(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// DurationWords writes s seconds in words, as the status page shows a
// delay, an ETA or an age: "0.2 s", "7.25 s" (below a minute, to 3
// significant digits), "2 min 5 s", "1 h 5 min", "3 days 4 h" (from a
// minute on, in the two largest units, the smaller rounded down).
func DurationWords(s float64) string {
	if !(s >= 60) || math.IsInf(s, 1) {
		return strconv.FormatFloat(s, 'g', 3, 64) + " s"
	}
	s = math.Round(s)
	two := func(big float64, bigUnit string, small float64, smallUnit string) string {
		if small == 0 {
			return thousands(big) + bigUnit
		}
		return thousands(big) + bigUnit + " " + thousands(small) + smallUnit
	}
	switch {
	case s < 3600:
		return two(math.Floor(s/60), " min", math.Mod(s, 60), " s")
	case s < 48*3600:
		return two(math.Floor(s/3600), " h", math.Floor(math.Mod(s, 3600)/60), " min")
	default:
		return two(math.Floor(s/86400), " days", math.Floor(math.Mod(s, 86400)/3600), " h")
	}
}

// humanHours writes d in whole hours: "24 h".
func humanHours(d time.Duration) string { return fmt.Sprintf("%d h", int(d/time.Hour)) }

// plural is n and noun, with an s unless n is 1: "1 table", "3 tables".
func plural(n uint32, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(float64(n)) + " " + noun + "s"
}

// ago is how long before now t was, in words: "45 s ago", "3 min ago",
// "5 h ago", "14 days ago" (whole units, rounded down).
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in the future (" + t.UTC().Format(time.RFC3339) + ")"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
}
