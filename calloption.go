package phonelineplus

import (
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// CallOption changes one call. Pass any number of them last to an endpoint
// method or to Client.Do; they are made only by the With functions that
// return a CallOption. A bad CallOption fails the call with a
// *ValidationError before anything is sent.
type CallOption struct {
	apply func(*callConfig) error
}

// callConfig is what a call's options add up to.
type callConfig struct {
	resp       *Response
	header     http.Header
	maxRetries int // < 0: the client's WithMaxRetries
	// settle and createdAfter are read by the CreateOrFind and Find
	// helpers (settle.go), not by the request path.
	settle       time.Duration // < 0: the client's WithSettleWindow
	createdAfter time.Time
}

// newCallConfig applies opts over the client's defaults.
func newCallConfig(opts []CallOption) (callConfig, error) {
	if len(opts) == 0 {
		return callConfig{maxRetries: -1, settle: -1}, nil // allocates nothing
	}
	cc := callConfig{maxRetries: -1, settle: -1}
	for _, o := range opts {
		if o.apply == nil {
			continue
		}
		if err := o.apply(&cc); err != nil {
			return callConfig{}, err
		}
	}
	return cc, nil
}

// Response is what the API answered to one call, filled by
// WithResponseInto. It is filled when the call succeeds, and also when it
// fails after a response came back (then it describes the last response).
type Response struct {
	// StatusCode is the HTTP status of the last response.
	StatusCode int
	// Header is a copy of the last response's headers.
	Header http.Header
	// RequestID identifies the request to Gamma's support: X-Request-Id or
	// the gateway's equivalent header. Quote it when you raise a ticket
	// about a call that succeeded wrongly.
	RequestID string
	// Attempts counts the HTTP requests sent for this call: retries, the
	// replay after a 401 and the requests net/http sent again by itself
	// (each after its own limiter wait) included, the token exchange not.
	Attempts int
	// LimiterWait is the total time the call waited on the Limiter.
	LimiterWait time.Duration
	// URL is the final URL after redirects.
	URL string
	// RateLimit holds the X-RateLimit-* headers, when the API sends them.
	RateLimit RateLimit
}

// RateLimit is the rate-limit state a response reports in its
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.
// Other Gamma APIs document these headers; PhoneLine+ may or may not send
// them, and the client's own Limiter never depends on them.
type RateLimit struct {
	Present   bool      // at least one of the headers was present and readable
	Limit     int       // requests allowed in the window
	Remaining int       // requests left in the window
	Reset     time.Time // when the window resets; zero when not sent
}

// parseRateLimit reads the X-RateLimit-* headers. Reset is read as Unix
// seconds when it is that large, otherwise as seconds from now.
func parseRateLimit(h http.Header, now time.Time) RateLimit {
	var rl RateLimit
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit"))); err == nil && n >= 0 {
		rl.Limit, rl.Present = n, true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining"))); err == nil && n >= 0 {
		rl.Remaining, rl.Present = n, true
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && n >= 0 && n < 1<<40 {
		if n >= 1e9 {
			rl.Reset = time.Unix(n, 0)
		} else {
			rl.Reset = now.Add(time.Duration(n) * time.Second)
		}
		rl.Present = true
	}
	return rl
}

// WithResponseInto fills *r with the response metadata of the call: status,
// headers, request ID, attempts, limiter wait, final URL and rate-limit
// headers.
func WithResponseInto(r *Response) CallOption {
	return CallOption{func(cc *callConfig) error {
		if r == nil {
			return invalid("responseInto", "is nil")
		}
		cc.resp = r
		return nil
	}}
}

// refusedHeaders are the headers WithHeader may not set: the client owns
// the credentials and the body's type, and hop-by-hop headers belong to
// the transport.
var refusedHeaders = []string{
	"Authorization", "Content-Type", "Content-Length", "Host",
	"Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Authenticate",
	"Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// WithHeader adds a header to every HTTP request of the call, for example
// a correlation ID of your own. It refuses Authorization, Content-Type,
// Content-Length, Host and the hop-by-hop headers, and any name or value
// that is not legal in HTTP.
func WithHeader(key, value string) CallOption {
	return CallOption{func(cc *callConfig) error {
		if !validHeaderName(key) {
			return invalid("header", "has an invalid name")
		}
		if !validHeaderValue(value) {
			return invalid("header "+key, "has an invalid value")
		}
		canon := textproto.CanonicalMIMEHeaderKey(key)
		for _, h := range refusedHeaders {
			if canon == h {
				return invalid("header "+canon, "is set by the client and cannot be overridden")
			}
		}
		if cc.header == nil {
			cc.header = http.Header{}
		}
		cc.header.Add(canon, value)
		return nil
	}}
}

// WithCallRetries sets how many times a retryable failure of this call is
// retried, in place of the client's WithMaxRetries; 0 disables retries.
func WithCallRetries(n int) CallOption {
	return CallOption{func(cc *callConfig) error {
		if n < 0 {
			return invalid("callRetries", "must not be negative")
		}
		cc.maxRetries = n
		return nil
	}}
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 5.6.2).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v holds no control character but tab
// (RFC 9110 5.5), so that no value can split a header.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
