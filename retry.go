package phonelineplus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
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

// verdict is what classify concluded about one attempt: all that the retry
// policy reads.
type verdict struct {
	err        error         // what the caller sees if no attempt follows; nil on success
	retryable  bool          // transient, and another attempt cannot repeat an effect
	retryAfter time.Duration // the wait the server asked for; < 0 when it asked none
}

// retryPolicy is the part of a call's configuration the policy reads.
type retryPolicy struct {
	maxRetries   int
	maxRetryWait time.Duration
}

// shouldRetry reports whether another attempt follows attempt (0 for the
// first) whose verdict is v.
func (p retryPolicy) shouldRetry(v verdict, attempt int) bool {
	return v.err != nil && v.retryable && attempt < p.maxRetries && v.retryAfter <= p.maxRetryWait
}

// startsInTime reports whether an attempt after delay would start before
// ctx's deadline: a retry that cannot is not waited for.
func startsInTime(ctx context.Context, delay time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Now().Add(delay).Before(deadline)
}

// retryDelay is the wait before the retry that follows attempt: what the
// server asked for, or the jittered backoff.
func retryDelay(v verdict, attempt int) time.Duration {
	if v.retryAfter >= 0 {
		return v.retryAfter
	}
	return backoff(attempt)
}
