package huaweicloud

import "bytes"

// The answer types' single-pass decoders. Each struct has a fieldTable of
// its json tag names, in field order, and a decode method that reads an
// object into it (null leaves it as it is, another kind is a type error)
// and switches on the tag name a key stands for; TestFieldTablesMatchTags
// checks the tables against the struct tags.

var (
	dcsStatsFields = newFieldTable("full_migration_progress", "offset", "source_dbsize", "target_dbsize",
		"target_input_kbps", "target_ops", "is_migrating")
	dcsTaskFields = newFieldTable("task_id", "task_name", "status", "task_status", "migration_type",
		"migration_method", "source_instance", "target_instance")
	dcsInstanceFields    = newFieldTable("id", "name", "addrs", "ip", "port")
	dcsTaskSummaryFields = newFieldTable("task_id", "task_name", "status")
	dcsTaskPageFields    = newFieldTable("count", "migration_tasks")

	smsTaskFields = newFieldTable("id", "name", "type", "os_type", "state",
		"estimate_complete_time", "remain_seconds", "migrate_speed", "compress_rate", "total_cpu_usage",
		"agent_cpu_usage", "total_mem_usage", "agent_mem_usage", "total_disk_io", "agent_disk_io",
		"replicatesize", "totalsize", "source_server", "target_server", "sub_tasks", "subtask_info")
	smsServerFields      = newFieldTable("id", "name", "ip")
	smsSubTaskFields     = newFieldTable("name", "progress", "start_date", "end_date", "migrate_speed", "replicatesize", "totalsize")
	smsSubtaskInfoFields = newFieldTable("subtask_name", "progress", "replicatesize", "totalsize", "migrate_speed")
	smsTaskSummaryFields = newFieldTable("id", "name", "state")
	smsTaskPageFields    = newFieldTable("count", "tasks")

	drsResultsFields     = newFieldTable("results")
	drsJobStatusFields   = newFieldTable("id", "status", "error_code", "error_message", "error_msg")
	drsPhaseFields       = newFieldTable("completed")
	drsJobProgressFields = newFieldTable("job_id", "progress", "incre_trans_delay", "incre_trans_delay_millis",
		"remaining_time", "transfer_status", "task_mode", "progress_map", "error_code", "error_msg")
	drsJobFields     = newFieldTable("id", "name", "status", "engine_type", "job_direction", "db_use_type")
	drsJobPageFields = newFieldTable("total_record", "jobs")

	omsErrorReasonFields = newFieldTable("error_code", "error_msg")
	omsNodeFields        = newFieldTable("bucket", "region", "cloud_type")
	omsTaskFields        = newFieldTable("id", "name", "status", "task_type", "group_id", "src_node", "dst_node",
		"progress", "complete_size", "total_size", "real_size", "migrate_speed", "left_time", "total_time",
		"start_time", "successful_num", "failed_num", "skipped_num", "total_num", "is_query_over", "error_reason")
	omsTaskGroupFields = newFieldTable("group_id", "status", "task_type", "error_reason", "src_node", "dst_node",
		"migrate_speed", "total_time", "start_time", "complete_size", "total_size", "success_num", "fail_num",
		"skip_num", "total_num", "total_task_num", "failed_task_num", "complete_task_num", "executing_task_num",
		"waiting_task_num", "paused_task_num")
	omsTaskSummaryFields      = newFieldTable("id")
	omsTaskPageFields         = newFieldTable("count", "tasks")
	omsTaskGroupSummaryFields = newFieldTable("group_id")
	omsTaskGroupPageFields    = newFieldTable("count", "taskgroups")
)

// decode reads a DCSStats object into the value's fields, merging as encoding/json does.
func (t *DCSStats) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&dcsStatsFields) {
		case "full_migration_progress":
			d.number(&t.FullMigrationProgress)
		case "offset":
			d.number(&t.Offset)
		case "source_dbsize":
			d.number(&t.SourceDBSize)
		case "target_dbsize":
			d.number(&t.TargetDBSize)
		case "target_input_kbps":
			d.number(&t.TargetInputKbps)
		case "target_ops":
			d.number(&t.TargetOps)
		case "is_migrating":
			d.boolean(&t.IsMigrating)
		default:
			d.skip()
		}
	}
}

