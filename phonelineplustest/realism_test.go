package phonelineplustest

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryResponseHasARequestID(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t, WithRateLimit(6))
	srv.InjectFault(Fault{Method: http.MethodGet, Path: "/products", Action: FaultRespond, Status: 503, Times: 1})
	outside, err := c.hc.Get(strings.TrimSuffix(srv.URL(), BasePath) + "/v1/customers")
	require.NoError(t, err)
	outside.Body.Close()
	anon := newClient(t, srv)
	seen := map[string]bool{outside.Header.Get("X-Request-Id"): true}
	for _, r := range []*response{
		c.call(http.MethodGet, "/customers", nil),      // 200
		c.call(http.MethodGet, "/products", nil),       // 503 fault
		c.call(http.MethodPatch, "/customers", nil),    // 405
		c.call(http.MethodGet, "/customers/nope", nil), // 404
		anon.call(http.MethodGet, "/customers", nil),   // 401
		c.call(http.MethodGet, "/stats", nil),          // 429 (6 spent with the login)
		c.ctl(http.MethodGet, "faults", nil),           // control API
	} {
		id := r.header.Get("X-Request-Id")
		assert.Len(t, id, 36, "status %d", r.status)
		assert.False(t, seen[id], "unique")
		seen[id] = true
	}
	for _, r := range srv.Requests()[1:] { // after the login
		assert.True(t, seen[r.ID], "the log has the ID the client saw: %s %s", r.Method, r.Path)
	}
}

func TestMethodNotAllowedSaysWhatIsAllowed(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	r := c.must(http.StatusMethodNotAllowed, http.MethodPatch, "/customers/"+id, map[string]any{})
	assert.Equal(t, "DELETE, GET, PUT", r.header.Get("Allow"))
	assert.Contains(t, r.message(t), "it allows DELETE, GET, PUT")
	r = c.must(http.StatusMethodNotAllowed, http.MethodGet, "/auth", nil)
	assert.Equal(t, "POST", r.header.Get("Allow"))
}

func TestOutsideTheBasePathSaysWhereTheAPIIs(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	for _, p := range []string{"/", "/customers", "/v1/auth", "/partner/v2/auth"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, strings.TrimSuffix(srv.URL(), BasePath)+p, strings.NewReader("{}"))
		require.NoError(t, err)
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		r := &response{status: resp.StatusCode}
		r.body = readAll(t, resp)
		assert.Equal(t, http.StatusNotFound, r.status, p)
		assert.Contains(t, r.message(t), "served under /partner/v1 (POST /partner/v1/auth first)", p)
		assert.Contains(t, r.message(t), "/_fake/ui", p)
	}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(resp.Body)
	require.NoError(t, err)
	return b.Bytes()
}

func TestAreaCodesInTheFormsPeopleSend(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	list := func(code string) *response {
		return c.call(http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode="+code, nil)
	}
	want := list("44161")
	require.Equal(t, http.StatusOK, want.status)
	require.Len(t, want.items(t), availablePage)
	for _, code := range []string{"0161", "161", "%2B44161", "%2B44%20161", "0044161"} {
		r := list(code)
		require.Equal(t, http.StatusOK, r.status, code)
		assert.Equal(t, string(want.body), string(r.body), "%s lists what 44161 does, in the same order", code)
	}
	assert.Equal(t, "441614960000", want.items(t)[0]["numberE164"], "lowest first")
	assert.Equal(t, "442079460000", c.available("020"))
	for _, code := range []string{"0999", "44999", "manchester", "0161x"} {
		r := list(code)
		assert.Equal(t, http.StatusBadRequest, r.status, code)
		assert.Contains(t, r.message(t), "is not a known area code; GET /numbers/area-codes lists them", code)
	}
}

func TestAvailableNumbersAreTheSameUntilTaken(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	first := c.available("0161")
	assert.Equal(t, first, c.available("0161"), "peek, then take")
	c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, first, uniqueEmail()))
	assert.NotEqual(t, first, c.available("0161"))
}

