package phonelineplus

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookRecorder records every hook call as one line.
type hookRecorder struct {
	mu     sync.Mutex
	events []string
}

func (h *hookRecorder) add(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, fmt.Sprintf(format, args...))
}

func (h *hookRecorder) hooks() Hooks {
	type key struct{}
	return Hooks{
		OperationStart: func(ctx context.Context, op OperationInfo) context.Context {
			h.add("op start %s %s %s", op.Operation, op.Method, op.PathTemplate)
			return context.WithValue(ctx, key{}, op.Operation)
		},
		OperationEnd: func(ctx context.Context, op OperationInfo, res OperationResult) {
			h.add("op end %s ctx=%v status=%d attempts=%d category=%q", op.Operation, ctx.Value(key{}), res.StatusCode, res.Attempts, res.Category)
		},
		AttemptStart: func(ctx context.Context, a AttemptInfo) context.Context {
			h.add("attempt start %s #%d ctx=%v", a.Operation, a.Attempt, ctx.Value(key{}))
			return ctx
		},
		AttemptEnd: func(ctx context.Context, a AttemptInfo, res AttemptResult) {
			h.add("attempt end %s #%d status=%d category=%q retry=%v", a.Operation, a.Attempt, res.StatusCode, res.Category, res.Retry)
		},
		LimiterWait: func(ctx context.Context, w LimiterWaitInfo) {
			h.add("limiter %s err=%v", w.Operation, w.Err)
		},
		TokenExchange: func(ctx context.Context, e TokenExchangeInfo) {
			h.add("token exchange err=%v", e.Err)
		},
	}
}

func TestHooksSeeOperationsAttemptsWaitsAndExchanges(t *testing.T) {
	t.Parallel()
	rec := &hookRecorder{}
	e := setupMem(t, WithHooks(rec.hooks()), WithMaxRetries(1))
	var n atomic.Int32
	e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusServiceUnavailable, `{"message":"busy"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"id":"c1"}`)
	})
	_, err := e.client.Customers.Get(t.Context(), "c1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"op start Customers.Get GET /customers/{customerID}",
		// The exchange is an operation of its own, inside the call.
		"op start Auth.Exchange POST /auth",
		"limiter Auth.Exchange err=<nil>",
		"attempt start Auth.Exchange #1 ctx=Auth.Exchange",
		"attempt end Auth.Exchange #1 status=200 category=\"\" retry=false",
		"op end Auth.Exchange ctx=Auth.Exchange status=200 attempts=1 category=\"\"",
		"token exchange err=<nil>",
		"limiter Customers.Get err=<nil>",
		"attempt start Customers.Get #1 ctx=Customers.Get",
		"attempt end Customers.Get #1 status=503 category=\"server\" retry=true",
		"limiter Customers.Get err=<nil>",
		"attempt start Customers.Get #2 ctx=Customers.Get",
		"attempt end Customers.Get #2 status=200 category=\"\" retry=false",
		"op end Customers.Get ctx=Customers.Get status=200 attempts=2 category=\"\"",
	}, rec.events)
}

func TestHooksNeverSeeIDsOrSecrets(t *testing.T) {
	t.Parallel()
	var seen bytes.Buffer
	var mu sync.Mutex
	log := func(v ...any) { mu.Lock(); fmt.Fprintln(&seen, v...); mu.Unlock() }
	e := setupMem(t, WithHooks(Hooks{
		OperationStart: func(ctx context.Context, op OperationInfo) context.Context { log(op); return nil },
		OperationEnd:   func(_ context.Context, op OperationInfo, res OperationResult) { log(op, res) },
		AttemptStart:   func(ctx context.Context, a AttemptInfo) context.Context { log(a); return nil },
		AttemptEnd:     func(_ context.Context, a AttemptInfo, res AttemptResult) { log(a, res) },
		LimiterWait:    func(_ context.Context, w LimiterWaitInfo) { log(w) },
		TokenExchange:  func(_ context.Context, x TokenExchangeInfo) { log(x) },
	}))
	e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"message":"no customer secret-id-4242"}`)
	})
	_, err := e.client.Customers.Get(t.Context(), "secret-id-4242")
	require.ErrorIs(t, err, ErrNotFound)
	require.Contains(t, seen.String(), "/customers/{customerID}")
	assert.NotContains(t, seen.String(), "secret-id-4242/", "no raw path")
	assert.NotContains(t, seen.String(), testSecret)
	assert.NotContains(t, seen.String(), testToken)
}

func TestHooksSeeTheServerAndNoTemplateForDo(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var ops []OperationInfo
	e := setup(t, WithHooks(Hooks{OperationStart: func(ctx context.Context, op OperationInfo) context.Context {
		mu.Lock()
		defer mu.Unlock()
		ops = append(ops, op)
		return nil
	}}))
	e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"c1"}`)
	})
	require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/customers/id-7777", nil, nil))
	host, port := serverOf(e.url)
	require.NotEmpty(t, ops)
	for _, op := range ops {
		assert.Equal(t, "127.0.0.1", op.ServerAddress, op.Operation)
		assert.Equal(t, port, op.ServerPort, op.Operation)
		assert.Equal(t, host, op.ServerAddress)
	}
	do := ops[0]
	assert.Equal(t, OperationDo, do.Operation)
	assert.Empty(t, do.PathTemplate, "Client.Do's path is the caller's and may hold IDs")
	assert.Equal(t, OperationAuthExchange, ops[1].Operation)
	assert.NotZero(t, port)

	for base, want := range map[string][2]any{
		"https://api.phonelineplus.com/v1": {"api.phonelineplus.com", 443},
		"http://localhost/v1":              {"localhost", 80},
		"https://[::1]:8443/partner/v1":    {"::1", 8443},
	} {
		h, p := serverOf(base)
		assert.Equal(t, want, [2]any{h, p}, base)
	}
}

