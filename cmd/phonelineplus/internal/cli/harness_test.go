package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
	"github.com/stretchr/testify/require"
)

// noWait is a limiter that never waits: tests are not paced by the budget.
type noWait struct{}

func (noWait) Wait(context.Context) error { return nil }

// harness runs the command in-process against a fake.
type harness struct {
	t         *testing.T
	srv       *phonelineplustest.Server
	env       map[string]string
	configDir string
	stdin     io.Reader
	terminal  bool // whether stdin is a terminal
	secretIn  string
}

// newHarness starts a fake (without a rate limit worth waiting for) and
// returns a harness whose environment holds the fake's key and URL.
func newHarness(t *testing.T, opts ...phonelineplustest.Option) *harness {
	t.Helper()
	srv := phonelineplustest.NewServer(append([]phonelineplustest.Option{phonelineplustest.WithRateLimit(1_000_000)}, opts...)...)
	t.Cleanup(srv.Close)
	keyID, secret := srv.Credentials()
	return &harness{
		t: t, srv: srv, configDir: filepath.Join(t.TempDir(), "config"),
		env: map[string]string{EnvKeyID: keyID, EnvSecret: secret, EnvBaseURL: srv.URL()},
	}
}

// result is one run's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line args and returns what it printed.
func (h *harness) run(args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	stdin := h.stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	a := &App{
		Stdin: stdin, Stdout: &out, Stderr: &errOut,
		Getenv:        func(k string) string { return h.env[k] },
		ConfigDir:     func() (string, error) { return h.configDir, nil },
		ClientOptions: []phonelineplus.Option{phonelineplus.WithLimiter(noWait{})},
		IsTerminal:    func(f any) bool { return h.terminal && f == stdin },
		ReadSecret:    func(any) (string, error) { return h.secretIn, nil },
	}
	code := a.Run(h.t.Context(), args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// client returns an SDK client on the fake, to set up or inspect state.
func (h *harness) client() *phonelineplus.Client {
	h.t.Helper()
	c, err := phonelineplus.New(h.env[EnvKeyID], h.env[EnvSecret],
		phonelineplus.WithBaseURL(h.srv.URL()), phonelineplus.WithLimiter(noWait{}))
	require.NoError(h.t, err)
	return c
}

// writeFile writes content to name in a temporary folder.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}
