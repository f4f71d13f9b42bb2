package phonelineplus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The create-or-find tests run in testing/synctest bubbles on the fake's
// in-memory transport, behind a settleScript that decides the fate of each
// create the client sends: the settle window's polling costs no real time.

// testWindow is the settle window of these tests (the default).
const testWindow = plp.DefaultSettleWindow

// settleScript sits in front of the fake and gives the n-th create (a
// request that isCreate accepts) the n-th step; creates past the steps go
// through. It counts the creates the client sent.
type settleScript struct {
	srv      *phonelineplustest.Server
	next     http.RoundTripper
	isCreate func(*http.Request) bool
	steps    []step
	dupLists bool // every list answer holds each item twice, under two IDs
	// failLists answers every list with 503 when set.
	failLists bool

	mu    sync.Mutex
	sent  int
	held  *http.Request // a create a step keeps back, for a later one
	lists int           // list requests (GETs) seen
}

// step is the fate of one create.
type step func(s *settleScript, r *http.Request) (*http.Response, error)

func (s *settleScript) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		s.mu.Lock()
		s.lists++
		fail := s.failLists
		s.mu.Unlock()
		if fail {
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
				Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
		}
		resp, err := s.next.RoundTrip(r)
		if err == nil && s.dupLists {
			resp = duplicateItems(resp)
		}
		return resp, err
	}
	if !s.isCreate(r) {
		return s.next.RoundTrip(r)
	}
	s.mu.Lock()
	n := s.sent
	s.sent++
	s.mu.Unlock()
	if n < len(s.steps) {
		return s.steps[n](s, r)
	}
	return s.next.RoundTrip(r)
}

func (s *settleScript) creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

func (s *settleScript) listCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

// detach copies r with its body, on a context that outlives the call, so
// that it can reach the fake after the client has had its answer.
func detach(r *http.Request) *http.Request {
	body, _ := io.ReadAll(r.Body)
	c := r.Clone(context.WithoutCancel(r.Context()))
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	return c
}

// forward sends r to the fake and discards the answer.
func (s *settleScript) forward(r *http.Request) {
	resp, err := s.next.RoundTrip(r)
	if err == nil {
		resp.Body.Close()
	}
}

// faulted lets the create through with a one-off fault of the fake's.
func faulted(f phonelineplustest.Fault) step {
	return func(s *settleScript, r *http.Request) (*http.Response, error) {
		once := f
		once.Method, once.Path, once.Times = r.Method, strings.TrimPrefix(r.URL.Path, phonelineplustest.BasePath), 1
		s.srv.InjectFault(once)
		return s.next.RoundTrip(r)
	}
}

// commitAfter answers 500 "Timeout" at once and commits the create only
// d later (the fake's timeout-commit-later): a lookup before then sees
// nothing. d == 0 commits before answering (the fake's timeout-after).
func commitAfter(d time.Duration) step {
	if d == 0 {
		return faulted(phonelineplustest.Fault{Action: phonelineplustest.FaultTimeoutAfter})
	}
	return faulted(phonelineplustest.Fault{Action: phonelineplustest.FaultTimeoutCommitLater, CommitAfter: d})
}

// through lets the create reach the fake as usual.
func through(s *settleScript, r *http.Request) (*http.Response, error) { return s.next.RoundTrip(r) }

// lost answers 500 "Timeout" and drops the create: it never happens.
var lost = faulted(phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: http.StatusInternalServerError, Body: "Timeout"})

// withoutID lets the create through and its answer leaves out every ID
// (the fake's omit-id).
var withoutID = faulted(phonelineplustest.Fault{Action: phonelineplustest.FaultOmitID})

// timeout answers 500 "Timeout", as the gateway does.
func timeout(r *http.Request) *http.Response {
	return &http.Response{
		StatusCode: http.StatusInternalServerError, Status: "500 Internal Server Error",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/plain"}},
		Body:          io.NopCloser(strings.NewReader("Timeout")),
		ContentLength: int64(len("Timeout")), Request: r,
	}
}

// held answers 500 "Timeout" and keeps the create back until the next
// create, which releasePrevious lets through first: the first commits
// after the settle window, just before the second send.
func held(s *settleScript, r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.held = detach(r)
	s.mu.Unlock()
	return timeout(r), nil
}

func releasePrevious(s *settleScript, r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	h := s.held
	s.mu.Unlock()
	s.forward(h)
	return s.next.RoundTrip(r)
}

