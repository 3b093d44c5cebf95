package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestReason(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&APIError{StatusCode: 429}, ReasonThrottled},
		{&APIError{StatusCode: 400, Code: "APIG.0308"}, ReasonThrottled},
		{&APIError{StatusCode: 401, Code: "APIG.0301"}, ReasonAuth},
		{&APIError{StatusCode: 403}, ReasonAuth},
		{&APIError{StatusCode: 400, Code: "DCS.4133"}, ReasonNotFound},
		{&APIError{StatusCode: 404}, ReasonNotFound},
		{&APIError{StatusCode: 400, Code: "DCS.4001"}, ReasonHTTP4xx},
		{&APIError{StatusCode: 502}, ReasonHTTP5xx},
		{fmt.Errorf("wrapped: %w", &APIError{StatusCode: 503}), ReasonHTTP5xx},
		{&DecodeError{Err: errors.New("unexpected EOF")}, ReasonDecode},
		{&CredentialsError{Err: errors.New("none")}, ReasonAuth},
		{context.DeadlineExceeded, ReasonTimeout},
		{fmt.Errorf("get: %w", context.Canceled), ReasonTimeout},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, ReasonTimeout},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, ReasonNetwork},
		{errors.New("something else"), ReasonNetwork},
	}
	for _, c := range cases {
		if got := Reason(c.err); got != c.want {
			t.Errorf("Reason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestNewAPIErrorReadsBothBodyShapes(t *testing.T) {
	e := newAPIError(400, http.Header{}, []byte(`{"error_code":"DCS.4133","error_msg":"Instance job is not found."}`))
	if e.Code != "DCS.4133" || e.Message != "Instance job is not found." || e.Reason() != ReasonNotFound {
		t.Errorf("%+v", e)
	}
	e = newAPIError(429, http.Header{"Retry-After": {"3"}}, []byte(`{"code":"APIG.0308","message":"throttled"}`))
	if e.Code != "APIG.0308" || e.RetryAfter != 3*time.Second {
		t.Errorf("%+v", e)
	}
	e = newAPIError(502, http.Header{}, []byte(`<html>bad gateway</html>`))
	if e.Code != "" || e.Error() != "HTTP 502" {
		t.Errorf("%+v %q", e, e.Error())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"": 0, "2": 2 * time.Second, " 5 ": 5 * time.Second, "-1": 0, "soon": 0,
		now.Add(4 * time.Second).Format(http.TimeFormat): 4 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):      0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFirstKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"id": 1, "error_reason": null}`:       "id",
		` { "error_code": "X" }`:                "error_code",
		`{"a\"b": 1}`:                           "",
		`[1]`:                                   "",
		`{}`:                                    "",
		"{\n\t\"status\": 2, \"error_msg\": 1}": "status",
	} {
		got, _ := firstKey([]byte(body))
		if got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}
