// Package huaweicloud is a small client for the Huawei Cloud migration APIs
// the exporter reads (DCS online migration, SMS, DRS, OMS, CDM). Requests are signed by the
// official SDK core (SDK-HMAC-SHA256); responses are decoded by this package's
// tolerant types, because the APIs send numbers as strings in some editions
// and as numbers in others.
package huaweicloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// maxBodyBytes caps how much of a response body is read: an answer is a few
// KiB, and a hostile or broken endpoint must not make the exporter buffer more.
const maxBodyBytes = 1 << 20

// API names: the values of the `api` label.
const (
	APIDCS = "dcs"
	APISMS = "sms"
)

// Observer is told about every API request, for the exporter's own metrics.
// code is the HTTP status, or "error" when no answer came back.
type Observer interface {
	ObserveRequest(api, operation, code string, duration time.Duration)
}

// Options configure a Client for one account.
type Options struct {
	ProjectID string
	// Region picks each service's default endpoint (DefaultEndpoint).
	Region string
	// Endpoints override the default endpoint of a service, by API name
	// (APIDCS, …), e.g. https://dcs.eu-de.otc.t-systems.com.
	Endpoints map[string]string
	// Credentials, when set, are used as they are; otherwise Provider (or,
	// when that is nil too, DefaultProviderChain) finds them.
	Credentials *StaticCredentials
	Provider    CredentialProvider
	// HTTPClient sends the requests; its transport is shared. Deadlines come
	// from the request context.
	HTTPClient *http.Client
	Observer   Observer
	UserAgent  string
	// Limiter, when set, paces every request of the account (retries too).
	Limiter *rate.Limiter
}

// Client calls the migration APIs of one account. It is safe for concurrent use.
type Client struct {
	opts      Options
	endpoints map[string]string // by API name: the override, else the region's default
	signer    *requestSigner
	builders  sync.Pool // of *request.HttpRequestBuilder, for GETs without a query (builder)
	scrubs    scrubCache
}

// NewClient returns a client for one account.
func NewClient(opts Options) *Client {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	// Never follow a redirect: a signed request, its token and the answer
	// must not go to or come from any host but the configured endpoint. The
	// 3xx itself is the answer, and an error (ReasonRedirect).
	hc := *opts.HTTPClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	opts.HTTPClient = &hc
	endpoints := make(map[string]string, len(defaultEndpoints))
	for api, def := range defaultEndpoints {
		endpoints[api] = def(opts.Region)
	}
	for api, e := range opts.Endpoints {
		if e != "" {
			endpoints[api] = e
		}
	}
	return &Client{opts: opts, endpoints: endpoints, signer: newRequestSigner(opts.ProjectID, opts.Credentials, opts.Provider)}
}

// call describes one request: a GET, or a POST with a JSON body.
type call struct {
	api, operation string
	path           string // with {placeholders}: {project_id} and at most one other, idParam
	idParam, id    string // the other placeholder's name (task_id) and value, a validated id
	query          url.Values
	body           []byte // JSON; a call with a body is a POST (the signer hashes the body)
	// notFound are the error codes that say the call's resource does not
	// exist, besides those every service's calls share (APIError.Reason).
	notFound []string
}

// getAs performs the call and decodes a 2xx JSON body into a T (the name
// says GET; a call with a body is POSTed).
func getAs[T any](ctx context.Context, c *Client, cl call) (T, error) {
	var v T
	err := get(ctx, c, cl, &v)
	return v, err
}

// get performs the call and decodes a 2xx JSON body into out, a pointer
// to a zero answer (see decodeJSON).
func get(ctx context.Context, c *Client, cl call, out any) error {
	body, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	if err := decodeJSON(body, out); err != nil {
		return &DecodeError{Err: err}
	}
	return nil
}

// Share is a part of an account's API budget set aside for one kind of
// caller (the exporter gives one to /probe requests, so that a flood of
// probes cannot use up what /metrics needs): a rate and a number of calls
// in flight. A call whose context carries a Share (WithShare) waits for a
// slot and for the Share's limiter, then for the account's as every call.
type Share struct {
	Limiter *rate.Limiter
	Slots   chan struct{} // one element per call in flight
}

type shareKey struct{}

// WithShare returns ctx whose calls draw on s as well as on the account's
// budget.
func WithShare(ctx context.Context, s *Share) context.Context {
	return context.WithValue(ctx, shareKey{}, s)
}

