package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesAuthUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	out, outW := io.Pipe()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-rate-limit", "5", "-token-lifetime", "10m"}, outW, &logs, ln)
		outW.Close()
	}()

	vars := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(vars) < 3 && sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, sc.Text())
		vars[k] = v
	}
	go io.Copy(io.Discard, out)
	base := vars["PHONELINEPLUS_BASE_URL"]
	assert.Equal(t, "http://"+ln.Addr().String()+"/partner/v1", base)

	body, _ := json.Marshal(map[string]string{"keyID": vars["PHONELINEPLUS_KEY_ID"], "secret": vars["PHONELINEPLUS_SECRET"]})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/auth", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Transport: &http.Transport{}}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
		Expires     int64  `json:"expires"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	hc.CloseIdleConnections()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, tok.AccessToken)

	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "method=POST path=/auth status=200")
	assert.NotContains(t, logs.String(), vars["PHONELINEPLUS_SECRET"])
	_, err = net.Dial("tcp", ln.Addr().String())
	assert.Error(t, err, "the listener is closed")
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-rate-limit", "-1"}, "-rate-limit"}, {[]string{"-token-lifetime", "0s"}, "-token-lifetime"},
		{[]string{"-in-flight-status", "500"}, "400 or 409"}, {[]string{"-key-id", "k"}, "go together"},
		{[]string{"extra"}, "unexpected arguments"}, {[]string{"-no-such-flag"}, "not defined"},
		{[]string{"-fault", "POST /customers explode"}, `unknown fault action "explode"`},
		{[]string{"-fault", `{"action":"delay","latency":"1000h"}`}, "at most 24h"},
		{[]string{"-latency", "soon"}, "must be a duration"},
		{[]string{"-latency", "-5s"}, "must not be negative"},
		{[]string{"-ca-file", "x.pem"}, "goes with -tls"},
		{[]string{"-addr", ":0"}, "add -public"},
		{[]string{"-addr", "0.0.0.0:0"}, "add -public"},
	} {
		err := run(t.Context(), tc.args, io.Discard, io.Discard, nil)
		require.Error(t, err, "%q", tc.args)
		assert.Contains(t, err.Error(), tc.want, "%q", tc.args)
	}
}

// A bad flag is one line that says it once, not the whole help.
func TestABadFlagIsOneClearLine(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"-fault", "POST /customers explode"}, io.Discard, &stderr, nil)
	require.Error(t, err)
	assert.Empty(t, stderr.String(), "main prints the error; no help after it")
	assert.Equal(t, 1, strings.Count(err.Error(), "POST /customers explode"), err.Error())
	assert.Contains(t, err.Error(), `unknown fault action "explode"`)
	assert.Contains(t, err.Error(), "-h lists the flags")
}

func TestRunUsesGivenCredentials(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var out syncBuffer
	cancel() // run prints, then returns at once
	require.NoError(t, run(ctx, []string{"-key-id", "my-key", "-secret", "my-secret"}, &out, io.Discard, ln))
	assert.Contains(t, out.String(), "PHONELINEPLUS_KEY_ID=my-key\nPHONELINEPLUS_SECRET=my-secret\n")
}

func TestHelpSaysHowToUseTheFakeFromAnyLanguage(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	err := run(t.Context(), []string{"-h"}, io.Discard, &out, nil)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{
		`{"keyID": "...", "secret": "..."}`, `"access_token"`, "Authorization: Bearer",
		"POST    /partner/v1/auth", "GET     /partner/v1/numbers/available", "POST    /partner/v1/customers/{id}/users",
		"/_fake/reset", "/_fake/faults", "/_fake/requests/stream", "/_fake/ui",
		"timeout-commit-later", "-public", "-tls", "-state", "-latency", "-fault",
	} {
		assert.Contains(t, out.String(), want)
	}
}

// start runs the fake with args on a loopback port and returns its printed
// variables and a function that stops it and returns run's error.
func start(t *testing.T, args ...string) (map[string]string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	out, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, outW, io.Discard, ln)
		outW.Close()
	}()
	vars := map[string]string{}
	sc := bufio.NewScanner(out)
	for vars["PHONELINEPLUS_DASHBOARD"] == "" && sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, sc.Text())
		vars[k] = v
	}
	go io.Copy(io.Discard, out)
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return vars, stop
}

func TestFaultAndLatencyFlags(t *testing.T) {
	t.Parallel()
	vars, _ := start(t, "-fault", "POST /customers respond status=503 once", "-fault", `{"path":"/stats","action":"timeout-after"}`, "-latency", "1ms-3ms")
	var faults []map[string]any
	getJSON(t, vars["PHONELINEPLUS_CONTROL_URL"]+"faults", &faults)
	require.Len(t, faults, 2)
	assert.Equal(t, "respond", faults[0]["fault"].(map[string]any)["action"])
	var settings map[string]any
	getJSON(t, vars["PHONELINEPLUS_CONTROL_URL"]+"settings", &settings)
	assert.Equal(t, "1ms-3ms", settings["latency"])
	assert.Equal(t, vars["PHONELINEPLUS_CONTROL_URL"]+"ui", vars["PHONELINEPLUS_DASHBOARD"])
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "state.json")
	vars, stop := start(t, "-state", file)
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post(vars["PHONELINEPLUS_CONTROL_URL"]+"customers", "application/json",
		strings.NewReader(`{"companyName":"Kept Ltd","fullName":"Kim","email":"kim@kept.example","plan":"phoneline_plus"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	hc.CloseIdleConnections()
	require.NoError(t, stop())
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(b), "Kept Ltd")

	require.NoError(t, os.Chmod(file, 0o644)) // as a user may leave it
	vars, stop2 := start(t, "-state", file)
	var state struct {
		Customers []struct{ CompanyName string }
	}
	getJSON(t, vars["PHONELINEPLUS_CONTROL_URL"]+"state?pool=false", &state)
	require.Len(t, state.Customers, 1)
	assert.Equal(t, "Kept Ltd", state.Customers[0].CompanyName)

	require.NoError(t, stop2())
	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the state holds SIP passwords: its owner's only")

	require.NoError(t, os.WriteFile(file, []byte("{not json"), 0o600))
	err = run(t.Context(), []string{"-state", file}, io.Discard, io.Discard, localListener(t))
	assert.ErrorContains(t, err, "-state "+file)
}

