// Package engine turns an onboarding workbook into PhoneLine+ resources:
// customers, then their users (each with its DDI in the create call),
// then number allocations for users that already existed, then hardware
// orders. Every create goes through the journal (an intent before it is
// sent, the outcome after) and through create-or-find, so a run can be
// killed at any instant and resumed without creating anything twice; an
// order is never re-sent automatically.
package engine

import (
	"strings"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
)

// Source locates an input row: its sheet, its row number as a
// spreadsheet shows it, its ref and its content hash.
type Source struct {
	Sheet string
	Row   int
	Ref   string
	Hash  string
}

// Job is the work of one input file, customers in input order.
type Job struct {
	Customers []*Customer
}

// Customer is a customers row with the users and orders rows that name
// it.
type Customer struct {
	Source
	Request pl.CustomerCreateRequest
	// AreaCode, when Request.Number is empty, is the area ("0161") the
	// customer's number is taken from (required by the hardware_only
	// plan); "" means no number.
	AreaCode string
	Users    []*User
	Orders   []*Order
}

// User is a users row.
type User struct {
	Source
	// Request.PhoneNumber, when set, is the DDI the sheet names.
	Request pl.UserCreateRequest
	// AreaCode, when Request.PhoneNumber is empty, is the area the user's
	// DDI is taken from; "" means the user gets no DDI.
	AreaCode string
}

// Order is an orders row: the delivery contact and address in Request
// (whose Products and SKUToUserMapping the engine fills from Lines, once
// the products and users are known).
type Order struct {
	Source
	Request pl.OrderCreateRequest
	Lines   []OrderLine
}

// OrderLine is one product of an order.
type OrderLine struct {
	SKU      string
	Quantity int
	// UserRefs are refs of the customer's users, each to get one of the
	// devices.
	UserRefs []string
}

// key identifies a step in the journal.
type key struct {
	kind journal.Kind
	ref  string
}

// Rows returns every row of the job with the kind of step it becomes, in
// run order.
func (j *Job) Rows() []Step {
	var out []Step
	for _, c := range j.Customers {
		out = append(out, Step{Kind: journal.KindCustomer, Source: c.Source})
	}
	for _, c := range j.Customers {
		for _, u := range c.Users {
			out = append(out, Step{Kind: journal.KindUser, Source: u.Source})
		}
	}
	for _, c := range j.Customers {
		for _, o := range c.Orders {
			out = append(out, Step{Kind: journal.KindOrder, Source: o.Source})
		}
	}
	return out
}

// Step is a row and the kind of resource it becomes.
type Step struct {
	Kind journal.Kind
	Source
}

// MatchCustomer returns the customer of all that req would create: the
// one with its email, else its number, else its company name, contact
// name and postcode; nil if none.
func MatchCustomer(all []pl.Customer, req pl.CustomerCreateRequest) *pl.Customer {
	for i := range all {
		c := &all[i]
		switch {
		case req.Email != "":
			if strings.EqualFold(c.Email, req.Email) {
				return c
			}
		case req.Number.NumberE164 != "":
			if sameNumber(c.Number.NumberE164, req.Number.NumberE164) {
				return c
			}
		default:
			if strings.EqualFold(c.CompanyName, req.CompanyName) && strings.EqualFold(c.FullName, req.FullName) &&
				postcode(c.Address.Postcode) == postcode(req.Address.Postcode) {
				return c
			}
		}
	}
	return nil
}

// MatchUser returns the user of all with email, or nil.
func MatchUser(all []pl.User, email string) *pl.User {
	for i := range all {
		if strings.EqualFold(all[i].Email, email) {
			return &all[i]
		}
	}
	return nil
}

func postcode(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }

// sameNumber compares UK numbers written as 0…, +44… or 44….
func sameNumber(a, b string) bool { return e164(a) == e164(b) && a != "" }

func e164(s string) string {
	s = strings.TrimPrefix(strings.ReplaceAll(s, " ", ""), "+")
	if strings.HasPrefix(s, "0") {
		return "44" + s[1:]
	}
	return s
}
