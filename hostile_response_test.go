package phonelineplus_test

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

// respBase is the base URL of the scripted API; httpmock answers it
// without a network.
const respBase = "http://127.0.0.1/partner/v1"

// respClient returns a client on mt with the default retries, limiter and
// per-attempt timeout. POST /auth issues a token unless the test has
// scripted it already.
func respClient(t *testing.T, mt *httpmock.MockTransport, opts ...plp.Option) *plp.Client {
	t.Helper()
	if _, ok := mt.GetCallCountInfo()["POST "+respBase+"/auth"]; !ok {
		mt.RegisterResponder(http.MethodPost, respBase+"/auth",
			httpmock.NewStringResponder(http.StatusOK, `{"access_token":"resp-token","expires":3600}`))
	}
	return newClient(t, "key", "resp-secret", append([]plp.Option{
		plp.WithBaseURL(respBase),
		plp.WithHTTPClient(&http.Client{Transport: mt, Timeout: plp.DefaultAttemptTimeout}),
	}, opts...)...)
}

func respJSON(status int, body string) httpmock.Responder {
	return httpmock.NewStringResponder(status, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

func respHTML(status int) httpmock.Responder {
	return httpmock.NewStringResponder(status,
		"<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Service error</h1><p>Please try again.</p></body></html>").
		HeaderSet(http.Header{"Content-Type": {"text/html; charset=utf-8"}})
}

func respGetCustomer(ctx context.Context, c *plp.Client) error {
	return hostileErr(c.Customers.Get(ctx, "c1"))
}

func respCreateCustomer(ctx context.Context, c *plp.Client) error {
	return hostileErr(c.Customers.Create(ctx, hostileStandardCustomer()))
}

// TestHostileResponses scripts a hostile answer for each case and checks
// the call ends with the expected typed error, quickly (virtual time; the
// default limiter, 600 ms a request, and the default retries included),
// after a bounded number of requests.
func TestHostileResponses(t *testing.T) {
	t.Parallel()
	yearSecs := "31536000"
	type tcase struct {
		name       string
		method     string
		path       string // relative to respBase
		responder  httpmock.Responder
		auth       httpmock.Responder // replaces the /auth answer when set
		call       func(context.Context, *plp.Client) error
		want       []error
		calls      int           // requests to path
		authCalls  int           // requests to /auth; 0 means 1
		maxElapsed time.Duration // virtual
		check      func(t *testing.T, err error)
	}
	cases := []tcase{
		// Malformed JSON. A GET is retried (the next answer may be
		// whole); a POST may have acted, so it is not.
		{name: "malformed JSON/GET", method: "GET", path: "/customers/c1",
			responder: respJSON(200, `{"customerID":"c1",`), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "malformed JSON/POST", method: "POST", path: "/customers",
			responder: respJSON(201, `{"customerID":`), call: respCreateCustomer,
			want: []error{plp.ErrOutcomeUnknown, plp.ErrInvalidResponse}, calls: 1, maxElapsed: 2 * time.Second},
		{name: "malformed JSON/list", method: "GET", path: "/customers",
			responder: respJSON(200, `{"data":[{"customerID":"c1"},`),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Customers.List(ctx)) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "malformed JSON/nested a million deep", method: "GET", path: "/customers/c1",
			responder: respJSON(200, strings.Repeat("[", 1_000_000)), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "malformed JSON/NUL bytes", method: "GET", path: "/customers/c1",
			responder: respJSON(200, "{\x00\x00}"), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},

		// JSON of the wrong types.
		{name: "wrong type/ID a number", method: "GET", path: "/customers/c1",
			responder: respJSON(200, `{"customerID":42}`), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/top-level string", method: "GET", path: "/customers/c1",
			responder: respJSON(200, `"hello"`), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/data an object", method: "GET", path: "/customers",
			responder: respJSON(200, `{"data":{"customerID":"c1"},"count":1}`),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Customers.List(ctx)) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/list of numbers", method: "GET", path: "/customers/c1/users/",
			responder: respJSON(200, `{"data":[1,2,3]}`),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Users.List(ctx, "c1")) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/allocatedTo a string", method: "GET", path: "/customers/c1/numbers/n1",
			responder: respJSON(200, `{"ID":"n1","allocatedTo":"u1"}`),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Numbers.Get(ctx, "c1", "n1")) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/unitCost an object", method: "GET", path: "/products",
			responder: respJSON(200, `{"data":[{"ID":"p1","unitCost":{"gbp":89}}]}`),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Products.List(ctx)) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/sipPassword a number", method: "POST", path: "/customers",
			responder: respJSON(201, `{"customerID":"c1","destination":{"sipPassword":12345}}`), call: respCreateCustomer,
			want: []error{plp.ErrOutcomeUnknown, plp.ErrInvalidResponse}, calls: 1, maxElapsed: 2 * time.Second},
		{name: "wrong type/access_token a number", method: "GET", path: "/customers/c1",
			auth: respJSON(200, `{"access_token":5,"expires":3600}`), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 0, authCalls: 4, maxElapsed: 5 * time.Second},
		{name: "wrong type/no access_token", method: "GET", path: "/customers/c1",
			auth: respJSON(200, `{"expires":3600}`), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 0, authCalls: 1, maxElapsed: 2 * time.Second},

		// A 200 carrying an HTML error page; an HTML 5xx.
		{name: "HTML 200/GET", method: "GET", path: "/customers/c1",
			responder: respHTML(200), call: respGetCustomer,
			want: []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "HTML 200/list", method: "GET", path: "/customers",
			responder: respHTML(200),
			call:      func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Customers.List(ctx)) },
			want:      []error{plp.ErrInvalidResponse}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "HTML 200/POST", method: "POST", path: "/customers",
			responder: respHTML(200), call: respCreateCustomer,
			want: []error{plp.ErrOutcomeUnknown, plp.ErrInvalidResponse}, calls: 1, maxElapsed: 2 * time.Second},
		{name: "HTML 502", method: "GET", path: "/customers/c1",
			responder: respHTML(502), call: respGetCustomer,
			want: []error{plp.ErrServer}, calls: 4, maxElapsed: 5 * time.Second,
			check: func(t *testing.T, err error) {
				var apiErr *plp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, "Bad Gateway", apiErr.Message, "an HTML page is not a message")
			}},

		// Redirects.
		{name: "redirect loop/GET", method: "GET", path: "/customers/c1",
			responder: httpmock.NewStringResponder(307, "").HeaderSet(http.Header{"Location": {respBase + "/customers/c1"}}),
			call:      respGetCustomer, want: []error{plp.ErrInvalidResponse}, calls: 10, maxElapsed: 8 * time.Second},
		{name: "redirect loop/relative", method: "GET", path: "/customers/c1",
			responder: httpmock.NewStringResponder(302, "").HeaderSet(http.Header{"Location": {"c1"}}),
			call:      respGetCustomer, want: []error{plp.ErrInvalidResponse}, calls: 10, maxElapsed: 8 * time.Second},
		{name: "redirect/POST 307", method: "POST", path: "/customers",
			responder: httpmock.NewStringResponder(307, "").HeaderSet(http.Header{"Location": {respBase + "/customers"}}),
			call:      respCreateCustomer, calls: 1, maxElapsed: 2 * time.Second,
			check: func(t *testing.T, err error) {
				var apiErr *plp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 307, apiErr.StatusCode, "a POST does not follow redirects")
			}},
		{name: "redirect/POST 303", method: "POST", path: "/customers",
			responder: httpmock.NewStringResponder(303, "").HeaderSet(http.Header{"Location": {respBase + "/customers/c1"}}),
			call:      respCreateCustomer, want: []error{plp.ErrOutcomeUnknown}, calls: 1, maxElapsed: 2 * time.Second},

		// 401s.
		{name: "401 after re-auth", method: "GET", path: "/customers/c1",
			responder: respJSON(401, `{"message":"Unauthorized"}`), call: respGetCustomer,
			want: []error{plp.ErrUnauthorized}, calls: 2, authCalls: 2, maxElapsed: 3 * time.Second},
		{name: "401 after re-auth/POST", method: "POST", path: "/customers",
			responder: respJSON(401, `{"message":"Unauthorized"}`), call: respCreateCustomer,
			want: []error{plp.ErrUnauthorized}, calls: 2, authCalls: 2, maxElapsed: 3 * time.Second},
		{name: "401 at /auth", method: "GET", path: "/customers/c1",
			auth: respJSON(401, `{"message":"Invalid key"}`), call: respGetCustomer,
			want: []error{plp.ErrUnauthorized}, calls: 0, authCalls: 1, maxElapsed: time.Second},

		// Retry-After of a year, and unreadable ones.
		{name: "Retry-After a year/seconds", method: "GET", path: "/customers/c1",
			responder: respJSON(429, `{"message":"Too Many Requests"}`).HeaderSet(http.Header{"Retry-After": {yearSecs}}),
			call:      respGetCustomer, want: []error{plp.ErrRateLimited}, calls: 1, maxElapsed: time.Second,
			check: func(t *testing.T, err error) {
				var apiErr *plp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 365*24*time.Hour, apiErr.RetryAfter)
			}},
		{name: "Retry-After a year/date", method: "GET", path: "/customers/c1",
			responder: func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(429, `{"message":"Too Many Requests"}`)
				resp.Header.Set("Retry-After", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
				return resp, nil
			},
			call: respGetCustomer, want: []error{plp.ErrRateLimited}, calls: 1, maxElapsed: time.Second},
		{name: "Retry-After a year/POST", method: "POST", path: "/customers",
			responder: respJSON(429, `{"message":"Too Many Requests"}`).HeaderSet(http.Header{"Retry-After": {yearSecs}}),
			call:      respCreateCustomer, want: []error{plp.ErrRateLimited}, calls: 1, maxElapsed: time.Second,
			check: func(t *testing.T, err error) {
				assert.NotErrorIs(t, err, plp.ErrOutcomeUnknown, "a 429 refused the create")
			}},
		{name: "Retry-After a year/503", method: "PUT", path: "/customers/c1",
			responder: respJSON(503, `{"message":"Maintenance"}`).HeaderSet(http.Header{"Retry-After": {yearSecs}}),
			call: func(ctx context.Context, c *plp.Client) error {
				return hostileErr(c.Customers.Update(ctx, "c1", plp.CustomerUpdateRequest{FullName: plp.Ptr("Sam")}))
			},
			want: []error{plp.ErrServer}, calls: 1, maxElapsed: time.Second},
		// A delay past int64 is as long as can be: longer than
		// WithMaxRetryWait, so the call fails at once.
		{name: "Retry-After overflowing", method: "GET", path: "/customers/c1",
			responder: respJSON(429, `{}`).HeaderSet(http.Header{"Retry-After": {"99999999999999999999999999"}}),
			call:      respGetCustomer, want: []error{plp.ErrRateLimited}, calls: 1, maxElapsed: time.Second},
		{name: "Retry-After negative", method: "GET", path: "/customers/c1",
			responder: respJSON(429, `{}`).HeaderSet(http.Header{"Retry-After": {"-5"}}),
			call:      respGetCustomer, want: []error{plp.ErrRateLimited}, calls: 4, maxElapsed: 5 * time.Second},
		{name: "Retry-After garbage", method: "GET", path: "/customers/c1",
			responder: respJSON(429, `{}`).HeaderSet(http.Header{"Retry-After": {"soon\r\n"}}),
			call:      respGetCustomer, want: []error{plp.ErrRateLimited}, calls: 4, maxElapsed: 5 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				mt := httpmock.NewMockTransport()
				if tc.auth != nil {
					mt.RegisterResponder(http.MethodPost, respBase+"/auth", tc.auth)
				}
				if tc.responder != nil {
					mt.RegisterResponder(tc.method, respBase+tc.path, tc.responder)
				}
				c := respClient(t, mt)
				start := time.Now()
				err := tc.call(t.Context(), c)
				elapsed := time.Since(start)
				require.Error(t, err)
				assert.NotEmpty(t, chaosOutcome(err)+deadlineAPIError(err), "untyped error %T: %v", err, err)
				for _, w := range tc.want {
					assert.ErrorIs(t, err, w)
				}
				assert.LessOrEqual(t, elapsed, tc.maxElapsed, "virtual time")
				info := mt.GetCallCountInfo()
				assert.Equal(t, tc.calls, info[tc.method+" "+respBase+tc.path], "requests to the endpoint")
				assert.Equal(t, max(tc.authCalls, 1), info["POST "+respBase+"/auth"], "requests to /auth")
				if tc.check != nil {
					tc.check(t, err)
				}
				t.Logf("%v (%v)", err, elapsed)
			})
		})
	}
}

