package simulator

import (
	"net/http"
	"time"
)

// DemoProjectID is the project id of the demo account (`--simulate`), and
// of the tests' and benchmarks' simulated accounts.
const DemoProjectID = "0504a1b2c3d4e5f60718293a4b5c6d7e"

// AddDemoTasks fills the simulator with the tasks `--simulate` shows. DCS:
// a migration in full sync (bandwidth limited, no IP switch yet), one
// converging in its incremental phase whose IP switch is done
// (EXCHANGE_SUCCESS), a failed one whose switch was rolled back
// (ROLLBACK_SUCCESS), and one that was deleted (the API answers DCS.4133,
// so its up is 0). SMS: a server being copied (never checked), one
// syncing whose latest consistency check found different and missing
// files (result_list of objects, the newest first) but finished before
// its sync started, one that failed whose check after its full copy found
// different and missing files (the old flat shape), and one synced with
// a clean check after its sync (result_list of strings): on the status
// page, verify_missing, verify_stale, verify_mismatch and ready. Their
// source servers (the source server list): web-01's agent disconnects
// DemoAgentDisconnects after the start and reconnects at
// DemoAgentReconnects, while its task copies; web-01 and db-02 are in the
// lifecycle phase of their movement (replicating, syncing); win-03's agent
// is gone (disconnected, replicating when the task failed); app-04 is
// syncing; and file-05, which no task migrates yet, is checking.
// DRS: see addDemoDRSJobs. OMS: see addDemoOMS. CDM: see addDemoCDM.
func (s *Simulator) AddDemoTasks() {
	s.addDemoDRSJobs()
	s.addDemoOMS()
	s.addDemoCDM()
	s.AddSMSTask(SMSTask{ID: "5e1c0a7b-1d2e-4f30-9a4b-5c6d7e8f9a01", Name: "web-01-to-ecs",
		SourceServer: "web-01", TargetServer: "ecs-web-01",
		Movement: SMSMovement{StartedAgo: 3 * time.Minute, CopyDuration: 20 * time.Minute, TotalBytes: 80 << 30},
		Agent:    SMSAgent{Outages: []Outage{{From: DemoAgentDisconnects, To: DemoAgentReconnects}}}})
	s.AddSMSTask(SMSTask{ID: "6f2d1b8c-2e3f-4a41-8b5c-6d7e8f9a0b12", Name: "db-02-to-ecs", Type: "MIGRATE_BLOCK",
		SourceServer: "db-02", TargetServer: "ecs-db-02", SizesIn: SizesAtTopLevel,
		Movement: SMSMovement{StartedAgo: 23 * time.Minute, CopyDuration: 20 * time.Minute, TotalBytes: 200 << 30},
		Checks: SMSChecks{Shape: ChecksAsObjects, List: []SMSCheck{
			{FinishedMs: 1795433000000, Result: "FINISHED", Dirs: []SMSDirCheck{
				{Dir: "/var/lib/mysql", Total: 1200, Different: 2, Missing: 1},
				{Dir: "/etc", Total: 300, Missing: 3, Extra: 1},
			}},
			{FinishedMs: 1795420000000, Result: "FINISHED", Dirs: []SMSDirCheck{{Dir: "/etc", Total: 290}}},
		}}})
	s.AddSMSTask(SMSTask{ID: "7a3e2c9d-3f4a-4b52-9c6d-7e8f9a0b1c23", Name: "win-03-to-ecs", Type: "MIGRATE_BLOCK", OSType: "WINDOWS",
		SourceServer: "win-03", TargetServer: "ecs-win-03",
		Agent: SMSAgent{Cycle: "replicating", CycleEnteredMs: 1795399000000, Disconnected: true},
		Progress: &SMSProgress{State: "MIGRATE_FAIL", SubTasks: []SMSSubTask{
			{Name: "CREATE_CLOUD_SERVER", Progress: 100, StartMs: 1795390000000, EndMs: 1795390060000},
			{Name: "MIGRATE_WINDOWS_BLOCK", Progress: 12, StartMs: 1795390060000},
		}},
		Checks: SMSChecks{Shape: ChecksFlat, List: []SMSCheck{
			{FinishedMs: 1795400000000, Dirs: []SMSDirCheck{{Dir: "C:\\Data", Total: 5000, Different: 40, Missing: 7, Extra: 2}}},
		}}})
	s.AddSMSTask(SMSTask{ID: "8b4f3d0e-4a5b-4c63-8d7e-8f9a0b1c2d34", Name: "app-04-to-ecs",
		SourceServer: "app-04", TargetServer: "ecs-app-04",
		Agent: SMSAgent{Cycle: "syncing", CycleEnteredMs: 1795433500000},
		Progress: &SMSProgress{State: "SYNC_SUCCESS", SubTasks: []SMSSubTask{
			{Name: "CREATE_CLOUD_SERVER", Progress: 100, StartMs: 1795420000000, EndMs: 1795420060000},
			{Name: "MIGRATE_LINUX_FILE", Progress: 100, StartMs: 1795420060000, EndMs: 1795428000000},
			{Name: "SYNC_LINUX_FILE", Progress: 100, StartMs: 1795430000000, EndMs: 1795431000000},
		}},
		Checks: SMSChecks{Shape: ChecksAsStrings, List: []SMSCheck{
			{FinishedMs: 1795434000000, Result: "FINISHED", Dirs: []SMSDirCheck{{Dir: "/srv", Total: 8000}, {Dir: "/etc", Total: 410}}},
		}}})
	s.AddSMSSource(SMSSource{ID: "c1d2e3f4-0005-4a6b-8c7d-9e0f1a2b3c45", Name: "file-05",
		Agent: SMSAgent{Cycle: "checking", CycleEnteredMs: 1795432000000}})
	s.AddDCSTask(DCSTask{
		ID: "31c6fd2b-2893-430b-90ff-d1adb8060585", Name: "cache-to-dcs",
		Source:     Instance{Name: "ecs-redis-cache", Addrs: "192.168.0.10:6379", Password: "demo-src-password"},
		Target:     Instance{ID: "9d8a3f71-5c1e-4b0e-8f0e-2a6f1c9d0b11", Name: "dcs-cache-prod", Password: "demo-dst-password"},
		ResumeMode: "auto", BandwidthLimitMB: "100",
		Movement: DCSMovement{FullDuration: 10 * time.Minute, SourceKeys: 2_000_000, WritesPerSecond: 80},
	})
	s.AddDCSTask(DCSTask{
		ID: "7f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", Name: "sessions-to-dcs",
		Source:     Instance{Addrs: "192.168.0.11:6379"},
		Target:     Instance{ID: "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9", Name: "dcs-sessions"},
		ResumeMode: "manual", IPSwitchStatus: "EXCHANGE_SUCCESS",
		Movement: DCSMovement{StartedAgo: 9 * time.Minute, FullDuration: 10 * time.Minute, SourceKeys: 400_000, WritesPerSecond: 200},
	})
	s.AddDCSTask(DCSTask{
		ID: "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9", Name: "queue-to-dcs", Status: "FAILED",
		MigrationMethod: "full_amount_migration",
		Source:          Instance{Name: "legacy-queue", Addrs: "192.168.0.12:6379"},
		Target:          Instance{Name: "dcs-queue"},
		IPSwitchStatus:  "ROLLBACK_SUCCESS",
		Stats:           &DCSStats{FullMigrationProgress: 37.5, SourceDBSize: 120_000, TargetDBSize: 45_000},
	})
}

