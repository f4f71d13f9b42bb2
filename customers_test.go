package phonelineplus

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validCustomerCreate() CustomerCreateRequest {
	return CustomerCreateRequest{
		Plan:          PlanHardwareOnly,
		Address:       Address{Premises: "Building 5", Street: "Main Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M1 1AA"},
		CompanyName:   "Example HWO Company",
		FullName:      "Alex Example",
		ContactNumber: "+44 7700 900000",
		Number:        NumberRef{NumberE164: "0161 000 0000"},
		Email:         "contact@example.com",
	}
}

func TestCustomersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "customers/create.request.json")
		writeJSON(w, http.StatusCreated, string(golden(t, "customers/create.response.json")))
	})

	got, err := e.client.Customers.Create(t.Context(), validCustomerCreate())
	require.NoError(t, err)
	assert.Equal(t, "00000000-0000-4000-8000-000000000001", got.ID)
	assert.Equal(t, "00000000-0000-4000-8000-000000000002", got.UserID)
	assert.Equal(t, PlanHardwareOnly, got.Plan)
	assert.Equal(t, "441610000000", got.Number.NumberE164)
	require.NotNil(t, got.Destination)
	assert.Equal(t, "<redacted>", got.Destination.SIPPassword.Reveal())
	assert.Equal(t, "<port>", got.Destination.STUNPort)
	assert.JSONEq(t, string(golden(t, "customers/create.response.json")), string(got.Raw))
}

func TestCustomersCreateCP(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "customers/create_cp.request.json")
		writeJSON(w, http.StatusCreated, `{"customerID":"c1","userID":"u1","plan":"hardware_only_cp"}`)
	})
	_, err := e.client.Customers.Create(t.Context(), CustomerCreateRequest{
		Plan:          PlanHardwareOnlyCP,
		Address:       Address{Premises: "Unit 1", Street: "High Street", Town: "London", County: "Greater London", Postcode: "sw1a 1aa"},
		CompanyName:   "Example CP Company",
		FullName:      "Sam Example",
		ContactNumber: "07700900001",
	})
	require.NoError(t, err)
}

func TestCustomersCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*CustomerCreateRequest)
		field  string
	}{
		{"hardware-only misspelt", func(r *CustomerCreateRequest) { r.Plan = "Hardware_Only" }, "plan"},
		{"no plan", func(r *CustomerCreateRequest) { r.Plan = "" }, "plan"},
		{"no company", func(r *CustomerCreateRequest) { r.CompanyName = "  " }, "companyName"},
		{"CRLF in name", func(r *CustomerCreateRequest) { r.FullName = "Alex\r\nX-Evil: 1" }, "fullName"},
		{"contact not UK", func(r *CustomerCreateRequest) { r.ContactNumber = "+1 202 555 0100" }, "contactNumber"},
		{"hardware_only without number", func(r *CustomerCreateRequest) { r.Number = NumberRef{} }, "number.numberE164"},
		{"number is a mobile", func(r *CustomerCreateRequest) { r.Number.NumberE164 = "07700900000" }, "number.numberE164"},
		{"hardware-only without address", func(r *CustomerCreateRequest) { r.Address = Address{} }, "address.premises"},
		{"bad postcode", func(r *CustomerCreateRequest) { r.Address.Postcode = "12345" }, "address.postcode"},
		{"bad email", func(r *CustomerCreateRequest) { r.Email = "contact.example.com" }, "email"},
		{"standard without email", func(r *CustomerCreateRequest) { r.Plan, r.Email = PlanStandard, "" }, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			req := validCustomerCreate()
			tt.modify(&req)
			_, err := e.client.Customers.Create(t.Context(), req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestCustomersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":[{"ID":"c1","companyName":"A","emailAddress":"a@example.com","portalId":"p9"},
			{"customerID":"c2","companyName":"B","phoneNumberE164":"442000000000"}],"count":2}`)
	})
	got, err := e.client.Customers.List(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "c1", got[0].ID)
	assert.Equal(t, "a@example.com", got[0].Email)
	assert.Contains(t, string(got[0].Raw), `"portalId":"p9"`, "unknown fields are kept")
	assert.Equal(t, "c2", got[1].ID)
	assert.Equal(t, "442000000000", got[1].Number.NumberE164)
}

func TestCustomersGet(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers/c-1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"customerID":"c-1","status":"active","contractLength":24}`)
	})
	got, err := e.client.Customers.Get(t.Context(), "c-1")
	require.NoError(t, err)
	assert.Equal(t, CustomerActive, got.Status)
	assert.Equal(t, 24, got.ContractLength)

	_, err = e.client.Customers.Get(t.Context(), "missing")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/customers/missing", apiErr.Path)
}

func TestCustomersBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", ".", "..", "a/b", "../x", "a%2Fb", "a?b", "a#b", "a\nb", "аbc" /* Cyrillic а */} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Customers.Get(t.Context(), id)
			e.assertNothingSent(t, err, "customerID")
			err = e.client.Customers.Delete(t.Context(), id)
			e.assertNothingSent(t, err, "customerID")
		})
	}
}

func TestCustomersUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /customers/c1", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "customers/update.request.json")
		writeJSON(w, http.StatusOK, `{"customerID":"c1","companyName":"Renamed Ltd"}`)
	})
	contact := "+447700900009"
	got, err := e.client.Customers.Update(t.Context(), "c1", CustomerUpdateRequest{CompanyName: Ptr("Renamed Ltd"), ContactNumber: &contact})
	require.NoError(t, err)
	assert.Equal(t, "Renamed Ltd", got.CompanyName)
	assert.Equal(t, "+447700900009", contact, "the caller's value is not rewritten")

	_, err = e.client.Customers.Update(t.Context(), "c1", CustomerUpdateRequest{})
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestCustomersDelete(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("DELETE /customers/c1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("DELETE /customers/locked", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"message":"not yours"}`)
	})
	require.NoError(t, e.client.Customers.Delete(t.Context(), "c1"))
	err := e.client.Customers.Delete(t.Context(), "locked")
	assert.ErrorIs(t, err, ErrForbidden)
	assert.EqualError(t, err, "phonelineplus: DELETE /customers/locked: 403 Forbidden: not yours")
}

func TestCustomersRegradeContract(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /customers/c1/contract", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "customers/regrade.request.json")
		writeJSON(w, http.StatusOK, `{"customerID":"c1","contractLength":60}`)
	})
	_, err := e.client.Customers.RegradeContract(t.Context(), "c1", ContractRegradeRequest{})
	e.assertNothingSent(t, err, "ContractRegradeRequest")
	_, err = e.client.Customers.RegradeContract(t.Context(), "c1", ContractRegradeRequest{ContractLength: -1})
	e.assertNothingSent(t, err, "contractLength")

	got, err := e.client.Customers.RegradeContract(t.Context(), "c1", ContractRegradeRequest{ContractLength: 60})
	require.NoError(t, err)
	assert.Equal(t, 60, got.ContractLength)
}

func TestCustomersUpgradePlan(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("PUT /customers/c1/plan", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "customers/upgrade.request.json")
		writeJSON(w, http.StatusConflict, `{"message":"Downgrades are not allowed"}`)
	})
	_, err := e.client.Customers.UpgradePlan(t.Context(), "c1", PlanUpgradeRequest{Plan: PlanStandard, Email: "boss@example.com"})
	assert.ErrorIs(t, err, ErrConflict)
	assert.NotErrorIs(t, err, ErrEmailInUse)
}
