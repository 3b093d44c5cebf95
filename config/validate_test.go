package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp/syntax"
	"strings"
	"testing"
	"time"
)

// bareAccount returns an account that passes Validate once ApplyDefaults has
// filled in its defaults.
func bareAccount(name string) Account {
	return Account{Name: name, Region: "cn-north-4", ProjectID: "0504a1b2c3d4e5f60718293a4b5c6d7e"}
}

// validAccount returns an account that passes Validate as it is: bareAccount
// with the defaults that ApplyDefaults would fill in.
func validAccount(name string) Account {
	a := bareAccount(name)
	a.RequestsPerSecond = DefaultRequestsPerSecond
	a.DCS.DiscoveryInterval = DefaultDiscoveryInterval
	a.SMS.DiscoveryInterval = DefaultDiscoveryInterval
	a.SMS.VerifyInterval = DefaultVerifyInterval
	a.DRS.DiscoveryInterval = DefaultDiscoveryInterval
	a.DRS.VerifyInterval = DefaultVerifyInterval
	a.DRS.BatchSize = DefaultDRSBatchSize
	a.OMS.DiscoveryInterval = DefaultDiscoveryInterval
	a.CDM.DiscoveryInterval = DefaultDiscoveryInterval
	a.MaxStaleness = DefaultMaxStaleness
	a.DCS.TerminalInterval = DefaultTerminalInterval
	a.SMS.TerminalInterval = DefaultTerminalInterval
	a.DRS.TerminalInterval = DefaultTerminalInterval
	a.OMS.TerminalInterval = DefaultTerminalInterval
	a.CDM.TerminalInterval = DefaultTerminalInterval
	return a
}

func TestApplyDefaults(t *testing.T) {
	cfg := &Config{Accounts: []Account{bareAccount("a"), bareAccount("b")}}
	cfg.Accounts[0].Endpoints = Endpoints{DCS: "https://dcs.example.com/", SMS: "http://127.0.0.1:8080/api//"}
	cfg.Accounts[0].SMS.DiscoveryInterval = time.Minute
	cfg.Accounts[1].RequestsPerSecond = 2.5
	// Invalid values are left for Validate to report as given.
	cfg.Accounts[1].Endpoints = Endpoints{DCS: "/", SMS: "https://h?q/"}
	cfg.Accounts[1].DCS.DiscoveryInterval = -time.Second
	cfg.ApplyDefaults()

	wantA := validAccount("a")
	wantA.Endpoints = Endpoints{DCS: "https://dcs.example.com", SMS: "http://127.0.0.1:8080/api"}
	wantA.SMS.DiscoveryInterval = time.Minute
	wantB := validAccount("b")
	wantB.RequestsPerSecond = 2.5
	wantB.Endpoints = Endpoints{DCS: "/", SMS: "https://h?q/"}
	wantB.DCS.DiscoveryInterval = -time.Second
	want := &Config{Accounts: []Account{wantA, wantB}}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("after ApplyDefaults:\n got %+v\nwant %+v", cfg.Accounts, want.Accounts)
	}
	cfg.ApplyDefaults()
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("second ApplyDefaults changed something:\n got %+v\nwant %+v", cfg.Accounts, want.Accounts)
	}
	(*Config)(nil).ApplyDefaults() // must not panic
}

