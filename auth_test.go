package phonelineplus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestColdClientExchangesOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	release := make(chan struct{})
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"customers":1}`)
	})
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			<-release
			errs <- e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
		})
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), e.auths.Load())
	assert.Equal(t, int64(200), e.hits.Load())
}

// tokenServer issues tokens that live for lifetime and refuses any request
// carrying an expired or revoked one.
type tokenServer struct {
	lifetime  time.Duration
	mu        sync.Mutex
	expiry    map[string]time.Time
	issued    int
	rejected  int // 401s on API calls
	expiredIn int // API calls that carried an expired token
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if r.URL.Path == testPrefix+"/auth" {
		ts.issued++
		tok := fmt.Sprintf("tok-%d", ts.issued)
		exp := time.Now().Add(ts.lifetime)
		ts.expiry[tok] = exp
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"expires":%d}`, tok, exp.Unix()))
		return
	}
	tok := r.Header.Get("Authorization")[len("Bearer "):]
	exp, ok := ts.expiry[tok]
	if ok && !time.Now().Before(exp) {
		ts.expiredIn++
	}
	if !ok || !time.Now().Before(exp) {
		ts.rejected++
		writeJSON(w, http.StatusUnauthorized, `{"message":"Unauthorized"}`)
		return
	}
	writeJSON(w, http.StatusOK, `{}`)
}

func (ts *tokenServer) revokeAll() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	clear(ts.expiry)
}

func newTokenServerClient(t *testing.T, ts *tokenServer, opts ...Option) *Client {
	hc := &http.Client{Transport: handlerTransport{ts}}
	return newTestClient(t, "http://127.0.0.1"+testPrefix, append([]Option{WithHTTPClient(hc)}, opts...)...)
}

func TestShortLivedTokenNeverSentExpired(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ts := &tokenServer{lifetime: 5 * time.Minute, expiry: map[string]time.Time{}}
		c := newTokenServerClient(t, ts)
		for range 240 { // one call every 15 s for an hour
			require.NoError(t, c.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
			time.Sleep(15 * time.Second)
		}
		assert.Zero(t, ts.expiredIn, "requests that carried an expired token")
		assert.Zero(t, ts.rejected)
		// Refreshed 60 s early: a new token every 4 minutes.
		assert.Equal(t, 15, ts.issued)
	})
}

func TestRevokedTokenCostsOneReplay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ts := &tokenServer{lifetime: time.Hour, expiry: map[string]time.Time{}}
		c := newTokenServerClient(t, ts)
		require.NoError(t, c.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
		ts.revokeAll()
		require.NoError(t, c.Do(t.Context(), http.MethodPost, "/users", map[string]string{"fullName": "A"}, nil))
		assert.Equal(t, 1, ts.rejected, "401s")
		assert.Equal(t, 2, ts.issued, "exchanges")
	})
}

func TestRepeated401IsUnauthorized(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, `{"message":"token not accepted"}`)
	})
	err := e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int64(2), e.hits.Load(), "one replay only")
	assert.Equal(t, int64(2), e.auths.Load(), "one extra exchange only")
}

func TestWrongSecretIsUnauthorizedWithoutLoop(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c, err := New(testKeyID, "wrong-secret-value", WithBaseURL(e.url), WithMaxRetries(3))
	require.NoError(t, err)
	err = c.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int64(1), e.auths.Load())
	assert.Zero(t, e.hits.Load())
	assert.NotContains(t, err.Error(), "wrong-secret-value")
}

