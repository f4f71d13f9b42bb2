package phonelineplus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultMaxRetries is how many times a retryable failure is retried.
	DefaultMaxRetries = 3
	// DefaultMaxRetryWait caps one server-requested wait (Retry-After).
	DefaultMaxRetryWait = 60 * time.Second

	backoffBase = 250 * time.Millisecond
	backoffCap  = 30 * time.Second
)

// idempotent reports whether a request may be sent again after it may have
// reached the server. POST (and any method outside HTTP's idempotent set)
// may not: PhoneLine+ creates are not idempotent.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableStatus reports the statuses retried for idempotent requests.
// Only 429 is retried for a POST: the API refused it without acting.
func retryableStatus(status int, idem bool) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idem
	}
	return false
}

// notSent reports a transport failure that certainly happened before any
// byte of the request reached the server: dialling, DNS or the TLS
// handshake. Only such failures let a POST be tried again.
func notSent(err error, wroteHeaders bool) bool {
	if wroteHeaders {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var (
		dnsErr    *net.DNSError
		certErr   *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
		alertErr  tls.AlertError
		authority x509.UnknownAuthorityError
		hostErr   x509.HostnameError
	)
	return errors.As(err, &dnsErr) || errors.As(err, &certErr) || errors.As(err, &recErr) ||
		errors.As(err, &alertErr) || errors.As(err, &authority) || errors.As(err, &hostErr)
}

// backoff returns the wait before retry number attempt (0-based):
// exponential from 250 ms, capped at 30 s, with full jitter.
func backoff(attempt int) time.Duration {
	ceiling := backoffCap
	if attempt < 20 {
		ceiling = min(backoffCap, backoffBase<<attempt)
	}
	return rand.N(ceiling + 1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date. ok is false when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const maxSecs = int64((1<<63 - 1) / int64(time.Second))
	secs, err := strconv.ParseInt(v, 10, 64)
	if err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if errors.Is(err, strconv.ErrRange) && strings.Trim(v, "0123456789") == "" {
		// More seconds than an int64 holds: as long as can be, so the
		// call fails at once instead of retrying early.
		return time.Duration(maxSecs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// sleep waits d, or returns ctx's error as soon as ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// judge turns one attempt's result into the call's fate: wait < 0 ends the
// call with err (nil on success); otherwise the call is retried after wait.
func (c *Client) judge(ctx context.Context, cl *call, r result, attempt int) (wait time.Duration, err error) {
	const done = -1
	idem := cl.repeatable()
	canRetry := attempt < cl.cfg.maxRetries
	success := r.status >= 200 && r.status < 300
	if r.err != nil && r.status != 0 && !success && ctx.Err() == nil && !errors.Is(r.err, errBodyTooLarge) {
		// An error status whose body could not be read: the status
		// still says what happened.
		r.body, r.err = nil, nil
	}
	switch {
	case r.pre:
		return done, r.err
	case r.err != nil && ctx.Err() != nil:
		err = fmt.Errorf("phonelineplus: %s %s: %w", cl.method, cl.path, ctx.Err())
		if !idem && r.sent {
			err = &outcomeUnknownError{method: cl.method, path: cl.path, err: err}
		}
		return done, err
	case r.err != nil:
		if errors.Is(r.err, ErrRateLimited) { // a redirect hop's limiter wait
			return done, r.err
		}
		final := errors.Is(r.err, errRedirectLoop) || errors.Is(r.err, errBodyTooLarge)
		if r.status == 0 && !final {
			err = &networkError{method: cl.method, path: cl.path, err: c.scrubError(r.err)}
		} else {
			err = &responseError{method: cl.method, path: cl.path, status: r.status, err: c.scrubError(r.err)}
		}
		if !idem && r.sent {
			return done, &outcomeUnknownError{method: cl.method, path: cl.path, err: err}
		}
		if final || !canRetry {
			return done, err
		}
		return retryAfter(ctx, backoff(attempt), err)
	case success:
		return done, nil
	}
	apiErr := newAPIError(cl.method, cl.path, r.resp, r.body, c.scrubBody)
	if !retryableStatus(r.status, idem) || !canRetry {
		// A 5xx may come after the server acted; a 303 (See Other) is
		// how a server points at what a POST has just created.
		if !idem && (r.status >= 500 || r.status == http.StatusSeeOther) {
			return done, &outcomeUnknownError{method: cl.method, path: cl.path, err: apiErr}
		}
		return done, apiErr
	}
	wait = backoff(attempt)
	if ra, ok := parseRetryAfter(r.resp.Header.Get("Retry-After"), time.Now()); ok {
		if ra > c.core.maxRetryWait {
			return done, apiErr
		}
		wait = ra
	}
	return retryAfter(ctx, wait, apiErr)
}

// retryAfter schedules another attempt after wait, or ends the call with
// err when the wait would not end before ctx's deadline.
func retryAfter(ctx context.Context, wait time.Duration, err error) (time.Duration, error) {
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Add(wait).Before(deadline) {
		return -1, err
	}
	return wait, nil
}

// scrubError keeps a transport error's chain but scrubs its text.
func (c *Client) scrubError(err error) error {
	if s := err.Error(); c.scrubString(s) != s {
		return errors.New(c.scrubString(s))
	}
	return err
}
