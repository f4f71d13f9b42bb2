package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Kind says how a column's cells are read.
type Kind int

// Column kinds.
const (
	KindText     Kind = iota // free text, trimmed
	KindPhone                // a UK number: a leading 0 lost to a number cell is restored
	KindAreaCode             // a UK area code ("0161"): a lost leading 0 is restored
	KindQuantity             // a whole number of at least 1; blank is 1
	KindRef                  // a ref: letters, digits, '-', '_' and '.'
)

// Column describes one column of a sheet, for reading, for the template's
// explanation sheet and for export.
type Column struct {
	Name     string // the header, lower snake case ("company_name")
	Field    string // the API field it feeds ("companyName"), or "" for refs
	Kind     Kind
	Required bool   // the header must be present (a cell may still be blank where the plan allows)
	Help     string // one sentence for the template's columns sheet
	Example  string // the template's example value
}

// Columns returns the columns of a sheet in template order, or nil for an
// unknown sheet. The slice is a copy.
func Columns(sheet string) []Column {
	s := schemas[sheet]
	if s == nil {
		return nil
	}
	return append([]Column(nil), s.columns...)
}

// schema is a sheet's columns with a lookup by header.
type schema struct {
	name    string
	columns []Column
	index   map[string]int // normalised header -> position in columns
}

func newSchema(name string, cols ...Column) *schema {
	s := &schema{name: name, columns: cols, index: make(map[string]int, len(cols))}
	for i, c := range cols {
		s.index[c.Name] = i
	}
	return s
}

// addressColumns are the site-address columns of customers and users.
func addressColumns(whose string, required bool) []Column {
	return []Column{
		{Name: "premises", Field: "address.premises", Required: required, Help: "Building or house name or number of the " + whose + ".", Example: "Unit 1"},
		{Name: "street", Field: "address.street", Required: required, Help: "Street of the " + whose + ".", Example: "Dale Street"},
		{Name: "town", Field: "address.town", Required: required, Help: "Town of the " + whose + ".", Example: "Manchester"},
		{Name: "county", Field: "address.county", Help: "County (optional).", Example: "Greater Manchester"},
		{Name: "postcode", Field: "address.postcode", Required: required, Help: "UK postcode, any case and spacing.", Example: "M1 1AA"},
	}
}

