package phonelineplus_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// deadlineMargin is how far past its deadline a call may return. Time is
// virtual, so the only slack needed is for work done after the deadline
// fires, which takes no virtual time: the margin is generous.
const deadlineMargin = 10 * time.Millisecond

// deadlineFaults are the faults a call must survive within its deadline,
// each applied to every matching request.
var deadlineFaults = []struct {
	name string
	f    phonelineplustest.Fault
	auth bool // apply to POST /auth instead of the endpoint
}{
	{name: "none"},
	{name: "503", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 503}},
	{name: "503 with Retry-After 1", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 503,
		Header: http.Header{"Retry-After": {"1"}}}},
	{name: "500", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 500, Body: `{"message":"boom"}`}},
	{name: "429 with Retry-After 1", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 429,
		Header: http.Header{"Retry-After": {"1"}}}},
	{name: "429 with Retry-After 3600", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 429,
		Header: http.Header{"Retry-After": {"3600"}}}},
	{name: "429 without Retry-After", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 429}},
	{name: "drop before", f: phonelineplustest.Fault{Action: phonelineplustest.FaultDropBefore}},
	{name: "drop after", f: phonelineplustest.Fault{Action: phonelineplustest.FaultDropAfter}},
	{name: "timeout after", f: phonelineplustest.Fault{Action: phonelineplustest.FaultTimeoutAfter}},
	{name: "truncate", f: phonelineplustest.Fault{Action: phonelineplustest.FaultTruncate}},
	{name: "latency 1s", f: phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: time.Second}},
	{name: "latency 1.9s", f: phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: 1900 * time.Millisecond}},
	{name: "latency 1h", f: phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: time.Hour}},
	{name: "503 after 700ms", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 503, Latency: 700 * time.Millisecond}},
	{name: "redirect to itself", f: phonelineplustest.Fault{Action: phonelineplustest.FaultRedirect, Location: "/partner/v1/customers/c1"}},
	{name: "auth 503", auth: true, f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 503}},
	{name: "auth latency 1h", auth: true, f: phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: time.Hour}},
	{name: "auth drop", auth: true, f: phonelineplustest.Fault{Action: phonelineplustest.FaultDropBefore}},
	{name: "auth 429 with Retry-After 1", auth: true, f: phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: 429,
		Header: http.Header{"Retry-After": {"1"}}}},
}

// deadlineCalls are one call of each method, on the fake's seeded customer
// c1.
var deadlineCalls = []struct {
	method, path string
	call         func(ctx context.Context, c *plp.Client) error
}{
	{http.MethodGet, "/customers/*", func(ctx context.Context, c *plp.Client) error {
		_, err := c.Customers.Get(ctx, "c1")
		return err
	}},
	{http.MethodPost, "/customers", func(ctx context.Context, c *plp.Client) error {
		_, err := c.Customers.Create(ctx, plp.CustomerCreateRequest{
			Plan: plp.PlanHardwareOnlyCP, CompanyName: "Deadline Ltd", FullName: "Alex Example", ContactNumber: "07700 900000",
			Address: plp.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
		})
		return err
	}},
	{http.MethodPut, "/customers/*", func(ctx context.Context, c *plp.Client) error {
		_, err := c.Customers.Update(ctx, "c1", plp.CustomerUpdateRequest{FullName: plp.Ptr("Sam Example")})
		return err
	}},
	{http.MethodDelete, "/customers/*", func(ctx context.Context, c *plp.Client) error {
		return c.Customers.Delete(ctx, "c1")
	}},
}

// deadlineServer is a fake with customer c1 and, optionally, one fault.
func deadlineServer(opts ...phonelineplustest.Option) *phonelineplustest.Server {
	return phonelineplustest.NewServer(append([]phonelineplustest.Option{phonelineplustest.WithCustomer(phonelineplustest.Customer{
		CustomerID: "c1", CompanyName: "Acme Ltd", FullName: "Alex Example", Email: "alex@example.com",
		Plan: phonelineplustest.PlanStandard,
	})}, opts...)...)
}

// TestDeadlineHoldsUnderEveryFault gives a call a 2 s deadline under each
// fault, with the default retries, limiter (100 a minute, burst 1) and
// per-attempt timeout, and checks it returns by then with a result or a
// typed error.
func TestDeadlineHoldsUnderEveryFault(t *testing.T) {
	t.Parallel()
	for _, fc := range deadlineFaults {
		for _, dc := range deadlineCalls {
			t.Run(fc.name+"/"+dc.method, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					var opts []phonelineplustest.Option
					if fc.name != "none" {
						f := fc.f
						f.Method, f.Path = dc.method, dc.path
						if fc.auth {
							f.Method, f.Path = http.MethodPost, "/auth"
						}
						opts = append(opts, phonelineplustest.WithFault(f))
					}
					srv := deadlineServer(opts...)
					defer srv.Close()
					c := fakeClient(t, srv, plp.WithHTTPClient(&http.Client{Transport: srv.Transport(), Timeout: plp.DefaultAttemptTimeout}))

					ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
					defer cancel()
					start := time.Now()
					err := dc.call(ctx, c)
					elapsed := time.Since(start)
					assert.LessOrEqual(t, elapsed, 2*time.Second+deadlineMargin, "virtual time the call took")
					if err != nil {
						assert.NotEmpty(t, chaosOutcome(err)+deadlineAPIError(err), "untyped error %T: %v", err, err)
					}
					t.Logf("%v after %v", err, elapsed)
				})
			})
		}
	}
}