func TestExchangeSendsDocumentedBody(t *testing.T) {
	t.Parallel()
	var body []byte
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == testPrefix+"/auth" {
			var err error
			body, err = readAll(r)
			require.NoError(t, err)
			return jsonResponse(r, http.StatusOK, string(golden(t, "auth/exchange.response.json"))), nil
		}
		return jsonResponse(r, http.StatusOK, `{}`), nil
	})}
	c, err := New("00000000-0000-4000-8000-00000000abcd", "PLACEHOLDER_SECRET_NOT_REAL",
		WithBaseURL("http://localhost"+testPrefix), WithHTTPClient(hc))
	require.NoError(t, err)
	require.NoError(t, c.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
	assert.JSONEq(t, string(golden(t, "auth/exchange.request.json")), string(body))
	ct := c.core.tokens.cur.Load()
	require.NotNil(t, ct)
	assert.Equal(t, time.Unix(1693522800, 0), ct.tok.Expiry, "expires is Unix seconds")
}

func TestParseExpires(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	for raw, want := range map[string]time.Time{
		`1693522800`:    time.Unix(1693522800, 0),
		`"1693522800"`:  time.Unix(1693522800, 0),
		`1693522800000`: time.UnixMilli(1693522800000),
		`3600`:          now.Add(time.Hour),
		`null`:          {},
		`"soon"`:        {},
		`-5`:            {},
	} {
		assert.Equal(t, want, parseExpires(json.RawMessage(raw), now), raw)
	}
	assert.True(t, parseExpires(nil, now).IsZero())
}

func TestJWTExpiryFallback(t *testing.T) {
	t.Parallel()
	exp := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp.Unix()}).SignedString([]byte("k"))
	require.NoError(t, err)
	assert.Equal(t, exp, jwtExpiry(signed))
	assert.True(t, jwtExpiry("not-a-jwt").IsZero())
}

func TestRefreshMargin(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	long := newCachedToken(Token{Expiry: now.Add(time.Hour)}, now)
	assert.Equal(t, now.Add(59*time.Minute), long.refreshAt, "60 s early")
	short := newCachedToken(Token{Expiry: now.Add(100 * time.Second)}, now)
	assert.Equal(t, now.Add(80*time.Second), short.refreshAt, "a fifth of the lifetime early")
	forever := newCachedToken(Token{AccessToken: NewSecret("x")}, now)
	assert.True(t, forever.fresh(now.Add(1000*time.Hour)))
}

// countingSource is a TokenSource that counts its calls.
type countingSource struct {
	calls atomic.Int64
	fail  error
}

func (s *countingSource) Token(ctx context.Context) (Token, error) {
	s.calls.Add(1)
	if s.fail != nil {
		return Token{}, s.fail
	}
	return Token{AccessToken: NewSecret(testToken)}, nil
}

func TestWithTokenSourceReplacesExchange(t *testing.T) {
	t.Parallel()
	e := setup(t)
	src := &countingSource{}
	e.client = newTestClient(t, e.url, WithTokenSource(src))
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, `{}`) })
	for range 3 {
		require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
	}
	assert.Equal(t, int64(1), src.calls.Load(), "cached")
	assert.Zero(t, e.auths.Load(), "no /auth exchange")
}

func TestFollowerSurvivesLeaderCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The exchange is slow; the goroutine that starts it gives up, the
		// one waiting with it must still get a token.
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == testPrefix+"/auth" {
				select {
				case <-time.After(2 * time.Second):
				case <-r.Context().Done():
					return nil, r.Context().Err()
				}
				return jsonResponse(r, http.StatusOK, `{"access_token":"`+testToken+`","expires":`+jsonInt(time.Now().Add(time.Hour).Unix())+`}`), nil
			}
			return jsonResponse(r, http.StatusOK, `{}`), nil
		})}
		c := newTestClient(t, "http://localhost"+testPrefix, WithHTTPClient(hc))
		leaderCtx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		leaderErr := make(chan error)
		go func() { leaderErr <- c.Do(leaderCtx, http.MethodGet, "/stats", nil, nil) }()
		synctest.Wait()
		followerErr := c.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
		assert.ErrorIs(t, <-leaderErr, context.DeadlineExceeded)
		assert.NoError(t, followerErr)
	})
}

