//go:build unix

package collector

// The canned DRS, OMS and CDM answers of cannedTransport (bench_test.go),
// shaped like the documented examples (DRS: batch-status, batch-progress
// and the job list of the v3 API reference; OMS: ShowTask of the v2 API
// reference; CDM: ListClusters, ShowJobs and ShowJobStatus of the v1.1 API
// reference) with the values of jobs and tasks under way.
//
// A DRS batch answer depends on the job ids POSTed, so it is built from the
// request body; it is built once per distinct body and then served from a
// cache, so that the transport's own JSON work does not count as the
// exporter's in cpu_µs/poll and allocs/poll (the SMS and DCS answers are
// constants for the same reason). An OMS or CDM status answer names the
// task of its path and is cached by path.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// benchDRSJobIDs are n DRS job ids in the API's form (a UUID whose last
// group ends in "jb" and three digits).
func benchDRSJobIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-be30-464e-a299-f7aa730jb101", 0x24834eb6+i)
	}
	return ids
}

// cannedRecoveryBatches is how many batches of batch of the first n canned
// DRS jobs hold a disaster-recovery job (job i is one when i%3 is 2): the
// batch-rpo-and-rto calls a scrape makes.
func cannedRecoveryBatches(n, batch int) int {
	calls := 0
	for first := 0; first < n; first += batch {
		for i := first; i < min(first+batch, n); i++ {
			if drsUseTypesCanned[i%len(drsUseTypesCanned)] == "cloudDataGuard" {
				calls++
				break
			}
		}
	}
	return calls
}

// benchOMSTaskIDs are n OMS task ids in the API's form (a Long).
func benchOMSTaskIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(191297407830872 + i)
	}
	return ids
}

// drsUseTypesCanned are the job list's scenarios; the canned jobs are
// spread over them (job i is of drsUseTypesCanned[i%3]), so that each list
// call answers only the jobs of the db_use_type it asks for.
var drsUseTypesCanned = []string{"migration", "sync", "cloudDataGuard"}

// cannedCache holds built answers by key (a request body or a path).
// Looking up m[string(b)] does not allocate.
type cannedCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *cannedCache) get(key []byte) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.m[string(key)]
	return s, ok
}

func (c *cannedCache) getString(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.m[key]
	return s, ok
}

func (c *cannedCache) put(key, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[key] = body
}

var (
	cannedDRSStatusCache, cannedDRSProgressCache, cannedDRSRecoveryCache, cannedOMSCache, cannedCDMCache cannedCache
	// cannedBodyBuffers holds the buffers request bodies are read into.
	cannedBodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// cannedDRSError is a DRS refusal of a request: 400 with DRS's error body.
func cannedDRSError(msg string) (int, string) {
	return http.StatusBadRequest, `{"error_code":"DRS.M00202","error_msg":"` + msg + `"}` + "\n"
}

// readCannedBody reads the request's body into a pooled buffer; put it
// back with cannedBodyBuffers.Put when done.
func readCannedBody(req *http.Request) *bytes.Buffer {
	buf := cannedBodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if req.Body != nil {
		_, _ = buf.ReadFrom(req.Body)
		_ = req.Body.Close()
	}
	return buf
}

// The DRS batch calls the canned transport answers.
const (
	drsBatchStatus = iota
	drsBatchProgress
	drsBatchRecovery
)

// cannedDRSBatch answers batch-status, batch-progress or
// batch-rpo-and-rto (kind): one result per job of the POSTed {"jobs": […]},
// paged as batch-status pages (page_req; per_page 5 when it is missing, 0
// for all, at most 100).
func cannedDRSBatch(req *http.Request, kind int) (int, string) {
	if req.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, `{"error_code":"DRS.M00001","error_msg":"Method not allowed."}` + "\n"
	}
	buf := readCannedBody(req)
	defer cannedBodyBuffers.Put(buf)
	cache := []*cannedCache{&cannedDRSStatusCache, &cannedDRSProgressCache, &cannedDRSRecoveryCache}[kind]
	if body, ok := cache.get(buf.Bytes()); ok {
		return http.StatusOK, body
	}
	var batch struct {
		Jobs    []string `json:"jobs"`
		PageReq *struct {
			CurPage int `json:"cur_page"`
			PerPage int `json:"per_page"`
		} `json:"page_req"`
	}
	if err := json.Unmarshal(buf.Bytes(), &batch); err != nil || len(batch.Jobs) == 0 {
		return cannedDRSError("The value of parameter jobs is invalid.")
	}
	jobs := batch.Jobs
	if kind == drsBatchStatus {
		cur, per := 1, 5
		if p := batch.PageReq; p != nil {
			cur, per = max(p.CurPage, 1), min(p.PerPage, 100)
			if per <= 0 {
				per = len(jobs)
			}
		}
		jobs = jobs[min((cur-1)*per, len(jobs)):min(cur*per, len(jobs))]
	}
	results := make([]json.RawMessage, len(jobs))
	for i, id := range jobs {
		switch kind {
		case drsBatchProgress:
			results[i] = cannedDRSProgressEntry(id)
		case drsBatchRecovery:
			results[i], _ = json.Marshal(map[string]any{"job_id": id,
				"rpo_info": map[string]string{"delay": "1200", "time": "2026-11-23 09:59:58", "gtid_set": "NA", "check_point": "mysql-bin.000514:197"},
				"rto_info": map[string]string{"delay": "3500", "time": "2026-11-23 09:59:58", "gtid_set": "NA", "check_point": "mysql-bin.000514:197"}})
		default:
			results[i], _ = json.Marshal(map[string]string{"id": id, "status": "INCRE_TRANSFER_STARTED"})
		}
	}
	b, _ := json.Marshal(map[string]any{"count": len(results), "results": results})
	body := string(b) + "\n"
	cache.put(buf.String(), body)
	return http.StatusOK, body
}

