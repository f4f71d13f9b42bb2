package phonelineplus

import (
	"cmp"
	"context"
	"net/http"
)

// Partner user paths, relative to the base URL (inferred).
const (
	pathPartnerUsers = "/users"
	pathPartnerUser  = "/users/{userID}"
)

// PartnerUsersService handles the partner's portal users. Use it as Client.PartnerUsers.
type PartnerUsersService service

// PartnerUser is a user of the partner portal (not a customer's user).
type PartnerUser struct {
	ID       string  `json:"ID"`
	FullName string  `json:"fullName"` // "name" on some responses
	Email    string  `json:"email"`
	Raw      RawJSON `json:"-"` // the object as sent
}

// UnmarshalJSON decodes a partner user, accepting "name" for "fullName",
// and keeps the object in Raw.
func (u *PartnerUser) UnmarshalJSON(data []byte) error { return u.decodeWith(copyDecoder(data)) }

func (u *PartnerUser) decodeWith(dec objectDecoder) error {
	type plain PartnerUser
	type wire struct {
		*plain
		AltName string `json:"name"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(u)
	if err := dec.decode(aux, &u.Raw); err != nil {
		return err
	}
	u.FullName = cmp.Or(u.FullName, aux.AltName)
	return nil
}

// PartnerUserCreateRequest is the body of PartnerUsers.Create (fields
// inferred). The portal asks for both.
type PartnerUserCreateRequest struct {
	FullName string `json:"fullName,omitzero"`
	Email    string `json:"email,omitzero"` // unique platform-wide
}

func (r PartnerUserCreateRequest) normalize() (PartnerUserCreateRequest, error) {
	var c checker
	c.optional("fullName", &r.FullName, requiredText)
	c.optional("email", &r.Email, email)
	c.fail(setsNothing("PartnerUserCreateRequest", r))
	return r, c.err
}

// Validate reports the first problem PartnerUsers.Create would refuse r
// for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r PartnerUserCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// PartnerUserUpdateRequest is the body of PartnerUsers.Update. Nil fields
// are left as they are; at least one must be set.
type PartnerUserUpdateRequest struct {
	FullName *string `json:"fullName,omitzero"`
	Email    *string `json:"email,omitzero"`
}

func (r PartnerUserUpdateRequest) normalize() (PartnerUserUpdateRequest, error) {
	var c checker
	c.ptr("fullName", &r.FullName, requiredText)
	c.ptr("email", &r.Email, email)
	c.fail(setsNothing("PartnerUserUpdateRequest", r))
	return r, c.err
}

// Validate reports the first problem PartnerUsers.Update would refuse r
// for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r PartnerUserUpdateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// List returns the partner's portal users ("List Users for Partner").
//
// API: GET /users (inferred)
func (s *PartnerUsersService) List(ctx context.Context, opts ...CallOption) ([]PartnerUser, error) {
	return getList[PartnerUser](ctx, s.client, &call{op: "PartnerUsers.List", tmpl: pathPartnerUsers, path: pathPartnerUsers, opts: opts})
}

// Create adds a partner portal user ("Add Partner User"). PhoneLine+
// emails the new user a link to set a password.
//
// Not idempotent. On ErrOutcomeUnknown the user may exist: call
// CreateOrFind instead to have that settled, or after Create look it up
// with FindByEmail and WithCallSettleWindow. ErrEmailInUse means the email
// is taken somewhere on the platform (emails are unique across all of
// PhoneLine+).
//
// API: POST /users (inferred)
func (s *PartnerUsersService) Create(ctx context.Context, req PartnerUserCreateRequest, opts ...CallOption) (*PartnerUser, error) {
	req, err := req.normalize()
	if err != nil {
		return nil, err
	}
	return send[PartnerUser](ctx, s.client, &call{op: "PartnerUsers.Create", method: http.MethodPost, tmpl: pathPartnerUsers, path: pathPartnerUsers, body: req, opts: opts})
}

// Update changes a partner portal user's name or email ("Update Partner
// User"); nil fields stay as they are. Idempotent: retried on 5xx and
// network errors. ErrEmailInUse means the new email is taken.
//
// API: PUT /users/{userID} (inferred)
func (s *PartnerUsersService) Update(ctx context.Context, userID string, req PartnerUserUpdateRequest, opts ...CallOption) (*PartnerUser, error) {
	path, err := expandPath(pathPartnerUser, userID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[PartnerUser](ctx, s.client, &call{op: "PartnerUsers.Update", method: http.MethodPut, tmpl: pathPartnerUser, path: path, body: req, opts: opts})
}

// Delete removes a partner portal user ("Delete Partner User"). A retry
// that answers 404 after an attempt that may have deleted is success.
//
// API: DELETE /users/{userID} (inferred)
func (s *PartnerUsersService) Delete(ctx context.Context, userID string, opts ...CallOption) error {
	path, err := expandPath(pathPartnerUser, userID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "PartnerUsers.Delete", method: http.MethodDelete, tmpl: pathPartnerUser, path: path, opts: opts})
}

func partnerUserID(u *PartnerUser) string { return u.ID }

// FindByEmail returns the partner portal user whose email is address,
// compared case-insensitively; emails are unique across PhoneLine+. No
// match is an error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (PartnerUsers.List, scanned here: the API has no known
// filter).
func (s *PartnerUsersService) FindByEmail(ctx context.Context, address string, opts ...CallOption) (*PartnerUser, error) {
	address, err := email("email", address)
	if err != nil {
		return nil, err
	}
	list := func() ([]PartnerUser, error) { return s.List(ctx, opts...) }
	return findOne(ctx, opts, "PartnerUsers.FindByEmail", "partner user", list, partnerUserID, func(u *PartnerUser) bool { return sameEmail(u.Email, address) })
}

// CreateOrFind adds a partner portal user, settling an unknown outcome
// itself as Customers.CreateOrFind does, with the email as the key: on
// ErrOutcomeUnknown the user is looked up for the settle window and Create
// is sent once more only if it stayed absent; ErrEmailInUse on that second
// send adopts the user if its name agrees with req.
//
// Cost: Create's one request, plus one PartnerUsers.List per look when the
// outcome is unknown. opts apply to every request; WithResponseInto
// describes the last send of the create (not a look).
func (s *PartnerUsersService) CreateOrFind(ctx context.Context, req PartnerUserCreateRequest, opts ...CallOption) (*Ensured[PartnerUser], error) {
	norm, window, err := prepare(s.client, opts, findKey("email", req.Email), req, PartnerUserCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	return ensure(ctx, window, creation[PartnerUser]{
		op: "PartnerUsers.CreateOrFind", what: "partner user", id: partnerUserID,
		differs: func(u *PartnerUser) string {
			return mismatch(field{"email", norm.Email, u.Email, sameEmail}, field{"fullName", norm.FullName, u.FullName, sameText})
		},
		create: func() (*PartnerUser, error) { return s.Create(ctx, req, opts...) },
		find:   func() (*PartnerUser, error) { return s.FindByEmail(ctx, norm.Email, lookupOpts(opts)...) },
		hint:   "check the partner portal's users before adding it again",
	})
}
