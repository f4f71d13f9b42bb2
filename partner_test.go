package phonelineplus

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPartnerGetSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /settings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(golden(t, "partner/settings.response.json")))
	})
	got, err := e.client.Partner.GetSettings(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "Example Partner Ltd", got.CompanyName)
	assert.Equal(t, "Pat Example", got.FullName)
	assert.Equal(t, "partner@example.com", got.Email)
	assert.Equal(t, "07700900004", got.PhoneNumber)
	assert.JSONEq(t, string(golden(t, "partner/settings.response.json")), string(got.Raw))
}

func TestPartnerUpdateSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /settings", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "partner/update_settings.request.json")
		writeJSON(w, http.StatusOK, string(golden(t, "partner/settings.response.json")))
	})
	phone := "+44 7700 900004"
	got, err := e.client.Partner.UpdateSettings(t.Context(), PartnerSettingsUpdateRequest{
		CompanyName: Ptr(" Example Partner Ltd "), PhoneNumber: &phone,
	})
	require.NoError(t, err)
	assert.Equal(t, "Example Partner Ltd", got.CompanyName)
	assert.Equal(t, "+44 7700 900004", phone, "the caller's value is not rewritten")
}

func TestPartnerUpdateSettingsError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /settings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, `{"message":"companyName is too long"}`)
	})
	_, err := e.client.Partner.UpdateSettings(t.Context(), PartnerSettingsUpdateRequest{FullName: Ptr("Pat Example")})
	assert.ErrorIs(t, err, ErrBadRequest)
}

func TestPartnerUpdateSettingsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   PartnerSettingsUpdateRequest
		field string
	}{
		{"sets nothing", PartnerSettingsUpdateRequest{}, "PartnerSettingsUpdateRequest"},
		{"empty company", PartnerSettingsUpdateRequest{CompanyName: Ptr(" ")}, "companyName"},
		{"control character in name", PartnerSettingsUpdateRequest{FullName: Ptr("Pat\x00")}, "fullName"},
		{"bad email", PartnerSettingsUpdateRequest{Email: Ptr("Pat <pat@example.com>")}, "email"},
		{"phone not UK", PartnerSettingsUpdateRequest{PhoneNumber: Ptr("+33 1 23 45 67 89")}, "phoneNumber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Partner.UpdateSettings(t.Context(), tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestPartnerGetUserPermissions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /settings/user-permissions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(golden(t, "partner/permissions.response.json")))
	})
	got, err := e.client.Partner.GetUserPermissions(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 25, got.MaxUsers)
	assert.Equal(t, 30, got.MaxNumbers)
	assert.True(t, got.AdminsManageAllUsers)
	assert.True(t, got.InternationalCalls)
	assert.False(t, got.PremiumRateCalls)
	assert.JSONEq(t, string(golden(t, "partner/permissions.response.json")), string(got.Raw))
}

func TestPartnerUpdateUserPermissions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /settings/user-permissions", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "partner/update_permissions.request.json")
		writeJSON(w, http.StatusOK, `{"maxUsers":0,"maxNumbers":30,"internationalCalls":true}`)
	})
	got, err := e.client.Partner.UpdateUserPermissions(t.Context(), UserPermissions{
		MaxUsers: Ptr(0), InternationalCalls: Ptr(true), PremiumRateCalls: Ptr(false),
	})
	require.NoError(t, err)
	assert.Equal(t, 0, got.MaxUsers)
	assert.Equal(t, 30, got.MaxNumbers)
	assert.True(t, got.InternationalCalls)
}

func TestPartnerUpdateUserPermissionsError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /settings/user-permissions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"message":"not allowed"}`)
	})
	_, err := e.client.Partner.UpdateUserPermissions(t.Context(), UserPermissions{MaxNumbers: Ptr(5)})
	assert.ErrorIs(t, err, ErrForbidden)
}

func TestPartnerUpdateUserPermissionsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   UserPermissions
		field string
	}{
		{"sets nothing", UserPermissions{}, "UserPermissions"},
		{"negative max users", UserPermissions{MaxUsers: Ptr(-1)}, "maxUsers"},
		{"negative max numbers", UserPermissions{MaxNumbers: Ptr(-5), PremiumRateCalls: Ptr(true)}, "maxNumbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Partner.UpdateUserPermissions(t.Context(), tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}
