package phonelineplus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithResponseIntoFillsMetadata(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", "97")
		w.Header().Set("X-RateLimit-Reset", "30")
		w.Write([]byte(`{}`))
	})
	var resp Response
	before := time.Now()
	_, err := e.client.Stats.Get(t.Context(), WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "req-42", resp.RequestID)
	assert.Equal(t, "req-42", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, e.url+"/stats", resp.URL)
	assert.True(t, resp.RateLimit.Present)
	assert.Equal(t, 100, resp.RateLimit.Limit)
	assert.Equal(t, 97, resp.RateLimit.Remaining)
	assert.WithinDuration(t, before.Add(30*time.Second), resp.RateLimit.Reset, 5*time.Second)
}

func TestWithResponseIntoOnFailureAndAPIErrorAttempts(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(2), WithMaxRetryWait(time.Second))
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-503")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	var resp Response
	_, err := e.client.Stats.Get(t.Context(), WithResponseInto(&resp))
	require.ErrorIs(t, err, ErrServer)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, "req-503", apiErr.RequestID)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

func TestWithCallRetriesOverridesTheClient(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(0), WithMaxRetryWait(time.Second))
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusBadGateway)
	})
	_, err := e.client.Stats.Get(t.Context(), WithCallRetries(2))
	require.ErrorIs(t, err, ErrServer)
	assert.Equal(t, int64(3), e.hits.Load())
}

func TestWithHeader(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var got http.Header
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`{}`))
	})
	_, err := e.client.Stats.Get(t.Context(), WithHeader("x-correlation-id", "abc-1"))
	require.NoError(t, err)
	assert.Equal(t, "abc-1", got.Get("X-Correlation-Id"))
	assert.Equal(t, "Bearer "+testToken, got.Get("Authorization"))

	for _, h := range []struct{ k, v string }{
		{"Authorization", "Bearer stolen"}, {"content-type", "text/plain"}, {"Host", "evil.example"},
		{"Transfer-Encoding", "chunked"}, {"Connection", "close"}, {"Content-Length", "1"},
		{"X-Ok", "line\r\nInjected: 1"}, {"Bad Name", "v"}, {"", "v"}, {"X:y", "v"},
	} {
		err := e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil, WithHeader(h.k, h.v))
		assert.ErrorIs(t, err, ErrValidation, "%q: %q", h.k, h.v)
	}
	assert.Equal(t, int64(1), e.hits.Load(), "a refused header sends nothing")
}

func TestBadCallOptionsSendNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.Stats.Get(t.Context(), WithResponseInto(nil))
	assert.ErrorIs(t, err, ErrValidation)
	_, err = e.client.Stats.Get(t.Context(), WithCallRetries(-1))
	assert.ErrorIs(t, err, ErrValidation)
	assert.Zero(t, e.hits.Load())
	assert.Zero(t, e.auths.Load())
}

func TestCategoryOf(t *testing.T) {
	t.Parallel()
	conflict := &APIError{StatusCode: http.StatusConflict, Message: "Email address already in use"}
	server := &APIError{StatusCode: http.StatusInternalServerError, Message: "Timeout"}
	for _, tc := range []struct {
		err  error
		want ErrorCategory
	}{
		{nil, CategoryNone},
		{invalid("email", "bad"), CategoryValidation},
		{conflict, CategoryEmailInUse},
		{&APIError{StatusCode: http.StatusConflict}, CategoryConflict},
		{&APIError{StatusCode: http.StatusBadRequest, Message: "existing in-flight order"}, CategoryNumberInFlight},
		{&callError{method: "POST", path: "/customers", kind: ErrOutcomeUnknown, cause: server}, CategoryOutcomeUnknown},
		{server, CategoryServer},
		{&APIError{StatusCode: http.StatusTooManyRequests}, CategoryRateLimited},
		{&APIError{StatusCode: http.StatusNotFound}, CategoryNotFound},
		{fmt.Errorf("wrapped: %w", ErrAmbiguous), CategoryAmbiguous},
		{fmt.Errorf("wrapped: %w", ErrNeedsVerification), CategoryNeedsVerification},
		{&callError{method: "GET", path: "/x", kind: ErrNetwork, cause: errors.New("reset")}, CategoryNetwork},
		{fmt.Errorf("x: %w", errors.Join(errors.New("a"), context.Canceled)), CategoryCanceled},
		{errors.New("something else"), CategoryOther},
	} {
		assert.Equal(t, tc.want, CategoryOf(tc.err), "%v", tc.err)
		assert.False(t, strings.ContainsAny(string(tc.want), " A-Z"))
	}
}
