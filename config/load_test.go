package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// yml joins lines into a YAML document, so that line n of the file is
// argument n (1-based) and expected line numbers can be read off the test.
func yml(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// writeFile writes content to dir/name and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// errorLines returns the lines of err's message with dir+"/" removed, so that
// they start with "cfg.yml:N: ".
func errorLines(err error, dir string) []string {
	msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	return strings.Split(msg, "\n")
}

func exampleConfig(skFile string) string {
	return yml(
		"accounts:",
		"  - name: prod",
		"    region: cn-north-4",
		"    project_id: 0504a1b2c3d4e5f60718293a4b5c6d7e",
		"    credentials:",
		"      access_key: ${HWC_AK}",
		"      secret_key_file: "+skFile,
		"    endpoints:",
		"      dcs: https://dcs.eu-de.otc.t-systems.com",
		"      sms: https://sms.ap-southeast-3.myhuaweicloud.com",
		"    dcs:",
		"      task_ids: [31c6fd2b-2893-430b-90ff-d1adb8060585]",
		"      discover: false",
		"    sms:",
		"      task_ids: []",
		"      discover: true",
		"      discovery_interval: 10m",
	)
}

func TestLoadExample(t *testing.T) {
	dir := t.TempDir()
	skFile := writeFile(t, dir, "hwc_sk", "SK-from-file\n")
	t.Setenv("HWC_AK", "AK-from-env")
	path := writeFile(t, dir, "migration_exporter.yml", exampleConfig(skFile))

	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := &Config{Accounts: []Account{{
		Name:      "prod",
		Region:    "cn-north-4",
		ProjectID: "0504a1b2c3d4e5f60718293a4b5c6d7e",
		Credentials: &Credentials{
			AccessKey:     "AK-from-env",
			SecretKey:     "SK-from-file",
			SecretKeyFile: skFile,
		},
		Endpoints: Endpoints{
			DCS: "https://dcs.eu-de.otc.t-systems.com",
			SMS: "https://sms.ap-southeast-3.myhuaweicloud.com",
		},
		RequestsPerSecond: DefaultRequestsPerSecond,
		MaxStaleness:      DefaultMaxStaleness,
		DCS: Service{
			TaskIDs:           []string{"31c6fd2b-2893-430b-90ff-d1adb8060585"},
			DiscoveryInterval: DefaultDiscoveryInterval,
			TerminalInterval:  DefaultTerminalInterval,
		},
		SMS: Service{
			TaskIDs:           []string{},
			Discover:          true,
			DiscoveryInterval: 10 * time.Minute,
			VerifyInterval:    DefaultVerifyInterval,
			TerminalInterval:  DefaultTerminalInterval,
		},
		DRS: DRSService{DiscoveryInterval: DefaultDiscoveryInterval, VerifyInterval: DefaultVerifyInterval, BatchSize: DefaultDRSBatchSize,
			TerminalInterval: DefaultTerminalInterval},
		OMS: OMS{DiscoveryInterval: DefaultDiscoveryInterval, TerminalInterval: DefaultTerminalInterval},
		CDM: CDM{DiscoveryInterval: DefaultDiscoveryInterval, TerminalInterval: DefaultTerminalInterval},
	}}}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load:\n got %#v\nwant %#v", cfg, want)
	}
	// %#v above hides secrets, so compare them explicitly too.
	if c := cfg.Accounts[0].Credentials; c.AccessKey != "AK-from-env" || c.SecretKey != "SK-from-file" {
		t.Errorf("secrets not loaded: AK ok=%v, SK ok=%v", c.AccessKey == "AK-from-env", c.SecretKey == "SK-from-file")
	}
}

