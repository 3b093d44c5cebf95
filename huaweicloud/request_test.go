package huaweicloud

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// captureTransport keeps the last request it was sent (with its body read)
// and answers 200 with body.
type captureTransport struct {
	body string

	mu      sync.Mutex
	last    *http.Request
	reqBody []byte
}

// RoundTrip records req and answers at once.
func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	t.mu.Lock()
	t.last, t.reqBody = req, b
	t.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: int64(len(t.body)),
		Body: io.NopCloser(strings.NewReader(t.body)), Request: req}, nil
}

// sdkReference is the request the SDK's own path makes of the same call —
// its builder, BasicCredentials.ProcessAuthRequest, ConvertRequest — signed
// at date (X-Sdk-Date), for comparing with what the client sends.
func sdkReference(t *testing.T, creds StaticCredentials, projectID, endpoint, method, path string,
	pathParams map[string]string, query url.Values, body []byte, userAgent, date string) (*http.Request, []byte) {
	t.Helper()
	b := request.NewHttpRequestBuilder().
		WithEndpoint(endpoint).WithMethod(method).WithPath(path).
		WithSigningAlgorithm(algorithm.HmacSHA256).
		AddHeaderParam("Content-Type", "application/json").
		AddHeaderParam("User-Agent", userAgent).
		AddHeaderParam(signer.HeaderXDate, date)
	for k, v := range pathParams {
		b.AddPathParam(k, v)
	}
	for k, vs := range query {
		b.AddQueryParam(k, reflect.ValueOf(vs[0]))
	}
	if body != nil {
		b.WithBody("application/json", string(body))
	}
	cred, err := auth.NewBasicCredentialsBuilder().WithAk(creds.AccessKey).WithSk(creds.SecretKey).
		WithSecurityToken(creds.SecurityToken).WithProjectId(projectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := cred.ProcessAuthRequest(&impl.DefaultHttpClient{}, b.Build())
	if err != nil {
		t.Fatal(err)
	}
	req, err := signed.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	var rb []byte
	if req.Body != nil {
		rb, _ = io.ReadAll(req.Body)
	}
	return req, rb
}

// TestRequestIsTheSDKsRequest checks that what the client sends — method,
// URL, Host, every header (the signature included) and body — is exactly
// what the SDK's own request path makes of the same call, for GETs with a
// path parameter or a query and for a POST, with and without a security
// token.
func TestRequestIsTheSDKsRequest(t *testing.T) {
	const (
		project  = "0123456789abcdef0123456789abcdef"
		endpoint = "https://svc.example.com"
		ua       = "migration_exporter/test"
		task     = "31c6fd2b-2893-430b-90ff-d1adb8060585"
	)
	type want struct {
		method, path string
		params       map[string]string
		query        url.Values
		body         []byte
	}
	cases := []struct {
		name string
		send func(*Client) error
		want want
	}{
		{"dcs stats", func(c *Client) error { _, err := c.DCSMigrationStats(context.Background(), task); return err },
			want{http.MethodGet, "/v2/{project_id}/migration-task/{task_id}/stats", map[string]string{"task_id": task}, nil, nil}},
		{"dcs task", func(c *Client) error { _, err := c.DCSMigrationTask(context.Background(), task); return err },
			want{http.MethodGet, "/v2/{project_id}/migration-task/{task_id}", map[string]string{"task_id": task}, nil, nil}},
		{"dcs list", func(c *Client) error { _, err := c.DCSMigrationTaskPage(context.Background(), 200, 100); return err },
			want{http.MethodGet, "/v2/{project_id}/migration-tasks", nil, url.Values{"offset": {"200"}, "limit": {"100"}}, nil}},
		{"sms task", func(c *Client) error { _, err := c.SMSTask(context.Background(), task); return err },
			want{http.MethodGet, "/v3/tasks/{task_id}", map[string]string{"task_id": task}, nil, nil}},
		{"sms list", func(c *Client) error { _, err := c.SMSTaskPage(context.Background(), 0, 100); return err },
			want{http.MethodGet, "/v3/tasks", nil, url.Values{"offset": {"0"}, "limit": {"100"}}, nil}},
		{"oms task", func(c *Client) error { _, err := c.OMSTask(context.Background(), task); return err },
			want{http.MethodGet, "/v2/{project_id}/tasks/{task_id}", map[string]string{"task_id": task}, nil, nil}},
		{"oms group", func(c *Client) error { _, err := c.OMSTaskGroup(context.Background(), task); return err },
			want{http.MethodGet, "/v2/{project_id}/taskgroups/{group_id}", map[string]string{"group_id": task}, nil, nil}},
		{"drs batch", func(c *Client) error {
			_, _, err := c.DRSJobStatuses(context.Background(), []string{"job-1", "job-2"})
			return err
		},
			want{http.MethodPost, "/v3/{project_id}/jobs/batch-status", nil, nil, []byte(`{"jobs":["job-1","job-2"],"page_req":{"cur_page":1,"per_page":2}}`)}},
	}
	for _, token := range []string{"", "temporary-security-token"} {
		creds := StaticCredentials{AccessKey: "AKAKAKAKAKAKAKAKAK01", SecretKey: "sksksksksksksksksksksksksksksksksksksk01", SecurityToken: token}
		// One client for all the calls, twice over: each request must be
		// right whatever the one before it was.
		tr := &captureTransport{body: `{"results":[]}`}
		c := NewClient(Options{ProjectID: project, Region: "cn-north-4",
			Endpoints:   map[string]string{APIDCS: endpoint, APISMS: endpoint, APIOMS: endpoint, APIDRS: endpoint},
			Credentials: &creds, HTTPClient: &http.Client{Transport: tr}, UserAgent: ua})
		for _, tc := range append(cases, cases...) {
			t.Run(tc.name+"/token="+token, func(t *testing.T) {
				_ = tc.send(c) // the canned answer may not decode; the request is what counts
				got := tr.last
				if got == nil {
					t.Fatal("no request sent")
				}
				date := got.Header.Get(signer.HeaderXDate)
				if _, err := time.Parse(signer.BasicDateFormat, date); err != nil {
					t.Fatalf("X-Sdk-Date %q: %v", date, err)
				}
				w := tc.want
				ref, refBody := sdkReference(t, creds, project, endpoint, w.method, w.path, w.params, w.query, w.body, ua, date)
				if got.Method != ref.Method || got.URL.String() != ref.URL.String() || got.Host != ref.Host {
					t.Errorf("sent %s %s (Host %q), the SDK sends %s %s (Host %q)", got.Method, got.URL, got.Host, ref.Method, ref.URL, ref.Host)
				}
				if !reflect.DeepEqual(got.Header, ref.Header) {
					t.Errorf("headers\n got %v\nwant %v", got.Header, ref.Header)
				}
				if string(tr.reqBody) != string(refBody) || got.ContentLength != ref.ContentLength {
					t.Errorf("body %q (length %d), the SDK sends %q (length %d)", tr.reqBody, got.ContentLength, refBody, ref.ContentLength)
				}
				if token != "" && got.Header.Get("X-Security-Token") != token {
					t.Errorf("X-Security-Token %q", got.Header.Get("X-Security-Token"))
				}
				if got.Header.Get("X-Project-Id") != project {
					t.Errorf("X-Project-Id %q", got.Header.Get("X-Project-Id"))
				}
			})
		}
	}
}

// BenchmarkClientDo is one signed GET through Client.do with a transport
// that answers at once: building, signing, sending, reading the body and
// observing, without any decoding.
func BenchmarkClientDo(b *testing.B) {
	tr := &captureTransport{body: `{"full_migration_progress":50,"is_migrating":true,"offset":960002}`}
	c := NewClient(Options{ProjectID: "0123456789abcdef0123456789abcdef",
		Endpoints:   map[string]string{APIDCS: "https://dcs.example.com"},
		Credentials: &StaticCredentials{AccessKey: "AKAKAKAKAKAKAKAKAK01", SecretKey: "sksksksksksksksksksksksksksksksksksksk01"},
		HTTPClient:  &http.Client{Transport: tr}, UserAgent: "migration_exporter/bench"})
	ctx := context.Background()
	cl := c.dcsCall(OpShowMigrationTaskStats, "/v2/{project_id}/migration-task/{task_id}/stats", "31c6fd2b-2893-430b-90ff-d1adb8060585")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.do(ctx, cl); err != nil {
			b.Fatal(err)
		}
	}
}

