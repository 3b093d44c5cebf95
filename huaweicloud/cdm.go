package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	cdmregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cdm/v1/region"
)

// APICDM is CDM (Cloud Data Migration, v1.1 API): the value of the `api`
// label, and the key of its endpoint.
const APICDM = "cdm"

// CDM operation names, the SDK's (services/cdm/v1).
const (
	OpListClusters  = "ListClusters"
	OpShowJobs      = "ShowJobs"
	OpShowJobStatus = "ShowJobStatus"
)

// cdmNotFound are CDM's "Job [%s] does not exist" codes: a job that does
// not exist (deleted, renamed) answers HTTP 400 with one of them.
var cdmNotFound = []string{"Cdm.0054", "Cdm.0100"}

// The CDM job types discovery lists (ShowJobs' jobType): single jobs and
// batch jobs. Scenario jobs are left out.
var cdmJobTypes = []string{"NORMAL_JOB", "BATCH_JOB"}

// cdmJobPageSize is the page size asked of ShowJobs (its largest).
const cdmJobPageSize = 100

// MaxCDMClusters bounds the clusters whose jobs one job list reads: each
// costs a call per job type and page, and a hostile cluster list could
// name thousands. The clusters past it are not listed (their jobs can
// still be configured).
const MaxCDMClusters = 200

// maxCDMJobPages bounds the pages of one cluster's jobs of one type: 100
// pages of 100 jobs.
const maxCDMJobPages = 100

// defaultCDMEndpoint is the CDM endpoint of a region: the SDK's CDM region
// table's when it knows the region, else https://cdm.{region}.myhuaweicloud.com,
// the pattern every entry of that table follows.
func defaultCDMEndpoint(region string) string {
	return tableEndpoint(cdmregion.SafeValueOf, APICDM, region)
}

// CDMCluster is one entry of GET /v1.1/{project_id}/clusters (ListClusters).
type CDMCluster struct {
	ID   Text `json:"id"`
	Name Text `json:"name"`
	// Status is a numeric code sent as a string: "200" is normal.
	Status       Text `json:"status"`
	StatusDetail Text `json:"statusDetail"`
	IsFrozen     Bool `json:"isFrozen"` // "0" or "1"
}

// CDMClusters is ListClusters' answer.
type CDMClusters struct {
	Clusters []CDMCluster `json:"clusters"`
}

// CDMJob is one job of ShowJobs (job_name "all"), with the cluster it was
// listed from.
type CDMJob struct {
	Name     Text `json:"name"`
	JobType  Text `json:"job_type"` // NORMAL_JOB, BATCH_JOB
	FromLink Text `json:"from-link-name"`
	ToLink   Text `json:"to-link-name"`
	// ClusterID and ClusterName are the cluster's, set by CDMJobs (not in
	// the answer).
	ClusterID   string `json:"-"`
	ClusterName string `json:"-"`
}

// cdmJobPage is one page of ShowJobs.
type cdmJobPage struct {
	Total Number   `json:"total"`
	Jobs  []CDMJob `json:"jobs"`
}

// CDMCounters are a run's Sqoop counters. -1 means "not applicable" (a
// file count of a table migration).
type CDMCounters struct {
	BytesRead          Number `json:"BYTES_READ"`
	BytesWritten       Number `json:"BYTES_WRITTEN"`
	RowsRead           Number `json:"ROWS_READ"`
	RowsWritten        Number `json:"ROWS_WRITTEN"`
	RowsWrittenSkipped Number `json:"ROWS_WRITTEN_SKIPPED"`
	TotalSize          Number `json:"TOTAL_SIZE"`
	TotalFiles         Number `json:"TOTAL_FILES"`
	FilesRead          Number `json:"FILES_READ"`
	FilesWritten       Number `json:"FILES_WRITTEN"`
	FilesSkipped       Number `json:"FILES_SKIPPED"`
}

// CDMSubmission is one run of a job: an entry of ShowJobStatus's
// submissions[].
type CDMSubmission struct {
	JobName Text `json:"job-name"`
	// Status is BOOTING, FAILURE_ON_SUBMIT, RUNNING, SUCCEEDED, FAILED,
	// UNKNOWN or NEVER_EXECUTED.
	Status Text `json:"status"`
	// Progress is 0 to 100, and -1 when the run failed.
	Progress       Number `json:"progress"`
	IsIncrementing Bool   `json:"isIncrementing"`
	// CreationDate and LastUpdateDate are ms since the epoch, sent as a
	// number by one edition and as a string by another.
	CreationDate   Timestamp `json:"creation-date"`
	LastUpdateDate Timestamp `json:"last-update-date"`
	ErrorSummary   Text      `json:"error-summary"`
	Counters       struct {
		Sqoop CDMCounters `json:"org.apache.sqoop.submission.counter.SqoopCounters"`
	} `json:"counters"`
}

// CDMJobStatus is ShowJobStatus's answer.
type CDMJobStatus struct {
	Submissions List[CDMSubmission] `json:"submissions"`
}

