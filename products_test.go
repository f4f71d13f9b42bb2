package phonelineplus

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProductsList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(w, http.StatusOK, string(golden(t, "products/list.response.json")))
	})
	got, err := e.client.Products.List(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000a1", got[0].ID)
	assert.Equal(t, "W73P", got[0].SKU)
	assert.Equal(t, "Yealink W73P DECT Phone", got[0].Name)
	assert.Equal(t, "Yealink", got[0].Make)
	assert.Equal(t, "DECT", got[0].Category)
	assert.Equal(t, "89.00", got[0].UnitCost)
	assert.Equal(t, "SPA112", got[1].SKU)
	assert.Equal(t, "45.5", got[1].UnitCost, "a numeric unitCost is kept as text")
	assert.Contains(t, string(got[1].Raw), `"stock": 12`, "unknown fields are kept")
}

func TestProductsListError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"message":"Products are not enabled for this partner"}`)
	})
	_, err := e.client.Products.List(t.Context())
	assert.ErrorIs(t, err, ErrForbidden)
	assert.EqualError(t, err, "phonelineplus: GET /products: 403 Forbidden: Products are not enabled for this partner")
}

func TestProductsListBadUnitCost(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":[{"ID":"p1","unitCost":{"amount":1}}]}`)
	})
	_, err := e.client.Products.List(t.Context())
	assert.ErrorIs(t, err, ErrInvalidResponse)
}