// othersFirst lets someone else's create through just before this one.
func othersFirst(rival func()) step {
	return func(s *settleScript, r *http.Request) (*http.Response, error) {
		rival()
		return s.next.RoundTrip(r)
	}
}

var idKeys = []string{"ID", "id", "userID", "userId", "user_id", "customerID", "orderID"}

// duplicateItems doubles every item of a {"data":[...]} answer, the copy
// under other IDs: every lookup then has two matches.
func duplicateItems(resp *http.Response) *http.Response {
	return rewrite(resp, func(v any) any {
		m, ok := v.(map[string]any)
		items, _ := m["data"].([]any)
		if !ok || items == nil {
			return v
		}
		for _, it := range items {
			cp := map[string]any{}
			for k, x := range it.(map[string]any) {
				cp[k] = x
			}
			for _, k := range idKeys {
				if id, ok := cp[k].(string); ok {
					cp[k] = id + "-copy"
				}
			}
			items = append(items, cp)
		}
		m["data"], m["count"] = items, len(items)
		return m
	})
}

// rewrite decodes a JSON answer, changes it with f and re-encodes it.
func rewrite(resp *http.Response, f func(any) any) *http.Response {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var v any
	if err == nil && json.Unmarshal(body, &v) == nil {
		body, _ = json.Marshal(f(v))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp
}

// settleEnv is a fake, the script in front of it and a client through both.
type settleEnv struct {
	srv    *phonelineplustest.Server
	script *settleScript
	client *plp.Client
	// rival is another partner's client on the same fake, for creates
	// that are not the test client's.
	rival *plp.Client
}

// newSettleEnv must be called inside a synctest bubble. method and path
// (relative to the base URL, "*" for one segment) pick out the create.
func newSettleEnv(t *testing.T, method, path string, steps ...step) *settleEnv {
	t.Helper()
	srv := phonelineplustest.NewServer()
	t.Cleanup(srv.Close)
	want := strings.Split(strings.Trim(path, "/"), "/")
	sc := &settleScript{srv: srv, next: srv.Transport(), steps: steps, isCreate: func(r *http.Request) bool {
		got := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, phonelineplustest.BasePath), "/"), "/")
		if r.Method != method || len(got) != len(want) {
			return false
		}
		for i := range want {
			if want[i] != "*" && want[i] != got[i] {
				return false
			}
		}
		return true
	}}
	e := &settleEnv{srv: srv, script: sc}
	e.client = settleClient(t, srv, sc)
	e.rival = settleClient(t, srv, srv.Transport())
	return e
}

func settleClient(t *testing.T, srv *phonelineplustest.Server, rt http.RoundTripper, opts ...plp.Option) *plp.Client {
	t.Helper()
	keyID, secret := srv.Credentials()
	c, err := plp.New(keyID, secret, append([]plp.Option{plp.WithBaseURL(srv.URL()),
		plp.WithHTTPClient(&http.Client{Transport: rt}), plp.WithLimiter(rate.NewLimiter(rate.Inf, 1))}, opts...)...)
	require.NoError(t, err)
	return c
}

// unpack reads a CreateOrFind's result as the scenarios compare it: its
// outcome and its resource's ID.
func unpack[T any](got *plp.Ensured[T], err error) (plp.Outcome, string, error) {
	if err != nil {
		return "", "", err
	}
	return got.Outcome, reflect.ValueOf(got.Resource).Elem().FieldByName("ID").String(), nil
}

// countOf returns a counter of the items of a list call that match accepts.
func countOf[T any](match func(T) bool) func([]T, error) int {
	return func(items []T, _ error) int {
		n := 0
		for _, it := range items {
			if match(it) {
				n++
			}
		}
		return n
	}
}

// assertVerification checks that err is a *VerificationError for op that
// also matches each of also.
func assertVerification(t *testing.T, err error, op string, also ...error) *plp.VerificationError {
	t.Helper()
	var ve *plp.VerificationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, plp.ErrNeedsVerification)
	assert.Equal(t, op, ve.Operation)
	assert.Equal(t, plp.CategoryNeedsVerification, plp.CategoryOf(err))
	for _, e := range also {
		assert.ErrorIs(t, err, e)
	}
	return ve
}

// fixture is what a subject's setup made: the parents of the create.
type fixture struct {
	customerID, userID string
	number             string // an available number, E.164
	productID          string
}

