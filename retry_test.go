package phonelineplus

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusSeq answers with the given statuses in turn (the last repeats),
// counting the calls.
func statusSeq(calls *atomic.Int64, headers http.Header, statuses ...int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		st := statuses[min(n, len(statuses)-1)]
		for k, v := range headers {
			w.Header()[k] = v
		}
		body := `{"ID":"x"}`
		if st >= 400 {
			body = `{"message":"` + http.StatusText(st) + `"}`
		}
		writeJSON(w, st, body)
	}
}

func TestPOSTTimeoutIsSentOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(3))
	var calls atomic.Int64
	e.mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "Timeout")
	})
	_, err := e.client.Customers.Create(t.Context(), validCustomerCreate())
	assert.Equal(t, int64(1), calls.Load())
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrServer)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Timeout", apiErr.Message)
}

func TestGETRetriesTransientStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				e := setupMem(t, WithMaxRetries(3))
				var calls atomic.Int64
				e.mux.Handle("GET /customers/c1", statusSeq(&calls, nil, status, status, 200))
				got, err := e.client.Customers.Get(t.Context(), "c1")
				require.NoError(t, err)
				assert.Equal(t, "x", got.ID)
				assert.Equal(t, int64(3), calls.Load())
			})
		})
	}
}

func TestRetriesStopAtMax(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t, WithMaxRetries(2))
		var calls atomic.Int64
		e.mux.Handle("GET /customers/c1", statusSeq(&calls, nil, 503))
		_, err := e.client.Customers.Get(t.Context(), "c1")
		assert.ErrorIs(t, err, ErrServer)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
		assert.Equal(t, int64(3), calls.Load())
	})
}

func TestNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 403, 404, 409} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			t.Run(method+http.StatusText(status), func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					e := setupMem(t, WithMaxRetries(3))
					var calls atomic.Int64
					e.mux.Handle("/thing", statusSeq(&calls, nil, status))
					err := e.client.Do(t.Context(), method, "/thing", nil, nil)
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, status, apiErr.StatusCode)
					assert.Equal(t, int64(1), calls.Load())
				})
			})
		}
	}
}

func TestPOST5xxNotRetriedButPOST429Is(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t, WithMaxRetries(3))
		var calls503, calls429 atomic.Int64
		e.mux.Handle("POST /a", statusSeq(&calls503, nil, 503, 201))
		e.mux.Handle("POST /b", statusSeq(&calls429, http.Header{"Retry-After": {"2"}}, 429, 201))
		err := e.client.Do(t.Context(), http.MethodPost, "/a", struct{}{}, nil)
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.Equal(t, int64(1), calls503.Load())
		require.NoError(t, e.client.Do(t.Context(), http.MethodPost, "/b", struct{}{}, nil))
		assert.Equal(t, int64(2), calls429.Load())
	})
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for name, header := range map[string]string{
		"seconds": "7",
		"date":    time.Date(2000, 1, 1, 0, 0, 7, 0, time.UTC).Format(http.TimeFormat), // synctest starts at 2000-01-01
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				e := setupMem(t, WithMaxRetries(1))
				var calls atomic.Int64
				e.mux.Handle("GET /stats", statusSeq(&calls, http.Header{"Retry-After": {header}}, 429, 200))
				start := time.Now()
				require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
				assert.Equal(t, 7*time.Second, time.Since(start))
			})
		})
	}
}

func TestRetryAfterBeyondMaxFailsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t, WithMaxRetries(3), WithMaxRetryWait(time.Minute))
		var calls atomic.Int64
		e.mux.Handle("GET /stats", statusSeq(&calls, http.Header{"Retry-After": {"31536000"}}, 429))
		start := time.Now()
		err := e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Zero(t, time.Since(start))
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 365*24*time.Hour, apiErr.RetryAfter)
	})
}

func TestRetryNeverSleepsPastDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t, WithMaxRetries(3))
		var calls atomic.Int64
		e.mux.Handle("GET /stats", statusSeq(&calls, http.Header{"Retry-After": {"30"}}, 503))
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		err := e.client.Do(ctx, http.MethodGet, "/stats", nil, nil)
		assert.ErrorIs(t, err, ErrServer)
		assert.Zero(t, time.Since(start), "fails at once instead of sleeping into the deadline")
	})
}

func TestCancelDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t, WithMaxRetries(3))
		var calls atomic.Int64
		e.mux.Handle("GET /stats", statusSeq(&calls, http.Header{"Retry-After": {"30"}}, 503))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		err := e.client.Do(ctx, http.MethodGet, "/stats", nil, nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, time.Second, time.Since(start))
	})
}

