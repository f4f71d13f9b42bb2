package phonelineplustest

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ctl sends a control API request; body is sent as is when it is a
// string, as JSON otherwise (nil for none).
func (c *apiClient) ctl(method, path string, body any) *response {
	c.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		b = mustJSON(v)
	}
	saved := c.token
	c.token = ""
	defer func() { c.token = saved }()
	url := strings.TrimSuffix(c.srv.URL(), BasePath) + ControlPath + path
	req, err := http.NewRequestWithContext(c.t.Context(), method, url, strings.NewReader(string(b)))
	require.NoError(c.t, err)
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var out response
	out.status, out.header = resp.StatusCode, resp.Header
	out.body, out.err = io.ReadAll(resp.Body)
	return &out
}

// ctlMust sends a control request and requires the status.
func (c *apiClient) ctlMust(status int, method, path string, body any) *response {
	c.t.Helper()
	r := c.ctl(method, path, body)
	require.Equal(c.t, status, r.status, "%s %s%s: %s", method, ControlPath, path, r.body)
	return r
}

func TestControlIndexListsEveryEndpointAndTheKey(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	var idx struct {
		BaseURL, KeyID, Secret, Dashboard string
		Endpoints                         []struct{ Method, Path string }
	}
	c.ctlMust(http.StatusOK, http.MethodGet, "", nil).decode(t, &idx)
	keyID, secret := srv.Credentials()
	assert.Equal(t, srv.URL(), idx.BaseURL)
	assert.Equal(t, keyID, idx.KeyID)
	assert.Equal(t, secret, idx.Secret)
	assert.True(t, strings.HasSuffix(idx.Dashboard, "/_fake/ui"), idx.Dashboard)
	assert.Len(t, idx.Endpoints, len(controlRoutes))
	assert.Regexp(t, `(?m)^  POST +/_fake/faults +add faults`, ControlAPIHelp())

	r := c.ctlMust(http.StatusNotFound, http.MethodGet, "nope", nil)
	assert.Contains(t, r.message(t), "GET /_fake/ lists them")
	r = c.ctlMust(http.StatusMethodNotAllowed, http.MethodPut, "faults", nil)
	assert.Equal(t, "DELETE, GET, POST", r.header.Get("Allow"))
	assert.Equal(t, "Method PUT is not allowed on /_fake/faults; it allows DELETE, GET, POST", r.message(t))
	assert.NotEmpty(t, r.header.Get("X-Request-Id"))
	assert.Len(t, srv.Requests(), 1, "control requests stay out of the log (only the login is there)")
}

func TestControlResetPutsTheStartBack(t *testing.T) {
	t.Parallel()
	custID := newUUID()
	srv, c := loggedIn(t, WithCustomer(Customer{CustomerID: custID, CompanyName: "Seeded", FullName: "S", Email: "seeded@example.com", Plan: PlanStandard}),
		WithFault(Fault{Method: http.MethodGet, Path: "/stats", Action: FaultRespond, Status: 503}), WithRateLimit(50))
	c.createCustomer()
	srv.InjectFault(Fault{Action: FaultDropBefore, Path: "/orders"})
	require.NoError(t, srv.SetRateLimit(3))
	c.ctlMust(http.StatusOK, http.MethodPost, "reset", nil)

	snap := srv.Snapshot()
	require.Len(t, snap.Customers, 1)
	assert.Equal(t, custID, snap.Customers[0].CustomerID)
	require.Len(t, srv.Faults(), 1, "the option's fault, not the injected one")
	assert.Equal(t, FaultRespond, srv.Faults()[0].Fault.Action)
	assert.Equal(t, 50, srv.Settings().RateLimit)
	assert.Empty(t, srv.Requests())
	c.must(http.StatusOK, http.MethodGet, "/customers", nil) // the token still works

	c.ctlMust(http.StatusOK, http.MethodPost, "reset", map[string]any{"seed": 9})
	c.ctlMust(http.StatusBadRequest, http.MethodPost, "reset", map[string]any{"seed": "nine"})
}

