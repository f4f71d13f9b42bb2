package phonelineplus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Hooks observe a Client's work: each operation (one method call), each
// HTTP attempt inside it, each wait on the Limiter and each token exchange.
// They are the one seam that logging, tracing (see the otel module) and
// progress displays are built on. Every field is optional.
//
// Hooks run synchronously on the calling goroutine, never inside a
// Limiter's Wait, so a slow hook slows its own call and no other. The
// LimiterWait and AttemptStart hooks of an attempt run between its limiter
// slot and its request; if they take longer than 50 ms the request waits
// for a fresh slot, so that slow hooks cannot bunch requests on the wire.
// (Waits the transport's own requests make, for a redirect hop or a
// replay, are reported after the round trip.) A hook that panics is
// recovered, and its first panic is logged through the client's logger
// (WithLogger; at Error level); the call goes on as if the hook had
// returned. Hooks never see request or response bodies, headers, or the
// values of path IDs: PathTemplate is the template
// ("/customers/{customerID}/users"), never the sent path. (An Err may be
// an *APIError, whose Body and Message quote the API's error answer,
// scrubbed of the secret and tokens: record its category, not its text.)
//
// The token exchange (POST /auth) is an operation of its own, named
// OperationAuthExchange, run inside the operation that needed the token.
type Hooks struct {
	// OperationStart is called when a method (or Client.Do) starts, once
	// its input passed the checks (a *ValidationError starts nothing). The
	// context it returns, if not nil, is used for the whole operation.
	OperationStart func(ctx context.Context, op OperationInfo) context.Context
	// OperationEnd is called once when the operation returns.
	OperationEnd func(ctx context.Context, op OperationInfo, res OperationResult)
	// AttemptStart is called before each HTTP request of the operation.
	// The context it returns, if not nil, is used for that request.
	AttemptStart func(ctx context.Context, a AttemptInfo) context.Context
	// AttemptEnd is called after each HTTP request, with the decision the
	// client took: whether it retries and after what delay.
	AttemptEnd func(ctx context.Context, a AttemptInfo, res AttemptResult)
	// LimiterWait is called after each wait on the Limiter.
	LimiterWait func(ctx context.Context, w LimiterWaitInfo)
	// TokenExchange is called when the operation had to wait for a fresh
	// token exchange (POST /auth).
	TokenExchange func(ctx context.Context, e TokenExchangeInfo)
}

// WithHooks adds a set of hooks. It may be given more than once: every set
// is called, in the order given.
func WithHooks(h Hooks) Option {
	return Option{func(c *config) error {
		c.hooks = append(c.hooks, h)
		return nil
	}}
}

// Operation names that are not a service method.
const (
	// OperationDo is the Operation of a Client.Do call.
	OperationDo = "Do"
	// OperationAuthExchange is the Operation of a token exchange.
	OperationAuthExchange = "Auth.Exchange"
)

// OperationInfo names an operation.
type OperationInfo struct {
	Operation string // "Customers.Create"; OperationDo for Client.Do
	Method    string // "POST"
	// PathTemplate is the path's template, relative to the base URL
	// ("/customers/{customerID}/users"). It is empty for Client.Do, whose
	// path is the caller's own and may hold IDs.
	PathTemplate string
	// ServerAddress and ServerPort are the API's host and port, from the
	// base URL (443 for https without a port).
	ServerAddress string
	ServerPort    int
}

// OperationResult is how an operation ended.
type OperationResult struct {
	Err         error         // nil on success
	Category    ErrorCategory // CategoryOf(Err)
	StatusCode  int           // of the last response; 0 when none came
	RequestID   string        // of the last response
	Attempts    int           // HTTP requests sent
	LimiterWait time.Duration // total time waiting on the Limiter
	Duration    time.Duration // from OperationStart to OperationEnd
}

// AttemptInfo names one HTTP attempt of an operation.
type AttemptInfo struct {
	OperationInfo
	Attempt int // 1 for the first request, 2 for the first retry or replay, ...
	Start   time.Time
}

