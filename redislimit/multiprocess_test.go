package redislimit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
	"github.com/phonelineplus-go/phonelineplus/redislimit"
)

// The multi-process test: mpProcesses copies of this test binary, each with
// mpGoroutines goroutines calling the fake through the SDK as fast as their
// limiters allow, share one budget of mpPerMinute through one Redis key.
const (
	mpProcesses  = 4
	mpGoroutines = 25
	mpPerMinute  = 1200
	mpDuration   = 20 * time.Second

	helperEnv       = "REDISLIMIT_HELPER" // "1" runs TestHelperProcess as a helper
	helperRedis     = "REDISLIMIT_HELPER_REDIS_URL"
	helperBaseURL   = "REDISLIMIT_HELPER_BASE_URL"
	helperKeyID     = "REDISLIMIT_HELPER_KEY_ID"
	helperSecret    = "REDISLIMIT_HELPER_SECRET"
	helperPrefix    = "REDISLIMIT_HELPER_PREFIX"
	helperEnd       = "REDISLIMIT_HELPER_END" // Unix nanoseconds at which to stop
	helperResultTag = "REDISLIMIT-HELPER-RESULT "
)

// helperResult is what a helper process reports on its stdout.
type helperResult struct {
	OK         int    // calls that succeeded
	Server429  int    // calls the fake refused with 429
	Refused    int    // waits the limiter refused at the end (slot past the deadline)
	Cut        int    // calls cut short by the end of the run
	Other      int    // anything else
	FirstOther string // the first of those, for the failure message
	Started    int64  // Unix nanoseconds when the goroutines started, after the first call
	Longest    int64  // the longest stall of the process, nanoseconds (see stallMeter)
	Stalled    int64  // all its stalls added up, nanoseconds
}

func TestMultiProcessSharedBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 20 s")
	}
	t.Parallel()
	b := newBackend(t)
	srv := phonelineplustest.NewServer(phonelineplustest.WithRateLimit(mpPerMinute))
	t.Cleanup(srv.Close)
	keyID, secret := srv.Credentials()

	began := time.Now()
	end := began.Add(mpDuration)
	meter := startStallMeter()
	results := make([]helperResult, mpProcesses)
	var wg sync.WaitGroup
	for i := range mpProcesses {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			helperEnv+"=1",
			helperRedis+"="+b.url,
			helperBaseURL+"="+srv.URL(),
			helperKeyID+"="+keyID,
			helperSecret+"="+secret,
			helperPrefix+"="+b.prefix,
			helperEnd+"="+strconv.FormatInt(end.UnixNano(), 10),
		)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Start())
		wg.Go(func() {
			err := cmd.Wait()
			assert.NoError(t, err, "helper %d\nstdout:\n%s\nstderr:\n%s", i, &stdout, &stderr)
			assert.True(t, parseHelperResult(stdout.String(), &results[i]), "helper %d reported nothing:\n%s\n%s", i, &stdout, &stderr)
		})
	}
	wg.Wait()
	wall := time.Since(began)
	longest, stalled := meter.Stop()

	var total helperResult
	var started time.Time // when the last process started its goroutines
	for i, r := range results {
		if st := time.Unix(0, r.Started); st.After(started) {
			started = st
		}
		longest = max(longest, time.Duration(r.Longest))
		stalled = max(stalled, time.Duration(r.Stalled))
		t.Logf("process %d: %d ok, %d 429s, %d refused by the limiter at the end, %d cut at the end, %d other",
			i, r.OK, r.Server429, r.Refused, r.Cut, r.Other)
		total.OK += r.OK
		total.Server429 += r.Server429
		total.Other += r.Other
		if total.FirstOther == "" {
			total.FirstOther = r.FirstOther
		}
	}

	// Redis holds one key for the budget (unless it has expired already),
	// named by a hash: neither the key ID nor the secret appears in any key
	// or value.
	rdb := b.client(t)
	keys, err := rdb.Keys(t.Context(), "rate:"+b.prefix+"*").Result()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(keys), 1)
	for _, k := range keys {
		v, err := rdb.Get(t.Context(), k).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		require.NoError(t, err)
		for _, s := range []string{k, v} {
			assert.NotContains(t, s, keyID)
			assert.NotContains(t, s, secret)
		}
	}

	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	var n429, auth, served int
	for _, r := range reqs {
		assert.Equal(t, keyID, r.KeyID)
		switch {
		case r.Status == http.StatusTooManyRequests:
			n429++
		case r.Path == "/auth":
			auth++
		case r.Status == http.StatusOK:
			served++
		}
	}
	// Utilisation: the rate the fake saw against the allowed rate. Burst 1
	// spaces requests evenly, so n requests fill n-1 intervals. Measured
	// over the whole log, and over the steady part once every process runs
	// its goroutines (whose requests leave as their slots are granted; each
	// process's first call leaves only after its token exchange).
	allowed := float64(mpPerMinute) / 60
	var steady []phonelineplustest.Request
	for _, r := range reqs {
		if !r.Time.Before(started) {
			steady = append(steady, r)
		}
	}
	require.Greater(t, len(steady), 100)
	rate := func(rs []phonelineplustest.Request) (float64, time.Duration) {
		span := rs[len(rs)-1].Time.Sub(rs[0].Time)
		return float64(len(rs)-1) / span.Seconds(), span
	}
	allRate, allSpan := rate(reqs)
	steadyRate, steadySpan := rate(steady)
	util := steadyRate / allowed
	busiest1 := busiestWindow(steady, time.Second)
	busiest10 := busiestWindow(steady, 10*time.Second)
	t.Logf("%s Redis, %d processes x %d goroutines, wall %v: %d requests (%d /auth), %d answered 429; "+
		"whole log %.2f req/s over %v; steady %d requests over %v, %.2f req/s of %.0f allowed = utilisation %.1f%%; "+
		"busiest 1 s: %d, busiest 10 s: %d",
		map[bool]string{true: "real", false: "embedded"}[b.real()], mpProcesses, mpGoroutines, wall.Round(time.Millisecond),
		len(reqs), auth, n429, allRate, allSpan.Round(time.Millisecond),
		len(steady), steadySpan.Round(time.Millisecond), steadyRate, allowed, 100*util, busiest1, busiest10)
	t.Logf("stalls: longest %v; most in one process %v", longest.Round(time.Millisecond), stalled.Round(time.Millisecond))

	assert.Zero(t, n429, "429s at the fake")
	assert.Zero(t, total.Server429, "429s seen by the SDK")
	assert.Zero(t, total.Other, "unexpected errors, the first: %s", total.FirstOther)
	// No overshoot on a shorter scale either: the limiters grant one
	// request per interval, plus one at the window's edge. Requests reach
	// the fake with some jitter after their grant (a loaded machine can
	// hold a process back for a good part of a second), so allow a few
	// more; without a shared budget it would be about 4 x 200.
	assert.LessOrEqual(t, busiest10, int(10*allowed)+5, "requests in the busiest 10 s")
	for i, r := range results {
		assert.Greater(t, r.OK, len(reqs)/mpProcesses/2, "process %d got a fair share", i)
	}
	assert.LessOrEqual(t, total.OK, served, "every call the SDK counted as done was served")
	assert.Equal(t, mpProcesses, auth, "one token exchange per process")

	// Utilisation says how well the limiters keep up, which only means
	// something if the machine let the processes run: a process held up
	// for longer than the limiters look ahead (a second) loses slots that
	// no limiter could use without overshooting later.
	if longest > time.Second/2 || stalled > time.Second {
		t.Skipf("the machine was too loaded to judge utilisation (%.1f%%): a process stalled for %v, one for %v in all",
			100*util, longest.Round(time.Millisecond), stalled.Round(time.Millisecond))
	}
	assert.GreaterOrEqual(t, util, 0.95, "utilisation of the allowed rate")
}

