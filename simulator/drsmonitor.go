package simulator

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// drsIncremental is the status of a job in its incremental phase.
const drsIncremental = "INCRE_TRANSFER_STARTED"

// DRSStages are a job's delays by stage, endpoint health and apply rate,
// as monitor-data reports them. The target delay is TargetMillis plus
// TargetSlope for each second the job has been incremental (a Movement's
// job) or the simulator has run (a job with fixed Progress), never below
// 0, so that tests know each value exactly. When TargetMillis and
// TargetSlope are both 0 the target delay is the job's replication delay.
type DRSStages struct {
	SourceMillis float64 // reading the source's log
	TargetMillis float64 // applying to the target, when the clock starts
	// TargetSlope is how the target delay changes, in ms per second:
	// positive climbs, negative drains.
	TargetSlope   float64
	RowsPerSecond float64 // dst_rps
	// SourceDown and TargetDown report the endpoint unhealthy.
	SourceDown, TargetDown bool
	// Body, when set, is served as monitor-data's answer as it is.
	Body map[string]any
}

func (st DRSStages) moves() bool { return st.TargetMillis != 0 || st.TargetSlope != 0 }

// targetMillis is the target delay after d.
func (st DRSStages) targetMillis(d time.Duration) float64 {
	return math.Max(0, math.Round(st.TargetMillis+st.TargetSlope*math.Max(0, d.Seconds())))
}

// DRSRecovery is what batch-rpo-and-rto answers for a job: its RPO and
// RTO delays as DRS sends them, strings of ms ("" leaves the delay out),
// or, with ErrorCode, the job's own error inside the answer.
type DRSRecovery struct {
	RPOMillis, RTOMillis string
	ErrorCode            string
}

// errDRSNotFoundV5 is v5's answer for a job that does not exist.
var errDRSNotFoundV5 = &apiError{http.StatusBadRequest, "DRS.10000010", "The job does not exist."}

// drsMonitorRoutes serves monitor-data (v5, per job, counted and faulted
// under the job's id) and batch-rpo-and-rto (a batch call, answered 202).
func (s *Simulator) drsMonitorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v5/{project_id}/jobs/{job_id}/monitor-data", s.drsMonitorData)
	mux.HandleFunc("POST /v3/{project_id}/jobs/batch-rpo-and-rto", s.drsRecoveries)
}

// drsMonitorData answers a job's monitor data: its delays by stage (-1
// while none is measured), endpoint health and apply rate, with the other
// documented fields.
func (s *Simulator) drsMonitorData(w http.ResponseWriter, r *http.Request) {
	showOne(s, w, r, "ShowMonitorData", "job_id", &s.drsJobs, errDRSNotFoundV5, func(j DRSJob) map[string]any {
		st := j.Stages
		if st.Body != nil {
			return st.Body
		}
		src, dst := st.SourceMillis, j.progress(s.elapsed()).DelayMillis
		if dst < 0 {
			src = -1
		}
		str := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		return map[string]any{
			"src_delay": s.num(src), "dst_delay": s.num(dst),
			"is_src_normal": !st.SourceDown, "is_dst_normal": !st.TargetDown,
			"src_rps": str(st.RowsPerSecond), "dst_rps": str(st.RowsPerSecond),
			"bandwidth": "3.2", "src_io": "12", "dst_io": "10", "trans_data": "10240", "trans_lines": "9000000",
			"used_volumes": "20", "used_memory": "2048", "used_cpu_percent": "35", "node_volume_size": 100, "node_memory_size": 8192,
			"update_time": s.opts.Now().UTC().Format(time.DateTime), "apply_rate": 1048576,
		}
	})
}

// drsRecoveries answers batch-rpo-and-rto: 202, each job's RPO and RTO,
// or its own error inside the answer (a job that is not a
// disaster-recovery job gets DRS.M00202).
func (s *Simulator) drsRecoveries(w http.ResponseWriter, r *http.Request) {
	s.drsBatch(w, r, "BatchListRposAndRtos", "job_id", "error_msg", http.StatusAccepted, func(j DRSJob, _ DRSProgress) map[string]any {
		rec := j.Recovery
		switch {
		case rec.ErrorCode != "":
			return map[string]any{"error_code": rec.ErrorCode, "error_msg": "The job's RPO and RTO cannot be read."}
		case j.UseType != "cloudDataGuard":
			return map[string]any{"error_code": "DRS.M00202", "error_msg": "The job is not a disaster recovery job."}
		}
		info := func(delay string) map[string]any {
			out := map[string]any{"time": s.opts.Now().UTC().Format(time.DateTime), "gtid_set": "NA", "check_point": "mysql-bin.000514:197"}
			if delay != "" {
				out["delay"] = delay
			}
			return out
		}
		return map[string]any{"rpo_info": info(rec.RPOMillis), "rto_info": info(rec.RTOMillis)}
	})
}
