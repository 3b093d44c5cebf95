package huaweicloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// The reasons a poll fails; they are the values of the `reason` label of
// migration_exporter_task_errors_total. The set is closed so that
// the label's cardinality is bounded.
const (
	ReasonTimeout   = "timeout"
	ReasonHTTP4xx   = "http_4xx"
	ReasonHTTP5xx   = "http_5xx"
	ReasonThrottled = "throttled"
	ReasonAuth      = "auth"
	ReasonNotFound  = "not_found"
	ReasonDecode    = "decode"
	ReasonNetwork   = "network"
	// ReasonRedirect is a 3xx answer: never followed, since the signed
	// request and its answer must stay with the configured endpoint.
	ReasonRedirect = "redirect"
	// ReasonThrottledBudget is a call never sent: the account's rate limit
	// would have let it start only after the scrape's deadline (a
	// BudgetError).
	ReasonThrottledBudget = "throttled_budget"
)

// Reasons lists every reason, for pre-initialising counters.
var Reasons = []string{ReasonTimeout, ReasonHTTP4xx, ReasonHTTP5xx, ReasonThrottled,
	ReasonAuth, ReasonNotFound, ReasonDecode, ReasonNetwork, ReasonRedirect, ReasonThrottledBudget}

// Error codes with a meaning of their own.
const (
	// CodeDCSTaskNotFound is "Instance job is not found.": the task is gone,
	// although it arrives as HTTP 400.
	CodeDCSTaskNotFound = "DCS.4133"
	// CodeAPIGThrottled is the API gateway's "request throttled".
	CodeAPIGThrottled = "APIG.0308"
	// CodeAPIGAuth is the API gateway's "incorrect IAM authentication information".
	CodeAPIGAuth = "APIG.0301"
)

// APIError is a non-2xx answer from a Huawei Cloud API, or a 2xx answer
// whose body is an error object instead of data.
type APIError struct {
	StatusCode int
	Code       string // error_code, e.g. DCS.4133
	Message    string // error_msg, shortened
	// Location is the host a redirect pointed to (never followed).
	Location string
	// body is a 4xx answer's body, for a batch API whose per-job errors
	// come in it. It is never logged or shown: it may echo anything.
	body []byte
	// RetryAfter is how long the Retry-After header asked to wait, when
	// HasRetryAfter: 0 for "Retry-After: 0" or an HTTP date that has passed
	// by the time the answer is read (retry at once).
	RetryAfter time.Duration
	// HasRetryAfter is true when the answer had a Retry-After that could be
	// read; without one a retry waits the default backoff.
	HasRetryAfter bool
	// gone is true when Code is one of the codes the call named as "its
	// resource does not exist" (a service's own, such as CDM's).
	gone bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Location != "" {
		b.WriteString(" (redirect to " + e.Location + " not followed)")
	}
	return b.String()
}

// Reason classifies the error into one of the Reasons.
func (e *APIError) Reason() string {
	switch {
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return ReasonRedirect
	case e.StatusCode == http.StatusTooManyRequests || e.Code == CodeAPIGThrottled:
		return ReasonThrottled
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden || e.Code == CodeAPIGAuth:
		return ReasonAuth
	case e.StatusCode == http.StatusNotFound || e.Code == CodeDCSTaskNotFound || drsNotFound[e.Code] || e.Code == CodeOMSNotFound || e.gone:
		return ReasonNotFound
	case e.StatusCode >= 500:
		return ReasonHTTP5xx
	default:
		return ReasonHTTP4xx
	}
}

// maxErrorMessage bounds error_msg in logs.
const maxErrorMessage = 200

// newAPIError builds the error for a non-2xx answer. Both the documented
// {"error_code","error_msg"} body and the gateway's {"code","message"}
// variant are understood; any other body is ignored (and never logged, as a
// task-details body may carry passwords).
func newAPIError(status int, header http.Header, body []byte) *APIError {
	var b struct {
		ErrorCode Text `json:"error_code"`
		ErrorMsg  Text `json:"error_msg"`
		Code      Text `json:"code"`
		Message   Text `json:"message"`
	}
	_ = json.Unmarshal(body, &b)
	e := &APIError{StatusCode: status, Code: string(b.ErrorCode), Message: string(b.ErrorMsg)}
	if e.Code == "" {
		e.Code = string(b.Code)
	}
	if e.Message == "" {
		e.Message = string(b.Message)
	}
	e.Code = runes.Truncate(e.Code, maxReported)
	e.Message = runes.Truncate(e.Message, maxErrorMessage)
	e.RetryAfter, e.HasRetryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
	if status >= 300 && status < 400 {
		e.Location = redirectHost(header.Get("Location"))
	}
	return e
}

