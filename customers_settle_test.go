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

var settleCustomer = plp.CustomerCreateRequest{
	Plan: plp.PlanStandard, CompanyName: "Acme Widgets Ltd", FullName: "Alex Morgan",
	ContactNumber: "07700 900123", Email: "alex.morgan@acme.example",
}

func countCustomers(e *settleEnv, match func(c plp.Customer) bool) int {
	return countOf(match)(e.rival.Customers.List(context.Background()))
}

func TestCustomersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "Customers.CreateOrFind", method: "POST", path: "/customers",
		setup: func(*testing.T, *settleEnv) fixture { return fixture{} },
		run: func(ctx context.Context, e *settleEnv, _ fixture) (plp.Outcome, string, error) {
			return unpack(e.client.Customers.CreateOrFind(ctx, settleCustomer))
		},
		rival: func(t *testing.T, e *settleEnv, _ fixture) {
			req := settleCustomer
			req.CompanyName = "Someone Else Ltd"
			_, err := e.rival.Customers.Create(context.Background(), req)
			require.NoError(t, err)
		},
		count: func(e *settleEnv, _ fixture) int {
			return countCustomers(e, func(c plp.Customer) bool { return strings.EqualFold(c.Email, settleCustomer.Email) })
		},
		conflict: plp.ErrEmailInUse,
	})
}

// A customer found after an unknown outcome that differs from the request
// is someone else's: the SDK neither adopts it nor sends the create again.
func TestCustomersCreateOrFindMatchDiffers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost)
		req := settleCustomer
		req.CompanyName = "Someone Else Ltd"
		theirs, err := e.rival.Customers.Create(t.Context(), req)
		require.NoError(t, err)

		_, err = e.client.Customers.CreateOrFind(t.Context(), settleCustomer)

		ve := assertVerification(t, err, "Customers.CreateOrFind", plp.ErrOutcomeUnknown)
		assert.Contains(t, ve.Reason, theirs.ID)
		assert.Contains(t, ve.Reason, "companyName")
		assert.Equal(t, 1, e.script.creates())
	})
}

// A hardware-only customer without email is looked up by its number, and
// the in-flight answer to a resend is a conflict that can be ours.
func TestCustomersCreateOrFindByNumber(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", held, releasePrevious)
		avail, err := e.client.Numbers.ListAvailable(t.Context(), plp.AvailableNumbersOptions{NumberType: plp.NumberTypeGeographic, AreaCode: "0161"})
		require.NoError(t, err)
		require.NotEmpty(t, avail)
		req := plp.CustomerCreateRequest{
			Plan: plp.PlanHardwareOnly, CompanyName: "Northern Widgets Ltd", FullName: "Sam Taylor", ContactNumber: "0161 496 0000",
			Address: plp.Address{Premises: "Unit 4", Street: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"},
			Number:  plp.NumberRef{NumberE164: "0" + avail[0].NumberE164[2:]}, // national form: compared through the parser
		}

		got, err := e.client.Customers.CreateOrFind(t.Context(), req)

		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeAdopted, got.Outcome)
		assert.Equal(t, avail[0].NumberE164, got.Resource.Number.NumberE164)
		assert.Equal(t, 2, e.script.creates())
		assert.Equal(t, 1, countCustomers(e, func(c plp.Customer) bool { return c.CompanyName == req.CompanyName }))
	})
}

// With neither email nor number, the key is company, contact and
// postcode: two customers alike are refused, never guessed between.
func TestCustomersCreateOrFindByContactAmbiguous(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers", lost)
		req := plp.CustomerCreateRequest{
			Plan: plp.PlanHardwareOnlyCP, CompanyName: "Northern Widgets Ltd", FullName: "Sam Taylor", ContactNumber: "0161 496 0000",
			Address: plp.Address{Premises: "Unit 4", Street: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"},
		}
		for range 2 {
			twin := req
			twin.CompanyName = "  northern widgets LTD " // the same, as a person types it
			twin.Address.Postcode = "m32bw"
			_, err := e.rival.Customers.Create(t.Context(), twin)
			require.NoError(t, err)
		}

		_, err := e.client.Customers.CreateOrFind(t.Context(), req)

		assertVerification(t, err, "Customers.CreateOrFind", plp.ErrAmbiguous, plp.ErrOutcomeUnknown)
		assert.Equal(t, 1, e.script.creates())
	})
}

func TestCustomersFind(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers")
		created, err := e.client.Customers.Create(t.Context(), settleCustomer)
		require.NoError(t, err)
		ctx := t.Context()

		got, err := e.client.Customers.FindByEmail(ctx, "  Alex.MORGAN@acme.example")
		require.NoError(t, err)
		assert.Equal(t, created.ID, got.ID)

		got, err = e.client.Customers.FindByContact(ctx, plp.CustomerContact{CompanyName: "acme widgets ltd", FullName: "Alex  Morgan", Postcode: "M3 2BW"})
		assert.ErrorIs(t, err, plp.ErrNotFound, "a Standard customer without address has no postcode")
		assert.Nil(t, got)

		_, err = e.client.Customers.FindByEmail(ctx, "nobody@acme.example")
		assert.ErrorIs(t, err, plp.ErrNotFound)
		assert.Equal(t, plp.CategoryNotFound, plp.CategoryOf(err))
		var apiErr *plp.APIError
		assert.NotErrorAs(t, err, &apiErr, "no match is not an API error")
		assert.NotContains(t, err.Error(), "nobody", "the error does not repeat what was looked for")

		_, err = e.client.Customers.FindByNumber(ctx, "0161 496 0999")
		assert.ErrorIs(t, err, plp.ErrNotFound)

		lists := e.script.listCount()
		_, err = e.client.Customers.FindByEmail(ctx, "not an email")
		var ve *plp.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "email", ve.Field)
		_, err = e.client.Customers.FindByContact(ctx, plp.CustomerContact{CompanyName: "Acme", FullName: "Alex"})
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "postcode", ve.Field)
		_, err = e.client.Customers.CreateOrFind(ctx, plp.CustomerCreateRequest{Plan: plp.PlanStandard})
		assert.ErrorIs(t, err, plp.ErrValidation)
		_, err = e.client.Customers.CreateOrFind(ctx, settleCustomer, plp.WithCallSettleWindow(-1))
		assert.ErrorIs(t, err, plp.ErrValidation)
		assert.Equal(t, lists, e.script.listCount(), "bad input sends nothing")
		assert.Equal(t, 1, e.script.creates(), "bad input sends nothing")
	})
}
