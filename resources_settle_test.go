package phonelineplus_test

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

// The create-or-find scenarios for the creates other than customers and
// users (customers_settle_test.go, users_settle_test.go).

var settlePartnerUser = plp.PartnerUserCreateRequest{FullName: "Jo Bloggs", Email: "jo.bloggs@partner.example"}

func TestPartnerUsersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "PartnerUsers.CreateOrFind", method: "POST", path: "/users",
		setup: func(*testing.T, *settleEnv) fixture { return fixture{} },
		run: func(ctx context.Context, e *settleEnv, _ fixture) (plp.Outcome, string, error) {
			return unpack(e.client.PartnerUsers.CreateOrFind(ctx, settlePartnerUser))
		},
		rival: func(t *testing.T, e *settleEnv, _ fixture) {
			req := settlePartnerUser
			req.FullName = "Someone Else"
			_, err := e.rival.PartnerUsers.Create(context.Background(), req)
			require.NoError(t, err)
		},
		count: func(e *settleEnv, _ fixture) int {
			return countOf(func(u plp.PartnerUser) bool { return strings.EqualFold(u.Email, settlePartnerUser.Email) })(
				e.rival.PartnerUsers.List(context.Background()))
		},
		conflict: plp.ErrEmailInUse,
	})
}

// withNumber makes a customer and picks an available number for it.
func withNumber(t *testing.T, e *settleEnv) fixture {
	t.Helper()
	fx := withCustomer(t, e)
	avail, err := e.rival.Numbers.ListAvailable(context.Background(), plp.AvailableNumbersOptions{NumberType: plp.NumberTypeGeographic, AreaCode: "020"})
	require.NoError(t, err)
	require.NotEmpty(t, avail)
	fx.number = avail[0].NumberE164
	return fx
}

func TestNumbersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "Numbers.CreateOrFind", method: "POST", path: "/customers/*/numbers",
		setup: withNumber,
		run: func(ctx context.Context, e *settleEnv, fx fixture) (plp.Outcome, string, error) {
			// Written as a person would: the parser makes it the same number.
			national := "0" + fx.number[2:4] + " " + fx.number[4:8] + " " + fx.number[8:]
			got, err := e.client.Numbers.CreateOrFind(ctx, fx.customerID, plp.NumberCreateRequest{NumberE164: national})
			if err == nil {
				assert.Equal(t, fx.number, got.Resource.NumberE164)
			}
			return unpack(got, err)
		},
		// Another customer takes the number.
		rival: func(t *testing.T, e *settleEnv, fx fixture) {
			req := settleCustomer
			req.Email, req.CompanyName = "other@other.example", "Other Co"
			other, err := e.rival.Customers.Create(context.Background(), req)
			require.NoError(t, err)
			_, err = e.rival.Numbers.Create(context.Background(), other.ID, plp.NumberCreateRequest{NumberE164: fx.number})
			require.NoError(t, err)
		},
		count: func(e *settleEnv, fx fixture) int {
			n := 0
			for _, c := range e.srv.Customers() {
				for _, num := range e.srv.Numbers(c.CustomerID) {
					if num.NumberE164 == fx.number {
						n++
					}
				}
			}
			return n
		},
		conflict: plp.ErrNumberInFlight,
	})
}

var settleBlock = plp.BlockedNumberRequest{NumberE164: "+1 202 555 0143", Direction: plp.BlockInbound, Description: "nuisance calls"}

func countBlocked(e *settleEnv, customerID string) int {
	return countOf(func(b plp.BlockedNumber) bool { return b.NumberE164 == "12025550143" })(
		e.rival.BlockedNumbers.List(context.Background(), customerID))
}

// The API is not known to refuse a number blocked twice, so there is no
// conflict to adopt or return: the other scenarios apply.
func TestBlockedNumbersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "BlockedNumbers.CreateOrFind", method: "POST", path: "/customers/*/blocked-numbers",
		setup: withCustomer,
		run: func(ctx context.Context, e *settleEnv, fx fixture) (plp.Outcome, string, error) {
			return unpack(e.client.BlockedNumbers.CreateOrFind(ctx, fx.customerID, settleBlock))
		},
		count: func(e *settleEnv, fx fixture) int { return countBlocked(e, fx.customerID) },
	})
}