func TestUserCreateProvisionsAPoolNumberGivenInAnyUKForm(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	for i, form := range []string{"441614960021", "+44 161 496 0022", "01614960023", "+44 (0)161 496 0024", "(0161) 496 0025", "0044 161 496 0026"} {
		e164 := fmt.Sprintf("44161496002%d", i+1)
		u := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users",
			map[string]any{"fullName": "Jo", "email": uniqueEmail(), "phoneNumber": form}).obj(t)
		assert.Equal(t, e164, u["phoneNumber"], form)
		owned := false
		for _, n := range c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/numbers", nil).items(t) {
			if n["numberE164"] == e164 {
				owned = true
				assert.Equal(t, map[string]any{"userID": u["ID"]}, n["allocatedTo"], form)
			}
		}
		assert.True(t, owned, "%s: the customer owns %s", form, e164)
		found := false
		for _, n := range srv.Snapshot().Numbers {
			if n.NumberE164 == e164 {
				found = n.AllocatedTo.UserID == u["ID"]
			}
		}
		assert.True(t, found, "%s: the snapshot has it allocated to the user", form)
		// Taken now: the same number in another form is in flight.
		c.must(http.StatusConflict, http.MethodPost, "/customers/"+id+"/users",
			map[string]any{"fullName": "Jo", "email": uniqueEmail(), "phoneNumber": "0" + e164[2:]})
	}
	// A mobile in national form is a contact number, not provisioned.
	u := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users",
		map[string]any{"fullName": "Mo", "email": uniqueEmail(), "phoneNumber": "07700 900123"}).obj(t)
	assert.Equal(t, "07700 900123", u["phoneNumber"])
	c.must(http.StatusBadRequest, http.MethodPost, "/customers/"+id+"/users",
		map[string]any{"fullName": "Mo", "email": uniqueEmail(), "phoneNumber": "+44 161 49"})
}

func TestFaultTimeoutCommitLaterShowsTheCreateOnlyAfterTheDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithFault(Fault{Method: http.MethodPost, Path: "/customers", Action: FaultTimeoutCommitLater,
			CommitAfter: 5 * time.Second, Times: 1}))
		defer srv.Close()
		c := newMemClient(t, srv)
		c.login()
		start := time.Now()
		r := c.must(http.StatusInternalServerError, http.MethodPost, "/customers", customerBody(PlanStandard, "", "late@example.com"))
		assert.Equal(t, "Timeout", string(r.body))
		assert.Zero(t, time.Since(start), "answered at once")
		assert.Empty(t, c.must(http.StatusOK, http.MethodGet, "/customers", nil).items(t), "a lookup made at once sees nothing")

		time.Sleep(5*time.Second - time.Millisecond)
		synctest.Wait()
		assert.Empty(t, srv.Customers(), "not yet")
		time.Sleep(time.Millisecond)
		synctest.Wait()
		require.Len(t, c.must(http.StatusOK, http.MethodGet, "/customers", nil).items(t), 1, "committed after 5 s")
		post := srv.Requests()[1]
		assert.Equal(t, http.StatusInternalServerError, post.Status)
		assert.Equal(t, http.StatusCreated, post.ActedStatus)

		// A commit pending at a reset never happens.
		srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers", Action: FaultTimeoutCommitLater, CommitAfter: time.Second})
		c.must(http.StatusInternalServerError, http.MethodPost, "/customers", customerBody(PlanStandard, "", "later@example.com"))
		srv.Reset()
		time.Sleep(time.Minute)
		synctest.Wait()
		assert.Empty(t, srv.Customers())
	})
}

func TestFaultOmitIDCreatesWithoutSayingWhat(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	srv.InjectFault(Fault{Method: http.MethodPost, Path: "/customers/*/users", Action: FaultOmitID, Times: 1})
	email := uniqueEmail()
	u := c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users", map[string]any{"fullName": "Jo", "email": email}).obj(t)
	assert.NotContains(t, u, "ID")
	assert.Equal(t, email, u["email"])
	assert.Len(t, srv.Users(id), 2, "created all the same")
	assert.Equal(t, http.StatusCreated, srv.Requests()[len(srv.Requests())-1].ActedStatus)
}

