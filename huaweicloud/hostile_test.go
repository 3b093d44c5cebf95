package huaweicloud_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

const testToken = "temporary-security-token-value-0001"

// hostileClient is a client with temporary credentials whose DCS endpoint
// is url.
func hostileClient(url string) *huaweicloud.Client {
	return huaweicloud.NewClient(huaweicloud.Options{
		ProjectID: testProject, Region: "cn-north-4",
		Endpoints:   map[string]string{huaweicloud.APIDCS: url},
		Credentials: &huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testToken},
	})
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{"offset": 7}`))
	}))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path+"?ak="+testAK, status)
		}))
		_, err := hostileClient(srv.URL).DCSMigrationStats(context.Background(), taskID)
		srv.Close()
		if got := huaweicloud.Reason(err); got != huaweicloud.ReasonRedirect {
			t.Errorf("%d: reason %q (%v), want redirect", status, got, err)
		}
		if err != nil && (!strings.Contains(err.Error(), "not followed") || strings.Contains(err.Error(), testAK)) {
			t.Errorf("%d: %v", status, err)
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}

func TestErrorObjectInA2xxAnswerIsAnError(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		reason string // "" means success
	}{
		{200, `{"error_code":"DCS.4133","error_msg":"Instance job is not found."}`, huaweicloud.ReasonNotFound},
		{200, `{"error_code":"DCS.4001","error_msg":"Invalid project id.","request_id":"r1"}`, huaweicloud.ReasonHTTP4xx},
		{202, `{"code":"APIG.0301","message":"Incorrect IAM authentication information"}`, huaweicloud.ReasonAuth},
		{200, `{"error_msg":"something broke"}`, huaweicloud.ReasonHTTP4xx},
		{200, `{"offset": 7, "error_code": ""}`, ""},                           // data
		{200, `{"offset": 7, "error_code": "X", "error_msg": "partial"}`, ""},  // data with a field named so
		{200, `{"error_code": "", "error_msg": ""}`, huaweicloud.ReasonDecode}, // nothing at all: not an error object, not data either
		{200, `{"message_count": 3}`, ""},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(c.status)
			_, _ = w.Write([]byte(c.body))
		}))
		st, err := hostileClient(srv.URL).DCSMigrationStats(context.Background(), taskID)
		srv.Close()
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s: %v, want data", c.body, err)
		case c.reason == huaweicloud.ReasonDecode:
			// An empty error object decodes as a stats answer with no value:
			// every series is omitted, which is what "no data" means.
			if _, ok := st.Offset.Value(); ok || err != nil {
				t.Errorf("%s: offset set or error %v", c.body, err)
			}
		case c.reason != "" && huaweicloud.Reason(err) != c.reason:
			t.Errorf("%s: reason %q (%v), want %s", c.body, huaweicloud.Reason(err), err, c.reason)
		}
	}
}

func TestHugeRetryAfterIsNoShortWait(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "18446744074")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error_code":"APIG.0308","error_msg":"throttled"}`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err := hostileClient(srv.URL).DCSMigrationStats(ctx, taskID)
	var apiErr *huaweicloud.APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter < time.Hour {
		t.Fatalf("%v, Retry-After %v: want a long wait, not an overflowed one", err, apiErr)
	}
	if n := calls.Load(); n != 1 || time.Since(start) > 2*time.Second {
		t.Errorf("%d calls in %v: a wait past the deadline must not be made", n, time.Since(start))
	}
}

// forms are the ways a hostile gateway could echo a secret.
func forms(secret string) []string {
	b := []byte(secret)
	return []string{secret, url.QueryEscape(secret), base64.StdEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b))}
}

func TestEchoedSecretsAreScrubbed(t *testing.T) {
	var signature atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		_, sig, _ := strings.Cut(auth, "Signature=")
		signature.Store(sig)
		var echo []string
		for _, s := range []string{testAK, testSK, testToken, sig, auth} {
			echo = append(echo, forms(s)...)
		}
		w.Header().Set("Location", "http://"+testAK+".example/"+testToken)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error_code":"APIG.0301","error_msg":"ak ` + strings.Join(echo, " ") + ` not exist"}`))
	}))
	defer srv.Close()
	_, err := hostileClient(srv.URL).DCSMigrationStats(context.Background(), taskID)
	if err == nil {
		t.Fatal("no error")
	}
	text := err.Error()
	sig, _ := signature.Load().(string)
	if sig == "" {
		t.Fatal("no signature seen")
	}
	for _, s := range []string{testAK, testSK, testToken, sig} {
		for _, f := range forms(s) {
			if strings.Contains(strings.ToLower(text), strings.ToLower(f)) {
				t.Errorf("%q is in the error: %s", f, text)
			}
		}
	}
	if !strings.Contains(text, huaweicloud.Redacted) {
		t.Errorf("nothing redacted: %s", text)
	}
}

