package phonelineplus

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlockedNumbersList(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /customers/c1/blocked-numbers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":[{"ID":"b1","numberE164":"441610000099","direction":"both","description":"Spam"},
			{"id":"b2","numberE164":"12025550100","direction":"inbound"}],"count":2}`)
	})
	e.mux.HandleFunc("GET /customers/c2/blocked-numbers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"message":"not yours"}`)
	})
	got, err := e.client.BlockedNumbers.List(t.Context(), "c1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, BlockedNumber{ID: "b1", NumberE164: "441610000099", Direction: BlockBoth, Description: "Spam", Raw: got[0].Raw}, got[0])
	assert.Equal(t, "b2", got[1].ID)
	assert.Equal(t, BlockInbound, got[1].Direction)
	assert.Contains(t, string(got[1].Raw), "12025550100")

	_, err = e.client.BlockedNumbers.List(t.Context(), "c2")
	assert.ErrorIs(t, err, ErrForbidden)
}

func TestBlockedNumbersCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/blocked-numbers", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "blocked/create.request.json")
		writeJSON(w, http.StatusCreated, `{"ID":"b1","numberE164":"12025550100","direction":"inbound","description":"Nuisance caller"}`)
	})
	e.mux.HandleFunc("POST /customers/c2/blocked-numbers", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "Timeout")
	})
	req := BlockedNumberRequest{NumberE164: "+1 202-555-0100", Direction: BlockInbound, Description: " Nuisance caller "}
	got, err := e.client.BlockedNumbers.Create(t.Context(), "c1", req)
	require.NoError(t, err)
	assert.Equal(t, "b1", got.ID)
	assert.Equal(t, "12025550100", got.NumberE164)
	assert.Equal(t, "+1 202-555-0100", req.NumberE164, "the caller's value is not rewritten")

	_, err = e.client.BlockedNumbers.Create(t.Context(), "c2", req)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 2, e.hits.Load(), "a POST is not retried")
}

func TestBlockedNumberRequestValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   BlockedNumberRequest
		field string
	}{
		{"nothing set", BlockedNumberRequest{}, "BlockedNumberRequest"},
		{"bare foreign digits", BlockedNumberRequest{NumberE164: "12025550100", Direction: BlockBoth}, "numberE164"},
		{"too short", BlockedNumberRequest{NumberE164: "+123456", Direction: BlockBoth}, "numberE164"},
		{"too long", BlockedNumberRequest{NumberE164: "+1234567890123456", Direction: BlockBoth}, "numberE164"},
		{"leading zero", BlockedNumberRequest{NumberE164: "+0123456789", Direction: BlockBoth}, "numberE164"},
		{"letters", BlockedNumberRequest{NumberE164: "+1202555CALL", Direction: BlockBoth}, "numberE164"},
		{"bad UK after +44", BlockedNumberRequest{NumberE164: "+44123", Direction: BlockBoth}, "numberE164"},
		{"direction padded", BlockedNumberRequest{NumberE164: "01610000099", Direction: " both"}, "direction"},
		{"control chars", BlockedNumberRequest{NumberE164: "01610000099", Direction: BlockBoth, Description: "a\x00b"}, "description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.BlockedNumbers.Create(t.Context(), "c1", tt.req)
			e.assertNothingSent(t, err, tt.field)
			_, err = e.client.BlockedNumbers.Update(t.Context(), "c1", "b1", tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestBlockedNumbersGet(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.BlockedNumbers.Get(t.Context(), "c1", "b/1")
	e.assertNothingSent(t, err, "blockedNumberID")

	e.mux.HandleFunc("GET /customers/c1/blocked-numbers/b1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"ID":"b1","numberE164":"441610000099","direction":"outbound"}`)
	})
	got, err := e.client.BlockedNumbers.Get(t.Context(), "c1", "b1")
	require.NoError(t, err)
	assert.Equal(t, BlockOutbound, got.Direction)

	_, err = e.client.BlockedNumbers.Get(t.Context(), "c1", "b2")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestBlockedNumbersUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.BlockedNumbers.Update(t.Context(), "c1", "", BlockedNumberRequest{NumberE164: "01610000099", Direction: BlockBoth})
	e.assertNothingSent(t, err, "blockedNumberID")

	e.mux.HandleFunc("PUT /customers/c1/blocked-numbers/b1", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "blocked/update.request.json")
		writeJSON(w, http.StatusOK, `{"ID":"b1","numberE164":"441610000099","direction":"both"}`)
	})
	e.mux.HandleFunc("PUT /customers/c1/blocked-numbers/b2", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"message":"no such blocked number"}`)
	})
	got, err := e.client.BlockedNumbers.Update(t.Context(), "c1", "b1", BlockedNumberRequest{NumberE164: "0161 000 0099", Direction: BlockBoth, Description: "  "})
	require.NoError(t, err)
	assert.Equal(t, BlockBoth, got.Direction)
	assert.Empty(t, got.Description)

	_, err = e.client.BlockedNumbers.Update(t.Context(), "c1", "b2", BlockedNumberRequest{NumberE164: "0161 000 0099", Direction: BlockBoth})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestBlockedNumbersDelete(t *testing.T) {
	t.Parallel()
	e := setup(t)
	err := e.client.BlockedNumbers.Delete(t.Context(), "c1", "..")
	e.assertNothingSent(t, err, "blockedNumberID")
	err = e.client.BlockedNumbers.Delete(t.Context(), "c 1", "b1")
	e.assertNothingSent(t, err, "customerID")

	e.mux.HandleFunc("DELETE /customers/c1/blocked-numbers/b1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	require.NoError(t, e.client.BlockedNumbers.Delete(t.Context(), "c1", "b1"))
	err = e.client.BlockedNumbers.Delete(t.Context(), "c1", "b2")
	assert.ErrorIs(t, err, ErrNotFound)
}

// TestBlockedCreateOrFindNeedsTheNumber: Create may leave the number out
// (the field is inferred), but CreateOrFind looks the entry up by it.
func TestBlockedCreateOrFindNeedsTheNumber(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.client.BlockedNumbers.CreateOrFind(t.Context(), "c1", BlockedNumberRequest{Direction: BlockInbound})
	e.assertNothingSent(t, err, "numberE164")
}
