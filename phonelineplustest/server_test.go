package phonelineplustest

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMalformedRequestsAre409(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	valid := string(mustJSON(customerBody(PlanStandard, "", uniqueEmail())))
	for name, tc := range map[string]struct{ contentType, body, want string }{
		"bad JSON":        {"application/json", `{"plan":`, "invalid JSON"},
		"trailing data":   {"application/json", valid + "}", "invalid JSON"},
		"not an object":   {"application/json", `[1,2]`, "JSON object"},
		"wrong type":      {"application/json", `{"plan":"phoneline_plus","companyName":42}`, `"companyName" must be a string`},
		"nested type":     {"application/json", `{"address":{"postcode":1}}`, `"address.postcode" must be a string`},
		"text/plain":      {"text/plain", valid, "Content-Type"},
		"no type":         {"", valid, "Content-Type"},
		"empty body":      {"application/json", "", "empty"},
		"form":            {"application/x-www-form-urlencoded", "plan=x", "Content-Type"},
		"charset is fine": {"application/json; charset=utf-8", `{"plan":1}`, `"plan" must be a string`},
	} {
		r := c.raw(http.MethodPost, "/customers", tc.contentType, []byte(tc.body))
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusConflict, r.status, name)
		msg := r.message(t)
		assert.True(t, strings.HasPrefix(msg, "Malformed request: "), "%s: %s", name, msg)
		assert.Contains(t, msg, tc.want, name)
	}
	// Unknown fields are ignored.
	c.must(http.StatusCreated, http.MethodPost, "/customers",
		map[string]any{"plan": PlanStandard, "companyName": "A", "fullName": "B", "contactNumber": "07700900000",
			"email": uniqueEmail(), "portalId": "whatever", "extra": map[string]any{"x": 1}})
}

func TestMissingRequiredFieldsAre400NamingTheField(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	for _, field := range []string{"companyName", "fullName", "contactNumber"} {
		body := customerBody(PlanStandard, "", uniqueEmail())
		delete(body, field)
		r := c.must(http.StatusBadRequest, http.MethodPost, "/customers", body)
		assert.Equal(t, field+" is required", r.message(t))
	}
	r := c.must(http.StatusBadRequest, http.MethodPost, "/customers/"+id+"/users", map[string]any{"fullName": "Jo"})
	assert.Equal(t, "email is required", r.message(t))
	r = c.must(http.StatusBadRequest, http.MethodPost, "/auth", map[string]any{"keyID": c.keyID})
	assert.Equal(t, "secret is required", r.message(t))
	body := customerBody(PlanHardwareOnlyCP, "", "")
	delete(body["address"].(map[string]any), "town")
	r = c.must(http.StatusBadRequest, http.MethodPost, "/customers", body)
	assert.Equal(t, "address.town is required", r.message(t))
}

func TestUnknownIDsAre404AndUnknownPathsToo(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	unknown := newUUID()
	for _, p := range []string{
		"/customers/" + unknown, "/customers/" + unknown + "/users", "/customers/" + id + "/numbers/" + unknown,
		"/customers/" + id + "/blocked-numbers/" + unknown, "/customers/" + unknown + "/orders", "/nothing-here",
	} {
		r := c.must(http.StatusNotFound, http.MethodGet, p, nil)
		assert.NotEmpty(t, r.message(t), p)
	}
	c.must(http.StatusNotFound, http.MethodPut, "/customers/"+id+"/users/"+unknown, map[string]any{"fullName": "x"})
	c.must(http.StatusMethodNotAllowed, http.MethodPatch, "/customers/"+id, map[string]any{})
	r := c.raw(http.MethodGet, "/customers", "", nil) // right path, wrong base
	assert.Equal(t, http.StatusOK, r.status)
	resp, err := c.hc.Get(strings.TrimSuffix(c.srv.URL(), BasePath) + "/v1/customers")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestRequestsRecordsWhatArrived(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_nongeographic", nil)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	auth, avail := reqs[0], reqs[1]
	assert.Equal(t, http.MethodPost, auth.Method)
	assert.Equal(t, "/auth", auth.Path)
	assert.JSONEq(t, fmt.Sprintf(`{"keyID":%q,"secret":%q}`, c.keyID, c.secret), string(auth.Body))
	assert.Equal(t, c.keyID, auth.KeyID)
	assert.Equal(t, http.StatusOK, auth.Status)
	assert.Equal(t, "/numbers/available", avail.Path)
	assert.Equal(t, "standard_nongeographic", avail.Query.Get("numberType"))
	assert.Equal(t, "Bearer "+c.token, avail.Header.Get("Authorization"))
	assert.False(t, avail.Time.Before(auth.Time))
	assert.Nil(t, avail.Fault)

	reqs[0].Body[0] = 'X'
	reqs[1].Header.Set("Authorization", "changed")
	assert.Equal(t, byte('{'), srv.Requests()[0].Body[0], "copies")
	assert.Equal(t, "Bearer "+c.token, srv.Requests()[1].Header.Get("Authorization"))
}

func TestServerInsideASynctestBubble(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithTokenLifetime(time.Hour))
		mem := newMemClient(t, srv)
		mem.login()
		mem.must(http.StatusOK, http.MethodGet, "/products", nil)

		tcp := newClient(t, srv)
		tcp.login()
		tcp.must(http.StatusOK, http.MethodGet, "/products", nil)
		tcp.hc.CloseIdleConnections()

		// The listener does not stop the bubble's clock.
		start := time.Now()
		time.Sleep(2 * time.Hour)
		assert.Equal(t, 2*time.Hour, time.Since(start))
		mem.must(http.StatusUnauthorized, http.MethodGet, "/products", nil)

		srv.Close()
		_, err := mem.hc.Get(srv.URL() + "/products")
		assert.ErrorIs(t, err, ErrClosed)
		_, err = tcp.hc.Get(srv.URL() + "/products")
		assert.Error(t, err)
	})
}

