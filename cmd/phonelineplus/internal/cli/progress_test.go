package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func TestApplyCountsWhatTheFakeReceivedAndNamesARetryAfterWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t, phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers/*/users",
		Action: phonelineplustest.FaultRespond, Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {"1"}}, Body: `{"message":"Too Many Requests"}`, Times: 1}))
	path := sampleFile(t, 2, 1)

	r := h.run("apply", path, "--yes", "-o", "json")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	var waits []string
	var summary map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		switch ev["event"] {
		case "wait":
			waits = append(waits, ev["reason"].(string))
		case "summary":
			summary = ev
		}
	}
	received := h.srv.Requests()
	throttled := 0
	for _, req := range received {
		if req.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	require.Equal(t, 1, throttled, "the fault fired once")
	assert.Equal(t, []string{"the API answered 429, Retry-After 1s"}, waits)
	require.NotNil(t, summary)
	assert.EqualValues(t, len(received), summary["requests"], "the token exchange and the 429'd attempt count")
	assert.Contains(t, r.stderr, "; "+count(len(received), "request")+" sent.")

	// The user row the 429 hit took two attempts, the others one; a user's
	// request ID is its create's that succeeded.
	r = h.run("status", path, "-o", "json")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	var status []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &status))
	var created string
	for _, req := range received {
		if req.Method == http.MethodPost && strings.HasSuffix(req.Path, "/users") && req.Status == http.StatusCreated {
			created += req.ID + " "
		}
	}
	attempts := map[string]int{}
	for _, row := range status {
		attempts[row["attempts"]]++
		if row["sheet"] == "users" {
			assert.Contains(t, created, row["request_id"]+" ", row)
		}
	}
	assert.Equal(t, map[string]int{"1": len(status) - 1, "2": 1}, attempts)
}

func TestRetryReasonSaysWhoChoseTheDelay(t *testing.T) {
	throttled := &pl.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}
	for _, tc := range []struct {
		res  pl.AttemptResult
		want string
	}{
		{pl.AttemptResult{StatusCode: 429, Err: throttled, Retry: true, RetryDelay: 2 * time.Second, RetryAfter: true}, "the API answered 429, Retry-After 2s"},
		{pl.AttemptResult{StatusCode: 429, Err: &pl.APIError{StatusCode: 429}, Retry: true, RetryDelay: 183 * time.Millisecond},
			"the API answered 429, retrying in 180ms (backoff)"},
		{pl.AttemptResult{Category: pl.CategoryNetwork, Retry: true, RetryDelay: 1234 * time.Millisecond},
			"no answer (network), retrying in 1.23s (backoff)"},
	} {
		assert.Equal(t, tc.want, retryReason(tc.res))
	}
}

func TestTheBudgetDoesNotHideAWaitTheAPIAskedFor(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var lines bytes.Buffer
	p := &progress{mode: progressLines, stderr: &lines, meter: &meter{}, perMinute: 100, now: func() time.Time { return now }}
	p.waiting("the API answered 429, Retry-After 30s", 30*time.Second)
	now = now.Add(10 * time.Second)
	p.waiting(reasonBudget, 0)
	assert.Contains(t, p.describe(), "waiting: the API answered 429, Retry-After 30s", "still waiting on the API")
	now = now.Add(21 * time.Second)
	p.waiting(reasonBudget, 0)
	assert.Contains(t, p.describe(), "waiting: "+reasonBudget)
	now = now.Add(reasonShown)
	assert.NotContains(t, p.describe(), "waiting")
	assert.Equal(t, "waiting: the API answered 429, Retry-After 30s\n", lines.String(), "one line, for the API's wait only")
}