// Latest is the latest run: the submission created last (the first of
// those created at the same time, or without a creation date). ok is
// false when the job has no submission.
func (s CDMJobStatus) Latest() (latest CDMSubmission, ok bool) {
	best := -1.0
	for _, sub := range s.Submissions {
		at, known := sub.CreationDate.Value()
		if !known {
			at = 0
		}
		if !ok || at > best {
			latest, best, ok = sub, at, true
		}
	}
	return latest, ok
}

// cdmJobCall is the call of a job's resource (suffix "" or "/status"):
// the cluster id fills {cluster_id}, the job name is one path segment.
func cdmJobCall(operation, clusterID, jobName, suffix string) call {
	return call{api: APICDM, operation: operation, notFound: cdmNotFound,
		path:    "/v1.1/{project_id}/clusters/{cluster_id}/cdm/job/" + jobName + suffix,
		idParam: "cluster_id", id: clusterID}
}

// errCDMJobName is the error of a job name that is not one safe path
// segment.
var errCDMJobName = errors.New("the CDM job name is not safe in a URL path (letters, digits, '_' and '-' only)")

// CDMJobStatus reads the runs of a job (ShowJobStatus). A job name that
// would need escaping in the path ("/", "..", spaces, …) is refused before
// any request: the signature covers the path as the gateway reads it, and
// a "/" escaped or not would address another resource. The exporter
// validates job names before they get here.
func (c *Client) CDMJobStatus(ctx context.Context, clusterID, jobName string) (CDMJobStatus, error) {
	if !safeSegment(jobName) || !safeSegment(clusterID) {
		return CDMJobStatus{}, errCDMJobName
	}
	return getAs[CDMJobStatus](ctx, c, cdmJobCall(OpShowJobStatus, clusterID, jobName, "/status"))
}

// safeSegment reports whether s is one URL path segment that needs no
// escaping: letters, digits, '_' and '-', not empty.
func safeSegment(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return s != ""
}

// CDMClusters lists the project's clusters (ListClusters; not paged).
func (c *Client) CDMClusters(ctx context.Context) ([]CDMCluster, error) {
	l, err := getAs[CDMClusters](ctx, c, call{api: APICDM, operation: OpListClusters, path: "/v1.1/{project_id}/clusters"})
	return l.Clusters, err
}

// cdmJobPage reads one page (numbered from 1) of a cluster's jobs of one
// type (ShowJobs with job_name "all").
func (c *Client) cdmJobPage(ctx context.Context, clusterID, jobType string, pageNo int) (cdmJobPage, error) {
	cl := cdmJobCall(OpShowJobs, clusterID, "all", "")
	cl.query = url.Values{"page_no": {strconv.Itoa(pageNo)}, "page_size": {strconv.Itoa(cdmJobPageSize)}, "jobType": {jobType}}
	return getAs[cdmJobPage](ctx, c, cl)
}

// CDMJobs lists the jobs of every cluster (at most MaxCDMClusters), of
// the types NORMAL_JOB and BATCH_JOB, each entry with its cluster's id
// and name. A cluster without a usable id is skipped. Any list that fails
// fails the whole: the caller keeps its last good list.
func (c *Client) CDMJobs(ctx context.Context) ([]CDMJob, error) {
	clusters, err := c.CDMClusters(ctx)
	if err != nil {
		return nil, err
	}
	var all []CDMJob
	for _, cl := range clusters[:min(len(clusters), MaxCDMClusters)] {
		id := string(cl.ID)
		if id == "" {
			continue
		}
		for _, jobType := range cdmJobTypes {
			jobs, err := c.cdmJobsOf(ctx, id, string(cl.Name), jobType)
			if err != nil {
				return nil, err
			}
			all = append(all, jobs...)
		}
	}
	return all, nil
}

// cdmJobsOf pages through a cluster's jobs of one type: page_no from 1,
// until a page shorter than asked, an empty one, or total jobs, at most
// maxCDMJobPages pages.
func (c *Client) cdmJobsOf(ctx context.Context, clusterID, clusterName, jobType string) ([]CDMJob, error) {
	var jobs []CDMJob
	for pageNo := 1; pageNo <= maxCDMJobPages; pageNo++ {
		p, err := c.cdmJobPage(ctx, clusterID, jobType, pageNo)
		if err != nil {
			return nil, fmt.Errorf("listing the %s jobs of cluster %s: %w", jobType, clusterID, err)
		}
		for _, j := range p.Jobs {
			j.ClusterID, j.ClusterName = clusterID, clusterName
			if j.JobType == "" {
				j.JobType = Text(jobType)
			}
			jobs = append(jobs, j)
		}
		total := countOrUnknown(p.Total)
		if len(p.Jobs) < cdmJobPageSize || (total >= 0 && len(jobs) >= total) {
			return jobs, nil
		}
	}
	return nil, &DecodeError{Err: fmt.Errorf("the %s jobs of cluster %s did not end after %d pages", jobType, clusterID, maxCDMJobPages)}
}
