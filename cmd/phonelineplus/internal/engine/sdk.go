package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// SDK is the API of a *phonelineplus.Client.
//
// The SDK's own create-or-find (CreateOrFind on each service) is not on
// this branch yet; until it is, createOrFind below does the same job in
// the way SPEC.md describes it: send the create once; after an unknown
// outcome poll the lookup for SettleWindow; after an email conflict look
// the resource up and adopt it; an order is never re-sent.
type SDK struct {
	Client *pl.Client
	// SettleWindow is how long a lookup after an unknown outcome keeps
	// looking before declaring the resource absent (default 10 s).
	SettleWindow time.Duration
}

var _ API = (*SDK)(nil)

// fill records what resp says about a call.
func fill(call *Call, resp *pl.Response) {
	if call == nil {
		return
	}
	call.Attempts += resp.Attempts
	if resp.RequestID != "" {
		call.RequestID = resp.RequestID
	}
}

// opts returns a per-call option and the Response it fills, for fill.
func opts(*Call) (pl.CallOption, *pl.Response) {
	resp := new(pl.Response)
	return pl.WithResponseInto(resp), resp
}

// ListProducts implements API.
func (s *SDK) ListProducts(ctx context.Context, call *Call) ([]pl.Product, error) {
	o, resp := opts(call)
	defer fill(call, resp)
	return s.Client.Products.List(ctx, o)
}

// ListCustomers implements API.
func (s *SDK) ListCustomers(ctx context.Context, call *Call) ([]pl.Customer, error) {
	o, resp := opts(call)
	defer fill(call, resp)
	return s.Client.Customers.List(ctx, o)
}

// ListUsers implements API.
func (s *SDK) ListUsers(ctx context.Context, customerID string, call *Call) ([]pl.User, error) {
	o, resp := opts(call)
	defer fill(call, resp)
	return s.Client.Users.List(ctx, customerID, o)
}

// ListAvailable implements API.
func (s *SDK) ListAvailable(ctx context.Context, a pl.AvailableNumbersOptions, call *Call) ([]pl.AvailableNumber, error) {
	o, resp := opts(call)
	defer fill(call, resp)
	return s.Client.Numbers.ListAvailable(ctx, a, o)
}

// notFound is the error of a lookup that matched nothing.
func notFound(what string) error { return fmt.Errorf("%s: %w", what, pl.ErrNotFound) }

// FindCustomer implements API.
func (s *SDK) FindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, error) {
	all, err := s.ListCustomers(ctx, call)
	if err != nil {
		return nil, err
	}
	if c := MatchCustomer(all, req); c != nil {
		return c, nil
	}
	return nil, notFound("customer")
}

// FindUser implements API.
func (s *SDK) FindUser(ctx context.Context, customerID, email string, call *Call) (*pl.User, error) {
	all, err := s.ListUsers(ctx, customerID, call)
	if err != nil {
		return nil, err
	}
	if u := MatchUser(all, email); u != nil {
		return u, nil
	}
	return nil, notFound("user")
}

// FindOrder implements API: an order of the customer with the same
// products and quantities.
func (s *SDK) FindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, error) {
	o, resp := opts(call)
	all, err := s.Client.Orders.List(ctx, customerID, o)
	fill(call, resp)
	if err != nil {
		return nil, err
	}
	var match []pl.Order
	for _, ord := range all {
		if sameLines(ord.Products, req.Products) {
			match = append(match, ord)
		}
	}
	switch len(match) {
	case 0:
		return nil, notFound("order")
	case 1:
		return &match[0], nil
	}
	return nil, fmt.Errorf("%d orders of customer %s have these products: %w", len(match), customerID, pl.ErrAmbiguous)
}

func sameLines(got []pl.OrderedProduct, want []pl.OrderItem) bool {
	type line struct {
		id string
		n  int
	}
	a := make([]line, 0, len(got))
	for _, p := range got {
		a = append(a, line{p.ID, p.Quantity})
	}
	b := make([]line, 0, len(want))
	for _, p := range want {
		b = append(b, line{p.ID, p.Quantity})
	}
	by := func(x, y line) int { return cmp.Or(strings.Compare(x.id, y.id), x.n-y.n) }
	slices.SortFunc(a, by)
	slices.SortFunc(b, by)
	return slices.Equal(a, b)
}

// CreateOrFindCustomer implements API.
func (s *SDK) CreateOrFindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, Outcome, error) {
	return createOrFind(ctx, s, call, "Customers.Create", true,
		func(o pl.CallOption) (*pl.Customer, error) { return s.Client.Customers.Create(ctx, req, o) },
		func() (*pl.Customer, error) { return s.FindCustomer(ctx, req, call) })
}

