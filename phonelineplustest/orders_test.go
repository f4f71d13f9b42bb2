package phonelineplustest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func orderBody(productID, sku, userID string) map[string]any {
	b := map[string]any{
		"deliveryAddress": map[string]any{"line1": "Apartment 9", "town": "Manchester", "postcode": "M11AA"},
		"products":        []any{map[string]any{"ID": productID, "quantity": 1}},
		"name":            "Alex Example", "email": "delivery@example.com", "phoneNumber": "07700900003",
	}
	if sku != "" {
		b["skuToUserMapping"] = map[string]any{sku: []any{map[string]any{"userID": userID}}}
	}
	return b
}

func TestOrders(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust := c.createCustomer()
	id, userID := cust["customerID"].(string), cust["userID"].(string)
	w73p, ok := srv.Product("W73P")
	require.True(t, ok)

	products := c.must(http.StatusOK, http.MethodGet, "/products", nil).items(t)
	skus := map[string]bool{}
	for _, p := range products {
		skus[p["sku"].(string)] = true
	}
	assert.Equal(t, map[string]bool{"T46S": true, "W73P": true, "W56H": true, "SPA112": true}, skus)

	o := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/orders", orderBody(w73p.ID, "W73P", userID)).obj(t)
	assert.NotEmpty(t, o["orderID"])
	assert.NotEmpty(t, o["orderNumber"])
	assert.Equal(t, "placed", o["status"])
	_, err := time.Parse(time.RFC3339, o["created"].(string))
	assert.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"ID": w73p.ID, "sku": "W73P", "category": w73p.Category,
		"make": "Yealink", "name": w73p.Name, "unitCost": w73p.UnitCost, "quantity": float64(1)}}, o["products"])

	assert.Len(t, c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/orders", nil).items(t), 1)
	other := c.createCustomer()["customerID"].(string)
	assert.Empty(t, c.must(http.StatusOK, http.MethodGet, "/customers/"+other+"/orders", nil).items(t))
	assert.Len(t, c.must(http.StatusOK, http.MethodGet, "/orders", nil).items(t), 1)
	assert.Equal(t, map[string][]string{"W73P": {userID}}, srv.Orders()[0].SKUToUserMapping)
}

func TestOrdersMustReferenceKnownProductsAndUsers(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust, other := c.createCustomer(), c.createCustomer()
	id, userID := cust["customerID"].(string), cust["userID"].(string)
	w73p, _ := srv.Product("W73P")
	path := "/customers/" + id + "/orders"

	r := c.must(http.StatusBadRequest, http.MethodPost, path, orderBody(newUUID(), "", ""))
	assert.Contains(t, r.message(t), "products[0].ID")
	r = c.must(http.StatusBadRequest, http.MethodPost, path, orderBody(w73p.ID, "W73P", other["userID"].(string)))
	assert.Contains(t, r.message(t), "skuToUserMapping")
	c.must(http.StatusBadRequest, http.MethodPost, path, orderBody(w73p.ID, "T46S", userID))
	noProducts := orderBody(w73p.ID, "", "")
	delete(noProducts, "products")
	r = c.must(http.StatusBadRequest, http.MethodPost, path, noProducts)
	assert.Contains(t, r.message(t), "products")
	assert.Empty(t, srv.Orders())
}
