package phonelineplus

import (
	"cmp"
	"context"
	"net/http"
	"strings"
)

// User paths, relative to the base URL. List and Create are observed in a
// real client; the others are inferred.
const (
	pathUsers                = "/customers/{customerID}/users/" // the trailing slash is as observed
	pathUsersCreate          = "/customers/{customerID}/users"
	pathUser                 = "/customers/{customerID}/users/{userID}"
	pathUserResendActivation = "/customers/{customerID}/users/{userID}/resend-activation"
	pathUserPasswordReset    = "/customers/{customerID}/users/{userID}/password-reset"
)

// UsersService handles a customer's users. Use it as Client.Users.
type UsersService service

// UserType is a user's role within the customer.
type UserType string

// User types.
const (
	UserStandard UserType = "standard"
	UserAdmin    UserType = "admin"
)

// UserStatus is a user's account status.
type UserStatus string

// User statuses (API spelling inferred).
const (
	// UserPendingActivation: the activation email is sent and not yet used.
	UserPendingActivation UserStatus = "pending_activation"
	UserActive            UserStatus = "active"
)

// User is a customer's user as the API returns it. A create response may
// lack the ID: find the user with UsersService.FindByEmail then.
type User struct {
	ID          string     `json:"ID"` // also read from "id", "userID", "userId" or "user_id"
	FullName    string     `json:"fullName"`
	Email       string     `json:"email"`
	Type        UserType   `json:"type"`
	Address     Address    `json:"address"`
	PhoneNumber string     `json:"phoneNumber"`
	Status      UserStatus `json:"status"`
	Raw         RawJSON    `json:"-"` // the object as sent
}

// UnmarshalJSON decodes a user, accepting the alternative spellings a
// public client checks for ("name" for fullName, several for the ID), and
// keeps the object in Raw.
func (u *User) UnmarshalJSON(data []byte) error { return u.decodeWith(copyDecoder(data)) }