func TestControlSeedsCustomersUsersNumbersOrdersAndMore(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	custID, userID := newUUID(), newUUID()
	c.ctlMust(http.StatusCreated, http.MethodPost, "customers", map[string]any{"customerID": custID, "companyName": "Acme Ltd",
		"fullName": "Alex Acme", "email": "alex@acme.example", "plan": PlanStandard})
	u := c.ctlMust(http.StatusCreated, http.MethodPost, "customers/"+custID+"/users",
		map[string]any{"ID": userID, "fullName": "Jo", "email": "jo@acme.example", "pin": "123456"}).obj(t)
	assert.Equal(t, userID, u["ID"])
	c.ctlMust(http.StatusCreated, http.MethodPost, "customers/"+custID+"/numbers",
		map[string]any{"numberE164": "441614960100", "allocatedTo": map[string]any{"userID": userID}})
	o := c.ctlMust(http.StatusCreated, http.MethodPost, "customers/"+custID+"/orders",
		map[string]any{"products": []any{map[string]any{"sku": "T46S", "quantity": 2}}, "name": "Alex",
			"deliveryAddress": map[string]any{"line1": "1 High St", "town": "Manchester", "postcode": "M11AA"}}).obj(t)
	assert.Equal(t, "PLP0000001", o["orderNumber"])
	assert.Equal(t, "M11AA", o["deliveryAddress"].(map[string]any)["postcode"])
	c.ctlMust(http.StatusCreated, http.MethodPost, "partner-users", map[string]any{"fullName": "Pat", "email": "pat@partner.example"})
	c.ctlMust(http.StatusCreated, http.MethodPost, "pool", []any{map[string]any{"numberE164": "441619990001", "areaCode": "44161"}})
	c.ctlMust(http.StatusOK, http.MethodPut, "products", []any{map[string]any{"sku": "X1", "name": "Phone X1"}, map[string]any{"sku": "T46S", "name": "Yealink T46S"}})

	snap := srv.Snapshot()
	require.Len(t, snap.Customers, 1)
	assert.Len(t, snap.Users, 2, "the primary user and Jo")
	require.Len(t, snap.Numbers, 1)
	assert.Equal(t, userID, snap.Numbers[0].AllocatedTo.UserID)
	require.Len(t, snap.Orders, 1)
	assert.Equal(t, 2, snap.Orders[0].Products[0].Quantity)
	assert.Equal(t, "1 High St", snap.Orders[0].DeliveryAddress.Line1)
	assert.Len(t, snap.PartnerUsers, 1)
	assert.Len(t, snap.Products, 2)
	assert.Contains(t, snap.Pool, AvailableNumber{NumberE164: "441619990001", Type: NumberGeographic, AreaCode: "44161"})
	for _, user := range snap.Users {
		if user.ID == userID {
			assert.Equal(t, "123456", user.PIN)
		}
	}
	// The API sees them.
	assert.Len(t, c.must(http.StatusOK, http.MethodGet, "/customers/"+custID+"/users", nil).items(t), 2)

	// Refusals say what is wrong.
	r := c.ctlMust(http.StatusBadRequest, http.MethodPost, "customers/"+newUUID()+"/users", map[string]any{"fullName": "x", "email": "x@example.com"})
	assert.Contains(t, r.message(t), "does not exist")
	r = c.ctlMust(http.StatusBadRequest, http.MethodPost, "customers", map[string]any{"companyName": "Dup", "email": "JO@acme.example"})
	assert.Contains(t, r.message(t), "already in use")
	r = c.ctlMust(http.StatusBadRequest, http.MethodPost, "customers", `{"companyName":`)
	assert.Contains(t, r.message(t), "bad JSON")
	c.ctlMust(http.StatusOK, http.MethodDelete, "pool", nil)
	assert.Zero(t, srv.AvailableNumbers("44161"))
}