func TestLoadValid(t *testing.T) {
	const head = "accounts:\n  - name: a\n    region: cn-north-4\n    project_id: p\n"
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		check func(t *testing.T, cfg *Config)
	}{{
		name: "minimal account is idle but valid",
		yaml: head,
		check: func(t *testing.T, cfg *Config) {
			a := cfg.Accounts[0]
			if a.Credentials != nil || a.DCS.TaskIDs != nil || a.DCS.Discover || a.SMS.Discover {
				t.Errorf("unexpected values: %+v", a)
			}
			if a.DCS.DiscoveryInterval != DefaultDiscoveryInterval || a.SMS.DiscoveryInterval != DefaultDiscoveryInterval {
				t.Errorf("default discovery interval not filled: %v, %v", a.DCS.DiscoveryInterval, a.SMS.DiscoveryInterval)
			}
		},
	}, {
		name: "env expansion, escapes, lone dollar and empty variable",
		yaml: "accounts:\n  - name: ${N}-${EMPTY}x\n    region: ${R}\n    project_id: p\n" +
			"    credentials: {access_key: '$${AK}', secret_key: a$b$}\n    endpoints: {dcs: 'http://${H}/$x/$$y$'}\n",
		env: map[string]string{"N": "acc", "EMPTY": "", "R": "eu-de", "H": "h:80"},
		check: func(t *testing.T, cfg *Config) {
			a := cfg.Accounts[0]
			if a.Name != "acc-x" || a.Region != "eu-de" || a.Endpoints.DCS != "http://h:80/$x/$$y$" {
				t.Errorf("name, region, endpoint = %q, %q, %q", a.Name, a.Region, a.Endpoints.DCS)
			}
			if a.Credentials.AccessKey != "${AK}" || a.Credentials.SecretKey != "a$b$" {
				t.Error("escaped or lone $ in secrets not kept literally")
			}
		},
	}, {
		name: "bool and duration from env, zero interval, null sections",
		yaml: head + "    credentials:\n    endpoints: ~\n    dcs:\n      discover: ${D}\n      discovery_interval: ${I}\n" +
			"    sms:\n      discover: TRUE\n      discovery_interval: 0\n",
		env: map[string]string{"D": "true", "I": "90s"},
		check: func(t *testing.T, cfg *Config) {
			a := cfg.Accounts[0]
			if a.Credentials != nil {
				t.Error("null credentials should stay nil")
			}
			if !a.DCS.Discover || a.DCS.DiscoveryInterval != 90*time.Second {
				t.Errorf("dcs = %+v", a.DCS)
			}
			if !a.SMS.Discover || a.SMS.DiscoveryInterval != DefaultDiscoveryInterval {
				t.Errorf("sms = %+v", a.SMS)
			}
		},
	}, {
		name: "a trailing empty document is ignored",
		yaml: head + "---\n",
		check: func(t *testing.T, cfg *Config) {
			if len(cfg.Accounts) != 1 {
				t.Errorf("accounts = %d", len(cfg.Accounts))
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := Parse("cfg.yml", []byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, cfg)
		})
	}
}