// respEndlessBody sends one byte a second, forever, until its request's
// context ends: a server that trickles a response.
type respEndlessBody struct {
	ctx  context.Context
	sent *atomic.Int64
}

func (b respEndlessBody) Read(p []byte) (int, error) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	case <-t.C:
		p[0] = ' '
		b.sent.Add(1)
		return 1, nil
	}
}

func (respEndlessBody) Close() error { return nil }

// respEndlessTransport answers /auth and then every request with a 200 whose
// body never ends.
type respEndlessTransport struct {
	auth     http.RoundTripper
	attempts atomic.Int64
	sent     atomic.Int64
}

func (e *respEndlessTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/auth") {
		return e.auth.RoundTrip(r)
	}
	e.attempts.Add(1)
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: -1,
		Body: respEndlessBody{ctx: r.Context(), sent: &e.sent}, Request: r}, nil
}

// TestEndlessSlowBody: a body that never ends stops at the call's
// deadline, or, without one, at the per-attempt timeout of each attempt.
func TestEndlessSlowBody(t *testing.T) {
	t.Parallel()
	auth := func() http.RoundTripper {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, respBase+"/auth",
			httpmock.NewStringResponder(http.StatusOK, `{"access_token":"resp-token","expires":3600}`))
		return mt
	}
	for _, tc := range []struct {
		name string
		call func(context.Context, *plp.Client) error
		want []error
	}{
		{"deadline/GET", respGetCustomer, []error{context.DeadlineExceeded}},
		{"deadline/POST", respCreateCustomer, []error{plp.ErrOutcomeUnknown, context.DeadlineExceeded}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				et := &respEndlessTransport{auth: auth()}
				c := newClient(t, "key", "resp-secret", plp.WithBaseURL(respBase),
					plp.WithHTTPClient(&http.Client{Transport: et, Timeout: plp.DefaultAttemptTimeout}))
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				start := time.Now()
				err := tc.call(ctx, c)
				for _, w := range tc.want {
					assert.ErrorIs(t, err, w)
				}
				assert.Equal(t, 5*time.Second, time.Since(start))
				assert.Equal(t, int64(1), et.attempts.Load())
			})
		})
	}
	t.Run("attempt timeout", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			et := &respEndlessTransport{auth: auth()}
			c := newClient(t, "key", "resp-secret", plp.WithBaseURL(respBase),
				plp.WithHTTPClient(&http.Client{Transport: et, Timeout: 3 * time.Second}))
			start := time.Now()
			err := respGetCustomer(context.Background(), c)
			elapsed := time.Since(start)
			assert.ErrorIs(t, err, plp.ErrInvalidResponse)
			assert.Equal(t, int64(plp.DefaultMaxRetries+1), et.attempts.Load())
			// 4 attempts of 3 s, the backoffs (at most 1.75 s) and one
			// 600 ms limiter wait.
			assert.LessOrEqual(t, elapsed, 12*time.Second+1750*time.Millisecond+600*time.Millisecond)
			assert.Less(t, et.sent.Load(), int64(20), "bytes read: bounded by time, not by the body")
		})
	})
}