// redirectHost is the host of a redirect's Location, for the error message;
// the rest of the URL could carry anything.
func redirectHost(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return "a relative or unreadable location"
	}
	return runes.Truncate(u.Host, maxReported)
}

// errorKeys are the fields of an error object; a body with any other field
// is data.
var errorKeys = map[string]bool{"error_code": true, "error_msg": true, "error_message": true,
	"code": true, "message": true, "request_id": true, "encoded_authorization_message": true}

// errorInSuccess returns the error a 2xx answer carries instead of data: a
// body that is an error object ({"error_code": …, "error_msg": …} and no
// other field), as a proxy or a misbehaving gateway sends. Other bodies,
// and every body without those names, give nil at the cost of a search.
func errorInSuccess(status int, header http.Header, body []byte) *APIError {
	if !bytes.Contains(body, []byte(`"error_`)) && !bytes.Contains(body, []byte(`"code"`)) {
		return nil
	}
	// A data answer (an OMS task has "error_reason") is told apart by its
	// first key, without decoding it a second time.
	if k, ok := firstKey(body); ok && !errorKeys[k] {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || len(fields) == 0 {
		return nil
	}
	for k := range fields {
		if !errorKeys[k] {
			return nil
		}
	}
	e := newAPIError(status, header, body)
	if e.Code == "" && e.Message == "" {
		return nil
	}
	return e
}

// firstKey is the first key of the JSON object body when it is a plain
// string (no escapes), found without decoding the body.
func firstKey(body []byte) (string, bool) {
	b := bytes.TrimLeft(body, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return "", false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	if len(b) == 0 || b[0] != '"' {
		return "", false
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 || bytes.IndexByte(b[1:1+end], '\\') >= 0 {
		return "", false
	}
	return string(b[1 : 1+end]), true
}

// maxRetryAfter bounds a Retry-After: longer than any scrape, so a wait this
// long is never made (waitToRetry gives up when a wait ends past the
// deadline).
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads delay-seconds or an HTTP date; ok is false when v
// is empty or neither. An HTTP date has whole seconds, so "a second from
// now" has often passed by the time the answer is read: a date at or
// before now is a wait of 0 (retry at once), not an absent header.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		// A delay longer than any scrape means "not in this scrape"; bound it
		// so that a huge value cannot overflow into a short (or negative) wait.
		return time.Duration(min(s, uint64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// DecodeError is an answer whose body could not be read or decoded.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return "decoding response: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// BudgetError is a call that was not sent because the rate limit it
// waits for (the account's, or the probes' share of it) would let it
// start only after its context's deadline: the scrape ran out of API
// budget, and the call failed at once instead of waiting. It is a
// context.DeadlineExceeded too, so that code that treats a deadline as
// the end of the caller's time keeps doing so.
type BudgetError struct {
	What  string  // "rate limit" or "probe rate limit"
	Limit float64 // requests per second
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s (%g requests/s): the next request could start only after the deadline", e.What, e.Limit)
}

// Unwrap makes a BudgetError a context.DeadlineExceeded.
func (e *BudgetError) Unwrap() error { return context.DeadlineExceeded }

// IsBudget reports whether err is (or wraps) a BudgetError.
func IsBudget(err error) bool {
	var b *BudgetError
	return errors.As(err, &b)
}

// CredentialsError means no usable credentials could be found or applied.
type CredentialsError struct{ Err error }

func (e *CredentialsError) Error() string { return "credentials: " + e.Err.Error() }
func (e *CredentialsError) Unwrap() error { return e.Err }

// Reason classifies any error returned by this package into one of the
// Reasons.
func Reason(err error) string {
	var apiErr *APIError
	var decErr *DecodeError
	var credErr *CredentialsError
	var jobErr *DRSJobError
	var netErr net.Error
	switch {
	case IsBudget(err):
		return ReasonThrottledBudget
	case errors.As(err, &apiErr):
		return apiErr.Reason()
	case errors.As(err, &jobErr):
		if jobErr == errJobMissing || drsNotFound[jobErr.Code] {
			return ReasonNotFound
		}
		return ReasonHTTP4xx
	case errors.As(err, &decErr):
		return ReasonDecode
	case errors.As(err, &credErr):
		return ReasonAuth
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ReasonTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	default:
		return ReasonNetwork
	}
}