func localListener(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

func TestTLSServesHTTP2UnderAFreshCA(t *testing.T) {
	t.Parallel()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	vars, _ := start(t, "-tls", "-ca-file", caFile)
	base := vars["PHONELINEPLUS_BASE_URL"]
	require.True(t, strings.HasPrefix(base, "https://127.0.0.1:"), base)
	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(base + "/products")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, 2, resp.ProtoMajor, "HTTP/2")
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
}

func TestTLSRemovesTheCAFileItChose(t *testing.T) {
	t.Parallel()
	vars, stop := start(t, "-tls")
	caFile := vars["PHONELINEPLUS_CA_FILE"]
	require.FileExists(t, caFile)
	require.NoError(t, stop())
	assert.NoFileExists(t, caFile, "no stray CA file per run in the temp dir")

	given := filepath.Join(t.TempDir(), "ca.pem")
	_, stop = start(t, "-tls", "-ca-file", given)
	require.NoError(t, stop())
	assert.FileExists(t, given, "a -ca-file path is the user's to keep")
}

func TestPublicListensEverywhereAndPrintsALoopbackURL(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	out, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-public", "-addr", ":0"}, outW, io.Discard, nil)
		outW.Close()
	}()
	sc := bufio.NewScanner(out)
	require.True(t, sc.Scan())
	go io.Copy(io.Discard, out)
	assert.Regexp(t, `^PHONELINEPLUS_BASE_URL=http://127\.0\.0\.1:\d+/partner/v1$`, sc.Text())
	cancel()
	require.NoError(t, <-done)
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
