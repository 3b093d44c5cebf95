package huaweicloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
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
)

// Reasons lists every reason, for pre-initialising counters.
var Reasons = []string{ReasonTimeout, ReasonHTTP4xx, ReasonHTTP5xx, ReasonThrottled,
	ReasonAuth, ReasonNotFound, ReasonDecode, ReasonNetwork}

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

// APIError is a non-2xx answer from a Huawei Cloud API.
type APIError struct {
	StatusCode int
	Code       string // error_code, e.g. DCS.4133
	Message    string // error_msg, shortened
	// RetryAfter is the Retry-After header, when the answer had one.
	RetryAfter time.Duration
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
	return b.String()
}

// Reason classifies the error into one of the Reasons.
func (e *APIError) Reason() string {
	switch {
	case e.StatusCode == http.StatusTooManyRequests || e.Code == CodeAPIGThrottled:
		return ReasonThrottled
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden || e.Code == CodeAPIGAuth:
		return ReasonAuth
	case e.StatusCode == http.StatusNotFound || e.Code == CodeDCSTaskNotFound:
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
	e.RetryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
	return e
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// DecodeError is an answer whose body could not be read or decoded.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return "decoding response: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

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
	var netErr net.Error
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Reason()
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