// limitError is the error of a Wait on limiter that failed: a
// BudgetError when ctx still had time (Wait fails at once, without
// waiting or taking a token, when the next token comes after ctx's
// deadline), else ctx's end.
func limitError(ctx context.Context, what string, limiter *rate.Limiter) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s (%g requests/s): %w", what, float64(limiter.Limit()), err)
	}
	return &BudgetError{What: what, Limit: float64(limiter.Limit())}
}

// do sends the call, retrying throttled and 5xx answers within ctx's
// deadline, and returns the body of a 2xx answer. Any other answer becomes
// an *APIError.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	share, _ := ctx.Value(shareKey{}).(*Share)
	if share != nil {
		select {
		case share.Slots <- struct{}{}:
			defer func() { <-share.Slots }()
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for one of the %d calls in flight that probes may make: %w", cap(share.Slots), ctx.Err())
		}
	}
	trace := TraceFrom(ctx)
	why := "" // why this attempt is a retry, for the trace
	for attempt := 0; ; attempt++ {
		if share != nil {
			if err := share.Limiter.Wait(ctx); err != nil {
				return nil, limitError(ctx, "probe rate limit", share.Limiter)
			}
		}
		if c.opts.Limiter != nil {
			if err := c.opts.Limiter.Wait(ctx); err != nil {
				return nil, limitError(ctx, "rate limit", c.opts.Limiter)
			}
		}
		var at *attemptTrace // only when tracing: a normal poll pays a nil check
		if trace != nil {
			at = &attemptTrace{method: http.MethodGet, path: cl.path, code: "error"}
			if cl.body != nil {
				at.method = http.MethodPost
			}
		}
		body, err := c.once(ctx, cl, at)
		if at != nil {
			trace.Addf(TraceRequest, "%s %s -> %s in %s (attempt %d%s)",
				at.method, at.path, at.code, at.duration.Round(time.Microsecond), attempt+1, why)
		}
		if err == nil || attempt == MaxRetries {
			return body, err
		}
		delay, retry := retryDelay(err, attempt)
		if !retry || !waitToRetry(ctx, delay) {
			if trace != nil && retry {
				trace.Addf(TraceRequest, "not retried: waiting %s would pass the scrape's deadline", delay.Round(time.Millisecond))
			}
			return nil, err
		}
		if trace != nil {
			why = ", a retry: " + retryWhy(err, delay)
		}
	}
}