func (u *User) decodeWith(dec objectDecoder) error {
	type plain User
	type wire struct {
		*plain
		AltName       string `json:"name"`
		AltUserID     string `json:"userID"` // matches "userId" too
		AltUserIDAnon string `json:"user_id"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(u)
	if err := dec.decode(aux, &u.Raw); err != nil {
		return err
	}
	u.ID = cmp.Or(u.ID, aux.AltUserID, aux.AltUserIDAnon)
	u.FullName = cmp.Or(u.FullName, aux.AltName)
	return nil
}

// UserCreateRequest is the body of Users.Create.
type UserCreateRequest struct {
	Type     UserType `json:"type"`
	FullName string   `json:"fullName"`
	Email    string   `json:"email"`            // unique platform-wide
	Address  Address  `json:"address,omitzero"` // checked when set; County may be empty
	// PhoneNumber is optional: the number to provision for the user and
	// allocate to them, usually one from Numbers.ListAvailable, given as
	// listed ("441614960021") or in any UK form ("0161 496 0021"). It is
	// sent as E.164 digits without "+", as the production bulk flow of a
	// real client sends it. ErrNumberInFlight means it is in another order.
	PhoneNumber string `json:"phoneNumber,omitzero"`
}

func (r UserCreateRequest) normalize() (UserCreateRequest, error) {
	var c checker
	c.fail(oneOf("type", r.Type, UserStandard, UserAdmin))
	c.check("fullName", &r.FullName, requiredText)
	c.check("email", &r.Email, email)
	if r.Address != (Address{}) {
		r.Address = r.Address.normalize("address", &c)
	}
	c.optional("phoneNumber", &r.PhoneNumber, numberE164)
	return r, c.err
}

// Validate reports the first problem Users.Create would refuse r for, as a
// *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r UserCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// UserUpdateRequest is the body of Users.Update (fields inferred). Nil
// fields are left as they are; at least one must be set.
type UserUpdateRequest struct {
	FullName *string   `json:"fullName,omitzero"`
	Email    *string   `json:"email,omitzero"`
	Type     *UserType `json:"type,omitzero"` // any value: the field is inferred
	PIN      *string   `json:"pin,omitzero"`  // the 6-digit voicemail portal PIN; write-only
}

func (r UserUpdateRequest) normalize() (UserUpdateRequest, error) {
	var c checker
	c.ptr("fullName", &r.FullName, requiredText)
	c.ptr("email", &r.Email, email)
	if r.Type != nil {
		c.fail(anyValue("type", *r.Type))
	}
	c.ptr("pin", &r.PIN, pin)
	c.fail(setsNothing("UserUpdateRequest", r))
	return r, c.err
}

// Validate reports the first problem Users.Update would refuse r for, as a
// *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r UserUpdateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// pin checks a 6-digit PIN. Like every check, it never repeats the value.
func pin(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 6 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return "", invalid(field, "must be 6 digits")
	}
	return s, nil
}

// List returns the users of a customer ("List Customer Users").
//
// API: GET /customers/{customerID}/users/ (observed)
func (s *UsersService) List(ctx context.Context, customerID string, opts ...CallOption) ([]User, error) {
	path, err := expandPath(pathUsers, customerID)
	if err != nil {
		return nil, err
	}
	return getList[User](ctx, s.client, &call{op: "Users.List", tmpl: pathUsers, path: path, opts: opts})
}

// Create adds a user to a customer ("Add Customer User"). The user gets an
// activation email, valid for 30 days. The response may lack the user's ID:
// find the user with FindByEmail then (CreateOrFind does).
//
// Not idempotent. On ErrOutcomeUnknown (the API answered 500 "Timeout", or
// the connection dropped after sending) the user may exist: call
// CreateOrFind instead to have that settled, or after Create look it up
// with FindByEmail and WithCallSettleWindow. ErrEmailInUse means the email
// is taken somewhere on the platform. ErrNumberInFlight means PhoneNumber
// is in another order: choose another.
//
// API: POST /customers/{customerID}/users (observed)
func (s *UsersService) Create(ctx context.Context, customerID string, req UserCreateRequest, opts ...CallOption) (*User, error) {
	path, err := expandPath(pathUsersCreate, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[User](ctx, s.client, &call{op: "Users.Create", method: http.MethodPost, tmpl: pathUsersCreate, path: path, body: req, opts: opts})
}

// Update changes a user's details ("Update Customer User"); nil fields stay
// as they are. Idempotent: retried on 5xx and network errors.
//
// API: PUT /customers/{customerID}/users/{userID} (inferred)
func (s *UsersService) Update(ctx context.Context, customerID, userID string, req UserUpdateRequest, opts ...CallOption) (*User, error) {
	path, err := expandPath(pathUser, customerID, userID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[User](ctx, s.client, &call{op: "Users.Update", method: http.MethodPut, tmpl: pathUser, path: path, body: req, opts: opts})
}

// Delete removes a user from a customer ("Delete Customer User"). A retry
// that answers 404 after an attempt that may have deleted is success.
//
// API: DELETE /customers/{customerID}/users/{userID} (inferred)
func (s *UsersService) Delete(ctx context.Context, customerID, userID string, opts ...CallOption) error {
	path, err := expandPath(pathUser, customerID, userID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Users.Delete", method: http.MethodDelete, tmpl: pathUser, path: path, opts: opts})
}

// ResendActivation emails the user a new activation link, valid for 30
// days, at their current address ("Resend User Activation Email"). It is a
// GET, so it is retried on 5xx and network errors: the user may get more
// than one email.
//
// API: GET /customers/{customerID}/users/{userID}/resend-activation (inferred)
func (s *UsersService) ResendActivation(ctx context.Context, customerID, userID string, opts ...CallOption) error {
	path, err := expandPath(pathUserResendActivation, customerID, userID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Users.ResendActivation", method: http.MethodGet, tmpl: pathUserResendActivation, path: path, opts: opts})
}

// ResetPassword emails the user a password-reset link ("Request Password
// Reset"). Partners cannot set a user's password directly.
//
// Not idempotent, so not retried on 5xx, but harmless to repeat: on
// ErrOutcomeUnknown, calling again at worst sends a second email.
//
// API: POST /customers/{customerID}/users/{userID}/password-reset (inferred)
func (s *UsersService) ResetPassword(ctx context.Context, customerID, userID string, opts ...CallOption) error {
	path, err := expandPath(pathUserPasswordReset, customerID, userID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Users.ResetPassword", method: http.MethodPost, tmpl: pathUserPasswordReset, path: path, opts: opts})
}

func userID(u *User) string { return u.ID }

// FindByEmail returns the customer's user whose email is address, compared
// case-insensitively; emails are unique across PhoneLine+. No match is an
// error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (Users.List, scanned here: the API has no known
// filter).
func (s *UsersService) FindByEmail(ctx context.Context, customerID, address string, opts ...CallOption) (*User, error) {
	address, err := email("email", address)
	if err != nil {
		return nil, err
	}
	list := func() ([]User, error) { return s.List(ctx, customerID, opts...) }
	return findOne(ctx, opts, "Users.FindByEmail", "user", list, userID, func(u *User) bool { return sameEmail(u.Email, address) })
}

// differs names the first field in which u differs from req.
func (req UserCreateRequest) differs(u *User) string {
	return mismatch(
		field{"email", req.Email, u.Email, sameEmail},
		field{"fullName", req.FullName, u.FullName, sameText},
		field{"type", string(req.Type), string(u.Type), strings.EqualFold},
	)
}

// CreateOrFind adds a user to a customer, settling an unknown outcome
// itself as Customers.CreateOrFind does, with the user's email as the key:
// on ErrOutcomeUnknown the user is looked up for the settle window and
// Create is sent once more only if it stayed absent; ErrEmailInUse on that
// second send adopts the user if it agrees with req. A create response
// without the user's ID (the API has been seen to send one) is completed
// by the lookup, so Resource.ID is always set.
//
// Cost: Create's one request, plus one Users.List per look when the
// outcome is unknown or the response has no ID. opts apply to every
// request; WithResponseInto describes the last send of the create (not a look).
func (s *UsersService) CreateOrFind(ctx context.Context, customerID string, req UserCreateRequest, opts ...CallOption) (*Ensured[User], error) {
	norm, window, err := prepare(s.client, opts, checkID("customerID", customerID), req, UserCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	return ensure(ctx, window, creation[User]{
		op: "Users.CreateOrFind", what: "user", id: userID, differs: norm.differs,
		create: func() (*User, error) { return s.Create(ctx, customerID, req, opts...) },
		find:   func() (*User, error) { return s.FindByEmail(ctx, customerID, norm.Email, lookupOpts(opts)...) },
		hint:   "check customer " + customerID + "'s users in the partner portal before adding it again",
	})
}