// fixedTransport answers with resp and err, whatever was asked.
type fixedTransport struct {
	resp func() *http.Response
	err  error
}

// RoundTrip implements http.RoundTripper.
func (t fixedTransport) RoundTrip(*http.Request) (*http.Response, error) {
	var resp *http.Response
	if t.resp != nil {
		resp = t.resp()
	}
	return resp, t.err
}

// TestSendIsDo checks that Client.send, which calls the transport itself,
// gives what http.Client.Do gives with the client's never-follow redirect
// policy: the same status, or the same error text and Reason.
func TestSendIsDo(t *testing.T) {
	redirect := func(loc string) func() *http.Response {
		return func() *http.Response {
			return &http.Response{StatusCode: http.StatusFound, Header: http.Header{"Location": {loc}}, Body: http.NoBody}
		}
	}
	cases := map[string]fixedTransport{
		"ok": {resp: func() *http.Response {
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody}
		}},
		"nil body":         {resp: func() *http.Response { return &http.Response{StatusCode: 200, Header: http.Header{}} }},
		"nil body, length": {resp: func() *http.Response { return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: 5} }},
		"nil response":     {},
		"redirect":         {resp: redirect("https://elsewhere.example/x")},
		"redirect, bad":    {resp: redirect("http://[::1%zz]/")},
		"redirect, none": {resp: func() *http.Response {
			return &http.Response{StatusCode: 307, Header: http.Header{}, Body: http.NoBody}
		}},
		"network error":      {err: errors.New("connection refused")},
		"deadline":           {err: context.DeadlineExceeded},
		"scheme mismatch":    {err: tls.RecordHeaderError{RecordHeader: [5]byte{'H', 'T', 'T', 'P', '/'}}},
		"other tls error":    {err: tls.RecordHeaderError{Msg: "bad record"}},
		"response and error": {resp: func() *http.Response { return &http.Response{StatusCode: 200, Body: http.NoBody} }, err: errors.New("both")},
	}
	for name, tr := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(name+"/"+method, func(t *testing.T) {
				c := NewClient(Options{HTTPClient: &http.Client{Transport: tr}, Credentials: &StaticCredentials{AccessKey: "a", SecretKey: "s"}})
				newReq := func() *http.Request {
					req, err := http.NewRequest(method, "https://svc.example.com/v1/x", strings.NewReader("{}"))
					if err != nil {
						t.Fatal(err)
					}
					return req
				}
				got, gotErr := c.send(newReq())
				want, wantErr := c.opts.HTTPClient.Do(newReq())
				if (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("send: %v, Do: %v", gotErr, wantErr)
				}
				if gotErr != nil {
					if stripURL(gotErr).Error() != stripURL(wantErr).Error() || Reason(gotErr) != Reason(wantErr) {
						t.Errorf("send: %q (%s), Do: %q (%s)", stripURL(gotErr), Reason(gotErr), stripURL(wantErr), Reason(wantErr))
					}
					if _, ok := errors.AsType[*url.Error](gotErr); !ok {
						t.Errorf("send's error %T is not a *url.Error", gotErr)
					}
					return
				}
				if got.StatusCode != want.StatusCode || got.Body == nil {
					t.Errorf("send: status %d (body %v), Do: %d", got.StatusCode, got.Body, want.StatusCode)
				}
			})
		}
	}
}

