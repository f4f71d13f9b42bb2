package phonelineplustest_test

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// sdkClient is the module's SDK pointed at a new fake, through its
// in-memory transport, with no pacing.
func sdkClient(t *testing.T, opts ...phonelineplustest.Option) (*phonelineplustest.Server, *phonelineplus.Client) {
	t.Helper()
	srv := phonelineplustest.NewServer(append([]phonelineplustest.Option{phonelineplustest.WithRateLimit(0)}, opts...)...)
	t.Cleanup(srv.Close)
	keyID, secret := srv.Credentials()
	c, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()),
		phonelineplus.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
		phonelineplus.WithRateLimit(60000, 100), phonelineplus.WithMaxRetries(0))
	require.NoError(t, err)
	return srv, c
}

// TestSDKUserGetsThePoolNumberItAsksFor: a user created through the SDK
// with a number from Numbers.ListAvailable owns that number afterwards,
// in the API's answers and in the fake's state.
func TestSDKUserGetsThePoolNumberItAsksFor(t *testing.T) {
	t.Parallel()
	srv, c := sdkClient(t)
	ctx := t.Context()
	avail, err := c.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(avail), 2)
	cust, err := c.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{Plan: phonelineplus.PlanStandard,
		CompanyName: "Acme Ltd", FullName: "Alex", ContactNumber: "0161 496 0999", Email: "alex@acme.example"})
	require.NoError(t, err)
	want := avail[1].NumberE164 // as listed: 4416149600..
	u, err := c.Users.Create(ctx, cust.ID, phonelineplus.UserCreateRequest{Type: phonelineplus.UserStandard,
		FullName: "Jo", Email: "jo@acme.example", PhoneNumber: want})
	require.NoError(t, err)

	numbers, err := c.Numbers.List(ctx, cust.ID)
	require.NoError(t, err)
	require.Len(t, numbers, 1)
	assert.Equal(t, want, numbers[0].NumberE164)
	require.NotNil(t, numbers[0].AllocatedTo)
	assert.Equal(t, u.ID, numbers[0].AllocatedTo.UserID)

	snap := srv.Snapshot()
	require.Len(t, snap.Numbers, 1)
	assert.Equal(t, want, snap.Numbers[0].NumberE164)
	assert.Equal(t, u.ID, snap.Numbers[0].AllocatedTo.UserID)
	again, err := c.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161"})
	require.NoError(t, err)
	for _, a := range again {
		assert.NotEqual(t, want, a.NumberE164, "taken numbers leave the list")
	}
}

// TestSDKErrorsCarryTheFakesRequestID: the SDK's APIError.RequestID is the
// X-Request-Id the fake sent, which its request log records.
func TestSDKErrorsCarryTheFakesRequestID(t *testing.T) {
	t.Parallel()
	srv, c := sdkClient(t, phonelineplustest.WithFault(phonelineplustest.Fault{Method: http.MethodGet, Path: "/products",
		Action: phonelineplustest.FaultRespond, Status: http.StatusConflict, Body: `{"message":"busy"}`, Times: 1}))
	_, err := c.Products.List(t.Context())
	require.Error(t, err)
	var apiErr *phonelineplus.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	assert.Equal(t, "/products", last.Path)
	assert.Len(t, apiErr.RequestID, 36)
	assert.Equal(t, last.ID, apiErr.RequestID)
	assert.Contains(t, err.Error(), last.ID, "the error names the request")
}

// TestSDKOverTLSAndHTTP2: WithTLS serves what the real gateway does, and
// the SDK speaks it given the server's authority.
func TestSDKOverTLSAndHTTP2(t *testing.T) {
	t.Parallel()
	srv := phonelineplustest.NewServer(phonelineplustest.WithTLS())
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"), srv.URL())
	var protos []string
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := tr.RoundTrip(r)
		if err == nil {
			protos = append(protos, resp.Proto)
		}
		return resp, err
	})}
	keyID, secret := srv.Credentials()
	c, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()), phonelineplus.WithHTTPClient(hc))
	require.NoError(t, err)
	products, err := c.Products.List(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, products)
	assert.Equal(t, []string{"HTTP/2.0", "HTTP/2.0"}, protos, "auth, then the list")
	block, _ := pem.Decode(srv.CACertPEM())
	require.NotNil(t, block)
	assert.Equal(t, "CERTIFICATE", block.Type)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
