package phonelineplus

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Sentinel errors. Every error the client returns for a failed call matches
// at most a few of these through errors.Is, and carries detail in an
// *APIError or *ValidationError reachable through errors.As on the same
// value.
var (
	// ErrUnauthorized reports a 401: a rejected key/secret at /auth, or a
	// token the API refused even after one fresh exchange.
	ErrUnauthorized = errors.New("phonelineplus: unauthorized")
	// ErrForbidden reports a 403.
	ErrForbidden = errors.New("phonelineplus: forbidden")
	// ErrNotFound reports a 404.
	ErrNotFound = errors.New("phonelineplus: not found")
	// ErrConflict reports a 409. PhoneLine+ also answers 409 for malformed
	// requests, so read APIError.Message for the reason.
	ErrConflict = errors.New("phonelineplus: conflict")
	// ErrBadRequest reports a 400.
	ErrBadRequest = errors.New("phonelineplus: bad request")
	// ErrRateLimited reports a 429 still returned after the retries, a
	// server-requested wait longer than WithMaxRetryWait, or a limiter wait
	// that could not end before the context deadline.
	ErrRateLimited = errors.New("phonelineplus: rate limited")
	// ErrServer reports a 5xx status.
	ErrServer = errors.New("phonelineplus: server error")
	// ErrOutcomeUnknown reports that a non-idempotent request (a POST) was
	// sent and may or may not have taken effect: the API answered 5xx, the
	// connection was lost after the request was written, the deadline
	// passed while waiting for the answer, or a success came back with a
	// body that could not be read. The SDK never re-sends such a request
	// by itself: the CreateOrFind methods settle it (they look the
	// resource up for a settle window and send again only if it stayed
	// absent); after a plain Create, look it up (a Find method with
	// WithCallSettleWindow keeps looking while the backend finishes)
	// before trying again.
	ErrOutcomeUnknown = errors.New("phonelineplus: outcome unknown")
	// ErrEmailInUse reports that an email address is already used somewhere
	// on the platform (emails are unique across all of PhoneLine+). It also
	// matches ErrConflict.
	ErrEmailInUse = errors.New("phonelineplus: email already in use")
	// ErrNumberInFlight reports that a phone number is tied up in another
	// in-flight order; choose another number. It also matches ErrConflict or
	// ErrBadRequest, as the API sent it.
	ErrNumberInFlight = errors.New("phonelineplus: number has an in-flight order")
	// ErrValidation reports bad input caught before anything was sent. The
	// error is a *ValidationError naming the field.
	ErrValidation = errors.New("phonelineplus: invalid input")
	// ErrNetwork reports a request that failed in transport (dial, TLS,
	// connection lost, per-attempt timeout) after any retries.
	ErrNetwork = errors.New("phonelineplus: network error")
	// ErrAmbiguous reports a lookup (a Find method) that matched more than
	// one resource where one was asked for: the SDK never guesses.
	ErrAmbiguous = errors.New("phonelineplus: more than one match")
	// ErrNeedsVerification reports a create whose outcome the SDK cannot
	// settle by itself, such as an order (never re-sent: it costs money)
	// or a device (no list endpoint is known): a person must check, in the
	// portal. The error says why and what to check.
	ErrNeedsVerification = errors.New("phonelineplus: needs verification")
	// ErrInvalidResponse reports a response that could not be read or
	// decoded: malformed or truncated JSON, a body larger than
	// WithMaxResponseBytes, or a redirect loop.
	ErrInvalidResponse = errors.New("phonelineplus: invalid response")
)

// maxMessageLen caps APIError.Message so one log line stays one line.
const maxMessageLen = 300

// APIError is an HTTP response the client treats as a failure. Use
// errors.Is with the sentinels for the category and errors.As for detail.
type APIError struct {
	StatusCode int
	Method     string
	Path       string        // path relative to the base URL, without the query
	Message    string        // best-effort text from the body, single line, capped
	Body       []byte        // the raw body, capped by WithMaxResponseBytes
	RequestID  string        // from the response headers, when present
	RetryAfter time.Duration // from Retry-After, when present
	Attempts   int           // HTTP requests the call sent, retries included
}

// Error returns one line: method, path, status and message.
func (e *APIError) Error() string {
	return "phonelineplus: " + e.Method + " " + e.Path + ": " + e.detail()
}

