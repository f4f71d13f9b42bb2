package phonelineplustest

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

var postcodePattern = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$`)

// postcodeTowns names a town for a postcode area, for made-up addresses.
var postcodeTowns = map[string][2]string{
	"M": {"Manchester", "Greater Manchester"}, "B": {"Birmingham", "West Midlands"},
	"LS": {"Leeds", "West Yorkshire"}, "EH": {"Edinburgh", "Midlothian"},
	"E": {"London", "Greater London"}, "EC": {"London", "Greater London"}, "N": {"London", "Greater London"},
	"NW": {"London", "Greater London"}, "SE": {"London", "Greater London"}, "SW": {"London", "Greater London"},
	"W": {"London", "Greater London"}, "WC": {"London", "Greater London"},
}

// lookupAddresses serves GET /addresses?postcode=: three made-up
// addresses for any well-formed UK postcode, the same every time.
func (s *Server) lookupAddresses(c *call) (int, any, error) {
	raw := c.query("postcode")
	if raw == "" {
		return 0, nil, required("postcode")
	}
	pc := strings.ToUpper(strings.ReplaceAll(raw, " ", ""))
	if !postcodePattern.MatchString(pc) {
		return 0, nil, badRequest("postcode %q is not a valid UK postcode", raw)
	}
	area := strings.TrimRight(pc[:2], "0123456789")
	town := cmp.Or(postcodeTowns[area], [2]string{"Exampleton", "Exampleshire"})
	out := make([]AddressMatch, 3)
	for i := range out {
		out[i] = AddressMatch{
			ID: hashUUID(fmt.Sprintf("%s/%d", pc, i)),
			Address: Address{Premises: fmt.Sprint(i + 1), Street: "Example Street",
				Town: town[0], County: town[1], Postcode: pc},
		}
	}
	return http.StatusOK, listOf(out), nil
}

// getSettings serves GET /settings.
func (s *Server) getSettings(*call) (int, any, error) { return http.StatusOK, s.st.settings, nil }

// updateSettings serves PUT /settings: only the fields given change.
func (s *Server) updateSettings(c *call) (int, any, error) {
	var req struct {
		CompanyName *string `json:"companyName"`
		FullName    *string `json:"fullName"`
		Email       *string `json:"email"`
		PhoneNumber *string `json:"phoneNumber"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"companyName", req.CompanyName}, {"fullName", req.FullName}, {"email", req.Email}, {"phoneNumber", req.PhoneNumber}} {
		if f.v != nil && *f.v == "" {
			return 0, nil, badRequest("%s must not be empty", f.name)
		}
	}
	if req.Email != nil && !validEmail(*req.Email) {
		return 0, nil, badRequest("email %q is not a valid email address", *req.Email)
	}
	st := &s.st.settings
	st.CompanyName = deref(req.CompanyName, st.CompanyName)
	st.FullName = deref(req.FullName, st.FullName)
	st.Email = deref(req.Email, st.Email)
	st.PhoneNumber = deref(req.PhoneNumber, st.PhoneNumber)
	return http.StatusOK, *st, nil
}

// getPermissions serves GET /settings/user-permissions.
func (s *Server) getPermissions(*call) (int, any, error) { return http.StatusOK, s.st.permissions, nil }

// updatePermissions serves PUT /settings/user-permissions: only the
// fields given change. The fake does not enforce the limits.
func (s *Server) updatePermissions(c *call) (int, any, error) {
	var req struct {
		MaxUsers             *int  `json:"maxUsers"`
		MaxNumbers           *int  `json:"maxNumbers"`
		AdminsManageAllUsers *bool `json:"adminsManageAllUsers"`
		InternationalCalls   *bool `json:"internationalCalls"`
		PremiumRateCalls     *bool `json:"premiumRateCalls"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if (req.MaxUsers != nil && *req.MaxUsers < 0) || (req.MaxNumbers != nil && *req.MaxNumbers < 0) {
		return 0, nil, badRequest("maxUsers and maxNumbers must not be negative")
	}
	p := &s.st.permissions
	p.MaxUsers = deref(req.MaxUsers, p.MaxUsers)
	p.MaxNumbers = deref(req.MaxNumbers, p.MaxNumbers)
	p.AdminsManageAllUsers = deref(req.AdminsManageAllUsers, p.AdminsManageAllUsers)
	p.InternationalCalls = deref(req.InternationalCalls, p.InternationalCalls)
	p.PremiumRateCalls = deref(req.PremiumRateCalls, p.PremiumRateCalls)
	return http.StatusOK, *p, nil
}

// getStats serves GET /stats.
func (s *Server) getStats(*call) (int, any, error) {
	return http.StatusOK, s.st.stats(), nil
}

func (st *state) stats() Stats {
	return Stats{Customers: len(st.customers.ids), Users: len(st.users.ids),
		Numbers: len(st.numbers.ids), Orders: len(st.orders.ids)}
}

// listPartnerUsers serves GET /users.
func (s *Server) listPartnerUsers(*call) (int, any, error) {
	return http.StatusOK, listOf(s.st.partnerUsers.list(nil, same)), nil
}

// createPartnerUser serves POST /users. The email must be unused across
// the whole platform.
func (s *Server) createPartnerUser(c *call) (int, any, error) {
	var req PartnerUser
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.FullName == "":
		return 0, nil, required("fullName")
	case req.Email == "":
		return 0, nil, required("email")
	}
	u, err := s.st.addPartnerUser(PartnerUser{FullName: req.FullName, Email: req.Email})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, u, nil
}

func (st *state) addPartnerUser(u PartnerUser) (*PartnerUser, error) {
	u.ID = cmp.Or(u.ID, newUUID())
	if err := st.checkEmail(u.Email, partnerUserOwner(u.ID)); err != nil {
		return nil, err
	}
	st.partnerUsers.put(u.ID, &u)
	st.setEmail("", u.Email, partnerUserOwner(u.ID))
	return &u, nil
}

func (st *state) partnerUser(id string) (*PartnerUser, error) {
	if u, ok := st.partnerUsers.get(id); ok {
		return u, nil
	}
	return nil, notFound("User", id)
}

// updatePartnerUser serves PUT /users/{userID}: only the fields given
// change.
func (s *Server) updatePartnerUser(c *call) (int, any, error) {
	u, err := s.st.partnerUser(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		FullName *string `json:"fullName"`
		Email    *string `json:"email"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.FullName != nil && *req.FullName == "":
		return 0, nil, badRequest("fullName must not be empty")
	case req.Email != nil && *req.Email == "":
		return 0, nil, badRequest("email must not be empty")
	}
	if req.Email != nil {
		if err := s.st.checkEmail(*req.Email, partnerUserOwner(u.ID)); err != nil {
			return 0, nil, err
		}
		s.st.setEmail(u.Email, *req.Email, partnerUserOwner(u.ID))
		u.Email = *req.Email
	}
	u.FullName = deref(req.FullName, u.FullName)
	return http.StatusOK, u, nil
}

// deletePartnerUser serves DELETE /users/{userID}.
func (s *Server) deletePartnerUser(c *call) (int, any, error) {
	u, err := s.st.partnerUser(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	s.st.setEmail(u.Email, "", partnerUserOwner(u.ID))
	s.st.partnerUsers.del(u.ID)
	return http.StatusNoContent, nil, nil
}
