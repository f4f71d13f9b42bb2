package phonelineplus

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const pathAuth = "/auth"

// Token is a bearer token for the Partner API. Its String, GoString,
// Format, LogValue and MarshalJSON never show AccessToken, and nor does
// any fmt verb (%p and %x included), since AccessToken is a Secret.
type Token struct {
	AccessToken Secret
	Expiry      time.Time // zero: no known expiry; used until the API answers 401
}

// String describes the token without its value.
func (t Token) String() string {
	if t.Expiry.IsZero() {
		return "Token{AccessToken:" + mask + "}"
	}
	return "Token{AccessToken:" + mask + " Expiry:" + t.Expiry.UTC().Format(time.RFC3339) + "}"
}

// GoString describes the token without its value.
func (t Token) GoString() string { return "phonelineplus." + t.String() }

// Format prints String for every verb (GoString for %#v).
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, t.GoString())
		return
	}
	fmt.Fprint(f, t.String())
}

// MarshalJSON writes the expiry only, so a token inside a struct that is
// logged as JSON stays hidden.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessToken string
		Expiry      time.Time
	}{mask, t.Expiry})
}

// LogValue logs the expiry only.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_token", mask), slog.Time("expiry", t.Expiry))
}

// TokenSource supplies bearer tokens. By default the client exchanges its
// key ID and secret at POST /auth; WithTokenSource replaces that exchange,
// for example with tokens shared from another service. The client caches
// what Token returns until shortly before Expiry, so Token is called rarely,
// by one goroutine at a time.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// keyExchange is the default TokenSource: POST /auth through the client's
// one request path, so the exchange waits on the limiter and is retried
// like any idempotent request. It is never redirected: /auth is a POST,
// and only a GET follows redirects.
type keyExchange struct {
	client *Client
	keyID  string
	secret Secret
}

type authRequest struct {
	KeyID  string `json:"keyID"`
	Secret string `json:"secret"`
}

type authResponse struct {
	AccessToken string          `json:"access_token"`
	Token       string          `json:"token"` // seen only in defensive client code
	Expires     json.RawMessage `json:"expires"`
}

func (k *keyExchange) Token(ctx context.Context) (Token, error) {
	var resp authResponse
	err := k.client.do(ctx, &call{
		op: OperationAuthExchange, method: http.MethodPost, tmpl: pathAuth, path: pathAuth, noAuth: true, idempotent: true,
		timeout: tokenAttemptTimeout,
		body:    authRequest{KeyID: k.keyID, Secret: k.secret.Reveal()}, out: &resp,
	})
	if err != nil {
		return Token{}, err
	}
	access := resp.AccessToken
	if access == "" {
		access = resp.Token
	}
	if access == "" {
		return Token{}, &callError{method: http.MethodPost, path: pathAuth, kind: ErrInvalidResponse,
			cause: errors.New("no access_token in the /auth response")}
	}
	tok := Token{AccessToken: NewSecret(access), Expiry: parseExpires(resp.Expires, time.Now())}
	if tok.Expiry.IsZero() {
		tok.Expiry = jwtExpiry(access)
	}
	return tok, nil
}

// parseExpires reads /auth's "expires": Unix seconds as documented, and
// defensively Unix milliseconds or a lifetime in seconds, as a number or a
// numeric string. It returns the zero time when the field is absent.
func parseExpires(raw json.RawMessage, now time.Time) time.Time {
	var n json.Number
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}
		}
		n = json.Number(s)
	}
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil || !(v > 0 && v < 1<<53) { // also NaN and ±Inf
		return time.Time{}
	}
	switch {
	case v > 1e12: // milliseconds
		return time.UnixMilli(int64(v))
	case v < 1e8: // a lifetime (under ~3 years), not an instant
		return now.Add(time.Duration(v * float64(time.Second)))
	}
	return time.Unix(int64(v), 0)
}

// jwtExpiry reads the exp claim of a JWT without verifying the signature:
// the client only needs to know when to refresh, and the API does the
// verifying. It returns the zero time for anything else, and for an exp
// outside the bounds parseExpires keeps.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if err != nil || json.Unmarshal(payload, &claims) != nil || !(claims.Exp > 0 && claims.Exp < 1<<53) {
		return time.Time{}
	}
	return time.Unix(int64(claims.Exp), 0)
}

// cachedToken is a token plus the instant to stop using it.
type cachedToken struct {
	tok       Token
	refreshAt time.Time // zero: until a 401
}

// newCachedToken caches tok, which arrived at now. A token that has
// expired by the local clock as it arrives says more about the clocks than
// the token (the server's runs ahead): it is used until the API answers
// 401, so each call costs at most one exchange.
func newCachedToken(tok Token, now time.Time) *cachedToken {
	ct := &cachedToken{tok: tok}
	if tok.Expiry.After(now) {
		// Refresh before expiry: 60 s early, or a fifth of the lifetime
		// for short-lived tokens, whichever is smaller.
		margin := min(time.Minute, tok.Expiry.Sub(now)/5)
		ct.refreshAt = tok.Expiry.Add(-max(margin, 0))
	}
	return ct
}

