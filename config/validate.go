package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	// nameRE: an account name becomes the value of the account label.
	nameRE = pattern{regexp.MustCompile(`^[a-zA-Z0-9_.:-]+$`), 64}
	// regionRE matches e.g. cn-north-4, eu-de, ap-southeast-3, my-kualalumpur-1.
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	// projectIDRE is looser than the usual 32 hex digits.
	projectIDRE = pattern{regexp.MustCompile(`^[A-Za-z0-9-]+$`), 64}
	// taskIDRE keeps task IDs safe to put into URL paths.
	taskIDRE = pattern{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`), 128}
)

// pattern is a regexp of ASCII characters and a length limit kept out of
// it: a bounded repetition such as {1,64} compiles to an instruction for
// each repeat, 20 to 50 KB of heap for the life of the process each.
type pattern struct {
	re  *regexp.Regexp
	max int // bytes (characters: the regexp matches ASCII only)
}

// MatchString reports whether s has at most max bytes and matches re.
func (p pattern) MatchString(s string) bool { return len(s) <= p.max && p.re.MatchString(s) }

// Validate checks the semantic rules of the configuration. It only reads c:
// defaults are ApplyDefaults' job, so call that first. A requests_per_second
// or discovery_interval that is 0 (not yet defaulted) is reported, as it must
// be positive. An endpoint URL with a trailing "/" is accepted as it is (it
// is a valid URL; ApplyDefaults trims the "/").
//
// It returns nil or all problems found, joined with errors.Join; each is a
// *FieldError. Lines are 0 here: Load and Parse fill them in. Validate does
// not read *_file secrets (Load and Parse do) and reports one that is set
// while the secret itself is empty.
func (c *Config) Validate() error {
	return joinFieldErrors(c.validate())
}

// validator collects the problems found by Validate. Its methods only read
// the configuration.
type validator struct {
	errs []*FieldError
}

func (v *validator) add(path, format string, args ...any) *FieldError {
	e := &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
	v.errs = append(v.errs, e)
	return e
}

func (c *Config) validate() []*FieldError {
	var v validator
	if len(c.Accounts) == 0 {
		v.add("accounts", "at least one account is required")
	}
	firstByName := map[string]int{}
	for i, a := range c.Accounts {
		p := fmt.Sprintf("accounts[%d]", i)
		v.account(a, p)
		if a.Name == "" {
			continue
		}
		if j, dup := firstByName[a.Name]; dup {
			other := fmt.Sprintf("accounts[%d].name", j)
			v.add(p+".name", "%s is used by accounts[%d] too", quote(a.Name), j).ref = other
			continue
		}
		firstByName[a.Name] = i
	}
	return v.errs
}

func (v *validator) account(a Account, p string) {
	v.matches(p+".name", a.Name, nameRE, "a valid name (1 to 64 letters, digits, '_', '.', ':' or '-')")
	v.matches(p+".region", a.Region, regionRE, "a valid region (e.g. cn-north-4)")
	v.matches(p+".project_id", a.ProjectID, projectIDRE, "a valid project ID (usually 32 hex digits)")
	v.credentials(a.Credentials, p+".credentials")
	v.endpoint(p+".endpoints.dcs", a.Endpoints.DCS)
	v.endpoint(p+".endpoints.sms", a.Endpoints.SMS)
	v.endpoint(p+".endpoints.drs", a.Endpoints.DRS)
	switch rps := a.RequestsPerSecond; {
	case rps < 0:
		v.add(p+".requests_per_second", "must not be negative, got %v", rps)
	case !(rps > 0):
		// 0 (or NaN) here means ApplyDefaults was skipped: a zero rate
		// would stall every request of the account.
		v.add(p+".requests_per_second", "must be positive, got %v%s", rps, defaultsHint)
	case math.IsInf(rps, 0):
		v.add(p+".requests_per_second", "must be a finite number, got %v", rps)
	}
	v.interval(p+".max_staleness", a.MaxStaleness)
	v.service(a.DCS, p+".dcs", "task_ids")
	if a.DCS.VerifyInterval != 0 {
		v.add(p+".dcs.verify_interval", "DCS tasks have no slow-changing answers to read (only the sms and drs blocks take verify_interval)")
	}
	v.service(a.SMS, p+".sms", "task_ids")
	v.interval(p+".sms.verify_interval", a.SMS.VerifyInterval)
	v.service(a.DRS.Service(), p+".drs", "job_ids")
	v.interval(p+".drs.verify_interval", a.DRS.VerifyInterval)
	if b := a.DRS.BatchSize; b < 1 || b > MaxDRSBatchSize {
		v.add(p+".drs.batch_size", "must be from 1 to %d, got %d%s", MaxDRSBatchSize, b, defaultsHint)
	}
	v.oms(a, p)
	v.cdm(a, p)
	if len(a.TaskLabels) > 0 {
		v.taskLabels(a.TaskLabels, p+".task_labels")
	}
}

// defaultsHint ends the message about a zero that ApplyDefaults would have
// replaced. Load and Parse apply defaults, so only a Config built in Go code
// can show it.
const defaultsHint = " (ApplyDefaults replaces 0 with the default)"

// matches checks a required value against re.
func (v *validator) matches(path, value string, re interface{ MatchString(string) bool }, what string) {
	switch {
	case value == "":
		v.add(path, "is required")
	case !re.MatchString(value):
		v.add(path, "%s is not %s", quote(value), what)
	}
}

// credentials checks that the AK/SK pair is complete. A secret counts as
// given when its value or its _file is set; an unread _file is reported.
func (v *validator) credentials(c *Credentials, p string) {
	if c == nil {
		return
	}
	ak := v.secret(p, "access_key", c.AccessKey, c.AccessKeyFile)
	sk := v.secret(p, "secret_key", c.SecretKey, c.SecretKeyFile)
	v.secret(p, "security_token", c.SecurityToken, c.SecurityTokenFile)
	switch {
	case !ak && !sk:
		v.add(p+".access_key", "is required (credentials need access_key and secret_key; remove credentials to use the SDK's default credential chain)")
		v.add(p+".secret_key", "is required (credentials need access_key and secret_key)")
	case !ak:
		v.add(p+".access_key", "access_key and secret_key must be given together")
	case !sk:
		v.add(p+".secret_key", "access_key and secret_key must be given together")
	}
}

// secret reports whether the secret name is given, complaining about a _file
// whose content was never read into the value.
func (v *validator) secret(p, name string, value Secret, file string) bool {
	if file != "" && value == "" {
		v.add(p+"."+name+"_file", "is set but was not read (only Load and Parse read secret files)")
	}
	return value != "" || file != ""
}

// endpoint checks an endpoint override; "" means the region's default.
// The URL is not quoted in messages: its user info could hold a password.
func (v *validator) endpoint(path, raw string) {
	if raw == "" {
		return
	}
	if msg := endpointProblem(raw); msg != "" {
		v.add(path, "%s", msg)
	}
}

// endpointProblem describes what is wrong with an endpoint URL, or returns "".
func endpointProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return "invalid URL: " + err.Error()
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an absolute http or https URL"
	case u.Opaque != "" || u.Hostname() == "":
		return "must have a host (e.g. https://example.com)"
	case u.User != nil:
		return "must not contain user info"
	case strings.Contains(raw, "?"):
		return "must not have a query"
	case strings.Contains(raw, "#"):
		return "must not have a fragment"
	}
	return ""
}

// service checks the task IDs (listed under idsKey) and the intervals.
func (v *validator) service(s Service, p, idsKey string) {
	v.ids(p, idsKey, s.TaskIDs, "task ID")
	v.intervals(s, p)
}

// intervals checks a service's discovery and min intervals.
func (v *validator) intervals(s Service, p string) {
	v.interval(p+".discovery_interval", s.DiscoveryInterval)
	v.interval(p+".terminal_interval", s.TerminalInterval)
	if s.MinInterval < 0 {
		v.add(p+".min_interval", "must not be negative, got %s", s.MinInterval)
	}
}

// interval checks an interval that must be positive (ApplyDefaults fills
// in a 0).
func (v *validator) interval(path string, d time.Duration) {
	switch {
	case d < 0:
		v.add(path, "must not be negative, got %s", d)
	case d == 0:
		v.add(path, "must be positive, got %s%s", d, defaultsHint)
	}
}

// ids checks a list of ids: each safe in a URL path (the task-id rule),
// none twice. what names one in messages ("task ID", "group ID").
func (v *validator) ids(p, key string, ids []string, what string) {
	v.idsBy(p, key, ids, func(id string) string {
		if taskIDRE.MatchString(id) {
			return ""
		}
		return quote(id) + " is not a valid " + what + " (1 to 128 letters, digits, '_' or '-', starting with a letter or digit)"
	})
}

// idsBy checks a list of ids: each by problem (what is wrong with it, ""
// when nothing), none twice.
func (v *validator) idsBy(p, key string, ids []string, problem func(id string) string) {
	// Sized once and paths formatted only for a finding: a config lists
	// up to tens of thousands of ids, and this runs on every load.
	firstByID := make(map[string]int, len(ids))
	path := func(i int) string { return fmt.Sprintf("%s.%s[%d]", p, key, i) }
	for i, id := range ids {
		if msg := problem(id); msg != "" {
			v.add(path(i), "%s", msg)
			continue
		}
		if j, dup := firstByID[id]; dup {
			v.add(path(i), "%s is already listed as %s[%d]", quote(id), key, j).ref = path(j)
			continue
		}
		firstByID[id] = i
	}
}

// ValidTaskID reports whether id is safe to put into a URL path as a task
// id: the rule Validate applies to task_ids, for ids discovered at run time.
func ValidTaskID(id string) bool { return taskIDRE.MatchString(id) }
