// Package redislimit shares one PhoneLine+ rate budget between every
// process that uses the same API key, through Redis.
//
// The Partner API allows 100 requests per minute per API key, not per
// process. A service that runs several pods (or workers, or cron jobs) with
// one key and the in-process limiter gets throttled: each process spends the
// whole budget on its own. A [Limiter] keeps the budget in Redis instead,
// using the GCRA (generic cell rate algorithm) script of
// github.com/go-redis/redis_rate, so all processes draw from one budget
// wherever they run. Pass it to the client with [phonelineplus.WithLimiter]:
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
//		Addrs:                 []string{"redis:6379"},
//		ContextTimeoutEnabled: true,
//	})
//	lim := redislimit.New(rdb, keyID,
//		redislimit.WithFallback(100/3), // 3 pods: a third each if Redis is down
//		redislimit.WithLogger(logger),
//	)
//	client, err := phonelineplus.New(keyID, secret,
//		phonelineplus.WithLimiter(lim),
//		phonelineplus.WithLogger(logger),
//	)
//
// # Contract
//
// [Limiter.Wait] behaves as the in-process limiter does: it returns nil when
// a request may be sent, an error matching [phonelineplus.ErrRateLimited] at
// once, without sleeping, when the next free slot lies past the context's
// deadline, and the context's error as soon as the context is done.
//
// # Pacing and fairness
//
// With the default burst of 1, GCRA grants one request per interval (600 ms
// at 100/min) and never gives back a slot that nobody claimed in time: a
// process that wakes or reaches Redis late would lose it for good. So a
// Limiter takes its slot ahead of time, up to a second before it is due, by
// asking redis_rate with the burst raised by that many intervals, and then
// waits locally until the slot is due. The schedule in Redis advances by
// exactly one interval per grant, every request still goes at or after its
// own slot, and lateness only delays one request instead of wasting the
// slot. (A waiter that wakes more than half an interval after its slot,
// say after the process was stalled, gives the slot up and takes another,
// so that stalled requests do not go out together.) A refused waiter
// sleeps for redis_rate's RetryAfter and asks again.
//
// Within a process, waiters take slots in arrival order and only the first
// in line asks Redis, so each process sends Redis about one question per
// slot and the processes share the slots about evenly. Four processes of 25
// goroutines each keep about 99% of the budget in use without a single 429
// (see the tests). All processes sharing a key must use this package with
// the same rate and burst.
//
// A waiter that cannot get a slot due before its context's deadline fails
// at once, and so does one queued behind others in its process when even
// the earliest slot it could get, one per waiter ahead of it, is too late.
// A slot taken for a waiter whose context then ends goes unused.
//
// # Redis failures
//
// By default a Redis failure fails the wait: Wait returns an error that wraps
// the Redis error, and the client sends nothing. Spending the budget blind
// could get every process throttled by the API at once. [WithFallback]
// switches to an in-process limiter while Redis cannot be reached, at the
// rate you give it (say the full rate divided by the number of processes),
// probes Redis in the background every 5 seconds, returns to it once it
// answers, and logs both switches through [WithLogger].
//
// # Redis deployments and key layout
//
// New takes a [redis.UniversalClient], so a single server, Sentinel
// (a failover client) and Cluster all work. Each API key has one Redis key:
//
//	rate:<prefix>{<SHA-256 of the key ID, in hex>}
//
// so the key ID "test" with the default prefix has the key
//
//	rate:phonelineplus:ratelimit:{9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
//
// "rate:" is added by redis_rate, <prefix> is set by [WithKeyPrefix]
// (default [DefaultKeyPrefix]), and the braces are a Cluster hash tag. The
// key ID itself never reaches Redis, and the package never sees the secret.
// The value is a string: the GCRA theoretical arrival time in seconds since
// 2017-01-01 UTC, read and written only by redis_rate's Lua script (which
// takes the time from Redis, so the processes' clocks need not agree). The
// key expires by itself once the budget is full again.
//
// Set ContextTimeoutEnabled on the Redis options so a Redis call ends with
// the context; otherwise a stalled Redis call ends only at go-redis's read
// timeout (3 s by default).
package redislimit
