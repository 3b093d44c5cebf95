package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	testCDMCluster = "bae65496-643e-47ca-84af-948672de7eeb"
	testCDMJob     = testCDMCluster + "/orders_full-load"
)

func TestParseCDM(t *testing.T) {
	cfg, err := Parse("cfg.yml", []byte(yml(
		"accounts:",
		"  - name: a",
		"    region: cn-north-4",
		"    project_id: p",
		"    endpoints:",
		"      cdm: https://cdm.cn-north-4.myhuaweicloud.com/",
		"    cdm:",
		"      job_ids: ['"+testCDMJob+"']",
		"      discover: true",
		"      discovery_interval: 10m",
		"      min_interval: 1m",
	)))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Accounts[0]
	if a.Endpoints.CDM != "https://cdm.cn-north-4.myhuaweicloud.com" {
		t.Errorf("endpoint %q, want the trailing / trimmed", a.Endpoints.CDM)
	}
	want := CDM{JobIDs: []string{testCDMJob}, Discover: true, DiscoveryInterval: 10 * time.Minute, MinInterval: time.Minute, TerminalInterval: DefaultTerminalInterval}
	if !reflect.DeepEqual(a.CDM, want) {
		t.Errorf("cdm:\n got %+v\nwant %+v", a.CDM, want)
	}
	if got := a.CDM.Service(); !reflect.DeepEqual(got, Service{TaskIDs: want.JobIDs, Discover: true,
		DiscoveryInterval: 10 * time.Minute, MinInterval: time.Minute, TerminalInterval: DefaultTerminalInterval}) {
		t.Errorf("Service() = %+v", got)
	}
}

func TestValidCDMJobID(t *testing.T) {
	for _, id := range []string{
		testCDMJob,
		"BAE65496-643E-47CA-84AF-948672DE7EEB/J",
		testCDMCluster + "/" + strings.Repeat("a", MaxCDMJobName),
	} {
		if !ValidCDMJobID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{
		"", "/", testCDMCluster, testCDMCluster + "/", "orders",
		"bae65496643e47ca84af948672de7eeb/orders",       // not a UUID's form
		"bae65496-643e-47ca-84af-948672de7eeg/orders",   // not hex
		testCDMCluster + "/a/b", testCDMCluster + "/..", // a "/" or ".." in the name
		testCDMCluster + "/a b", testCDMCluster + "/a%2Fb", testCDMCluster + "/jöb",
		testCDMCluster + "/" + strings.Repeat("a", 300),
		"../" + testCDMCluster + "/x",
	} {
		if ValidCDMJobID(id) {
			t.Errorf("%q accepted", id)
		}
	}
	cluster, name, ok := SplitCDMJobID(testCDMJob)
	if !ok || cluster != testCDMCluster || name != "orders_full-load" {
		t.Errorf("split: %q %q %v", cluster, name, ok)
	}
}

func TestLoadCDMErrors(t *testing.T) {
	long := strings.Repeat("x", 300)
	checkLoadErrors(t, []loadErrorCase{{
		name: "bad and duplicate job ids",
		body: []string{"    cdm:", "      job_ids:",
			"        - " + testCDMJob,
			"        - orders",
			"        - not-a-uuid/orders",
			"        - " + testCDMCluster + "/a/../b",
			"        - '" + testCDMCluster + "/my job'",
			"        - " + testCDMCluster + "/" + long,
			"        - " + testCDMJob,
			"        - " + testCDMCluster + "/.."},
		want: []string{
			`cfg.yml:8: accounts[0].cdm.job_ids[1]: "orders" is not "<cluster id>/<job name>" (a CDM job is "<cluster id>/<job name>")`,
			`cfg.yml:9: accounts[0].cdm.job_ids[2]: "not-a-uuid/orders" has a cluster id that is not a UUID (a CDM job is "<cluster id>/<job name>")`,
			`cfg.yml:10: accounts[0].cdm.job_ids[3]: "` + testCDMCluster + `/a/../b" has a job name that is not 1 to 240 letters, digits, '_' or '-' (a CDM job is "<cluster id>/<job name>")`,
			`cfg.yml:11: accounts[0].cdm.job_ids[4]: "` + testCDMCluster + `/my job" has a job name that is not 1 to 240 letters, digits, '_' or '-' (a CDM job is "<cluster id>/<job name>")`,
			`cfg.yml:12: accounts[0].cdm.job_ids[5]: "` + testCDMCluster + `/xxxxxxxxxxxxxxxxxxxxxxxxxxx"... has a job name that is not 1 to 240 letters, digits, '_' or '-' (a CDM job is "<cluster id>/<job name>")`,
			`cfg.yml:13: accounts[0].cdm.job_ids[6]: "` + testCDMJob + `" is already listed as job_ids[0] (line 7)`,
			`cfg.yml:14: accounts[0].cdm.job_ids[7]: "` + testCDMCluster + `/.." has a job name that is not 1 to 240 letters, digits, '_' or '-' (a CDM job is "<cluster id>/<job name>")`,
		},
	}, {
		name: "task_ids for job_ids",
		body: []string{"    cdm:", "      task_ids: []"},
		want: []string{`cfg.yml:6: accounts[0].cdm.task_ids: unknown field (known fields: job_ids, discover, discovery_interval, min_interval, terminal_interval)`},
	}, {
		name: "bad cdm endpoint and intervals",
		body: []string{"    endpoints:", "      cdm: ftp://cdm.example.com", "    cdm:", "      discovery_interval: -1m", "      min_interval: -1s"},
		want: []string{
			`cfg.yml:6: accounts[0].endpoints.cdm: must be an absolute http or https URL`,
			`cfg.yml:8: accounts[0].cdm.discovery_interval: must not be negative, got -1m0s`,
			`cfg.yml:9: accounts[0].cdm.min_interval: must not be negative, got -1s`,
		},
	}})
}

// loadErrorCase is an account's lines after its name, region and project
// (from line 5 of the file), and the errors Load gives.
type loadErrorCase struct {
	name string
	body []string
	want []string
}

// checkLoadErrors loads each case's file and checks its errors.
func checkLoadErrors(t *testing.T, cases []loadErrorCase) {
	t.Helper()
	head := []string{"accounts:", "  - name: a", "    region: cn-north-4", "    project_id: p"}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "cfg.yml", yml(append(append([]string{}, head...), tt.body...)...))
			cfg, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", cfg)
			}
			checkErrorLines(t, errorLines(err, dir), tt.want)
		})
	}
}