// decode reads a DCSTask object into the value's fields, merging as encoding/json does.
func (t *DCSTask) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&dcsTaskFields) {
		case "task_id":
			d.text(&t.TaskID)
		case "task_name":
			d.text(&t.TaskName)
		case "status":
			d.text(&t.Status)
		case "task_status":
			d.text(&t.TaskStatus)
		case "migration_type":
			d.text(&t.MigrationType)
		case "migration_method":
			d.text(&t.MigrationMethod)
		case "source_instance":
			t.SourceInstance.decode(d)
		case "target_instance":
			t.TargetInstance.decode(d)
		default:
			d.skip()
		}
	}
}

// decode reads a DCSInstance object into the value's fields, merging as encoding/json does.
func (i *DCSInstance) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&dcsInstanceFields) {
		case "id":
			d.text(&i.ID)
		case "name":
			d.text(&i.Name)
		case "addrs":
			d.text(&i.Addrs)
		case "ip":
			d.text(&i.IP)
		case "port":
			d.text(&i.Port)
		default:
			d.skip()
		}
	}
}

// decode reads a DCSTaskSummary object into the value's fields, merging as encoding/json does.
func (t *DCSTaskSummary) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&dcsTaskSummaryFields) {
		case "task_id":
			d.text(&t.TaskID)
		case "task_name":
			d.text(&t.TaskName)
		case "status":
			d.text(&t.Status)
		default:
			d.skip()
		}
	}
}

// decode reads a DCSTaskPage object into the value's fields, merging as encoding/json does.
func (p *DCSTaskPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&dcsTaskPageFields) {
		case "count":
			d.number(&p.Count)
		case "migration_tasks":
			decodeList(d, &p.MigrationTasks, "[]DCSTaskSummary")
		default:
			d.skip()
		}
	}
}

// decode reads a SMSTask object into the value's fields, merging as encoding/json does.
func (t *SMSTask) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsTaskFields) {
		case "id":
			d.text(&t.ID)
		case "name":
			d.text(&t.Name)
		case "type":
			d.text(&t.Type)
		case "os_type":
			d.text(&t.OSType)
		case "state":
			d.text(&t.State)
		case "estimate_complete_time":
			d.number(&t.EstimateCompleteTime)
		case "remain_seconds":
			d.number(&t.RemainSeconds)
		case "migrate_speed":
			d.number(&t.MigrateSpeed)
		case "compress_rate":
			d.number(&t.CompressRate)
		case "total_cpu_usage":
			d.number(&t.TotalCPUUsage)
		case "agent_cpu_usage":
			d.number(&t.AgentCPUUsage)
		case "total_mem_usage":
			d.number(&t.TotalMemUsage)
		case "agent_mem_usage":
			d.number(&t.AgentMemUsage)
		case "total_disk_io":
			d.number(&t.TotalDiskIO)
		case "agent_disk_io":
			d.number(&t.AgentDiskIO)
		case "replicatesize":
			d.number(&t.ReplicateSize)
		case "totalsize":
			d.number(&t.TotalSize)
		case "source_server":
			decodeSMSServer(d, &t.SourceServer.ID, &t.SourceServer.Name, &t.SourceServer.IP)
		case "target_server":
			decodeSMSServer(d, &t.TargetServer.ID, &t.TargetServer.Name, &t.TargetServer.IP)
		case "sub_tasks":
			decodeList(d, &t.SubTasks, "[]SMSSubTask")
		case "subtask_info":
			t.SubtaskInfo.decode(d)
		default:
			d.skip()
		}
	}
}

// decodeSMSServer decodes source_server or target_server, anonymous
// structs of the same fields.
func decodeSMSServer(d *decoder, id, name, ip *Text) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsServerFields) {
		case "id":
			d.text(id)
		case "name":
			d.text(name)
		case "ip":
			d.text(ip)
		default:
			d.skip()
		}
	}
}

