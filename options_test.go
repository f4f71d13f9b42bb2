package phonelineplus

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		keyID, secret string
		opts          []Option
		field         string
	}{
		{"empty key", "", "s", nil, "keyID"},
		{"blank secret", "k", "  ", nil, "secret"},
		{"plain http to a remote host", "k", "s", []Option{WithBaseURL("http://api.example.com/v1")}, "baseURL"},
		{"user info", "k", "s", []Option{WithBaseURL("https://user:pass@api.example.com/v1")}, "baseURL"},
		{"no host", "k", "s", []Option{WithBaseURL("https:///v1")}, "baseURL"},
		{"query", "k", "s", []Option{WithBaseURL("https://api.example.com/v1?x=1")}, "baseURL"},
		{"other scheme", "k", "s", []Option{WithBaseURL("ftp://api.example.com")}, "baseURL"},
		{"not a URL", "k", "s", []Option{WithBaseURL("://")}, "baseURL"},
		{"negative retries", "k", "s", []Option{WithMaxRetries(-1)}, "maxRetries"},
		{"zero rate", "k", "s", []Option{WithRateLimit(0, 1)}, "perMinute"},
		{"zero burst", "k", "s", []Option{WithRateLimit(100, 0)}, "burst"},
		{"burst over the rate", "k", "s", []Option{WithRateLimit(10, 11)}, "burst"},
		{"nil limiter", "k", "s", []Option{WithLimiter(nil)}, "limiter"},
		{"nil http client", "k", "s", []Option{WithHTTPClient(nil)}, "httpClient"},
		{"nil token source", "k", "s", []Option{WithTokenSource(nil)}, "tokenSource"},
		{"negative retry wait", "k", "s", []Option{WithMaxRetryWait(-time.Second)}, "maxRetryWait"},
		{"zero body cap", "k", "s", []Option{WithMaxResponseBytes(0)}, "maxResponseBytes"},
		{"user agent with CRLF", "k", "s", []Option{WithUserAgent("x\r\nEvil: 1")}, "userAgent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.keyID, tt.secret, tt.opts...)
			assert.Nil(t, c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, ErrValidation)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestBaseURLs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		ProductionURL:                        ProductionURL,
		UATURL + "/":                         UATURL,
		"http://127.0.0.1:8080/partner/v1":   "http://127.0.0.1:8080/partner/v1",
		"http://[::1]:9/v1":                  "http://[::1]:9/v1",
		"http://localhost:8080":              "http://localhost:8080",
		"https://api-ss-gb-aws.gammaapi.net": "https://api-ss-gb-aws.gammaapi.net",
	} {
		got, err := checkBaseURL(in, false)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, opts := range [][]Option{nil, {WithBaseURL("")}, {WithBaseURL("http://127.0.0.1"), WithBaseURL("")}} {
		c, err := New("k", "s", opts...)
		require.NoError(t, err)
		assert.Equal(t, ProductionURL, c.core.base, "the default")
	}
}

func TestWithInsecureHTTPAllowsAnyHost(t *testing.T) {
	t.Parallel()
	_, err := New("k", "s", WithBaseURL("http://fake:8080/partner/v1"))
	require.ErrorIs(t, err, ErrValidation, "plain http to a remote host needs the option")
	for _, opts := range [][]Option{
		{WithInsecureHTTP(), WithBaseURL("http://fake:8080/partner/v1")},
		{WithBaseURL("http://fake:8080/partner/v1"), WithInsecureHTTP()}, // in any order
	} {
		c, err := New("k", "s", opts...)
		require.NoError(t, err)
		assert.Equal(t, "http://fake:8080/partner/v1", c.core.base)
	}
	_, err = New("k", "s", WithInsecureHTTP(), WithBaseURL("ftp://fake"))
	assert.ErrorIs(t, err, ErrValidation, "still http or https")
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	e := setup(t, WithUserAgent("acme-provisioner/2.1"))
	var ua string
	e.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		writeJSON(w, http.StatusOK, `{}`)
	})
	require.NoError(t, e.client.Do(t.Context(), http.MethodGet, "/stats", nil, nil))
	assert.Regexp(t, regexp.MustCompile(`^phonelineplus-go/`+regexp.QuoteMeta(Version)+` \(go[^;]+; [a-z0-9]+/[a-z0-9]+\) acme-provisioner/2\.1$`), ua)
}
