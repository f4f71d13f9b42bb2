package phonelineplustest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomerCreateReturnsIDsAndSIPDestination(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	number := c.available("44161")
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, number, "")).obj(t)
	id, _ := cust["customerID"].(string)
	require.NotEmpty(t, id)
	assert.NotEmpty(t, cust["userID"])
	assert.Equal(t, "active", cust["status"])
	assert.Equal(t, map[string]any{"numberE164": number}, cust["number"])
	dest, _ := cust["destination"].(map[string]any)
	for _, f := range []string{"registrationServer", "sipID", "sipPassword", "stunServer", "stunPort"} {
		assert.NotEmpty(t, dest[f], f)
	}
	got := c.must(http.StatusOK, http.MethodGet, "/customers/"+id, nil).obj(t)
	assert.Equal(t, dest, got["destination"], "GET returns the destination too")

	// The first user comes with the customer and holds the number.
	users := c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/users/", nil).items(t)
	require.Len(t, users, 1)
	assert.Equal(t, cust["userID"], users[0]["ID"])
	nums := srv.Numbers(id)
	require.Len(t, nums, 1)
	assert.Equal(t, cust["userID"], nums[0].AllocatedTo.UserID)

	cp := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnlyCP, "", "")).obj(t)
	assert.NotNil(t, cp["destination"])
	std := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail())).obj(t)
	assert.NotContains(t, std, "destination")
}

func TestPlanRules(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	noAddress := func(b map[string]any) map[string]any { delete(b, "address"); return b }
	for _, tc := range []struct {
		name, want string
		body       map[string]any
	}{
		{"hardware_only without number", "number", customerBody(PlanHardwareOnly, "", "")},
		{"hardware_only without address", "address", noAddress(customerBody(PlanHardwareOnly, c.available("4420"), ""))},
		{"hardware_only_cp without address", "address", noAddress(customerBody(PlanHardwareOnlyCP, "", ""))},
		{"phoneline_plus without email", "email", customerBody(PlanStandard, "", "")},
		{"unknown plan", "plan", customerBody("gold", "", uniqueEmail())},
	} {
		r := c.must(http.StatusBadRequest, http.MethodPost, "/customers", tc.body)
		assert.Contains(t, r.message(t), tc.want, tc.name)
	}
	c.must(http.StatusCreated, http.MethodPost, "/customers", noAddress(customerBody(PlanStandard, "", uniqueEmail())))
	c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnlyCP, "", ""))
}

func TestEmailIsUniqueAcrossThePlatform(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	email := uniqueEmail()
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanStandard, "", email)).obj(t)
	custID := cust["customerID"].(string)
	shouted := strings.ToUpper(email)

	want := "Email address " + shouted + " is already in use"
	r := c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanStandard, "", shouted))
	assert.Equal(t, want, r.message(t))
	r = c.must(http.StatusConflict, http.MethodPost, "/customers/"+custID+"/users",
		map[string]any{"fullName": "Jo", "email": shouted})
	assert.Equal(t, want, r.message(t))
	r = c.must(http.StatusConflict, http.MethodPost, "/users", map[string]any{"fullName": "Pat", "email": shouted})
	assert.Equal(t, want, r.message(t))

	// And the other way round: a partner user's or a user's email.
	partnerEmail := uniqueEmail()
	c.must(http.StatusCreated, http.MethodPost, "/users", map[string]any{"fullName": "Pat", "email": partnerEmail})
	c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanStandard, "", partnerEmail))
	userID := c.createUser(custID)
	other := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail())).obj(t)
	c.must(http.StatusConflict, http.MethodPut, "/customers/"+other["customerID"].(string), map[string]any{"email": partnerEmail})
	c.must(http.StatusConflict, http.MethodPut, "/customers/"+custID+"/users/"+userID, map[string]any{"email": partnerEmail})
}

func TestNumberInFlightConflicts(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	number := c.available("44113")
	first := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, number, "")).obj(t)
	want := "Number " + number + " has an existing in-flight order and cannot currently have a change or terminate order"

	r := c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, number, ""))
	assert.Equal(t, want, r.message(t))
	custID := first["customerID"].(string)
	r = c.must(http.StatusConflict, http.MethodPost, "/customers/"+custID+"/users",
		map[string]any{"fullName": "Jo", "email": uniqueEmail(), "phoneNumber": number})
	assert.Equal(t, want, r.message(t))
	r = c.must(http.StatusConflict, http.MethodPost, "/customers/"+custID+"/numbers", map[string]any{"numberE164": number})
	assert.Equal(t, want, r.message(t))

	// 400 instead, when asked.
	_, c400 := loggedIn(t, WithInFlightStatus(http.StatusBadRequest))
	n := c400.available("44161")
	c400.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, n, ""))
	r = c400.must(http.StatusBadRequest, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, n, ""))
	assert.Contains(t, r.message(t), "existing in-flight order")
}