// subject is one resource's create-or-find, as the scenarios drive it.
type subject struct {
	op           string
	method, path string // the create, "*" for one segment
	// setup makes the parents, through the rival client.
	setup func(t *testing.T, e *settleEnv) fixture
	// run calls CreateOrFind and returns the outcome and the resource's ID.
	run func(ctx context.Context, e *settleEnv, fx fixture) (plp.Outcome, string, error)
	// rival makes someone else's resource with the same key as run's
	// but other details, through the rival client.
	rival func(t *testing.T, e *settleEnv, fx fixture)
	// count returns how many resources with run's key the fake holds.
	count func(e *settleEnv, fx fixture) int
	// conflict is what the API answers a create whose key is taken: nil
	// when it accepts the create again.
	conflict error
	// once: the create is never sent twice (orders).
	once bool
}

// scenario is one fate of a create.
type scenario struct {
	name     string
	steps    func(rival func()) []step
	before   bool // the rival's resource exists before the call
	dup      bool // every lookup finds two matches
	outcome  plp.Outcome
	errs     []error // what the error matches when outcome is ""
	verify   bool    // the error is a *VerificationError
	sends    int     // creates the client sent
	exist    int     // resources with the key afterwards
	lists    int     // -1: any number of lookups
	min, max time.Duration
	// applies says whether the scenario applies to the subject.
	applies func(s subject) bool
}

func hasConflict(s subject) bool { return s.conflict != nil }
func resends(s subject) bool     { return !s.once }

// scenarios are the fates every create goes through.
func scenarios(s subject) []scenario {
	none := func(func()) []step { return nil }
	absent := scenario{name: "never created, sent again once", steps: func(func()) []step { return []step{lost} },
		outcome: plp.OutcomeCreated, sends: 2, exist: 1, lists: -1, min: testWindow, max: testWindow, applies: resends}
	if s.once {
		absent = scenario{name: "never created, for a person to check", steps: func(func()) []step { return []step{lost} },
			verify: true, errs: []error{plp.ErrOutcomeUnknown}, sends: 1, exist: 0, lists: -1, min: testWindow, max: testWindow}
	}
	all := []scenario{
		{name: "timeout after the create, found at once", steps: func(func()) []step { return []step{commitAfter(0)} },
			outcome: plp.OutcomeFound, sends: 1, exist: 1, lists: 1},
		{name: "committed 3 s after the timeout, found then", steps: func(func()) []step { return []step{commitAfter(3 * time.Second)} },
			outcome: plp.OutcomeFound, sends: 1, exist: 1, lists: 4, min: 3500 * time.Millisecond, max: 3500 * time.Millisecond},
		absent,
		{name: "committed after the window, the resend conflicts: ours, adopted",
			steps:   func(func()) []step { return []step{held, releasePrevious} },
			outcome: plp.OutcomeAdopted, sends: 2, exist: 1, lists: -1, min: testWindow, max: testWindow, applies: hasConflict},
		{name: "the resend conflicts with someone else's: returned",
			steps: func(rival func()) []step { return []step{lost, othersFirst(rival)} },
			errs:  []error{s.conflict}, sends: 2, exist: 1, lists: -1, min: testWindow, applies: hasConflict},
		{name: "conflict on the first send: returned without a lookup", steps: none, before: true,
			errs: []error{s.conflict}, sends: 1, exist: 1, lists: 0, applies: hasConflict},
		{name: "two matches: refused", steps: func(func()) []step { return []step{commitAfter(0)} }, dup: true,
			verify: true, errs: []error{plp.ErrAmbiguous, plp.ErrOutcomeUnknown}, sends: 1, exist: 1, lists: 1},
	}
	var out []scenario
	for _, sc := range all {
		if sc.applies == nil || sc.applies(s) {
			out = append(out, sc)
		}
	}
	return out
}

