package huaweicloud

import (
	"os"
	"testing"
)

// smsShowTaskBody is a ShowTask answer shaped like the simulator's: an
// agent that reports, sub_tasks, and subtask_info as a JSON string.
const smsShowTaskBody = `{"id":"5b1c2e3f-0a1b-4c2d-8e9f-0123456789ab","name":"web-01 to ECS","state":"RUNNING",` +
	`"type":"MIGRATE_FILE","os_type":"LINUX","create_date":1764489600000,` +
	`"source_server":{"id":"src-5b1c2e3f","name":"web-01","ip":"192.168.1.10"},` +
	`"target_server":{"id":"dst-5b1c2e3f","name":"ecs-web-01","disks":[]},` +
	`"sub_tasks":[{"id":1,"name":"CREATE_CLOUD_SERVER","progress":100,"start_date":1764489600000,"end_date":1764489660000},` +
	`{"id":2,"name":"SSL_CONFIG","progress":100,"start_date":1764489660000,"end_date":1764489670000},` +
	`{"id":3,"name":"ATTACH_AGENT_IMAGE","progress":100,"start_date":1764489670000,"end_date":1764489700000},` +
	`{"id":4,"name":"MIGRATE_LINUX_FILE","progress":"42.5","start_date":1764489700000,"migrate_speed":"85.3"},` +
	`{"id":5,"name":"SYNC_LINUX_FILE","progress":0},{"id":6,"name":"CONFIGURE_LINUX","progress":0}],` +
	`"migrate_speed":"85.3","compress_rate":"1.2","remain_seconds":"5400","estimate_complete_time":"1764495000000",` +
	`"total_cpu_usage":"23.5","agent_cpu_usage":"4.1","total_mem_usage":"2048","agent_mem_usage":"180",` +
	`"total_disk_io":"120.5","agent_disk_io":"80.2",` +
	`"subtask_info":"{\"progress\":42.5,\"replicatesize\":45634027520,\"subtask_name\":\"MIGRATE_LINUX_FILE\",\"totalsize\":107374182400}"}`

// dcsStatsBody is a ShowMigrationTaskStats answer like the simulator's
// (numbers as strings, as one edition sends them).
const dcsStatsBody = `{"full_migration_progress":"73.5","offset":"12045","source_dbsize":"1500000",` +
	`"target_dbsize":"1102500","target_input_kbps":"2048.5","target_ops":"5120","is_migrating":true}`

// dcsTaskBody is a ShowMigrationTask answer like the simulator's.
const dcsTaskBody = `{"task_id":"a1b2c3d4-e5f6-7890-abcd-ef0123456789","task_name":"redis-to-dcs","status":"MIGRATING",` +
	`"migration_type":"online_migration","migration_method":"incremental_migration","network_type":"vpc",` +
	`"source_instance":{"id":"src-1","name":"self-built-redis","addrs":"192.168.0.5:6379","password":"secret"},` +
	`"target_instance":{"id":"dcs-1","name":"dcs-prod","addrs":"192.168.0.9:6379"},"created_at":"2026-11-23T08:00:00.000Z"}`

// benchDecode measures decoding body into a new T as the client does.
func benchDecode[T any](b *testing.B, body []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var v T
		if err := decodeJSON(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes one answer of each kind a task poll reads.
func BenchmarkDecode(b *testing.B) {
	file := func(name string) []byte {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	b.Run("dcs-stats", func(b *testing.B) { benchDecode[DCSStats](b, []byte(dcsStatsBody)) })
	b.Run("dcs-task", func(b *testing.B) { benchDecode[DCSTask](b, []byte(dcsTaskBody)) })
	b.Run("sms-task", func(b *testing.B) { benchDecode[SMSTask](b, []byte(smsShowTaskBody)) })
	b.Run("drs-progress", func(b *testing.B) { benchDecode[drsProgressPage](b, file("drs-batch-progress.json")) })
	b.Run("drs-status", func(b *testing.B) { benchDecode[drsStatusPage](b, file("drs-batch-status.json")) })
	b.Run("oms-task", func(b *testing.B) { benchDecode[OMSTask](b, file("oms-show-task.json")) })
	b.Run("oms-group", func(b *testing.B) { benchDecode[OMSTaskGroup](b, file("oms-show-taskgroup.json")) })
}
