package phonelineplustest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// itemRef is one {ID, quantity} of an order's products or devices.
type itemRef struct {
	ID       string `json:"ID"`
	Quantity int    `json:"quantity"`
}

// orderCreateRequest is the body of POST /customers/{customerID}/orders.
type orderCreateRequest struct {
	DeliveryAddress  DeliveryAddress `json:"deliveryAddress"`
	Products         []itemRef       `json:"products"`
	Name             string          `json:"name"`
	Email            string          `json:"email"`
	PhoneNumber      string          `json:"phoneNumber"`
	TrackingEmail    string          `json:"trackingEmail"`
	Devices          []itemRef       `json:"devices"`
	SKUToUserMapping map[string][]struct {
		UserID string `json:"userID"`
	} `json:"skuToUserMapping"`
}

// listCustomerOrders serves GET /customers/{customerID}/orders.
func (s *Server) listCustomerOrders(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf(s.st.orders.list(func(o *Order) bool { return o.CustomerID == cust.CustomerID }, cloneOrder)), nil
}

// listOrders serves GET /orders: every customer's orders, including those
// of customers since deleted.
func (s *Server) listOrders(*call) (int, any, error) {
	return http.StatusOK, listOf(s.st.orders.list(nil, cloneOrder)), nil
}

// createOrder serves POST /customers/{customerID}/orders. Every product
// and device ID must be in the catalogue; skuToUserMapping keys must be
// SKUs of what is ordered and its users the customer's.
func (s *Server) createOrder(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req orderCreateRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	da := req.DeliveryAddress
	for _, f := range []struct{ name, v string }{
		{"deliveryAddress.line1", da.Line1}, {"deliveryAddress.town", da.Town},
		{"deliveryAddress.postcode", da.Postcode}, {"name", req.Name}, {"email", req.Email},
		{"phoneNumber", req.PhoneNumber},
	} {
		if f.v == "" {
			return 0, nil, required(f.name)
		}
	}
	if len(req.Products) == 0 {
		return 0, nil, required("products")
	}
	if !validEmail(req.Email) {
		return 0, nil, badRequest("email %q is not a valid email address", req.Email)
	}
	lines, skus, err := s.st.orderLines("products", req.Products)
	if err != nil {
		return 0, nil, err
	}
	if _, devSKUs, err := s.st.orderLines("devices", req.Devices); err != nil {
		return 0, nil, err
	} else {
		skus = append(skus, devSKUs...)
	}
	mapping := map[string][]string{}
	for sku, users := range req.SKUToUserMapping {
		if !slices.Contains(skus, sku) {
			return 0, nil, badRequest("skuToUserMapping key %q is not the SKU of a product in this order", sku)
		}
		for i, u := range users {
			if u.UserID == "" {
				return 0, nil, required(fmt.Sprintf("skuToUserMapping.%s[%d].userID", sku, i))
			}
			if _, err := s.st.user(cust.CustomerID, u.UserID); err != nil {
				return 0, nil, badRequest("skuToUserMapping.%s[%d].userID %s is not a user of customer %s", sku, i, u.UserID, cust.CustomerID)
			}
			mapping[sku] = append(mapping[sku], u.UserID)
		}
	}
	s.st.orderSeq++
	o := &Order{
		OrderID: newUUID(), OrderNumber: fmt.Sprintf("PLP%07d", s.st.orderSeq), CustomerID: cust.CustomerID,
		Created: now(), Status: "placed", Products: lines, DeliveryAddress: da, Name: req.Name,
		Email: req.Email, PhoneNumber: req.PhoneNumber, TrackingEmail: req.TrackingEmail, SKUToUserMapping: mapping,
	}
	s.st.orders.put(o.OrderID, o)
	return http.StatusCreated, o, nil
}

// orderLines checks items against the catalogue and returns them as order
// lines, with their SKUs.
func (st *state) orderLines(field string, items []itemRef) ([]OrderProduct, []string, error) {
	var lines []OrderProduct
	var skus []string
	for i, it := range items {
		if it.ID == "" {
			return nil, nil, required(fmt.Sprintf("%s[%d].ID", field, i))
		}
		p, ok := st.products.get(it.ID)
		if !ok {
			return nil, nil, badRequest("%s[%d].ID %s is not a product in the catalogue", field, i, it.ID)
		}
		if it.Quantity < 1 {
			return nil, nil, badRequest("%s[%d].quantity must be at least 1", field, i)
		}
		lines = append(lines, OrderProduct{ID: p.ID, SKU: p.SKU, Category: p.Category, Make: p.Make,
			Name: p.Name, UnitCost: p.UnitCost, Quantity: it.Quantity})
		skus = append(skus, p.SKU)
	}
	return lines, skus, nil
}

// deviceRequest is the body of POST .../users/{userID}/devices.
type deviceRequest struct {
	Brand      string `json:"brand"`
	Model      string `json:"model"`
	MacAddress string `json:"macAddress"`
	Name       string `json:"name"`
}

var macPattern = regexp.MustCompile(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$`)

// createDevice serves POST /customers/{customerID}/users/{userID}/devices.
// Brand "other" (a customer-owned device) needs a name and gets SIP
// credentials; any other brand needs a model and a MAC address.
func (s *Server) createDevice(c *call) (int, any, error) {
	_, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req deviceRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	d := &Device{ID: newUUID(), CustomerID: u.CustomerID, UserID: u.ID, Name: req.Name,
		Metadata: DeviceMetadata{Brand: req.Brand, Model: req.Model}}
	switch {
	case req.Brand == "":
		return 0, nil, required("brand")
	case strings.EqualFold(req.Brand, "other"):
		if req.Name == "" {
			return 0, nil, badRequest("name is required for brand other")
		}
		dest := newDestination()
		d.SIPID, d.RegistrationServer, d.SIPPassword = dest.SIPID, dest.RegistrationServer, dest.SIPPassword
	case req.Model == "":
		return 0, nil, required("model")
	case req.MacAddress == "":
		return 0, nil, required("macAddress")
	case !macPattern.MatchString(req.MacAddress):
		return 0, nil, badRequest("macAddress %q must be six colon-separated hex pairs, such as 00:15:65:00:00:01", req.MacAddress)
	default:
		d.MacAddress = req.MacAddress
		if d.Name == "" {
			d.Name = req.Brand + " " + req.Model
		}
	}
	s.st.devices.put(d.ID, d)
	return http.StatusCreated, d, nil
}