func TestControlHoldsAndReleasesNumbers(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	n := c.available("0161")
	c.ctlMust(http.StatusOK, http.MethodPost, "numbers/hold", map[string]any{"numbers": []string{n}})
	assert.Equal(t, []string{n}, srv.Snapshot().HeldNumbers)
	assert.Equal(t, n, c.available("0161"), "a held number is still listed")
	c.must(http.StatusConflict, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, n, uniqueEmail()))
	c.ctlMust(http.StatusOK, http.MethodPost, "numbers/release", map[string]any{"numbers": []string{n}})
	c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, n, uniqueEmail()))
	r := c.ctlMust(http.StatusBadRequest, http.MethodPost, "numbers/hold", map[string]any{"numbers": []string{"0161 496 0000"}})
	assert.Contains(t, r.message(t), "E.164")
}

func TestControlFaultsAddListRemoveClear(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	// JSON, with the same matching rules as the Go API.
	added := c.ctlMust(http.StatusCreated, http.MethodPost, "faults",
		map[string]any{"method": "GET", "path": "/customers/*/users", "action": "respond", "status": 503,
			"body": `{"message":"down"}`, "header": map[string]any{"Retry-After": "7"}, "times": 1})
	var got []InjectedFault
	added.decode(t, &got)
	require.Len(t, got, 1)
	id := c.createCustomer()["customerID"].(string)
	r := c.must(http.StatusServiceUnavailable, http.MethodGet, "/customers/"+id+"/users/", nil)
	assert.Equal(t, "down", r.message(t))
	assert.Equal(t, "7", r.header.Get("Retry-After"))
	c.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/users", nil)

	// One per line, and a list.
	c.ctlMust(http.StatusCreated, http.MethodPost, "faults", "# comment\nPOST /customers timeout-after once\nGET /stats respond status=502 body='bad gateway'\n")
	c.ctlMust(http.StatusCreated, http.MethodPost, "faults", []any{map[string]any{"action": "delay", "latency": "1ms", "path": "/products"}})
	var list []InjectedFault
	c.ctlMust(http.StatusOK, http.MethodGet, "faults", nil).decode(t, &list)
	require.Len(t, list, 4)
	assert.Equal(t, 1, list[0].Fired)
	assert.True(t, list[0].Spent)
	assert.Equal(t, "GET /stats respond status=502 body='bad gateway'", list[2].Fault.String())

	r = c.must(http.StatusInternalServerError, http.MethodPost, "/customers", customerBody(PlanStandard, "", uniqueEmail()))
	assert.Equal(t, "Timeout", string(r.body))
	assert.Len(t, srv.Customers(), 2, "timeout-after acted")
	assert.Equal(t, "bad gateway", string(c.must(http.StatusBadGateway, http.MethodGet, "/stats", nil).body))

	c.ctlMust(http.StatusOK, http.MethodDelete, "faults/"+list[2].ID, nil)
	c.must(http.StatusOK, http.MethodGet, "/stats", nil)
	c.ctlMust(http.StatusNotFound, http.MethodDelete, "faults/"+list[2].ID, nil)
	c.ctlMust(http.StatusOK, http.MethodDelete, "faults", nil)
	assert.Empty(t, srv.Faults())
}