func TestParseAnchorsAndTrimming(t *testing.T) {
	data := yml(
		"accounts:",
		"  - &base",
		"    name: a",
		"    region: cn-north-4",
		"    project_id: p",
		"    credentials: &creds {access_key: ak, secret_key: sk, security_token: st}",
		"    endpoints: {dcs: 'http://127.0.0.1:8080/base/', sms: 'https://sms.example.com/'}",
		"  - name: b",
		"    region: eu-de",
		"    project_id: q",
		"    credentials: *creds",
	)
	cfg, err := Parse("cfg.yml", []byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	a, b := cfg.Accounts[0], cfg.Accounts[1]
	if a.Endpoints.DCS != "http://127.0.0.1:8080/base" || a.Endpoints.SMS != "https://sms.example.com" {
		t.Errorf("endpoints = %+v", a.Endpoints)
	}
	if b.Credentials == nil || b.Credentials.AccessKey != "ak" || b.Credentials.SecurityToken != "st" {
		t.Error("credentials alias not decoded")
	}
}

func TestLoadRelativeSecretFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "sk", "  secret with spaces \t\r\n\n")
	path := writeFile(t, dir, "cfg.yml", yml(
		"accounts:",
		"  - name: a",
		"    region: cn-north-4",
		"    project_id: p",
		"    credentials: {access_key: ak, secret_key_file: sk}",
	))
	t.Chdir(t.TempDir()) // relative to the file, not to the working directory
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cfg.Accounts[0].Credentials.SecretKey; got != "  secret with spaces" {
		t.Errorf("secret_key not read or not trimmed right (len %d)", len(got))
	}

	// Parse resolves relative paths against the working directory.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("cfg.yml", data); err == nil {
		t.Error("Parse: relative secret file found outside the working directory")
	}
	t.Chdir(dir)
	if _, err := Parse("cfg.yml", data); err != nil {
		t.Errorf("Parse in the file's directory: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

// TestLoadErrors checks that each problem is reported, once, with its file,
// line, path and message. want lists prefixes of the error's lines, in order.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		files map[string]string // written next to the config file
		want  []string
	}{{
		name: "unknown top-level key",
		yaml: yml("accounts:", "  - {name: a, region: eu-de, project_id: p}", "acounts: []"),
		want: []string{`cfg.yml:3: acounts: unknown field (did you mean "accounts"?)`},
	}, {
		name: "unknown key without suggestion lists the known ones",
		yaml: yml("accounts:", "  - {name: a, region: eu-de, project_id: p}", "listen: :9000"),
		want: []string{`cfg.yml:3: listen: unknown field (known fields: accounts)`},
	}, {
		name: "unknown account key",
		yaml: yml("accounts:", "  - name: a", "    regoin: cn-north-4", "    project_id: p"),
		want: []string{
			`cfg.yml:2: accounts[0].region: is required`,
			`cfg.yml:3: accounts[0].regoin: unknown field (did you mean "region"?)`,
		},
	}, {
		name: "unknown credentials key",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    credentials:", "      secret_key: s", "      acess_key: x"),
		want: []string{
			`cfg.yml:5: accounts[0].credentials.access_key: access_key and secret_key must be given together`,
			`cfg.yml:7: accounts[0].credentials.acess_key: unknown field (did you mean "access_key"?)`,
		},
	}, {
		name: "unknown endpoints key",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    endpoints:", "      dsc: https://dcs.example.com"),
		want: []string{`cfg.yml:6: accounts[0].endpoints.dsc: unknown field (did you mean "dcs"?)`},
	}, {
		name: "unknown dcs key",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    dcs:", "      task_id: [t1]"),
		want: []string{`cfg.yml:6: accounts[0].dcs.task_id: unknown field (did you mean "task_ids"?)`},
	}, {
		name: "unknown sms key in camel case",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    sms:", "      discover: true", "      discoveryInterval: 1m"),
		want: []string{`cfg.yml:7: accounts[0].sms.discoveryInterval: unknown field (did you mean "discovery_interval"?)`},
	}, {
		name: "keys are not expanded",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    ${K}: x"),
		env:  map[string]string{"K": "sms"},
		want: []string{`cfg.yml:5: accounts[0].${K}: unknown field (known fields: name, region, project_id, credentials, endpoints, requests_per_second, max_staleness, dcs, sms, drs, oms, cdm, task_labels)`},
	}, {
		name: "duplicate account name",
		yaml: yml("accounts:", "  - name: prod", "    region: eu-de", "    project_id: p",
			"  - name: prod", "    region: eu-de", "    project_id: q"),
		want: []string{`cfg.yml:5: accounts[1].name: "prod" is used by accounts[0] too (line 2)`},
	}, {
		name: "missing name, region and project_id",
		yaml: yml("accounts:", "  - name: ok", "    region: eu-de", "    project_id: p", "  - dcs: {discover: true}"),
		want: []string{
			`cfg.yml:5: accounts[1].name: is required`,
			`cfg.yml:5: accounts[1].region: is required`,
			`cfg.yml:5: accounts[1].project_id: is required`,
		},
	}, {
		name: "bad name, region and project_id",
		yaml: yml("accounts:", "  - name: prod env", "    region: CN-North-4", "    project_id: 0504a1b2/c3"),
		want: []string{
			`cfg.yml:2: accounts[0].name: "prod env" is not a valid name`,
			`cfg.yml:3: accounts[0].region: "CN-North-4" is not a valid region (e.g. cn-north-4)`,
			`cfg.yml:4: accounts[0].project_id: "0504a1b2/c3" is not a valid project ID`,
		},
	}, {
		name: "region without a dash",
		yaml: yml("accounts:", "  - name: a", "    region: europe", "    project_id: p"),
		want: []string{`cfg.yml:3: accounts[0].region: "europe" is not a valid region`},
	}, {
		name: "bad task ids",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    sms:", "      task_ids:",
			"        - ok-1", "        - a/b", "        - ..", "        - a b", "        - '%2e'", "        - x?y", "        - _x", "        - ''"),
		want: []string{
			`cfg.yml:8: accounts[0].sms.task_ids[1]: "a/b" is not a valid task ID`,
			`cfg.yml:9: accounts[0].sms.task_ids[2]: ".." is not a valid task ID`,
			`cfg.yml:10: accounts[0].sms.task_ids[3]: "a b" is not a valid task ID`,
			`cfg.yml:11: accounts[0].sms.task_ids[4]: "%2e" is not a valid task ID`,
			`cfg.yml:12: accounts[0].sms.task_ids[5]: "x?y" is not a valid task ID`,
			`cfg.yml:13: accounts[0].sms.task_ids[6]: "_x" is not a valid task ID`,
			`cfg.yml:14: accounts[0].sms.task_ids[7]: "" is not a valid task ID`,
		},
	}, {
		name: "task id too long",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    dcs:",
			"      task_ids: [x"+strings.Repeat("0", 128)+"]"),
		want: []string{`cfg.yml:6: accounts[0].dcs.task_ids[0]: "x000`},
	}, {
		name: "duplicate task id",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    dcs:",
			"      task_ids:", "        - t1", "        - t2", "        - t1"),
		want: []string{`cfg.yml:9: accounts[0].dcs.task_ids[2]: "t1" is already listed as task_ids[0] (line 7)`},
	}, {
		name: "unset environment variables",
		yaml: yml("accounts:", "  - name: a", "    region: ${REGION}", "    project_id: p",
			"    credentials:", "      access_key: ${HWC_AK}", "      secret_key: ${HWC_SK}"),
		env: map[string]string{"REGION": "eu-de"},
		want: []string{
			`cfg.yml:6: accounts[0].credentials.access_key: environment variable HWC_AK is not set`,
			`cfg.yml:7: accounts[0].credentials.secret_key: environment variable HWC_SK is not set`,
		},
	}, {
		name: "env values never inject YAML structure",
		yaml: yml("accounts:", "  - name: ${N}", "    region: eu-de", "    project_id: p", "    dcs:",
			"      task_ids: ['${T}']", "    sms:", "      task_ids:", "        - ${T}"),
		env: map[string]string{"N": "a\nregion: x", "T": "t1, t2]\n      discover: true #"},
		want: []string{
			`cfg.yml:2: accounts[0].name: "a\nregion: x" is not a valid name`,
			`cfg.yml:6: accounts[0].dcs.task_ids[0]: "t1, t2]\n      discover: true #" is not a valid task ID`,
			`cfg.yml:9: accounts[0].sms.task_ids[0]: "t1, t2]\n      discover: true #" is not a valid task ID`,
		},
	}, {
		name: "invalid variable references",
		yaml: yml("accounts:", "  - name: ${1A}", "    region: ${REGION", "    project_id: ${A-B}"),
		want: []string{
			`cfg.yml:2: accounts[0].name: invalid "${...}" reference`,
			`cfg.yml:3: accounts[0].region: "${" without a closing "}"`,
			`cfg.yml:4: accounts[0].project_id: invalid "${...}" reference`,
		},
	}, {
		name: "both secret_key and secret_key_file",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    credentials:",
			"      access_key: ak", "      secret_key: sk", "      secret_key_file: sk.txt"),
		files: map[string]string{"sk.txt": "sk2"},
		want:  []string{`cfg.yml:8: accounts[0].credentials.secret_key_file: cannot be combined with secret_key; give one of them`},
	}, {
		name: "missing and empty secret files",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    credentials:",
			"      access_key_file: ak.txt", "      secret_key_file: nope.txt", "      security_token_file: ${TOKEN_FILE}"),
		files: map[string]string{"ak.txt": " \n\n"},
		want: []string{
			`cfg.yml:6: accounts[0].credentials.access_key_file: file "ak.txt" is empty`,
			`cfg.yml:7: accounts[0].credentials.secret_key_file: cannot read file "nope.txt": no such file or directory`,
			`cfg.yml:8: accounts[0].credentials.security_token_file: environment variable TOKEN_FILE is not set`,
		},
	}, {
		name: "access_key without secret_key",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    credentials:",
			"      access_key: ak", "      security_token: st"),
		want: []string{`cfg.yml:5: accounts[0].credentials.secret_key: access_key and secret_key must be given together`},
	}, {
		name: "empty credentials",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    credentials: {}"),
		want: []string{
			`cfg.yml:5: accounts[0].credentials.access_key: is required (credentials need access_key and secret_key; remove credentials`,
			`cfg.yml:5: accounts[0].credentials.secret_key: is required`,
		},
	}, {
		name: "bad endpoint URLs",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    endpoints:",
			"      dcs: ftp://dcs.example.com", "      sms: https:///v1",
			"  - name: b", "    region: eu-de", "    project_id: p", "    endpoints:",
			"      dcs: https://dcs.example.com?x=1", "      sms: https://user:pa55word@sms.example.com",
			"  - name: c", "    region: eu-de", "    project_id: p", "    endpoints:",
			"      dcs: dcs.example.com", "      sms: https://sms.example.com/#frag",
			"  - name: d", "    region: eu-de", "    project_id: p", "    endpoints:",
			"      dcs: 'http://[::1'", "      sms: https:sms.example.com"),
		want: []string{
			`cfg.yml:6: accounts[0].endpoints.dcs: must be an absolute http or https URL`,
			`cfg.yml:7: accounts[0].endpoints.sms: must have a host`,
			`cfg.yml:12: accounts[1].endpoints.dcs: must not have a query`,
			`cfg.yml:13: accounts[1].endpoints.sms: must not contain user info`,
			`cfg.yml:18: accounts[2].endpoints.dcs: must be an absolute http or https URL`,
			`cfg.yml:19: accounts[2].endpoints.sms: must not have a fragment`,
			`cfg.yml:24: accounts[3].endpoints.dcs: invalid URL: missing ']' in host`,
			`cfg.yml:25: accounts[3].endpoints.sms: must have a host`,
		},
	}, {
		name: "negative and malformed discovery_interval",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    dcs: {discovery_interval: -1m}", "    sms: {discovery_interval: 300}"),
		want: []string{
			`cfg.yml:5: accounts[0].dcs.discovery_interval: must not be negative, got -1m0s`,
			`cfg.yml:6: accounts[0].sms.discovery_interval: invalid duration "300" (use a number with a unit`,
		},
	}, {
		name: "wrong node kinds",
		yaml: yml("accounts:", "  - name: [a]", "    region: eu-de", "    project_id: p",
			"    credentials: AKSOMETHING", "    dcs:", "      task_ids: abc", "      discover: maybe",
			"    sms: [x]"),
		want: []string{
			`cfg.yml:2: accounts[0].name: expected a string, got a list`,
			`cfg.yml:5: accounts[0].credentials: expected a mapping, got a scalar value`,
			`cfg.yml:7: accounts[0].dcs.task_ids: expected a list, got a scalar value`,
			`cfg.yml:8: accounts[0].dcs.discover: expected true or false, got "maybe"`,
			`cfg.yml:9: accounts[0].sms: expected a mapping, got a list`,
		},
	}, {
		name: "accounts is not a list",
		yaml: yml("accounts:", "  name: a"),
		want: []string{`cfg.yml:2: accounts: expected a list, got a mapping`},
	}, {
		name: "document is not a mapping",
		yaml: yml("- name: a"),
		want: []string{`cfg.yml:1: expected a mapping, got a list`},
	}, {
		name: "YAML syntax error",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de: x", "    project_id: p"),
		want: []string{`cfg.yml:3: mapping values are not allowed in this context`},
	}, {
		name: "wrongly indented key (yaml.v3 says line 1)",
		yaml: yml("accounts:", "  - name: a", "   region: eu-de", "    project_id: p"),
		want: []string{`cfg.yml:3: did not find expected '-' indicator`},
	}, {
		name: "key indented less than its mapping (yaml.v3 says line 1)",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "  project_id: p"),
		want: []string{`cfg.yml:4: did not find expected '-' indicator`},
	}, {
		name: "unclosed flow list",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    dcs: {task_ids: [a, b}"),
		want: []string{`cfg.yml:5: did not find expected ',' or ']'`},
	}, {
		name: "YAML error without line",
		yaml: yml("accounts:", "  - name: a", "    region: *nope"),
		want: []string{`cfg.yml: unknown anchor 'nope' referenced`},
	}, {
		name: "empty file",
		yaml: "",
		want: []string{`cfg.yml: accounts: at least one account is required`},
	}, {
		name: "only comments",
		yaml: yml("# nothing", "# here"),
		want: []string{`cfg.yml: accounts: at least one account is required`},
	}, {
		name: "no accounts",
		yaml: yml("# header", "accounts: []"),
		want: []string{`cfg.yml:2: accounts: at least one account is required`},
	}, {
		name: "null accounts",
		yaml: yml("accounts:"),
		want: []string{`cfg.yml:1: accounts: at least one account is required`},
	}, {
		name: "duplicate keys",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p", "    region: cn-north-4",
			"accounts: []"),
		want: []string{
			`cfg.yml:5: accounts[0].region: duplicate key (first given on line 3)`,
			`cfg.yml:6: accounts: duplicate key (first given on line 1)`,
		},
	}, {
		name: "merge keys and non-string keys",
		yaml: yml("base: &b {region: eu-de}", "accounts:", "  - <<: *b", "    name: a", "    project_id: p", "    [x]: y"),
		want: []string{
			`cfg.yml:1: base: unknown field (known fields: accounts)`,
			`cfg.yml:3: accounts[0].<<: merge keys (<<) are not supported`,
			`cfg.yml:3: accounts[0].region: is required`,
			`cfg.yml:6: accounts[0]: mapping keys must be plain strings`,
		},
	}, {
		name: "multiple documents",
		yaml: yml("accounts: []", "---", "accounts: []"),
		want: []string{`cfg.yml:2: multiple YAML documents are not supported`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			path := writeFile(t, dir, "cfg.yml", tt.yaml)
			cfg, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", cfg)
			}
			if cfg != nil {
				t.Error("Load returned a config with an error")
			}
			checkErrorLines(t, errorLines(err, dir), tt.want)
			if _, ok := errors.AsType[*FieldError](err); !ok {
				t.Errorf("error %T does not contain a *FieldError", err)
			}
		})
	}
}