// TestEchoedPartsOfSecretsAreScrubbed echoes 16 or more characters of a
// secret (a prefix, a middle, a suffix), alone or inside an echoed header,
// raw and encoded: none of it reaches the error.
func TestEchoedPartsOfSecretsAreScrubbed(t *testing.T) {
	parts := map[string]string{
		"token prefix":            testToken[:20],
		"token middle":            testToken[7:29],
		"token suffix":            testToken[len(testToken)-16:],
		"sk prefix":               testSK[:16],
		"sk middle":               testSK[11:35],
		"ak suffix":               testAK[len(testAK)-16:],
		"token in a header":       "X-Security-Token: " + testToken[:24] + "\r\n",
		"token in a header at +1": "X-Security-Token:" + testToken[3:27] + "\r\n",
		"token in a header at +2": "X-Security-Token:  " + testToken[5:30] + "\r\n",
	}
	for name, part := range parts {
		for i, echo := range forms(part) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := json.Marshal(map[string]string{"error_code": "APIG.0301", "error_msg": "ak " + echo + " not exist"})
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write(body)
			}))
			_, err := hostileClient(srv.URL).DCSMigrationStats(context.Background(), taskID)
			srv.Close()
			if err == nil {
				t.Fatalf("%s, form %d: no error", name, i)
			}
			text := strings.ToLower(err.Error())
			if !strings.Contains(text, huaweicloud.Redacted) {
				t.Errorf("%s, form %d: nothing redacted in %q", name, i, text)
			}
			// No 16 characters of any form of a secret are left, at any
			// of base64's three alignments.
			for _, s := range []string{testAK, testSK, testToken} {
				for shift := range 3 {
					for _, f := range forms(s[shift:]) {
						f = strings.ToLower(f)
						for j := 0; j+16 <= len(f); j++ {
							if strings.Contains(text, f[j:j+16]) {
								t.Errorf("%s, form %d: %q of a secret is in the error: %s", name, i, f[j:j+16], text)
							}
						}
					}
				}
			}
		}
	}
}

func TestSecretsInAMalformedAnswerAreScrubbed(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = bufio.NewReader(conn).ReadString('\n')
			_, _ = conn.Write([]byte("HTTP/1.1 2OO " + testToken + " " + testAK + "\r\n\r\n"))
			_ = conn.Close()
		}
	}()
	_, err = hostileClient("http://"+l.Addr().String()).DCSMigrationStats(context.Background(), taskID)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), testAK) {
		t.Errorf("a secret is in the transport error: %v", err)
	}
	if got := huaweicloud.Reason(err); got != huaweicloud.ReasonNetwork {
		t.Errorf("reason %s, want network", got)
	}
}

// TestOMSErrorReasonIsScrubbed: a failed OMS task's (and task group's)
// error_reason is text the cloud sent; secrets echoed in it, whole, in
// part (16 characters or more) or encoded, never reach the caller, in
// every shape the field comes in.
func TestOMSErrorReasonIsScrubbed(t *testing.T) {
	echo := "ak " + testAK + ", sk " + testSK + ", token " + testToken + ", part " + testToken[7:29] +
		", sk part " + testSK[11:35] + ", hex " + hex.EncodeToString([]byte(testAK)) + "."
	scrubbed := "ak <redacted>, sk <redacted>, token <redacted>, part <redacted>, sk part <redacted>, hex <redacted>."
	quoted, _ := json.Marshal(echo)
	cases := []struct {
		name, field string
		want        huaweicloud.OMSErrorReason
	}{
		{"object", `"error_reason": {"error_code": "OMS.` + testAK + `", "error_msg": ` + string(quoted) + `},`,
			huaweicloud.OMSErrorReason{Code: "OMS.<redacted>", Message: huaweicloud.Text(scrubbed)}},
		{"a plain message", `"error_reason": ` + string(quoted) + `,`, huaweicloud.OMSErrorReason{Message: huaweicloud.Text(scrubbed)}},
		{"a code alone", `"error_reason": {"error_code": "` + testSK[:16] + `"},`, huaweicloud.OMSErrorReason{Code: "<redacted>"}},
		{"no secret", `"error_reason": {"error_code": 301, "error_msg": "The source object was deleted."},`,
			huaweicloud.OMSErrorReason{Code: "301", Message: "The source object was deleted."}},
		{"empty string", `"error_reason": "",`, huaweicloud.OMSErrorReason{}},
		{"null", `"error_reason": null,`, huaweicloud.OMSErrorReason{}},
		{"absent", ``, huaweicloud.OMSErrorReason{}},
		{"a list", `"error_reason": ["` + testAK + `"],`, huaweicloud.OMSErrorReason{}},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"id": 7, "group_id": "g-1", ` + c.field + ` "status": 4}`))
		}))
		client := huaweicloud.NewClient(huaweicloud.Options{
			ProjectID: testProject, Region: "cn-north-4",
			Endpoints:   map[string]string{huaweicloud.APIOMS: srv.URL},
			Credentials: &huaweicloud.StaticCredentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testToken},
		})
		task, err := client.OMSTask(t.Context(), "7")
		if err != nil || task.ErrorReason != c.want {
			t.Errorf("%s: task: %+v, %v; want %+v", c.name, task.ErrorReason, err, c.want)
		}
		group, err := client.OMSTaskGroup(t.Context(), "g-1")
		if err != nil || group.ErrorReason != c.want {
			t.Errorf("%s: group: %+v, %v; want %+v", c.name, group.ErrorReason, err, c.want)
		}
		srv.Close()
	}
}
