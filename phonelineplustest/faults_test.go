package phonelineplustest

import (
	"context"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultRespondInsteadOfActing(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers", Action: FaultRespond, Times: 1,
		Status: http.StatusServiceUnavailable, Body: `{"message":"down"}`, Header: http.Header{"X-Test": {"yes"}}})
	body := customerBody(PlanStandard, "", uniqueEmail())
	r := c.must(http.StatusServiceUnavailable, http.MethodPost, "/customers", body)
	assert.Equal(t, "down", r.message(t))
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Equal(t, "yes", r.header.Get("X-Test"))
	assert.Empty(t, srv.Customers(), "not acted")
	c.must(http.StatusCreated, http.MethodPost, "/customers", body)

	last := srv.Requests()[len(srv.Requests())-2]
	require.NotNil(t, last.Fault)
	assert.Equal(t, FaultRespond, last.Fault.Action)
	assert.Equal(t, http.StatusServiceUnavailable, last.Status)
}

func TestFaultTimeoutAfterActing(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t, WithFault(Fault{Path: "/customers", Action: FaultTimeoutAfter}))
	r := c.must(http.StatusInternalServerError, http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail()))
	assert.Equal(t, "Timeout", string(r.body))
	assert.Contains(t, r.header.Get("Content-Type"), "text/plain")
	assert.Len(t, srv.Customers(), 1, "created anyway")
}

func TestFaultDroppedConnections(t *testing.T) {
	t.Parallel()
	for _, mem := range []bool{false, true} {
		for _, action := range []FaultAction{FaultDropBefore, FaultDropAfter} {
			srv, c := loggedIn(t)
			if mem {
				c.hc = &http.Client{Transport: srv.Transport()}
			}
			srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers", Action: action, Times: 1})
			r := c.call(http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail()))
			require.Error(t, r.err, "%v mem=%v", action, mem)
			if mem {
				assert.ErrorIs(t, r.err, io.ErrUnexpectedEOF)
			}
			assert.Len(t, srv.Customers(), map[FaultAction]int{FaultDropBefore: 0, FaultDropAfter: 1}[action], "%v mem=%v", action, mem)
			reqs := srv.Requests()
			assert.Equal(t, 0, reqs[len(reqs)-1].Status)
			c.must(http.StatusOK, http.MethodGet, "/customers", nil) // still serving
		}
	}
}

func TestFaultTruncatedBody(t *testing.T) {
	t.Parallel()
	for _, mem := range []bool{false, true} {
		srv, c := loggedIn(t, WithFault(Fault{Method: http.MethodPost, Path: "/customers", Action: FaultTruncate}))
		if mem {
			c.hc = &http.Client{Transport: srv.Transport()}
		}
		r := c.call(http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail()))
		assert.Equal(t, http.StatusCreated, r.status, "mem=%v", mem)
		assert.ErrorIs(t, r.err, io.ErrUnexpectedEOF, "mem=%v", mem)
		assert.NotEmpty(t, r.body, "half the body arrives")
		assert.Len(t, srv.Customers(), 1, "acted")
	}
}

func TestFaultRedirect(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers/*/orders", Action: FaultRedirect,
		Location: "/partner/v1/customers/" + id + "/orders", Times: 1})
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	w73p, _ := srv.Product("W73P")
	r := c.must(http.StatusTemporaryRedirect, http.MethodPost, "/customers/"+id+"/orders", orderBody(w73p.ID, "", ""))
	assert.Equal(t, "/partner/v1/customers/"+id+"/orders", r.header.Get("Location"))
	assert.Empty(t, srv.Orders(), "not acted")

	c.hc.CheckRedirect = nil // net/http re-sends the POST body on a 307
	srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers/*/orders", Action: FaultRedirect,
		Location: "/partner/v1/customers/" + id + "/orders", Times: 1})
	c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/orders", orderBody(w73p.ID, "", ""))
	assert.Len(t, srv.Orders(), 1)
}

func TestFaultLatencyUsesTheClock(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithFault(Fault{Method: http.MethodGet, Path: "/products", Latency: 30 * time.Second}),
			WithFault(Fault{Method: http.MethodPost, Path: "/customers", Action: FaultRespond, Latency: time.Minute}))
		defer srv.Close()
		c := newMemClient(t, srv)
		c.login()
		start := time.Now()
		c.must(http.StatusOK, http.MethodGet, "/products", nil)
		assert.Equal(t, 30*time.Second, time.Since(start))

		// A client that gives up first gets its context error; nothing happens.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/products", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+c.token)
		_, err = c.hc.Do(req)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		reqs := srv.Requests()
		assert.Equal(t, 0, reqs[len(reqs)-1].Status)
	})
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	srv.InjectFault(Fault{Method: "get", Path: "/customers/*/users", Action: FaultRespond, Status: 502, Times: 2})
	srv.InjectFault(Fault{Path: "/customers/*/users/", Action: FaultRespond, Status: 503})

	c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/numbers", nil)        // other path
	c.must(http.StatusOK, http.MethodGet, "/customers", nil)                       // fewer segments
	c.must(http.StatusBadGateway, http.MethodGet, "/customers/"+id+"/users/", nil) // first added wins
	c.must(http.StatusBadGateway, http.MethodGet, "/customers/"+id+"/users", nil)  // trailing slash ignored
	c.must(http.StatusServiceUnavailable, http.MethodGet, "/customers/"+id+"/users", nil)
	srv.ClearFaults()
	c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/users", nil)
}

func TestFaultsApplyOnlyAfterAuthentication(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithFault(Fault{Path: "/products", Action: FaultRespond, Status: 502, Times: 1}))
	c := newClient(t, srv)
	c.must(http.StatusUnauthorized, http.MethodGet, "/products", nil)
	c.login()
	c.must(http.StatusBadGateway, http.MethodGet, "/products", nil)
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		_, c := loggedIn(t, WithRandSeed(seed), WithRateLimit(0),
			WithFault(Fault{Path: "/stats", Action: FaultRespond, Status: 503, Probability: 0.5}))
		var got []int
		for range 40 {
			got = append(got, c.call(http.MethodGet, "/stats", nil).status)
		}
		return got
	}
	a := run(7)
	assert.Equal(t, a, run(7))
	assert.Contains(t, a, http.StatusOK)
	assert.Contains(t, a, http.StatusServiceUnavailable)
}

func TestInjectFaultRejectsNonsense(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Panics(t, func() { srv.InjectFault(Fault{Path: "/customers"}) }, "a delay without latency")
	assert.Panics(t, func() { srv.InjectFault(Fault{Action: FaultRedirect}) }, "a redirect without location")
	assert.Panics(t, func() { srv.InjectFault(Fault{Action: FaultRespond, Status: 9000}) })
	assert.Equal(t, "timeout-after", FaultTimeoutAfter.String())
}
