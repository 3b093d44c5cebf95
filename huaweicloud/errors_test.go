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
		{&BudgetError{What: "rate limit", Limit: 20}, ReasonThrottledBudget},
		{fmt.Errorf("read: %w", &BudgetError{What: "rate limit", Limit: 20}), ReasonThrottledBudget},
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
	type result struct {
		d  time.Duration
		ok bool
	}
	cases := map[string]result{
		"": {}, "2": {2 * time.Second, true}, " 5 ": {5 * time.Second, true}, "0": {0, true}, "-1": {}, "soon": {},
		now.Add(4 * time.Second).Format(http.TimeFormat): {4 * time.Second, true},
		now.Format(http.TimeFormat):                      {0, true},
		now.Add(-time.Hour).Format(http.TimeFormat):      {0, true},
	}
	for in, want := range cases {
		if d, ok := parseRetryAfter(in, now); (result{d, ok}) != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v, want %v, %v", in, d, ok, want.d, want.ok)
		}
	}
}

// TestRetryAfterInThePastMeansNow reads a 429's Retry-After at sub-second
// offsets from the whole second an HTTP date names: a date that has passed
// (or is now) retries at once, and only an absent or unreadable header
// waits the gateway's 2 to 5 seconds.
func TestRetryAfterInThePastMeansNow(t *testing.T) {
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	oneSecondOn := sent.Add(time.Second).Format(http.TimeFormat)
	cases := []struct {
		name, header string
		readAt       time.Time
		want         time.Duration // -1: the default wait
	}{
		{"date 1s ahead, read 0.2s later", oneSecondOn, sent.Add(200 * time.Millisecond), 800 * time.Millisecond},
		{"date 1s ahead, read 0.9s later", oneSecondOn, sent.Add(900 * time.Millisecond), 100 * time.Millisecond},
		{"date 1s ahead, read 1.1s later", oneSecondOn, sent.Add(1100 * time.Millisecond), 0},
		{"date exactly now", sent.Format(http.TimeFormat), sent, 0},
		{"date in the past", sent.Add(-time.Minute).Format(http.TimeFormat), sent, 0},
		{"delta-seconds 0", "0", sent, 0},
		{"delta-seconds 1", "1", sent, time.Second},
		{"absent", "", sent, -1},
		{"garbage", "tomorrow-ish", sent, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := &APIError{StatusCode: http.StatusTooManyRequests}
			e.RetryAfter, e.HasRetryAfter = parseRetryAfter(c.header, c.readAt)
			d, retry := retryDelay(e, 0)
			if !retry {
				t.Fatal("a 429 is not retried")
			}
			if c.want >= 0 && d != c.want {
				t.Errorf("waits %v, want %v", d, c.want)
			}
			if c.want < 0 && (d < 2*time.Second || d >= 5*time.Second) {
				t.Errorf("waits %v, want the default 2s to 5s", d)
			}
			// A 5xx follows Retry-After the same way.
			e.StatusCode = http.StatusServiceUnavailable
			if d, _ := retryDelay(e, 0); c.want >= 0 && d != c.want {
				t.Errorf("5xx waits %v, want %v", d, c.want)
			}
		})
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
