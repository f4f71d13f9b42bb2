package phonelineplus

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatsGet(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(w, http.StatusOK, string(golden(t, "stats/get.response.json")))
	})
	got, err := e.client.Stats.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 3, got.Customers)
	assert.Equal(t, 12, got.Users)
	assert.Equal(t, 15, got.Numbers)
	assert.Equal(t, 4, got.Orders)
	assert.JSONEq(t, string(golden(t, "stats/get.response.json")), string(got.Raw))
}

func TestStatsGetOtherShape(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := `{"customers":"3","users":{"active":10,"pending":2},"numbers":15,"devices":7}`
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, body)
	})
	got, err := e.client.Stats.Get(t.Context())
	require.NoError(t, err, "an unexpected shape does not fail the call")
	assert.Zero(t, got.Customers)
	assert.Zero(t, got.Users)
	assert.Equal(t, 15, got.Numbers)
	assert.Zero(t, got.Orders)
	assert.JSONEq(t, body, string(got.Raw))
}

func TestStatsGetError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, `{"message":"try later"}`)
	})
	_, err := e.client.Stats.Get(t.Context())
	assert.ErrorIs(t, err, ErrServer)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a GET has no unknown outcome")

	e2 := setup(t)
	e2.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `[1,2]`)
	})
	_, err = e2.client.Stats.Get(t.Context())
	assert.ErrorIs(t, err, ErrInvalidResponse)
}
