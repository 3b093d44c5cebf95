package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOMS(t *testing.T) {
	cfg, err := Parse("cfg.yml", []byte(yml(
		"accounts:",
		"  - name: a",
		"    region: cn-north-4",
		"    project_id: p",
		"    endpoints:",
		"      oms: https://oms.cn-north-4.myhuaweicloud.com/",
		"    oms:",
		"      task_ids: [220621019041293]",
		"      group_ids: [0f2a6a4e-1c9d-4b1e-9d0a-1b2c3d4e5f60]",
		"      discover: true",
		"      discover_groups: true",
		"      discovery_interval: 10m",
		"      min_interval: 1m",
	)))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Accounts[0]
	if a.Endpoints.OMS != "https://oms.cn-north-4.myhuaweicloud.com" {
		t.Errorf("endpoint %q, want the trailing / trimmed", a.Endpoints.OMS)
	}
	want := OMS{TaskIDs: []string{"220621019041293"}, GroupIDs: []string{"0f2a6a4e-1c9d-4b1e-9d0a-1b2c3d4e5f60"},
		Discover: true, DiscoverGroups: true, DiscoveryInterval: 10 * time.Minute, MinInterval: time.Minute, TerminalInterval: DefaultTerminalInterval}
	if !reflect.DeepEqual(a.OMS, want) {
		t.Errorf("oms:\n got %+v\nwant %+v", a.OMS, want)
	}
	if got := a.OMS.Tasks(); !reflect.DeepEqual(got, Service{TaskIDs: want.TaskIDs, Discover: true,
		DiscoveryInterval: 10 * time.Minute, MinInterval: time.Minute, TerminalInterval: DefaultTerminalInterval}) {
		t.Errorf("Tasks() = %+v", got)
	}
	if got := a.OMS.Groups(); !reflect.DeepEqual(got, Service{TaskIDs: want.GroupIDs, Discover: true,
		DiscoveryInterval: 10 * time.Minute, MinInterval: time.Minute, TerminalInterval: DefaultTerminalInterval}) {
		t.Errorf("Groups() = %+v", got)
	}
}

// Discovering tasks does not discover groups, nor the other way round.
func TestOMSDiscoverySwitchesAreApart(t *testing.T) {
	o := OMS{DiscoverGroups: true}
	if o.Tasks().Discover || !o.Groups().Discover {
		t.Errorf("discover_groups alone: tasks %v, groups %v", o.Tasks().Discover, o.Groups().Discover)
	}
	o = OMS{Discover: true}
	if !o.Tasks().Discover || o.Groups().Discover {
		t.Errorf("discover alone: tasks %v, groups %v", o.Tasks().Discover, o.Groups().Discover)
	}
}

func TestOMSDefaults(t *testing.T) {
	cfg, err := Parse("cfg.yml", []byte(yml("accounts:", "  - {name: a, region: cn-north-4, project_id: p}")))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Accounts[0].OMS; !reflect.DeepEqual(got, OMS{DiscoveryInterval: DefaultDiscoveryInterval, TerminalInterval: DefaultTerminalInterval}) {
		t.Errorf("defaults: %+v", got)
	}
}

func TestLoadOMSErrors(t *testing.T) {
	checkLoadErrors(t, []loadErrorCase{{
		name: "unknown oms key suggests the known one",
		body: []string{"    oms:", "      discover_group: true"},
		want: []string{`cfg.yml:6: accounts[0].oms.discover_group: unknown field (did you mean "discover_groups"?)`},
	}, {
		name: "group_id for group_ids",
		body: []string{"    oms:", "      group_id: [g1]"},
		want: []string{`cfg.yml:6: accounts[0].oms.group_id: unknown field (did you mean "group_ids"?)`},
	}, {
		name: "misspelt oms block",
		body: []string{"    osm:", "      discover: true"},
		want: []string{`cfg.yml:5: accounts[0].osm: unknown field (did you mean "oms"?)`},
	}, {
		name: "misspelt oms endpoint",
		body: []string{"    endpoints:", "      omss: https://oms.example.com"},
		want: []string{`cfg.yml:6: accounts[0].endpoints.omss: unknown field (did you mean "oms"?)`},
	}, {
		name: "bad oms endpoint",
		body: []string{"    endpoints:", "      oms: ftp://oms.example.com"},
		want: []string{`cfg.yml:6: accounts[0].endpoints.oms: must be an absolute http or https URL`},
	}, {
		name: "bad and duplicate task and group ids",
		body: []string{"    oms:", "      task_ids:", "        - '1'", "        - a/b", "        - '1'",
			"      group_ids:", "        - g1", "        - ../g", "        - g1"},
		want: []string{
			`cfg.yml:8: accounts[0].oms.task_ids[1]: "a/b" is not a valid task ID`,
			`cfg.yml:9: accounts[0].oms.task_ids[2]: "1" is already listed as task_ids[0] (line 7)`,
			`cfg.yml:12: accounts[0].oms.group_ids[1]: "../g" is not a valid group ID (1 to 128 letters, digits, '_' or '-', starting with a letter or digit)`,
			`cfg.yml:13: accounts[0].oms.group_ids[2]: "g1" is already listed as group_ids[0] (line 11)`,
		},
	}, {
		name: "negative intervals",
		body: []string{"    oms:", "      discovery_interval: -1m", "      min_interval: -1s"},
		want: []string{
			`cfg.yml:6: accounts[0].oms.discovery_interval: must not be negative, got -1m0s`,
			`cfg.yml:7: accounts[0].oms.min_interval: must not be negative, got -1s`,
		},
	}, {
		name: "wrong kinds",
		body: []string{"    oms:", "      group_ids: g1", "      discover_groups: yes please"},
		want: []string{
			`cfg.yml:6: accounts[0].oms.group_ids: expected a list`,
			`cfg.yml:7: accounts[0].oms.discover_groups: expected true or false, got "yes please"`,
		},
	}})
}

func TestValidateOMS(t *testing.T) {
	err := validateOne(func(a *Account) {
		a.OMS.TaskIDs = []string{"1", "1"}
		a.OMS.GroupIDs = []string{"g", "g/h", "g"}
		a.OMS.DiscoveryInterval = 0
		a.Endpoints.OMS = "oms.example.com"
	})
	want := []string{
		`accounts[0].endpoints.oms: must be an absolute http or https URL`,
		`accounts[0].oms.task_ids[1]: "1" is already listed as task_ids[0]`,
		`accounts[0].oms.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)`,
		`accounts[0].oms.group_ids[1]: "g/h" is not a valid group ID (1 to 128 letters, digits, '_' or '-', starting with a letter or digit)`,
		`accounts[0].oms.group_ids[2]: "g" is already listed as group_ids[0]`,
	}
	if err == nil {
		t.Fatal("Validate accepted bad OMS settings")
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("error lines:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
