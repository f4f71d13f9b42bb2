package cli

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func availableOpts(area string) phonelineplus.AvailableNumbersOptions {
	return phonelineplus.AvailableNumbersOptions{NumberType: phonelineplus.NumberTypeGeographic, AreaCode: area}
}

// seed creates one hardware-only customer with a line number, a second
// user with a DDI, and an order, and returns their IDs.
func seed(t *testing.T, h *harness) (cust *phonelineplus.Customer, user *phonelineplus.User, order *phonelineplus.Order) {
	t.Helper()
	ctx := t.Context()
	c := h.client()
	avail, err := c.Numbers.ListAvailable(ctx, availableOpts("0161"))
	require.NoError(t, err)
	addr := phonelineplus.Address{Premises: "Unit 1", Street: "Dale Street", Town: "Manchester", Postcode: "M1 1AA"}
	cust, err = c.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanHardwareOnly, Address: addr, CompanyName: "Acme, \"Widgets\" Ltd", FullName: "Ada Lovelace",
		ContactNumber: "07700900123", Number: phonelineplus.NumberRef{NumberE164: avail[0].NumberE164}, Email: "ada@acme.example",
	})
	require.NoError(t, err)
	user, err = c.Users.Create(ctx, cust.ID, phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: "Bob Smith", Email: "bob@acme.example", PhoneNumber: avail[1].NumberE164,
	})
	require.NoError(t, err)
	products, err := c.Products.List(ctx)
	require.NoError(t, err)
	order, err = c.Orders.Create(ctx, cust.ID, phonelineplus.OrderCreateRequest{
		DeliveryAddress: phonelineplus.DeliveryAddress{Line1: "Unit 1", Town: "Manchester", Postcode: "M1 1AA"},
		Products:        []phonelineplus.OrderItem{{ID: products[0].ID, Quantity: 2}},
		Name:            "Ada Lovelace", Email: "ada@acme.example", PhoneNumber: "07700900123",
	})
	require.NoError(t, err)
	return cust, user, order
}

func TestEverydayCommandsInEveryFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cust, user, order := seed(t, h)
	cases := []struct {
		args    []string
		columns []string
		want    map[string]string // column -> a value one of the rows has
	}{
		{[]string{"customers", "list"}, customerColumns, map[string]string{"id": cust.ID, "company_name": `Acme, "Widgets" Ltd`, "plan": "hardware_only"}},
		{[]string{"customers", "get", cust.ID}, nil, map[string]string{"id": cust.ID, "user_id": cust.UserID, "town": "Manchester", "sip_id": cust.Destination.SIPID}},
		{[]string{"users", "list", cust.ID}, []string{"id", "full_name", "email", "type", "phone_number", "status"}, map[string]string{"email": "bob@acme.example", "id": user.ID}},
		{[]string{"numbers", "list", cust.ID}, []string{"id", "number", "type", "allocated_to"}, map[string]string{"number": cust.Number.NumberE164}},
		{[]string{"numbers", "available", "--area", "0161"}, []string{"number", "type"}, map[string]string{"type": "standard_geographic"}},
		{[]string{"products", "list"}, []string{"id", "sku", "name", "make", "category", "unit_cost"}, map[string]string{"sku": "T46S"}},
		{[]string{"orders", "list"}, []string{"id", "order_number", "customer_id", "status", "created", "products"}, map[string]string{"id": order.ID, "customer_id": cust.ID}},
		{[]string{"orders", "list", cust.ID}, nil, map[string]string{"id": order.ID}},
		{[]string{"stats"}, []string{"customers", "users", "numbers", "orders"}, nil},
	}
	for _, tc := range cases {
		name := strings.Join(tc.args, " ")
		// JSON: an array of objects keyed by column.
		r := h.run(append(tc.args, "--output", "json")...)
		require.Equal(t, exitcode.OK, r.code, "%s: %s", name, r.stderr)
		var rows []map[string]string
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), name)
		require.NotEmpty(t, rows, name)
		for col, v := range tc.want {
			assert.True(t, slices.ContainsFunc(rows, func(r map[string]string) bool { return r[col] == v }), "%s: no row has %s=%s", name, col, v)
		}
		// CSV: the same columns and values.
		r = h.run(append(tc.args, "-o", "csv")...)
		require.Equal(t, exitcode.OK, r.code, name)
		records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		require.NoError(t, err, name)
		require.Len(t, records, len(rows)+1, name)
		if tc.columns != nil {
			assert.Equal(t, tc.columns, records[0], name)
		}
		for col, v := range tc.want {
			i := slices.Index(records[0], col)
			require.GreaterOrEqual(t, i, 0, name)
			assert.True(t, slices.ContainsFunc(records[1:], func(r []string) bool { return r[i] == v }), "%s: no row has %s=%s", name, col, v)
		}
		// Table: the upper-cased header and the values.
		r = h.run(tc.args...)
		require.Equal(t, exitcode.OK, r.code, name)
		assert.Contains(t, r.stdout, strings.ToUpper(records[0][0]), name)
		for _, v := range tc.want {
			assert.Contains(t, r.stdout, v, name)
		}
		assert.Empty(t, r.stderr, "%s: results only on stdout", name)
	}
	r := h.run("stats", "-o", "json")
	var stats []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &stats))
	assert.Equal(t, "1", stats[0]["customers"])
}

func TestEverydayCommandErrorsHaveTheirExitCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("customers", "get", "no-such-customer")
	assert.Equal(t, exitcode.Failures, r.code)
	assert.Contains(t, r.stderr, "error: ")
	assert.Contains(t, r.stderr, "not found")

	r = h.run("numbers", "available")
	assert.Equal(t, exitcode.Usage, r.code)
	assert.Contains(t, r.stderr, "give --area")

	r = h.run("numbers", "available", "--area", "0999")
	assert.Equal(t, exitcode.Usage, r.code, "the SDK's validation: nothing sent")
	assert.Contains(t, r.stderr, "invalid areaCode")

	r = h.run("customers", "get", "..")
	assert.Equal(t, exitcode.Usage, r.code)

	h.env[EnvSecret] = "wrong-secret"
	r = h.run("customers", "list")
	assert.Equal(t, exitcode.Auth, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "wrong-secret")
}
