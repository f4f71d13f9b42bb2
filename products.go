package phonelineplus

import "context"

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