// deadlineAPIError names an *APIError that matches no sentinel (a 3xx
// that a PUT or DELETE does not follow), which is typed too.
func deadlineAPIError(err error) string {
	var apiErr *plp.APIError
	if errors.As(err, &apiErr) {
		return "APIError"
	}
	return ""
}

// TestRateLimitedFakeFailsFastWithinDeadline exhausts the fake's own
// budget: its 429 asks for a wait past the deadline, so the call fails at
// once instead of sleeping.
func TestRateLimitedFakeFailsFastWithinDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := deadlineServer(phonelineplustest.WithRateLimit(2)) // /auth and one call
		defer srv.Close()
		c := fakeClient(t, srv, plp.WithHTTPClient(&http.Client{Transport: srv.Transport()}), plp.WithRateLimit(1_000_000, 1_000_000))
		_, err := c.Customers.Get(t.Context(), "c1")
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err = c.Customers.Get(ctx, "c1")
		assert.ErrorIs(t, err, plp.ErrRateLimited)
		assert.Zero(t, time.Since(start), "the 429's Retry-After lies past the deadline: no wait")
	})
}

// deadlineNeverAnswers serves POST /auth through the fake and holds every other
// request until its context ends, counting them: a server that accepts
// the request and never answers.
type deadlineNeverAnswers struct {
	auth     http.RoundTripper
	attempts atomic.Int64
}

func (n *deadlineNeverAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == phonelineplustest.BasePath+"/auth" {
		return n.auth.RoundTrip(r)
	}
	n.attempts.Add(1)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// TestNoDeadlineCannotHang checks that the default HTTP client bounds each
// attempt by DefaultAttemptTimeout, so a call without a deadline against
// a server that never answers ends, after a bounded total with retries.
//
// Not parallel: it points http.DefaultTransport, which the SDK's default
// HTTP client uses, at a transport that never answers, and puts it back
// before returning (parallel tests start only after the sequential ones).
func TestNoDeadlineCannotHang(t *testing.T) {
	const limiterWait = 600 * time.Millisecond // the default limiter's only token goes to /auth
	for _, tc := range []struct {
		name     string
		call     func(ctx context.Context, c *plp.Client) error
		attempts int64
		low      time.Duration
		want     error
	}{
		// Retried until the call's own bound: the first attempt times
		// out, the second is cut short by DefaultCallTimeout.
		{"GET", func(ctx context.Context, c *plp.Client) error {
			_, err := c.Customers.Get(ctx, "c1")
			return err
		}, 2, plp.DefaultCallTimeout, context.DeadlineExceeded},
		{"POST", deadlineCalls[1].call, 1, plp.DefaultAttemptTimeout, plp.ErrOutcomeUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := deadlineServer()
				defer srv.Close()
				never := &deadlineNeverAnswers{auth: srv.Transport()}
				saved := http.DefaultTransport
				http.DefaultTransport = never
				defer func() { http.DefaultTransport = saved }()

				c := fakeClient(t, srv) // the default HTTP client
				start := time.Now()
				err := tc.call(context.Background(), c)
				elapsed := time.Since(start)
				require.ErrorIs(t, err, tc.want)
				assert.Equal(t, tc.attempts, never.attempts.Load(), "attempts")
				assert.GreaterOrEqual(t, elapsed, tc.low)
				assert.LessOrEqual(t, elapsed, tc.low+limiterWait+deadlineMargin, "bounded total")
				assert.Less(t, elapsed, 5*time.Minute)
				t.Logf("%s without a deadline: %d attempts, %v, %v", tc.name, never.attempts.Load(), elapsed, err)
			})
		})
	}
}

// TestZeroTimeoutHTTPClientKeepsTheAttemptTimeout: WithHTTPClient with no
// Timeout does not remove the bound on each attempt.
func TestZeroTimeoutHTTPClientKeepsTheAttemptTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := deadlineServer()
		defer srv.Close()
		never := &deadlineNeverAnswers{auth: srv.Transport()}
		c := fakeClient(t, srv, plp.WithHTTPClient(&http.Client{Transport: never}), plp.WithMaxRetries(0))
		start := time.Now()
		_, err := c.Customers.Get(context.Background(), "c1")
		require.ErrorIs(t, err, plp.ErrNetwork)
		assert.Contains(t, err.Error(), "no answer within the attempt timeout")
		assert.Equal(t, int64(1), never.attempts.Load())
		assert.InDelta(t, float64(plp.DefaultAttemptTimeout), float64(time.Since(start)), float64(time.Second))
	})
}

// TestAttemptTimeoutIsConfigurable checks the documented way to change
// the per-attempt timeout: WithHTTPClient with another Timeout.
func TestAttemptTimeoutIsConfigurable(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := deadlineServer()
		defer srv.Close()
		never := &deadlineNeverAnswers{auth: srv.Transport()}
		c := fakeClient(t, srv, plp.WithHTTPClient(&http.Client{Transport: never, Timeout: 5 * time.Second}), plp.WithMaxRetries(1))
		start := time.Now()
		_, err := c.Customers.Get(context.Background(), "c1")
		elapsed := time.Since(start)
		require.ErrorIs(t, err, plp.ErrNetwork)
		assert.Equal(t, int64(2), never.attempts.Load())
		assert.GreaterOrEqual(t, elapsed, 10*time.Second)
		assert.LessOrEqual(t, elapsed, 10*time.Second+600*time.Millisecond+250*time.Millisecond+deadlineMargin)
	})
}