// runScenarios runs each scenario on s, each in a bubble of its own.
func runScenarios(t *testing.T, s subject) {
	for _, sc := range scenarios(s) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				e := newSettleEnv(t, s.method, s.path)
				e.script.dupLists = sc.dup
				fx := s.setup(t, e)
				rival := func() { s.rival(t, e, fx) }
				if sc.before {
					rival()
				}
				e.script.steps = sc.steps(rival)
				listsBefore := e.script.listCount()
				start := time.Now()
				outcome, id, err := s.run(t.Context(), e, fx)
				elapsed := time.Since(start)
				time.Sleep(time.Minute) // let every delayed commit land
				if sc.outcome != "" {
					require.NoError(t, err)
					assert.Equal(t, sc.outcome, outcome)
					assert.NotEmpty(t, id)
				} else {
					require.Error(t, err)
					for _, want := range sc.errs {
						assert.ErrorIs(t, err, want)
					}
					if sc.verify {
						assertVerification(t, err, s.op)
					} else {
						assert.NotErrorIs(t, err, plp.ErrNeedsVerification)
					}
				}
				assert.Equal(t, sc.sends, e.script.creates(), "creates sent")
				assert.Equal(t, sc.exist, s.count(e, fx), "resources with the key")
				if sc.lists >= 0 {
					assert.Equal(t, sc.lists, e.script.listCount()-listsBefore, "lookups")
				}
				assert.GreaterOrEqual(t, elapsed, sc.min, "time spent settling")
				if sc.max > 0 || sc.min == 0 {
					assert.LessOrEqual(t, elapsed, sc.max, "time spent settling")
				}
			})
		})
	}
}

// The settle window is the client's (WithSettleWindow) unless the call
// gives its own (WithCallSettleWindow); 0 looks once.
func TestSettleWindowOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		client []plp.Option
		call   []plp.CallOption
		want   time.Duration
		looks  int
	}{
		{name: "default", want: 10 * time.Second, looks: 6},
		{name: "client", client: []plp.Option{plp.WithSettleWindow(2 * time.Second)}, want: 2 * time.Second, looks: 4},
		{name: "call over client", client: []plp.Option{plp.WithSettleWindow(time.Minute)},
			call: []plp.CallOption{plp.WithCallSettleWindow(0)}, want: 0, looks: 1},
		{name: "a minute", call: []plp.CallOption{plp.WithCallSettleWindow(time.Minute)}, want: time.Minute, looks: 19},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				e := newSettleEnv(t, "POST", "/customers", lost)
				e.client = settleClient(t, e.srv, e.script, tc.client...)
				start := time.Now()

				got, err := e.client.Customers.CreateOrFind(t.Context(), settleCustomer, tc.call...)

				require.NoError(t, err)
				assert.Equal(t, plp.OutcomeCreated, got.Outcome)
				assert.Equal(t, tc.want, time.Since(start))
				assert.Equal(t, tc.looks, e.script.listCount())
				assert.Equal(t, 2, e.script.creates())
			})
		})
	}
	_, err := plp.New("k", "s", plp.WithSettleWindow(-time.Second))
	assert.ErrorIs(t, err, plp.ErrValidation)
}

// A context deadline inside the window ends the looking: the create is
// not sent again, and the error says both what happened and why it stopped.
func TestSettleBoundedByContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost)
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		start := time.Now()

		_, err := e.client.Customers.CreateOrFind(ctx, settleCustomer)

		assert.ErrorIs(t, err, plp.ErrOutcomeUnknown)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, plp.ErrNeedsVerification, "calling again later settles it")
		assert.Equal(t, 3*time.Second, time.Since(start))
		assert.Equal(t, 1, e.script.creates())
	})
}

// The looks wait on the limiter like any call: at PhoneLine+'s 100 a
// minute the window still settles, and the fake never answers 429.
func TestSettleUnderTheDefaultLimiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost)
		keyID, secret := e.srv.Credentials()
		client, err := plp.New(keyID, secret, plp.WithBaseURL(e.srv.URL()), plp.WithHTTPClient(&http.Client{Transport: e.script}))
		require.NoError(t, err)
		start := time.Now()

		got, err := client.Customers.CreateOrFind(t.Context(), settleCustomer)

		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeCreated, got.Outcome)
		assert.GreaterOrEqual(t, time.Since(start), testWindow)
		for _, r := range e.srv.Requests() {
			assert.NotEqual(t, http.StatusTooManyRequests, r.Status)
		}
		assert.Equal(t, 2, e.script.creates())
	})
}

// Both sends unknown and nothing found after either: a person decides.
func TestSettleBothSendsUnknown(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost, lost)

		_, err := e.client.Customers.CreateOrFind(t.Context(), settleCustomer)

		ve := assertVerification(t, err, "Customers.CreateOrFind", plp.ErrOutcomeUnknown, plp.ErrServer)
		assert.Contains(t, ve.Reason, "sent twice")
		var apiErr *plp.APIError
		require.ErrorAs(t, err, &apiErr, "the cause is reachable")
		assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
		assert.Equal(t, 2, e.script.creates())
		assert.True(t, strings.HasPrefix(err.Error(), "phonelineplus: Customers.CreateOrFind needs verification: sent twice"), err.Error())
	})
}

