package phonelineplus

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorCategories(t *testing.T) {
	t.Parallel()
	all := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrBadRequest, ErrRateLimited,
		ErrServer, ErrEmailInUse, ErrNumberInFlight, ErrOutcomeUnknown, ErrValidation, ErrNetwork, ErrInvalidResponse}
	tests := []struct {
		status int
		body   string
		want   []error
	}{
		{401, `{"message":"Unauthorized"}`, []error{ErrUnauthorized}},
		{403, ``, []error{ErrForbidden}},
		{404, `not here`, []error{ErrNotFound}},
		{400, `{"message":"companyName is required"}`, []error{ErrBadRequest}},
		{409, `{"message":"Malformed request"}`, []error{ErrConflict}},
		{409, `{"message":"Email address a@example.com is already in use"}`, []error{ErrConflict, ErrEmailInUse}},
		{409, `"A user with this email already exists"`, []error{ErrConflict, ErrEmailInUse}},
		{409, `Number 441610000000 has an existing in-flight order and cannot currently have a change or terminate order`, []error{ErrConflict, ErrNumberInFlight}},
		{400, `{"error":"This number has an existing In-Flight Order"}`, []error{ErrBadRequest, ErrNumberInFlight}},
		{429, `{"message":"Too Many Requests"}`, []error{ErrRateLimited}},
		{500, `Timeout`, []error{ErrServer}},
		{503, `<html><body>Service Unavailable</body></html>`, []error{ErrServer}},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
		err := error(newAPIError("POST", "/customers", resp, []byte(tt.body), scrubber{}))
		for _, s := range all {
			want := false
			for _, w := range tt.want {
				want = want || w == s
			}
			assert.Equal(t, want, errors.Is(err, s), "%d %s is %v", tt.status, tt.body, s)
		}
	}
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-Request-Id": {"req-42"}, "Retry-After": {"5"}}
	e := newAPIError("GET", "/stats", &http.Response{StatusCode: 503, Header: h},
		[]byte("<html><title>Bad gateway</title></html>"), scrubber{})
	assert.Equal(t, "phonelineplus: GET /stats: 503 Service Unavailable (request req-42)", e.Error())
	assert.Equal(t, "req-42", e.RequestID)
	assert.EqualValues(t, 5e9, e.RetryAfter)

	long := newAPIError("GET", "/x", &http.Response{StatusCode: 400, Header: http.Header{}},
		[]byte("line one\r\nInjected: log line\x00"+strings.Repeat("é", 400)), scrubber{})
	assert.NotContains(t, long.Error(), "\n")
	assert.NotContains(t, long.Error(), "\x00")
	assert.LessOrEqual(t, len(long.Message), maxMessageLen+len("…"))
}

func TestValidationError(t *testing.T) {
	t.Parallel()
	err := error(invalid("address.postcode", "is not a UK postcode"))
	assert.EqualError(t, err, "phonelineplus: invalid address.postcode: is not a UK postcode")
	assert.ErrorIs(t, err, ErrValidation)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "address.postcode", ve.Field)
}

// TestErrorStringsSayThingsOnce: one prefix, one method and path, the
// cause once.
func TestErrorStringsSayThingsOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusInternalServerError, `{"message":"Timeout"}`)
	})
	e.mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"customerID":`)
	})
	_, err := e.client.Customers.Create(t.Context(), validCustomerCreate())
	assert.EqualError(t, err, "phonelineplus: POST /customers: outcome unknown (the request may have taken effect; look it up before retrying): 500 Internal Server Error: Timeout")
	_, err = e.client.Customers.Get(t.Context(), "c1")
	assert.EqualError(t, err, "phonelineplus: GET /customers/c1: invalid response: unexpected end of JSON input")

	down := newTestClient(t, "http://127.0.0.1:1"+testPrefix, WithTokenSource(staticTokens{Token{AccessToken: NewSecret(testToken)}}))
	err = down.Do(t.Context(), http.MethodGet, "/stats", nil, nil)
	require.ErrorIs(t, err, ErrNetwork)
	assert.Equal(t, "phonelineplus: GET /stats: network error: dial tcp 127.0.0.1:1: connect: connection refused", err.Error(),
		"net/http's method and URL are not repeated")
}