// cannedDRSProgressEntry is a job in its incremental phase: full migration
// done (every phase of progress_map at 100 %), a replication delay of a
// few seconds that differs from job to job, in both delay fields.
func cannedDRSProgressEntry(id string) json.RawMessage {
	h := fnv.New32a()
	_, _ = io.WriteString(h, id)
	delayMs := 800 + h.Sum32()%2400
	b, _ := json.Marshal(map[string]any{
		"progress":                 "100",
		"job_id":                   id,
		"incre_trans_delay":        strconv.Itoa(int(delayMs / 1000)),
		"incre_trans_delay_millis": strconv.Itoa(int(delayMs)),
		"task_mode":                "FULL_INCR_TRANS",
		"transfer_status":          "INCRE_TRANSFER_STARTED",
		"process_time":             "1795433971458",
		"remaining_time":           "0",
		"progress_map": map[string]any{
			"struct": map[string]any{"completed": "100%", "remaining_time": nil},
			"data":   map[string]any{"completed": "100%", "remaining_time": nil},
			"index":  map[string]any{"completed": "100%", "remaining_time": nil},
		},
	})
	return b
}

// cannedDRSJobList answers the job list (POST /v3/{project_id}/jobs) for
// the db_use_type asked for: the jobs of ids of that type, paged with
// cur_page and per_page, and total_record. It is asked once per discovery
// interval, so it is not cached.
func cannedDRSJobList(req *http.Request, ids []string) (int, string) {
	if req.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, `{"error_code":"DRS.M00001","error_msg":"Method not allowed."}` + "\n"
	}
	buf := readCannedBody(req)
	defer cannedBodyBuffers.Put(buf)
	var list struct {
		DBUseType string `json:"db_use_type"`
		CurPage   int    `json:"cur_page"`
		PerPage   int    `json:"per_page"`
	}
	if err := json.Unmarshal(buf.Bytes(), &list); err != nil || list.DBUseType == "" {
		return cannedDRSError("The value of parameter db_use_type is invalid.")
	}
	var all []map[string]any
	for i, id := range ids {
		if drsUseTypesCanned[i%len(drsUseTypesCanned)] != list.DBUseType {
			continue
		}
		all = append(all, map[string]any{
			"id": id, "name": fmt.Sprintf("DRS-orders-%04d", i), "status": "INCRE_TRANSFER_STARTED",
			"description": "", "create_time": "2026-11-23 08:00:00", "engine_type": "mysql", "net_type": "vpc",
			"billing_tag": false, "job_direction": "up", "db_use_type": list.DBUseType,
			"task_type": "FULL_INCR_TRANS", "node_newFramework": true,
		})
	}
	per := min(max(list.PerPage, 1), 100)
	first := min((max(list.CurPage, 1)-1)*per, len(all))
	page := all[first:min(first+per, len(all))]
	if page == nil {
		page = []map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"total_record": len(all), "jobs": page})
	return http.StatusOK, string(b) + "\n"
}