func TestLatencyRangeIsSeededAndVirtual(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(WithLatency(100*time.Millisecond, 300*time.Millisecond), WithRateLimit(0))
		defer srv.Close()
		c := newMemClient(t, srv)
		c.login()
		var waits []time.Duration
		for range 20 {
			start := time.Now()
			c.must(http.StatusOK, http.MethodGet, "/stats", nil)
			waits = append(waits, time.Since(start))
		}
		for _, w := range waits {
			assert.GreaterOrEqual(t, w, 100*time.Millisecond)
			assert.LessOrEqual(t, w, 300*time.Millisecond)
		}
		assert.NotEqual(t, waits[0], waits[1], "drawn, not fixed")
		require.NoError(t, srv.SetLatency(0, 0))
		start := time.Now()
		c.must(http.StatusOK, http.MethodGet, "/stats", nil)
		assert.Zero(t, time.Since(start))
	})
}

func TestRequestLogIsARing(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t, WithRequestLogLimits(5, 0))
	for i := range 8 {
		c.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/stats?i=%d", i), nil)
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	assert.Equal(t, "3", reqs[0].Query.Get("i"), "the oldest went first")
	assert.Equal(t, "7", reqs[4].Query.Get("i"))

	// The byte budget bounds it too, keeping the newest whatever its size.
	require.NoError(t, srv.SetRequestLogLimits(100, 4<<10))
	big := strings.Repeat("x", 3<<10)
	c.must(http.StatusBadRequest, http.MethodPost, "/users", map[string]any{"fullName": big})
	c.must(http.StatusBadRequest, http.MethodPost, "/users", map[string]any{"fullName": big})
	reqs = srv.Requests()
	require.Len(t, reqs, 1)
	assert.Contains(t, string(reqs[0].Body), big)
}

func TestRequestLogKeepsLittleOfWhatItRefuses(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	anon := newClient(t, srv)
	junk := bytes.Repeat([]byte("j"), 1<<20)
	r := anon.raw(http.MethodPost, "/customers", "application/json", junk)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	big := strings.Repeat("b", MaxLoggedBody*2)
	c.must(http.StatusBadRequest, http.MethodPost, "/users", map[string]any{"fullName": big})
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Len(t, reqs[1].Body, MaxUnauthenticatedBody)
	assert.True(t, reqs[1].Truncated)
	assert.Len(t, reqs[2].Body, MaxLoggedBody)
	assert.True(t, reqs[2].Truncated)
}

// TestRequestLogStaysWithinItsByteBudget fills the log with requests
// that keep all they may (64 KiB bodies, authenticated) well past its
// byte budget: memory stays near the budget, not near what was sent.
func TestRequestLogStaysWithinItsByteBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 25 MiB")
	}
	const budget = 4 << 20
	srv, c := loggedIn(t, WithRequestLogLimits(0, budget), WithRateLimit(0))
	big := strings.Repeat("x", MaxLoggedBody-64)
	before := heapNow()
	for range 400 {
		c.must(http.StatusBadRequest, http.MethodPost, "/users", map[string]any{"fullName": big})
	}
	after := heapNow()
	t.Logf("heap before %.1f MB, after 400 requests of 64 KiB (25.6 MB) into a %d MiB log %.1f MB (growth %+.2f MB); %d requests kept",
		float64(before)/1e6, budget>>20, float64(after)/1e6, float64(int64(after)-int64(before))/1e6, len(srv.Requests()))
	assert.Less(t, int64(after)-int64(before), int64(budget+2<<20))
	assert.Less(t, len(srv.Requests()), 70)
}

func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestUnauthenticatedJunkDoesNotGrowMemory sends what once took the fake
// from 9.5 MB to 379 MB for good: 300 unauthenticated 1 MiB POSTs.
func TestUnauthenticatedJunkDoesNotGrowMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 300 MiB")
	}
	srv := newServer(t)
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	junk := bytes.Repeat([]byte("j"), 1<<20)
	before := heapNow()
	for range 300 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/customers", bytes.NewReader(junk))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if resp, err := hc.Do(req); err == nil { // the fake may close the connection on a body it will not read
			resp.Body.Close()
		}
	}
	after := heapNow()
	growth := int64(after) - int64(before)
	t.Logf("heap before %.1f MB, after 300 unauthenticated 1 MiB POSTs %.1f MB (growth %+.2f MB); %d requests logged",
		float64(before)/1e6, float64(after)/1e6, float64(growth)/1e6, len(srv.Requests()))
	assert.Less(t, growth, int64(4<<20), "the log keeps at most 1 KiB of each body")
	assert.Len(t, srv.Requests(), 300)
}
