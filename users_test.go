package phonelineplus

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func validUserCreate() UserCreateRequest {
	return UserCreateRequest{
		Type:        UserStandard,
		FullName:    " Jo Example ",
		Email:       "user@example.com",
		Address:     Address{Premises: "Unit 1", Street: "High Street", Town: "London", County: "Greater London", Postcode: "sw1a 1aa"},
		PhoneNumber: "+44 7700 900002",
	}
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers/c1/users/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(golden(t, "users/list.response.json")))
	})
	got, err := e.client.Users.List(t.Context(), "c1")
	require.NoError(t, err)
	assert.EqualValues(t, 1, e.hits.Load(), "no redirect: the trailing slash is sent")
	require.Len(t, got, 1)
	assert.Equal(t, "00000000-0000-4000-8000-000000000002", got[0].ID)
	assert.Equal(t, "Jo Example", got[0].FullName, `"name" is read as fullName`)
	assert.JSONEq(t, `{"ID":"00000000-0000-4000-8000-000000000002","name":"Jo Example"}`, string(got[0].Raw))

	_, err = e.client.Users.List(t.Context(), "missing")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUserIDSpellings(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"ID":"u1"}`, `{"id":"u1"}`, `{"userID":"u1"}`, `{"userId":"u1"}`, `{"user_id":"u1"}`,
	} {
		var u User
		require.NoError(t, u.UnmarshalJSON([]byte(body)))
		assert.Equal(t, "u1", u.ID, body)
	}
	var u User
	require.NoError(t, u.UnmarshalJSON([]byte(`{"ID":"u1","fullName":"Full","name":"Short","status":"pending_activation"}`)))
	assert.Equal(t, "Full", u.FullName, "fullName wins over name")
	assert.Equal(t, UserPendingActivation, u.Status)
}

// TestUsersCreate sends the real client's example (users/create.request.json)
// with one deliberate difference: phoneNumber goes out as E.164 digits, as
// the production bulk flow sends it (create_ddi.request.json), not in the
// national form of that one-off example.
func TestUsersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var want map[string]any
	require.NoError(t, json.Unmarshal(golden(t, "users/create.request.json"), &want))
	require.Equal(t, "07700900002", want["phoneNumber"])
	want["phoneNumber"] = "447700900002"
	wantBody, err := json.Marshal(want)
	require.NoError(t, err)
	e.mux.HandleFunc("POST /customers/c1/users", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		assert.JSONEq(t, string(wantBody), string(body))
		writeJSON(w, http.StatusCreated, `{"ID":"u1","fullName":"Jo Example","email":"user@example.com","type":"standard","status":"pending_activation","phoneNumber":"447700900002"}`)
	})
	got, err := e.client.Users.Create(t.Context(), "c1", validUserCreate())
	require.NoError(t, err)
	assert.Equal(t, "u1", got.ID)
	assert.Equal(t, UserStandard, got.Type)
	assert.Equal(t, UserPendingActivation, got.Status)
	assert.Equal(t, "447700900002", got.PhoneNumber)
}

// TestUsersCreateDDI: a number from Numbers.ListAvailable is sent exactly
// as listed, and the same number in any UK form is sent the same way.
func TestUsersCreateDDI(t *testing.T) {
	t.Parallel()
	for _, number := range []string{"441610000001", "+44 (0)161 000 0001", "0161 000 0001", "(0161) 000 0001", "0044 161 000 0001"} {
		t.Run(number, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.mux.HandleFunc("POST /customers/c1/users", func(w http.ResponseWriter, r *http.Request) {
				assertBody(t, r, "users/create_ddi.request.json")
				writeJSON(w, http.StatusCreated, `{"ID":"u1"}`)
			})
			req := validUserCreate()
			req.Address = Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M1 1AA"}
			req.PhoneNumber = number
			_, err := e.client.Users.Create(t.Context(), "c1", req)
			require.NoError(t, err)
		})
	}
}

func TestUsersCreateMinimal(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/users", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		assert.JSONEq(t, `{"type":"admin","fullName":"Sam Example","email":"sam@example.com","address":{"premises":"1","street":"A Road","town":"Leeds","postcode":"LS11AA"}}`, string(body))
		writeJSON(w, http.StatusCreated, `{}`)
	})
	got, err := e.client.Users.Create(t.Context(), "c1", UserCreateRequest{
		Type: UserAdmin, FullName: "Sam Example", Email: "sam@example.com",
		Address: Address{Premises: "1", Street: "A Road", Town: "Leeds", Postcode: "LS1 1AA"},
	})
	require.NoError(t, err)
	assert.Empty(t, got.ID, "a create response may lack the ID")
}

func TestUsersCreateErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/taken/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"Email address user@example.com is already in use"}`)
	})
	e.mux.HandleFunc("POST /customers/inflight409/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, numberInFlight)
	})
	e.mux.HandleFunc("POST /customers/inflight400/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, numberInFlight)
	})
	_, err := e.client.Users.Create(t.Context(), "taken", validUserCreate())
	assert.ErrorIs(t, err, ErrEmailInUse)
	assert.ErrorIs(t, err, ErrConflict)
	assert.NotErrorIs(t, err, ErrNumberInFlight)

	_, err = e.client.Users.Create(t.Context(), "inflight409", validUserCreate())
	assert.ErrorIs(t, err, ErrNumberInFlight)
	assert.NotErrorIs(t, err, ErrEmailInUse)

	_, err = e.client.Users.Create(t.Context(), "inflight400", validUserCreate())
	assert.ErrorIs(t, err, ErrNumberInFlight)
	assert.ErrorIs(t, err, ErrBadRequest)
}

func TestUsersCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		customer string
		modify   func(*UserCreateRequest)
		field    string
	}{
		{"bad customer", "c/1", func(*UserCreateRequest) {}, "customerID"},
		{"no type", "c1", func(r *UserCreateRequest) { r.Type = "" }, "type"},
		{"unknown type", "c1", func(r *UserCreateRequest) { r.Type = "Admin" }, "type"},
		{"no name", "c1", func(r *UserCreateRequest) { r.FullName = "" }, "fullName"},
		{"no email", "c1", func(r *UserCreateRequest) { r.Email = "" }, "email"},
		{"bad email", "c1", func(r *UserCreateRequest) { r.Email = "Jo <user@example.com>" }, "email"},
		{"partial address", "c1", func(r *UserCreateRequest) { r.Address = Address{Postcode: "SW1A1AA"} }, "address.premises"},
		{"bad postcode", "c1", func(r *UserCreateRequest) { r.Address.Postcode = "ABC" }, "address.postcode"},
		{"phone not UK", "c1", func(r *UserCreateRequest) { r.PhoneNumber = "+1 202 555 0100" }, "phoneNumber"},
		{"phone too short", "c1", func(r *UserCreateRequest) { r.PhoneNumber = "0161" }, "phoneNumber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			req := validUserCreate()
			tt.modify(&req)
			_, err := e.client.Users.Create(t.Context(), tt.customer, req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestUsersUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /customers/c1/users/u1", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "users/update.request.json")
		writeJSON(w, http.StatusOK, `{"ID":"u1","fullName":"Jo Renamed","type":"admin"}`)
	})
	e.mux.HandleFunc("PUT /customers/c1/users/u2", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"Email address other@example.com is already in use"}`)
	})
	pin := " 123456"
	got, err := e.client.Users.Update(t.Context(), "c1", "u1", UserUpdateRequest{FullName: Ptr("Jo Renamed"), Type: Ptr(UserAdmin), PIN: &pin})
	require.NoError(t, err)
	assert.Equal(t, "Jo Renamed", got.FullName)
	assert.Equal(t, UserAdmin, got.Type)
	assert.Equal(t, " 123456", pin, "the caller's value is not rewritten")

	_, err = e.client.Users.Update(t.Context(), "c1", "u2", UserUpdateRequest{Email: Ptr("other@example.com")})
	assert.ErrorIs(t, err, ErrEmailInUse)
}

func TestUsersUpdateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		user  string
		req   UserUpdateRequest
		field string
	}{
		{"bad user", "", UserUpdateRequest{FullName: Ptr("X")}, "userID"},
		{"sets nothing", "u1", UserUpdateRequest{}, "UserUpdateRequest"},
		{"empty name", "u1", UserUpdateRequest{FullName: Ptr(" ")}, "fullName"},
		{"bad email", "u1", UserUpdateRequest{Email: Ptr("nobody")}, "email"},
		{"type with CR/LF", "u1", UserUpdateRequest{Type: Ptr(UserType("owner\r\n"))}, "type"},
		{"short PIN", "u1", UserUpdateRequest{PIN: Ptr("98765")}, "pin"},
		{"long PIN", "u1", UserUpdateRequest{PIN: Ptr("9876543")}, "pin"},
		{"letters in PIN", "u1", UserUpdateRequest{PIN: Ptr("98765x")}, "pin"},
		{"non-ASCII digits in PIN", "u1", UserUpdateRequest{PIN: Ptr("٩٨٧٦٥٤")}, "pin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Users.Update(t.Context(), "c1", tt.user, tt.req)
			e.assertNothingSent(t, err, tt.field)
			if tt.req.PIN != nil {
				assert.NotContains(t, err.Error(), *tt.req.PIN, "a PIN is never echoed")
			}
		})
	}
}

func TestUsersDelete(t *testing.T) {
	t.Parallel()
	e := setup(t)
	err := e.client.Users.Delete(t.Context(), "c1", "u#1")
	e.assertNothingSent(t, err, "userID")

	e.mux.HandleFunc("DELETE /customers/c1/users/u1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	require.NoError(t, e.client.Users.Delete(t.Context(), "c1", "u1"))
	assert.ErrorIs(t, e.client.Users.Delete(t.Context(), "c1", "u2"), ErrNotFound)
}

func TestUsersResendActivation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	err := e.client.Users.ResendActivation(t.Context(), "c1", "")
	e.assertNothingSent(t, err, "userID")

	e.mux.HandleFunc("GET /customers/c1/users/u1/resend-activation", func(w http.ResponseWriter, r *http.Request) {
		assert.Zero(t, r.ContentLength)
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("GET /customers/c1/users/u2/resend-activation", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"User is already active"}`)
	})
	require.NoError(t, e.client.Users.ResendActivation(t.Context(), "c1", "u1"))
	assert.ErrorIs(t, e.client.Users.ResendActivation(t.Context(), "c1", "u2"), ErrConflict)
}

