package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
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
	for _, args := range [][]string{
		{"-rate-limit", "-1"}, {"-token-lifetime", "0s"}, {"-in-flight-status", "500"},
		{"-key-id", "k"}, {"extra"}, {"-no-such-flag"},
	} {
		err := run(t.Context(), args, io.Discard, io.Discard, nil)
		assert.Error(t, err, "%q", args)
	}
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
