package phonelineplustest

import (
	"net/http"
	"strings"
)

// userCreateRequest is the body of POST /customers/{customerID}/users.
type userCreateRequest struct {
	Type        string  `json:"type"`
	FullName    string  `json:"fullName"`
	Email       string  `json:"email"`
	Address     Address `json:"address"`
	PhoneNumber string  `json:"phoneNumber"`
}

func checkUserType(t string) error {
	if t != "standard" && t != "admin" {
		return badRequest("type must be standard or admin, not %q", t)
	}
	return nil
}

// ddi returns the number a user's phoneNumber asks to provision, in E.164
// digits without "+", or "" when it is a contact number. Any UK form is
// read: "441614960021", "+44 161 496 0021", "0044 161 496 0021",
// "+44 (0)161 496 0021", "01614960021", "(0161) 496 0021". An
// international form (44..., +44..., 0044...) always names a number to
// provision, so a malformed one is refused; a national one (0...) does
// when it is geographic or non-geographic (01, 02, 03), and is otherwise
// (a mobile, say) a contact number.
func ddi(phone string) string {
	digits, intl := ukDigits(phone)
	if digits == "" || (!intl && !validUKNumber(digits)) {
		return ""
	}
	return digits
}

// ukDigits reads a UK number written with spaces, dots, dashes or
// brackets, and returns it as E.164 digits without "+", and whether it
// was written in international form. It returns "" for anything else.
func ukDigits(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.Replace(s, "(0)", "", 1)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(s, "+44") || strings.HasPrefix(d, "0044"):
		return "44" + strings.TrimPrefix(strings.TrimPrefix(d, "0044"), "44"), true
	case strings.HasPrefix(d, "44"):
		return d, true
	case strings.HasPrefix(d, "0") && !strings.HasPrefix(d, "00"):
		return "44" + d[1:], false
	}
	return "", false
}

// listUsers serves GET /customers/{customerID}/users/.
func (s *Server) listUsers(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf(s.st.users.list(func(u *User) bool { return u.CustomerID == cust.CustomerID }, cloneUser)), nil
}

// createUser serves POST /customers/{customerID}/users. A phoneNumber
// that names a UK number to provision (see ddi) is taken from the pool
// and allocated to the new user, and may get the in-flight answer; the
// user's phoneNumber is then that number's E.164 digits.
func (s *Server) createUser(c *call) (int, any, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	var req userCreateRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.FullName == "":
		return 0, nil, required("fullName")
	case req.Email == "":
		return 0, nil, required("email")
	}
	if req.Type == "" {
		req.Type = "standard"
	}
	if err := checkUserType(req.Type); err != nil {
		return 0, nil, err
	}
	if req.Address != (Address{}) {
		if err := checkAddress("address", req.Address); err != nil {
			return 0, nil, err
		}
	}
	u := &User{ID: newUUID(), CustomerID: cust.CustomerID, Name: req.FullName, FullName: req.FullName,
		Email: req.Email, Type: req.Type, Address: req.Address, PhoneNumber: req.PhoneNumber,
		Status: "pending_activation", ActivationsSent: 1}
	if err := s.st.checkEmail(req.Email, userOwner(u, cust)); err != nil {
		return 0, nil, err
	}
	if n := ddi(req.PhoneNumber); n != "" {
		if err := s.st.checkNumberFree("phoneNumber", n); err != nil {
			return 0, nil, err
		}
		u.PhoneNumber = n
		s.st.takeNumber(cust.CustomerID, n, u.ID)
	}
	s.st.users.put(u.ID, u)
	s.st.setEmail("", u.Email, userOwner(u, cust))
	return http.StatusCreated, u, nil
}

// userOf looks up the customer and the user named by the path.
func (s *Server) userOf(c *call) (*Customer, *User, error) {
	cust, err := s.st.customer(c.params[0])
	if err != nil {
		return nil, nil, err
	}
	u, err := s.st.user(cust.CustomerID, c.params[1])
	return cust, u, err
}

// updateUser serves PUT /customers/{customerID}/users/{userID}: only the
// fields given change; the PIN is stored but never sent back.
func (s *Server) updateUser(c *call) (int, any, error) {
	cust, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		FullName *string `json:"fullName"`
		Email    *string `json:"email"`
		Type     *string `json:"type"`
		PIN      *string `json:"pin"`
	}
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.FullName != nil && *req.FullName == "":
		return 0, nil, badRequest("fullName must not be empty")
	case req.Email != nil && *req.Email == "":
		return 0, nil, badRequest("email must not be empty")
	case req.PIN != nil && (len(*req.PIN) != 6 || !allDigits(*req.PIN)):
		return 0, nil, badRequest("pin must be 6 digits")
	}
	if req.Type != nil {
		if err := checkUserType(*req.Type); err != nil {
			return 0, nil, err
		}
	}
	if req.Email != nil {
		owner := userOwner(u, cust)
		if err := s.st.checkEmail(*req.Email, owner); err != nil {
			return 0, nil, err
		}
		if owner == customerOwner(cust.CustomerID) {
			s.st.changeCustomerEmail(cust, *req.Email)
		} else {
			s.st.setEmail(u.Email, *req.Email, owner)
			u.Email = *req.Email
		}
	}
	if req.FullName != nil {
		u.FullName, u.Name = *req.FullName, *req.FullName
	}
	u.Type = deref(req.Type, u.Type)
	u.PIN = deref(req.PIN, u.PIN)
	return http.StatusOK, u, nil
}

