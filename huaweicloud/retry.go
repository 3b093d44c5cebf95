package huaweicloud

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/sleep"
)

// MaxRetries is how many times a throttled (429, APIG.0308) or failed (5xx)
// request is tried again. Other errors are not retried; an auth error in
// particular never is, because the API gateway locks an access key after
// repeated authentication failures.
const MaxRetries = 2

// Backoff before retrying a 5xx answer without Retry-After: 200ms, 400ms, …
// with ±50% jitter.
const backoffBase = 200 * time.Millisecond

// retryDelay says whether err is worth another attempt and after how long.
// A Retry-After is followed, also when it says "now" (0, or a date that has
// passed). The API gateway does not promise a Retry-After on 429; its own
// advice is to retry after 2 to 5 seconds, so that is the wait when none is
// given.
func retryDelay(err error, attempt int) (time.Duration, bool) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return 0, false
	}
	switch apiErr.Reason() {
	case ReasonThrottled:
		if apiErr.HasRetryAfter {
			return apiErr.RetryAfter, true
		}
		return 2*time.Second + rand.N(3*time.Second), true
	case ReasonHTTP5xx:
		if apiErr.HasRetryAfter {
			return apiErr.RetryAfter, true
		}
		d := backoffBase << attempt
		return d/2 + rand.N(d), true
	}
	return 0, false
}

// waitToRetry sleeps for d unless that would end past ctx's deadline (then
// it returns false at once: the last error stands).
func waitToRetry(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return false
	}
	return sleep.For(ctx, d)
}
