package redislimit_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/redislimit"
)

// fast is how soon a call that must not wait has to return. It is well
// below the waits it is compared with (a slot a minute away, a deadline
// ten seconds or more away) and far above a Redis round trip, even on a
// machine so loaded that a process stalls for a second or two.
const fast = 3 * time.Second

func TestWaitGrantsThenRefusesPastDeadline(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	keyID := "key-" + randomHex(t, 8)
	lim := redislimit.New(b.client(t), keyID,
		redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 1))

	require.NoError(t, lim.Wait(t.Context()), "the first slot is free")

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	err := lim.Wait(ctx)
	elapsed := time.Since(start)
	require.ErrorIs(t, err, phonelineplus.ErrRateLimited)
	assert.NoError(t, ctx.Err(), "refused before the deadline")
	assert.Less(t, elapsed, fast, "refused at once, without sleeping")

	// Another process (its own client and Limiter, same key) learns of
	// the spent slot from Redis and refuses at once too.
	other := redislimit.New(b.client(t), keyID,
		redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 1))
	start = time.Now()
	err = other.Wait(ctx)
	elapsed = time.Since(start)
	require.ErrorIs(t, err, phonelineplus.ErrRateLimited)
	assert.Contains(t, err.Error(), "past the context deadline")
	assert.Less(t, elapsed, fast)
}

func TestWaitAllowsBurst(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	lim := redislimit.New(b.client(t), "key-"+randomHex(t, 8),
		redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 3))

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	for i := range 3 {
		require.NoError(t, lim.Wait(ctx), "request %d of the burst", i)
	}
	assert.Less(t, time.Since(start), fast, "the burst goes at once")
	err := lim.Wait(ctx)
	assert.ErrorIs(t, err, phonelineplus.ErrRateLimited, "then a minute per request")
	assert.Less(t, time.Since(start), fast)
}

func TestWaitRefusesQueuedWaiterPastDeadline(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	lim := redislimit.New(b.client(t), "key-"+randomHex(t, 8),
		redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 1))
	require.NoError(t, lim.Wait(t.Context()))

	// One waiter without a deadline takes the next slot, a minute away.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- lim.Wait(ctx) }()
	require.Eventually(t, func() bool { return redislimit.Waiters(lim) == 1 }, 10*time.Second, time.Millisecond)

	dctx, dcancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer dcancel()
	start := time.Now()
	err := lim.Wait(dctx)
	assert.ErrorIs(t, err, phonelineplus.ErrRateLimited, "its slot comes after the first waiter's")
	assert.Less(t, time.Since(start), fast)

	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestWaitReturnsPromptlyOnCancel(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	lim := redislimit.New(b.client(t), "key-"+randomHex(t, 8),
		redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 1))
	require.NoError(t, lim.Wait(t.Context()))

	// Several waiters: one with the next slot, waiting for it to come due,
	// one waiting to take the slot after, and the others queued behind
	// it. All return as soon as the context is cancelled.
	ctx, cancel := context.WithCancel(t.Context())
	const n = 5
	errs := make(chan error, n)
	for range n {
		go func() { errs <- lim.Wait(ctx) }()
	}
	require.Eventually(t, func() bool { return redislimit.Waiters(lim) == n }, 10*time.Second, time.Millisecond)
	start := time.Now()
	cancel()
	for range n {
		assert.ErrorIs(t, <-errs, context.Canceled)
	}
	assert.Less(t, time.Since(start), fast)

	// A context already done never reaches Redis.
	assert.ErrorIs(t, lim.Wait(ctx), context.Canceled)
}

func TestWaitReturnsPromptlyOnCancelWhileRedisStalls(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b)
	opts := redisOptions(t, b.url)
	opts.Addr = p.addr
	opts.ReadTimeout = time.Minute // only the context can end the call early
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	lim := redislimit.New(rdb, "key-"+randomHex(t, 8), redislimit.WithKeyPrefix(b.prefix))
	p.Stall()

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := lim.Wait(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), fast, "ends with the context, not the read timeout")
}

