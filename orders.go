package phonelineplus

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Order paths, relative to the base URL. Only POST
// /customers/{customerID}/orders is observed in a real client; the others
// are inferred.
const (
	pathCustomerOrders = "/customers/{customerID}/orders"
	pathOrders         = "/orders"
)

// OrdersService handles hardware orders. Use it as Client.Orders.
type OrdersService service

// OrderStatus is an order's status.
type OrderStatus string

// OrderPlaced is the status of a new order; other values are not public.
const OrderPlaced OrderStatus = "placed"

// DeliveryAddress is where an order is shipped. It is not an Address: the
// API uses numbered lines here.
type DeliveryAddress struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitzero"`
	Line3    string `json:"line3,omitzero"`
	Town     string `json:"town"`
	County   string `json:"county,omitzero"`
	Country  string `json:"country,omitzero"` // empty is sent as "United Kingdom", as a real client always does
	Postcode string `json:"postcode"`         // sent upper case without spaces: "M11AA"
}

// defaultCountry is the country an order is sent with when the caller
// leaves DeliveryAddress.Country empty.
const defaultCountry = "United Kingdom"

// normalize checks a delivery address; prefix is its JSON path.
func (a DeliveryAddress) normalize(prefix string, c *checker) DeliveryAddress {
	c.nested(prefix, func() {
		c.check("line1", &a.Line1, requiredText)
		c.optional("line2", &a.Line2, requiredText)
		c.optional("line3", &a.Line3, requiredText)
		c.check("town", &a.Town, requiredText)
		c.optional("county", &a.County, requiredText)
		c.optional("country", &a.Country, requiredText)
		a.Country = cmp.Or(a.Country, defaultCountry)
		c.check("postcode", &a.Postcode, postcode)
	})
	return a
}

// OrderItem is one line of an order: a product from Products.List and how
// many of it.
type OrderItem struct {
	ID       string `json:"ID"` // the product's ID, not its SKU
	Quantity int    `json:"quantity"`
}

// SKUUser names a user of the ordering customer who gets one of the
// shipped devices.
type SKUUser struct {
	UserID string `json:"userID"`
}

// OrderCreateRequest is the body of Orders.Create. Name, Email and
// PhoneNumber are the delivery contact.
type OrderCreateRequest struct {
	DeliveryAddress DeliveryAddress `json:"deliveryAddress"`
	Products        []OrderItem     `json:"products"` // at least one
	Name            string          `json:"name"`
	Email           string          `json:"email"`
	PhoneNumber     string          `json:"phoneNumber"`            // any UK form; sent as 0…
	TrackingEmail   string          `json:"trackingEmail,omitzero"` // a real client defaults it to Email
	Devices         []OrderItem     `json:"devices,omitzero"`       // sent by a real client; possibly undocumented
	// SKUToUserMapping assigns shipped devices to users: each key is a
	// product's SKU code ("W73P"), not its ID.
	SKUToUserMapping map[string][]SKUUser `json:"skuToUserMapping,omitzero"`
}

func (r OrderCreateRequest) normalize() (OrderCreateRequest, error) {
	var c checker
	r.DeliveryAddress = r.DeliveryAddress.normalize("deliveryAddress", &c)
	if len(r.Products) == 0 {
		c.fail(invalid("products", "needs at least one product"))
	}
	checkOrderItems("products", r.Products, &c)
	c.check("name", &r.Name, requiredText)
	c.check("email", &r.Email, email)
	c.check("phoneNumber", &r.PhoneNumber, nationalNumber)
	c.optional("trackingEmail", &r.TrackingEmail, email)
	checkOrderItems("devices", r.Devices, &c)
	for _, sku := range slices.Sorted(maps.Keys(r.SKUToUserMapping)) {
		if !isSKU(sku) {
			c.fail(invalid("skuToUserMapping", "has a key that is not a SKU code (letters, digits, '-' and '_')"))
			break
		}
		for i, u := range r.SKUToUserMapping[sku] {
			c.fail(checkID("skuToUserMapping."+sku+"["+strconv.Itoa(i)+"].userID", u.UserID))
		}
	}
	return r, c.err
}

