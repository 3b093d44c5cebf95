package config

import (
	"strings"
	"time"
)

// DefaultDiscoveryInterval is how long a discovered task list is reused when
// discovery_interval is not set (or 0).
const DefaultDiscoveryInterval = 5 * time.Minute

// DefaultVerifyInterval is how often the slow-changing answers (SMS
// consistency checks, DRS data comparisons) are read again when verify_interval is not set (or 0).
const DefaultVerifyInterval = 5 * time.Minute

// DefaultTerminalInterval is how often a task in a terminal state is read
// again when terminal_interval is not set (or 0).
const DefaultTerminalInterval = 10 * time.Minute

// DefaultMaxStaleness is how old an answer served in place of a task the
// scrape had no API budget left for may be, when max_staleness is not set
// (or 0).
const DefaultMaxStaleness = 5 * time.Minute

// DefaultRequestsPerSecond is an account's API request rate when
// requests_per_second is not set (or 0).
const DefaultRequestsPerSecond = 20

// ApplyDefaults fills every default and normalises values. It is the only
// place defaults live:
//
//   - a zero requests_per_second becomes DefaultRequestsPerSecond;
//   - a zero discovery_interval (of every service) becomes
//     DefaultDiscoveryInterval;
//   - a zero sms.verify_interval and drs.verify_interval become
//     DefaultVerifyInterval;
//   - a zero drs.batch_size becomes DefaultDRSBatchSize;
//   - a zero terminal_interval (of every service) becomes
//     DefaultTerminalInterval, a zero max_staleness DefaultMaxStaleness;
//   - trailing "/" are trimmed from endpoint URLs.
//
// Values that Validate rejects, such as a negative interval or a malformed
// URL, are left as they are, so that Validate reports them as given.
// ApplyDefaults is idempotent: calling it again changes nothing.
//
// Load, Parse and NewStaticHolder call it before Validate. A Config built in
// Go code needs it too: Validate reports a zero rate or interval rather than
// filling it in.
func (c *Config) ApplyDefaults() {
	if c == nil {
		return
	}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		if a.RequestsPerSecond == 0 {
			a.RequestsPerSecond = DefaultRequestsPerSecond
		}
		if a.MaxStaleness == 0 {
			a.MaxStaleness = DefaultMaxStaleness
		}
		a.Endpoints.DCS = normalizeEndpoint(a.Endpoints.DCS)
		a.Endpoints.SMS = normalizeEndpoint(a.Endpoints.SMS)
		a.Endpoints.DRS = normalizeEndpoint(a.Endpoints.DRS)
		a.DCS.applyDefaults()
		a.SMS.applyDefaults()
		if a.SMS.VerifyInterval == 0 {
			a.SMS.VerifyInterval = DefaultVerifyInterval
		}
		if a.DRS.DiscoveryInterval == 0 {
			a.DRS.DiscoveryInterval = DefaultDiscoveryInterval
		}
		if a.DRS.VerifyInterval == 0 {
			a.DRS.VerifyInterval = DefaultVerifyInterval
		}
		if a.DRS.BatchSize == 0 {
			a.DRS.BatchSize = DefaultDRSBatchSize
		}
		applyTerminal(&a.DRS.TerminalInterval)
		applyOMSDefaults(a)
		applyCDMDefaults(a)
	}
}

// applyEndpointAndDiscovery normalises a service's endpoint and fills its
// discovery interval's default.
func applyEndpointAndDiscovery(endpoint *string, discovery *time.Duration) {
	*endpoint = normalizeEndpoint(*endpoint)
	if *discovery == 0 {
		*discovery = DefaultDiscoveryInterval
	}
}

func (s *Service) applyDefaults() {
	if s.DiscoveryInterval == 0 {
		s.DiscoveryInterval = DefaultDiscoveryInterval
	}
	applyTerminal(&s.TerminalInterval)
}

// applyTerminal fills a service's terminal interval's default.
func applyTerminal(d *time.Duration) {
	if *d == 0 {
		*d = DefaultTerminalInterval
	}
}

// normalizeEndpoint trims the trailing "/" of a valid endpoint URL. An
// invalid one is kept as given: trimming could turn "/" into "", which
// means "not set".
func normalizeEndpoint(raw string) string {
	if raw == "" || endpointProblem(raw) != "" {
		return raw
	}
	return strings.TrimRight(raw, "/")
}
