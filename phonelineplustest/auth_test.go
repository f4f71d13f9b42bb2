package phonelineplustest

import (
	"net/http"
	"regexp"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCredentialsHaveTheRealShape(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	keyID, secret := srv.Credentials()
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, keyID)
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_-]{64}$`), secret)
}

func TestAuthIssuesHS256JWT(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	before := time.Now()
	r := c.must(http.StatusOK, http.MethodPost, "/auth", map[string]string{"keyID": c.keyID, "secret": c.secret})
	var got struct {
		AccessToken string `json:"access_token"`
		Expires     int64  `json:"expires"`
	}
	r.decode(t, &got)
	var claims jwt.RegisteredClaims
	tok, _, err := jwt.NewParser().ParseUnverified(got.AccessToken, &claims)
	require.NoError(t, err)
	assert.Equal(t, "HS256", tok.Method.Alg())
	assert.Equal(t, c.keyID, claims.Subject)
	require.NotNil(t, claims.ExpiresAt)
	assert.Equal(t, got.Expires, claims.ExpiresAt.Unix())
	assert.InDelta(t, before.Add(time.Hour).Unix(), got.Expires, 2)
}

func TestAuthRejectsWrongKeyOrSecret(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	for name, body := range map[string]map[string]string{
		"wrong secret": {"keyID": c.keyID, "secret": c.secret + "x"},
		"unknown key":  {"keyID": newUUID(), "secret": c.secret},
	} {
		r := c.must(http.StatusUnauthorized, http.MethodPost, "/auth", body)
		assert.Equal(t, "Unauthorized", r.message(t), name)
	}
}

func TestEndpointsNeedAValidBearerToken(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	good := c.token
	other, oc := loggedIn(t) // a token signed by another server
	_ = other
	for name, header := range map[string]string{
		"missing":   "",
		"malformed": "Bearer not-a-jwt",
		"no scheme": good,
		"foreign":   "Bearer " + oc.token,
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/customers", nil)
		require.NoError(t, err)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
	}
	c.must(http.StatusOK, http.MethodGet, "/customers", nil)

	srv.RevokeKey(c.keyID)
	c.must(http.StatusUnauthorized, http.MethodGet, "/customers", nil)
	c.must(http.StatusUnauthorized, http.MethodPost, "/auth", map[string]string{"keyID": c.keyID, "secret": c.secret})
}

func TestTokensExpire(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithTokenLifetime(10 * time.Minute))
		defer srv.Close()
		c := newMemClient(t, srv)
		c.login()
		time.Sleep(10*time.Minute - time.Second)
		c.must(http.StatusOK, http.MethodGet, "/products", nil)
		time.Sleep(time.Second)
		c.must(http.StatusUnauthorized, http.MethodGet, "/products", nil)
		c.login()
		c.must(http.StatusOK, http.MethodGet, "/products", nil)
	})
}

func TestMoreKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithCredentials("key-one", "secret-one"), WithCredentials("key-two", "secret-two"))
	keyID, secret := srv.Credentials()
	assert.Equal(t, "key-one", keyID)
	assert.Equal(t, "secret-one", secret)

	c := newClient(t, srv)
	c.keyID, c.secret = "key-two", "secret-two"
	c.login()
	c.keyID, c.secret = srv.NewKey()
	c.login()
	c.must(http.StatusOK, http.MethodGet, "/customers", nil)
	reqs := srv.Requests()
	assert.Equal(t, "key-two", reqs[0].KeyID)
	assert.Equal(t, c.keyID, reqs[2].KeyID)
}