// TestValidateOnlyReads runs Validate on valid and invalid configs, some
// with values that ApplyDefaults would change, and checks that none of them
// is modified.
func TestValidateOnlyReads(t *testing.T) {
	withSlash := validAccount("slash")
	withSlash.Endpoints = Endpoints{DCS: "https://dcs.example.com/", SMS: "https://sms.example.com/v1//"}
	withSlash.Credentials = &Credentials{AccessKey: "ak", SecretKey: "sk"}
	withSlash.DCS.TaskIDs = []string{"t1", "t2"}
	invalid := bareAccount("bare")
	invalid.Endpoints.DCS = "https://u:p@h/"
	invalid.Credentials = &Credentials{SecretKeyFile: "/run/secrets/sk"}
	invalid.SMS.TaskIDs = []string{"a", "a", "../x"}
	invalid.SMS.MinInterval = -time.Second
	for name, cfg := range map[string]*Config{
		"valid with trailing slashes": {Accounts: []Account{withSlash}},
		"invalid and not defaulted":   {Accounts: []Account{invalid, withSlash, invalid}},
		"empty":                       {},
	} {
		before := deepCopy(t, cfg)
		err := cfg.Validate()
		if (err == nil) != strings.HasPrefix(name, "valid") {
			t.Errorf("%s: Validate() = %v", name, err)
		}
		if !reflect.DeepEqual(cfg, before) {
			t.Errorf("%s: Validate modified its receiver:\n got %+v\nwant %+v", name, cfg, before)
		}
		if len(cfg.Accounts) > 0 && &cfg.Accounts[0] == &before.Accounts[0] {
			t.Fatal("deepCopy shares memory")
		}
	}
}

// deepCopy returns a copy of cfg that shares no pointer or slice with it.
func deepCopy(t *testing.T, cfg *Config) *Config {
	t.Helper()
	return copyValue(reflect.ValueOf(cfg)).Interface().(*Config)
}

