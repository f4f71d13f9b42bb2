package phonelineplus

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const numberInFlight = `{"message":"Number 441610000001 has an existing in-flight order and cannot currently have a change or terminate order"}`

func TestNumbersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers/c1/numbers/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, string(golden(t, "numbers/list.response.json")))
	})
	got, err := e.client.Numbers.List(t.Context(), "c1")
	require.NoError(t, err)
	assert.EqualValues(t, 1, e.hits.Load(), "no redirect: the trailing slash is sent")
	require.Len(t, got, 2)
	assert.Equal(t, "00000000-0000-4000-8000-000000000010", got[0].ID)
	assert.Equal(t, "441610000000", got[0].NumberE164)
	assert.Equal(t, NumberTypeGeographic, got[0].Type)
	assert.Equal(t, "UK Geographic Number", got[0].DisplayNumberType)
	require.NotNil(t, got[0].AllocatedTo)
	assert.Equal(t, "00000000-0000-4000-8000-000000000002", got[0].AllocatedTo.UserID)
	assert.Equal(t, NumberTypeNonGeographic, got[1].Type)
	assert.Nil(t, got[1].AllocatedTo, "absent allocatedTo")
	assert.Contains(t, string(got[1].Raw), `"displayNumberType"`)

	_, err = e.client.Numbers.List(t.Context(), "missing")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestNumberAllocatedToWithoutUser(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"ID":"n1","allocatedTo":{}}`, `{"ID":"n1","allocatedTo":{"userID":""}}`, `{"ID":"n1","allocatedTo":null}`} {
		var n Number
		require.NoError(t, n.UnmarshalJSON([]byte(body)))
		assert.Nil(t, n.AllocatedTo, body)
		assert.Equal(t, "n1", n.ID)
	}
}

func TestNumbersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.Numbers.Create(t.Context(), "c1", NumberCreateRequest{NumberE164: "07700900000"})
	e.assertNothingSent(t, err, "numberE164")
	_, err = e.client.Numbers.Create(t.Context(), "", NumberCreateRequest{NumberE164: "0161 000 0001"})
	e.assertNothingSent(t, err, "customerID")

	e.mux.HandleFunc("POST /customers/c1/numbers", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "numbers/create.request.json")
		writeJSON(w, http.StatusCreated, `{"ID":"n1","numberE164":"441610000001","type":"standard_geographic"}`)
	})
	e.mux.HandleFunc("POST /customers/c2/numbers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, numberInFlight)
	})
	got, err := e.client.Numbers.Create(t.Context(), "c1", NumberCreateRequest{NumberE164: "+44 161 000 0001"})
	require.NoError(t, err)
	assert.Equal(t, "n1", got.ID)
	assert.Nil(t, got.AllocatedTo)

	_, err = e.client.Numbers.Create(t.Context(), "c2", NumberCreateRequest{NumberE164: "01610000001"})
	assert.ErrorIs(t, err, ErrNumberInFlight)
	assert.ErrorIs(t, err, ErrConflict)
}

func TestNumbersGet(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.Numbers.Get(t.Context(), "c1", "../n1")
	e.assertNothingSent(t, err, "numberID")

	e.mux.HandleFunc("GET /customers/c1/numbers/n1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"n1","phoneNumberE164":"443300000000","type":"standard_nongeographic","allocatedTo":{"userId":"u1"}}`)
	})
	got, err := e.client.Numbers.Get(t.Context(), "c1", "n1")
	require.NoError(t, err)
	assert.Equal(t, "n1", got.ID)
	assert.Equal(t, "443300000000", got.NumberE164)
	require.NotNil(t, got.AllocatedTo)
	assert.Equal(t, "u1", got.AllocatedTo.UserID)

	_, err = e.client.Numbers.Get(t.Context(), "c1", "n2")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestNumbersAllocate(t *testing.T) {
	t.Parallel()
	const userID = "00000000-0000-4000-8000-000000000002"
	e := setup(t)
	for _, tc := range []struct{ customer, number, user, field string }{
		{"", "n1", userID, "customerID"},
		{"c1", "a/b", userID, "numberID"},
		{"c1", "n1", "", "userID"},
		{"c1", "n1", "u?1", "userID"},
		{"c1", "n1", "..", "userID"},
	} {
		_, err := e.client.Numbers.Allocate(t.Context(), tc.customer, tc.number, tc.user)
		e.assertNothingSent(t, err, tc.field)
	}

	e.mux.HandleFunc("PUT /customers/c1/numbers/n1/allocate", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "numbers/allocate.request.json")
		writeJSON(w, http.StatusOK, `{"ID":"n1","numberE164":"441610000000","allocatedTo":{"userID":"`+userID+`"}}`)
	})
	e.mux.HandleFunc("PUT /customers/c1/numbers/n2/allocate", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"User already has this number assigned"}`)
	})
	got, err := e.client.Numbers.Allocate(t.Context(), "c1", "n1", userID)
	require.NoError(t, err)
	require.NotNil(t, got.AllocatedTo)
	assert.Equal(t, userID, got.AllocatedTo.UserID)

	_, err = e.client.Numbers.Allocate(t.Context(), "c1", "n2", userID)
	assert.ErrorIs(t, err, ErrConflict)
	assert.NotErrorIs(t, err, ErrNumberInFlight)
}

func TestNumbersDeallocate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.Numbers.Deallocate(t.Context(), "c1", " ")
	e.assertNothingSent(t, err, "numberID")

	e.mux.HandleFunc("DELETE /customers/c1/numbers/n1/deallocate", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.Header.Get("Content-Type"), "no body")
		assert.Zero(t, r.ContentLength, "no body")
		writeJSON(w, http.StatusOK, `{"ID":"n1","numberE164":"441610000000","allocatedTo":{}}`)
	})
	got, err := e.client.Numbers.Deallocate(t.Context(), "c1", "n1")
	require.NoError(t, err)
	assert.Equal(t, "441610000000", got.NumberE164)
	assert.Nil(t, got.AllocatedTo)

	_, err = e.client.Numbers.Deallocate(t.Context(), "c1", "n9")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestNumbersListAreaCodes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /numbers/area-codes", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery)
		writeJSON(w, http.StatusOK, `{"data":[{"areaCode":"44161","name":"Manchester"},{"areaCode":4420,"name":"London"}],"count":2}`)
	})
	got, err := e.client.Numbers.ListAreaCodes(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "44161", got[0].AreaCode)
	assert.Equal(t, "Manchester", got[0].Name)
	assert.Equal(t, "4420", got[1].AreaCode, "a number is accepted")
	assert.Contains(t, string(got[1].Raw), "London")

	e2 := setup(t)
	e2.mux.HandleFunc("GET /numbers/area-codes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"message":"no"}`)
	})
	_, err = e2.client.Numbers.ListAreaCodes(t.Context())
	assert.ErrorIs(t, err, ErrForbidden)
}

