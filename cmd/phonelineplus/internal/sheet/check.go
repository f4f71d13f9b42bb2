package sheet

import (
	"fmt"
	"strconv"
	"strings"
)

// addOrderLine adds a row of the orders sheet to its order, starting the
// order on its ref's first row.
func (r *reader) addOrderLine(row Row, get func(string) string) {
	q, _ := strconv.Atoi(get("quantity")) // normCell made it a number, or reported it
	line := OrderLine{Row: row, SKU: get("sku"), Quantity: max(q, 1), UserRef: get("user_ref")}
	o := Order{
		Ref: get("ref"), CustomerRef: get("customer_ref"), Name: get("name"), Email: get("email"),
		PhoneNumber: get("phone_number"), TrackingEmail: get("tracking_email"),
		Delivery: DeliveryAddress{Line1: get("line1"), Line2: get("line2"), Line3: get("line3"),
			Town: get("town"), County: get("county"), Country: get("country"), Postcode: get("postcode")},
	}
	if o.Ref == "" {
		r.add(row.Problem(SeverityError, "ref", "is required: the order this line belongs to"))
		return
	}
	i, ok := r.orderIdx[o.Ref]
	if !ok {
		if r.orderIdx == nil {
			r.orderIdx = make(map[string]int)
		}
		r.orderIdx[o.Ref] = len(r.wb.Orders)
		o.Lines = []OrderLine{line}
		r.wb.Orders = append(r.wb.Orders, o)
		return
	}
	first := &r.wb.Orders[i]
	// A later line may leave the order's details blank, or repeat them.
	for _, c := range []struct{ col, got, want string }{
		{"customer_ref", o.CustomerRef, first.CustomerRef},
		{"name", o.Name, first.Name}, {"email", o.Email, first.Email},
		{"phone_number", o.PhoneNumber, first.PhoneNumber}, {"tracking_email", o.TrackingEmail, first.TrackingEmail},
		{"line1", o.Delivery.Line1, first.Delivery.Line1}, {"line2", o.Delivery.Line2, first.Delivery.Line2},
		{"line3", o.Delivery.Line3, first.Delivery.Line3}, {"town", o.Delivery.Town, first.Delivery.Town},
		{"county", o.Delivery.County, first.Delivery.County}, {"country", o.Delivery.Country, first.Delivery.Country},
		{"postcode", o.Delivery.Postcode, first.Delivery.Postcode},
	} {
		if c.got != "" && c.got != c.want {
			r.add(row.Problem(SeverityError, c.col,
				fmt.Sprintf("differs from row %d, the first row of order %q: leave it blank on later rows, or make it the same", first.Line(), o.Ref)))
		}
	}
	first.Lines = append(first.Lines, line)
}

// crossCheck checks what needs the whole file: refs present, unique and
// pointing somewhere, and emails and numbers not used twice.
func (r *reader) crossCheck() {
	wb := r.wb
	custRows := make(map[string]int, len(wb.Customers))
	for _, c := range wb.Customers {
		_ = r.uniqueRef(c.Row, c.Ref, custRows)
	}
	userRows := make(map[string]int, len(wb.Users))
	userCustomer := make(map[string]string, len(wb.Users))
	for _, u := range wb.Users {
		if r.uniqueRef(u.Row, u.Ref, userRows) {
			userCustomer[u.Ref] = u.CustomerRef
		}
		r.refersTo(u.Row, "customer_ref", u.CustomerRef, SheetCustomers, custRows)
	}
	for _, o := range wb.Orders {
		orderCustomer := r.refersTo(o.Lines[0].Row, "customer_ref", o.CustomerRef, SheetCustomers, custRows)
		for _, l := range o.Lines {
			if l.SKU == "" {
				r.add(l.Problem(SeverityError, "sku", "is required"))
			}
			if l.UserRef == "" {
				continue
			}
			if !r.refersTo(l.Row, "user_ref", l.UserRef, SheetUsers, userRows) {
				continue
			}
			// Only when both customers resolve: a dangling one is reported
			// already.
			if cr := userCustomer[l.UserRef]; cr != o.CustomerRef && orderCustomer && custRows[cr] > 0 {
				r.add(l.Problem(SeverityError, "user_ref",
					fmt.Sprintf("names user %q of customer %q, but the order is for customer %q", l.UserRef, cr, o.CustomerRef)))
			}
		}
	}
	r.uniqueValues("email", "email is unique across the platform", strings.ToLower)
	r.uniqueValues("number", "a number can be given to one customer or user", numberKey)
}

// uniqueRef reports a missing or repeated ref, and records a new one in
// seen. It reports whether the ref was new.
func (r *reader) uniqueRef(row Row, ref string, seen map[string]int) bool {
	if ref == "" {
		r.add(row.Problem(SeverityError, "ref", "is required: other sheets refer to the row by it"))
		return false
	}
	if prev, dup := seen[ref]; dup {
		r.add(row.Problem(SeverityError, "ref", fmt.Sprintf("%q is also the ref of row %d: refs must be unique", ref, prev)))
		return false
	}
	seen[ref] = row.Line
	return true
}

// refersTo reports a missing or dangling ref and whether it resolves.
func (r *reader) refersTo(row Row, column, ref, target string, refs map[string]int) bool {
	if ref == "" {
		r.add(row.Problem(SeverityError, column, "is required: the ref of a row of the "+target+" sheet"))
		return false
	}
	if _, ok := refs[ref]; !ok {
		r.add(row.Problem(SeverityError, column, fmt.Sprintf("%q is not the ref of any row of the %s sheet", ref, target)))
		return false
	}
	return true
}

// uniqueValues reports an email or number given twice among the
// customers and users; key normalises a value for the comparison.
func (r *reader) uniqueValues(what, why string, key func(string) string) {
	type placed struct {
		row      Row
		column   string
		customer string // the customer's ref, for a customers row
	}
	seen := make(map[string]placed)
	check := func(row Row, column, v string, customer, owner string) {
		if v == "" {
			return
		}
		k := key(v)
		prev, dup := seen[k]
		if !dup {
			seen[k] = placed{row, column, customer}
			return
		}
		at := prev.row.Problem(SeverityError, prev.column, "")
		msg := fmt.Sprintf("this %s is also on %s row %d (%s): %s", what, at.Sheet, at.Line, at.Column, why)
		if what == "email" && prev.customer != "" && prev.customer == owner {
			msg = fmt.Sprintf("is the email of the customer's primary contact (%s row %d), whom the API creates with the customer: leave this user out", at.Sheet, at.Line)
		}
		r.add(row.Problem(SeverityError, column, msg))
	}
	for _, c := range r.wb.Customers {
		if what == "email" {
			check(c.Row, "email", c.Email, c.Ref, "")
		} else {
			check(c.Row, "number", c.Number, c.Ref, "")
		}
	}
	for _, u := range r.wb.Users {
		if what == "email" {
			check(u.Row, "email", u.Email, "", u.CustomerRef)
		} else {
			check(u.Row, "phone_number", u.PhoneNumber, "", u.CustomerRef)
		}
	}
}

// numberKey reduces a UK number to its national significant digits, so
// that "0161 496 0000" and "+44 161 4960000" compare equal.
func numberKey(v string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
	switch {
	case strings.HasPrefix(d, "44"):
		return d[2:]
	case strings.HasPrefix(d, "0"):
		return d[1:]
	}
	return d
}
