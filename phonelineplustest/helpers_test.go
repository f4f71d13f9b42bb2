package phonelineplustest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// apiClient talks to a fake with plain net/http.
type apiClient struct {
	t             *testing.T
	srv           *Server
	hc            *http.Client
	keyID, secret string
	token         string
}

// newClient talks to srv through its listener.
func newClient(t *testing.T, srv *Server) *apiClient {
	keyID, secret := srv.Credentials()
	hc := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	return &apiClient{t: t, srv: srv, hc: hc, keyID: keyID, secret: secret}
}

// newMemClient talks to srv through Transport.
func newMemClient(t *testing.T, srv *Server) *apiClient {
	c := newClient(t, srv)
	c.hc = &http.Client{Transport: srv.Transport()}
	return c
}

// newServer starts a fake closed at the end of the test.
func newServer(t *testing.T, opts ...Option) *Server {
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// loggedIn returns a client of a new fake with a token.
func loggedIn(t *testing.T, opts ...Option) (*Server, *apiClient) {
	srv := newServer(t, opts...)
	c := newClient(t, srv)
	c.login()
	return srv, c
}

type response struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// decode decodes the body into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// obj decodes the body as a JSON object.
func (r *response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// message is the "message" of an error body.
func (r *response) message(t *testing.T) string {
	t.Helper()
	msg, _ := r.obj(t)["message"].(string)
	return msg
}

// items decodes a list envelope and checks its count.
func (r *response) items(t *testing.T) []map[string]any {
	t.Helper()
	var l struct {
		Data  []map[string]any `json:"data"`
		Count *int             `json:"count"`
	}
	r.decode(t, &l)
	require.NotNil(t, l.Count, "list without count: %s", r.body)
	require.Equal(t, len(l.Data), *l.Count)
	return l.Data
}

// login gets a token with the client's credentials.
func (c *apiClient) login() {
	c.t.Helper()
	r := c.raw(http.MethodPost, "/auth", "application/json", mustJSON(map[string]string{"keyID": c.keyID, "secret": c.secret}))
	require.Equal(c.t, http.StatusOK, r.status, "auth: %s", r.body)
	c.token, _ = r.obj(c.t)["access_token"].(string)
	require.NotEmpty(c.t, c.token)
}

// call sends body (nil for none) as JSON.
func (c *apiClient) call(method, path string, body any) *response {
	c.t.Helper()
	if body == nil {
		return c.raw(method, path, "", nil)
	}
	return c.raw(method, path, "application/json", mustJSON(body))
}

// must sends a call and requires the status.
func (c *apiClient) must(status int, method, path string, body any) *response {
	c.t.Helper()
	r := c.call(method, path, body)
	require.NoError(c.t, r.err)
	require.Equal(c.t, status, r.status, "%s %s: %s", method, path, r.body)
	return r
}

// raw sends a request with the client's token, if any.
func (c *apiClient) raw(method, path, contentType string, body []byte) *response {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.srv.URL()+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &response{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// uniqueEmail returns an email no other test uses.
func uniqueEmail() string { return fmt.Sprintf("%s@example.com", newUUID()) }

var testAddress = map[string]any{
	"premises": "Unit 1", "street": "High Street", "town": "Manchester",
	"county": "Greater Manchester", "postcode": "M11AA",
}

// customerBody is a valid create body for plan, with number and email
// when not "".
func customerBody(plan, number, email string) map[string]any {
	b := map[string]any{
		"plan": plan, "companyName": "Example Ltd", "fullName": "Alex Example",
		"contactNumber": "07700900000", "address": maps.Clone(testAddress),
	}
	if number != "" {
		b["number"] = map[string]any{"numberE164": number}
	}
	if email != "" {
		b["email"] = email
	}
	return b
}

// available returns a number from GET /numbers/available in areaCode.
func (c *apiClient) available(areaCode string) string {
	c.t.Helper()
	items := c.must(http.StatusOK, http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode="+areaCode, nil).items(c.t)
	require.NotEmpty(c.t, items)
	return items[0]["numberE164"].(string)
}

// createCustomer creates a hardware_only customer with a fresh number and
// email and returns its create response.
func (c *apiClient) createCustomer() map[string]any {
	c.t.Helper()
	return c.must(http.StatusCreated, http.MethodPost, "/customers",
		customerBody(PlanHardwareOnly, c.available("44161"), uniqueEmail())).obj(c.t)
}

// createUser creates a user of a customer and returns its ID.
func (c *apiClient) createUser(customerID string) string {
	c.t.Helper()
	u := c.must(http.StatusCreated, http.MethodPost, "/customers/"+customerID+"/users",
		map[string]any{"type": "standard", "fullName": "Jo Example", "email": uniqueEmail()}).obj(c.t)
	return u["ID"].(string)
}
