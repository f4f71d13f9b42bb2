package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The utilisation checks run in a testing/synctest bubble: the fake is
// served in memory through its Transport, so its strict rolling window of
// 100 requests per 60 s and the client's limiter both run on the bubble's
// virtual clock. Ten virtual minutes take a fraction of a second.

const (
	perMinute  = 100
	window     = time.Minute
	runFor     = 10 * time.Minute
	seededCust = "00000000-0000-4000-8000-000000000001"
)

// newFakeClient starts a fake with the documented limit and returns it with
// an SDK client using the default limiter (100/min, burst 1) and default
// retries. Call it inside a bubble.
func newFakeClient(t *testing.T, opts ...phonelineplustest.Option) (*phonelineplustest.Server, *phonelineplus.Client) {
	t.Helper()
	srv := phonelineplustest.NewServer(append([]phonelineplustest.Option{
		phonelineplustest.WithRateLimit(perMinute),
	}, opts...)...)
	t.Cleanup(srv.Close)
	keyID, secret := srv.Credentials()
	c, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(srv.URL()),
		phonelineplus.WithHTTPClient(&http.Client{Transport: srv.Transport()}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// windowStats summarises the fake's log over [from, to).
type windowStats struct {
	accepted  int // answered with anything but 429, /auth included
	rejected  int // answered 429
	maxInWin  int // most accepted requests in any rolling window
	lastAtEnd time.Duration
}

func logStats(reqs []phonelineplustest.Request, from, to time.Time) windowStats {
	var s windowStats
	var times []time.Time
	for _, r := range reqs {
		if r.Time.Before(from) || !r.Time.Before(to) {
			continue
		}
		if r.Status == http.StatusTooManyRequests {
			s.rejected++
			continue
		}
		times = append(times, r.Time)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	s.accepted = len(times)
	for i, j := 0, 0; j < len(times); j++ {
		for times[j].Sub(times[i]) >= window {
			i++
		}
		s.maxInWin = max(s.maxInWin, j-i+1)
	}
	if len(times) > 0 {
		s.lastAtEnd = times[len(times)-1].Sub(from)
	}
	return s
}

// TestLimiterUtilisation runs 1, 16 and 256 goroutines calling
// Customers.Get for ten virtual minutes against the fake's strict rolling
// window: the client must get at least 99% of the 1,000 requests the
// budget allows (the /auth exchange counts), without a single 429 and
// never more than 100 in any rolling minute.
func TestLimiterUtilisation(t *testing.T) {
	for _, workers := range []int{1, 16, 256} {
		t.Run(fmt.Sprintf("goroutines=%d", workers), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				srv, c := newFakeClient(t, phonelineplustest.WithCustomer(phonelineplustest.Customer{
					CustomerID: seededCust, CompanyName: "Acme Widgets Ltd", FullName: "Jane Smith",
					Email: "jane.smith@example.co.uk", Plan: phonelineplustest.PlanStandard,
				}))
				start := time.Now()
				ctx, cancel := context.WithDeadline(t.Context(), start.Add(runFor))
				defer cancel()

				var wg sync.WaitGroup
				errs := make(chan error, workers)
				for range workers {
					wg.Go(func() {
						for {
							_, err := c.Customers.Get(ctx, seededCust)
							if err == nil {
								continue
							}
							// The deadline ends the run: the limiter refuses a slot past it.
							if !errors.Is(err, phonelineplus.ErrRateLimited) && ctx.Err() == nil {
								errs <- err
							}
							return
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Errorf("unexpected error: %v", err)
				}

				s := logStats(srv.Requests(), start, start.Add(runFor))
				theoretical := perMinute * int(runFor/window)
				t.Logf("BENCH utilisation goroutines=%d completed=%d theoretical=%d pct=%.1f status429=%d max_per_minute=%d",
					workers, s.accepted, theoretical, 100*float64(s.accepted)/float64(theoretical), s.rejected, s.maxInWin)
				if min := theoretical * 99 / 100; s.accepted < min {
					t.Errorf("completed %d requests in %v, want at least %d (99%% of %d)", s.accepted, runFor, min, theoretical)
				}
				if s.rejected != 0 {
					t.Errorf("the fake answered 429 %d times, want none", s.rejected)
				}
				if s.maxInWin > perMinute {
					t.Errorf("%d requests in one rolling minute, want at most %d", s.maxInWin, perMinute)
				}
			})
		})
	}
}
