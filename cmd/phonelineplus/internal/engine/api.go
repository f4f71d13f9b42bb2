package engine

import (
	"context"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// Outcome says how a create step ended when it succeeded.
type Outcome string

// The outcomes of a successful step, as the SDK's create-or-find names
// them, plus the engine's own "adopted" for a row matched to an existing
// resource before anything was sent.
const (
	OutcomeCreated Outcome = "created" // this run created it
	OutcomeFound   Outcome = "found"   // it existed after an unknown outcome (or an unsettled intent)
	OutcomeAdopted Outcome = "adopted" // it already existed (a match by natural key, or the conflict our own attempt caused)
)

// Call is what one SDK call reports about itself: the request ID to quote
// about it and how many HTTP requests it sent (SDK fills it through its
// client's Hooks).
type Call struct {
	RequestID string
	Attempts  int

	failed bool // an operation of the call failed: RequestID is its
}

// API is the part of the SDK the engine uses: lists to match rows with
// what exists, lookups by natural key to settle unknown outcomes, and
// create-or-find for every create. SDK adapts a *phonelineplus.Client;
// tests may give anything else.
//
// Every method fills call (when not nil) with what it learnt of the
// request, on success and on failure alike.
type API interface {
	ListProducts(ctx context.Context, call *Call) ([]pl.Product, error)
	ListCustomers(ctx context.Context, call *Call) ([]pl.Customer, error)
	ListUsers(ctx context.Context, customerID string, call *Call) ([]pl.User, error)
	ListAvailable(ctx context.Context, opts pl.AvailableNumbersOptions, call *Call) ([]pl.AvailableNumber, error)
	ListPartnerUsers(ctx context.Context, call *Call) ([]pl.PartnerUser, error)

	// FindCustomer looks up the customer req would create: by email,
	// else by number, else by contact; an error matching
	// phonelineplus.ErrNotFound when there is none.
	FindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, error)
	FindUser(ctx context.Context, customerID, email string, call *Call) (*pl.User, error)
	FindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, error)

	CreateOrFindCustomer(ctx context.Context, req pl.CustomerCreateRequest, call *Call) (*pl.Customer, Outcome, error)
	CreateOrFindUser(ctx context.Context, customerID string, req pl.UserCreateRequest, call *Call) (*pl.User, Outcome, error)
	CreateOrFindNumber(ctx context.Context, customerID string, req pl.NumberCreateRequest, call *Call) (*pl.Number, Outcome, error)
	AllocateNumber(ctx context.Context, customerID, numberID, userID string, call *Call) (*pl.Number, error)
	// CreateOrFindOrder never re-sends an order: an unknown outcome it
	// cannot settle is an error matching phonelineplus.ErrNeedsVerification.
	CreateOrFindOrder(ctx context.Context, customerID string, req pl.OrderCreateRequest, call *Call) (*pl.Order, Outcome, error)
}