// decode reads a SMSSubTask object into the value's fields, merging as encoding/json does.
func (s *SMSSubTask) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsSubTaskFields) {
		case "name":
			d.text(&s.Name)
		case "progress":
			d.number(&s.Progress)
		case "start_date":
			d.number(&s.StartDate)
		case "end_date":
			d.number(&s.EndDate)
		case "migrate_speed":
			d.number(&s.MigrateSpeed)
		case "replicatesize":
			d.number(&s.ReplicateSize)
		case "totalsize":
			d.number(&s.TotalSize)
		default:
			d.skip()
		}
	}
}

// decode is UnmarshalJSON's single-pass twin: an object is decoded in
// place, a string is decoded as a document of its own, anything else
// leaves the info empty.
func (i *SMSSubtaskInfo) decode(d *decoder) {
	*i = SMSSubtaskInfo{}
	switch d.peek() {
	case '{':
		i.decodeFields(d)
	case '"':
		start := d.pos
		plain := d.str()
		if d.syntax != nil {
			return
		}
		inner := d.data[start+1 : d.pos-1]
		if !plain {
			inner = appendUnquoted(nil, d.data[start:d.pos])
		}
		sub := decoder{data: bytes.TrimSpace(inner)}
		var p SMSSubtaskInfo
		p.decodeFields(&sub)
		if sub.end() == nil {
			*i = p
		}
	default:
		d.skip()
	}
}

// decodeFields reads a SMSSubtaskInfo object's members.
func (i *SMSSubtaskInfo) decodeFields(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsSubtaskInfoFields) {
		case "subtask_name":
			d.text(&i.Name)
		case "progress":
			d.number(&i.Progress)
		case "replicatesize":
			d.number(&i.ReplicateSize)
		case "totalsize":
			d.number(&i.TotalSize)
		case "migrate_speed":
			d.number(&i.MigrateSpeed)
		default:
			d.skip()
		}
	}
}

// decode reads a SMSTaskSummary object into the value's fields, merging as encoding/json does.
func (t *SMSTaskSummary) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsTaskSummaryFields) {
		case "id":
			d.text(&t.ID)
		case "name":
			d.text(&t.Name)
		case "state":
			d.text(&t.State)
		default:
			d.skip()
		}
	}
}

// decode reads a SMSTaskPage object into the value's fields, merging as encoding/json does.
func (p *SMSTaskPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&smsTaskPageFields) {
		case "count":
			d.number(&p.Count)
		case "tasks":
			decodeList(d, &p.Tasks, "[]SMSTaskSummary")
		default:
			d.skip()
		}
	}
}

// decode reads a drsStatusPage object into the value's fields, merging as encoding/json does.
func (p *drsStatusPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		if d.field(&drsResultsFields) == "" {
			d.skip()
			continue
		}
		decodeList(d, &p.Results, "[]DRSJobStatus")
	}
}

// decode reads a DRSJobStatus object into the value's fields, merging as encoding/json does.
func (s *DRSJobStatus) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&drsJobStatusFields) {
		case "id":
			d.text(&s.ID)
		case "status":
			d.text(&s.Status)
		case "error_code":
			d.text(&s.ErrorCode)
		case "error_message":
			d.text(&s.ErrorMessage)
		case "error_msg":
			d.text(&s.ErrorMsg)
		default:
			d.skip()
		}
	}
}

// decode reads a drsProgressPage object into the value's fields, merging as encoding/json does.
func (p *drsProgressPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		if d.field(&drsResultsFields) == "" {
			d.skip()
			continue
		}
		decodeList(d, &p.Results, "[]DRSJobProgress")
	}
}