// An entry for the number with another direction, found after an unknown
// outcome, is not taken for ours.
func TestBlockedNumbersCreateOrFindMatchDiffers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/blocked-numbers", lost)
		fx := withCustomer(t, e)
		other := settleBlock
		other.Direction = plp.BlockOutbound
		_, err := e.rival.BlockedNumbers.Create(t.Context(), fx.customerID, other)
		require.NoError(t, err)

		_, err = e.client.BlockedNumbers.CreateOrFind(t.Context(), fx.customerID, settleBlock)

		ve := assertVerification(t, err, "BlockedNumbers.CreateOrFind", plp.ErrOutcomeUnknown)
		assert.Contains(t, ve.Reason, "direction")
		assert.Equal(t, 1, e.script.creates())
		assert.Equal(t, 1, countBlocked(e, fx.customerID))
	})
}

// withProduct makes a customer and picks a product to order.
func withProduct(t *testing.T, e *settleEnv) fixture {
	t.Helper()
	fx := withCustomer(t, e)
	products := e.srv.Products()
	require.NotEmpty(t, products)
	fx.productID = products[0].ID
	return fx
}

func settleOrder(fx fixture) plp.OrderCreateRequest {
	return plp.OrderCreateRequest{
		DeliveryAddress: plp.DeliveryAddress{Line1: "Unit 4", Town: "Manchester", Postcode: "M3 2BW"},
		Products:        []plp.OrderItem{{ID: fx.productID, Quantity: 2}},
		Name:            "Sam Taylor", Email: "sam.taylor@acme.example", PhoneNumber: "0161 496 0000",
	}
}

// Orders are never sent twice: an order that stays absent is for a person
// to check, as are two matches.
func TestOrdersCreateOrFind(t *testing.T) {
	t.Parallel()
	runScenarios(t, subject{
		op: "Orders.CreateOrFind", method: "POST", path: "/customers/*/orders",
		setup: withProduct,
		run: func(ctx context.Context, e *settleEnv, fx fixture) (plp.Outcome, string, error) {
			return unpack(e.client.Orders.CreateOrFind(ctx, fx.customerID, settleOrder(fx)))
		},
		count: func(e *settleEnv, fx fixture) int {
			return countOf(func(plp.Order) bool { return true })(e.rival.Orders.List(context.Background(), fx.customerID))
		},
		once: true,
	})
}

// An identical order placed an hour before is not taken for the one whose
// outcome is unknown: the API says when each was created.
func TestOrdersCreateOrFindSkipsOlderTwin(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/orders", through, commitAfter(0))
		fx := withProduct(t, e)
		old, err := e.client.Orders.Create(t.Context(), fx.customerID, settleOrder(fx))
		require.NoError(t, err)
		time.Sleep(time.Hour)

		got, err := e.client.Orders.CreateOrFind(t.Context(), fx.customerID, settleOrder(fx))

		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeFound, got.Outcome)
		assert.NotEqual(t, old.ID, got.Resource.ID)

		// Without a time bound both match.
		_, err = e.client.Orders.FindMatching(t.Context(), fx.customerID, settleOrder(fx))
		assert.ErrorIs(t, err, plp.ErrAmbiguous)
		_, err = e.client.Orders.FindMatching(t.Context(), fx.customerID, settleOrder(fx), plp.WithCreatedAfter(time.Now().Add(-time.Minute)))
		assert.NoError(t, err)
		_, err = e.client.Orders.FindMatching(t.Context(), fx.customerID, settleOrder(fx), plp.WithCreatedAfter(time.Now().Add(time.Minute)))
		assert.ErrorIs(t, err, plp.ErrNotFound)
		other := settleOrder(fx)
		other.Products[0].Quantity = 1
		_, err = e.client.Orders.FindMatching(t.Context(), fx.customerID, other)
		assert.ErrorIs(t, err, plp.ErrNotFound, "another quantity is another order")
	})
}