func TestControlRefusesBadFaultsWithA400(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	for body, want := range map[string]string{
		`{"action": "explode"}`:                          `unknown fault action "explode"`,
		`{"action": "delay"`:                             "unexpected end of JSON",
		`{"action": "delay", "latency": "1000h"}`:        "at most 24h0m0s",
		`{"action": "delay", "latency": "-5s"}`:          "must not be negative",
		`{"action": "delay", "latency": "soon"}`:         `"soon" is not a duration`,
		`{"action": "delay", "latency": 5}`:              "is not a duration",
		`{"action": "respond", "stauts": 500}`:           `unknown field "stauts"`,
		`{"action": "respond", "status": 999}`:           "not an HTTP status",
		`{"action": "respond", "probability": 3}`:        "above 1",
		`{"action": "redirect"}`:                         "needs a location",
		`{"action": "timeout-commit-later"}`:             "needs a commitAfter",
		`{"action": "respond", "commitAfter": "1s"}`:     "commitAfter is for timeout-commit-later",
		`{"action": "respond", "path": "customers"}`:     "must start with /",
		"POST /customers explode":                        "unknown fault action",
		"POST /customers delay latency=forever":          `"forever" is not a duration`,
		"respond status=abc":                             "status=abc",
		"respond colour=red":                             `unknown setting "colour"`,
		"respond body='unclosed":                         "quote is not closed",
		"/customers":                                     "no action",
		`[{"action": "respond"}, {"action": "explode"}]`: "unknown fault action",
		"":                   "the body has no fault",
		"[]":                 "no fault",
		"# only a comment\n": "no fault",
	} {
		r := c.ctlMust(http.StatusBadRequest, http.MethodPost, "faults", body)
		assert.Contains(t, r.message(t), want, body)
	}
	assert.Empty(t, srv.Faults(), "a list with one bad fault adds none")
}

func TestControlSettingsChangeTheRateLimitAndTokenLifetime(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	var st settingsJSON
	c.ctlMust(http.StatusOK, http.MethodPatch, "settings", map[string]any{"rateLimit": 2, "tokenLifetime": "90s",
		"inFlightStatus": 400, "latency": "1ms-2ms", "requestLogEntries": 1000}).decode(t, &st)
	assert.Equal(t, settingsJSON{RateLimit: 2, TokenLifetime: "1m30s", InFlightStatus: 400, Latency: "1ms-2ms",
		RequestLogEntries: 1000, RequestLogBytes: DefaultRequestLogBytes}, st)

	// The login made one request; two more exhaust the budget of 2.
	c.login()
	r := c.must(http.StatusTooManyRequests, http.MethodGet, "/stats", nil)
	assert.NotEmpty(t, r.header.Get("Retry-After"))
	var budget struct {
		Limit int
		Keys  []struct {
			KeyID string
			Spent int
		}
	}
	c.ctlMust(http.StatusOK, http.MethodGet, "budget", nil).decode(t, &budget)
	assert.Equal(t, 2, budget.Limit)
	require.Len(t, budget.Keys, 1)
	assert.Equal(t, 2, budget.Keys[0].Spent)

	c.ctlMust(http.StatusOK, http.MethodPatch, "settings", map[string]any{"rateLimit": 0})
	tok := c.must(http.StatusOK, http.MethodPost, "/auth", map[string]string{"keyID": c.keyID, "secret": c.secret}).obj(t)
	assert.InDelta(t, time.Now().Add(90*time.Second).Unix(), tok["expires"], 2)
	assert.Equal(t, 400, srv.Settings().InFlightStatus)

	for body, want := range map[string]string{
		`{"latency": "-5s"}`:                "must not be negative",
		`{"latency": "1000h"}`:              "at most",
		`{"latency": "2s-1s"}`:              "ends before it starts",
		`{"tokenLifetime": "0s"}`:           "between 1s and a year",
		`{"rateLimit": -1}`:                 "must not be negative",
		`{"inFlightStatus": 500}`:           "400 or 409",
		`{"rateLimt": 5}`:                   "unknown field",
		`{"rateLimit": 5, "latency": "x"}`:  "must be a duration",
		`{"requestLogBytes": 100000000000}`: "at most 1073741824 (1 GiB)",
	} {
		r := c.ctlMust(http.StatusBadRequest, http.MethodPatch, "settings", body)
		assert.Contains(t, r.message(t), want, body)
	}
	assert.Equal(t, 0, srv.Settings().RateLimit, "a refused patch changes nothing")
}