var schemas = map[string]*schema{
	SheetCustomers: newSchema(SheetCustomers, append([]Column{
		{Name: "ref", Kind: KindRef, Required: true, Help: "Your name for this customer, unique in the sheet; users and orders refer to it.", Example: "acme"},
		{Name: "plan", Field: "plan", Required: true, Help: "hardware_only (needs a number and an address), hardware_only_cp (address; number optional) or phoneline_plus (needs an email).", Example: "hardware_only"},
		{Name: "company_name", Field: "companyName", Required: true, Help: "The customer's company name.", Example: "Acme Widgets Ltd"},
		{Name: "full_name", Field: "fullName", Required: true, Help: "The primary contact; the API creates them as the customer's first user.", Example: "Ada Lovelace"},
		{Name: "contact_number", Field: "contactNumber", Kind: KindPhone, Required: true, Help: "The contact's UK phone number, any form (07700 900123, +447700900123).", Example: "07700900123"},
		{Name: "email", Field: "email", Help: "The contact's email, unique across the platform; required for phoneline_plus.", Example: "ada@acme.example"},
		{Name: "number", Field: "number.numberE164", Kind: KindPhone, Help: "The line's number (DDI), any UK form; leave blank to take one from the pool of area_code.", Example: ""},
		{Name: "area_code", Kind: KindAreaCode, Help: "When number is blank: take the line's number from the available pool of this area code.", Example: "0161"},
	}, addressColumns("customer's site", false)...)...),
	SheetUsers: newSchema(SheetUsers, append([]Column{
		{Name: "ref", Kind: KindRef, Required: true, Help: "Your name for this user, unique in the sheet; orders refer to it.", Example: "acme-bob"},
		{Name: "customer_ref", Kind: KindRef, Required: true, Help: "The ref of the user's customer in the customers sheet.", Example: "acme"},
		{Name: "type", Field: "type", Required: true, Help: "standard or admin.", Example: "standard"},
		{Name: "full_name", Field: "fullName", Required: true, Help: "The user's name.", Example: "Bob Smith"},
		{Name: "email", Field: "email", Required: true, Help: "The user's email, unique across the platform; the activation email goes here.", Example: "bob@acme.example"},
		{Name: "phone_number", Field: "phoneNumber", Kind: KindPhone, Help: "The user's number (DDI), any UK form; leave blank to take one from the pool of area_code, or for no number.", Example: ""},
		{Name: "area_code", Kind: KindAreaCode, Help: "When phone_number is blank: give the user a number from this area code's available pool.", Example: "0161"},
	}, addressColumns("user's site (optional: all or none)", false)...)...),
	SheetOrders: newSchema(SheetOrders,
		Column{Name: "ref", Kind: KindRef, Required: true, Help: "Your name for the order; rows with the same ref are lines of one order.", Example: "acme-order-1"},
		Column{Name: "customer_ref", Kind: KindRef, Required: true, Help: "The ref of the ordering customer.", Example: "acme"},
		Column{Name: "sku", Field: "products.ID", Required: true, Help: "The product's SKU code, as products list shows it.", Example: "W73P"},
		Column{Name: "quantity", Field: "products.quantity", Kind: KindQuantity, Help: "How many; blank means 1.", Example: "1"},
		Column{Name: "user_ref", Field: "skuToUserMapping", Kind: KindRef, Help: "Optional: the ref of the user (of the same customer) who gets this device.", Example: "acme-bob"},
		Column{Name: "name", Field: "name", Help: "Delivery contact's name (on the order's first row).", Example: "Ada Lovelace"},
		Column{Name: "email", Field: "email", Help: "Delivery contact's email.", Example: "ada@acme.example"},
		Column{Name: "phone_number", Field: "phoneNumber", Kind: KindPhone, Help: "Delivery contact's UK phone number.", Example: "07700900123"},
		Column{Name: "tracking_email", Field: "trackingEmail", Help: "Optional: where tracking emails go; defaults to email.", Example: ""},
		Column{Name: "line1", Field: "deliveryAddress.line1", Help: "Delivery address, first line.", Example: "Unit 1"},
		Column{Name: "line2", Field: "deliveryAddress.line2", Help: "Delivery address, second line (optional).", Example: "Dale Street"},
		Column{Name: "line3", Field: "deliveryAddress.line3", Help: "Delivery address, third line (optional).", Example: ""},
		Column{Name: "town", Field: "deliveryAddress.town", Help: "Delivery town.", Example: "Manchester"},
		Column{Name: "county", Field: "deliveryAddress.county", Help: "Delivery county (optional).", Example: ""},
		Column{Name: "country", Field: "deliveryAddress.country", Help: "Delivery country (optional).", Example: "United Kingdom"},
		Column{Name: "postcode", Field: "deliveryAddress.postcode", Help: "Delivery postcode.", Example: "M1 1AA"},
	),
}

// normHeader turns a header as people write it ("Company Name",
// "companyName", "company-name ") into the column name "company_name".
func normHeader(h string) string {
	h = strings.TrimSpace(h)
	var b strings.Builder
	prevLower := false
	for _, r := range h {
		switch {
		case r == ' ' || r == '-' || r == '_':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// hashCells is the content hash: SHA-256 over the sheet name and the cells,
// each length-prefixed so that no two rows share a digest by shifting text
// between cells. It is truncated to 128 bits (hex).
func hashCells(sheet string, cells []string) string {
	h := sha256.New()
	write := func(s string) {
		var n [8]byte
		l := len(s)
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write([]byte(s))
	}
	write(sheet)
	for _, c := range cells {
		write(c)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