// authScript is a transport whose /auth answers with the script's next
// step and whose API calls succeed when they carry the last token issued.
type authScript struct {
	mu    sync.Mutex
	steps []func(r *http.Request) (*http.Response, error)
	calls int // /auth requests
	api   int // API requests
}

func (s *authScript) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if r.URL.Path != testPrefix+"/auth" {
		s.api++
		s.mu.Unlock()
		return jsonResponse(r, http.StatusOK, `{}`), nil
	}
	step := s.steps[min(s.calls, len(s.steps)-1)]
	s.calls++
	s.mu.Unlock()
	return step(r)
}

func issue(token string, expires int64) func(r *http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		b, _ := json.Marshal(map[string]any{"access_token": token, "expires": expires})
		return jsonResponse(r, http.StatusOK, string(b)), nil
	}
}

// hang never answers until the request is cancelled.
func hang(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

func TestSlowExchangeDoesNotFailCallersItOutlives(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The first /auth hangs, started by a caller without a deadline.
		// The exchange's own attempt timeout ends that attempt and its retry
		// answers at once, so callers with a little more time than that
		// all get a token, and there is still one exchange in flight.
		s := &authScript{steps: []func(*http.Request) (*http.Response, error){hang, issue(testToken, time.Now().Add(time.Hour).Unix())}}
		c := newTestClient(t, "http://127.0.0.1"+testPrefix, WithHTTPClient(&http.Client{Transport: s}), WithMaxRetries(3))
		var wg sync.WaitGroup
		wg.Go(func() { assert.NoError(t, c.Do(t.Context(), http.MethodGet, "/stats", nil, nil)) })
		synctest.Wait() // the exchange hangs
		for range 3 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), tokenAttemptTimeout+2*time.Second)
				defer cancel()
				assert.NoError(t, c.Do(ctx, http.MethodGet, "/stats", nil, nil))
			})
		}
		wg.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Equal(t, 2, s.calls, "single-flight: the hung attempt and its retry")
		assert.Equal(t, 4, s.api)
	})
}

func TestAbandonedExchangeIsCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &authScript{steps: []func(*http.Request) (*http.Response, error){hang}}
		c := newTestClient(t, "http://127.0.0.1"+testPrefix, WithHTTPClient(&http.Client{Transport: s}))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		assert.ErrorIs(t, c.Do(ctx, http.MethodGet, "/stats", nil, nil), context.DeadlineExceeded)
		synctest.Wait() // the exchange, with nobody waiting, has ended: synctest would report it otherwise
		assert.Nil(t, c.core.tokens.flight)
	})
}

func TestTokenExpiredOnArrivalCostsOneExchange(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The server's clock runs an hour and a half ahead: its one-hour
		// token has "expired" by ours as it arrives.
		s := &authScript{steps: []func(*http.Request) (*http.Response, error){issue(testToken, time.Now().Add(-30*time.Minute).Unix())}}
		c := newTestClient(t, "http://127.0.0.1"+testPrefix, WithHTTPClient(&http.Client{Transport: s}))
		for range 5 {
			require.NoError(t, c.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
		}
		assert.Equal(t, 1, s.calls, "exchanges for 5 calls")
		assert.Equal(t, 5, s.api)
	})
}

func TestTokenWithHeaderBreakingBytesIsRefused(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"abc\r\nX-Evil: 1", "abc\ndef", "a b", "tab\there", "nul\x00"} {
		s := &authScript{steps: []func(*http.Request) (*http.Response, error){issue(tok, time.Now().Add(time.Hour).Unix())}}
		c := newTestClient(t, "http://127.0.0.1"+testPrefix, WithHTTPClient(&http.Client{Transport: s}))
		for range 2 {
			err := c.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
			require.ErrorIs(t, err, ErrInvalidResponse, "%q", tok)
			assert.NotContains(t, err.Error(), tok)
		}
		assert.Equal(t, 2, s.calls, "%q never cached", tok)
		assert.Zero(t, s.api, "%q never sent", tok)
	}
}
