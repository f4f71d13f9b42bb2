package phonelineplus

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddressesLookup(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /addresses", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "postcode=M11AA" {
			writeJSON(w, http.StatusNotFound, `{"message":"No addresses found"}`)
			return
		}
		writeJSON(w, http.StatusOK, string(golden(t, "addresses/lookup.response.json")))
	})
	got, err := e.client.Addresses.Lookup(t.Context(), " m1 1aa ")
	require.NoError(t, err)
	assert.Equal(t, []Address{
		{Premises: "Unit 1", Street: "Example Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M11AA"},
		{Premises: "Unit 2", Street: "Example Street", Town: "Manchester", Postcode: "M11AA"},
	}, got)

	_, err = e.client.Addresses.Lookup(t.Context(), "SW1A 1AA")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/addresses", apiErr.Path)
}

func TestAddressesLookupValidation(t *testing.T) {
	t.Parallel()
	for _, pc := range []string{"", "  ", "12345", "M1 1AA&x=1", "M1\n1AA"} {
		t.Run(pc, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Addresses.Lookup(t.Context(), pc)
			e.assertNothingSent(t, err, "postcode")
		})
	}
}
