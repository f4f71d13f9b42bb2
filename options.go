package phonelineplus

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Base URLs of the Partner API. Every endpoint path is relative to one of
// them.
const (
	// ProductionURL is the documented production base URL.
	ProductionURL = "https://api.phonelineplus.com/v1"
	// UATURL is the UAT (test) environment seen in a real client.
	UATURL = "https://api-ss-gb-aws-uat.gammaapi.net/partner/v1"
)

const (
	// DefaultMaxResponseBytes caps a response body.
	DefaultMaxResponseBytes = 10 << 20
	// DefaultAttemptTimeout bounds one HTTP attempt (sending it, and
	// reading the whole answer), so that no attempt can hang. Creates can
	// be slow (a public client waits 120 s), hence the generous value. The
	// Timeout of an http.Client given to WithHTTPClient replaces it; a zero
	// Timeout keeps this one.
	DefaultAttemptTimeout = 120 * time.Second
	// DefaultCallTimeout bounds a call whose context has no deadline, its
	// limiter waits, token exchange, attempts and retries included: it is
	// the longest one call can take when the caller sets no deadline.
	// Give the context a deadline to allow more or less.
	DefaultCallTimeout = 4 * time.Minute
)

// Option configures a Client. Options are made only by the With functions.
type Option struct {
	apply func(*config) error
}

type config struct {
	baseURL      string
	httpClient   *http.Client
	limiter      Limiter
	maxRetries   int
	maxRetryWait time.Duration
	tokenSource  TokenSource
	logger       *slog.Logger
	userAgent    string
	maxBody      int64
	hooks        []Hooks
	insecureHTTP bool
	settleWindow time.Duration
}

// WithBaseURL sets the API base URL; "" means the default, ProductionURL.
// It must be https, or http to a loopback host (127.0.0.1, ::1, localhost)
// for tests and the fake server (WithInsecureHTTP allows any host), with
// no user info, query or fragment.
func WithBaseURL(rawURL string) Option {
	return Option{func(c *config) error {
		c.baseURL = rawURL
		return nil
	}}
}

// WithInsecureHTTP allows a plain-http base URL to a host that is not
// loopback, such as a fake server in docker-compose. It is for tests
// only: over plain http the API secret and every token cross the network
// in the clear. Redirects from https to http are refused regardless.
func WithInsecureHTTP() Option {
	return Option{func(c *config) error {
		c.insecureHTTP = true
		return nil
	}}
}

// checkBaseURL checks the base URL and returns it without a trailing slash.
func checkBaseURL(rawURL string, insecureHTTP bool) (string, error) {
	if rawURL == "" {
		rawURL = ProductionURL
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return "", invalid("baseURL", "not a URL")
	case u.User != nil:
		return "", invalid("baseURL", "must not carry user info; credentials go to New")
	case u.Host == "" || u.Opaque != "":
		return "", invalid("baseURL", "needs a scheme and a host")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", invalid("baseURL", "must not have a query or fragment")
	case u.Scheme == "https":
	case u.Scheme == "http" && (insecureHTTP || isLoopback(u.Hostname())):
	default:
		return "", invalid("baseURL", "must be https (plain http only to a loopback host, or with WithInsecureHTTP)")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithHTTPClient sets the HTTP client. The client is copied: its redirect
// policy is wrapped so that only GET follows redirects, each hop waits on
// the limiter, a hop to another origin (scheme, host or port) loses the
// token, and https to http is refused. Its Timeout bounds each attempt; a
// zero Timeout keeps DefaultAttemptTimeout. The client never lets the
// transport replay a request body (GetBody is nil), and each request
// net/http puts on the wire again by itself, such as an HTTP/2 replay
// after a refused stream, waits on the limiter first (through the
// httptrace GotConn event; a RoundTripper of your own that replays
// requests must report each the same way, or not replay).
func WithHTTPClient(hc *http.Client) Option {
	return Option{func(c *config) error {
		if hc == nil {
			return invalid("httpClient", "is nil")
		}
		c.httpClient = hc
		return nil
	}}
}

// WithLimiter replaces the in-process limiter, for example with a
// redislimit.Limiter shared by many processes. *rate.Limiter satisfies
// Limiter.
func WithLimiter(l Limiter) Option {
	return Option{func(c *config) error {
		if l == nil {
			return invalid("limiter", "is nil")
		}
		c.limiter = l
		return nil
	}}
}

// WithRateLimit sets the in-process limiter to perMinute requests a minute
// with the given burst (default 100 and 1): up to burst requests may go at
// once after a quiet spell, and no rolling minute ever sees more than
// perMinute, so a larger burst means slower pacing after it. burst must
// not exceed perMinute. Raise perMinute only if Gamma has raised your
// key's limit.
func WithRateLimit(perMinute, burst int) Option {
	return Option{func(c *config) error {
		if perMinute <= 0 {
			return invalid("perMinute", "must be positive")
		}
		if burst <= 0 || burst > perMinute {
			return invalid("burst", "must be between 1 and perMinute")
		}
		c.limiter = newRateLimiter(perMinute, burst)
		return nil
	}}
}

// WithMaxRetries sets how many times a retryable failure is retried
// (default 3); 0 disables retries.
func WithMaxRetries(n int) Option {
	return Option{func(c *config) error {
		if n < 0 {
			return invalid("maxRetries", "must not be negative")
		}
		c.maxRetries = n
		return nil
	}}
}

// WithMaxRetryWait caps one server-requested wait (default 60 s). A
// Retry-After longer than this is not waited for: the call returns the
// error at once.
func WithMaxRetryWait(d time.Duration) Option {
	return Option{func(c *config) error {
		if d < 0 {
			return invalid("maxRetryWait", "must not be negative")
		}
		c.maxRetryWait = d
		return nil
	}}
}

// WithTokenSource replaces the key/secret exchange. The key ID and secret
// given to New are then not sent anywhere.
func WithTokenSource(ts TokenSource) Option {
	return Option{func(c *config) error {
		if ts == nil {
			return invalid("tokenSource", "is nil")
		}
		c.tokenSource = ts
		return nil
	}}
}

// WithLogger logs one structured line per HTTP attempt at Debug level (Warn
// for a failed one): operation, method, path template, status, attempt,
// duration, limiter wait, request ID, and for a failure its error, its
// category and the retry delay. It is built on the hooks (WithHooks), and
// also receives the report of a hook that panicked. Headers, bodies, IDs
// and credentials are never logged. The default is no logs.
func WithLogger(l *slog.Logger) Option {
	return Option{func(c *config) error {
		c.logger = l
		return nil
	}}
}

// WithUserAgent appends product (such as "acme-provisioner/2.1") to the
// User-Agent header.
func WithUserAgent(product string) Option {
	return Option{func(c *config) error {
		for _, r := range product {
			if r < 0x20 || r > 0x7e {
				return invalid("userAgent", "must be printable ASCII")
			}
		}
		c.userAgent = strings.TrimSpace(product)
		return nil
	}}
}

// WithMaxResponseBytes caps a response body (default 10 MiB). A larger
// body fails the call with ErrInvalidResponse.
func WithMaxResponseBytes(n int64) Option {
	return Option{func(c *config) error {
		if n <= 0 {
			return invalid("maxResponseBytes", "must be positive")
		}
		c.maxBody = n
		return nil
	}}
}

// serverOf returns the host and port of a base URL checkBaseURL accepted,
// the port defaulting to the scheme's.
func serverOf(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil {
		return "", 0
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return u.Hostname(), port
}
