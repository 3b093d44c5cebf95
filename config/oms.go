package config

import (
	"time"
)

// OMS selects the OMS (Object Storage Migration Service) tasks and task
// groups of an account. The exporter polls tasks and task groups apart
// (its `oms` and `oms_group` modules); discovery_interval and min_interval
// apply to both.
type OMS struct {
	TaskIDs []string `yaml:"task_ids"`
	// GroupIDs are task groups (a migration of many prefixes or of an
	// object list, which OMS splits into tasks).
	GroupIDs []string `yaml:"group_ids"`
	// Discover polls every task the list API returns, besides TaskIDs.
	Discover bool `yaml:"discover"`
	// DiscoverGroups polls every task group the list API returns, besides
	// GroupIDs.
	DiscoverGroups bool `yaml:"discover_groups"`
	// DiscoveryInterval is how long a discovered list (of tasks, of
	// groups) is reused; ApplyDefaults turns 0 into
	// DefaultDiscoveryInterval.
	DiscoveryInterval time.Duration `yaml:"discovery_interval"`
	// MinInterval, when set, serves a task's (or group's) last good answer
	// instead of calling the API again until it is this old.
	MinInterval time.Duration `yaml:"min_interval"`
	// TerminalInterval is how often a task (or group) in a terminal state
	// is read again; ApplyDefaults turns 0 into DefaultTerminalInterval.
	TerminalInterval time.Duration `yaml:"terminal_interval"`
}

// Tasks are the settings of the OMS tasks, in the shape every service has.
func (o OMS) Tasks() Service {
	return Service{TaskIDs: o.TaskIDs, Discover: o.Discover, DiscoveryInterval: o.DiscoveryInterval, MinInterval: o.MinInterval,
		TerminalInterval: o.TerminalInterval}
}

// Groups are the settings of the OMS task groups, in the shape every
// service has: the group ids stand in the task ids' place.
func (o OMS) Groups() Service {
	return Service{TaskIDs: o.GroupIDs, Discover: o.DiscoverGroups, DiscoveryInterval: o.DiscoveryInterval, MinInterval: o.MinInterval,
		TerminalInterval: o.TerminalInterval}
}

// applyOMSDefaults fills the defaults of an account's OMS settings and
// normalises its OMS endpoint (see ApplyDefaults).
func applyOMSDefaults(a *Account) {
	applyEndpointAndDiscovery(&a.Endpoints.OMS, &a.OMS.DiscoveryInterval)
	applyTerminal(&a.OMS.TerminalInterval)
}

// oms checks an account's OMS endpoint and settings: the task ids and the
// intervals as for any service, and the group ids by the same rule.
func (v *validator) oms(a Account, p string) {
	v.endpoint(p+".endpoints.oms", a.Endpoints.OMS)
	p += ".oms"
	v.service(a.OMS.Tasks(), p, "task_ids")
	v.ids(p, "group_ids", a.OMS.GroupIDs, "group ID")
}
