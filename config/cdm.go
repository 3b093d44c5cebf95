package config

import (
	"regexp"
	"strings"
	"time"
)

// CDM selects the CDM (Cloud Data Migration) jobs of an account. A CDM
// job is addressed by its name within a cluster, so its task id is
// "<cluster id>/<job name>".
type CDM struct {
	JobIDs []string `yaml:"job_ids"`
	// Discover polls every NORMAL_JOB and BATCH_JOB job of every cluster,
	// besides JobIDs.
	Discover bool `yaml:"discover"`
	// DiscoveryInterval is how long the job list (ids, and the labels of
	// cdm_migration_job_info) is reused; ApplyDefaults turns 0 into
	// DefaultDiscoveryInterval.
	DiscoveryInterval time.Duration `yaml:"discovery_interval"`
	// MinInterval, when set, serves a job's last good answer instead of
	// calling the API again until it is this old.
	MinInterval time.Duration `yaml:"min_interval"`
	// TerminalInterval is how often a job whose latest run ended (and is
	// not incremental) is read again; ApplyDefaults turns 0 into
	// DefaultTerminalInterval.
	TerminalInterval time.Duration `yaml:"terminal_interval"`
}

// Service is the CDM block seen as any service's: job ids are task ids.
func (c CDM) Service() Service {
	return Service{TaskIDs: c.JobIDs, Discover: c.Discover, DiscoveryInterval: c.DiscoveryInterval, MinInterval: c.MinInterval,
		TerminalInterval: c.TerminalInterval}
}

var (
	// cdmClusterRE is a cluster id: a UUID.
	cdmClusterRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// cdmJobNameRE is a job name as CDM allows it: letters, digits, '_'
	// and '-', at most MaxCDMJobName characters. Nothing else is safe as
	// one segment of a URL path.
	cdmJobNameRE = pattern{regexp.MustCompile(`^[A-Za-z0-9_-]+$`), MaxCDMJobName}
)

// MaxCDMJobName is the longest CDM job name accepted, in characters.
const MaxCDMJobName = 240

// SplitCDMJobID splits a CDM task id "<cluster id>/<job name>" at its
// first "/". ok is false when there is none.
func SplitCDMJobID(id string) (clusterID, jobName string, ok bool) {
	return strings.Cut(id, "/")
}

// cdmJobIDProblem says what is wrong with a CDM task id, or returns "".
func cdmJobIDProblem(id string) string {
	cluster, name, ok := SplitCDMJobID(id)
	switch {
	case !ok:
		return `is not "<cluster id>/<job name>"`
	case !cdmClusterRE.MatchString(cluster):
		return "has a cluster id that is not a UUID"
	case !cdmJobNameRE.MatchString(name):
		return "has a job name that is not 1 to 240 letters, digits, '_' or '-'"
	}
	return ""
}

// ValidCDMJobID reports whether id is a valid CDM task id: a cluster id
// (a UUID), "/", and a job name of letters, digits, '_' and '-', both
// safe in a URL path. It is the rule Validate applies to cdm.job_ids, for
// ids discovered or probed at run time.
func ValidCDMJobID(id string) bool { return cdmJobIDProblem(id) == "" }

// applyCDMDefaults fills the defaults of an account's CDM settings and
// normalises its CDM endpoint (see ApplyDefaults).
func applyCDMDefaults(a *Account) {
	applyEndpointAndDiscovery(&a.Endpoints.CDM, &a.CDM.DiscoveryInterval)
	applyTerminal(&a.CDM.TerminalInterval)
}

// cdm checks an account's CDM endpoint and settings: the job ids by the
// CDM rule, the intervals as for any service.
func (v *validator) cdm(a Account, p string) {
	v.endpoint(p+".endpoints.cdm", a.Endpoints.CDM)
	p += ".cdm"
	v.idsBy(p, "job_ids", a.CDM.JobIDs, func(id string) string {
		if msg := cdmJobIDProblem(id); msg != "" {
			return quote(id) + " " + msg + ` (a CDM job is "<cluster id>/<job name>")`
		}
		return ""
	})
	v.intervals(a.CDM.Service(), p)
}