// once sends the call one time. at, when not nil, is told the request's
// method, URL path (never its query or headers), status and duration.
func (c *Client) once(ctx context.Context, cl call, at *attemptTrace) ([]byte, error) {
	endpoint := c.endpoints[cl.api]
	if endpoint == "" {
		return nil, fmt.Errorf("no %s endpoint configured", cl.api)
	}
	method := http.MethodGet
	if cl.body != nil {
		method = http.MethodPost
	}
	b := c.builder(cl).
		WithEndpoint(endpoint).
		WithMethod(method).
		WithPath(c.urlPath(cl)).
		WithSigningAlgorithm(algorithm.HmacSHA256).
		// Lower-case names: the signer lower-cases every header name several
		// times (an allocation each unless it already is), and net/http sends
		// them canonical; the signature and the wire are the same.
		AddHeaderParam("content-type", "application/json").
		AddHeaderParam("user-agent", c.opts.UserAgent)
	for k, vs := range cl.query {
		// The SDK signs and sends only query values held as reflect.Values.
		b.AddQueryParam(k, reflect.ValueOf(vs[0]))
	}
	if cl.body != nil {
		// A string body is sent and hashed as it is.
		b.WithBody("application/json", string(cl.body))
	}
	signed, err := c.signer.sign(b)
	if err != nil {
		c.release(cl, b)
		return nil, err
	}
	req, err := httpRequest(ctx, signed, cl)
	c.release(cl, b)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	if at != nil {
		at.method, at.path = req.Method, req.URL.Path
	}

	c.tally(ctx, cl.api)
	start := time.Now()
	resp, err := c.send(req)
	if err != nil {
		c.observe(cl, "error", start)
		if at != nil {
			at.duration = time.Since(start)
		}
		return nil, c.scrubbedErr(stripURL(err), req)
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	code := statusCode(resp.StatusCode)
	c.observe(cl, code, start)
	if at != nil {
		at.code, at.duration = code, time.Since(start)
	}
	if err != nil {
		return nil, c.scrubbedErr(stripURL(err), req)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.scrubbed(newAPIError(resp.StatusCode, resp.Header, body), req)
		e.gone = slices.Contains(cl.notFound, e.Code)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && len(body) <= maxBodyBytes {
			e.body = body // a batch API's per-job errors; never logged or shown
		}
		return nil, e
	}
	if len(body) > maxBodyBytes {
		return nil, &DecodeError{Err: fmt.Errorf("body larger than %d bytes", maxBodyBytes)}
	}
	if e := errorInSuccess(resp.StatusCode, resp.Header, body); e != nil {
		e.gone = slices.Contains(cl.notFound, e.Code)
		return nil, c.scrubbed(e, req)
	}
	return body, nil
}

// builder returns an empty request builder for cl: from the client's pool
// for a GET without a query (nearly every call), else a new one. The SDK's
// builder makes five maps and two structs; a poll's calls can share them.
func (c *Client) builder(cl call) *request.HttpRequestBuilder {
	if cl.body == nil && len(cl.query) == 0 {
		if b, ok := c.builders.Get().(*request.HttpRequestBuilder); ok {
			return b
		}
	}
	return request.NewHttpRequestBuilder()
}

// release empties b and puts it back in the pool when builder took it from
// there. Nothing refers to b's request once httpRequest has copied it out:
// header values are strings. The builder never had a body (a body cannot
// be unset), and every map the client or the signer fills is cleared;
// endpoint, method, path and algorithm are set again by the next call.
func (c *Client) release(cl call, b *request.HttpRequestBuilder) {
	if cl.body != nil || len(cl.query) > 0 {
		return
	}
	r := b.Build()
	clear(r.GetHeaderParams())
	clear(r.GetQueryParams())
	clear(r.GetPathParams())
	clear(r.GetFormParams())
	c.builders.Put(b)
}

// urlPath is cl's path with its placeholders filled — cl.idParam with
// cl.id, {project_id} with the account's project when it has one — as the
// SDK's path parameters and its signer filled them, in one allocation and
// without a map for each call. Other placeholders stay as they are. The id
// is validated and the project id configured, so neither holds a brace.
func (c *Client) urlPath(cl call) string {
	var b strings.Builder
	b.Grow(len(cl.path) + len(cl.id) + len(c.opts.ProjectID))
	rest := cl.path
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			break
		}
		end += open
		switch name := rest[open+1 : end]; {
		case cl.idParam != "" && name == cl.idParam:
			b.WriteString(rest[:open])
			b.WriteString(cl.id)
		case name == "project_id" && c.opts.ProjectID != "":
			b.WriteString(rest[:open])
			b.WriteString(c.opts.ProjectID)
		default:
			b.WriteString(rest[:end+1])
		}
		rest = rest[end+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// statusCode is strconv.Itoa(code) without an allocation for 200, the
// status of nearly every answer.
func statusCode(code int) string {
	if code == http.StatusOK {
		return "200"
	}
	return strconv.Itoa(code)
}

// httpRequest is the *http.Request the SDK's ConvertRequest makes of
// signed (the endpoint's URL with signed's path, its headers, cl's body),
// with ctx, in fewer allocations: the headers' values share one slice, the
// body is not copied, and there is no copy for WithContext.
// TestRequestIsTheSDKsRequest holds the two to the same request. A call
// with a query (a list page, once per scrape at most) goes through
// ConvertRequest, which encodes the query as the signer signed it.
func httpRequest(ctx context.Context, signed *request.DefaultHttpRequest, cl call) (*http.Request, error) {
	if len(cl.query) > 0 {
		req, err := signed.ConvertRequest()
		if err != nil {
			return nil, err
		}
		return req.WithContext(ctx), nil
	}
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, signed.GetMethod(), signed.GetEndpoint(), body)
	if err != nil {
		return nil, err
	}
	if p := signed.GetPath(); p != "" {
		req.URL.Path = p
	}
	params := signed.GetHeaderParams()
	values := make([]string, 0, len(params))
	for k, v := range params {
		name := canonicalHeader(k)
		if have, ok := req.Header[name]; ok {
			// As ConvertRequest's Header.Add: a second value is added, but
			// a second Content-Type is dropped.
			if name != "Content-Type" {
				req.Header[name] = append(have, v)
			}
			continue
		}
		values = append(values, v)
		req.Header[name] = values[len(values)-1 : len(values) : len(values)]
	}
	return req, nil
}

// canonicalHeader is http.CanonicalHeaderKey(name) without an allocation
// for the names the client and the signer set in lower case.
func canonicalHeader(name string) string {
	switch name {
	case "content-type":
		return "Content-Type"
	case "user-agent":
		return "User-Agent"
	case "x-project-id":
		return "X-Project-Id"
	case "x-security-token":
		return "X-Security-Token"
	}
	return http.CanonicalHeaderKey(name)
}

// send is what c.opts.HTTPClient.Do(req) does for a client that never
// follows a redirect, without the redirect and header-copying set-up Do
// makes for every request: the transport's RoundTrip, with Do's checks of
// what comes back, an unparseable Location of a redirect an error as in Do,
// and errors in a *url.Error as Do's are. A client with a cookie jar or a
// Timeout, or a URL with a user, goes through Do itself.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	hc := c.opts.HTTPClient
	if hc.Jar != nil || hc.Timeout != 0 || req.URL.User != nil {
		return hc.Do(req)
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		if tlsErr, ok := err.(tls.RecordHeaderError); ok && string(tlsErr.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, urlError(req, err)
	}
	if resp == nil {
		return nil, urlError(req, fmt.Errorf("http: RoundTripper implementation (%T) returned a nil *Response with a nil error", rt))
	}
	if resp.Body == nil {
		if resp.ContentLength > 0 {
			return nil, urlError(req, fmt.Errorf("http: RoundTripper implementation (%T) returned a *Response with content length %d but a nil Body", rt, resp.ContentLength))
		}
		resp.Body = http.NoBody
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if loc := resp.Header.Get("Location"); loc != "" {
			if _, err := req.URL.Parse(loc); err != nil {
				_ = resp.Body.Close()
				return nil, urlError(req, fmt.Errorf("failed to parse Location header %q: %v", loc, err)) // Do's text
			}
		}
	}
	return resp, nil
}

// urlError wraps err as http.Client.Do does.
func urlError(req *http.Request, err error) error {
	op := "Get"
	if req.Method == http.MethodPost {
		op = "Post"
	}
	return &url.Error{Op: op, URL: req.URL.String(), Err: err}
}

// readBody reads at most maxBodyBytes+1 bytes, into a buffer sized from
// Content-Length when the answer has one (io.ReadAll's doubling from 512
// bytes is a visible share of a poll's allocations). It reads into the
// buffer itself: bytes.Buffer.ReadFrom asks for 512 free bytes before each
// read and so reallocated a buffer sized exactly from Content-Length.
func readBody(resp *http.Response) ([]byte, error) {
	const limit = maxBodyBytes + 1
	size := int64(4096)
	if resp.ContentLength > 0 {
		size = min(resp.ContentLength+1, limit)
	}
	buf := make([]byte, 0, size)
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), limit-len(buf)))
		}
		n, err := resp.Body.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