// Validate reports the first problem Orders.Create would refuse r for, as a
// *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r OrderCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// checkOrderItems checks product IDs and quantities; name is the JSON path
// of the list. It reads items only, so the caller's slice is never changed.
func checkOrderItems(name string, items []OrderItem, c *checker) {
	for i, it := range items {
		at := name + "[" + strconv.Itoa(i) + "]"
		c.fail(checkID(at+".ID", it.ID))
		if it.Quantity <= 0 {
			c.fail(invalid(at+".quantity", "must be at least 1"))
		}
	}
}

// isSKU reports whether s is a non-empty run of letters, digits, '-' and '_'.
func isSKU(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// OrderedProduct is one line of an Order as the API returns it.
type OrderedProduct struct {
	ID       string `json:"ID"`
	SKU      string `json:"sku"`
	Category string `json:"category"`
	Make     string `json:"make"`
	Name     string `json:"name"`
	UnitCost string `json:"unitCost"` // e.g. "89.00"; a string or a number on the wire
	Quantity int    `json:"quantity"`
}

// UnmarshalJSON accepts unitCost as a string or a number.
func (p *OrderedProduct) UnmarshalJSON(data []byte) error {
	type plain OrderedProduct
	aux := struct {
		*plain
		UnitCost looseString `json:"unitCost"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	p.UnitCost = string(aux.UnitCost)
	return nil
}

// Order is a hardware order as the API returns it.
type Order struct {
	ID          string           `json:"orderID"`     // "id" or "ID" on some responses
	OrderNumber string           `json:"orderNumber"` // Gamma's order reference
	CustomerID  string           `json:"customerID"`
	Created     string           `json:"created"` // a timestamp as sent; its format is not public
	Status      OrderStatus      `json:"status"`
	Products    []OrderedProduct `json:"products"`
	Raw         RawJSON          `json:"-"` // the object as sent
}

// UnmarshalJSON decodes an order, accepting "id" or "ID" for "orderID" as
// a public client does, and keeps the object in Raw.
func (o *Order) UnmarshalJSON(data []byte) error { return o.decodeWith(copyDecoder(data)) }

func (o *Order) decodeWith(dec objectDecoder) error {
	type plain Order
	type wire struct {
		*plain
		AltID string `json:"id"` // matches "ID" too: encoding/json ignores case
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(o)
	if err := dec.decode(aux, &o.Raw); err != nil {
		return err
	}
	o.ID = cmp.Or(o.ID, aux.AltID)
	return nil
}

// List returns a customer's hardware orders ("List Customer Orders").
//
// API: GET /customers/{customerID}/orders (inferred)
func (s *OrdersService) List(ctx context.Context, customerID string, opts ...CallOption) ([]Order, error) {
	path, err := expandPath(pathCustomerOrders, customerID)
	if err != nil {
		return nil, err
	}
	return getList[Order](ctx, s.client, &call{op: "Orders.List", tmpl: pathCustomerOrders, path: path, opts: opts})
}

// Create places a hardware order for a customer ("Add Customer Order").
//
// Not idempotent. On ErrOutcomeUnknown (the API answered 5xx, or the
// connection dropped after sending) the order may have been placed:
// CreateOrFind looks for it (FindMatching, which takes
// WithCallSettleWindow after a plain Create too) and never sends an order
// again, or the hardware could ship twice.
//
// A public client saw redirects on this endpoint and re-POSTed to the
// Location. This SDK does not follow redirects for a POST: a 3xx comes
// back as an *APIError with that StatusCode. Whether the order exists then
// is not certain (a 303 can follow a successful create), so look for it
// with FindMatching before sending it again; a redirect every time usually
// means the base URL needs changing (WithBaseURL).
//
// API: POST /customers/{customerID}/orders (observed)
func (s *OrdersService) Create(ctx context.Context, customerID string, req OrderCreateRequest, opts ...CallOption) (*Order, error) {
	path, err := expandPath(pathCustomerOrders, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Order](ctx, s.client, &call{op: "Orders.Create", method: http.MethodPost, tmpl: pathCustomerOrders, path: path, body: req, opts: opts})
}

// ListAll returns the hardware orders of every customer of the partner
// ("List Orders for Partner").
//
// API: GET /orders (inferred)
func (s *OrdersService) ListAll(ctx context.Context, opts ...CallOption) ([]Order, error) {
	return getList[Order](ctx, s.client, &call{op: "Orders.ListAll", tmpl: pathOrders, path: pathOrders, opts: opts})
}

func orderID(o *Order) string { return o.ID }

// orderClockSkew is how much earlier than its send Orders.CreateOrFind
// lets a matching order have been created, for a server clock behind ours.
const orderClockSkew = 5 * time.Minute

// matches reports whether o is what an order of these product quantities,
// to this postcode, created after after, would look like. What the API
// does not list (the delivery address, the creation time) is not held
// against it.
func (o *Order) matches(want map[string]int, postcode string, after time.Time) bool {
	got := map[string]int{}
	for _, p := range o.Products {
		got[p.ID] += p.Quantity
	}
	if !maps.Equal(want, got) {
		return false
	}
	var w struct {
		DeliveryAddress struct {
			Postcode string `json:"postcode"`
		} `json:"deliveryAddress"`
	}
	if len(o.Raw) > 0 && json.Unmarshal(o.Raw, &w) == nil && w.DeliveryAddress.Postcode != "" &&
		!samePostcode(w.DeliveryAddress.Postcode, postcode) {
		return false
	}
	if created, ok := parseCreated(o.Created); ok && !after.IsZero() && created.Before(after) {
		return false
	}
	return true
}

// parseCreated reads a creation time as an API may send it: RFC 3339, or
// the same without a zone (taken as UTC).
func parseCreated(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// FindMatching returns the customer's order that req would have placed:
// the same products in the same quantities, and the same delivery
// postcode when the API lists it. With WithCreatedAfter, orders the API
// says were created before that time are skipped. No match is an error
// matching ErrNotFound; more than one (an identical order placed before)
// ErrAmbiguous, never a guess.
//
// Cost: one request (Orders.List, scanned here: the API has no known
// filter).
func (s *OrdersService) FindMatching(ctx context.Context, customerID string, req OrderCreateRequest, opts ...CallOption) (*Order, error) {
	cc, err := newCallConfig(opts)
	if err == nil {
		err = checkID("customerID", customerID)
	}
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	want := map[string]int{}
	for _, p := range req.Products {
		want[p.ID] += p.Quantity
	}
	list := func() ([]Order, error) { return s.List(ctx, customerID, opts...) }
	return findOne(ctx, opts, "Orders.FindMatching", "order", list, orderID, func(o *Order) bool {
		return o.matches(want, req.DeliveryAddress.Postcode, cc.createdAfter)
	})
}

// CreateOrFind places a hardware order, settling an unknown outcome by a
// lookup but never by sending the order again: a second order ships, and
// bills, a second set of hardware.
//
// On ErrOutcomeUnknown it looks for the order with FindMatching (created
// at most five minutes before the send by the API's clock, unless opts
// hold WithCreatedAfter) for the settle window. One match:
// OutcomeFound. None, or several (an identical order placed just before),
// is a *VerificationError (ErrNeedsVerification) for a person to check in
// the portal before ordering again. Any other failure is returned as
// Create returns it.
//
// Cost: Create's one request, plus one Orders.List per look when the
// outcome is unknown. opts apply to every request; WithResponseInto
// describes the last send of the create (not a look).
func (s *OrdersService) CreateOrFind(ctx context.Context, customerID string, req OrderCreateRequest, opts ...CallOption) (*Ensured[Order], error) {
	norm, window, err := prepare(s.client, opts, checkID("customerID", customerID), req, OrderCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	findOpts := append([]CallOption{WithCreatedAfter(time.Now().Add(-orderClockSkew))}, lookupOpts(opts)...)
	return ensure(ctx, window, creation[Order]{
		op: "Orders.CreateOrFind", what: "order", id: orderID, once: true,
		differs: func(*Order) string { return "" }, // FindMatching matched it to req
		create:  func() (*Order, error) { return s.Create(ctx, customerID, req, opts...) },
		find:    func() (*Order, error) { return s.FindMatching(ctx, customerID, req, findOpts...) },
		hint: fmt.Sprintf("check customer %s's orders in the partner portal for %d product line(s) delivered to %s before ordering again",
			customerID, len(norm.Products), norm.DeliveryAddress.Postcode),
	})
}
