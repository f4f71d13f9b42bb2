package phonelineplus

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoReachesAnyPath(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/suspend", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "now", r.URL.Query().Get("when"))
		body, _ := readAll(r)
		assert.JSONEq(t, `{"reason":"unpaid"}`, string(body))
		writeJSON(w, http.StatusOK, `{"status":"suspended","extra":[1,2]}`)
	})
	var out json.RawMessage
	err := e.client.Do(t.Context(), http.MethodPost, "/customers/c1/suspend?when=now", map[string]string{"reason": "unpaid"}, &out)
	require.NoError(t, err)
	assert.JSONEq(t, `{"status":"suspended","extra":[1,2]}`, string(out))
}

func TestDoRejectsBadPaths(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "customers", "//evil.example.com/x", "https://evil.example.com/", "/a/../auth", "/a/./b", "/a#frag", "/a b", "/a\r\nb", `/a\b`} {
		e := setup(t)
		err := e.client.Do(t.Context(), http.MethodGet, p, nil, nil)
		e.assertNothingSent(t, err, "path")
	}
	e := setup(t)
	err := e.client.Do(t.Context(), "get", "/stats", nil, nil)
	e.assertNothingSent(t, err, "method")
}

func TestEmptySuccessBodyDecodesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("DELETE /x", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	e.mux.HandleFunc("PUT /x", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	out := map[string]any{"kept": true}
	require.NoError(t, e.client.Do(t.Context(), http.MethodDelete, "/x", nil, &out))
	require.NoError(t, e.client.Do(t.Context(), http.MethodPut, "/x", struct{}{}, &out))
	assert.Equal(t, map[string]any{"kept": true}, out)
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	lim := &countingLimiter{}
	e := setup(t, WithLimiter(lim))
	e.mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testPrefix+"/new", http.StatusFound)
	})
	e.mux.HandleFunc("GET /new", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, `{"ok":true}`) })
	e.mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testPrefix+"/new", http.StatusTemporaryRedirect)
	})
	e.mux.HandleFunc("GET /loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testPrefix+"/loop", http.StatusFound)
	})

	var out struct{ OK bool }
	require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/old", nil, &out))
	assert.True(t, out.OK)
	assert.Equal(t, int64(3), lim.waits.Load(), "the exchange, the request and the redirect hop each wait")

	err := e.client.Do(t.Context(), http.MethodPost, "/orders", struct{}{}, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "a POST does not follow redirects")
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)

	e.mux.HandleFunc("POST /made", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testPrefix+"/new", http.StatusSeeOther)
	})
	err = e.client.Do(t.Context(), http.MethodPost, "/made", struct{}{}, nil)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "a 303 points at what the POST created")

	hits := e.hits.Load()
	err = e.client.Do(t.Context(), http.MethodGet, "/loop", nil, nil)
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.Equal(t, int64(10), e.hits.Load()-hits, "the loop is cut after 10 redirects and not retried")
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxResponseBytes(256), WithMaxRetries(3))
	e.mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":"`+strings.Repeat("x", 1000)+`"}`)
	})
	err := e.client.Do(t.Context(), http.MethodGet, "/big", nil, nil)
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.Equal(t, int64(1), e.hits.Load(), "not retried")
}

func TestLogsOneLinePerAttemptWithoutSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := setup(t, WithLogger(logger))
	e.mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"Email address contact@example.com is already in use"}`)
	})
	_, err := e.client.Customers.Create(t.Context(), validCustomerCreate())
	require.ErrorIs(t, err, ErrEmailInUse)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, "the exchange and the create")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &rec))
	assert.Equal(t, "Customers.Create", rec["op"])
	assert.Equal(t, "POST", rec["method"])
	assert.Equal(t, "/customers", rec["path"])
	assert.EqualValues(t, 409, rec["status"])
	assert.EqualValues(t, 1, rec["attempt"])
	assert.Contains(t, rec, "duration")
	assert.Contains(t, rec, "limiter_wait")
	assert.NotContains(t, buf.String(), testSecret)
	assert.NotContains(t, buf.String(), testToken)
	assert.NotContains(t, buf.String(), "Bearer")
}

// TestRedirectsKeepCredentialsAtTheOrigin: a hop to another scheme, host
// or port loses the token; https to http is refused; /auth never moves.
func TestRedirectsKeepCredentialsAtTheOrigin(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Value // the Authorization the other origin saw
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Store(r.Header.Get("Authorization") + "|")
		writeJSON(w, http.StatusOK, `{}`)
	}))
	defer other.Close()

	e := setup(t)
	e.mux.HandleFunc("GET /to-port", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound) // same host, another port
	})
	require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/to-port", nil, nil))
	assert.Equal(t, "|", elsewhere.Load(), "no Authorization at another port")

	// https to http: refused, not followed.
	tlsSrv := httptest.NewTLSServer(e.root())
	defer tlsSrv.Close()
	e.mux.HandleFunc("GET /to-http", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/y", http.StatusFound)
	})
	c := newTestClient(t, tlsSrv.URL+testPrefix, WithHTTPClient(tlsSrv.Client()))
	elsewhere.Store("")
	err := c.Do(t.Context(), http.MethodGet, "/to-http", nil, nil)
	require.ErrorIs(t, err, ErrInvalidResponse)
	assert.Contains(t, err.Error(), "refused a redirect from https to plain http")
	assert.Equal(t, "", elsewhere.Load(), "never sent")

	// /auth is never redirected.
	moved := http.NewServeMux()
	moved.HandleFunc("POST "+testPrefix+"/auth", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/auth", http.StatusTemporaryRedirect)
	})
	authSrv := httptest.NewServer(moved)
	defer authSrv.Close()
	elsewhere.Store("")
	err = newTestClient(t, authSrv.URL+testPrefix).Do(t.Context(), http.MethodGet, "/stats", nil, nil)
	require.Error(t, err)
	assert.Equal(t, "", elsewhere.Load(), "the key and secret went nowhere else")
}