// decode reads a DRSJobProgress object into the value's fields, merging as encoding/json does.
func (j *DRSJobProgress) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&drsJobProgressFields) {
		case "job_id":
			d.text(&j.JobID)
		case "progress":
			d.number(&j.Progress)
		case "incre_trans_delay":
			d.number(&j.IncreTransDelay)
		case "incre_trans_delay_millis":
			d.number(&j.IncreTransDelayMillis)
		case "remaining_time":
			d.number(&j.RemainingTime)
		case "transfer_status":
			d.text(&j.TransferStatus)
		case "task_mode":
			d.text(&j.TaskMode)
		case "progress_map":
			isObject, isNull := d.container('{', "map[string]DRSPhase")
			if isNull {
				j.ProgressMap = nil
			}
			if !isObject {
				continue
			}
			if j.ProgressMap == nil {
				j.ProgressMap = map[string]DRSPhase{}
			}
			for more := d.object(); more; more = d.next() {
				key := string(d.key(nil))
				var phase DRSPhase
				phase.decode(d)
				j.ProgressMap[key] = phase
			}
		case "error_code":
			d.text(&j.ErrorCode)
		case "error_msg":
			d.text(&j.ErrorMsg)
		default:
			d.skip()
		}
	}
}

// decode reads a DRSPhase object into the value's fields, merging as encoding/json does.
func (p *DRSPhase) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		if d.field(&drsPhaseFields) == "completed" {
			d.number(&p.Completed)
		} else {
			d.skip()
		}
	}
}

// decode reads a drsJobPage object into the value's fields, merging as encoding/json does.
func (p *drsJobPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&drsJobPageFields) {
		case "total_record":
			d.number(&p.TotalRecord)
		case "jobs":
			decodeList(d, &p.Jobs, "[]DRSJob")
		default:
			d.skip()
		}
	}
}

// decode reads a DRSJob object into the value's fields, merging as encoding/json does.
func (j *DRSJob) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&drsJobFields) {
		case "id":
			d.text(&j.ID)
		case "name":
			d.text(&j.Name)
		case "status":
			d.text(&j.Status)
		case "engine_type":
			d.text(&j.EngineType)
		case "job_direction":
			d.text(&j.JobDirection)
		case "db_use_type":
			d.text(&j.DBUseType)
		default:
			d.skip()
		}
	}
}

// decode is UnmarshalJSON's single-pass twin: an object is decoded in
// place, a string is the message, anything else no reason.
func (e *OMSErrorReason) decode(d *decoder) {
	*e = OMSErrorReason{}
	switch d.peek() {
	case '{':
		for more := d.object(); more; more = d.next() {
			switch d.field(&omsErrorReasonFields) {
			case "error_code":
				d.text(&e.Code)
			case "error_msg":
				d.text(&e.Message)
			default:
				d.skip()
			}
		}
	case '"':
		d.text(&e.Message)
	default:
		d.skip()
	}
}

// decode reads a OMSNode object into the value's fields, merging as encoding/json does.
func (n *OMSNode) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&omsNodeFields) {
		case "bucket":
			d.text(&n.Bucket)
		case "region":
			d.text(&n.Region)
		case "cloud_type":
			d.text(&n.CloudType)
		default:
			d.skip()
		}
	}
}

// decode reads a OMSTask object into the value's fields, merging as encoding/json does.
func (t *OMSTask) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&omsTaskFields) {
		case "id":
			d.text(&t.ID)
		case "name":
			d.text(&t.Name)
		case "status":
			d.number(&t.Status)
		case "task_type":
			d.text(&t.TaskType)
		case "group_id":
			d.text(&t.GroupID)
		case "src_node":
			t.SrcNode.decode(d)
		case "dst_node":
			t.DstNode.decode(d)
		case "progress":
			d.number(&t.Progress)
		case "complete_size":
			d.number(&t.CompleteSize)
		case "total_size":
			d.number(&t.TotalSize)
		case "real_size":
			d.number(&t.RealSize)
		case "migrate_speed":
			d.number(&t.MigrateSpeed)
		case "left_time":
			d.number(&t.LeftTime)
		case "total_time":
			d.number(&t.TotalTime)
		case "start_time":
			d.number(&t.StartTime)
		case "successful_num":
			d.number(&t.SuccessfulNum)
		case "failed_num":
			d.number(&t.FailedNum)
		case "skipped_num":
			d.number(&t.SkippedNum)
		case "total_num":
			d.number(&t.TotalNum)
		case "is_query_over":
			d.boolean(&t.IsQueryOver)
		case "error_reason":
			t.ErrorReason.decode(d)
		default:
			d.skip()
		}
	}
}

