package phonelineplustest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	base := "/customers/" + id + "/users"
	email := uniqueEmail()
	u := c.must(http.StatusCreated, http.MethodPost, base, map[string]any{
		"type": "admin", "fullName": "Jo Example", "email": email, "address": testAddress, "phoneNumber": "07700900002",
	}).obj(t)
	userID := u["ID"].(string)
	assert.Equal(t, "Jo Example", u["name"])
	assert.Equal(t, "Jo Example", u["fullName"])
	assert.Equal(t, "pending_activation", u["status"])

	got := c.must(http.StatusOK, http.MethodPut, base+"/"+userID, map[string]any{"fullName": "Jo Renamed", "pin": "123456"}).obj(t)
	assert.Equal(t, "Jo Renamed", got["fullName"])
	assert.Equal(t, email, got["email"])
	assert.NotContains(t, got, "pin", "the PIN is write-only")
	c.must(http.StatusBadRequest, http.MethodPut, base+"/"+userID, map[string]any{"pin": "12345"})

	c.must(http.StatusNoContent, http.MethodGet, base+"/"+userID+"/resend-activation", nil)
	c.must(http.StatusNoContent, http.MethodPost, base+"/"+userID+"/password-reset", nil)
	cs := c.must(http.StatusOK, http.MethodPut, base+"/"+userID+"/call-settings",
		map[string]any{"voicemailEnabled": true, "ringTimeSeconds": 20}).obj(t)
	assert.Equal(t, map[string]any{"voicemailEnabled": true, "ringTimeSeconds": float64(20)}, cs)
	c.must(http.StatusBadRequest, http.MethodPut, base+"/"+userID+"/call-settings", map[string]any{"ringTimeSeconds": 2})
	sched := map[string]any{
		"days":             []any{map[string]any{"day": "monday", "availability": "between", "from": "09:00", "to": "17:30"}},
		"outOfHoursAction": "redirect_user", "redirectUserID": userID,
	}
	c.must(http.StatusOK, http.MethodPut, base+"/"+userID+"/schedule-settings", sched)
	sched["redirectUserID"] = newUUID()
	c.must(http.StatusNotFound, http.MethodPut, base+"/"+userID+"/schedule-settings", sched)

	stored := srv.Users(id)[1]
	assert.Equal(t, "123456", stored.PIN)
	assert.Equal(t, 2, stored.ActivationsSent)
	assert.Equal(t, 1, stored.PasswordResets)
	assert.Equal(t, "monday", stored.ScheduleSettings.Days[0].Day)

	numberID := srv.Numbers(id)[0].ID
	c.must(http.StatusOK, http.MethodPut, "/customers/"+id+"/numbers/"+numberID+"/allocate", map[string]any{"userID": userID})
	c.must(http.StatusNoContent, http.MethodDelete, base+"/"+userID, nil)
	c.must(http.StatusNotFound, http.MethodDelete, base+"/"+userID, nil)
	assert.Empty(t, srv.Numbers(id)[0].AllocatedTo.UserID, "its number is deallocated and stays the customer's")
	c.must(http.StatusCreated, http.MethodPost, base, map[string]any{"fullName": "New Jo", "email": email})
}

func TestDeletingThePrimaryUserKeepsTheCustomerEmail(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	email := uniqueEmail()
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanStandard, "", email)).obj(t)
	c.must(http.StatusNoContent, http.MethodDelete, "/customers/"+cust["customerID"].(string)+"/users/"+cust["userID"].(string), nil)
	c.must(http.StatusConflict, http.MethodPost, "/users", map[string]any{"fullName": "x", "email": email})
}

func TestUserCreateWithADDITakesTheNumber(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	number := c.available("44121")
	u := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users",
		map[string]any{"fullName": "Jo", "email": uniqueEmail(), "phoneNumber": number}).obj(t)
	nums := srv.Numbers(id)
	require.Len(t, nums, 2)
	assert.Equal(t, number, nums[1].NumberE164)
	assert.Equal(t, u["ID"], nums[1].AllocatedTo.UserID)
}

func TestDeviceOtherBrandGetsSIPCredentials(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust := c.createCustomer()
	id, userID := cust["customerID"].(string), cust["userID"].(string)
	path := "/customers/" + id + "/users/" + userID + "/devices"

	byod := c.must(http.StatusCreated, http.MethodPost, path, map[string]any{"brand": "other", "name": "Office Desk Phone"}).obj(t)
	for _, f := range []string{"ID", "sipID", "registrationServer", "sipPassword"} {
		assert.NotEmpty(t, byod[f], f)
	}
	gamma := c.must(http.StatusCreated, http.MethodPost, path,
		map[string]any{"brand": "Yealink", "model": "T46S", "macAddress": "00:15:65:00:00:01"}).obj(t)
	assert.Equal(t, "00:15:65:00:00:01", gamma["macAddress"])
	assert.Equal(t, map[string]any{"brand": "Yealink", "model": "T46S"}, gamma["metadata"])
	assert.NotContains(t, gamma, "sipPassword")

	c.must(http.StatusBadRequest, http.MethodPost, path, map[string]any{"brand": "other"})
	r := c.must(http.StatusBadRequest, http.MethodPost, path, map[string]any{"brand": "Yealink", "model": "T46S"})
	assert.Contains(t, r.message(t), "macAddress")
	c.must(http.StatusBadRequest, http.MethodPost, path, map[string]any{"brand": "Yealink", "model": "T46S", "macAddress": "nope"})
	c.must(http.StatusNotFound, http.MethodPost, "/customers/"+id+"/users/"+newUUID()+"/devices", map[string]any{"brand": "other", "name": "x"})
	assert.Len(t, srv.Devices(id, userID), 2)
}
