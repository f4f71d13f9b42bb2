package sheet

import (
	"fmt"

	"github.com/phonelineplus-go/phonelineplus"
)

// apiAddress converts a sheet address to the SDK's.
func (a Address) apiAddress() phonelineplus.Address {
	return phonelineplus.Address{Premises: a.Premises, Street: a.Street, Town: a.Town, County: a.County, Postcode: a.Postcode}
}

// Request returns the customer's create request as the sheet gives it.
// When the sheet takes the number from a pool (Number empty, AreaCode
// set), set Number.NumberE164 before sending.
func (c *Customer) Request() phonelineplus.CustomerCreateRequest {
	return phonelineplus.CustomerCreateRequest{
		Plan:          phonelineplus.Plan(c.Plan),
		Address:       c.Address.apiAddress(),
		CompanyName:   c.CompanyName,
		FullName:      c.FullName,
		ContactNumber: c.ContactNumber,
		Number:        phonelineplus.NumberRef{NumberE164: c.Number},
		Email:         c.Email,
	}
}

// Request returns the user's create request as the sheet gives it. When
// the sheet takes the number from a pool (PhoneNumber empty, AreaCode
// set), set PhoneNumber before sending.
func (u *User) Request() phonelineplus.UserCreateRequest {
	return phonelineplus.UserCreateRequest{
		Type:        phonelineplus.UserType(u.Type),
		FullName:    u.FullName,
		Email:       u.Email,
		Address:     u.Address.apiAddress(),
		PhoneNumber: u.PhoneNumber,
	}
}

// Products returns the order's distinct SKUs, in first-seen order, with
// their total quantities.
func (o *Order) Products() (skus []string, quantities map[string]int) {
	quantities = make(map[string]int)
	for _, l := range o.Lines {
		if _, seen := quantities[l.SKU]; !seen {
			skus = append(skus, l.SKU)
		}
		quantities[l.SKU] += l.Quantity
	}
	return skus, quantities
}

// Request returns the order's create request. productID maps a SKU to the
// product's ID (from Products.List); userID maps a user's ref to the ID it
// was created with. Lines with the same SKU become one product with their
// quantities added; a line with a user_ref maps one device of its SKU to
// that user.
func (o *Order) Request(productID func(sku string) (string, bool), userID func(ref string) (string, bool)) (phonelineplus.OrderCreateRequest, error) {
	req := phonelineplus.OrderCreateRequest{
		DeliveryAddress: phonelineplus.DeliveryAddress{
			Line1: o.Delivery.Line1, Line2: o.Delivery.Line2, Line3: o.Delivery.Line3, Town: o.Delivery.Town,
			County: o.Delivery.County, Country: o.Delivery.Country, Postcode: o.Delivery.Postcode,
		},
		Name: o.Name, Email: o.Email, PhoneNumber: o.PhoneNumber, TrackingEmail: o.TrackingEmail,
	}
	skus, qty := o.Products()
	for _, sku := range skus {
		id, ok := productID(sku)
		if !ok {
			return req, fmt.Errorf("order %q: no product has the SKU %q", o.Ref, sku)
		}
		req.Products = append(req.Products, phonelineplus.OrderItem{ID: id, Quantity: qty[sku]})
	}
	for _, l := range o.Lines {
		if l.UserRef == "" {
			continue
		}
		id, ok := userID(l.UserRef)
		if !ok {
			return req, fmt.Errorf("order %q: user %q has no ID yet", o.Ref, l.UserRef)
		}
		if req.SKUToUserMapping == nil {
			req.SKUToUserMapping = make(map[string][]phonelineplus.SKUUser)
		}
		req.SKUToUserMapping[l.SKU] = append(req.SKUToUserMapping[l.SKU], phonelineplus.SKUUser{UserID: id})
	}
	return req, nil
}