// CreateOrFindUser implements API.
func (s *SDK) CreateOrFindUser(ctx context.Context, customerID string, req pl.UserCreateRequest, call *Call) (*pl.User, Outcome, error) {
	return createOrFind(ctx, s, call, "Users.Create", true,
		func(o pl.CallOption) (*pl.User, error) { return s.Client.Users.Create(ctx, customerID, req, o) },
		func() (*pl.User, error) { return s.FindUser(ctx, customerID, req.Email, call) })
}

// CreateOrFindNumber implements API.
func (s *SDK) CreateOrFindNumber(ctx context.Context, customerID string, req pl.NumberCreateRequest, call *Call) (*pl.Number, Outcome, error) {
	find := func() (*pl.Number, error) {
		o, resp := opts(call)
		all, err := s.Client.Numbers.List(ctx, customerID, o)
		fill(call, resp)
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i].NumberE164 == strings.TrimPrefix(req.NumberE164, "+") {
				return &all[i], nil
			}
		}
		return nil, notFound("number")
	}
	return createOrFind(ctx, s, call, "Numbers.Create", false,
		func(o pl.CallOption) (*pl.Number, error) { return s.Client.Numbers.Create(ctx, customerID, req, o) }, find)
}

// AllocateNumber implements API.
func (s *SDK) AllocateNumber(ctx context.Context, customerID, numberID, userID string, call *Call) (*pl.Number, error) {
	o, resp := opts(call)
	defer fill(call, resp)
	return s.Client.Numbers.Allocate(ctx, customerID, numberID, userID, o)
}

// CreateOrFindOrder implements API.
func (s *SDK) CreateOrFindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, Outcome, error) {
	o, resp := opts(call)
	ord, err := s.Client.Orders.Create(ctx, customerID, req, o)
	fill(call, resp)
	if err == nil {
		return ord, OutcomeCreated, nil
	}
	if !errors.Is(err, pl.ErrOutcomeUnknown) {
		return nil, "", err
	}
	found, ferr := settle(ctx, s.settleWindow(), func() (*pl.Order, error) { return s.FindOrder(ctx, customerID, req, call) })
	if ferr == nil {
		return found, OutcomeFound, nil
	}
	return nil, "", &VerificationError{Operation: "Orders.Create", Err: err,
		Reason: "the order may or may not have been placed (" + settleReason(ferr) + ")",
		Hint:   "check the customer's orders in the portal; an order is never re-sent automatically"}
}

func (s *SDK) settleWindow() time.Duration { return cmp.Or(s.SettleWindow, 10*time.Second) }

// createOrFind sends create once. After an unknown outcome it looks the
// resource up for the settle window; after an email conflict (when
// adoptOnConflict) it looks it up once and adopts it.
func createOrFind[T any](ctx context.Context, s *SDK, call *Call, op string, adoptOnConflict bool,
	create func(pl.CallOption) (*T, error), find func() (*T, error)) (*T, Outcome, error) {
	o, resp := opts(call)
	v, err := create(o)
	fill(call, resp)
	switch {
	case err == nil:
		return v, OutcomeCreated, nil
	case errors.Is(err, pl.ErrOutcomeUnknown):
		found, ferr := settle(ctx, s.settleWindow(), find)
		if ferr == nil {
			return found, OutcomeFound, nil
		}
		return nil, "", &VerificationError{Operation: op, Err: err,
			Reason: "the create may or may not have happened (" + settleReason(ferr) + ")",
			Hint:   "run apply again: it looks the resource up before creating it"}
	case adoptOnConflict && errors.Is(err, pl.ErrEmailInUse):
		found, ferr := find()
		if ferr == nil {
			return found, OutcomeAdopted, nil
		}
		return nil, "", err
	}
	return nil, "", err
}

// settle polls find until it finds the resource, the window ends or
// find fails with something other than not found.
func settle[T any](ctx context.Context, window time.Duration, find func() (*T, error)) (*T, error) {
	deadline := time.Now().Add(window)
	for delay := time.Second; ; delay *= 2 {
		v, err := find()
		if err == nil || !errors.Is(err, pl.ErrNotFound) || !time.Now().Add(delay).Before(deadline) {
			return v, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func settleReason(err error) string {
	if errors.Is(err, pl.ErrNotFound) {
		return "not found after the settle window"
	}
	return "the lookup failed: " + err.Error()
}

// VerificationError reports a create whose outcome the tool cannot settle;
// it matches phonelineplus.ErrNeedsVerification. (The SDK's own
// VerificationError replaces it when the create-or-find methods land.)
type VerificationError struct {
	Operation, Reason, Hint string
	Err                     error
}

func (e *VerificationError) Error() string {
	return e.Operation + ": needs verification: " + e.Reason
}

// Unwrap returns ErrNeedsVerification and the cause.
func (e *VerificationError) Unwrap() []error { return []error{pl.ErrNeedsVerification, e.Err} }
