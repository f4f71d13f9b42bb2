package sheet

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
)

// Validate runs each row's request through the SDK's own Validate
// methods: the rules checked are the SDK's, and nothing is sent, since no
// client is involved.

// Placeholders that pass the SDK's checks, put in place of a field
// already reported so that the next check finds the next problem. They
// are never sent.
const (
	placeholderText   = "x"
	placeholderEmail  = "placeholder@example.com"
	placeholderPhone  = "07700900000"
	placeholderDDI    = "441610000000"
	placeholderPost   = "M11AA"
	placeholderID     = "placeholder"
	maxChecksPerRow   = 32
	numberPoolHint    = " (or leave it blank and give area_code to take one from the pool)"
	productIndexGroup = 1
)

// Validate checks every row of wb with the SDK's own request validation,
// offline, and returns the problems found, each at its sheet, row and
// column. All problems of a row are found, not only the first: a field
// reported is replaced by a placeholder and the row checked again.
func Validate(wb *Workbook) ([]Problem, error) {
	v := &validator{known: make(map[cellKey]bool)}
	for _, p := range wb.Problems {
		if p.Severity == SeverityError {
			v.known[cellKey{p.Sheet, p.Line, p.Column}] = true
		}
	}
	for i := range wb.Customers {
		if err := v.customer(&wb.Customers[i]); err != nil {
			return v.problems, err
		}
	}
	for i := range wb.Users {
		if err := v.user(&wb.Users[i]); err != nil {
			return v.problems, err
		}
	}
	for i := range wb.Orders {
		if err := v.order(&wb.Orders[i]); err != nil {
			return v.problems, err
		}
	}
	return v.problems, nil
}

type validator struct {
	problems []Problem
	// known holds the cells with an error already: reading found it (a
	// cell that is not UTF-8 reads as blank), or an earlier check did.
	known map[cellKey]bool
}

// cellKey is a cell as a problem places it.
type cellKey struct {
	sheet string
	line  int
	col   string
}

// run checks a request until it passes, reporting each failure at the
// cell where reports it and asking fix to put a placeholder there.
func (v *validator) run(try func() error, report func(field, reason string), fix func(field string) bool) error {
	last := ""
	for range maxChecksPerRow {
		err := try()
		var ve *phonelineplus.ValidationError
		switch {
		case errors.As(err, &ve):
		case err == nil:
			return nil
		default:
			return fmt.Errorf("validating: %w", err)
		}
		report(ve.Field, ve.Reason)
		if ve.Field == last || !fix(ve.Field) {
			return nil
		}
		last = ve.Field
	}
	return nil
}

// fieldColumn finds the column of a sheet whose Field is field.
func fieldColumn(sheet, field string) string {
	for _, c := range schemas[sheet].columns {
		if c.Field == field {
			return c.Name
		}
	}
	return ""
}

func (v *validator) add(row Row, field, reason string) {
	col := fieldColumn(row.Sheet, field)
	p := row.Problem(SeverityError, col, reason)
	if col == "" {
		p.Message = field + " " + reason
	}
	p.Field = field
	k := cellKey{p.Sheet, p.Line, p.Column}
	if col != "" && v.known[k] {
		return
	}
	v.known[k] = true
	v.problems = append(v.problems, p)
}

// fixAddress puts a placeholder in an address field; prefix is its path.
func fixAddress(a *phonelineplus.Address, prefix, field string) bool {
	switch field {
	case prefix + ".premises":
		a.Premises = placeholderText
	case prefix + ".street":
		a.Street = placeholderText
	case prefix + ".town":
		a.Town = placeholderText
	case prefix + ".county":
		a.County = placeholderText
	case prefix + ".postcode":
		a.Postcode = placeholderPost
	default:
		return false
	}
	return true
}

func (v *validator) customer(c *Customer) error {
	req := c.Request()
	if req.Number.NumberE164 == "" && c.AreaCode != "" {
		req.Number.NumberE164 = placeholderDDI // taken from the pool when applied
	}
	err := v.run(func() error {
		return req.Validate()
	}, func(field, reason string) {
		if field == "number.numberE164" && c.Number == "" {
			reason += numberPoolHint
		}
		v.add(c.Row, field, reason)
	}, func(field string) bool {
		switch field {
		case "plan":
			req.Plan = phonelineplus.PlanStandard
			if strings.TrimSpace(req.Email) == "" {
				req.Email = placeholderEmail
			}
		case "companyName":
			req.CompanyName = placeholderText
		case "fullName":
			req.FullName = placeholderText
		case "contactNumber":
			req.ContactNumber = placeholderPhone
		case "number.numberE164":
			req.Number.NumberE164 = placeholderDDI
		case "email":
			req.Email = placeholderEmail
		default:
			return fixAddress(&req.Address, "address", field)
		}
		return true
	})
	if err != nil {
		return err
	}
	return v.areaCode(c.Row, c.AreaCode, c.Number != "", "number")
}