func TestDevicesCreateOrFind(t *testing.T) {
	t.Parallel()
	yealink := plp.DeviceCreateRequest{Brand: plp.BrandYealink, Model: "T46S", MACAddress: "001565123456"}
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/users/*/devices", commitAfter(0), through, commitAfter(0))
		fx := withCustomer(t, e)

		_, err := e.client.Devices.CreateOrFind(t.Context(), fx.customerID, fx.userID, yealink)

		ve := assertVerification(t, err, "Devices.CreateOrFind", plp.ErrOutcomeUnknown)
		for _, want := range []string{fx.customerID, fx.userID, "Yealink T46S", "00:15:65:12:34:56", "portal"} {
			assert.Contains(t, ve.Hint, want)
		}
		assert.Equal(t, 1, e.script.creates(), "never sent again")
		assert.Zero(t, e.script.listCount(), "nothing to look up")

		byod, err := e.client.Devices.CreateOrFind(t.Context(), fx.customerID, fx.userID,
			plp.DeviceCreateRequest{Brand: plp.BrandOther, Name: "Reception softphone"})
		require.NoError(t, err)
		assert.Equal(t, plp.OutcomeCreated, byod.Outcome)
		assert.NotEmpty(t, byod.Resource.ID)
		require.NotEmpty(t, byod.Resource.SIPPassword.Reveal())

		_, err = e.client.Devices.CreateOrFind(t.Context(), fx.customerID, fx.userID,
			plp.DeviceCreateRequest{Brand: plp.BrandOther, Name: "Back office"})
		ve = assertVerification(t, err, "Devices.CreateOrFind", plp.ErrOutcomeUnknown)
		assert.Contains(t, ve.Hint, `"Back office"`)
		assert.NotContains(t, err.Error(), byod.Resource.SIPPassword.Reveal())
	})
}

func TestProductsFindBySKU(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/none")
		want, ok := e.srv.Product("W73P")
		require.True(t, ok)

		got, err := e.client.Products.FindBySKU(t.Context(), "w73p")
		require.NoError(t, err)
		assert.Equal(t, want.ID, got.ID)

		_, err = e.client.Products.FindBySKU(t.Context(), "NOPE")
		assert.ErrorIs(t, err, plp.ErrNotFound)
		e.script.dupLists = true
		_, err = e.client.Products.FindBySKU(t.Context(), "W73P")
		assert.ErrorIs(t, err, plp.ErrAmbiguous)
		assert.Contains(t, err.Error(), want.ID+"-copy")

		lists := e.script.listCount()
		_, err = e.client.Products.FindBySKU(t.Context(), "W73P; drop")
		assert.ErrorIs(t, err, plp.ErrValidation)
		assert.Equal(t, lists, e.script.listCount())
	})
}

func TestNumbersFindByNumber(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newSettleEnv(t, "POST", "/customers/*/numbers")
		fx := withNumber(t, e)
		n, err := e.client.Numbers.Create(t.Context(), fx.customerID, plp.NumberCreateRequest{NumberE164: fx.number})
		require.NoError(t, err)
		b, err := e.client.BlockedNumbers.Create(t.Context(), fx.customerID, settleBlock)
		require.NoError(t, err)

		got, err := e.client.Numbers.FindByNumber(t.Context(), fx.customerID, "+"+fx.number)
		require.NoError(t, err)
		assert.Equal(t, n.ID, got.ID)
		gotB, err := e.client.BlockedNumbers.FindByNumber(t.Context(), fx.customerID, "+12025550143")
		require.NoError(t, err)
		assert.Equal(t, b.ID, gotB.ID)

		_, err = e.client.Numbers.FindByNumber(t.Context(), fx.customerID, "0161 496 0999")
		assert.ErrorIs(t, err, plp.ErrNotFound)
		_, err = e.client.BlockedNumbers.FindByNumber(t.Context(), fx.customerID, "+44 161 496 0999")
		assert.ErrorIs(t, err, plp.ErrNotFound)
		_, err = e.client.Numbers.FindByNumber(t.Context(), fx.customerID, "12345")
		assert.ErrorIs(t, err, plp.ErrValidation)
	})
}