// deleteUser serves DELETE /customers/{customerID}/users/{userID}.
func (s *Server) deleteUser(c *call) (int, any, error) {
	cust, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	s.st.removeUser(cust, u)
	return http.StatusNoContent, nil, nil
}

// removeUser deletes a user with its devices, deallocates its numbers
// (they stay the customer's) and frees its email, unless it is the
// customer's own.
func (st *state) removeUser(cust *Customer, u *User) {
	for _, id := range st.numbers.ids {
		if n := st.numbers.m[id]; n.AllocatedTo.UserID == u.ID {
			n.AllocatedTo = Allocation{}
		}
	}
	for _, d := range st.devices.list(func(d *Device) bool { return d.UserID == u.ID }, same) {
		st.devices.del(d.ID)
	}
	if owner := userOwner(u, cust); owner != customerOwner(cust.CustomerID) {
		st.setEmail(u.Email, "", owner)
	}
	st.users.del(u.ID)
}

// resendActivation serves GET .../users/{userID}/resend-activation.
func (s *Server) resendActivation(c *call) (int, any, error) {
	_, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	u.ActivationsSent++
	return http.StatusNoContent, nil, nil
}

// resetPassword serves POST .../users/{userID}/password-reset.
func (s *Server) resetPassword(c *call) (int, any, error) {
	_, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	u.PasswordResets++
	return http.StatusNoContent, nil, nil
}

func checkRingTime(rt *int) error {
	if rt != nil && (*rt < 5 || *rt > 300) {
		return badRequest("ringTimeSeconds must be between 5 and 300, not %d", *rt)
	}
	return nil
}

// updateCallSettings serves PUT .../users/{userID}/call-settings: the
// fields given are stored and the user's whole call settings returned.
func (s *Server) updateCallSettings(c *call) (int, any, error) {
	_, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req CallSettings
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := checkRingTime(req.RingTimeSeconds); err != nil {
		return 0, nil, err
	}
	cs := &u.CallSettings
	if req.OutOfHoursEnabled != nil {
		cs.OutOfHoursEnabled = req.OutOfHoursEnabled
	}
	if req.VoicemailEnabled != nil {
		cs.VoicemailEnabled = req.VoicemailEnabled
	}
	if req.RingTimeSeconds != nil {
		cs.RingTimeSeconds = req.RingTimeSeconds
	}
	return http.StatusOK, cs, nil
}

var weekdays = map[string]bool{"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true}

// updateScheduleSettings serves PUT .../users/{userID}/schedule-settings:
// the schedule is replaced and returned.
func (s *Server) updateScheduleSettings(c *call) (int, any, error) {
	cust, u, err := s.userOf(c)
	if err != nil {
		return 0, nil, err
	}
	var req ScheduleSettings
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	for i, d := range req.Days {
		switch {
		case !weekdays[d.Day]:
			return 0, nil, badRequest("days[%d].day must be a weekday name such as monday, not %q", i, d.Day)
		case d.Availability == "between" && (!validClock(d.From) || !validClock(d.To) || d.From >= d.To):
			return 0, nil, badRequest("days[%d] is available between: from and to must be HH:MM times, from before to", i)
		case d.Availability != "between" && d.Availability != "all_day" && d.Availability != "unavailable":
			return 0, nil, badRequest("days[%d].availability must be all_day, unavailable or between, not %q", i, d.Availability)
		}
	}
	switch req.OutOfHoursAction {
	case "":
		return 0, nil, required("outOfHoursAction")
	case "voicemail":
	case "redirect_user":
		if req.RedirectUserID == "" {
			return 0, nil, badRequest("redirectUserID is required for outOfHoursAction redirect_user")
		}
		if _, err := s.st.user(cust.CustomerID, req.RedirectUserID); err != nil {
			return 0, nil, err
		}
	case "redirect_external":
		if !allDigits(req.RedirectNumber) || len(req.RedirectNumber) < 8 || len(req.RedirectNumber) > 15 {
			return 0, nil, badRequest("redirectNumber must be 8 to 15 E.164 digits without + for outOfHoursAction redirect_external")
		}
	default:
		return 0, nil, badRequest("outOfHoursAction must be voicemail, redirect_user or redirect_external, not %q", req.OutOfHoursAction)
	}
	if err := checkRingTime(req.RingTimeSeconds); err != nil {
		return 0, nil, err
	}
	u.ScheduleSettings = req
	return http.StatusOK, req, nil
}

// validClock reports whether t is a 24-hour "HH:MM" time.
func validClock(t string) bool {
	return len(t) == 5 && t[2] == ':' && allDigits(t[:2]) && allDigits(t[3:]) && t[:2] < "24" && t[3:] < "60"
}