func TestControlStateRoundTrips(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	id := c.createCustomer()["customerID"].(string)
	userID := c.createUser(id)
	c.must(http.StatusOK, http.MethodPut, "/customers/"+id+"/users/"+userID, map[string]any{"pin": "654321"})
	c.must(http.StatusCreated, http.MethodPost, "/customers/"+id+"/users/"+userID+"/devices",
		map[string]any{"brand": "yealink", "model": "T46S", "macAddress": "00:15:65:00:00:01"})
	srv.HoldNumbers(true, "441614960499")
	state := c.ctlMust(http.StatusOK, http.MethodGet, "state", nil)
	var doc map[string]any
	state.decode(t, &doc)
	cust := doc["customers"].([]any)[0].(map[string]any)
	assert.Len(t, cust["users"], 2, "users nest under their customer")
	assert.NotEmpty(t, doc["pool"])
	small := c.ctlMust(http.StatusOK, http.MethodGet, "state?pool=false", nil).obj(t)
	assert.Nil(t, small["pool"])

	other, oc := loggedIn(t)
	oc.ctlMust(http.StatusOK, http.MethodPut, "state", string(state.body))
	want, got := srv.Snapshot(), other.Snapshot()
	assert.Equal(t, want, got)
	assert.Len(t, oc.must(http.StatusOK, http.MethodGet, "/customers/"+id+"/users", nil).items(t), 2)

	r := oc.ctlMust(http.StatusBadRequest, http.MethodPut, "state", `{"customers":[{"customerID":"a","email":"x@example.com"},{"customerID":"b","email":"x@example.com"}]}`)
	assert.Contains(t, r.message(t), "already in use")
	assert.Equal(t, want, other.Snapshot(), "a refused state changes nothing")
}

func TestControlRequestLogMasksSecrets(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	cust := c.must(http.StatusCreated, http.MethodPost, "/customers", customerBody(PlanHardwareOnly, c.available("44161"), uniqueEmail())).obj(t)
	sip := cust["destination"].(map[string]any)["sipPassword"].(string)
	r := c.ctlMust(http.StatusOK, http.MethodGet, "requests", nil)
	for _, secret := range []string{c.secret, c.token, sip} {
		assert.NotContains(t, string(r.body), secret)
	}
	var reqs []requestView
	r.decode(t, &reqs)
	require.Len(t, reqs, 3)
	assert.Contains(t, reqs[0].Body, `"secret":"***"`)
	assert.Contains(t, reqs[0].ResponseBody, `"access_token":"***"`)
	assert.Equal(t, "Bearer ***", reqs[2].Header["Authorization"])
	assert.Contains(t, reqs[2].ResponseBody, `"sipPassword":"***"`)
	assert.Equal(t, srv.Requests()[2].ID, reqs[2].ID)
	assert.Equal(t, http.StatusCreated, reqs[2].Status)
	assert.True(t, reqs[2].Done)

	c.ctlMust(http.StatusOK, http.MethodGet, "requests?limit=1", nil).decode(t, &reqs)
	assert.Len(t, reqs, 1)
	c.ctlMust(http.StatusBadRequest, http.MethodGet, "requests?limit=x", nil)
	c.ctlMust(http.StatusOK, http.MethodDelete, "requests", nil)
	assert.Empty(t, srv.Requests())
}

func TestControlStreamsTheRequestLog(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, strings.TrimSuffix(srv.URL(), BasePath)+ControlPath+"requests/stream", nil)
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	require.True(t, sc.Scan()) // "retry: 1000": the handler has subscribed

	c.must(http.StatusOK, http.MethodGet, "/stats", nil)
	var events []requestView
	for len(events) < 2 && sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var v requestView
			require.NoError(t, json.Unmarshal([]byte(data), &v))
			events = append(events, v)
		}
	}
	require.Len(t, events, 2, "one when it arrives, one when it is done")
	assert.Equal(t, "/stats", events[0].Path)
	assert.False(t, events[0].Done)
	assert.True(t, events[1].Done)
	assert.Equal(t, http.StatusOK, events[1].Status)
	assert.Equal(t, events[0].ID, events[1].ID)
}

