package phonelineplus

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPartnerUsersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(w, http.StatusOK, string(golden(t, "partnerusers/list.response.json")))
	})
	got, err := e.client.PartnerUsers.List(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "00000000-0000-4000-8000-0000000000b1", got[0].ID)
	assert.Equal(t, "Jo Example", got[0].FullName)
	assert.Equal(t, "jo@example.com", got[0].Email)
	assert.Equal(t, "Sam Example", got[1].FullName, `"name" is accepted`)
	assert.Contains(t, string(got[1].Raw), `"role": "admin"`, "unknown fields are kept")
}

func TestPartnerUsersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "partnerusers/create.request.json")
		writeJSON(w, http.StatusCreated, `{"ID":"pu1","fullName":"Jo Example","email":"jo@example.com"}`)
	})
	got, err := e.client.PartnerUsers.Create(t.Context(), PartnerUserCreateRequest{FullName: "Jo Example ", Email: " jo@example.com"})
	require.NoError(t, err)
	assert.Equal(t, "pu1", got.ID)
	assert.Equal(t, "Jo Example", got.FullName)
}

func TestPartnerUsersCreateErrors(t *testing.T) {
	t.Parallel()
	e := setup(t, WithMaxRetries(3))
	e.mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		if e.hits.Load() == 1 { // the first request
			writeJSON(w, http.StatusConflict, `{"message":"Email address jo@example.com is already in use"}`)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "Timeout")
	})
	req := PartnerUserCreateRequest{FullName: "Jo Example", Email: "jo@example.com"}
	_, err := e.client.PartnerUsers.Create(t.Context(), req)
	assert.ErrorIs(t, err, ErrEmailInUse)
	assert.ErrorIs(t, err, ErrConflict)

	_, err = e.client.PartnerUsers.Create(t.Context(), req)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int64(2), e.hits.Load(), "a POST is never re-sent")
}

func TestPartnerUsersCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   PartnerUserCreateRequest
		field string
	}{
		{"nothing set", PartnerUserCreateRequest{FullName: " "}, "PartnerUserCreateRequest"},
		{"CRLF in name", PartnerUserCreateRequest{FullName: "Jo\r\nX", Email: "jo@example.com"}, "fullName"},
		{"bad email", PartnerUserCreateRequest{FullName: "Jo Example", Email: "jo@example"}, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.PartnerUsers.Create(t.Context(), tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestPartnerUsersUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /users/pu1", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "partnerusers/update.request.json")
		writeJSON(w, http.StatusOK, `{"ID":"pu1","name":"Jo Example","email":"jo.renamed@example.com"}`)
	})
	e.mux.HandleFunc("PUT /users/taken", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"Email already exists"}`)
	})
	got, err := e.client.PartnerUsers.Update(t.Context(), "pu1", PartnerUserUpdateRequest{Email: Ptr("jo.renamed@example.com")})
	require.NoError(t, err)
	assert.Equal(t, "jo.renamed@example.com", got.Email)
	assert.Equal(t, "Jo Example", got.FullName)

	_, err = e.client.PartnerUsers.Update(t.Context(), "taken", PartnerUserUpdateRequest{Email: Ptr("x@example.com")})
	assert.ErrorIs(t, err, ErrEmailInUse)
}

func TestPartnerUsersUpdateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		id    string
		req   PartnerUserUpdateRequest
		field string
	}{
		{"sets nothing", "pu1", PartnerUserUpdateRequest{}, "PartnerUserUpdateRequest"},
		{"empty name", "pu1", PartnerUserUpdateRequest{FullName: Ptr("")}, "fullName"},
		{"bad email", "pu1", PartnerUserUpdateRequest{Email: Ptr("nobody")}, "email"},
		{"bad ID first", "a/b", PartnerUserUpdateRequest{}, "userID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.PartnerUsers.Update(t.Context(), tt.id, tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestPartnerUsersDelete(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("DELETE /users/pu1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	require.NoError(t, e.client.PartnerUsers.Delete(t.Context(), "pu1"))
	err := e.client.PartnerUsers.Delete(t.Context(), "gone")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestPartnerUsersBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", ".", "..", "a/b", "a?b", "a#b", "a%2Fb"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			err := e.client.PartnerUsers.Delete(t.Context(), id)
			e.assertNothingSent(t, err, "userID")
			_, err = e.client.PartnerUsers.Update(t.Context(), id, PartnerUserUpdateRequest{FullName: Ptr("Jo")})
			e.assertNothingSent(t, err, "userID")
		})
	}
}

// TestPartnerUsersCreateOrFindNeedsTheEmail: Create may leave the email
// out (the field is inferred), but CreateOrFind looks the user up by it.
func TestPartnerUsersCreateOrFindNeedsTheEmail(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.PartnerUsers.CreateOrFind(t.Context(), PartnerUserCreateRequest{FullName: "Pat Example"})
	e.assertNothingSent(t, err, "email")
}
