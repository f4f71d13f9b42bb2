package phonelineplustest

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimitIsAStrictRollingWindow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithRateLimit(3))
		defer srv.Close()
		c := newMemClient(t, srv)
		c.login() // t=0s, counts
		time.Sleep(10 * time.Second)
		c.must(http.StatusOK, http.MethodGet, "/products", nil) // t=10s
		time.Sleep(10 * time.Second)
		c.must(http.StatusOK, http.MethodGet, "/products", nil) // t=20s

		time.Sleep(25*time.Second + 500*time.Millisecond) // t=45.5s: the window is full
		r := c.must(http.StatusTooManyRequests, http.MethodGet, "/products", nil)
		assert.Equal(t, "Too Many Requests", r.message(t))
		assert.Equal(t, "15", r.header.Get("Retry-After"), "14.5s until the t=0 request leaves, rounded up")

		// Rejected requests spend nothing: the slot frees exactly at t=60s.
		time.Sleep(14*time.Second + 499*time.Millisecond)
		c.must(http.StatusTooManyRequests, http.MethodGet, "/products", nil)
		time.Sleep(time.Millisecond)
		c.must(http.StatusOK, http.MethodGet, "/products", nil) // t=60s
		r = c.must(http.StatusTooManyRequests, http.MethodGet, "/products", nil)
		assert.Equal(t, "10", r.header.Get("Retry-After"), "the t=10s request leaves at t=70s")
	})
}

func TestRateLimitIsPerKeyAndCountsAuth(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithRateLimit(2))
	a := newClient(t, srv)
	// A failed /auth is attributed to the key in its body and counts.
	a.must(http.StatusUnauthorized, http.MethodPost, "/auth", map[string]string{"keyID": a.keyID, "secret": "wrong"})
	a.login()
	a.must(http.StatusTooManyRequests, http.MethodGet, "/products", nil)
	a.must(http.StatusTooManyRequests, http.MethodPost, "/auth", map[string]string{"keyID": a.keyID, "secret": a.secret})

	b := newClient(t, srv)
	b.keyID, b.secret = srv.NewKey()
	b.login()
	b.must(http.StatusOK, http.MethodGet, "/products", nil)
}

func TestRateLimitIgnoresUnattributedRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithRateLimit(2))
	c := newClient(t, srv)
	for range 5 {
		c.must(http.StatusUnauthorized, http.MethodGet, "/products", nil) // no token
		c.must(http.StatusUnauthorized, http.MethodPost, "/auth", map[string]string{"keyID": newUUID(), "secret": "x"})
	}
	c.login()
	c.must(http.StatusOK, http.MethodGet, "/products", nil)
	for _, r := range srv.Requests()[:10] {
		assert.Empty(t, r.KeyID)
	}
}

func TestRateLimitDefaultsTo100AndCanBeDisabled(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	for range 99 {
		c.must(http.StatusOK, http.MethodGet, "/stats", nil)
	}
	c.must(http.StatusTooManyRequests, http.MethodGet, "/stats", nil)

	_, c = loggedIn(t, WithRateLimit(0))
	for range 150 {
		r := c.call(http.MethodGet, "/stats", nil)
		require.Equal(t, http.StatusOK, r.status)
	}
}
