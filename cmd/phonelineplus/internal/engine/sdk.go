package engine

import (
	"context"
	"errors"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// SDK is the API of a *phonelineplus.Client: its lists, its Find
// lookups and its CreateOrFind creates, which settle an unknown outcome
// through the client's settle window (phonelineplus.WithSettleWindow).
//
// One thing is added to CreateOrFind: a customer or user create refused
// because its email is in use on its first send is looked up, and
// adopted when the lookup finds it among the partner's own (a row for a
// customer onboarded before, by hand or by another tool). Emails are
// unique platform-wide, so this costs nothing for the rows that are new.
type SDK struct {
	Client *pl.Client
}

var _ API = (*SDK)(nil)

// into returns a per-call option that fills call when the call returns
// (done must be called then).
func into(call *Call) (opt pl.CallOption, done func()) {
	resp := new(pl.Response)
	return pl.WithResponseInto(resp), func() {
		if call == nil {
			return
		}
		call.Attempts += resp.Attempts
		if resp.RequestID != "" {
			call.RequestID = resp.RequestID
		}
	}
}

// ListProducts implements API.
func (s *SDK) ListProducts(ctx context.Context, call *Call) ([]pl.Product, error) {
	o, done := into(call)
	defer done()
	return s.Client.Products.List(ctx, o)
}

// ListCustomers implements API.
func (s *SDK) ListCustomers(ctx context.Context, call *Call) ([]pl.Customer, error) {
	o, done := into(call)
	defer done()
	return s.Client.Customers.List(ctx, o)
}

// ListUsers implements API.
func (s *SDK) ListUsers(ctx context.Context, customerID string, call *Call) ([]pl.User, error) {
	o, done := into(call)
	defer done()
	return s.Client.Users.List(ctx, customerID, o)
}

// ListAvailable implements API.
func (s *SDK) ListAvailable(ctx context.Context, a pl.AvailableNumbersOptions, call *Call) ([]pl.AvailableNumber, error) {
	o, done := into(call)
	defer done()
	return s.Client.Numbers.ListAvailable(ctx, a, o)
}

// ListPartnerUsers implements API.
func (s *SDK) ListPartnerUsers(ctx context.Context, call *Call) ([]pl.PartnerUser, error) {
	o, done := into(call)
	defer done()
	return s.Client.PartnerUsers.List(ctx, o)
}

// FindCustomer implements API: by email, else number, else contact.
func (s *SDK) FindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, error) {
	o, done := into(call)
	defer done()
	switch {
	case req.Email != "":
		return s.Client.Customers.FindByEmail(ctx, req.Email, o)
	case req.Number.NumberE164 != "":
		return s.Client.Customers.FindByNumber(ctx, req.Number.NumberE164, o)
	}
	return s.Client.Customers.FindByContact(ctx, pl.CustomerContact{
		CompanyName: req.CompanyName, FullName: req.FullName, Postcode: req.Address.Postcode}, o)
}

// FindUser implements API.
func (s *SDK) FindUser(ctx context.Context, customerID, email string, call *Call) (*pl.User, error) {
	o, done := into(call)
	defer done()
	return s.Client.Users.FindByEmail(ctx, customerID, email, o)
}

// FindOrder implements API.
func (s *SDK) FindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, error) {
	o, done := into(call)
	defer done()
	return s.Client.Orders.FindMatching(ctx, customerID, req, o)
}

// ensured unpacks a CreateOrFind result.
func ensured[T any](e *pl.Ensured[T], err error) (*T, Outcome, error) {
	if err != nil {
		return nil, "", err
	}
	return e.Resource, Outcome(e.Outcome), nil
}

// CreateOrFindCustomer implements API.
func (s *SDK) CreateOrFindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, Outcome, error) {
	o, done := into(call)
	c, outcome, err := ensured(s.Client.Customers.CreateOrFind(ctx, req, o))
	done()
	if errors.Is(err, pl.ErrEmailInUse) {
		if found, ferr := s.FindCustomer(ctx, req, call); ferr == nil {
			return found, OutcomeAdopted, nil
		}
	}
	return c, outcome, err
}

// CreateOrFindUser implements API.
func (s *SDK) CreateOrFindUser(ctx context.Context, customerID string, req pl.UserCreateRequest, call *Call) (*pl.User, Outcome, error) {
	o, done := into(call)
	u, outcome, err := ensured(s.Client.Users.CreateOrFind(ctx, customerID, req, o))
	done()
	if errors.Is(err, pl.ErrEmailInUse) {
		if found, ferr := s.FindUser(ctx, customerID, req.Email, call); ferr == nil {
			return found, OutcomeAdopted, nil
		}
	}
	return u, outcome, err
}

// CreateOrFindNumber implements API.
func (s *SDK) CreateOrFindNumber(ctx context.Context, customerID string, req pl.NumberCreateRequest, call *Call) (*pl.Number, Outcome, error) {
	o, done := into(call)
	defer done()
	return ensured(s.Client.Numbers.CreateOrFind(ctx, customerID, req, o))
}

// AllocateNumber implements API.
func (s *SDK) AllocateNumber(ctx context.Context, customerID, numberID, userID string, call *Call) (*pl.Number, error) {
	o, done := into(call)
	defer done()
	return s.Client.Numbers.Allocate(ctx, customerID, numberID, userID, o)
}

// CreateOrFindOrder implements API.
func (s *SDK) CreateOrFindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, Outcome, error) {
	o, done := into(call)
	defer done()
	return ensured(s.Client.Orders.CreateOrFind(ctx, customerID, req, o))
}
