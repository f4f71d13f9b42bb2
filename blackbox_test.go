package phonelineplus_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The black-box suites (package phonelineplus_test) make their clients and
// collect their logs with these helpers.

// newClient returns a client for keyID and secret with opts; a bad option
// fails the test.
func newClient(t testing.TB, keyID, secret string, opts ...plp.Option) *plp.Client {
	t.Helper()
	c, err := plp.New(keyID, secret, opts...)
	require.NoError(t, err)
	return c
}

// fakeClient returns a client for srv: its credentials and base URL, then
// opts (a later WithBaseURL wins).
func fakeClient(t testing.TB, srv *phonelineplustest.Server, opts ...plp.Option) *plp.Client {
	t.Helper()
	keyID, secret := srv.Credentials()
	return newClient(t, keyID, secret, append([]plp.Option{plp.WithBaseURL(srv.URL())}, opts...)...)
}

// newFakeClient starts a fake with fakeOpts, closed when the test ends,
// and returns it with a client for it.
func newFakeClient(t *testing.T, fakeOpts []phonelineplustest.Option, opts ...plp.Option) (*phonelineplustest.Server, *plp.Client) {
	t.Helper()
	srv := phonelineplustest.NewServer(fakeOpts...)
	t.Cleanup(srv.Close)
	return srv, fakeClient(t, srv, opts...)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes, such as a
// logger's.
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