func TestControlAddsAndRevokesKeys(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	c.ctlMust(http.StatusCreated, http.MethodPost, "keys", map[string]string{"keyID": "my-key", "secret": "my-secret-value"})
	c.keyID, c.secret = "my-key", "my-secret-value"
	c.login()
	var k struct{ KeyID, Secret string }
	c.ctlMust(http.StatusCreated, http.MethodPost, "keys", nil).decode(t, &k)
	assert.NotEmpty(t, k.Secret)
	c.ctlMust(http.StatusOK, http.MethodDelete, "keys/my-key", nil)
	c.must(http.StatusUnauthorized, http.MethodGet, "/stats", nil)
	c.ctlMust(http.StatusNotFound, http.MethodDelete, "keys/my-key", nil)
	c.ctlMust(http.StatusBadRequest, http.MethodPost, "keys", map[string]string{"keyID": "only-id"})
}

func TestControlRefusesChangesFromOtherOrigins(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	send := func(method, path, origin string) int {
		req, err := http.NewRequestWithContext(t.Context(), method, strings.TrimSuffix(srv.URL(), BasePath)+ControlPath+path,
			strings.NewReader("POST /customers timeout-after once"))
		require.NoError(t, err)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	self := strings.TrimSuffix(srv.URL(), BasePath)
	assert.Equal(t, http.StatusForbidden, send(http.MethodPost, "faults", "http://evil.example"))
	assert.Equal(t, http.StatusForbidden, send(http.MethodPost, "reset", "null"))
	assert.Empty(t, srv.Faults())
	assert.Equal(t, http.StatusCreated, send(http.MethodPost, "faults", self), "the dashboard's own origin")
	assert.Equal(t, http.StatusCreated, send(http.MethodPost, "faults", ""), "curl, a test")
	assert.Equal(t, http.StatusOK, send(http.MethodGet, "faults", "http://evil.example"), "reading is harmless: no CORS headers")
	assert.Len(t, srv.Faults(), 2)
}

func TestControlServesTheDashboardWithItsAssetsAndNoFraming(t *testing.T) {
	t.Parallel()
	_, c := loggedIn(t)
	for path, contentType := range map[string]string{
		"ui": "text/html", "ui/dashboard.js": "text/javascript", "ui/dashboard.css": "text/css",
	} {
		r := c.ctlMust(http.StatusOK, http.MethodGet, path, nil)
		assert.Contains(t, r.header.Get("Content-Type"), contentType, path)
		assert.Contains(t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		assert.Contains(t, r.header.Get("Content-Security-Policy"), "default-src 'self'", path)
		assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), path)
	}
	r := c.ctlMust(http.StatusNotFound, http.MethodGet, "ui/../../etc/passwd", nil)
	assert.Contains(t, r.message(t), "no file")
}

// A web page that points its own name at 127.0.0.1 (DNS rebinding) talks
// to the fake as its own origin: the browser's request names that host.
func TestControlRefusesABrowserThatReachesLoopbackUnderAnotherName(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv)
	send := func(method, path, host string, browser bool) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), method, srv.controlURL()+path, strings.NewReader("POST /customers timeout-after once"))
		require.NoError(t, err)
		req.Host = host
		if browser {
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", "http://"+host)
		}
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)
	port := u.Port()
	evil := "rebind.evil.example:" + port
	assert.Equal(t, http.StatusForbidden, send(http.MethodGet, "", evil, true).StatusCode, "the key and the log stay unread")
	assert.Equal(t, http.StatusForbidden, send(http.MethodPost, "faults", evil, true).StatusCode)
	assert.Equal(t, http.StatusForbidden, send(http.MethodGet, "ui", evil, true).StatusCode)
	assert.Empty(t, srv.Faults())

	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "fake.localhost:" + port} {
		assert.Equal(t, http.StatusOK, send(http.MethodGet, "faults", host, true).StatusCode, host)
	}
	assert.Equal(t, http.StatusCreated, send(http.MethodPost, "faults", evil, false).StatusCode, "a program is never refused")

	public := newServer(t, WithAddr("0.0.0.0:0"))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, public.controlURL()+"faults", nil)
	require.NoError(t, err)
	req.Host = "fake.internal:8080"
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a fake listening beyond loopback is reached by name")
}