// decode reads a OMSTaskGroup object into the value's fields, merging as encoding/json does.
func (g *OMSTaskGroup) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&omsTaskGroupFields) {
		case "group_id":
			d.text(&g.GroupID)
		case "status":
			d.number(&g.Status)
		case "task_type":
			d.text(&g.TaskType)
		case "error_reason":
			g.ErrorReason.decode(d)
		case "src_node":
			g.SrcNode.decode(d)
		case "dst_node":
			g.DstNode.decode(d)
		case "migrate_speed":
			d.number(&g.MigrateSpeed)
		case "total_time":
			d.number(&g.TotalTime)
		case "start_time":
			d.number(&g.StartTime)
		case "complete_size":
			d.number(&g.CompleteSize)
		case "total_size":
			d.number(&g.TotalSize)
		case "success_num":
			d.number(&g.SuccessNum)
		case "fail_num":
			d.number(&g.FailNum)
		case "skip_num":
			d.number(&g.SkipNum)
		case "total_num":
			d.number(&g.TotalNum)
		case "total_task_num":
			d.number(&g.TotalTaskNum)
		case "failed_task_num":
			d.number(&g.FailedTaskNum)
		case "complete_task_num":
			d.number(&g.CompleteTaskNum)
		case "executing_task_num":
			d.number(&g.ExecutingTaskNum)
		case "waiting_task_num":
			d.number(&g.WaitingTaskNum)
		case "paused_task_num":
			d.number(&g.PausedTaskNum)
		default:
			d.skip()
		}
	}
}

// decode reads a OMSTaskPage object into the value's fields, merging as encoding/json does.
func (p *OMSTaskPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&omsTaskPageFields) {
		case "count":
			d.number(&p.Count)
		case "tasks":
			decodeList(d, &p.Tasks, "[]OMSTaskSummary")
		default:
			d.skip()
		}
	}
}

// decode reads a OMSTaskGroupPage object into the value's fields, merging as encoding/json does.
func (p *OMSTaskGroupPage) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		switch d.field(&omsTaskGroupPageFields) {
		case "count":
			d.number(&p.Count)
		case "taskgroups":
			decodeList(d, &p.TaskGroups, "[]OMSTaskGroupSummary")
		default:
			d.skip()
		}
	}
}

// decodeList reads an array of objects into *v as encoding/json does: null
// makes it nil; an array resets its length and decodes element i into the
// old element when i is within its capacity (merging), else into a new
// zero one; [] makes it empty, not nil; another kind is a type error
// naming into.
func decodeList[E any, P interface {
	*E
	decode(d *decoder)
}](d *decoder, v *[]E, into string) {
	isArray, isNull := d.container('[', into)
	if isNull {
		*v = nil
	}
	if !isArray {
		return
	}
	list, n := *v, 0
	for more := d.array(); more; more = d.nextElem() {
		list = elem(list, n)
		P(&list[n]).decode(d)
		n++
	}
	*v = endList(list, n)
}

// decode reads a OMSTaskSummary object into the value's fields, merging as encoding/json does.
func (t *OMSTaskSummary) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		if d.field(&omsTaskSummaryFields) == "id" {
			d.text(&t.ID)
		} else {
			d.skip()
		}
	}
}

// decode reads a OMSTaskGroupSummary object into the value's fields, merging as encoding/json does.
func (t *OMSTaskGroupSummary) decode(d *decoder) {
	for more := d.object(); more; more = d.next() {
		if d.field(&omsTaskGroupSummaryFields) == "group_id" {
			d.text(&t.GroupID)
		} else {
			d.skip()
		}
	}
}