// cannedOMSTask is ShowTask for a running task (status 2) of a task group,
// half-way (progress 0.522) through 500 GiB at 100 MiB/s from AWS S3, the
// source listed (is_query_over), with every field of the API reference's
// answer; error_reason is "" as documented for a task that has not failed.
// {id} is the task's id.
const cannedOMSTask = `{"bandwidth_policy":[{"end":"06:00","max_bandwidth":209715200,"start":"00:00"}],` +
	`"complete_size":280246616064,"consistency_check":"size_last_modified","description":"orders archive, 2024 and 2025",` +
	`"dst_node":{"bucket":"obs-orders-archive","region":"cn-north-4","save_prefix":"archive/"},"dst_storage_policy":"STANDARD",` +
	`"enable_failed_object_recording":true,"enable_kms":false,"enable_metadata_migration":true,"enable_requester_pays":false,` +
	`"enable_restore":false,"error_reason":"","failed_num":3,"failed_object_record":{"result":false,"list_file_key":"","error_code":""},` +
	`"group_id":"9c3f1e2a-7b4d-4e8f-a6c5-0d2b8e4f1a37","group_type":"GROUP_TASK","id":{id},"is_query_over":true,` +
	`"left_time":2447360,"migrate_since":0,"migrate_speed":104857600,"name":"orders-archive-{id}",` +
	`"object_overwrite_mode":"SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE","progress":0.522,"real_size":535822336000,` +
	`"skip_record_error_reason":"","skipped_num":120,"smn_info":{"notify_result":false,"notify_error_message":"","topic_name":"oms-orders"},` +
	`"source_cdn":null,"src_node":{"app_id":"","bucket":"s3-orders","cloud_type":"AWS","list_file":null,` +
	`"object_key":["orders/2024/","orders/2025/"],"region":"eu-west-1"},"start_time":1795431271458,"status":2,` +
	`"success_record_error_reason":"","successful_num":652377,"task_priority":"MEDIUM","task_type":"prefix",` +
	`"total_num":1250000,"total_size":536870912000,"total_time":2672640}` + "\n"

// cannedOMSShowTask answers GET /v2/{project_id}/tasks/{task_id}.
func cannedOMSShowTask(req *http.Request) (int, string) {
	return cannedByPath(&cannedOMSCache, req, `{"error_code":"OMS.1009","error_msg":"No resources found."}`, func(p string) (string, bool) {
		id := p[strings.LastIndexByte(p, '/')+1:]
		_, err := strconv.ParseInt(id, 10, 64)
		return strings.ReplaceAll(cannedOMSTask, "{id}", id), err == nil
	})
}

// The canned answers of a DRS job's comparisons: a task list with a
// successful rows and object comparison (and the object overview when
// asked for with its id), and the rows comparison's overview.
const (
	cannedDRSCompareList    = `{"job_id":"j","compare_task_list_results":{"compare_task_list_count":3,"compare_task_list":[{"compare_task_id":"obj-1","compare_type":"object","compare_task_status":"SUCCESSFUL","create_time":"1795430000000","end_time":"1795430060000"},{"compare_task_id":"rows-1","compare_type":"lines","compare_task_status":"SUCCESSFUL","create_time":"1795431000000","end_time":"1795431600000"},{"compare_task_id":"cont-1","compare_type":"contents","compare_task_status":"RUNNING","create_time":"1795432000000","end_time":""}]}}` + "\n"
	cannedDRSCompareObjects = `{"job_id":"j","object_level_compare_results":{"compare_task_id":"obj-1","object_compare_overview":[{"object_type":"TABLE","object_compare_result":"CONSISTENT","source_count":42,"target_count":42,"diff_count":0}]},"compare_task_list_results":{"compare_task_list_count":3,"compare_task_list":[]}}` + "\n"
	cannedDRSLineOverview   = `{"total_count":1,"data_compare_overview_infos":[{"source_db_name":"orders","target_db_name":"orders","status":2,"compare_num":40,"compare_end_num":40,"data_inconsistent_num":0,"uncomparable_num":1}]}` + "\n"
)

// cannedDRSCompare answers query-compare-result: the object overview when
// the body names the object comparison, else the task list.
func cannedDRSCompare(req *http.Request) string {
	buf := readCannedBody(req)
	defer cannedBodyBuffers.Put(buf)
	if bytes.Contains(buf.Bytes(), []byte(`"object_level_compare_id"`)) {
		return cannedDRSCompareObjects
	}
	return cannedDRSCompareList
}

// cannedDRSMonitor is monitor-data of a job in its incremental phase.
const cannedDRSMonitor = `{"bandwidth":"3.2","is_src_normal":true,"is_dst_normal":true,"src_offset":"mysql-bin.000514:197",` +
	`"dst_offset":"mysql-bin.000514:190","src_delay":120,"dst_delay":2400,"src_rps":"900","dst_rps":"850","src_io":"12","dst_io":"10",` +
	`"trans_data":"10240","trans_lines":"9000000","used_volumes":"20","used_memory":"2048","used_cpu_percent":"35",` +
	`"node_volume_size":100,"node_memory_size":8192,"update_time":"2026-11-23 09:59:58","apply_rate":1048576}` + "\n"