func (v *validator) user(u *User) error {
	req := u.Request()
	if req.PhoneNumber == "" && u.AreaCode != "" {
		req.PhoneNumber = placeholderPhone
	}
	err := v.run(func() error {
		return req.Validate()
	}, func(field, reason string) { v.add(u.Row, field, reason) }, func(field string) bool {
		switch field {
		case "type":
			req.Type = phonelineplus.UserStandard
		case "fullName":
			req.FullName = placeholderText
		case "email":
			req.Email = placeholderEmail
		case "phoneNumber":
			req.PhoneNumber = placeholderPhone
		default:
			return fixAddress(&req.Address, "address", field)
		}
		return true
	})
	if err != nil {
		return err
	}
	return v.areaCode(u.Row, u.AreaCode, u.PhoneNumber != "", "phone_number")
}

// areaCode checks an area code with the SDK's search options; given says
// whether the row also has a number, which makes the area code unused.
func (v *validator) areaCode(row Row, code string, given bool, numberColumn string) error {
	if code == "" {
		return nil
	}
	if given {
		v.problems = append(v.problems, row.Problem(SeverityWarning, "area_code", "is not used: the row gives "+numberColumn))
		return nil
	}
	typ := phonelineplus.NumberTypeGeographic
	if strings.HasPrefix(code, "03") || strings.HasPrefix(code, "443") || strings.HasPrefix(code, "+443") {
		typ = phonelineplus.NumberTypeNonGeographic
	}
	return v.run(func() error {
		return phonelineplus.AvailableNumbersOptions{NumberType: typ, AreaCode: code}.Validate()
	}, func(_, reason string) {
		p := row.Problem(SeverityError, "area_code", reason)
		if k := (cellKey{p.Sheet, p.Line, p.Column}); !v.known[k] {
			v.known[k] = true
			v.problems = append(v.problems, p)
		}
	}, func(string) bool { return false })
}

// productField matches the SDK's field names for an order's products.
var productField = regexp.MustCompile(`^products\[([0-9]+)\]\.(ID|quantity)$`)

func (v *validator) order(o *Order) error {
	skus, _ := o.Products()
	lineOf := make(map[string]Row, len(skus)) // a SKU's first line
	for _, l := range o.Lines {
		if _, ok := lineOf[l.SKU]; !ok {
			lineOf[l.SKU] = l.Row
		}
	}
	req, err := o.Request(
		func(sku string) (string, bool) { return sku, true }, // a SKU has the shape of an ID; resolved online
		func(string) (string, bool) { return placeholderID, true })
	if err != nil {
		return err
	}
	first := o.Lines[0].Row
	return v.run(func() error {
		return req.Validate()
	}, func(field, reason string) {
		if m := productField.FindStringSubmatch(field); m != nil {
			i, _ := strconv.Atoi(m[productIndexGroup])
			if i < len(skus) {
				v.add(lineOf[skus[i]], "products."+m[2], reason)
				return
			}
		}
		if strings.HasPrefix(field, "skuToUserMapping") {
			// A SKU that cannot be a mapping key: on the first line that
			// maps a device to a user, unless its SKU is already reported.
			for _, l := range o.Lines {
				if l.UserRef != "" {
					v.add(l.Row, "products.ID", reason)
					return
				}
			}
		}
		v.add(first, field, reason)
	}, func(field string) bool {
		if m := productField.FindStringSubmatch(field); m != nil {
			i, _ := strconv.Atoi(m[productIndexGroup])
			if i < len(req.Products) {
				if m[2] == "ID" {
					req.Products[i].ID = placeholderID
				} else {
					req.Products[i].Quantity = 1
				}
				return true
			}
			return false
		}
		d := &req.DeliveryAddress
		switch field {
		case "products":
			req.Products = []phonelineplus.OrderItem{{ID: placeholderID, Quantity: 1}}
		case "name":
			req.Name = placeholderText
		case "email":
			req.Email = placeholderEmail
		case "phoneNumber":
			req.PhoneNumber = placeholderPhone
		case "trackingEmail":
			req.TrackingEmail = placeholderEmail
		case "deliveryAddress.line1":
			d.Line1 = placeholderText
		case "deliveryAddress.line2":
			d.Line2 = placeholderText
		case "deliveryAddress.line3":
			d.Line3 = placeholderText
		case "deliveryAddress.town":
			d.Town = placeholderText
		case "deliveryAddress.county":
			d.County = placeholderText
		case "deliveryAddress.country":
			d.Country = placeholderText
		case "deliveryAddress.postcode":
			d.Postcode = placeholderPost
		default:
			if strings.HasPrefix(field, "skuToUserMapping") {
				req.SKUToUserMapping = nil
				return true
			}
			return false
		}
		return true
	})
}
