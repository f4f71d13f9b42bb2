package phonelineplustest

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
)

// customerCreateRequest is the body of POST /customers.
type customerCreateRequest struct {
	Plan          string    `json:"plan"`
	Address       Address   `json:"address"`
	CompanyName   string    `json:"companyName"`
	FullName      string    `json:"fullName"`
	ContactNumber string    `json:"contactNumber"`
	Number        NumberRef `json:"number"`
	Email         string    `json:"email"`
}

func hardwareOnly(plan string) bool { return plan == PlanHardwareOnly || plan == PlanHardwareOnlyCP }

// checkPlan enforces the plan rules: hardware_only needs a number and an
// address, hardware_only_cp an address, phoneline_plus an email.
func checkPlan(plan string, hasAddress bool, number, email string) error {
	switch plan {
	case "":
		return required("plan")
	case PlanHardwareOnly, PlanHardwareOnlyCP, PlanStandard:
	default:
		return badRequest("plan must be %s, %s or %s, not %q", PlanHardwareOnly, PlanHardwareOnlyCP, PlanStandard, plan)
	}
	switch {
	case plan == PlanHardwareOnly && number == "":
		return badRequest("plan %s requires number.numberE164", plan)
	case hardwareOnly(plan) && !hasAddress:
		return badRequest("plan %s requires address", plan)
	case plan == PlanStandard && email == "":
		return badRequest("plan %s requires email", plan)
	}
	return nil
}

// checkAddress checks the required parts of an address (county is
// optional).
func checkAddress(field string, a Address) error {
	for _, p := range []struct{ name, v string }{
		{"premises", a.Premises}, {"street", a.Street}, {"town", a.Town}, {"postcode", a.Postcode},
	} {
		if p.v == "" {
			return required(field + "." + p.name)
		}
	}
	return nil
}

func newDestination() Destination {
	return Destination{
		RegistrationServer: "sip.phonelineplustest.invalid",
		SIPID:              "plp" + strings.ReplaceAll(newUUID(), "-", "")[:16],
		SIPPassword:        newSecret()[:24],
		StunServer:         "stun.phonelineplustest.invalid",
		StunPort:           "3478",
	}
}

// listCustomers serves GET /customers.
func (s *Server) listCustomers(*call) (int, any, error) {
	return http.StatusOK, listOf(s.st.customers.list(nil, same)), nil
}

// createCustomer serves POST /customers.
func (s *Server) createCustomer(c *call) (int, any, error) {
	var req customerCreateRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	for _, f := range []struct{ name, v string }{
		{"companyName", req.CompanyName}, {"fullName", req.FullName}, {"contactNumber", req.ContactNumber},
	} {
		if f.v == "" {
			return 0, nil, required(f.name)
		}
	}
	hasAddress := req.Address != Address{}
	if err := checkPlan(req.Plan, hasAddress, req.Number.NumberE164, req.Email); err != nil {
		return 0, nil, err
	}
	if hasAddress {
		if err := checkAddress("address", req.Address); err != nil {
			return 0, nil, err
		}
	}
	cust := Customer{
		CompanyName: req.CompanyName, FullName: req.FullName, ContactNumber: req.ContactNumber,
		Email: req.Email, Plan: req.Plan, Address: req.Address, Number: req.Number,
	}
	created, err := s.st.addCustomer(cust)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, created, nil
}

// addCustomer checks the email and number of c, fills in its defaults,
// and stores it with its primary user (and number, if any).
func (st *state) addCustomer(c Customer) (*Customer, error) {
	c.CustomerID = cmp.Or(c.CustomerID, newUUID())
	if _, dup := st.customers.get(c.CustomerID); dup {
		return nil, fmt.Errorf("customer %s already exists", c.CustomerID)
	}
	owner := customerOwner(c.CustomerID)
	if err := st.checkEmail(c.Email, owner); err != nil {
		return nil, err
	}
	if c.Number.NumberE164 != "" {
		if err := st.checkNumberFree("number.numberE164", c.Number.NumberE164); err != nil {
			return nil, err
		}
	}
	c.UserID = cmp.Or(c.UserID, newUUID())
	c.Status = cmp.Or(c.Status, "active")
	c.ContractLength = cmp.Or(c.ContractLength, 24)
	if c.Created.IsZero() {
		c.Created = now()
	}
	if hardwareOnly(c.Plan) && c.Destination == (Destination{}) {
		c.Destination = newDestination()
	}
	st.customers.put(c.CustomerID, &c)
	st.setEmail("", c.Email, owner)
	st.users.put(c.UserID, &User{
		ID: c.UserID, CustomerID: c.CustomerID, Name: c.FullName, FullName: c.FullName,
		Email: c.Email, Type: "admin", Address: c.Address, Status: "pending_activation", ActivationsSent: 1,
	})
	if c.Number.NumberE164 != "" {
		st.takeNumber(c.CustomerID, c.Number.NumberE164, c.UserID)
	}
	return &c, nil
}

