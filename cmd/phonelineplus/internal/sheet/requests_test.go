package sheet

import (
	"testing"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRowsBecomeSDKRequests(t *testing.T) {
	t.Parallel()
	b := baseBook()
	b.add(SheetOrders, row("o1", "", "W73P", "1", "acme-bob")) // a second W73P for the same user
	wb, err := Read(b.csvDir(t), Options{})
	require.NoError(t, err)
	require.Empty(t, wb.Problems)

	c := wb.Customers[0].Request()
	assert.Equal(t, phonelineplus.PlanHardwareOnly, c.Plan)
	assert.Equal(t, "M1 1AA", c.Address.Postcode)
	assert.Empty(t, c.Number.NumberE164, "taken from the pool of area_code by the caller")

	u := wb.Users[1].Request()
	assert.Equal(t, phonelineplus.UserAdmin, u.Type)
	assert.Equal(t, "01614960001", u.PhoneNumber)

	o := &wb.Orders[0]
	skus, qty := o.Products()
	assert.Equal(t, []string{"W73P", "T46S"}, skus)
	assert.Equal(t, map[string]int{"W73P": 2, "T46S": 2}, qty)
	req, err := o.Request(
		func(sku string) (string, bool) { return "id-" + sku, true },
		func(ref string) (string, bool) { return "uid-" + ref, true })
	require.NoError(t, err)
	assert.Equal(t, []phonelineplus.OrderItem{{ID: "id-W73P", Quantity: 2}, {ID: "id-T46S", Quantity: 2}}, req.Products)
	assert.Equal(t, map[string][]phonelineplus.SKUUser{"W73P": {{UserID: "uid-acme-bob"}, {UserID: "uid-acme-bob"}}}, req.SKUToUserMapping)
	assert.Equal(t, "Unit 1", req.DeliveryAddress.Line1)
	assert.Equal(t, "ada@acme.example", req.Email)

	_, err = o.Request(func(string) (string, bool) { return "", false }, nil)
	assert.EqualError(t, err, `order "o1": no product has the SKU "W73P"`)
	_, err = o.Request(func(string) (string, bool) { return "x", true }, func(string) (string, bool) { return "", false })
	assert.EqualError(t, err, `order "o1": user "acme-bob" has no ID yet`)
}
