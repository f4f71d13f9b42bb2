package phonelineplus

import (
	"encoding/json"
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
	require.Len(t, got, 2)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000d1", got[0].ID)
	assert.Equal(t, Address{Premises: "Unit 1", Street: "Example Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M11AA"}, got[0].Address)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000d2", got[1].ID)
	assert.Equal(t, Address{Premises: "Unit 2", Street: "Example Street", Town: "Manchester", Postcode: "M11AA"}, got[1].Address)
	assert.JSONEq(t, `{"ID": "00000000-0000-4000-8000-0000000000d2", "premises": "Unit 2", "street": "Example Street", "town": "Manchester", "postcode": "M11AA"}`, string(got[1].Raw))

	var one AddressMatch
	require.NoError(t, json.Unmarshal([]byte(`{"ID":"a1","premises":"1","uprn":"100023336956"}`), &one))
	assert.Equal(t, "a1", one.ID)
	assert.Equal(t, "1", one.Premises)
	assert.Contains(t, string(one.Raw), "uprn", "a field the SDK does not model is kept in Raw")

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
