package phonelineplus

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const (
	// testPrefix mounts the API under a non-empty path, so a method that
	// builds an absolute path instead of a relative one fails.
	testPrefix = "/partner/v1"
	testKeyID  = "00000000-0000-4000-8000-00000000abcd"
	testSecret = "s3cr3t-PLACEHOLDER-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"
	testToken  = "test-access-token-9f8e7d6c5b4a"
)

// env is one test's API: an httptest server with a fake /auth and the
// test's handlers on mux, and a client pointed at it.
type env struct {
	client *Client
	mux    *http.ServeMux // API handlers, paths relative to the base URL
	url    string         // the base URL
	hits   atomic.Int64   // requests to the API, /auth excluded
	auths  atomic.Int64   // /auth exchanges
}

// setup starts a server and a client with an infinite limiter and no
// retries; opts come after those defaults and may override them.
func setup(t *testing.T, opts ...Option) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux()}
	srv := httptest.NewServer(e.root())
	t.Cleanup(srv.Close)
	e.url = srv.URL + testPrefix
	e.client = newTestClient(t, e.url, opts...)
	return e
}

// setupMem is setup without the network: the client's transport calls the
// handlers directly, so it works inside a testing/synctest bubble, where
// every wait is virtual.
func setupMem(t *testing.T, opts ...Option) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux(), url: "http://127.0.0.1" + testPrefix}
	hc := &http.Client{Transport: handlerTransport{e.root()}}
	e.client = newTestClient(t, e.url, append([]Option{WithHTTPClient(hc)}, opts...)...)
	return e
}

func newTestClient(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(url), WithLimiter(rate.NewLimiter(rate.Inf, 1)), WithMaxRetries(0)}
	c, err := New(testKeyID, testSecret, append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// handlerTransport serves requests with a handler, in the caller's goroutine.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// roundTripFunc is a transport scripted by a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// root is the server side: a fake /auth and the test's API handlers.
func (e *env) root() http.Handler {
	root := http.NewServeMux()
	root.HandleFunc("POST "+testPrefix+"/auth", func(w http.ResponseWriter, r *http.Request) {
		e.auths.Add(1)
		var req authRequest
		if json.NewDecoder(r.Body).Decode(&req) != nil || req.KeyID != testKeyID || req.Secret != testSecret {
			writeJSON(w, http.StatusUnauthorized, `{"message":"Unauthorized"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"access_token":"`+testToken+`","expires":`+jsonInt(time.Now().Add(time.Hour).Unix())+`}`)
	})
	root.Handle(testPrefix+"/", http.StripPrefix(testPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSON(w, http.StatusUnauthorized, `{"message":"Unauthorized"}`)
			return
		}
		e.mux.ServeHTTP(w, r)
	})))
	return root
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// golden returns testdata/name.
func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(t, err)
	return b
}

// assertBody checks that r's body equals the golden file, as JSON.
func assertBody(t *testing.T, r *http.Request, goldenName string) {
	t.Helper()
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, string(golden(t, goldenName)), string(got))
}

// assertNothingSent checks that err is a *ValidationError for field and that
// no request reached the API.
func (e *env) assertNothingSent(t *testing.T, err error, field string) {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, field, ve.Field)
	assert.Zero(t, e.hits.Load(), "requests sent")
	assert.Zero(t, e.auths.Load(), "token exchanges")
}

func readAll(r *http.Request) ([]byte, error) { return io.ReadAll(r.Body) }

// jsonResponse is a scripted transport's reply.
func jsonResponse(r *http.Request, status int, body string) *http.Response {
	rec := httptest.NewRecorder()
	writeJSON(rec, status, body)
	resp := rec.Result()
	resp.Request = r
	return resp
}