// AttemptResult is how one HTTP attempt ended and what the client does
// next.
type AttemptResult struct {
	StatusCode int           // 0 when no response came
	Err        error         // the attempt's error as the caller would see it, nil on success
	Category   ErrorCategory // CategoryOf(Err)
	RequestID  string
	Duration   time.Duration
	Retry      bool          // another attempt follows
	RetryDelay time.Duration // after this long
	RetryAfter bool          // RetryDelay is the server's Retry-After, not the client's backoff
}

// LimiterWaitInfo is one wait on the Limiter.
type LimiterWaitInfo struct {
	OperationInfo
	Start time.Time
	Wait  time.Duration
	Err   error // ErrRateLimited when the deadline could not be met
}

// TokenExchangeInfo is one token exchange an operation waited for.
type TokenExchangeInfo struct {
	Start    time.Time
	Duration time.Duration
	Err      error
}

// ErrorCategory is a short, stable name for the kind of an error, for
// metrics, traces and reports ("rate_limited", "outcome_unknown", ...).
type ErrorCategory string

// Error categories, from the most specific down. CategoryOf returns the
// first that matches.
const (
	CategoryNone              ErrorCategory = ""
	CategoryValidation        ErrorCategory = "validation"
	CategoryNeedsVerification ErrorCategory = "needs_verification"
	CategoryOutcomeUnknown    ErrorCategory = "outcome_unknown"
	CategoryEmailInUse        ErrorCategory = "email_in_use"
	CategoryNumberInFlight    ErrorCategory = "number_in_flight"
	CategoryAmbiguous         ErrorCategory = "ambiguous"
	CategoryRateLimited       ErrorCategory = "rate_limited"
	CategoryUnauthorized      ErrorCategory = "unauthorized"
	CategoryForbidden         ErrorCategory = "forbidden"
	CategoryNotFound          ErrorCategory = "not_found"
	CategoryConflict          ErrorCategory = "conflict"
	CategoryBadRequest        ErrorCategory = "bad_request"
	CategoryServer            ErrorCategory = "server"
	CategoryNetwork           ErrorCategory = "network"
	CategoryInvalidResponse   ErrorCategory = "invalid_response"
	CategoryCanceled          ErrorCategory = "canceled"
	CategoryDeadline          ErrorCategory = "deadline_exceeded"
	CategoryOther             ErrorCategory = "other"
)

// categories is CategoryOf's table, most specific first: an email in use
// is also a conflict, an unknown outcome may wrap a server error.
var categories = []struct {
	err error
	cat ErrorCategory
}{
	{ErrValidation, CategoryValidation},
	{ErrNeedsVerification, CategoryNeedsVerification},
	{ErrOutcomeUnknown, CategoryOutcomeUnknown},
	{ErrEmailInUse, CategoryEmailInUse},
	{ErrNumberInFlight, CategoryNumberInFlight},
	{ErrAmbiguous, CategoryAmbiguous},
	{ErrRateLimited, CategoryRateLimited},
	{ErrUnauthorized, CategoryUnauthorized},
	{ErrForbidden, CategoryForbidden},
	{ErrNotFound, CategoryNotFound},
	{ErrConflict, CategoryConflict},
	{ErrBadRequest, CategoryBadRequest},
	{ErrServer, CategoryServer},
	{ErrNetwork, CategoryNetwork},
	{ErrInvalidResponse, CategoryInvalidResponse},
	{context.Canceled, CategoryCanceled},
	{context.DeadlineExceeded, CategoryDeadline},
}

// CategoryOf returns the category of err: CategoryNone for nil, and
// CategoryOther for an error the client did not make.
func CategoryOf(err error) ErrorCategory {
	if err == nil {
		return CategoryNone
	}
	for _, c := range categories {
		if errors.Is(err, c.err) {
			return c.cat
		}
	}
	return CategoryOther
}

// observer calls a client's hooks. A hook that panics is recovered, and
// the first panic of each hook of each set is logged; the call goes on.
type observer struct {
	sets     []Hooks
	logger   *slog.Logger
	reported sync.Map // hookKey: a panic of that hook was logged
}

type hookKey struct {
	set  int
	hook string
}

func (o *observer) active() bool { return len(o.sets) > 0 }

