package phonelineplus

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ordersTestCustomerID = "00000000-0000-4000-8000-000000000001"
	ordersTestProductID  = "00000000-0000-4000-8000-0000000000a1"
)

// validOrderCreate builds the request whose body is the real client's
// vector, testdata/orders/create.request.json.
func validOrderCreate() OrderCreateRequest {
	return OrderCreateRequest{
		DeliveryAddress: DeliveryAddress{
			Line1: "Apartment 9", Line2: "1 Example Road", Line3: "Swinton",
			Town: "Manchester", County: "Greater Manchester", Country: "United Kingdom", Postcode: "m1 1aa",
		},
		Products:      []OrderItem{{ID: ordersTestProductID, Quantity: 1}},
		Name:          " Alex Example ",
		Email:         "delivery@example.com",
		PhoneNumber:   "+44 7700 900003",
		TrackingEmail: "delivery@example.com",
		Devices:       []OrderItem{{ID: ordersTestProductID, Quantity: 1}},
		SKUToUserMapping: map[string][]SKUUser{
			"W73P": {{UserID: "00000000-0000-4000-8000-000000000002"}},
		},
	}
}

func TestOrdersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/"+ordersTestCustomerID+"/orders", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "orders/create.request.json")
		writeJSON(w, http.StatusCreated, string(golden(t, "orders/create.response.json")))
	})
	got, err := e.client.Orders.Create(t.Context(), ordersTestCustomerID, validOrderCreate())
	require.NoError(t, err)
	assert.Equal(t, "<id>", got.ID)
	assert.Equal(t, "<order-ref>", got.OrderNumber)
	assert.Equal(t, "<timestamp>", got.Created)
	require.Len(t, got.Products, 1)
	assert.Equal(t, OrderedProduct{Category: "<category>", Make: "Yealink", Name: "<product name>", UnitCost: "<cost>"}, got.Products[0])
	assert.JSONEq(t, string(golden(t, "orders/create.response.json")), string(got.Raw))
}

func TestOrdersCreateMinimal(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/orders", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "orders/create_minimal.request.json")
		writeJSON(w, http.StatusCreated, `{"id":"o1","status":"placed"}`)
	})
	got, err := e.client.Orders.Create(t.Context(), "c1", OrderCreateRequest{
		DeliveryAddress: DeliveryAddress{Line1: "1 Example Road", Line2: " ", Town: "London", Postcode: "SW1A 1AA"},
		Products:        []OrderItem{{ID: "p1", Quantity: 2}},
		Name:            "Sam Example",
		Email:           "sam@example.com",
		PhoneNumber:     "0161 000 0000",
	})
	require.NoError(t, err)
	assert.Equal(t, "o1", got.ID)
	assert.Equal(t, OrderPlaced, got.Status)
}

func TestOrdersCreateOutcomeUnknown(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(3))
	e.mux.HandleFunc("POST /customers/c1/orders", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "Timeout")
	})
	_, err := e.client.Orders.Create(t.Context(), "c1", validOrderCreate())
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, int64(1), e.hits.Load(), "a POST is never re-sent")
}

func TestOrdersCreateRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(3))
	e.mux.HandleFunc("POST /customers/c1/orders", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusTemporaryRedirect)
	})
	e.mux.HandleFunc("POST /customers/c1/orders/", func(w http.ResponseWriter, r *http.Request) {
		t.Error("the redirect was followed")
	})
	_, err := e.client.Orders.Create(t.Context(), "c1", validOrderCreate())
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.Equal(t, int64(1), e.hits.Load())
}

func TestOrdersCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*OrderCreateRequest)
		field  string
	}{
		{"no line1", func(r *OrderCreateRequest) { r.DeliveryAddress.Line1 = " " }, "deliveryAddress.line1"},
		{"CRLF in line2", func(r *OrderCreateRequest) { r.DeliveryAddress.Line2 = "a\r\nb" }, "deliveryAddress.line2"},
		{"no town", func(r *OrderCreateRequest) { r.DeliveryAddress.Town = "" }, "deliveryAddress.town"},
		{"bad postcode", func(r *OrderCreateRequest) { r.DeliveryAddress.Postcode = "12345" }, "deliveryAddress.postcode"},
		{"no postcode", func(r *OrderCreateRequest) { r.DeliveryAddress.Postcode = "" }, "deliveryAddress.postcode"},
		{"no products", func(r *OrderCreateRequest) { r.Products = nil }, "products"},
		{"empty product ID", func(r *OrderCreateRequest) { r.Products[0].ID = "" }, "products[0].ID"},
		{"product ID with a slash", func(r *OrderCreateRequest) { r.Products[0].ID = "../x" }, "products[0].ID"},
		{"zero quantity", func(r *OrderCreateRequest) { r.Products[0].Quantity = 0 }, "products[0].quantity"},
		{"second item negative", func(r *OrderCreateRequest) {
			r.Products = append(r.Products, OrderItem{ID: "p2", Quantity: -1})
		}, "products[1].quantity"},
		{"no name", func(r *OrderCreateRequest) { r.Name = "" }, "name"},
		{"bad email", func(r *OrderCreateRequest) { r.Email = "delivery.example.com" }, "email"},
		{"phone not UK", func(r *OrderCreateRequest) { r.PhoneNumber = "+1 202 555 0100" }, "phoneNumber"},
		{"bad tracking email", func(r *OrderCreateRequest) { r.TrackingEmail = "x@" }, "trackingEmail"},
		{"bad device ID", func(r *OrderCreateRequest) { r.Devices[0].ID = "a?b" }, "devices[0].ID"},
		{"zero device quantity", func(r *OrderCreateRequest) { r.Devices[0].Quantity = 0 }, "devices[0].quantity"},
		{"empty SKU", func(r *OrderCreateRequest) { r.SKUToUserMapping[""] = []SKUUser{{UserID: "u1"}} }, "skuToUserMapping"},
		{"SKU with a space", func(r *OrderCreateRequest) { r.SKUToUserMapping["W73P X"] = nil }, "skuToUserMapping"},
		{"bad user ID", func(r *OrderCreateRequest) {
			r.SKUToUserMapping["W73P"] = append(r.SKUToUserMapping["W73P"], SKUUser{UserID: "a/b"})
		}, "skuToUserMapping.W73P[1].userID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			req := validOrderCreate()
			tt.modify(&req)
			_, err := e.client.Orders.Create(t.Context(), ordersTestCustomerID, req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestOrdersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers/c1/orders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(golden(t, "orders/list.response.json")))
	})
	got, err := e.client.Orders.List(t.Context(), "c1")
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000c1", got[0].ID)
	assert.Equal(t, ordersTestCustomerID, got[0].CustomerID)
	assert.Equal(t, "2026-01-02T03:04:05Z", got[0].Created)
	assert.Equal(t, OrderPlaced, got[0].Status)
	assert.Equal(t, []OrderedProduct{{
		ID: ordersTestProductID, SKU: "W73P", Category: "DECT", Make: "Yealink",
		Name: "Yealink W73P DECT Phone", UnitCost: "89.00", Quantity: 2,
	}}, got[0].Products)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000c2", got[1].ID, `"id" is accepted`)
	assert.Equal(t, "45.5", got[1].Products[0].UnitCost, "a numeric unitCost is kept as text")
	assert.Equal(t, "00000000-0000-4000-8000-0000000000c3", got[2].ID, `"ID" is accepted`)
	assert.Contains(t, string(got[2].Raw), `"ORD-0003"`)

	_, err = e.client.Orders.List(t.Context(), "missing")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestOrdersListAll(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(w, http.StatusOK, `{"data":[],"count":0}`)
	})
	got, err := e.client.Orders.ListAll(t.Context())
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

func TestOrdersBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", "..", "a/b", "a?b", "a%2Fb"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Orders.List(t.Context(), id)
			e.assertNothingSent(t, err, "customerID")
			_, err = e.client.Orders.Create(t.Context(), id, validOrderCreate())
			e.assertNothingSent(t, err, "customerID")
		})
	}
}
