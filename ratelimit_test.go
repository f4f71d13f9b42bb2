package phonelineplus

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultLimiterPaces100PerMinute(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t)
		var sent []time.Time // when each request, /auth included, left
		record := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent = append(sent, time.Now())
			return handlerTransport{e.root()}.RoundTrip(r)
		})
		e.client = newTestClient(t, e.url, WithHTTPClient(&http.Client{Transport: record}),
			WithRateLimit(DefaultRatePerMinute, 1))
		e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, `{}`) })
		const n = 10
		start := time.Now()
		for range n {
			require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
		}
		// n calls plus the /auth exchange, 600 ms (and the margin) apart.
		gap := 600*time.Millisecond + limiterMargin
		assert.Equal(t, n*gap, time.Since(start))
		require.Len(t, sent, n+1)
		for i := 1; i < len(sent); i++ {
			assert.Equal(t, gap, sent[i].Sub(sent[i-1]), "gap before request %d", i)
		}
	})
}

func TestLimiterDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := setupMem(t)
		e.client = newTestClient(t, e.url, WithHTTPClient(&http.Client{Transport: handlerTransport{e.root()}}),
			WithRateLimit(1, 1))
		e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, `{}`) })
		// The exchange spends the only slot of this minute.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := e.client.Do(ctx, http.MethodGet, "/stats", nil, nil)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		assert.Zero(t, time.Since(start), "no sleep before failing")
		assert.Zero(t, e.hits.Load())
	})
}

func TestLimiterWaitedBeforeEveryRequest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		lim := &countingLimiter{}
		e := setupMem(t, WithLimiter(lim), WithMaxRetries(3))
		var calls atomic.Int64
		e.mux.Handle("GET /stats", statusSeq(&calls, nil, 503, 200))
		require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
		assert.Equal(t, int64(3), lim.waits.Load(), "the exchange, the attempt and the retry")
	})
}

type countingLimiter struct{ waits atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	return ctx.Err()
}

type refusingLimiter struct{}

var errLimiterDown = errors.New("limiter backend down")

func (refusingLimiter) Wait(context.Context) error { return errLimiterDown }

func TestCustomLimiterErrorsPassThrough(t *testing.T) {
	t.Parallel()
	e := setup(t, WithLimiter(refusingLimiter{}))
	err := e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
	assert.ErrorIs(t, err, errLimiterDown)
	assert.NotErrorIs(t, err, ErrRateLimited, "a broken limiter is not a rate limit")
	assert.Zero(t, e.hits.Load())
}

// TestRateLimitBurstNeverExceedsTheMinute: whatever the burst, no rolling
// minute sees more than perMinute requests.
func TestRateLimitBurstNeverExceedsTheMinute(t *testing.T) {
	t.Parallel()
	for _, burst := range []int{1, 2, 10, 50, 99, 100} {
		t.Run(strconv.Itoa(burst), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const perMinute = 100
				l := newRateLimiter(perMinute, burst)
				var sent []time.Time
				for range 3 * perMinute {
					require.NoError(t, l.Wait(t.Context()))
					sent = append(sent, time.Now())
					if len(sent) == perMinute+perMinute/2 {
						time.Sleep(2 * time.Minute) // quiet: the bucket fills again
					}
				}
				assert.LessOrEqual(t, maxInWindow(sent, time.Minute), perMinute)
				assert.Equal(t, burst, maxInWindow(sent, time.Nanosecond), "the burst goes at once")
			})
		})
	}
}

// maxInWindow is the most of times (in order) inside any window of width w.
func maxInWindow(times []time.Time, w time.Duration) int {
	most, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}
