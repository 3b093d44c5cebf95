package simulator

import (
	"bytes"
	"crypto/hmac"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// maxClockSkew is how far X-Sdk-Date may be from the gateway's clock.
const maxClockSkew = 15 * time.Minute

// authorization is a parsed "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…".
type authorization struct {
	access        string
	signedHeaders []string
}

func parseAuthorization(v string) (authorization, bool) {
	const scheme = "SDK-HMAC-SHA256 "
	if !strings.HasPrefix(v, scheme) {
		return authorization{}, false
	}
	var a authorization
	var haveSig bool
	for part := range strings.SplitSeq(strings.TrimPrefix(v, scheme), ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authorization{}, false
		}
		switch k {
		case "Access":
			a.access = val
		case "SignedHeaders":
			a.signedHeaders = strings.Split(val, ";")
		case "Signature":
			haveSig = val != ""
		}
	}
	return a, a.access != "" && len(a.signedHeaders) > 0 && haveSig
}

// verifySignature checks r the way the API gateway does: the access key is
// known, X-Sdk-Date is within 15 minutes, and recomputing the signature over
// the signed headers with the SDK's own signer gives the same Authorization.
// It returns nil, or the gateway-style error to answer with.
func verifySignature(r *http.Request, accessKey, secretKey string, now time.Time) *apiError {
	got := r.Header.Get("Authorization")
	a, ok := parseAuthorization(got)
	if !ok {
		return errAuth("Incorrect IAM authentication information: Authorization header missing or malformed")
	}
	if a.access != accessKey {
		return errAuth("Incorrect IAM authentication information: unknown access key")
	}
	date, err := time.Parse(signer.BasicDateFormat, r.Header.Get(signer.HeaderXDate))
	if err != nil {
		return errAuth("Incorrect IAM authentication information: X-Sdk-Date missing or malformed")
	}
	if d := now.Sub(date); d > maxClockSkew || d < -maxClockSkew {
		return errAuth("Incorrect IAM authentication information: signature expired")
	}

	b := request.NewHttpRequestBuilder().
		WithEndpoint("http://" + r.Host).
		WithMethod(r.Method).
		WithPath(r.URL.Path)
	for k, vs := range r.URL.Query() {
		b.AddQueryParam(k, reflect.ValueOf(vs[0]))
	}
	if r.Body != nil && r.Method == http.MethodPost {
		// The signature covers the body's hash: read it, sign it, and put it
		// back for the handler.
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return errAuth("Incorrect IAM authentication information: unreadable body")
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		b.WithBody("application/json", string(body))
	}
	for _, h := range a.signedHeaders {
		v := r.Header.Get(h)
		if strings.EqualFold(h, "host") {
			v = r.Host
		}
		b.AddHeaderParam(http.CanonicalHeaderKey(h), v)
	}
	want, err := signer.Sign(b.Build(), accessKey, secretKey)
	if err != nil || !hmac.Equal([]byte(want[signer.HeaderAuthorization]), []byte(got)) {
		return errAuth("Incorrect IAM authentication information: verify aksk signature fail")
	}
	return nil
}