func (c *Client) observe(cl call, code string, start time.Time) {
	if c.opts.Observer != nil {
		c.opts.Observer.ObserveRequest(cl.api, cl.operation, code, time.Since(start))
	}
}

// scrubbed removes the account's secrets and the request's signature from
// what the cloud sent back in e, before it is logged or shown anywhere.
func (c *Client) scrubbed(e *APIError, req *http.Request) *APIError {
	s := c.requestScrubber(req)
	e.Code, e.Message, e.Location = s.scrub(e.Code), s.scrub(e.Message), s.scrub(e.Location)
	return e
}

// scrubbedErr is err with the secrets removed from its text: a transport
// error can quote what a server sent (a malformed status line, say). Its
// type stays reachable (errors.As) for Reason.
func (c *Client) scrubbedErr(err error, req *http.Request) error {
	text := err.Error()
	if clean := c.requestScrubber(req).scrub(text); clean != text {
		return &scrubbedError{text: clean, err: err}
	}
	return err
}

func (c *Client) requestScrubber(req *http.Request) scrubber {
	auth := req.Header.Get("Authorization")
	return c.scrubs.scrubber(c.signer.secrets(), auth, signatureOf(auth))
}

// scrubbedError is an error whose text had secrets in it.
type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }

// ScrubText removes the account's secrets from text that came from the
// network (a field's undecodable value, for example).
func (c *Client) ScrubText(text string) string {
	return c.scrubs.scrubber(c.signer.secrets()).scrub(text)
}

// signatureOf is the Signature= part of an SDK-HMAC-SHA256 Authorization
// header, or "".
func signatureOf(authorization string) string {
	_, sig, ok := strings.Cut(authorization, "Signature=")
	if !ok {
		return ""
	}
	sig, _, _ = strings.Cut(sig, ",")
	return strings.TrimSpace(sig)
}

// stripURL drops the request URL from a transport error: the caller already
// knows which task failed, and the message stays short and stable.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