// guard runs f, the hook named hook of set i, recovering a panic.
func (o *observer) guard(i int, hook string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			if _, seen := o.reported.LoadOrStore(hookKey{i, hook}, true); !seen {
				o.logger.Error("phonelineplus: a hook panicked; it was recovered and further panics of it are not logged",
					slog.String("hook", hook), slog.Int("set", i), slog.String("panic", fmt.Sprint(p)))
			}
		}
	}()
	f()
}

func (o *observer) operationStart(ctx context.Context, op OperationInfo) context.Context {
	for i, h := range o.sets {
		if h.OperationStart != nil {
			o.guard(i, "OperationStart", func() {
				if c := h.OperationStart(ctx, op); c != nil {
					ctx = c
				}
			})
		}
	}
	return ctx
}

func (o *observer) operationEnd(ctx context.Context, op OperationInfo, res OperationResult) {
	for i, h := range o.sets {
		if h.OperationEnd != nil {
			o.guard(i, "OperationEnd", func() { h.OperationEnd(ctx, op, res) })
		}
	}
}

func (o *observer) attemptStart(ctx context.Context, a AttemptInfo) context.Context {
	for i, h := range o.sets {
		if h.AttemptStart != nil {
			o.guard(i, "AttemptStart", func() {
				if c := h.AttemptStart(ctx, a); c != nil {
					ctx = c
				}
			})
		}
	}
	return ctx
}

func (o *observer) attemptEnd(ctx context.Context, a AttemptInfo, res AttemptResult) {
	for i, h := range o.sets {
		if h.AttemptEnd != nil {
			o.guard(i, "AttemptEnd", func() { h.AttemptEnd(ctx, a, res) })
		}
	}
}

func (o *observer) limiterWait(ctx context.Context, w LimiterWaitInfo) {
	for i, h := range o.sets {
		if h.LimiterWait != nil {
			o.guard(i, "LimiterWait", func() { h.LimiterWait(ctx, w) })
		}
	}
}

func (o *observer) tokenExchange(ctx context.Context, e TokenExchangeInfo) {
	for i, h := range o.sets {
		if h.TokenExchange != nil {
			o.guard(i, "TokenExchange", func() { h.TokenExchange(ctx, e) })
		}
	}
}

// logHooks is WithLogger: one line per HTTP attempt, at Debug level or
// Warn for a failed one, with the operation's limiter waits since the
// previous attempt.
func logHooks(l *slog.Logger) Hooks {
	type waits struct{ d time.Duration }
	type key struct{}
	return Hooks{
		OperationStart: func(ctx context.Context, _ OperationInfo) context.Context {
			return context.WithValue(ctx, key{}, &waits{})
		},
		LimiterWait: func(ctx context.Context, w LimiterWaitInfo) {
			if ws, ok := ctx.Value(key{}).(*waits); ok {
				ws.d += w.Wait
			}
		},
		AttemptEnd: func(ctx context.Context, a AttemptInfo, res AttemptResult) {
			var waited time.Duration
			if ws, ok := ctx.Value(key{}).(*waits); ok {
				waited, ws.d = ws.d, 0
			}
			level := slog.LevelDebug
			if res.Err != nil || res.StatusCode >= 400 {
				level = slog.LevelWarn
			}
			if !l.Enabled(ctx, level) {
				return
			}
			attrs := []slog.Attr{
				slog.String("op", a.Operation), slog.String("method", a.Method), slog.String("path", a.PathTemplate),
				slog.Int("status", res.StatusCode), slog.Int("attempt", a.Attempt),
				slog.Duration("duration", res.Duration), slog.Duration("limiter_wait", waited),
			}
			if res.RequestID != "" {
				attrs = append(attrs, slog.String("request_id", res.RequestID))
			}
			if res.Err != nil {
				attrs = append(attrs, slog.String("error", res.Err.Error()), slog.String("category", string(res.Category)))
			}
			if res.Retry {
				attrs = append(attrs, slog.Duration("retry_in", res.RetryDelay))
			}
			l.LogAttrs(ctx, level, "phonelineplus request", attrs...)
		},
	}
}
