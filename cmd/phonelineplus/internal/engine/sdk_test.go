package engine

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// requestsTo lists the fake's requests other than the token exchange.
func requestsTo(srv *phonelineplustest.Server) []phonelineplustest.Request {
	var out []phonelineplustest.Request
	for _, r := range srv.Requests() {
		if r.Path != "/auth" {
			out = append(out, r)
		}
	}
	return out
}

func TestSDKCountsEveryRequestOfACallAndQuotesTheOneThatFailed(t *testing.T) {
	t.Parallel()
	t.Run("a retried 429", func(t *testing.T) {
		t.Parallel()
		srv, api := newFakeAPI(t, nil, phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers",
			Action: phonelineplustest.FaultRespond, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}, Times: 1}))
		var call Call
		_, outcome, err := api.CreateOrFindCustomer(t.Context(), testJob(1, 0).Customers[0].Request, &call)
		require.NoError(t, err)
		assert.Equal(t, OutcomeCreated, outcome)
		sent := requestsTo(srv)
		require.Len(t, sent, 2)
		assert.Equal(t, 2, call.Attempts, "the 429 and the create; not the token exchange")
		assert.Equal(t, sent[1].ID, call.RequestID, "the create's, which succeeded")
	})
	t.Run("a create whose outcome a timeout hid, found by a lookup", func(t *testing.T) {
		t.Parallel()
		srv, api := newFakeAPI(t, nil, phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers",
			Action: phonelineplustest.FaultTimeoutAfter, Times: 1}))
		var call Call
		_, outcome, err := api.CreateOrFindCustomer(t.Context(), testJob(1, 0).Customers[0].Request, &call)
		require.NoError(t, err)
		assert.Equal(t, OutcomeFound, outcome)
		sent := requestsTo(srv)
		require.Greater(t, len(sent), 1, "the create and its lookup")
		assert.Equal(t, len(sent), call.Attempts)
		assert.Equal(t, http.MethodPost, sent[0].Method)
		assert.Equal(t, sent[0].ID, call.RequestID, "the create's, not the lookup's")
	})
}