// addDemoDRSJobs adds DRS jobs: one in its full phase that will turn
// incremental, whose rows comparison is running (an object comparison
// passed); one incremental whose replication delay rises and falls, whose
// comparisons are consistent (an older rows comparison that found a
// difference comes later in the list); a failed one whose latest rows
// comparison found 3 inconsistent tables (its times in ISO form); and one
// incremental that was never compared (DRS answers 400 DRS.M05003). Then,
// by stage (see DRSStages; none compared): one whose target-apply delay
// climbs (6 s a minute) while its source delay stays low, one whose delay
// drains steadily (30 s a minute, to 0), and a disaster-recovery job with
// an RPO and an RTO.
func (s *Simulator) addDemoDRSJobs() {
	// The comparisons' times are given as if the simulator had started at
	// DemoComparisonsEpoch: they move with its start, so that the
	// consistent job's comparison is as recent under --simulate today as
	// in a test that starts the clock there.
	at := func(ms int64) time.Time {
		return s.start.Add(time.Duration(ms-DemoComparisonsEpoch.UnixMilli()) * time.Millisecond).UTC()
	}
	s.AddDRSJob(DRSJob{ID: "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4fjb101", Name: "orders-db-to-rds",
		Movement: DRSMovement{StartedAgo: 7 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:   DRSStages{SourceMillis: 180, RowsPerSecond: 1500},
		Comparisons: DRSComparisons{List: []DRSCompare{
			{ID: "c0a1b2c3-0001-4000-8000-00000000ob01", Type: "object", Status: "SUCCESSFUL",
				Created: at(1795430000000), Ended: at(1795430060000),
				Objects: []DRSCompareObject{{Type: "DB", Result: "CONSISTENT", Source: 1, Target: 1}, {Type: "TABLE", Result: "CONSISTENT", Source: 42, Target: 42}}},
			{ID: "c0a1b2c3-0001-4000-8000-00000000ln01", Type: "lines", Status: "RUNNING", Created: at(1795430100000)},
		}}})
	s.AddDRSJob(DRSJob{ID: "4a3b0d2f-6c8e-4f90-8b1c-2d3e4f5ajb101", Name: "billing-db-sync", UseType: "sync", EngineType: "postgresql",
		Movement: DRSMovement{StartedAgo: 25 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:   DRSStages{SourceMillis: 150, RowsPerSecond: 2300},
		Comparisons: DRSComparisons{List: []DRSCompare{
			{ID: "c0a1b2c3-0002-4000-8000-00000000ob01", Type: "object", Status: "SUCCESSFUL",
				Created: at(1795431000000), Ended: at(1795431030000),
				Objects: []DRSCompareObject{{Type: "TABLE", Result: "CONSISTENT", Source: 120, Target: 120}, {Type: "VIEW", Result: "CONSISTENT", Source: 8, Target: 8}}},
			{ID: "c0a1b2c3-0002-4000-8000-00000000ln02", Type: "lines", Status: "SUCCESSFUL",
				Created: at(1795432000000), Ended: at(1795432600000),
				Databases: []DRSCompareDB{{Name: "billing", Tables: 100}, {Name: "audit", Tables: 20, Uncomparable: 2}}},
			{ID: "c0a1b2c3-0002-4000-8000-00000000ct01", Type: "contents", Status: "SUCCESSFUL",
				Created: at(1795432700000), Ended: at(1795433000000)},
			{ID: "c0a1b2c3-0002-4000-8000-00000000ln01", Type: "lines", Status: "SUCCESSFUL",
				Created: at(1795420000000), Ended: at(1795420600000),
				Databases: []DRSCompareDB{{Name: "billing", Tables: 100, Inconsistent: 5}}},
		}}})
	s.AddDRSJob(DRSJob{ID: "5b4c1e3a-7d9f-4a01-9c2d-3e4f5a6bjb101", Name: "legacy-db-to-rds",
		Progress: &DRSProgress{Status: "INCRE_TRANSFER_FAILED", Progress: 100, DelayMillis: -1, RemainingSeconds: -1},
		Comparisons: DRSComparisons{ISOTimes: true, List: []DRSCompare{
			{ID: "c0a1b2c3-0003-4000-8000-00000000ob01", Type: "object", Status: "SUCCESSFUL",
				Created: at(1795433000000), Ended: at(1795433040000),
				Objects: []DRSCompareObject{{Type: "TABLE", Result: "INCONSISTENT", Source: 60, Target: 59, Diff: 1}, {Type: "INDEX", Result: "TARGET_DB_NOT_EXIT", Source: 12, Target: 10, Diff: 2}}},
			{ID: "c0a1b2c3-0003-4000-8000-00000000ln01", Type: "lines", Status: "SUCCESSFUL",
				Created: at(1795433100000), Ended: at(1795433700000),
				Databases: []DRSCompareDB{{Name: "legacy", Tables: 50, Inconsistent: 2, Uncomparable: 1}, {Name: "archive", Tables: 10, Inconsistent: 1}}},
			{ID: "c0a1b2c3-0003-4000-8000-00000000ct01", Type: "contents", Status: "FAILED",
				Created: at(1795433800000), Ended: at(1795433900000)},
		}}})
	s.AddDRSJob(DRSJob{ID: "6c5d2f4b-8e0a-4b12-8d3e-4f5a6b7cjb101", Name: "crm-db-to-rds",
		Movement:    DRSMovement{StartedAgo: 40 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:      DRSStages{SourceMillis: 120, RowsPerSecond: 640},
		Comparisons: DRSComparisons{NoneStatus: http.StatusBadRequest}})
	// Incremental for 20 minutes at the start: the target 125 s behind.
	s.AddDRSJob(DRSJob{ID: DemoClimbingDRSJob, Name: "payments-db-to-rds",
		Movement: DRSMovement{StartedAgo: 30 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:   DRSStages{SourceMillis: 200, TargetMillis: 5_000, TargetSlope: 100, RowsPerSecond: 850}})
	// Incremental for 5 minutes at the start: 750 s behind, caught up 25
	// minutes later.
	s.AddDRSJob(DRSJob{ID: DemoDrainingDRSJob, Name: "inventory-db-sync", UseType: "sync",
		Movement: DRSMovement{StartedAgo: 15 * time.Minute, FullDuration: 10 * time.Minute},
		Stages:   DRSStages{SourceMillis: 300, TargetMillis: 900_000, TargetSlope: -500, RowsPerSecond: 4200}})
	s.AddDRSJob(DRSJob{ID: DemoRecoveryDRSJob, Name: "orders-dr-standby", UseType: "cloudDataGuard",
		Movement: DRSMovement{StartedAgo: time.Hour, FullDuration: 10 * time.Minute},
		Stages:   DRSStages{SourceMillis: 100, TargetMillis: 400, RowsPerSecond: 120},
		Recovery: DRSRecovery{RPOMillis: "1200", RTOMillis: "3500"}})
}

// DemoComparisonsEpoch is the start of the simulator's clock at which the
// demo DRS jobs' comparisons have the times written in addDemoDRSJobs
// (the latest ended 100 s before it); on another clock they keep their
// distance to its start.
var DemoComparisonsEpoch = time.UnixMilli(1795434000000).UTC()

// The agent of the demo's SMS server web-01 is not connected from
// DemoAgentDisconnects to DemoAgentReconnects on the simulator's clock: six
// minutes, while its task copies (long enough for an alert on five minutes
// of disconnection to fire).
const (
	DemoAgentDisconnects = 4 * time.Minute
	DemoAgentReconnects  = 10 * time.Minute
)

// The demo's DRS jobs by stage (addDemoDRSJobs).
const (
	DemoClimbingDRSJob = "7d6e3a5c-9f1b-4c23-8e4f-5a6b7c8djb101" // target-apply delay climbing
	DemoDrainingDRSJob = "8e7f4b6d-0a2c-4d34-9f5a-6b7c8d9ejb101" // delay draining
	DemoRecoveryDRSJob = "9f8a5c7e-1b3d-4e45-8a6b-7c8d9e0fjb101" // disaster recovery, with RPO and RTO
)

// DemoDeletedDRSJob is a DRS job id `--simulate` configures but the
// simulator does not have: the batch answers carry its own error
// (DRS.M00289) while the other jobs of the batch are fine.
const DemoDeletedDRSJob = "d0d0d0d0-dead-4bee-8f00-0000000djb101"

// DemoDeletedDCSTask is a task id `--simulate` configures but the simulator
// does not have, to show what a deleted task looks like.
const DemoDeletedDCSTask = "d0d0d0d0-dead-4bee-8f00-000000000000"

// DemoDCSTaskIDs are the task ids `--simulate` polls.
func DemoDCSTaskIDs() []string {
	return []string{
		"31c6fd2b-2893-430b-90ff-d1adb8060585",
		"7f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b",
		"a3b4c5d6-e7f8-4091-a2b3-c4d5e6f7a8b9",
		DemoDeletedDCSTask,
	}
}

// SMSSnapshot is a Linux file-level migration 7.5 minutes into copying,
// with the agent reporting every number: a fixed answer of the shape of
// the moving tasks, cheap to serve (benchmarks and the fake cloud use it).
func SMSSnapshot(now time.Time) *SMSProgress {
	ms := float64(now.UnixMilli())
	return &SMSProgress{
		State: "RUNNING",
		SubTasks: []SMSSubTask{
			{Name: "CREATE_CLOUD_SERVER", Progress: 100, StartMs: ms - 600e3, EndMs: ms - 540e3},
			{Name: "SSL_CONFIG", Progress: 100, StartMs: ms - 540e3, EndMs: ms - 510e3},
			{Name: "ATTACH_AGENT_IMAGE", Progress: 100, StartMs: ms - 510e3, EndMs: ms - 480e3},
			{Name: "FORMAT_DISK_LINUX_FILE", Progress: 100, StartMs: ms - 480e3, EndMs: ms - 450e3},
			{Name: "MIGRATE_LINUX_FILE", Progress: 37, StartMs: ms - 450e3, SpeedMbps: 553.42},
			{Name: "SYNC_LINUX_FILE"}, {Name: "CONFIGURE_LINUX_FILE"}, {Name: "DETTACH_AGENT_IMAGE"},
		},
		AgentReported:    true,
		MigrateSpeedMbps: 553.42, CompressRate: 0.65, RemainSeconds: 960, EstimateCompleteMs: ms + 960e3,
		TotalCPUPercent: 26.6, AgentCPUPercent: 6.7, TotalMemMB: 3242, AgentMemMB: 193,
		TotalDiskIOMbps: 608.76, AgentDiskIOMbps: 553.42,
		ReplicateSize: 32212337974, TotalSize: 85899345920,
		CurrentSubTask: "MIGRATE_LINUX_FILE", CurrentSubTaskProgress: 37,
	}
}
