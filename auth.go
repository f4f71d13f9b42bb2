package phonelineplus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/singleflight"
)

const pathAuth = "/auth"

// Token is a bearer token for the Partner API. Its String, GoString,
// Format, LogValue and MarshalJSON never show AccessToken.
type Token struct {
	AccessToken string
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
// like any idempotent request.
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
		op: "auth", method: http.MethodPost, path: pathAuth, noAuth: true, idempotent: true,
		body: authRequest{KeyID: k.keyID, Secret: k.secret.Reveal()}, out: &resp,
	})
	if err != nil {
		return Token{}, err
	}
	tok := Token{AccessToken: resp.AccessToken}
	if tok.AccessToken == "" {
		tok.AccessToken = resp.Token
	}
	if tok.AccessToken == "" {
		return Token{}, &responseError{method: http.MethodPost, path: pathAuth, status: http.StatusOK,
			err: errors.New("no access_token in the /auth response")}
	}
	tok.Expiry = parseExpires(resp.Expires, time.Now())
	if tok.Expiry.IsZero() {
		tok.Expiry = jwtExpiry(tok.AccessToken)
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

// jwtExpiry reads the exp claim without verifying the signature: the client
// only needs to know when to refresh, the API does the verifying.
func jwtExpiry(token string) time.Time {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return time.Time{}
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Time{}
	}
	// The same bounds as parseExpires: the library turns an exp such as
	// 1e20 into an overflowed instant.
	if s := exp.Unix(); s <= 0 || s >= 1<<53 {
		return time.Time{}
	}
	return exp.Time
}

// cachedToken is a token plus the instant to stop using it.
type cachedToken struct {
	tok       Token
	refreshAt time.Time // zero: until a 401
}

func newCachedToken(tok Token, now time.Time) *cachedToken {
	ct := &cachedToken{tok: tok}
	if !tok.Expiry.IsZero() {
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

// tokenCache hands out a fresh token. The hot path is one atomic load; a
// refresh runs once however many goroutines ask for it.
type tokenCache struct {
	src   TokenSource
	cur   atomic.Pointer[cachedToken]
	group singleflight.Group
}

func (tc *tokenCache) token(ctx context.Context) (*cachedToken, error) {
	if ct := tc.cur.Load(); ct != nil && ct.fresh(time.Now()) {
		return ct, nil
	}
	for {
		led := false
		ch := tc.group.DoChan("token", func() (any, error) {
			led = true
			if ct := tc.cur.Load(); ct != nil && ct.fresh(time.Now()) {
				return ct, nil
			}
			tok, err := tc.src.Token(ctx)
			if err != nil {
				return nil, err
			}
			ct := newCachedToken(tok, time.Now())
			tc.cur.Store(ct)
			return ct, nil
		})
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("phonelineplus: waiting for a token: %w", ctx.Err())
		case r := <-ch:
			if r.Err == nil {
				return r.Val.(*cachedToken), nil
			}
			// Another caller led the exchange and failed on its own
			// context or deadline: ours may still allow it, so try again.
			if !led && ctx.Err() == nil && (isContextError(r.Err) || errors.Is(r.Err, ErrRateLimited)) {
				continue
			}
			return nil, r.Err
		}
	}
}

// invalidate drops ct if it is still the cached token, so that after a 401
// only the first goroutine to see it forces a new exchange.
func (tc *tokenCache) invalidate(ct *cachedToken) { tc.cur.CompareAndSwap(ct, nil) }

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