func TestAttemptEndSaysWhoChoseTheRetryDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var got []AttemptResult
		e := setupMem(t, WithMaxRetries(2), WithHooks(Hooks{AttemptEnd: func(_ context.Context, a AttemptInfo, res AttemptResult) {
			if a.Operation == "Customers.Get" {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, res)
			}
		}}))
		var n atomic.Int32
		e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
			switch n.Add(1) {
			case 1:
				w.Header().Set("Retry-After", "3")
				writeJSON(w, http.StatusTooManyRequests, `{"message":"slow down"}`)
			case 2:
				writeJSON(w, http.StatusServiceUnavailable, `{"message":"busy"}`)
			default:
				writeJSON(w, http.StatusOK, `{"id":"c1"}`)
			}
		})
		_, err := e.client.Customers.Get(t.Context(), "c1")
		require.NoError(t, err)
		require.Len(t, got, 3)
		assert.True(t, got[0].Retry)
		assert.True(t, got[0].RetryAfter, "the server asked for the wait")
		assert.Equal(t, 3*time.Second, got[0].RetryDelay)
		assert.True(t, got[1].Retry)
		assert.False(t, got[1].RetryAfter, "the client's backoff")
		assert.False(t, got[2].Retry)
		assert.False(t, got[2].RetryAfter)
	})
}

func TestPanickingHookIsRecoveredAndReportedOnce(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelError}))
	var after atomic.Int32
	e := setupMem(t, WithLogger(logger), WithHooks(Hooks{
		AttemptStart: func(context.Context, AttemptInfo) context.Context { panic("hook bug") },
	}), WithHooks(Hooks{
		AttemptEnd: func(context.Context, AttemptInfo, AttemptResult) { after.Add(1) },
	}))
	e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"c1"}`)
	})
	for range 3 {
		_, err := e.client.Customers.Get(t.Context(), "c1")
		require.NoError(t, err, "the call goes on")
	}
	assert.EqualValues(t, 4, after.Load(), "the other hooks still run: 3 calls and the exchange")
	assert.Equal(t, 1, strings.Count(logs.String(), "a hook panicked"), "reported once: %s", logs.String())
	assert.Contains(t, logs.String(), "hook=AttemptStart")
	assert.Contains(t, logs.String(), "hook bug")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestSlowHookDoesNotHoldTheLimiter: a hook that takes seconds slows its
// own call only, and the request it delays waits for a fresh slot, so the
// wire never sees more than the limiter allows.
func TestSlowHookDoesNotHoldTheLimiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var sent []time.Time
		type slow struct{}
		e := setupMem(t, WithRateLimit(60, 1), WithHooks(Hooks{
			AttemptStart: func(ctx context.Context, a AttemptInfo) context.Context {
				if ctx.Value(slow{}) != nil {
					// Long enough for the next call's slot to come before
					// this one's request would go.
					time.Sleep(900 * time.Millisecond)
				}
				return nil
			},
		}))
		e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			sent = append(sent, time.Now())
			mu.Unlock()
			writeJSON(w, http.StatusOK, `{"id":"c1"}`)
		})
		_, err := e.client.Customers.Get(t.Context(), "c1") // the exchange and a first call
		require.NoError(t, err)
		start := time.Now()
		var wg sync.WaitGroup
		var fast time.Duration
		wg.Go(func() {
			_, err := e.client.Customers.Get(context.WithValue(t.Context(), slow{}, true), "c1")
			assert.NoError(t, err)
		})
		wg.Go(func() {
			time.Sleep(time.Millisecond) // after the slow call took its slot
			_, err := e.client.Customers.Get(t.Context(), "c1")
			assert.NoError(t, err)
			fast = time.Since(start)
		})
		wg.Wait()
		// Its slot comes 2 s after start (the slow call has the one before).
		assert.LessOrEqual(t, fast, 2*time.Second+10*time.Millisecond, "the other call waited for its slot only")
		mu.Lock()
		defer mu.Unlock()
		for i := 1; i < len(sent); i++ {
			assert.GreaterOrEqual(t, sent[i].Sub(sent[i-1]), time.Second, "one request a second on the wire")
		}
	})
}