func checkErrorLines(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		t.Errorf("error lines:\n  %s\nwant lines starting with:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func fmtAll(values ...any) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintf(&b, "%v %+v %#v\n", v, v, v)
	}
	return b.String()
}

func TestParseUsesName(t *testing.T) {
	_, err := Parse("some/dir/x.yml", []byte("accounts: []\n"))
	if err == nil || err.Error() != "some/dir/x.yml:1: accounts: at least one account is required" {
		t.Errorf("err = %v", err)
	}
}

// TestSecretsNeverLeak loads broken configurations holding secrets and checks
// that no message shows them; a valid one must not show them when printed.
func TestSecretsNeverLeak(t *testing.T) {
	secrets := []string{"AKSECRETVALUE123", "SKSECRETVALUE456", "TOKENSECRET789", "ENVSECRET000", "FILESECRET111"}
	dir := t.TempDir()
	writeFile(t, dir, "token", "TOKENSECRET789\n")
	writeFile(t, dir, "sk", "FILESECRET111\n")
	t.Setenv("SECRET_FROM_ENV", "ENVSECRET000")
	tests := []struct {
		name string
		yaml string
	}{{
		name: "bad sibling fields",
		yaml: yml("accounts:", "  - name: a", "    region: Bad", "    project_id: p", "    credentials:",
			"      access_key: AKSECRETVALUE123", "      secret_key: SKSECRETVALUE456",
			"      security_token_file: token", "      secret_key_file: sk", "      sekret: SKSECRETVALUE456"),
	}, {
		name: "secrets in the wrong places",
		yaml: yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    credentials: AKSECRETVALUE123", "    endpoints: {dcs: 'https://u:SKSECRETVALUE456@h?x', sms: 'https://h#TOKENSECRET789'}",
			"  - name: b", "    region: eu-de", "    project_id: p",
			"    credentials: {access_key: [AKSECRETVALUE123], secret_key: {x: SKSECRETVALUE456}, security_token: 'a${X'}",
			"  - name: c", "    region: eu-de", "    project_id: p",
			"    credentials: {access_key: '${SECRET_FROM_ENV}', security_token: 'ENV${SECRET_FROM_ENV}${NOPE}'}",
			"    endpoints: {dcs: 'ftp://u:SKSECRETVALUE456@h', sms: 'http://u:SKSECRETVALUE456@[::1'}"),
	}, {
		name: "syntax error near a secret",
		yaml: yml("accounts:", "  - name: a", "    credentials: {access_key: \"AKSECRETVALUE123\\q\"}"),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, "cfg.yml", tt.yaml)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error shows secret %s:\n%v", s, err)
				}
			}
		})
	}

	t.Run("printing a loaded config", func(t *testing.T) {
		path := writeFile(t, dir, "cfg.yml", yml("accounts:", "  - name: a", "    region: eu-de", "    project_id: p",
			"    credentials:", "      access_key: ${SECRET_FROM_ENV}", "      secret_key_file: sk", "      security_token: TOKENSECRET789"))
		cfg, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.Accounts[0].Credentials
		printed := fmtAll(cfg, *cfg, cfg.Accounts[0], c, *c)
		for _, s := range secrets {
			if strings.Contains(printed, s) {
				t.Errorf("printed config shows secret %s:\n%s", s, printed)
			}
		}
		if c.AccessKey != "ENVSECRET000" || c.SecretKey != "FILESECRET111" || c.SecurityToken != "TOKENSECRET789" {
			t.Error("secrets not loaded")
		}
	})
}
