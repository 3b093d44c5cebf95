// Package config loads, validates and holds the exporter's YAML configuration.
package config

import "time"

// Config is the whole configuration file.
type Config struct {
	Accounts []Account `yaml:"accounts"`
}

// Account is one Huawei Cloud account/project whose migration tasks are polled.
type Account struct {
	// Name is the value of the `account` label; unique within the file.
	Name string `yaml:"name"`
	// Region picks the default endpoints (e.g. cn-north-4).
	Region string `yaml:"region"`
	// ProjectID is sent as X-Project-Id and fills the DCS paths.
	ProjectID string `yaml:"project_id"`
	// Credentials are optional; nil means the SDK provider chain.
	Credentials *Credentials `yaml:"credentials"`
	Endpoints   Endpoints    `yaml:"endpoints"`
	// RequestsPerSecond caps this account's API requests (all services,
	// all scrapes together); ApplyDefaults turns 0 into
	// DefaultRequestsPerSecond.
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	// MaxStaleness is how old a task's last good answer may be to be
	// served when a scrape runs out of API budget before reading the
	// task (marked stale); a task with no answer that young is down with
	// reason throttled_budget. ApplyDefaults turns 0 into
	// DefaultMaxStaleness.
	MaxStaleness time.Duration `yaml:"max_staleness"`
	DCS          Service       `yaml:"dcs"`
	SMS          Service       `yaml:"sms"`
	DRS          DRSService    `yaml:"drs"`
	OMS          OMS           `yaml:"oms"`
	CDM          CDM           `yaml:"cdm"`
	// TaskLabels give tasks user labels (a migration wave, an
	// application), exposed as migration_task_labels.
	TaskLabels []TaskLabel `yaml:"task_labels"`
}

// Credentials are an AK/SK pair and an optional security token. Each value
// may be given inline (with ${VAR} expansion) or read from a file.
type Credentials struct {
	AccessKey         Secret `yaml:"access_key"`
	AccessKeyFile     string `yaml:"access_key_file"`
	SecretKey         Secret `yaml:"secret_key"`
	SecretKeyFile     string `yaml:"secret_key_file"`
	SecurityToken     Secret `yaml:"security_token"`
	SecurityTokenFile string `yaml:"security_token_file"`
}

// Endpoints override the region's default API endpoints.
type Endpoints struct {
	DCS string `yaml:"dcs"`
	SMS string `yaml:"sms"`
	DRS string `yaml:"drs"`
	OMS string `yaml:"oms"`
	CDM string `yaml:"cdm"`
}

// Service selects the tasks of one migration service.
type Service struct {
	TaskIDs  []string `yaml:"task_ids"`
	Discover bool     `yaml:"discover"`
	// DiscoveryInterval is how long a discovered list is reused;
	// ApplyDefaults turns 0 into DefaultDiscoveryInterval (5m).
	DiscoveryInterval time.Duration `yaml:"discovery_interval"`
	// MinInterval, when set, serves a task's last good answer instead of
	// calling the API again until it is this old (default 0: every scrape).
	MinInterval time.Duration `yaml:"min_interval"`
	// VerifyInterval is how often a task's slow-changing answers (SMS
	// consistency checks, DRS data comparisons) are read again. Only the
	// sms and drs blocks read such answers: ApplyDefaults turns their 0
	// into DefaultVerifyInterval (5m), and Validate refuses the key in a
	// block that would ignore it.
	VerifyInterval time.Duration `yaml:"verify_interval"`
	// TerminalInterval is how often a task whose last answer was in a
	// terminal state (finished, failed, deleted) is read again; it is
	// served from that answer in between. ApplyDefaults turns 0 into
	// DefaultTerminalInterval.
	TerminalInterval time.Duration `yaml:"terminal_interval"`
}

// Secret is a string that never prints: fmt, logs and YAML marshalling show
// "<secret>" instead of the value.
type Secret string

const redacted = "<secret>"

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer so that %#v does not leak either.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// MarshalYAML implements yaml.Marshaler.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalText implements encoding.TextMarshaler (used by JSON and loggers).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// DefaultDRSBatchSize is how many DRS jobs one batch call asks about when
// batch_size is not set: another DRS batch API documents at most 10.
const DefaultDRSBatchSize = 10

// MaxDRSBatchSize is the most batch_size may be (batch-status pages at 100).
const MaxDRSBatchSize = 100

// DRSService selects the DRS jobs (database migration, synchronization and
// disaster-recovery jobs) of an account.
type DRSService struct {
	JobIDs   []string `yaml:"job_ids"`
	Discover bool     `yaml:"discover"`
	// DiscoveryInterval is how long the job list (ids, and the names of
	// drs_migration_job_info) is reused (default 5m).
	DiscoveryInterval time.Duration `yaml:"discovery_interval"`
	MinInterval       time.Duration `yaml:"min_interval"`
	// VerifyInterval is how often a job's data comparisons are read again
	// (default 5m).
	VerifyInterval time.Duration `yaml:"verify_interval"`
	// BatchSize is how many jobs one batch call asks about (default 10).
	BatchSize int `yaml:"batch_size"`
	// TerminalInterval is how often a job in a terminal state is read
	// again (default 10m).
	TerminalInterval time.Duration `yaml:"terminal_interval"`
}

// Service is the DRS block seen as any service's: job ids are task ids.
func (d DRSService) Service() Service {
	return Service{TaskIDs: d.JobIDs, Discover: d.Discover, DiscoveryInterval: d.DiscoveryInterval, MinInterval: d.MinInterval,
		VerifyInterval: d.VerifyInterval, TerminalInterval: d.TerminalInterval}
}
