package phonelineplustest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultPoolServesEveryAreaCode(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	codes := c.must(http.StatusOK, http.MethodGet, "/numbers/area-codes", nil).items(t)
	got := map[string]any{}
	for _, a := range codes {
		got[a["areaCode"].(string)] = a["name"]
	}
	assert.Equal(t, map[string]any{"44161": "Manchester", "4420": "London", "44121": "Birmingham",
		"44113": "Leeds", "44131": "Edinburgh"}, got)
	for code := range got {
		assert.GreaterOrEqual(t, srv.AvailableNumbers(code), 200, code)
		items := c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode="+code, nil).items(t)
		require.NotEmpty(t, items, code)
		for _, it := range items {
			assert.True(t, strings.HasPrefix(it["numberE164"].(string), code))
			assert.Equal(t, NumberGeographic, it["type"])
		}
	}
	assert.GreaterOrEqual(t, srv.AvailableNumbers(""), 200)
	items := c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_nongeographic", nil).items(t)
	require.NotEmpty(t, items)
	assert.True(t, strings.HasPrefix(items[0]["numberE164"].(string), "443"))

	c.must(http.StatusBadRequest, http.MethodGet, "/numbers/available?numberType=standard_geographic", nil)
	c.must(http.StatusBadRequest, http.MethodGet, "/numbers/available", nil)
}

func TestTakenNumbersLeaveThePool(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t, WithoutNumberPool(), WithAvailableNumbers(
		AvailableNumber{NumberE164: "441214960001"}, AvailableNumber{NumberE164: "441214960002"},
		AvailableNumber{NumberE164: "441214960003"}))
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, "441214960001", "")).obj(t)
	id := cust["customerID"].(string)
	c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/numbers", map[string]any{"numberE164": "441214960002"})
	items := c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode=44121", nil).items(t)
	require.Len(t, items, 1)
	assert.Equal(t, "441214960003", items[0]["numberE164"])
	assert.Equal(t, 1, srv.AvailableNumbers("44121"))
}

func TestCustomerNumbers(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	cust := c.createCustomer()
	id := cust["customerID"].(string)
	n := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/numbers",
		map[string]any{"numberE164": c.available("4420")}).obj(t)
	assert.Equal(t, "UK Geographic Number", n["displayNumberType"])
	assert.NotContains(t, n, "allocatedTo")
	got := c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/numbers/"+n["ID"].(string), nil).obj(t)
	assert.Equal(t, n, got)
	for _, path := range []string{"/customers/" + id + "/numbers/", "/customers/" + id + "/numbers"} {
		assert.Len(t, c.must(http.StatusOK, http.MethodGet, path, nil).items(t), 2, path)
	}
	r := c.must(http.StatusBadRequest, http.MethodPost, "/customers/"+id+"/numbers", map[string]any{"numberE164": "+441614960000"})
	assert.Contains(t, r.message(t), "numberE164")
}

func TestAllocateAndDeallocate(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust := c.createCustomer()
	id := cust["customerID"].(string)
	userID := c.createUser(id)
	numberID := srv.Numbers(id)[0].ID
	base := "/customers/" + id + "/numbers/" + numberID

	n := c.must(http.StatusOK, http.MethodPut, base+"/allocate", map[string]any{"userID": userID}).obj(t)
	assert.Equal(t, map[string]any{"userID": userID}, n["allocatedTo"])
	assert.Equal(t, userID, srv.Numbers(id)[0].AllocatedTo.UserID)

	n = c.must(http.StatusOK, http.MethodDelete, base+"/deallocate", nil).obj(t)
	assert.NotContains(t, n, "allocatedTo")
	assert.Empty(t, srv.Numbers(id)[0].AllocatedTo.UserID)
}

func TestAllocateToAnUnknownUserIs404(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	a, b := c.createCustomer(), c.createCustomer()
	aID := a["customerID"].(string)
	path := "/customers/" + aID + "/numbers/" + srv.Numbers(aID)[0].ID + "/allocate"
	for _, userID := range []string{newUUID(), b["userID"].(string)} {
		r := c.must(http.StatusNotFound, http.MethodPut, path, map[string]any{"userID": userID})
		assert.Contains(t, r.message(t), userID)
	}
	r := c.must(http.StatusBadRequest, http.MethodPut, path, map[string]any{})
	assert.Contains(t, r.message(t), "userID")
	assert.Equal(t, a["userID"], srv.Numbers(aID)[0].AllocatedTo.UserID, "unchanged")
}

func TestBlockedNumbers(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	base := "/customers/" + id + "/blocked-numbers"
	b := c.must(http.StatusCreated, http.MethodPost, base,
		map[string]any{"numberE164": "12025550123", "direction": "inbound", "description": "spam"}).obj(t)
	bID := b["ID"].(string)
	assert.Len(t, c.must(http.StatusOK, http.MethodGet, base, nil).items(t), 1)
	got := c.must(http.StatusOK, http.MethodPut, base+"/"+bID,
		map[string]any{"numberE164": "12025550123", "direction": "both"}).obj(t)
	assert.Equal(t, "both", got["direction"])
	assert.Equal(t, got, c.must(http.StatusOK, http.MethodGet, base+"/"+bID, nil).obj(t))
	c.must(http.StatusBadRequest, http.MethodPost, base, map[string]any{"numberE164": "12025550123", "direction": "sideways"})
	c.must(http.StatusNoContent, http.MethodDelete, base+"/"+bID, nil)
	c.must(http.StatusNotFound, http.MethodGet, base+"/"+bID, nil)
}
