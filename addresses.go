package phonelineplus

import (
	"context"
	"net/url"
)

// Address paths, relative to the base URL (inferred).
const pathAddresses = "/addresses"

// AddressesService handles address lookup. Use it as Client.Addresses.
type AddressesService service

// Address is a UK site address, as customers and users are created with.
type Address struct {
	Premises string `json:"premises"` // building or house name or number, e.g. "Unit 1"
	Street   string `json:"street"`
	Town     string `json:"town"`
	County   string `json:"county,omitzero"`
	Postcode string `json:"postcode"` // sent upper case without spaces: "SW1A1AA"
}

// normalize checks a request address; prefix is its JSON path.
func (a Address) normalize(prefix string, c *checker) Address {
	c.nested(prefix, func() {
		c.check("premises", &a.Premises, requiredText)
		c.check("street", &a.Street, requiredText)
		c.check("town", &a.Town, requiredText)
		c.optional("county", &a.County, requiredText)
		c.check("postcode", &a.Postcode, postcode)
	})
	return a
}

// AddressMatch is one address Addresses.Lookup found at a postcode. Its
// Address is ready for a CustomerCreateRequest or UserCreateRequest.
type AddressMatch struct {
	ID string `json:"ID"` // the API's reference for the address
	Address
	Raw RawJSON `json:"-"` // the object as sent
}

// UnmarshalJSON decodes an address and keeps the object in Raw.
func (a *AddressMatch) UnmarshalJSON(data []byte) error { return a.decodeWith(copyDecoder(data)) }

func (a *AddressMatch) decodeWith(dec objectDecoder) error {
	type plain AddressMatch
	return dec.decode((*plain)(a), &a.Raw)
}

// Lookup returns the addresses at a UK postcode ("Lookup Addresses"), for
// the 999 emergency-services address of a line and for the delivery
// address of a hardware order. code is a UK postcode in any case and
// spacing ("m1 1aa"); it is sent upper case without spaces ("M11AA").
//
// API: GET /addresses?postcode= (inferred)
func (s *AddressesService) Lookup(ctx context.Context, code string, opts ...CallOption) ([]AddressMatch, error) {
	p, err := postcode("postcode", code)
	if err != nil {
		return nil, err
	}
	return getList[AddressMatch](ctx, s.client, &call{op: "Addresses.Lookup", tmpl: pathAddresses, path: pathAddresses, query: url.Values{"postcode": {p}}, opts: opts})
}