func TestNumbersListAvailable(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var (
		mu      sync.Mutex
		queries []url.Values
	)
	e.mux.HandleFunc("GET /numbers/available", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Query())
		mu.Unlock()
		if r.URL.Query().Get("areaCode") == "441999" {
			writeJSON(w, http.StatusBadRequest, `{"message":"unknown area code"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"data":[{"numberE164":"441610000001","type":"standard_geographic"},{"phoneNumberE164":"441610000002"}],"count":2}`)
	})
	for _, code := range []string{"0161", "+44161", "44161", "+44 161", " 0161 "} {
		got, err := e.client.Numbers.ListAvailable(t.Context(), AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: code})
		require.NoError(t, err, code)
		require.Len(t, got, 2)
		assert.Equal(t, "441610000001", got[0].NumberE164)
		assert.Equal(t, NumberTypeGeographic, got[0].Type)
		assert.Equal(t, "441610000002", got[1].NumberE164)
	}
	_, err := e.client.Numbers.ListAvailable(t.Context(), AvailableNumbersOptions{NumberType: NumberTypeNonGeographic})
	require.NoError(t, err)
	_, err = e.client.Numbers.ListAvailable(t.Context(), AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "01999"})
	assert.ErrorIs(t, err, ErrBadRequest)

	want := url.Values{"numberType": {"standard_geographic"}, "areaCode": {"44161"}}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, queries, 7)
	for _, q := range queries[:5] {
		assert.Equal(t, want, q)
	}
	assert.Equal(t, url.Values{"numberType": {"standard_nongeographic"}}, queries[5], "empty areaCode is left out")
}

func TestNumbersListAvailableValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts  AvailableNumbersOptions
		field string
	}{
		{AvailableNumbersOptions{}, "numberType"},
		{AvailableNumbersOptions{NumberType: "mobile", AreaCode: "0161"}, "numberType"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "161"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "+1161"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "01a1"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0161000"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "07700"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0330"}, "areaCode"},
		{AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0161&x=1"}, "areaCode"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.opts), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Numbers.ListAvailable(t.Context(), tt.opts)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestNumbersBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", ".", "..", "a/b", "a%2Fb", "a?b", "a#b", "a\nb"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Numbers.List(t.Context(), id)
			e.assertNothingSent(t, err, "customerID")
			_, err = e.client.Numbers.Get(t.Context(), id, "n1")
			e.assertNothingSent(t, err, "customerID")
			_, err = e.client.Numbers.Deallocate(t.Context(), "c1", id)
			e.assertNothingSent(t, err, "numberID")
		})
	}
}

// TestNumbersAllocationDesignDocVariant shows the escape hatch for the
// allocation form a design document describes (PUT on the number with an
// allocateTo object), which conflicts with the observed client code that
// Allocate and Deallocate follow: Client.Do sends it with the same auth,
// limiter and retries, and the answer decodes into the same Number.
func TestNumbersAllocationDesignDocVariant(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var bodies []string
	e.mux.HandleFunc("PUT /customers/c1/numbers/n1", func(w http.ResponseWriter, r *http.Request) {
		b, err := readAll(r)
		require.NoError(t, err)
		bodies = append(bodies, string(b))
		writeJSON(w, http.StatusOK, `{"ID":"n1","numberE164":"441610000000"}`)
	})
	var n Number
	require.NoError(t, e.client.Do(t.Context(), http.MethodPut, "/customers/c1/numbers/n1",
		json.RawMessage(golden(t, "numbers/allocate_alt.request.json")), &n))
	require.NoError(t, e.client.Do(t.Context(), http.MethodPut, "/customers/c1/numbers/n1",
		json.RawMessage(golden(t, "numbers/deallocate_alt.request.json")), &n))
	require.Len(t, bodies, 2)
	assert.JSONEq(t, string(golden(t, "numbers/allocate_alt.request.json")), bodies[0])
	assert.JSONEq(t, `{"allocateTo":null}`, bodies[1])
	assert.Equal(t, "n1", n.ID)
	assert.Nil(t, n.AllocatedTo)
}
