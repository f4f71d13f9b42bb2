package phonelineplus

import (
	"context"
	"net/http"
)

// Partner paths, relative to the base URL (inferred).
const (
	pathPartnerSettings    = "/settings"
	pathPartnerPermissions = "/settings/user-permissions"
)

// PartnerService handles the partner's own settings and user permissions. Use it as Client.Partner.
type PartnerService service

// PartnerSettings is the partner's account details (fields inferred from
// the portal, which requires all four).
type PartnerSettings struct {
	CompanyName string  `json:"companyName"`
	FullName    string  `json:"fullName"`
	Email       string  `json:"email"`
	PhoneNumber string  `json:"phoneNumber"`
	Raw         RawJSON `json:"-"` // the object as sent
}

// UnmarshalJSON decodes the settings and keeps the object in Raw.
func (p *PartnerSettings) UnmarshalJSON(data []byte) error { return p.decodeWith(copyDecoder(data)) }

func (p *PartnerSettings) decodeWith(dec objectDecoder) error {
	type plain PartnerSettings
	return dec.decode((*plain)(p), &p.Raw)
}

// PartnerSettingsUpdateRequest is the body of Partner.UpdateSettings
// (fields inferred). Nil fields are left as they are; at least one must be
// set.
type PartnerSettingsUpdateRequest struct {
	CompanyName *string `json:"companyName,omitzero"`
	FullName    *string `json:"fullName,omitzero"`
	Email       *string `json:"email,omitzero"`
	PhoneNumber *string `json:"phoneNumber,omitzero"` // any UK form; sent as 0…
}

func (r PartnerSettingsUpdateRequest) normalize() (PartnerSettingsUpdateRequest, error) {
	var c checker
	c.ptr("companyName", &r.CompanyName, requiredText)
	c.ptr("fullName", &r.FullName, requiredText)
	c.ptr("email", &r.Email, email)
	c.ptr("phoneNumber", &r.PhoneNumber, nationalNumber)
	c.fail(setsNothing("PartnerSettingsUpdateRequest", r))
	return r, c.err
}

// Validate reports the first problem Partner.UpdateSettings would refuse r
// for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r PartnerSettingsUpdateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// Permissions are the limits and call rights the partner's customers get,
// as the API returns them (fields inferred from the portal's customer
// permissions page).
type Permissions struct {
	MaxUsers             int     `json:"maxUsers"`
	MaxNumbers           int     `json:"maxNumbers"`
	AdminsManageAllUsers bool    `json:"adminsManageAllUsers"` // customer admins may manage every user
	InternationalCalls   bool    `json:"internationalCalls"`   // outbound international calls allowed
	PremiumRateCalls     bool    `json:"premiumRateCalls"`     // outbound premium-rate calls allowed
	Raw                  RawJSON `json:"-"`                    // the object as sent
}

// UnmarshalJSON decodes the permissions and keeps the object in Raw.
func (p *Permissions) UnmarshalJSON(data []byte) error { return p.decodeWith(copyDecoder(data)) }

func (p *Permissions) decodeWith(dec objectDecoder) error {
	type plain Permissions
	return dec.decode((*plain)(p), &p.Raw)
}

// UserPermissions is the body of Partner.UpdateUserPermissions (fields
// inferred). Nil fields are left as they are; at least one must be set.
// Use Ptr for values: UserPermissions{PremiumRateCalls: Ptr(false)}.
type UserPermissions struct {
	MaxUsers             *int  `json:"maxUsers,omitzero"`   // 0 or more
	MaxNumbers           *int  `json:"maxNumbers,omitzero"` // 0 or more
	AdminsManageAllUsers *bool `json:"adminsManageAllUsers,omitzero"`
	InternationalCalls   *bool `json:"internationalCalls,omitzero"`
	PremiumRateCalls     *bool `json:"premiumRateCalls,omitzero"`
}

func (r UserPermissions) normalize() (UserPermissions, error) {
	switch {
	case r.MaxUsers != nil && *r.MaxUsers < 0:
		return r, invalid("maxUsers", "must not be negative")
	case r.MaxNumbers != nil && *r.MaxNumbers < 0:
		return r, invalid("maxNumbers", "must not be negative")
	}
	return r, setsNothing("UserPermissions", r)
}

// Validate reports the first problem Partner.UpdateUserPermissions would
// refuse r for, as a *ValidationError naming the field, without sending
// anything: the method runs the same check before each request.
func (r UserPermissions) Validate() error {
	_, err := r.normalize()
	return err
}

// GetSettings returns the partner's account details ("Get Partner
// Settings").
//
// API: GET /settings (inferred)
func (s *PartnerService) GetSettings(ctx context.Context, opts ...CallOption) (*PartnerSettings, error) {
	return send[PartnerSettings](ctx, s.client, &call{op: "Partner.GetSettings", method: http.MethodGet, tmpl: pathPartnerSettings, path: pathPartnerSettings, opts: opts})
}

// UpdateSettings changes the partner's account details ("Update Partner
// Settings"); nil fields stay as they are. Idempotent: retried on 5xx and
// network errors.
//
// API: PUT /settings (inferred)
func (s *PartnerService) UpdateSettings(ctx context.Context, req PartnerSettingsUpdateRequest, opts ...CallOption) (*PartnerSettings, error) {
	req, err := req.normalize()
	if err != nil {
		return nil, err
	}
	return send[PartnerSettings](ctx, s.client, &call{op: "Partner.UpdateSettings", method: http.MethodPut, tmpl: pathPartnerSettings, path: pathPartnerSettings, body: req, opts: opts})
}

// GetUserPermissions returns the permissions the partner's customers get
// ("List User Permissions").
//
// API: GET /settings/user-permissions (inferred)
func (s *PartnerService) GetUserPermissions(ctx context.Context, opts ...CallOption) (*Permissions, error) {
	return send[Permissions](ctx, s.client, &call{op: "Partner.GetUserPermissions", method: http.MethodGet, tmpl: pathPartnerPermissions, path: pathPartnerPermissions, opts: opts})
}

// UpdateUserPermissions changes the permissions the partner's customers
// get ("Update User Permissions"); nil fields stay as they are.
// Idempotent: retried on 5xx and network errors.
//
// API: PUT /settings/user-permissions (inferred)
func (s *PartnerService) UpdateUserPermissions(ctx context.Context, req UserPermissions, opts ...CallOption) (*Permissions, error) {
	req, err := req.normalize()
	if err != nil {
		return nil, err
	}
	return send[Permissions](ctx, s.client, &call{op: "Partner.UpdateUserPermissions", method: http.MethodPut, tmpl: pathPartnerPermissions, path: pathPartnerPermissions, body: req, opts: opts})
}