// detail is the error without its "phonelineplus: METHOD path: " head.
func (e *APIError) detail() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the sentinel for this error's status, or
// ErrEmailInUse / ErrNumberInFlight when the body says so.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrEmailInUse:
		return e.StatusCode == http.StatusConflict && isEmailInUse(e.Message)
	case ErrNumberInFlight:
		return (e.StatusCode == http.StatusConflict || e.StatusCode == http.StatusBadRequest) &&
			strings.Contains(strings.ToLower(e.Message), "in-flight order")
	}
	return false
}

func isEmailInUse(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "email") &&
		(strings.Contains(m, "already in use") || strings.Contains(m, "already exists"))
}

// newAPIError builds an APIError from a response. Known secrets are scrubbed
// from the body before it is kept, so no error can echo them.
func newAPIError(method, path string, resp *http.Response, body []byte, s scrubber) *APIError {
	body = s.body(body)
	e := &APIError{
		StatusCode: resp.StatusCode,
		Method:     method,
		Path:       path,
		Body:       body,
		// The message is scrubbed again after JSON decoding (escapes
		// such as \/ or \u0041 hide a secret from the raw scrub) and
		// before folding (a cut could leave part of it).
		Message:   oneLine(s.string(messageFromBody(resp.StatusCode, body)), maxMessageLen),
		RequestID: requestID(resp.Header),
	}
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return e
}

// requestIDHeaders are the headers that may carry a request ID, in the
// order they are tried: the API's own, then the AWS gateway's.
var requestIDHeaders = []string{"X-Request-Id", "X-Amzn-Requestid", "X-Amz-Apigw-Id", "X-Correlation-Id"}

// requestID returns the first request ID h carries, folded to one line.
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return oneLine(v, 100)
		}
	}
	return ""
}

// messageFromBody finds readable text in an error body: a JSON string, a
// JSON object's message/error/detail field, or the plain text itself. An
// HTML page is not a message. The text is returned as found, unfolded.
func messageFromBody(status int, body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" || strings.HasPrefix(text, "<") {
		return http.StatusText(status)
	}
	var s string
	if json.Unmarshal(body, &s) == nil {
		return s
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		for _, k := range []string{"message", "Message", "error", "errorMessage", "detail", "title"} {
			if json.Unmarshal(obj[k], &s) == nil && s != "" {
				return s
			}
		}
	}
	return text
}

// oneLine folds control characters to spaces and caps the length, so a
// hostile body cannot forge log lines.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// ValidationError reports input rejected before anything was sent. It
// matches ErrValidation. Reason never repeats the rejected value.
type ValidationError struct {
	Field  string // the Go-side name of the input, in JSON path form, e.g. "address.postcode"
	Reason string
}

// Error returns "phonelineplus: invalid <field>: <reason>".
func (e *ValidationError) Error() string {
	return "phonelineplus: invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

func invalid(field, reason string) *ValidationError {
	return &ValidationError{Field: field, Reason: reason}
}

// callError is the one wrapper of a failed call that is not an API answer
// of its own: it marks the cause with the sentinel that classifies it
// (ErrOutcomeUnknown, ErrNetwork or ErrInvalidResponse; none for a context
// error) and says method and path once, however deep the causes nest.
type callError struct {
	method, path string
	kind         error // a sentinel, or nil
	cause        error
}

// kindText is how each kind reads in an error string.
var kindText = map[error]string{
	ErrOutcomeUnknown:  "outcome unknown (the request may have taken effect; look it up before retrying)",
	ErrNetwork:         "network error",
	ErrInvalidResponse: "invalid response",
}

func (e *callError) Error() string {
	return "phonelineplus: " + e.method + " " + e.path + ": " + e.detail()
}

// detail is the error without its "phonelineplus: METHOD path: " head.
func (e *callError) detail() string {
	if e.kind == nil {
		return detailOf(e.cause)
	}
	return kindText[e.kind] + ": " + detailOf(e.cause)
}

func (e *callError) Unwrap() []error {
	if e.kind == nil {
		return []error{e.cause}
	}
	return []error{e.kind, e.cause}
}

// detailOf is err's text without what a callError already says: the head
// of a nested APIError or callError, and the method and URL net/http puts
// in front of a transport error.
func detailOf(err error) string {
	var urlErr *url.Error
	switch e := err.(type) {
	case interface{ detail() string }:
		return e.detail()
	case *url.Error:
		urlErr = e
	}
	if urlErr != nil {
		return detailOf(urlErr.Err)
	}
	return strings.TrimPrefix(err.Error(), "phonelineplus: ")
}