// respRepeatReader yields n bytes of b repeated, without holding them.
type respRepeatReader struct {
	b     byte
	n     int64
	chunk []byte
}

func (r *respRepeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if r.chunk == nil {
		r.chunk = bytes.Repeat([]byte{r.b}, 32<<10)
	}
	chunk, n := r.chunk, 0
	for n < len(p) && r.n > 0 {
		k := copy(p[n:min(len(p), n+int(min(r.n, int64(len(chunk)))))], chunk)
		n += k
		r.n -= int64(k)
	}
	return n, nil
}

// respBigServer is a real HTTP server whose API answers with status and body
// (streamed, never held in memory whole).
func respBigServer(t *testing.T, status int, header http.Header, body func() io.Reader) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /partner/v1/auth", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"big-token","expires":3600}`)
	})
	mux.HandleFunc("/partner/v1/", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.Copy(w, body())
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/partner/v1"
}

// respAllocDuring returns the bytes allocated while f runs (the process's
// TotalAlloc, so the test must not run in parallel with others).
func respAllocDuring(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHugeBodiesUseBoundedMemory sends bodies far over the 10 MiB cap, as
// they are and gzip-compressed: the call fails with ErrInvalidResponse,
// quickly, and allocates little more than the cap (twice that with the
// race detector), however big the body. Not parallel: it measures the
// process's allocations.
func TestHugeBodiesUseBoundedMemory(t *testing.T) {
	// 200 gzip members of 1 MiB of spaces each: a reader decompresses
	// them as one 200 MiB stream.
	gz200MiB := func() []byte {
		var member bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
		_, _ = io.Copy(zw, &respRepeatReader{b: ' ', n: 1 << 20})
		_ = zw.Close()
		return bytes.Repeat(member.Bytes(), 200)
	}()
	cases := []struct {
		name   string
		status int
		header http.Header
		body   func() io.Reader
		call   func(context.Context, *plp.Client) error
		cap    int64 // WithMaxResponseBytes; 0: the default
		want   []error
	}{
		{name: "50 MB/GET", status: 200, body: func() io.Reader { return &respRepeatReader{b: ' ', n: 50 << 20} },
			call: respGetCustomer, want: []error{plp.ErrInvalidResponse}},
		{name: "500 MB/GET", status: 200, body: func() io.Reader { return &respRepeatReader{b: ' ', n: 500 << 20} },
			call: respGetCustomer, want: []error{plp.ErrInvalidResponse}},
		{name: "50 MB/POST", status: 201, body: func() io.Reader { return &respRepeatReader{b: ' ', n: 50 << 20} },
			call: respCreateCustomer, want: []error{plp.ErrOutcomeUnknown, plp.ErrInvalidResponse}},
		{name: "50 MB/500", status: 500, body: func() io.Reader { return &respRepeatReader{b: 'x', n: 50 << 20} },
			call: respGetCustomer, want: []error{plp.ErrInvalidResponse}},
		{name: "50 MB/cap 1 MiB", status: 200, body: func() io.Reader { return &respRepeatReader{b: ' ', n: 50 << 20} },
			call: respGetCustomer, cap: 1 << 20, want: []error{plp.ErrInvalidResponse}},
		{name: "gzip bomb 200 MiB", status: 200, header: http.Header{"Content-Encoding": {"gzip"}},
			body: func() io.Reader { return bytes.NewReader(gz200MiB) },
			call: respGetCustomer, want: []error{plp.ErrInvalidResponse}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := respBigServer(t, tc.status, tc.header, tc.body)
			opts := []plp.Option{plp.WithBaseURL(base), plp.WithRateLimit(1_000_000, 1_000_000)}
			if tc.cap > 0 {
				opts = append(opts, plp.WithMaxResponseBytes(tc.cap))
			}
			c := newClient(t, "key", "big-secret", opts...)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var callErr error
			start := time.Now()
			alloc := respAllocDuring(func() { callErr = tc.call(ctx, c) })
			elapsed := time.Since(start)
			for _, w := range tc.want {
				assert.ErrorIs(t, callErr, w)
			}
			// The client reads in chunks and gives up as soon as the
			// cap is passed: about the cap itself is allocated (plus
			// the test server's own buffers); the race detector
			// doubles that.
			capBytes := cmp.Or(tc.cap, int64(plp.DefaultMaxResponseBytes))
			bound := uint64(capBytes + capBytes/2 + 2<<20)
			if chaosRaceEnabled() {
				bound *= 2
			}
			assert.LessOrEqual(t, alloc, bound, "bytes allocated during the call")
			assert.Less(t, elapsed, 10*time.Second, "real time")
			assert.Less(t, len(callErr.Error()), 400)
			t.Logf("%v: %.1f MiB allocated in %v", callErr, float64(alloc)/(1<<20), elapsed.Round(time.Millisecond))
		})
	}
}