func TestConcurrentProvisioningIsConsistent(t *testing.T) {
	t.Parallel()
	srv := newServer(t, WithRateLimit(0))
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			c := newClient(t, srv)
			c.login()
			for range each {
				for {
					n := c.available("44161")
					r := c.call(http.MethodPost, "/customers", customerBody(PlanHardwareOnly, n, uniqueEmail()))
					if r.status == http.StatusConflict { // another worker took it first
						continue
					}
					assert.Equal(t, http.StatusCreated, r.status)
					break
				}
			}
		})
	}
	wg.Wait()
	snap := srv.Snapshot()
	require.Len(t, snap.Customers, workers*each)
	ids, numbers, emails := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range snap.Customers {
		ids[c.CustomerID], numbers[c.Number.NumberE164], emails[c.Email] = true, true, true
	}
	assert.Len(t, ids, workers*each, "no duplicate customers")
	assert.Len(t, numbers, workers*each, "no number given twice")
	assert.Len(t, emails, workers*each)
	assert.Len(t, snap.Numbers, workers*each)
	assert.Equal(t, workers*each, snap.Stats.Customers)
}

func TestLoggerWritesOneLinePerRequestWithoutSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	_, c := loggedIn(t, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	c.must(http.StatusOK, http.MethodGet, "/customers", nil)
	c.call(http.MethodGet, "/customers/"+c.token+"/users/"+c.secret, nil) // a client that put them in the path
	c.srv.Close()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[0], "method=POST path=/auth status=200 duration=")
	assert.Contains(t, lines[1], "method=GET path=/customers status=200")
	assert.NotContains(t, buf.String(), c.secret)
	assert.NotContains(t, buf.String(), c.token)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSeedOptions(t *testing.T) {
	t.Parallel()
	custID, userID, numberID := newUUID(), newUUID(), newUUID()
	srv, c := loggedIn(t,
		WithProducts(Product{SKU: "X1", Name: "Phone X1", Make: "Acme", Category: "Desk Phone", UnitCost: "10.00"}),
		WithCustomer(Customer{CustomerID: custID, CompanyName: "Seeded Ltd", FullName: "Sam Seed",
			Email: "seed@example.com", Plan: PlanHardwareOnly, Number: NumberRef{NumberE164: "441614960123"}}),
		WithUser(custID, User{ID: userID, FullName: "Second User", Email: "second@example.com"}),
		WithNumber(custID, Number{ID: numberID, NumberE164: "442079460123", AllocatedTo: Allocation{UserID: userID}}),
		WithPartnerUser(PartnerUser{FullName: "Pat", Email: "pat@example.com"}),
	)
	got := c.must(http.StatusOK, http.MethodGet, "/customers/"+custID, nil).obj(t)
	assert.Equal(t, "Seeded Ltd", got["companyName"])
	assert.NotNil(t, got["destination"])
	assert.Len(t, c.must(http.StatusOK, http.MethodGet, "/customers/"+custID+"/users", nil).items(t), 2)
	n := c.must(http.StatusOK, http.MethodGet, "/customers/"+custID+"/numbers/"+numberID, nil).obj(t)
	assert.Equal(t, map[string]any{"userID": userID}, n["allocatedTo"])
	c.must(http.StatusConflict, http.MethodPost, "/users", map[string]any{"fullName": "x", "email": "second@example.com"})
	c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, "441614960123", ""))
	products := srv.Products()
	require.Len(t, products, 1)
	assert.NotEmpty(t, products[0].ID)

	assert.Panics(t, func() { NewServer(WithUser(newUUID(), User{FullName: "orphan"})) })
	assert.Panics(t, func() {
		NewServer(WithCustomer(Customer{Email: "a@example.com"}), WithCustomer(Customer{Email: "A@example.com"}))
	})
}
