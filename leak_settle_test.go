package phonelineplus_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

// TestNoSecretInSettleErrors: the errors of the lookups and of
// create-or-find quote the errors they settle (an unknown outcome, a
// failed lookup), and the resources they find carry SIP passwords; none of
// it may print a secret, a token or a SIP password, in any form or log.
func TestNoSecretInSettleErrors(t *testing.T) {
	t.Parallel()
	echo := `{"message":"secret ` + leakSecret + ` token ` + leakJWT + `","destination":{"sipPassword":"` + leakSIP + `"}}`
	hardware := `{"customerID":"c1","userID":"u1","companyName":"Acme Ltd","email":"alex@acme.example","plan":"hardware_only",` +
		`"number":{"numberE164":"441614960000"},"destination":{"sipID":"plp1","sipPassword":"` + leakSIP + `"}}`
	customer := plp.CustomerCreateRequest{Plan: plp.PlanStandard, CompanyName: "Acme Ltd", FullName: "Alex Example",
		ContactNumber: "0161 496 0000", Email: "alex@acme.example"}
	order := plp.OrderCreateRequest{DeliveryAddress: plp.DeliveryAddress{Line1: "1 High St", Town: "Leeds", Postcode: "LS1 1AA"},
		Products: []plp.OrderItem{{ID: "p1", Quantity: 1}}, Name: "Alex", Email: "alex@acme.example", PhoneNumber: "0113 496 0000"}
	cases := []struct {
		name  string
		setup func(mt *httpmock.MockTransport)
		call  func(ctx context.Context, c *plp.Client) (any, error)
		want  error
	}{
		{"unknown outcome, then the lookup fails", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodPost, respBase+"/customers", respJSON(500, echo))
			mt.RegisterResponder(http.MethodGet, respBase+"/customers", respJSON(403, echo))
		}, func(ctx context.Context, c *plp.Client) (any, error) { return c.Customers.CreateOrFind(ctx, customer) }, plp.ErrOutcomeUnknown},
		{"found after an unknown outcome, with a SIP password", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodPost, respBase+"/customers", respJSON(500, echo))
			mt.RegisterResponder(http.MethodGet, respBase+"/customers", respJSON(200, `{"data":[`+hardware+`],"count":1}`))
		}, func(ctx context.Context, c *plp.Client) (any, error) {
			req := customer
			req.Plan, req.Email, req.Number = plp.PlanHardwareOnly, "", plp.NumberRef{NumberE164: "0161 496 0000"}
			req.Address = plp.Address{Premises: "1", Street: "High St", Town: "Manchester", Postcode: "M1 1AA"}
			return c.Customers.CreateOrFind(ctx, req)
		}, nil},
		{"an order that cannot be settled", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodPost, respBase+"/customers/c1/orders", respJSON(502, echo))
			mt.RegisterResponder(http.MethodGet, respBase+"/customers/c1/orders", respJSON(200, `{"data":[],"count":0}`))
		}, func(ctx context.Context, c *plp.Client) (any, error) { return c.Orders.CreateOrFind(ctx, "c1", order) }, plp.ErrNeedsVerification},
		{"a device that cannot be looked up", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodPost, respBase+"/customers/c1/users/u1/devices", respJSON(500, echo))
		}, func(ctx context.Context, c *plp.Client) (any, error) {
			return c.Devices.CreateOrFind(ctx, "c1", "u1", plp.DeviceCreateRequest{Brand: plp.BrandOther, Name: "Softphone"})
		}, plp.ErrNeedsVerification},
		{"a user created without an ID, and the lookup fails", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodPost, respBase+"/customers/c1/users", respJSON(201, `{"email":"sam@acme.example"}`))
			mt.RegisterResponder(http.MethodGet, respBase+"/customers/c1/users/", respJSON(500, echo))
		}, func(ctx context.Context, c *plp.Client) (any, error) {
			return c.Users.CreateOrFind(ctx, "c1", plp.UserCreateRequest{Type: plp.UserStandard, FullName: "Sam", Email: "sam@acme.example"})
		}, plp.ErrNeedsVerification},
		{"a Find whose list fails", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodGet, respBase+"/customers", respJSON(400, echo))
		}, func(ctx context.Context, c *plp.Client) (any, error) {
			return c.Customers.FindByEmail(ctx, "alex@acme.example")
		}, plp.ErrBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := leakServer()
			tc.setup(mt)
			var logs syncBuffer
			c := leakClient(t, mt, &logs, plp.WithSettleWindow(0))
			got, err := tc.call(t.Context(), c)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
				leakPrint(t, "error", err)
				var ve *plp.VerificationError
				if errors.As(err, &ve) {
					leakPrint(t, "VerificationError", *ve)
				}
			}
			leakPrint(t, "result", got)
			if e, ok := got.(*plp.Ensured[plp.Customer]); ok && e != nil {
				leakPrint(t, "found customer", *e.Resource)
				assert.Equal(t, leakSIP, e.Resource.Destination.SIPPassword.Reveal(), "the found customer keeps its SIP password")
			}
			assertNoLeak(t, "logs", logs.String())
		})
	}
}
