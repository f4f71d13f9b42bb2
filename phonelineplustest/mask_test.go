package phonelineplustest

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The canaries of the fake's leak tests.
const (
	leakSIP    = "LEAKCANARY-SIP-PASSWORD"
	leakSecret = "LEAKCANARY-SECRET-0123456789"
)

func TestMaskBodyMasksSecretFieldsOfBodiesThatAreNotJSON(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"cut inside the value":     `{"customerID":"c1","destination":{"sipID":"plp1","sipPassword":"` + leakSIP[:12],
		"cut after the value":      `{"destination":{"sipPassword":"` + leakSIP + `","stunServer":"st`,
		"escaped quote inside":     `{"password": "a\"` + leakSIP + `", "x": [`,
		"trailing comma":           `{"keyID":"k","secret":"` + leakSecret + `",}`,
		"form body":                `keyID=k&secret=` + leakSecret + `&x=1`,
		"form body, first pair":    `sipPassword=` + leakSIP + `&x=1`,
		"spaced JSON, upper case":  `{"SipPassword" :  "` + leakSIP + `" ,`,
		"a token in a broken body": `{"token":"` + leakSecret + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			got := maskBody([]byte(body), nil)
			assert.NotContains(t, got, "LEAKCANARY", "masked: %s", got)
			assert.Contains(t, got, masked)
		})
	}
	assert.Equal(t, `{"sipID":"plp1","stunServer":"s`, maskBody([]byte(`{"sipID":"plp1","stunServer":"s`), nil),
		"what is not secret stays")
}

func TestRequestLogMasksSecretsInTheQueryPathAndHeaders(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	c.call(http.MethodPost, "/auth?keyID="+c.keyID+"&secret="+url.QueryEscape(c.secret), nil)
	c.call(http.MethodGet, "/customers?access_token="+c.token+"&sipPassword="+leakSIP+"&page=2", nil)
	c.call(http.MethodGet, "/customers/"+c.token, nil)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/stats", nil)
	require.NoError(t, err)
	req.Header.Set("X-Api-Secret", c.secret) // a client that sends it where it should not
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Len(t, srv.Requests(), 5)

	r := c.ctlMust(http.StatusOK, http.MethodGet, "requests", nil)
	for name, secret := range map[string]string{"secret": c.secret, "token": c.token, "SIP password": leakSIP} {
		assert.NotContains(t, string(r.body), secret, "the request log shows the %s", name)
	}
	var reqs []requestView
	r.decode(t, &reqs)
	assert.Equal(t, "keyID="+c.keyID+"&secret=***", reqs[1].Query)
	assert.Equal(t, "access_token=***&page=2&sipPassword=***", reqs[2].Query)
	assert.Equal(t, "/customers/***", reqs[3].Path)
	assert.Equal(t, "***", reqs[4].Header["X-Api-Secret"])
}

func TestRequestLogMasksTheSecretsOfKeysAddedOrRevokedLater(t *testing.T) {
	t.Parallel()
	srv, c := loggedIn(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.controlURL()+"requests/stream", nil)
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	require.True(t, sc.Scan()) // "retry: 1000": the handler has subscribed

	// A key added after the stream began, and sent in a body the fake
	// cannot parse: only the list of known secrets can mask it.
	c.ctlMust(http.StatusCreated, http.MethodPost, "keys", map[string]string{"keyID": "k2", "secret": leakSecret})
	c.raw(http.MethodPost, "/auth", "text/plain", []byte("k2 "+leakSecret))
	var events []string
	for len(events) < 2 && sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			events = append(events, data)
		}
	}
	require.Len(t, events, 2)
	for _, e := range events {
		assert.NotContains(t, e, leakSecret, "the stream shows a key added after it began")
	}

	c.ctlMust(http.StatusOK, http.MethodDelete, "keys/k2", nil)
	r := c.ctlMust(http.StatusOK, http.MethodGet, "requests", nil)
	assert.NotContains(t, string(r.body), leakSecret, "the log shows the secret of a revoked key")
}