func TestHeldNumbersStayListedButConflict(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t, WithoutNumberPool(),
		WithAvailableNumbers(AvailableNumber{NumberE164: "441614960001"}, AvailableNumber{NumberE164: "441614960002"}),
		WithInFlightNumbers("441614960001"))
	items := c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode=44161", nil).items(t)
	assert.Len(t, items, 2)
	c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, "441614960001", ""))
	srv.HoldNumbers(false, "441614960001")
	c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, "441614960001", ""))
	srv.HoldNumbers(true, "441614960002")
	c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, "441614960002", ""))
}

func TestDeleteCustomerFreesItsNumbersAndEmails(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	email := uniqueEmail()
	number := c.available("44131")
	before := srv.AvailableNumbers("44131")
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, number, email)).obj(t)
	id := cust["customerID"].(string)
	userEmail := uniqueEmail()
	c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users", map[string]any{"fullName": "Jo", "email": userEmail})
	assert.Equal(t, before-1, srv.AvailableNumbers("44131"))

	r := c.must(http.StatusNoContent, http.MethodDelete, "/customers/"+id, nil)
	assert.Empty(t, r.body)
	assert.Equal(t, before, srv.AvailableNumbers("44131"))
	c.must(http.StatusNotFound, http.MethodGet, "/customers/"+id, nil)
	assert.Empty(t, srv.Users(id))
	again := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, number, email)).obj(t)
	c.must(http.StatusCreated, http.MethodPost, "/customers/"+again["customerID"].(string)+"/users",
		map[string]any{"fullName": "Jo", "email": userEmail})
}

func TestCustomerUpdateContractAndPlan(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust := c.createCustomer()
	id := cust["customerID"].(string)
	path := "/customers/" + id

	got := c.must(http.StatusOK, http.MethodPut, path, map[string]any{"companyName": "Renamed Ltd"}).obj(t)
	assert.Equal(t, "Renamed Ltd", got["companyName"])
	assert.Equal(t, cust["fullName"], got["fullName"], "fields not given stay")

	assert.EqualValues(t, 24, got["contractLength"])
	got = c.must(http.StatusOK, http.MethodPut, path+"/contract", map[string]any{"contractLength": 60}).obj(t)
	assert.EqualValues(t, 60, got["contractLength"])
	c.must(http.StatusBadRequest, http.MethodPut, path+"/contract", map[string]any{"contractLength": 0})
	c.must(http.StatusBadRequest, http.MethodPut, path+"/contract", map[string]any{})

	cp := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnlyCP, "", "")).obj(t)
	cpPath := "/customers/" + cp["customerID"].(string) + "/plan"
	r := c.must(http.StatusBadRequest, http.MethodPut, cpPath, map[string]any{"plan": PlanStandard})
	assert.Contains(t, r.message(t), "email")
	email := uniqueEmail()
	got = c.must(http.StatusOK, http.MethodPut, cpPath, map[string]any{"plan": PlanStandard, "email": email}).obj(t)
	assert.Equal(t, PlanStandard, got["plan"])
	assert.Equal(t, email, got["email"])
	assert.NotContains(t, got, "destination")
	c.must(http.StatusConflict, http.MethodPut, cpPath, map[string]any{"plan": PlanHardwareOnly})
	primary, ok := srv.Customer(cp["customerID"].(string))
	require.True(t, ok)
	assert.Equal(t, email, srv.Users(primary.CustomerID)[0].Email, "the primary user shares the email")
}

func TestListCustomers(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	a, b := c.createCustomer(), c.createCustomer()
	for _, path := range []string{"/customers", "/customers/"} {
		items := c.must(http.StatusOK, http.MethodGet, path, nil).items(t)
		require.Len(t, items, 2)
		assert.Equal(t, a["customerID"], items[0]["customerID"])
		assert.Equal(t, b["customerID"], items[1]["customerID"])
	}
}