// busiestWindow returns the most requests that arrived within any window
// of length w.
func busiestWindow(reqs []phonelineplustest.Request, w time.Duration) int {
	most, lo := 0, 0
	for hi := range reqs {
		for reqs[hi].Time.Sub(reqs[lo].Time) >= w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

func parseHelperResult(stdout string, r *helperResult) bool {
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), helperResultTag); ok {
			return json.Unmarshal([]byte(s), r) == nil
		}
	}
	return false
}

// TestHelperProcess is one process of TestMultiProcessSharedBudget: it
// runs only when that test starts this binary with REDISLIMIT_HELPER=1.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("a helper process of TestMultiProcessSharedBudget")
	}
	endNanos, err := strconv.ParseInt(os.Getenv(helperEnd), 10, 64)
	require.NoError(t, err)
	keyID := os.Getenv(helperKeyID)

	// Each process has its own Redis client, Limiter and SDK client, as
	// separate pods would.
	rdb := redis.NewClient(redisOptions(t, os.Getenv(helperRedis)))
	defer rdb.Close()
	lim := redislimit.New(rdb, keyID,
		redislimit.WithKeyPrefix(os.Getenv(helperPrefix)),
		redislimit.WithRateLimit(mpPerMinute, 1))
	client, err := phonelineplus.New(keyID, os.Getenv(helperSecret),
		phonelineplus.WithBaseURL(os.Getenv(helperBaseURL)),
		phonelineplus.WithLimiter(lim),
		phonelineplus.WithMaxRetries(0)) // a 429 must show, not be retried away
	require.NoError(t, err)

	ctx, cancel := context.WithDeadline(t.Context(), time.Unix(0, endNanos))
	defer cancel()
	started := time.Now()
	meter := startStallMeter()
	var (
		ok, n429, refused, cut, other atomic.Int64
		firstOther                    atomic.Value
		wg                            sync.WaitGroup
	)
	for range mpGoroutines {
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := client.Customers.List(ctx)
				var apiErr *phonelineplus.APIError
				switch {
				case err == nil:
					ok.Add(1)
				case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
					n429.Add(1)
				case errors.Is(err, phonelineplus.ErrRateLimited):
					refused.Add(1) // the next slot is past the end
					return
				case ctx.Err() != nil:
					cut.Add(1)
				default:
					other.Add(1)
					firstOther.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	longest, stalled := meter.Stop()
	res := helperResult{
		Longest: int64(longest), Stalled: int64(stalled),
		OK: int(ok.Load()), Server429: int(n429.Load()), Refused: int(refused.Load()),
		Cut: int(cut.Load()), Other: int(other.Load()), Started: started.UnixNano(),
	}
	res.FirstOther, _ = firstOther.Load().(string)
	out, err := json.Marshal(res)
	require.NoError(t, err)
	os.Stdout.WriteString(helperResultTag + string(out) + "\n")
}