func TestWaitPacesSharedBudget(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	const (
		perMinute = 3000 // a slot every 20 ms
		processes = 3
		each      = 4
		grants    = 30
	)
	interval := time.Minute / perMinute
	keyID := "key-" + randomHex(t, 8)

	var (
		mu    sync.Mutex
		times []time.Time
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	start := time.Now()
	for range processes {
		lim := redislimit.New(b.client(t), keyID,
			redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(perMinute, 1))
		for range each {
			wg.Go(func() {
				for lim.Wait(ctx) == nil {
					mu.Lock()
					times = append(times, time.Now())
					if len(times) == grants {
						cancel()
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	require.GreaterOrEqual(t, len(times), grants)
	elapsed := times[grants-1].Sub(start)
	t.Logf("%d grants in %v (ideal %v)", grants, elapsed, (grants-1)*interval)
	// GCRA with burst 1 spaces grants by the interval, measured at Redis;
	// allow a little for the trip back to the client. (How fully the
	// budget is used is for TestWaitKeepsRateDespiteLatency, on virtual
	// time, and the multi-process test.)
	assert.GreaterOrEqual(t, elapsed, (grants-1)*interval-5*time.Millisecond, "no overshoot")
}

// TestWaitPacingVirtualTime runs three minutes of the default 100/min budget
// on virtual time: miniredis's clock follows the synctest bubble's, so the
// grants can be checked to the microsecond.
func TestWaitPacingVirtualTime(t *testing.T) {
	t.Parallel()
	// Always embedded: a real server's clock cannot be made virtual.
	mr := miniredis.RunT(t)
	keyID := "key-" + randomHex(t, 8)
	synctest.Test(t, func(t *testing.T) {
		const processes, each = 2, 5
		var (
			mu    sync.Mutex
			times []time.Time
			wg    sync.WaitGroup
		)
		start := time.Now()
		ctx, cancel := context.WithDeadline(t.Context(), start.Add(3*time.Minute))
		defer cancel()
		for range processes {
			rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), ContextTimeoutEnabled: true})
			rdb.AddHook(clockHook{mr: mr})
			defer rdb.Close()
			lim := redislimit.New(rdb, keyID)
			for range each {
				wg.Go(func() {
					for {
						err := lim.Wait(ctx)
						if err != nil {
							if !errors.Is(err, phonelineplus.ErrRateLimited) {
								assert.ErrorIs(t, err, context.DeadlineExceeded)
							}
							return
						}
						mu.Lock()
						times = append(times, time.Now())
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()

		// Slots at 0, 0.6 s, ... 179.4 s, and perhaps the one at the
		// deadline itself.
		assert.InDelta(t, 300, len(times), 1)
		interval := time.Minute / redislimit.DefaultRatePerMinute
		for i := 1; i < len(times); i++ {
			gap := times[i].Sub(times[i-1])
			require.InDelta(t, interval, gap, float64(100*time.Microsecond), "grant %d", i)
		}
	})
}

// TestWaitKeepsRateDespiteLatency runs a minute of 1,200/min on virtual
// time with Redis 40 ms away (a round trip is most of the 50 ms interval).
// Burst-1 GCRA never gives back a slot claimed late, so waiters that asked
// only once a slot was free would lose most of the budget; slots taken
// ahead of time keep it whole, still one interval apart.
func TestWaitKeepsRateDespiteLatency(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t) // always embedded: virtual time
	keyID := "key-" + randomHex(t, 8)
	synctest.Test(t, func(t *testing.T) {
		const processes, each, perMinute = 4, 5, 1200
		var (
			mu    sync.Mutex
			times []time.Time
			wg    sync.WaitGroup
		)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		for range processes {
			rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), ContextTimeoutEnabled: true})
			rdb.AddHook(clockHook{mr: mr, oneWay: 20 * time.Millisecond})
			defer rdb.Close()
			lim := redislimit.New(rdb, keyID, redislimit.WithRateLimit(perMinute, 1))
			for range each {
				wg.Go(func() {
					for lim.Wait(ctx) == nil {
						mu.Lock()
						times = append(times, time.Now())
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()

		// The first slot is free at once (its answer takes 20 ms to come
		// back), the rest follow one interval apart, and only the last
		// few, which cannot be taken ahead past the deadline, are lost.
		assert.InDelta(t, perMinute, len(times), 5)
		interval := time.Minute / perMinute
		for i := 1; i < len(times); i++ {
			require.InDelta(t, interval, times[i].Sub(times[i-1]), float64(100*time.Microsecond), "grant %d", i)
		}
	})
}

func TestRedisDownFailsClosed(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b)
	var logs syncBuffer
	lim := redislimit.New(b.clientAt(t, p.addr), "key-"+randomHex(t, 8),
		redislimit.WithKeyPrefix(b.prefix),
		redislimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	p.Down()

	for range 2 {
		err := lim.Wait(t.Context())
		require.Error(t, err)
		assert.NotErrorIs(t, err, phonelineplus.ErrRateLimited)
		assert.True(t, isNetError(err), "wraps the Redis error: %v", err)
		assert.Contains(t, err.Error(), "redislimit")
	}
	assert.Empty(t, logs.String(), "no fallback, nothing to report")

	p.Up()
	assert.NoError(t, lim.Wait(t.Context()), "works again once Redis is back")
}

func TestFallbackWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b)
	keyID := "key-" + randomHex(t, 8)
	var logs syncBuffer
	lim := redislimit.New(b.clientAt(t, p.addr), keyID,
		redislimit.WithKeyPrefix(b.prefix),
		redislimit.WithRateLimit(1, 1),
		redislimit.WithFallback(1),
		redislimit.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	redislimit.SetProbeEvery(lim, 20*time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// Another process spends the shared slot: Redis would now refuse for
	// a minute.
	other := redislimit.New(b.client(t), keyID, redislimit.WithKeyPrefix(b.prefix), redislimit.WithRateLimit(1, 1))
	require.NoError(t, other.Wait(ctx))
	p.Down()

	// The fallback has its own budget: one slot now, the next a minute
	// away.
	require.NoError(t, lim.Wait(ctx), "granted by the fallback")
	out := logs.String()
	assert.Contains(t, out, "level=WARN")
	assert.Contains(t, out, "in-process fallback")
	assert.Contains(t, out, "fallback_per_minute=1")
	assert.Contains(t, out, "connection refused", "the Redis error is logged")
	assert.NotContains(t, out, keyID)

	start := time.Now()
	err := lim.Wait(ctx)
	require.ErrorIs(t, err, phonelineplus.ErrRateLimited, "the fallback limits too")
	assert.Less(t, time.Since(start), fast)

	// The probe keeps failing, at Debug, without logging the switch again.
	require.Eventually(t, func() bool { return strings.Count(logs.String(), "still unavailable") >= 2 },
		10*time.Second, time.Millisecond)
	assert.Equal(t, 1, strings.Count(logs.String(), "in-process fallback"), "the switch is logged once")
	assert.NotContains(t, logs.String(), "Redis is back")

	// Once Redis answers the probe, Redis decides again: its slot is
	// still most of a minute away.
	p.Up()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "Redis is back") },
		10*time.Second, time.Millisecond)
	assert.Contains(t, logs.String(), `level=INFO msg="redislimit: Redis is back`)
	start = time.Now()
	err = lim.Wait(ctx)
	require.ErrorIs(t, err, phonelineplus.ErrRateLimited)
	assert.Contains(t, err.Error(), "redislimit: next slot in")
	assert.Less(t, time.Since(start), fast)
	ttl, err := b.client(t).TTL(ctx, lim.Key()).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 50*time.Second, "the key is intact")
	assert.LessOrEqual(t, ttl, time.Minute, "the probe spent nothing")
}

func TestKeyIsDerivedFromHashOfKeyID(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	rdb := b.client(t)
	keyID := "key-id-" + randomHex(t, 8)
	lim := redislimit.New(rdb, keyID, redislimit.WithKeyPrefix(b.prefix))
	require.NoError(t, lim.Wait(t.Context()))

	sum := sha256.Sum256([]byte(keyID))
	want := "rate:" + b.prefix + "{" + hex.EncodeToString(sum[:]) + "}"
	assert.Equal(t, want, lim.Key())

	keys, err := rdb.Keys(t.Context(), "rate:"+b.prefix+"*").Result()
	require.NoError(t, err)
	assert.Equal(t, []string{want}, keys)
	leaked, err := rdb.Keys(t.Context(), "*"+keyID+"*").Result()
	require.NoError(t, err)
	assert.Empty(t, leaked, "the raw key ID never appears in a key")
	ttl, err := rdb.TTL(t.Context(), want).Result()
	require.NoError(t, err)
	assert.Positive(t, ttl, "the key expires by itself")

	// The default prefix.
	def := redislimit.New(rdb, "test")
	assert.Equal(t, "rate:phonelineplus:ratelimit:{9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}", def.Key())
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = rdb.Close() })
	assert.Panics(t, func() { redislimit.New(nil, "k") })
	assert.Panics(t, func() { redislimit.New(rdb, "k", redislimit.WithRateLimit(0, 1)) })
	assert.Panics(t, func() { redislimit.New(rdb, "k", redislimit.WithRateLimit(100, 0)) })
	assert.Panics(t, func() { redislimit.New(rdb, "k", redislimit.WithFallback(0)) })
	assert.Panics(t, func() { redislimit.New(rdb, "k", redislimit.WithKeyPrefix("a{b}:")) })
	assert.NotPanics(t, func() { redislimit.New(rdb, "k", redislimit.WithLogger(nil)) })
}

func TestWorksOnCluster(t *testing.T) {
	t.Parallel()
	// Always embedded: miniredis answers CLUSTER SLOTS as a one-node
	// cluster, and REDIS_URL names a single server.
	mr := miniredis.RunT(t)
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{mr.Addr()}, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = rdb.Close() })
	lim := redislimit.New(rdb, "key-"+randomHex(t, 8), redislimit.WithRateLimit(1, 1))
	require.NoError(t, lim.Wait(t.Context()))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	assert.ErrorIs(t, lim.Wait(ctx), phonelineplus.ErrRateLimited)
	slot, err := rdb.ClusterKeySlot(t.Context(), lim.Key()).Result()
	require.NoError(t, err)
	hash := lim.Key()[strings.IndexByte(lim.Key(), '{')+1 : len(lim.Key())-1]
	same, err := rdb.ClusterKeySlot(t.Context(), "{"+hash+"}:other").Result()
	require.NoError(t, err)
	assert.Equal(t, slot, same, "the hash tag decides the slot")
}