func (ct *cachedToken) fresh(now time.Time) bool {
	return ct.refreshAt.IsZero() || now.Before(ct.refreshAt)
}

const (
	// tokenExchangeTimeout bounds one token exchange, its retries
	// included. The exchange runs on a context of its own, not on the
	// context of the caller that started it: a caller that gives up does
	// not fail the others, and an exchange that hangs ends in time for a
	// caller with time left to start another.
	tokenExchangeTimeout = 30 * time.Second
	// tokenAttemptTimeout bounds one POST /auth, which answers at once
	// when it answers at all: a stuck one is retried early.
	tokenAttemptTimeout = 10 * time.Second
)

// tokenCache hands out a fresh token. The hot path is one atomic load. A
// refresh is one exchange however many goroutines ask for it; each waits
// for it no longer than its own context allows, and the exchange is
// cancelled when nobody waits for it any more.
type tokenCache struct {
	src TokenSource
	cur atomic.Pointer[cachedToken]

	mu     sync.Mutex
	flight *exchange // the exchange in progress, if any
}

// exchange is one call of the TokenSource, shared by its waiters.
type exchange struct {
	done    chan struct{} // closed when ct and err are set
	ct      *cachedToken
	err     error
	waiters int // guarded by tokenCache.mu
	cancel  context.CancelFunc
}

// token returns a fresh token. ex is not nil when the caller had to wait
// for an exchange: it says how long, and how the exchange ended.
func (tc *tokenCache) token(ctx context.Context) (_ *cachedToken, ex *TokenExchangeInfo, err error) {
	if ct := tc.cur.Load(); ct != nil && ct.fresh(time.Now()) {
		return ct, nil, nil
	}
	ex = &TokenExchangeInfo{Start: time.Now()}
	defer func() { ex.Duration, ex.Err = time.Since(ex.Start), err }()
	for {
		x, ct := tc.join(ctx)
		if ct != nil {
			return ct, ex, nil
		}
		select {
		case <-ctx.Done():
			tc.leave(x)
			return nil, ex, fmt.Errorf("phonelineplus: waiting for a token: %w", ctx.Err())
		case <-x.done:
			tc.leave(x)
			if x.err == nil {
				return x.ct, ex, nil
			}
			// The exchange ran out of its own time: a caller with time
			// left starts another.
			if ctx.Err() == nil && errors.Is(x.err, context.DeadlineExceeded) {
				continue
			}
			return nil, ex, x.err
		}
	}
}

// join returns the exchange in progress, starting one if there is none,
// or the cached token if another caller has just refreshed it.
func (tc *tokenCache) join(ctx context.Context) (*exchange, *cachedToken) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if ct := tc.cur.Load(); ct != nil && ct.fresh(time.Now()) {
		return nil, ct
	}
	x := tc.flight
	if x == nil {
		xctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenExchangeTimeout)
		x = &exchange{done: make(chan struct{}), cancel: cancel}
		tc.flight = x
		go tc.run(xctx, x)
	}
	x.waiters++
	return x, nil
}

// leave drops a waiter of x; the last one to leave cancels it.
func (tc *tokenCache) leave(x *exchange) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if x.waiters--; x.waiters == 0 {
		x.cancel()
		if tc.flight == x {
			tc.flight = nil
		}
	}
}

// run makes the exchange x and caches its token.
func (tc *tokenCache) run(ctx context.Context, x *exchange) {
	defer x.cancel()
	ct, err := tc.fetch(ctx)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.flight == x {
		tc.flight = nil
	}
	if err == nil {
		tc.cur.Store(ct)
	}
	x.ct, x.err = ct, err
	close(x.done)
}

// fetch calls the source and checks what it returns: a token that could
// not go in a header is never cached, nor sent.
func (tc *tokenCache) fetch(ctx context.Context) (*cachedToken, error) {
	tok, err := tc.src.Token(ctx)
	if err != nil {
		return nil, err
	}
	if v := tok.AccessToken.Reveal(); v == "" || !validHeaderValue(v) || strings.ContainsAny(v, " \t") {
		return nil, &callError{method: http.MethodPost, path: pathAuth, kind: ErrInvalidResponse,
			cause: errors.New("the token is empty or holds a character not allowed in a header")}
	}
	return newCachedToken(tok, time.Now()), nil
}

// invalidate drops ct if it is still the cached token, so that after a 401
// only the first goroutine to see it forces a new exchange.
func (tc *tokenCache) invalidate(ct *cachedToken) { tc.cur.CompareAndSwap(ct, nil) }