// copyValue copies v, following pointers and slices and copying structs
// field by field; other kinds (strings, numbers, bools) are values anyway.
func copyValue(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(copyValue(v.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
			for i := range v.Len() {
				out.Index(i).Set(copyValue(v.Index(i)))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			out.Field(i).Set(copyValue(v.Field(i)))
		}
	case reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.Array, reflect.UnsafePointer:
		panic("copyValue: add support for " + v.Kind().String())
	default:
		out.Set(v)
	}
	return out
}

func TestValidateRejectsWhatApplyDefaultsWouldFill(t *testing.T) {
	cfg := &Config{Accounts: []Account{bareAccount("a")}}
	cfg.Accounts[0].SMS.DiscoveryInterval = time.Minute
	err := cfg.Validate()
	want := []string{
		"accounts[0].requests_per_second: must be positive, got 0 (ApplyDefaults replaces 0 with the default)",
		"accounts[0].max_staleness: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].dcs.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].dcs.terminal_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].sms.terminal_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].sms.verify_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].drs.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].drs.terminal_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].drs.verify_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].drs.batch_size: must be from 1 to 100, got 0 (ApplyDefaults replaces 0 with the default)",
		"accounts[0].oms.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].oms.terminal_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].cdm.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		"accounts[0].cdm.terminal_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
	}
	if err == nil {
		t.Fatal("Validate accepted a zero rate and interval")
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("error lines:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		t.Errorf("after ApplyDefaults: %v", err)
	}

	for _, rps := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		err := validateOne(func(a *Account) { a.RequestsPerSecond = rps })
		if err == nil || !strings.HasPrefix(err.Error(), "accounts[0].requests_per_second: must ") {
			t.Errorf("requests_per_second %v: %v", rps, err)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // the exact error lines
	}{{
		name:   "no accounts",
		modify: func(c *Config) { c.Accounts = nil },
		want:   []string{"accounts: at least one account is required"},
	}, {
		name:   "missing fields",
		modify: func(c *Config) { c.Accounts[1] = Account{}; c.ApplyDefaults() },
		want: []string{
			"accounts[1].name: is required",
			"accounts[1].region: is required",
			"accounts[1].project_id: is required",
		},
	}, {
		name:   "duplicate names have no line outside Load",
		modify: func(c *Config) { c.Accounts[1].Name = "a" },
		want:   []string{`accounts[1].name: "a" is used by accounts[0] too`},
	}, {
		name: "bad values",
		modify: func(c *Config) {
			c.Accounts[0].Name = strings.Repeat("n", 65)
			c.Accounts[0].Region = "cn_north_4"
			c.Accounts[0].ProjectID = "p p"
		},
		want: []string{
			`accounts[0].name: "` + strings.Repeat("n", 64) + `"... is not a valid name (1 to 64 letters, digits, '_', '.', ':' or '-')`,
			`accounts[0].region: "cn_north_4" is not a valid region (e.g. cn-north-4)`,
			`accounts[0].project_id: "p p" is not a valid project ID (usually 32 hex digits)`,
		},
	}, {
		name: "secret key without access key",
		modify: func(c *Config) {
			c.Accounts[0].Credentials = &Credentials{SecretKey: "sk", SecurityToken: "st"}
		},
		want: []string{"accounts[0].credentials.access_key: access_key and secret_key must be given together"},
	}, {
		name: "only a security token",
		modify: func(c *Config) {
			c.Accounts[0].Credentials = &Credentials{SecurityToken: "st"}
		},
		want: []string{
			"accounts[0].credentials.access_key: is required (credentials need access_key and secret_key; remove credentials to use the SDK's default credential chain)",
			"accounts[0].credentials.secret_key: is required (credentials need access_key and secret_key)",
		},
	}, {
		name: "secret files are not read by Validate",
		modify: func(c *Config) {
			c.Accounts[0].Credentials = &Credentials{AccessKey: "ak", SecretKeyFile: "/run/secrets/sk"}
		},
		want: []string{"accounts[0].credentials.secret_key_file: is set but was not read (only Load and Parse read secret files)"},
	}, {
		name: "task ids",
		modify: func(c *Config) {
			c.Accounts[0].DCS.TaskIDs = []string{"../x", "a", "a", "a"}
			c.Accounts[1].SMS.TaskIDs = []string{"a", "x/y"}
		},
		want: []string{
			`accounts[0].dcs.task_ids[0]: "../x" is not a valid task ID (1 to 128 letters, digits, '_' or '-', starting with a letter or digit)`,
			`accounts[0].dcs.task_ids[2]: "a" is already listed as task_ids[1]`,
			`accounts[0].dcs.task_ids[3]: "a" is already listed as task_ids[1]`,
			`accounts[1].sms.task_ids[1]: "x/y" is not a valid task ID (1 to 128 letters, digits, '_' or '-', starting with a letter or digit)`,
		},
	}, {
		name: "zero rate and interval without ApplyDefaults",
		modify: func(c *Config) {
			c.Accounts[0].RequestsPerSecond = 0
			c.Accounts[1].DCS.DiscoveryInterval = 0
		},
		want: []string{
			"accounts[0].requests_per_second: must be positive, got 0 (ApplyDefaults replaces 0 with the default)",
			"accounts[1].dcs.discovery_interval: must be positive, got 0s (ApplyDefaults replaces 0 with the default)",
		},
	}, {
		name: "negative discovery interval",
		modify: func(c *Config) {
			c.Accounts[1].SMS.DiscoveryInterval = -time.Second
		},
		want: []string{"accounts[1].sms.discovery_interval: must not be negative, got -1s"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{Accounts: []Account{validAccount("a"), validAccount("b")}}
			tt.modify(cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("Validate succeeded")
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("error lines:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Line != 0 {
				t.Errorf("errors.As(*FieldError) = %+v", fe)
			}
		})
	}
}

// validateOne runs Validate on a valid config after set changed one account.
func validateOne(set func(a *Account)) error {
	cfg := &Config{Accounts: []Account{validAccount("a")}}
	set(&cfg.Accounts[0])
	return cfg.Validate()
}

func TestValidateValues(t *testing.T) {
	tests := []struct {
		field string
		set   func(a *Account, v string)
		good  []string
		bad   []string
	}{{
		field: "name",
		set:   func(a *Account, v string) { a.Name = v },
		good:  []string{"prod", "a", "A-b_c.d:e", "0", strings.Repeat("x", 64)},
		bad:   []string{"prod env", "a/b", "ä", `a"b`, "a\nb", strings.Repeat("x", 65)},
	}, {
		field: "region",
		set:   func(a *Account, v string) { a.Region = v },
		good:  []string{"cn-north-4", "eu-de", "ap-southeast-3", "my-kualalumpur-1", "cn-north-9a"},
		bad:   []string{"cn", "eu-", "CN-north-4", "cn_north_4", "c-north", "cn-north-4/", "cn--north", "cn-north 4"},
	}, {
		field: "project_id",
		set:   func(a *Account, v string) { a.ProjectID = v },
		good:  []string{"0504a1b2c3d4e5f60718293a4b5c6d7e", "0504A1B2C3D4E5F60718293A4B5C6D7E", "my-project", strings.Repeat("f", 64)},
		bad:   []string{"a_b", "a/b", "a b", "../x", strings.Repeat("f", 65)},
	}, {
		field: "dcs.task_ids[0]",
		set:   func(a *Account, v string) { a.DCS.TaskIDs = []string{v} },
		good:  []string{"31c6fd2b-2893-430b-90ff-d1adb8060585", "a", "A_b-9", "0" + strings.Repeat("x", 127)},
		bad:   []string{"", "a/b", "..", "a..b", "a b", "a?b", "a%2fb", "-a", "_a", "a.b", "a#b", "0" + strings.Repeat("x", 128)},
	}, {
		field: "endpoints.dcs",
		set:   func(a *Account, v string) { a.Endpoints.DCS = v },
		good:  []string{"https://dcs.example.com", "http://127.0.0.1:8080", "https://[::1]:443/v1/", "https://h/a/b"},
		bad: []string{"ftp://h", "h", "/path", "https://", "https:///x", "https://:443", "https:h",
			"https://h?x", "https://h?", "https://h#f", "https://u@h", "https://u:p@h", "https://h:bad", "http://h/%zz"},
	}}
	for _, tt := range tests {
		for _, v := range tt.good {
			if err := validateOne(func(a *Account) { tt.set(a, v) }); err != nil {
				t.Errorf("%s %q: unexpected error %v", tt.field, v, err)
			}
		}
		for _, v := range tt.bad {
			err := validateOne(func(a *Account) { tt.set(a, v) })
			if err == nil || !strings.HasPrefix(err.Error(), "accounts[0]."+tt.field+": ") {
				t.Errorf("%s %q: error %v, want one for accounts[0].%s", tt.field, v, err, tt.field)
			}
		}
	}
}

func TestEndpointErrorsHidePasswords(t *testing.T) {
	for _, raw := range []string{"https://u:pa55word@h", "ftp://u:pa55word@h", "https://u:pa55word@h?q", "http://u:pa55word@[::1"} {
		err := validateOne(func(a *Account) { a.Endpoints.SMS = raw })
		if err == nil || strings.Contains(err.Error(), "pa55word") {
			t.Errorf("%s: error %v", raw, err)
		}
	}
}

func TestFieldErrorFormat(t *testing.T) {
	tests := []struct {
		err  FieldError
		want string
	}{
		{FieldError{Path: "accounts[0].name", Line: 3, Msg: "is required"}, "line 3: accounts[0].name: is required"},
		{FieldError{Path: "accounts[0].name", Msg: "is required"}, "accounts[0].name: is required"},
		{FieldError{Line: 2, Msg: "bad"}, "line 2: bad"},
		{FieldError{Msg: "bad"}, "bad"},
		{FieldError{Path: "accounts", Line: 1, Msg: "m", file: "c.yml"}, "c.yml:1: accounts: m"},
		{FieldError{Path: "accounts", Msg: "m", file: "c.yml"}, "c.yml: accounts: m"},
		{FieldError{Msg: "m", file: "c.yml"}, "c.yml: m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	idx := lineIndex{
		fields: map[string]int{"": 1, "accounts": 2, "accounts[0].credentials": 7, "accounts[0].sms.task_ids": 30},
		items:  map[string][]int{"accounts": {3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20}, "accounts[0].sms.task_ids": {31, 32}},
	}
	tests := map[string]int{
		"accounts[0].credentials.secret_key": 7,
		"accounts[0].credentials":            7,
		"accounts[0].dcs.task_ids[3]":        3,
		"accounts[1].name":                   8,
		"accounts[10].name":                  20,
		"accounts[11].name":                  2,
		"accounts[0].sms.task_ids[1]":        32,
		"accounts[0].sms.task_ids[2]":        30,
		"accounts[0].sms.task_ids[x]":        30,
		"other":                              1,
		"":                                   1,
	}
	for path, want := range tests {
		if got := idx.lineOf(path); got != want {
			t.Errorf("lineOf(%q) = %d, want %d", path, got, want)
		}
	}
	if got := newLineIndex().lineOf("a.b"); got != 0 {
		t.Errorf("empty index: lineOf = %d", got)
	}
}

func TestIsUnder(t *testing.T) {
	tests := []struct {
		path, parent string
		want         bool
	}{
		{"a.b", "a", true},
		{"a", "a", true},
		{"a[0].b", "a", true},
		{"a[0].b", "a[0]", true},
		{"a[1]", "a[10]", false},
		{"a[10]", "a[1]", false},
		{"ab", "a", false},
		{"a.secret_key", "a.secret_key_file", false},
		{"anything", "", true},
	}
	for _, tt := range tests {
		if got := isUnder(tt.path, tt.parent); got != tt.want {
			t.Errorf("isUnder(%q, %q) = %v", tt.path, tt.parent, got)
		}
	}
}

func TestRateAndMinInterval(t *testing.T) {
	base := "accounts:\n  - name: a\n    region: cn-north-4\n    project_id: p1\n"
	cfg, err := Parse("c.yml", []byte(base+"    requests_per_second: 2.5\n    sms:\n      min_interval: 5m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Accounts[0]; a.RequestsPerSecond != 2.5 || a.SMS.MinInterval != 5*time.Minute || a.DCS.MinInterval != 0 {
		t.Errorf("%+v", a)
	}
	cfg, err = Parse("c.yml", []byte(base))
	if err != nil || cfg.Accounts[0].RequestsPerSecond != DefaultRequestsPerSecond {
		t.Errorf("default rate: %v %v", err, cfg)
	}
	for body, want := range map[string]string{
		"    requests_per_second: -1\n":       "c.yml:5: accounts[0].requests_per_second: must not be negative",
		"    requests_per_second: lots\n":     "c.yml:5: accounts[0].requests_per_second: expected a number",
		"    dcs:\n      min_interval: -5s\n": "c.yml:6: accounts[0].dcs.min_interval: must not be negative",
	} {
		if _, err := Parse("c.yml", []byte(base+body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

// terminal_interval is per service block (every block, DRS's, OMS's and
// CDM's too) and max_staleness per account; both default when absent or
// 0 and refuse a negative value.
func TestTerminalIntervalAndMaxStaleness(t *testing.T) {
	base := "accounts:\n  - name: a\n    region: cn-north-4\n    project_id: p1\n"
	cfg, err := Parse("c.yml", []byte(base+"    max_staleness: 90s\n    sms:\n      terminal_interval: 30m\n"+
		"    drs:\n      terminal_interval: 1h\n    oms:\n      terminal_interval: 2m\n    cdm:\n      terminal_interval: 0s\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Accounts[0]
	got := []time.Duration{a.MaxStaleness, a.DCS.TerminalInterval, a.SMS.TerminalInterval, a.DRS.Service().TerminalInterval,
		a.OMS.Tasks().TerminalInterval, a.OMS.Groups().TerminalInterval, a.CDM.Service().TerminalInterval}
	want := []time.Duration{90 * time.Second, DefaultTerminalInterval, 30 * time.Minute, time.Hour, 2 * time.Minute, 2 * time.Minute, DefaultTerminalInterval}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("max_staleness, dcs, sms, drs, oms tasks, oms groups, cdm: %v, want %v", got, want)
	}
	if cfg, err := Parse("c.yml", []byte(base)); err != nil || cfg.Accounts[0].MaxStaleness != DefaultMaxStaleness || DefaultMaxStaleness != 5*time.Minute ||
		DefaultTerminalInterval != 10*time.Minute {
		t.Errorf("defaults: %v %+v", err, cfg)
	}
	for body, want := range map[string]string{
		"    max_staleness: -1m\n":                  "c.yml:5: accounts[0].max_staleness: must not be negative, got -1m0s",
		"    dcs:\n      terminal_interval: -5s\n":  "c.yml:6: accounts[0].dcs.terminal_interval: must not be negative, got -5s",
		"    drs:\n      terminal_interval: -5s\n":  "c.yml:6: accounts[0].drs.terminal_interval: must not be negative, got -5s",
		"    cdm:\n      terminal_interval: soon\n": "c.yml:6: accounts[0].cdm.terminal_interval:",
	} {
		if _, err := Parse("c.yml", []byte(base+body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

// Valid ids cost the check no allocation of their own: a config lists up
// to tens of thousands, and every load (and ApplyConfig) checks them, so
// a path formatted per id or a map grown step by step was megabytes of
// garbage at start-up, counted in the process's peak RSS.
func TestValidIDsAllocateNothingEach(t *testing.T) {
	ids := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf("sms-%05d", i)
		}
		return s
	}
	few, many := ids(10), ids(5000)
	allocs := func(ids []string) float64 {
		return testing.AllocsPerRun(5, func() {
			var v validator
			v.ids("accounts[0].sms", "task_ids", ids, "task ID")
			if len(v.errs) != 0 {
				t.Fatalf("findings for valid ids: %v", v.errs)
			}
		})
	}
	// A sized map allocates its tables once, and a valid id nothing: a
	// path each made about 4 allocations an id. Under -race, sync.Pool
	// drops a quarter of what the regexp matcher puts back, so matching
	// allocates about once every four ids there; half an id's worth is the
	// bound.
	if a, b := allocs(few), allocs(many); b-a > float64(len(many))/2 {
		t.Errorf("checking 5,000 valid ids allocates %.0f times, 10 ids %.0f: want no allocation per id", b, a)
	}
}

// The rules' regexps compile to small programs: a length bound written
// as a repetition ({1,64}, {0,127}) is an instruction a repeat, kept on
// the heap as long as the process runs (100 KB for the three).
func TestRulePatternsAreSmall(t *testing.T) {
	for name, p := range map[string]pattern{"name": nameRE, "project ID": projectIDRE, "task ID": taskIDRE} {
		re, err := syntax.Parse(p.re.String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(prog.Inst); n > 16 {
			t.Errorf("the %s pattern %s compiles to %d instructions, want at most 16", name, p.re, n)
		}
	}
}

// verify_interval is a key of the sms and drs blocks (default 5m), checked
// like the other intervals; the dcs block refuses it (it would ignore it),
// and the oms block does not know it.
func TestVerifyInterval(t *testing.T) {
	base := "accounts:\n  - name: a\n    region: cn-north-4\n    project_id: p1\n"
	for _, block := range []string{"sms", "drs"} {
		for body, want := range map[string]time.Duration{
			"": DefaultVerifyInterval,
			"    " + block + ":\n      verify_interval: 0s\n":  DefaultVerifyInterval,
			"    " + block + ":\n      verify_interval: 90s\n": 90 * time.Second,
		} {
			cfg, err := Parse("c.yml", []byte(base+body))
			if err != nil {
				t.Fatalf("%q: %v", body, err)
			}
			a := cfg.Accounts[0]
			got := map[string]time.Duration{"sms": a.SMS.VerifyInterval, "drs": a.DRS.VerifyInterval}[block]
			if got != want {
				t.Errorf("%q: %s.verify_interval %s, want %s", body, block, got, want)
			}
		}
	}
	for body, want := range map[string]string{
		"    sms:\n      discover: true\n      verify_interval: -5m\n": "c.yml:7: accounts[0].sms.verify_interval: must not be negative, got -5m0s",
		"    sms:\n      verify_interval: often\n":                     "c.yml:6: accounts[0].sms.verify_interval: ",
		"    drs:\n      discover: true\n      verify_interval: -5m\n": "c.yml:7: accounts[0].drs.verify_interval: must not be negative, got -5m0s",
		"    drs:\n      verify_interval: often\n":                     "c.yml:6: accounts[0].drs.verify_interval: ",
		"    dcs:\n      verify_interval: 5m\n":                        "c.yml:6: accounts[0].dcs.verify_interval: DCS tasks have no slow-changing answers",
		"    oms:\n      verify_interval: 5m\n":                        "c.yml:6: accounts[0].oms.verify_interval: unknown field",
	} {
		_, err := Parse("c.yml", []byte(base+body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