// TestRedirectToAnotherHostDropsToken: a GET follows redirects, but its
// bearer token must not go to another host.
func TestRedirectToAnotherHostDropsToken(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodGet, respBase+"/customers/c1",
			httpmock.NewStringResponder(302, "").HeaderSet(http.Header{"Location": {"https://collector.example.net/c1"}}))
		var gotAuth atomic.Value
		gotAuth.Store("")
		mt.RegisterResponder(http.MethodGet, "https://collector.example.net/c1", func(r *http.Request) (*http.Response, error) {
			gotAuth.Store(r.Header.Get("Authorization"))
			return httpmock.NewStringResponse(200, `{"customerID":"c1"}`), nil
		})
		c := respClient(t, mt)
		_, err := c.Customers.Get(t.Context(), "c1")
		require.NoError(t, err)
		assert.Equal(t, 1, mt.GetCallCountInfo()["GET https://collector.example.net/c1"])
		assert.Empty(t, gotAuth.Load(), "Authorization sent to another host")
	})
}

// TestHostileResponseErrorsStayOneLine: an error body full of control
// characters and a megabyte long gives a short, one-line message.
func TestHostileResponseErrorsStayOneLine(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt := httpmock.NewMockTransport()
		body := `{"message":"bad\r\nX-Forged: yes\u001b[31m` + strings.Repeat("a", 1<<20) + `"}`
		mt.RegisterResponder(http.MethodGet, respBase+"/customers/c1", respJSON(400, body).HeaderSet(http.Header{
			"X-Request-Id": {"req\r\n-1" + strings.Repeat("b", 1000)},
		}))
		c := respClient(t, mt)
		err := respGetCustomer(t.Context(), c)
		require.ErrorIs(t, err, plp.ErrBadRequest)
		var apiErr *plp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotContains(t, err.Error(), "\n")
		assert.NotContains(t, err.Error(), "\x1b")
		assert.Less(t, len(err.Error()), 600)
		assert.True(t, errors.Is(err, plp.ErrBadRequest))
	})
}