// A lookup that fails (the list endpoint is down) settles nothing: the
// error matches both failures and nothing is sent again.
func TestSettleLookupFails(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost)
		e.script.failLists = true

		_, err := e.client.Customers.CreateOrFind(t.Context(), settleCustomer)

		assert.ErrorIs(t, err, plp.ErrOutcomeUnknown)
		assert.ErrorIs(t, err, plp.ErrServer)
		var apiErr *plp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotErrorIs(t, err, plp.ErrNeedsVerification)
		assert.Contains(t, err.Error(), "then looking it up failed")
		assert.Equal(t, 1, e.script.creates())
		assert.Equal(t, 1+plp.DefaultMaxRetries, e.script.listCount(), "one look, with the SDK's retries of a GET")
	})
}

func TestVerificationError(t *testing.T) {
	t.Parallel()
	cause := errors.New("phonelineplus: POST /x: outcome unknown")
	err := error(&plp.VerificationError{Operation: "Orders.CreateOrFind", Reason: "no matching order appeared", Hint: "check the portal", Err: cause})
	assert.Equal(t, "phonelineplus: Orders.CreateOrFind needs verification: no matching order appeared; check the portal: POST /x: outcome unknown", err.Error())
	assert.ErrorIs(t, err, plp.ErrNeedsVerification)
	assert.ErrorIs(t, err, cause)
	assert.NotErrorIs(t, err, plp.ErrOutcomeUnknown)
	assert.Equal(t, "phonelineplus: Devices.CreateOrFind needs verification: why", (&plp.VerificationError{Operation: "Devices.CreateOrFind", Reason: "why"}).Error())
}

// A CreateOrFind's options go to every request it sends, and
// WithResponseInto describes the create, not a look: its request ID is the
// one to quote; the settle options are harmless on any other call.
func TestCreateOrFindCallOptions(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", commitAfter(time.Second))
		var resp plp.Response

		got, err := e.client.Customers.CreateOrFind(t.Context(), settleCustomer,
			plp.WithHeader("X-Correlation-Id", "run-7"), plp.WithResponseInto(&resp))

		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeFound, got.Outcome)
		var sent int
		for _, r := range e.srv.Requests() {
			if r.Path != "/auth" && r.Header.Get("X-Correlation-Id") == "run-7" {
				sent++
			}
		}
		assert.Equal(t, 1+e.script.listCount(), sent, "the create and every look carry the header")
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "the create's 500 Timeout, not the last look's 200")
		var createID string
		for _, r := range e.srv.Requests() {
			if r.Method == http.MethodPost && r.Path == "/customers" {
				createID = r.ID
			}
		}
		require.NotEmpty(t, createID)
		assert.Equal(t, createID, resp.RequestID)
		assert.Equal(t, 1, resp.Attempts)

		_, err = e.client.Customers.List(t.Context(), plp.WithCallSettleWindow(time.Minute), plp.WithCreatedAfter(time.Now()))
		assert.NoError(t, err)
	})
}

// After a plain Create whose outcome is unknown, a Find given
// WithCallSettleWindow keeps looking while the backend finishes; without
// it a Find looks once, and too early.
func TestFindWithASettleWindowAfterAPlainCreate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", commitAfter(3*time.Second))
		_, err := e.client.Customers.Create(t.Context(), settleCustomer)
		require.ErrorIs(t, err, plp.ErrOutcomeUnknown)

		_, err = e.client.Customers.FindByEmail(t.Context(), settleCustomer.Email)
		require.ErrorIs(t, err, plp.ErrNotFound, "one look, before the commit")
		looks := e.script.listCount()

		start := time.Now()
		got, err := e.client.Customers.FindByEmail(t.Context(), settleCustomer.Email, plp.WithCallSettleWindow(10*time.Second))
		require.NoError(t, err)
		assert.Equal(t, settleCustomer.CompanyName, got.CompanyName)
		assert.Greater(t, e.script.listCount()-looks, 1, "it looked more than once")
		assert.Less(t, time.Since(start), 10*time.Second, "it stopped at the first match")

		_, err = e.client.Customers.FindByEmail(t.Context(), "nobody@example.com", plp.WithCallSettleWindow(2*time.Second))
		require.ErrorIs(t, err, plp.ErrNotFound, "absent for the whole window")
	})
}
