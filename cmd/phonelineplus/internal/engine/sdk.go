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
//
// The Client must have the engine's Hooks (phonelineplus.WithHooks), from
// which each step's attempts and request ID come.
type SDK struct {
	Client *pl.Client
}

var _ API = (*SDK)(nil)

// Hooks returns the client hooks through which SDK learns what each of
// its calls sent: give them to the Client it wraps
// (phonelineplus.WithHooks); without them a Call stays empty. A method
// given a Call counts every request its operations sent (retries and
// replays included, token exchanges not), and keeps the request ID of the
// last operation that failed, or of the last one when none did: the
// request a ticket about the row is about.
func Hooks() pl.Hooks {
	return pl.Hooks{OperationEnd: func(ctx context.Context, op pl.OperationInfo, res pl.OperationResult) {
		call, ok := ctx.Value(callKey{}).(*Call)
		if !ok || op.Operation == "Auth.Exchange" {
			return
		}
		call.Attempts += res.Attempts
		if res.RequestID != "" && (res.Err != nil || !call.failed) {
			call.RequestID = res.RequestID
		}
		call.failed = call.failed || res.Err != nil
	}}
}

type callKey struct{}

// withCall marks ctx's operations as call's (when call is not nil).
func withCall(ctx context.Context, call *Call) context.Context {
	if call == nil {
		return ctx
	}
	return context.WithValue(ctx, callKey{}, call)
}

// ListProducts implements API.
func (s *SDK) ListProducts(ctx context.Context, call *Call) ([]pl.Product, error) {
	ctx = withCall(ctx, call)
	return s.Client.Products.List(ctx)
}

// ListCustomers implements API.
func (s *SDK) ListCustomers(ctx context.Context, call *Call) ([]pl.Customer, error) {
	ctx = withCall(ctx, call)
	return s.Client.Customers.List(ctx)
}

// ListUsers implements API.
func (s *SDK) ListUsers(ctx context.Context, customerID string, call *Call) ([]pl.User, error) {
	ctx = withCall(ctx, call)
	return s.Client.Users.List(ctx, customerID)
}

// ListAvailable implements API.
func (s *SDK) ListAvailable(ctx context.Context, a pl.AvailableNumbersOptions, call *Call) ([]pl.AvailableNumber, error) {
	ctx = withCall(ctx, call)
	return s.Client.Numbers.ListAvailable(ctx, a)
}

// ListPartnerUsers implements API.
func (s *SDK) ListPartnerUsers(ctx context.Context, call *Call) ([]pl.PartnerUser, error) {
	ctx = withCall(ctx, call)
	return s.Client.PartnerUsers.List(ctx)
}

// FindCustomer implements API: by email, else number, else contact.
func (s *SDK) FindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, error) {
	ctx = withCall(ctx, call)
	switch {
	case req.Email != "":
		return s.Client.Customers.FindByEmail(ctx, req.Email)
	case req.Number.NumberE164 != "":
		return s.Client.Customers.FindByNumber(ctx, req.Number.NumberE164)
	}
	return s.Client.Customers.FindByContact(ctx, pl.CustomerContact{
		CompanyName: req.CompanyName, FullName: req.FullName, Postcode: req.Address.Postcode})
}

// FindUser implements API.
func (s *SDK) FindUser(ctx context.Context, customerID, email string, call *Call) (*pl.User, error) {
	ctx = withCall(ctx, call)
	return s.Client.Users.FindByEmail(ctx, customerID, email)
}

// FindOrder implements API.
func (s *SDK) FindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, error) {
	ctx = withCall(ctx, call)
	return s.Client.Orders.FindMatching(ctx, customerID, req)
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
	ctx = withCall(ctx, call)
	c, outcome, err := ensured(s.Client.Customers.CreateOrFind(ctx, req))
	if errors.Is(err, pl.ErrEmailInUse) {
		if found, ferr := s.FindCustomer(ctx, req, call); ferr == nil {
			return found, OutcomeAdopted, nil
		}
	}
	return c, outcome, err
}

// CreateOrFindUser implements API.
func (s *SDK) CreateOrFindUser(ctx context.Context, customerID string, req pl.UserCreateRequest, call *Call) (*pl.User, Outcome, error) {
	ctx = withCall(ctx, call)
	u, outcome, err := ensured(s.Client.Users.CreateOrFind(ctx, customerID, req))
	if errors.Is(err, pl.ErrEmailInUse) {
		if found, ferr := s.FindUser(ctx, customerID, req.Email, call); ferr == nil {
			return found, OutcomeAdopted, nil
		}
	}
	return u, outcome, err
}

// CreateOrFindNumber implements API.
func (s *SDK) CreateOrFindNumber(ctx context.Context, customerID string, req pl.NumberCreateRequest, call *Call) (*pl.Number, Outcome, error) {
	ctx = withCall(ctx, call)
	return ensured(s.Client.Numbers.CreateOrFind(ctx, customerID, req))
}

// AllocateNumber implements API.
func (s *SDK) AllocateNumber(ctx context.Context, customerID, numberID, userID string, call *Call) (*pl.Number, error) {
	ctx = withCall(ctx, call)
	return s.Client.Numbers.Allocate(ctx, customerID, numberID, userID)
}

// CreateOrFindOrder implements API.
func (s *SDK) CreateOrFindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, Outcome, error) {
	ctx = withCall(ctx, call)
	return ensured(s.Client.Orders.CreateOrFind(ctx, customerID, req))
}
