package phonelineplus_test

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

var settleUser = plp.UserCreateRequest{Type: plp.UserStandard, FullName: "Sam Taylor", Email: "sam.taylor@acme.example"}

// withCustomer makes the customer the user belongs to.
func withCustomer(t *testing.T, e *settleEnv) fixture {
	t.Helper()
	c, err := e.rival.Customers.Create(context.Background(), settleCustomer)
	require.NoError(t, err)
	return fixture{customerID: c.ID, userID: c.UserID}
}

func countUsers(e *settleEnv, customerID, email string) int {
	return countOf(func(u plp.User) bool { return strings.EqualFold(u.Email, email) })(e.rival.Users.List(context.Background(), customerID))
}

func TestUsersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "Users.CreateOrFind", method: "POST", path: "/customers/*/users",
		setup: withCustomer,
		run: func(ctx context.Context, e *settleEnv, fx fixture) (plp.Outcome, string, error) {
			return unpack(e.client.Users.CreateOrFind(ctx, fx.customerID, settleUser))
		},
		// An admin of the customer added a user with that email under
		// another name, in the portal.
		rival: func(t *testing.T, e *settleEnv, fx fixture) {
			req := settleUser
			req.FullName = "Someone Else"
			_, err := e.rival.Users.Create(context.Background(), fx.customerID, req)
			require.NoError(t, err)
		},
		count:    func(e *settleEnv, fx fixture) int { return countUsers(e, fx.customerID, settleUser.Email) },
		conflict: plp.ErrEmailInUse,
	})
}

// A create answered without the user's ID (seen on the real API) is
// completed by the lookup.
func TestUsersCreateOrFindResponseWithoutID(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/users", withoutID)
		fx := withCustomer(t, e)

		got, err := e.client.Users.CreateOrFind(t.Context(), fx.customerID, settleUser)

		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeCreated, got.Outcome)
		users := e.srv.Users(fx.customerID)
		var want string
		for _, u := range users {
			if u.Email == settleUser.Email {
				want = u.ID
			}
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got.Resource.ID)
		assert.Equal(t, 1, e.script.creates())
		assert.Equal(t, 1, e.script.listCount())
	})
}

// The user's email is held by someone on another customer: the lookup in
// this customer finds nothing, so the conflict is returned.
func TestUsersCreateOrFindEmailHeldElsewhere(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/users", lost)
		fx := withCustomer(t, e)
		e.script.steps = append(e.script.steps, othersFirst(func() {
			other := settleCustomer
			other.Email = settleUser.Email
			other.CompanyName = "Other Co"
			_, err := e.rival.Customers.Create(context.Background(), other)
			require.NoError(t, err)
		}))

		_, err := e.client.Users.CreateOrFind(t.Context(), fx.customerID, settleUser)

		assert.ErrorIs(t, err, plp.ErrEmailInUse)
		assert.NotErrorIs(t, err, plp.ErrNeedsVerification)
		assert.Equal(t, 2, e.script.creates())
		assert.Zero(t, countUsers(e, fx.customerID, settleUser.Email))
	})
}

func TestUsersFindByEmail(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/users")
		fx := withCustomer(t, e)
		u, err := e.client.Users.Create(t.Context(), fx.customerID, settleUser)
		require.NoError(t, err)

		got, err := e.client.Users.FindByEmail(t.Context(), fx.customerID, "SAM.Taylor@acme.example")
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)

		_, err = e.client.Users.FindByEmail(t.Context(), fx.customerID, "nobody@acme.example")
		assert.ErrorIs(t, err, plp.ErrNotFound)

		lists := e.script.listCount()
		_, err = e.client.Users.FindByEmail(t.Context(), "", settleUser.Email)
		assert.ErrorIs(t, err, plp.ErrValidation)
		_, err = e.client.Users.CreateOrFind(t.Context(), "", settleUser)
		assert.ErrorIs(t, err, plp.ErrValidation)
		assert.Equal(t, lists, e.script.listCount(), "bad input sends nothing")
	})
}