// TestReadBody checks that readBody reads what io.ReadAll of the first
// maxBodyBytes+1 bytes reads, whatever Content-Length says.
func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 67, 4095, 4096, 4097, 70000, maxBodyBytes, maxBodyBytes + 1, maxBodyBytes + 5000} {
		body := strings.Repeat("x", n)
		for _, cl := range []int64{-1, 0, int64(n), int64(n) / 2, int64(n) * 2, maxBodyBytes * 4} {
			resp := &http.Response{ContentLength: cl, Body: io.NopCloser(iotest.OneByteReader(strings.NewReader(body)))}
			if n > 5000 {
				resp.Body = io.NopCloser(strings.NewReader(body))
			}
			got, err := readBody(resp)
			want, _ := io.ReadAll(io.LimitReader(strings.NewReader(body), maxBodyBytes+1))
			if err != nil || string(got) != string(want) {
				t.Errorf("%d bytes, Content-Length %d: read %d bytes (%v), want %d", n, cl, len(got), err, len(want))
			}
		}
	}
}

// TestURLPath checks urlPath against the SDK's way, one strings.ReplaceAll
// per parameter: the id's, then {project_id}.
func TestURLPath(t *testing.T) {
	sdk := func(path, param, id, project string) string {
		if param != "" {
			path = strings.ReplaceAll(path, "{"+param+"}", id)
		}
		if project != "" {
			path = strings.ReplaceAll(path, "{project_id}", project)
		}
		return path
	}
	paths := []string{"", "/v3/tasks", "/v3/tasks/{task_id}", "/v2/{project_id}/migration-task/{task_id}/stats",
		"/v2/{project_id}/tasks", "/{task_id}/{task_id}", "/v2/{project_id}/taskgroups/{group_id}", "/a/{other}/{task_id", "/a/}{project_id}{", "{project_id}"}
	for _, path := range paths {
		for _, project := range []string{"", "0123456789abcdef"} {
			for _, p := range [][2]string{{"", ""}, {"task_id", "t-1"}, {"group_id", "g-2"}} {
				c := &Client{opts: Options{ProjectID: project}}
				got := c.urlPath(call{path: path, idParam: p[0], id: p[1]})
				if want := sdk(path, p[0], p[1], project); got != want {
					t.Errorf("urlPath(%q, %s=%q, project %q) = %q, want %q", path, p[0], p[1], project, got, want)
				}
			}
		}
	}
}