// The canned CDM answers: a cluster list of two clusters (one normal, which
// holds every canned job, one stopped, with none), the normal cluster's
// job list (its NORMAL_JOB jobs, one page of at most 100; the stopped
// cluster and BATCH_JOB list none), and ShowJobStatus of a job migrating
// incrementally after its full load, in the documented shape (the
// misspelt last-udpate-user key; -1 for the file counters of a table
// migration).
const (
	cannedCDMCluster        = "7a9f2c1e-5b3d-4e8f-9a0b-1c2d3e4f5a6b"
	cannedCDMStoppedCluster = "8b0a3d2f-6c4e-4f9a-8b1c-2d3e4f5a6b7c"
	cannedCDMClusters       = `{"clusters":[{"id":"` + cannedCDMCluster + `","name":"cdm-prod","status":"200","statusDetail":"Normal","isFrozen":"0",` +
		`"created":"2026-11-30T08:38:25","azName":"cn-north-4a","flavorName":"cdm.large"},` +
		`{"id":"` + cannedCDMStoppedCluster + `","name":"cdm-archive","status":"900","statusDetail":"Stopped","isFrozen":"0",` +
		`"created":"2026-11-30T08:38:25","azName":"cn-north-4a","flavorName":"cdm.large"}]}` + "\n"
	cannedCDMStatus = `{"submissions":[{"job-name":"{name}","status":"RUNNING","progress":100,"isIncrementing":true,` +
		`"isStopingIncrement":"","is-execute-auto":false,"isDeleteJob":false,"creation-user":"cdm","last-udpate-user":"cdm",` +
		`"external-id":"job_local1127970451_0009","creation-date":1796000000000,"last-update-date":1796003600000,` +
		`"counters":{"org.apache.sqoop.submission.counter.SqoopCounters":{"ROWS_READ":2500000,"ROWS_WRITTEN":2500000,` +
		`"ROWS_WRITTEN_SKIPPED":0,"BYTES_READ":500000000,"BYTES_WRITTEN":500000000,"TOTAL_SIZE":-1,"TOTAL_FILES":-1,` +
		`"FILES_READ":-1,"FILES_WRITTEN":-1,"FILES_SKIPPED":-1}}}]}` + "\n"
)

// benchCDMJobIDs are n CDM task ids: jobs of the canned normal cluster.
func benchCDMJobIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = cannedCDMCluster + "/" + benchCDMJobName(i)
	}
	return ids
}

func benchCDMJobName(i int) string { return fmt.Sprintf("orders_incr_%05d", i) }

// cannedCDMJobList answers ShowJobs with job_name "all": jobs of the
// normal cluster of NORMAL_JOB (the default type), page page_no of
// page_size, and total; none for the stopped cluster or another type. It
// is asked once per discovery interval, so it is not cached.
func cannedCDMJobList(req *http.Request, jobs int) (int, string) {
	q := req.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page_no"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	if pageNo < 1 || size < 10 || size > 100 {
		return http.StatusBadRequest, `{"error_code":"Cdm.0003","error_msg":"Invalid page_no or page_size."}` + "\n"
	}
	if !strings.Contains(req.URL.Path, "/clusters/"+cannedCDMCluster+"/") || q.Get("jobType") == "BATCH_JOB" {
		jobs = 0
	}
	page := []map[string]any{}
	for i := (pageNo - 1) * size; i < min(pageNo*size, jobs); i++ {
		page = append(page, map[string]any{"name": benchCDMJobName(i), "job_type": "NORMAL_JOB",
			"from-link-name": "mysql-orders", "to-link-name": "dws-dw", "creation-date": 1796000000000})
	}
	b, _ := json.Marshal(map[string]any{"total": jobs, "jobs": page, "page_no": pageNo, "page_size": size})
	return http.StatusOK, string(b) + "\n"
}

// cannedCDMJobStatus answers GET …/cdm/job/{job_name}/status.
func cannedCDMJobStatus(req *http.Request) (int, string) {
	return cannedByPath(&cannedCDMCache, req, `{"error_code":"Cdm.0100","error_msg":"Job does not exist."}`, func(p string) (string, bool) {
		name := strings.TrimSuffix(p, "/status")
		return strings.ReplaceAll(cannedCDMStatus, "{name}", name[strings.LastIndexByte(name, '/')+1:]), true
	})
}

// cannedByPath answers a GET from cache by its path, building the answer
// with build the first time; build's false (or another method) is a 400
// with the body refusal.
func cannedByPath(cache *cannedCache, req *http.Request, refusal string, build func(path string) (string, bool)) (int, string) {
	p := req.URL.Path
	if body, ok := cache.getString(p); ok {
		return http.StatusOK, body
	}
	body, ok := build(p)
	if !ok || req.Method != http.MethodGet {
		return http.StatusBadRequest, refusal + "\n"
	}
	cache.put(p, body)
	return http.StatusOK, body
}
