package phonelineplus

import (
	"context"
	"strings"
)

// Product paths, relative to the base URL (inferred).
const pathProducts = "/products"

// ProductsService handles the hardware catalogue. Use it as Client.Products.
type ProductsService service

// Product is an item of the hardware catalogue. Order it by ID
// (OrderItem.ID); assign the shipped devices to users by SKU
// (OrderCreateRequest.SKUToUserMapping).
type Product struct {
	ID       string  `json:"ID"`
	SKU      string  `json:"sku"` // e.g. "W73P"
	Name     string  `json:"name"`
	Make     string  `json:"make"` // e.g. "Yealink"
	Category string  `json:"category"`
	UnitCost string  `json:"unitCost"` // e.g. "89.00"; a string or a number on the wire
	Raw      RawJSON `json:"-"`        // the object as sent
}

// UnmarshalJSON decodes a product, accepting unitCost as a string or a
// number, and keeps the object in Raw.
func (p *Product) UnmarshalJSON(data []byte) error { return p.decodeWith(copyDecoder(data)) }

func (p *Product) decodeWith(dec objectDecoder) error {
	type plain Product
	type wire struct {
		*plain
		UnitCost looseString `json:"unitCost"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(p)
	if err := dec.decode(aux, &p.Raw); err != nil {
		return err
	}
	p.UnitCost = string(aux.UnitCost)
	return nil
}

// List returns the hardware catalogue ("List Products").
//
// API: GET /products (inferred)
func (s *ProductsService) List(ctx context.Context, opts ...CallOption) ([]Product, error) {
	return getList[Product](ctx, s.client, &call{op: "Products.List", tmpl: pathProducts, path: pathProducts, opts: opts})
}

func productID(p *Product) string { return p.ID }

// FindBySKU returns the catalogue's product with the SKU code sku ("W73P",
// compared case-insensitively), whose ID is what OrderItem.ID takes. No
// match is an error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (Products.List, scanned here: the API has no known
// filter). Keep the catalogue if you look up many SKUs.
func (s *ProductsService) FindBySKU(ctx context.Context, sku string, opts ...CallOption) (*Product, error) {
	sku = strings.TrimSpace(sku)
	if !isSKU(sku) {
		return nil, invalid("sku", "is not a SKU code (letters, digits, '-' and '_')")
	}
	list := func() ([]Product, error) { return s.List(ctx, opts...) }
	return findOne(ctx, opts, "Products.FindBySKU", "product", list, productID, func(p *Product) bool { return strings.EqualFold(p.SKU, sku) })
}