func TestUsersResetPassword(t *testing.T) {
	t.Parallel()
	e := setup(t)
	err := e.client.Users.ResetPassword(t.Context(), "..", "u1")
	e.assertNothingSent(t, err, "customerID")

	e.mux.HandleFunc("POST /customers/c1/users/u1/password-reset", func(w http.ResponseWriter, r *http.Request) {
		// An empty body (of unknown length, so that no transport can
		// replay the POST).
		b, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		assert.Empty(t, b, "no body")
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("POST /customers/c1/users/u2/password-reset", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadGateway, `{"message":"upstream"}`)
	})
	require.NoError(t, e.client.Users.ResetPassword(t.Context(), "c1", "u1"))
	err = e.client.Users.ResetPassword(t.Context(), "c1", "u2")
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrServer)
}

func TestUsersUpdateCallSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, tc := range []struct {
		req   CallSettings
		field string
	}{
		{CallSettings{}, "CallSettings"},
		{CallSettings{RingTimeSeconds: Ptr(4)}, "ringTimeSeconds"},
		{CallSettings{RingTimeSeconds: Ptr(301)}, "ringTimeSeconds"},
		{CallSettings{RingTimeSeconds: Ptr(0)}, "ringTimeSeconds"},
	} {
		err := e.client.Users.UpdateCallSettings(t.Context(), "c1", "u1", tc.req)
		e.assertNothingSent(t, err, tc.field)
	}

	e.mux.HandleFunc("PUT /customers/c1/users/u1/call-settings", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "users/call_settings.request.json")
		writeJSON(w, http.StatusOK, string(golden(t, "users/call_settings.request.json")))
	})
	err := e.client.Users.UpdateCallSettings(t.Context(), "c1", "u1", CallSettings{
		OutOfHoursEnabled: Ptr(true), VoicemailEnabled: Ptr(false), RingTimeSeconds: Ptr(20),
	})
	require.NoError(t, err)
	err = e.client.Users.UpdateCallSettings(t.Context(), "c1", "u9", CallSettings{VoicemailEnabled: Ptr(true)})
	assert.ErrorIs(t, err, ErrNotFound)
}

func validSchedule() ScheduleSettings {
	return ScheduleSettings{
		Days: []DaySchedule{
			{Day: Monday, Availability: AvailabilityBetween, From: "09:00", To: " 17:30"},
			{Day: Saturday, Availability: AvailabilityUnavailable},
			{Day: Sunday, Availability: AvailabilityAllDay},
		},
		OutOfHoursAction:     OutOfHoursRedirectExternal,
		RedirectNumber:       "07700 900003",
		RingTimeSeconds:      25,
		AnnounceCalls:        Ptr(true),
		PresentDialledNumber: Ptr(false),
	}
}

func TestUsersUpdateScheduleSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /customers/c1/users/u1/schedule-settings", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "users/schedule_settings.request.json")
		writeJSON(w, http.StatusOK, string(golden(t, "users/schedule_settings.request.json")))
	})
	e.mux.HandleFunc("PUT /customers/c1/users/u2/schedule-settings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, `{"message":"redirectUserID is not a user of this customer"}`)
	})
	req := validSchedule()
	require.NoError(t, e.client.Users.UpdateScheduleSettings(t.Context(), "c1", "u1", req))
	assert.Equal(t, " 17:30", req.Days[0].To, "the caller's slice is not rewritten")

	err := e.client.Users.UpdateScheduleSettings(t.Context(), "c1", "u2", ScheduleSettings{
		Days:             []DaySchedule{{Day: Friday, Availability: AvailabilityAllDay}},
		OutOfHoursAction: OutOfHoursRedirectUser, RedirectUserID: "u3",
	})
	assert.ErrorIs(t, err, ErrBadRequest)
}

func TestScheduleSettingsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*ScheduleSettings)
		field  string
	}{
		{"nothing set", func(s *ScheduleSettings) { *s = ScheduleSettings{} }, "ScheduleSettings"},
		{"day with a newline", func(s *ScheduleSettings) { s.Days[1].Day = "saturday\n" }, "days[1].day"},
		{"day twice", func(s *ScheduleSettings) { s.Days[2].Day = Monday }, "days[2].day"},
		{"availability padded", func(s *ScheduleSettings) { s.Days[1].Availability = "unavailable " }, "days[1].availability"},
		{"bad hour", func(s *ScheduleSettings) { s.Days[0].From = "24:00" }, "days[0].from"},
		{"bad minute", func(s *ScheduleSettings) { s.Days[0].To = "17:60" }, "days[0].to"},
		{"short time", func(s *ScheduleSettings) { s.Days[0].From = "9:00" }, "days[0].from"},
		{"from after to", func(s *ScheduleSettings) { s.Days[0].From = "18:00" }, "days[0].to"},
		{"from equals to", func(s *ScheduleSettings) { s.Days[0].From = "17:30" }, "days[0].to"},
		{"times when all day", func(s *ScheduleSettings) { s.Days[2].To = "12:00" }, "days[2].to"},
		{"action with NUL", func(s *ScheduleSettings) { s.OutOfHoursAction = "hangup\x00" }, "outOfHoursAction"},
		{"external bad number", func(s *ScheduleSettings) { s.RedirectNumber = "12345" }, "redirectNumber"},
		{"user bad ID", func(s *ScheduleSettings) { s.OutOfHoursAction, s.RedirectUserID = OutOfHoursRedirectUser, "u/1" }, "redirectUserID"},
		{"ring too short", func(s *ScheduleSettings) { s.RingTimeSeconds = 4 }, "ringTimeSeconds"},
		{"ring too long", func(s *ScheduleSettings) { s.RingTimeSeconds = 301 }, "ringTimeSeconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			req := validSchedule()
			tt.modify(&req)
			err := e.client.Users.UpdateScheduleSettings(t.Context(), "c1", "u1", req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestUsersBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", ".", "..", "a/b", "a%2Fb", "a?b", "a\nb"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Users.List(t.Context(), id)
			e.assertNothingSent(t, err, "customerID")
			_, err = e.client.Users.Update(t.Context(), "c1", id, UserUpdateRequest{FullName: Ptr("X")})
			e.assertNothingSent(t, err, "userID")
			err = e.client.Users.ResetPassword(t.Context(), "c1", id)
			e.assertNothingSent(t, err, "userID")
			err = e.client.Users.UpdateCallSettings(t.Context(), id, "u1", CallSettings{VoicemailEnabled: Ptr(true)})
			e.assertNothingSent(t, err, "customerID")
		})
	}
}

// TestUsersCreateWrittenPoolNumberThroughTheFake: a pool number the caller
// writes in another UK form ("+44 (0)161 …") reaches the fake as the E.164
// digits the pool lists, and the new user owns that number.
func TestUsersCreateWrittenPoolNumberThroughTheFake(t *testing.T) {
	t.Parallel()
	srv := phonelineplustest.NewServer(phonelineplustest.WithRateLimit(0))
	t.Cleanup(srv.Close)
	keyID, secret := srv.Credentials()
	c, err := New(keyID, secret, WithBaseURL(srv.URL()), WithHTTPClient(&http.Client{Transport: srv.Transport()}),
		WithRateLimit(60000, 100), WithMaxRetries(0))
	require.NoError(t, err)
	ctx := t.Context()
	avail, err := c.Numbers.ListAvailable(ctx, AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0161"})
	require.NoError(t, err)
	require.NotEmpty(t, avail)
	listed := avail[0].NumberE164 // 44161…
	require.True(t, strings.HasPrefix(listed, "44161"), listed)
	written := "+44 (0)161 " + listed[5:8] + " " + listed[8:]
	cust, err := c.Customers.Create(ctx, CustomerCreateRequest{Plan: PlanStandard, CompanyName: "Acme Ltd", FullName: "Alex",
		ContactNumber: "0161 496 0999", Email: "alex@acme.example"})
	require.NoError(t, err)

	u, err := c.Users.Create(ctx, cust.ID, UserCreateRequest{Type: UserStandard, FullName: "Jo", Email: "jo@acme.example", PhoneNumber: written})
	require.NoError(t, err)
	reqs := srv.Requests()
	assert.Contains(t, string(reqs[len(reqs)-1].Body), `"phoneNumber":"`+listed+`"`)
	snap := srv.Snapshot()
	require.Len(t, snap.Numbers, 1)
	assert.Equal(t, listed, snap.Numbers[0].NumberE164)
	assert.Equal(t, u.ID, snap.Numbers[0].AllocatedTo.UserID)
}
