package phonelineplus

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// printings renders v every way a program might print or log it.
func printings(v any) string {
	var buf bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		fmt.Fprintf(&buf, verb+"\n", v)
	}
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
	return buf.String()
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := NewSecret("sip-pass-123")
	out := printings(s) + printings(&s) + printings(struct{ P Secret }{s}) + printings(Destination{SIPPassword: s})
	assert.NotContains(t, out, "sip-pass-123")
	assert.NotContains(t, out, fmt.Sprintf("%x", "sip-pass-123"))
	b, err := json.Marshal(Destination{SIPPassword: s})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "sip-pass-123")
	assert.Equal(t, "sip-pass-123", s.Reveal())
	assert.True(t, Secret{}.IsZero())

	var d Destination
	require.NoError(t, json.Unmarshal([]byte(`{"sipPassword":"pw-9","stunPort":3478}`), &d))
	assert.Equal(t, "pw-9", d.SIPPassword.Reveal())
	assert.Equal(t, "3478", d.STUNPort)
}

func TestTokenNeverPrints(t *testing.T) {
	t.Parallel()
	tok := Token{AccessToken: NewSecret("eyJ.secret.jwt"), Expiry: time.Unix(1693522800, 0)}
	out := printings(tok) + printings(&tok) + printings(struct{ T Token }{tok})
	assert.NotContains(t, out, "eyJ.secret.jwt")
	assert.Contains(t, out, "2023-08-31T23:00:00Z")
}

func TestClientNeverPrintsCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, `{}`) })
	require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil)) // a token is cached now
	out := printings(e.client) + printings(*e.client) + printings(e.client.Customers)
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, testToken)
}

func TestRawNeverPrintsContent(t *testing.T) {
	t.Parallel()
	var c Customer
	require.NoError(t, json.Unmarshal(golden(t, "customers/create.response.json"), &c))
	c.Destination.SIPPassword = NewSecret("real-sip-password")
	c.Raw = RawJSON(`{"destination":{"sipPassword":"real-sip-password"}}`)
	out := printings(c) + printings(&c)
	assert.NotContains(t, out, "real-sip-password")
	assert.NotContains(t, out, fmt.Sprintf("%x", "real-sip-password"))
}

func TestErrorBodiesAreScrubbed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		// A hostile or careless server echoes what it was sent.
		writeJSON(w, http.StatusBadRequest, `{"message":"bad token `+r.Header.Get("Authorization")+` for secret `+testSecret+`"}`)
	})
	err := e.client.Do(t.Context(), http.MethodGet, "/echo", nil, nil)
	require.Error(t, err)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	out := err.Error() + printings(err) + string(apiErr.Body)
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, testToken)
	assert.Contains(t, apiErr.Message, "[REDACTED]")
}

func TestSentTokenAndEncodedFormsAreScrubbed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		sent := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		// The token is replaced while the request is out: the error must
		// still hide the one it was sent with.
		e.client.core.tokens.cur.Store(newCachedToken(Token{AccessToken: NewSecret("a-newer-token-0001")}, time.Now()))
		msg := strings.Join([]string{
			sent, url.QueryEscape(testSecret), base64.StdEncoding.EncodeToString([]byte(testSecret)),
			base64.RawURLEncoding.EncodeToString([]byte(sent)), base64.URLEncoding.EncodeToString([]byte(testSecret)),
		}, " | ")
		writeJSON(w, http.StatusBadRequest, `{"message":"`+msg+`"}`)
	})
	err := e.client.Do(t.Context(), http.MethodGet, "/echo", nil, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	out := err.Error() + printings(err) + string(apiErr.Body)
	for _, leak := range []string{
		testToken, base64.RawURLEncoding.EncodeToString([]byte(testToken)),
		url.QueryEscape(testSecret), base64.StdEncoding.EncodeToString([]byte(testSecret)),
		base64.URLEncoding.EncodeToString([]byte(testSecret)),
	} {
		assert.NotContains(t, out, leak)
	}
	assert.Equal(t, 5, strings.Count(apiErr.Message, mask), apiErr.Message)
}

func TestTokenNeverPrintsWithAnyVerb(t *testing.T) {
	t.Parallel()
	tok := Token{AccessToken: NewSecret("eyJ.verb.jwt"), Expiry: time.Unix(1693522800, 0)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%p", "%t", "%10.3s", "%08x"} {
		for _, v := range []any{tok, &tok, []Token{tok}, struct{ T Token }{tok}} {
			assert.NotContains(t, fmt.Sprintf(verb, v), "eyJ.verb.jwt", verb)
			assert.NotContains(t, fmt.Sprintf(verb, v), hex.EncodeToString([]byte("eyJ.verb.jwt")), verb)
		}
	}
}

func TestScrubberKnowsEveryEncoding(t *testing.T) {
	t.Parallel()
	const secret = "p@ss/w+rd=&x?y z"
	c, err := New("k", secret)
	require.NoError(t, err)
	s := c.scrubber(&cachedToken{tok: Token{AccessToken: NewSecret("sent.jwt+/=")}})
	for _, v := range []string{secret, "sent.jwt+/="} {
		for _, form := range []string{
			v, url.QueryEscape(v), url.PathEscape(v),
			base64.StdEncoding.EncodeToString([]byte(v)), base64.URLEncoding.EncodeToString([]byte(v)),
			base64.RawStdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)),
		} {
			assert.Equal(t, "echo "+mask+" end", s.string("echo "+form+" end"), form)
		}
	}
}
