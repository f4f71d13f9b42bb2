package phonelineplustest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPartnerSettingsAndPermissions(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	s := c.must(http.StatusOK, http.MethodGet, "/settings", nil).obj(t)
	for _, f := range []string{"companyName", "fullName", "email", "phoneNumber"} {
		assert.NotEmpty(t, s[f], f)
	}
	got := c.must(http.StatusOK, http.MethodPut, "/settings", map[string]any{"companyName": "New Partner Ltd"}).obj(t)
	assert.Equal(t, "New Partner Ltd", got["companyName"])
	assert.Equal(t, s["email"], got["email"])

	p := c.must(http.StatusOK, http.MethodGet, "/settings/user-permissions", nil).obj(t)
	assert.Contains(t, p, "maxUsers")
	got = c.must(http.StatusOK, http.MethodPut, "/settings/user-permissions", map[string]any{"internationalCalls": true}).obj(t)
	assert.Equal(t, true, got["internationalCalls"])
	assert.Equal(t, p["maxUsers"], got["maxUsers"])
	c.must(http.StatusBadRequest, http.MethodPut, "/settings/user-permissions", map[string]any{"maxUsers": -1})
}

func TestStatsCountTheState(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	c.createUser(id)
	assert.Equal(t, map[string]any{"customers": float64(1), "users": float64(2), "numbers": float64(1), "orders": float64(0)},
		c.must(http.StatusOK, http.MethodGet, "/stats", nil).obj(t))
}

func TestPartnerUsers(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	u := c.must(http.StatusCreated, http.MethodPost, "/users", map[string]any{"fullName": "Pat", "email": uniqueEmail()}).obj(t)
	id := u["ID"].(string)
	assert.Len(t, c.must(http.StatusOK, http.MethodGet, "/users", nil).items(t), 1)
	email := uniqueEmail()
	got := c.must(http.StatusOK, http.MethodPut, "/users/"+id, map[string]any{"email": email}).obj(t)
	assert.Equal(t, email, got["email"])
	assert.Equal(t, "Pat", got["fullName"])
	c.must(http.StatusBadRequest, http.MethodPost, "/users", map[string]any{"fullName": "No Email"})
	c.must(http.StatusNoContent, http.MethodDelete, "/users/"+id, nil)
	c.must(http.StatusNotFound, http.MethodPut, "/users/"+id, map[string]any{"fullName": "Gone"})
	c.must(http.StatusCreated, http.MethodPost, "/users", map[string]any{"fullName": "Pat again", "email": email})
}

func TestLookupAddresses(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	items := c.must(http.StatusOK, http.MethodGet, "/addresses?postcode=m1%201aa", nil).items(t)
	assert.Len(t, items, 3)
	assert.Equal(t, "M11AA", items[0]["postcode"])
	assert.Equal(t, "Manchester", items[0]["town"])
	assert.NotEmpty(t, items[0]["ID"])
	assert.Equal(t, items, c.must(http.StatusOK, http.MethodGet, "/addresses?postcode=M11AA", nil).items(t), "stable")
	c.must(http.StatusBadRequest, http.MethodGet, "/addresses?postcode=nope", nil)
	c.must(http.StatusBadRequest, http.MethodGet, "/addresses", nil)
}