// scriptedClient returns a client whose transport runs fn for API calls
// and answers /auth itself.
func scriptedClient(t *testing.T, fn roundTripFunc, opts ...Option) *Client {
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == testPrefix+"/auth" {
			return jsonResponse(r, http.StatusOK, `{"access_token":"`+testToken+`","expires":`+jsonInt(time.Now().Add(time.Hour).Unix())+`}`), nil
		}
		return fn(r)
	})}
	return newTestClient(t, "http://localhost"+testPrefix, append([]Option{WithHTTPClient(hc)}, opts...)...)
}

func TestTransportFailures(t *testing.T) {
	t.Parallel()
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	lost := io.ErrUnexpectedEOF
	tests := []struct {
		name      string
		method    string
		err       error
		wantCalls int64
		wantIs    error
	}{
		{"POST dial failure is retried", http.MethodPost, dialErr, 4, ErrNetwork},
		{"POST lost connection is never resent", http.MethodPost, lost, 1, ErrOutcomeUnknown},
		{"GET lost connection is retried", http.MethodGet, lost, 4, ErrNetwork},
		{"PUT lost connection is retried", http.MethodPut, lost, 4, ErrNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int64
				c := scriptedClient(t, func(r *http.Request) (*http.Response, error) {
					calls.Add(1)
					return nil, tt.err
				}, WithMaxRetries(3))
				err := c.Do(t.Context(), tt.method, "/customers", struct{}{}, nil)
				assert.ErrorIs(t, err, tt.wantIs)
				assert.ErrorIs(t, err, tt.err)
				assert.Equal(t, tt.wantCalls, calls.Load())
			})
		})
	}
}

func TestPOSTDeadlineWhileWaitingIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := scriptedClient(t, func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done() // the server never answers
			return nil, r.Context().Err()
		})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		err := c.Do(ctx, http.MethodPost, "/customers", struct{}{}, nil)
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestTruncatedSuccessBody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		c := scriptedClient(t, func(r *http.Request) (*http.Response, error) {
			n := calls.Add(1)
			if n == 1 {
				return jsonResponse(r, http.StatusOK, `{"customerID":"c1","compa`), nil
			}
			return jsonResponse(r, http.StatusOK, `{"customerID":"c1"}`), nil
		}, WithMaxRetries(3))
		got, err := c.Customers.Get(t.Context(), "c1")
		require.NoError(t, err, "a GET is retried")
		assert.Equal(t, "c1", got.ID)

		calls.Store(0)
		_, err = c.Customers.Create(t.Context(), validCustomerCreate())
		assert.ErrorIs(t, err, ErrOutcomeUnknown, "a POST that succeeded unreadably is not resent")
		assert.ErrorIs(t, err, ErrInvalidResponse)
		assert.Equal(t, int64(1), calls.Load())
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		d  time.Duration
		ok bool
	}{
		"":                              {0, false},
		"0":                             {0, true},
		"120":                           {2 * time.Minute, true},
		"-1":                            {0, false},
		"soon":                          {0, false},
		"99999999999999999999":          {time.Duration(int64((1<<63-1)/int64(time.Second))) * time.Second, true},
		"-99999999999999999999":         {0, false},
		"Thu, 01 Jan 2026 00:00:30 GMT": {30 * time.Second, true},
		"Wed, 31 Dec 2025 23:00:00 GMT": {0, true},
	}
	for in, want := range tests {
		d, ok := parseRetryAfter(in, now)
		assert.Equal(t, want.ok, ok, in)
		assert.Equal(t, want.d, d, in)
	}
	d, ok := parseRetryAfter("9223372036854775807", now)
	assert.True(t, ok)
	assert.Positive(t, d, "no overflow")
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	t.Parallel()
	for attempt := range 70 {
		for range 50 {
			d := backoff(attempt)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			assert.LessOrEqual(t, d, min(backoffCap, backoffBase<<min(attempt, 20)))
		}
	}
}

func TestRetriedDELETEThatFindsNothingSucceeded(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(2), WithMaxRetryWait(time.Second))
	var deleted atomic.Bool
	e.mux.HandleFunc("DELETE /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if deleted.Swap(true) {
			writeJSON(w, http.StatusNotFound, `{"message":"Not Found"}`)
			return
		}
		// Deleted, but the gateway times out.
		w.Header().Set("Retry-After", "0")
		writeJSON(w, http.StatusGatewayTimeout, `{"message":"Timeout"}`)
	})
	require.NoError(t, e.client.Customers.Delete(t.Context(), "c1"), "the first attempt did it")
	assert.Equal(t, int64(2), e.hits.Load())

	// A first attempt that answered 404 is not found, as always.
	err := e.client.Customers.Delete(t.Context(), "c2")
	assert.ErrorIs(t, err, ErrNotFound)
}