// getCustomer serves GET /customers/{customerID}.
func (s *Server) getCustomer(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, cust, nil
}

// customerUpdateRequest is the body of PUT /customers/{customerID}.
type customerUpdateRequest struct {
	CompanyName   *string  `json:"companyName"`
	FullName      *string  `json:"fullName"`
	ContactNumber *string  `json:"contactNumber"`
	Email         *string  `json:"email"`
	Address       *Address `json:"address"`
}

// updateCustomer serves PUT /customers/{customerID}: only the fields
// given change. The customer's email is its primary user's too.
func (s *Server) updateCustomer(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req customerUpdateRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"companyName", req.CompanyName}, {"fullName", req.FullName}, {"contactNumber", req.ContactNumber}} {
		if f.v != nil && *f.v == "" {
			return 0, nil, badRequest("%s must not be empty", f.name)
		}
	}
	if req.Address != nil {
		if err := checkAddress("address", *req.Address); err != nil {
			return 0, nil, err
		}
	}
	if req.Email != nil {
		if *req.Email == "" && cust.Plan == PlanStandard {
			return 0, nil, badRequest("plan %s requires email", cust.Plan)
		}
		if err := s.st.checkEmail(*req.Email, customerOwner(cust.CustomerID)); err != nil {
			return 0, nil, err
		}
		s.st.changeCustomerEmail(cust, *req.Email)
	}
	cust.CompanyName = deref(req.CompanyName, cust.CompanyName)
	cust.FullName = deref(req.FullName, cust.FullName)
	cust.ContactNumber = deref(req.ContactNumber, cust.ContactNumber)
	if req.Address != nil {
		cust.Address = *req.Address
	}
	return http.StatusOK, cust, nil
}

// changeCustomerEmail sets the email of a customer and its primary user.
func (st *state) changeCustomerEmail(cust *Customer, email string) {
	st.setEmail(cust.Email, email, customerOwner(cust.CustomerID))
	cust.Email = email
	if u, ok := st.users.get(cust.UserID); ok {
		u.Email = email
	}
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// deleteCustomer serves DELETE /customers/{customerID}. Its users, numbers
// (which go back to the pool), blocked numbers, devices and emails go with
// it; its orders stay in the partner's order history.
func (s *Server) deleteCustomer(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	st := s.st
	for _, u := range st.users.list(func(u *User) bool { return u.CustomerID == cust.CustomerID }, same) {
		st.removeUser(cust, &u)
	}
	for _, n := range st.numbers.list(func(n *Number) bool { return n.CustomerID == cust.CustomerID }, same) {
		st.dropNumber(&n)
	}
	for _, b := range st.blocked.list(func(b *BlockedNumber) bool { return b.CustomerID == cust.CustomerID }, same) {
		st.blocked.del(b.ID)
	}
	st.setEmail(cust.Email, "", customerOwner(cust.CustomerID))
	st.customers.del(cust.CustomerID)
	return http.StatusNoContent, nil, nil
}

// regradeContract serves PUT /customers/{customerID}/contract.
func (s *Server) regradeContract(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		ContractLength *int `json:"contractLength"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.ContractLength == nil:
		return 0, nil, required("contractLength")
	case *req.ContractLength <= 0:
		return 0, nil, badRequest("contractLength must be a positive number of months, not %d", *req.ContractLength)
	}
	cust.ContractLength = *req.ContractLength
	return http.StatusOK, cust, nil
}

// upgradePlan serves PUT /customers/{customerID}/plan: hardware-only plans
// upgrade to phoneline_plus, which needs an email; nothing else is
// allowed.
func (s *Server) upgradePlan(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		Plan  string `json:"plan"`
		Email string `json:"email"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := checkPlan(req.Plan, true, "-", "-"); err != nil {
		return 0, nil, err
	}
	if req.Plan != PlanStandard || !hardwareOnly(cust.Plan) {
		return 0, nil, errorf(http.StatusConflict, "Customer plan %s cannot change to %s: only upgrades from %s or %s to %s are allowed",
			cust.Plan, req.Plan, PlanHardwareOnly, PlanHardwareOnlyCP, PlanStandard)
	}
	email := cmp.Or(req.Email, cust.Email)
	if email == "" {
		return 0, nil, badRequest("plan %s requires email", PlanStandard)
	}
	if err := s.st.checkEmail(email, customerOwner(cust.CustomerID)); err != nil {
		return 0, nil, err
	}
	s.st.changeCustomerEmail(cust, email)
	cust.Plan = PlanStandard
	cust.Destination = Destination{}
	return http.StatusOK, cust, nil
}
