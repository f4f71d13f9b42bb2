package phonelineplus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
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
	next     http.RoundTripper
	isCreate func(*http.Request) bool
	steps    []step
	dupLists bool // every list answer holds each item twice, under two IDs

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
		s.mu.Unlock()
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

// commitAfter answers 500 "Timeout" at once and lets the create reach the
// fake only after d: a lookup before then sees nothing. d == 0 is the
// fake's own timeout-after-create.
func commitAfter(d time.Duration) step {
	return func(s *settleScript, r *http.Request) (*http.Response, error) {
		c := detach(r)
		if d == 0 {
			s.forward(c)
		} else {
			time.AfterFunc(d, func() { s.forward(c) })
		}
		return timeout(r), nil
	}
}

// lost answers 500 "Timeout" and drops the create: it never happens.
func lost(_ *settleScript, r *http.Request) (*http.Response, error) { return timeout(r), nil }

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

// withoutID lets the create through and strips every ID from the answer.
func withoutID(s *settleScript, r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	return rewrite(resp, func(v any) any {
		m, _ := v.(map[string]any)
		for _, k := range idKeys {
			delete(m, k)
		}
		return m
	}), nil
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
	sc := &settleScript{next: srv.Transport(), steps: steps, isCreate: func(r *http.Request) bool {
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

func settleClient(t *testing.T, srv *phonelineplustest.Server, rt http.RoundTripper) *plp.Client {
	t.Helper()
	keyID, secret := srv.Credentials()
	c, err := plp.New(keyID, secret, plp.WithBaseURL(srv.URL()),
		plp.WithHTTPClient(&http.Client{Transport: rt}), plp.WithLimiter(rate.NewLimiter(rate.Inf, 1)))
	require.NoError(t, err)
	return c
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
