package redislimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/phonelineplus-go/phonelineplus"
)

const (
	// DefaultKeyPrefix is the part of the Redis key before the hashed key
	// ID; see WithKeyPrefix.
	DefaultKeyPrefix = "phonelineplus:ratelimit:"
	// DefaultRatePerMinute is the budget per API key: PhoneLine+'s 100
	// requests per minute.
	DefaultRatePerMinute = phonelineplus.DefaultRatePerMinute
	// DefaultBurst is how many requests may go at once after a quiet
	// spell: one, so requests are evenly spaced.
	DefaultBurst = 1

	// probeEvery is how often a Limiter in fallback asks Redis again.
	probeEvery = 5 * time.Second
	// lookaheadTime is how long before it is due a slot may be taken.
	// It is how late the processes may be (waking up, reaching Redis)
	// without the budget losing slots.
	lookaheadTime = time.Second
)

// Limiter is a phonelineplus.Limiter whose budget lives in Redis and is
// shared by every Limiter, in any process, made with the same key ID, key
// prefix and Redis. It is safe for concurrent use. Make one per process and
// key, and share it between that key's clients: waiters in one Limiter take
// turns in arrival order and only the first asks Redis.
type Limiter struct {
	rl       *redis_rate.Limiter
	key      string // as given to redis_rate, which adds "rate:"
	limit    redis_rate.Limit
	interval time.Duration // between two slots: a minute / rate
	prefix   string
	logger   *slog.Logger

	// turn is a one-slot semaphore: its holder asks Redis for a slot.
	// Blocked senders are served in arrival order.
	turn    chan struct{}
	waiters atomic.Int64 // calls inside Wait
	queued  atomic.Int64 // calls inside Wait that have no slot yet

	// nextSend is the local time at which, by the last Redis answer, the
	// first slot nobody has taken yet is due; 0 when unknown.
	nextSend atomic.Int64 // UnixNano

	fallback   *rate.Limiter // nil: fail closed
	fallbackPM int
	probeEvery time.Duration
	mu         sync.Mutex // guards degraded
	degraded   bool       // Redis failed: the fallback is in use and a probe runs
}

// Option configures a Limiter. Options are made only by the With functions.
type Option struct {
	apply func(*Limiter)
}

// WithRateLimit sets the shared budget: perMinute requests per minute, of
// which up to burst may go at once after a quiet spell (defaults
// DefaultRatePerMinute and DefaultBurst). Every process sharing the key
// should use the same values. New panics unless both are positive.
func WithRateLimit(perMinute, burst int) Option {
	return Option{func(l *Limiter) {
		if perMinute <= 0 || burst <= 0 {
			panic(fmt.Sprintf("redislimit: WithRateLimit(%d, %d): perMinute and burst must be positive", perMinute, burst))
		}
		l.limit.Rate, l.limit.Burst = perMinute, burst
	}}
}

// WithKeyPrefix sets the part of the Redis key before the hashed key ID
// (default DefaultKeyPrefix). Use it to keep environments apart on one Redis,
// or to match an ACL key pattern. Braces are not allowed: the package adds
// its own Cluster hash tag.
func WithKeyPrefix(prefix string) Option {
	return Option{func(l *Limiter) { l.prefix = prefix }}
}

// WithFallback makes Wait fall back to an in-process limiter of perMinute
// requests per minute (burst 1) when Redis fails, instead of failing.
// Choose perMinute so that all processes together stay within the budget,
// for example the full rate divided by the number of processes. The wait
// that meets the failure pays for it (go-redis's dial retries, or the
// context's deadline); later waits use the fallback alone while a
// background probe asks Redis every 5 seconds, and return to Redis once it
// answers. The switches are logged through WithLogger (Warn and Info, each
// failed probe at Debug). Requests granted by the fallback are not recorded
// in Redis. New panics unless perMinute is positive.
func WithFallback(perMinute int) Option {
	return Option{func(l *Limiter) {
		if perMinute <= 0 {
			panic(fmt.Sprintf("redislimit: WithFallback(%d): perMinute must be positive", perMinute))
		}
		l.fallbackPM = perMinute
	}}
}

// WithLogger sets the logger that reports switching to the fallback and back
// to Redis (default: no logs). Pass the client's logger. Nothing secret is
// logged; the key appears only hashed.
func WithLogger(logger *slog.Logger) Option {
	return Option{func(l *Limiter) {
		if logger != nil {
			l.logger = logger
		}
	}}
}

// New returns a Limiter for the API key with ID keyID, keeping its budget in
// rdb: a client for a single server, Sentinel or Cluster. Only a SHA-256 of
// keyID reaches Redis (see the package documentation for the key layout);
// never give the key's secret. New sends nothing to Redis. It panics if rdb
// is nil or an option is invalid.
func New(rdb redis.UniversalClient, keyID string, opts ...Option) *Limiter {
	if rdb == nil {
		panic("redislimit: New: nil Redis client")
	}
	l := &Limiter{
		rl:         redis_rate.NewLimiter(rdb),
		limit:      redis_rate.Limit{Rate: DefaultRatePerMinute, Burst: DefaultBurst, Period: time.Minute},
		prefix:     DefaultKeyPrefix,
		logger:     slog.New(slog.DiscardHandler),
		turn:       make(chan struct{}, 1),
		probeEvery: probeEvery,
	}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(l)
		}
	}
	for _, r := range l.prefix {
		if r == '{' || r == '}' {
			panic(fmt.Sprintf("redislimit: WithKeyPrefix(%q): braces are not allowed", l.prefix))
		}
	}
	sum := sha256.Sum256([]byte(keyID))
	l.key = l.prefix + "{" + hex.EncodeToString(sum[:]) + "}"
	l.interval = l.limit.Period / time.Duration(l.limit.Rate)
	if l.interval <= 0 {
		panic(fmt.Sprintf("redislimit: WithRateLimit(%d, ...): rate too high", l.limit.Rate))
	}
	if l.fallbackPM > 0 {
		l.fallback = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.fallbackPM)), 1)
	}
	return l
}

// Key returns the Redis key that holds the budget, as Redis sees it.
func (l *Limiter) Key() string { return "rate:" + l.key }

// Wait blocks until the shared budget grants one request. It returns nil
// when the request may be sent; an error matching
// phonelineplus.ErrRateLimited at once, without sleeping, when the next slot
// is past ctx's deadline; ctx's error as soon as ctx is done; and, unless
// WithFallback is set, an error wrapping the Redis error when Redis fails.
//
// A slot is taken in Redis up to a second before it is due (never past ctx's
// deadline), and Wait returns when it is due. If ctx ends in between, or Wait
// wakes more than half an interval late, the slot goes unused (in the latter
// case Wait takes another, once): the budget is underspent, never overspent.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.waiters.Add(1)
	defer l.waiters.Add(-1)
	for retake := true; ; retake = false {
		due, err := l.take(ctx)
		if err != nil {
			return err
		}
		if err := l.sleep(ctx, time.Until(due)); err != nil {
			return err
		}
		// Woken well after the slot was due (the process was held up):
		// going now could bunch with the next slot's request, so give
		// the slot up and take another, once.
		if !retake || due.IsZero() || time.Since(due) <= l.interval/2 {
			return nil
		}
	}
}

// take takes the next free slot and returns when it is due; or, in
// fallback, waits on the fallback and returns the zero time.
func (l *Limiter) take(ctx context.Context) (time.Time, error) {
	ahead := l.queued.Add(1) - 1
	defer l.queued.Add(-1)

	// Waiters ahead of this one in the process will each take a slot
	// first, so give up now if even the earliest slot left for this one
	// is too late.
	if ahead > 0 {
		if next := l.nextSend.Load(); next != 0 {
			earliest := time.Unix(0, next).Add(time.Duration(ahead) * l.interval)
			if err := l.checkDeadline(ctx, time.Until(earliest)); err != nil {
				return time.Time{}, err
			}
		}
	}

	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	defer func() { <-l.turn }()

	for {
		if l.isDegraded() {
			return time.Time{}, l.waitFallback(ctx)
		}
		// The last answer may already say the next slot cannot be taken
		// yet: sleep until it can rather than ask Redis for a refusal.
		if next := l.nextSend.Load(); next != 0 {
			due := time.Unix(0, next)
			if err := l.checkDeadline(ctx, time.Until(due)); err != nil {
				return time.Time{}, err
			}
			look := time.Duration(l.lookahead(ctx)) * l.interval
			if err := l.sleep(ctx, time.Until(due.Add(-look))); err != nil {
				return time.Time{}, err
			}
		}

		// GCRA with burst+look admits a request up to look intervals
		// before burst-GCRA would: that takes the slot early, and the
		// caller goes when it is due. Slots are thus taken ahead of
		// time, the schedule in Redis advances by exactly one interval
		// per grant, and a process that wakes or reaches Redis late
		// only delays its own request instead of losing the slot.
		look := l.lookahead(ctx)
		limit := l.limit
		limit.Burst += look
		res, err := l.allow(ctx, limit)
		// Durations in the answer count from when Redis read its clock;
		// counting them from the answer's arrival errs on the late side.
		recv := time.Now()
		if err != nil {
			if ctxErr := ctxDone(ctx, recv); ctxErr != nil {
				return time.Time{}, ctxErr
			}
			if l.fallback == nil {
				return time.Time{}, fmt.Errorf("redislimit: asking Redis for a slot: %w", err)
			}
			l.redisFailed(err)
			return time.Time{}, l.waitFallback(ctx)
		}
		if res.Allowed > 0 {
			// The slot taken is due when burst-GCRA would have let it
			// through: ResetAfter (the end of the schedule) less burst.
			// (In the past while the burst is not used up.)
			due := recv.Add(res.ResetAfter - time.Duration(l.limit.Burst)*l.interval)
			l.nextSend.Store(due.Add(l.interval).UnixNano())
			return later(due, recv), nil
		}
		// Refused: the next free slot can be taken after RetryAfter and
		// is due look intervals later.
		due := recv.Add(res.RetryAfter + time.Duration(look)*l.interval)
		l.nextSend.Store(due.UnixNano())
		if err := l.checkDeadline(ctx, time.Until(due)); err != nil {
			return time.Time{}, err
		}
	}
}

// allow asks Redis for a slot and returns by ctx's deadline whatever the
// go-redis client's options: without ContextTimeoutEnabled, go-redis bounds
// a command by its own read and write timeouts only (3 s by default, and
// retried), not by the context. So the command runs aside; an answer that
// comes after the caller left is dropped, and the slot it may have taken
// is lost, which errs on the side of sending less.
func (l *Limiter) allow(ctx context.Context, limit redis_rate.Limit) (*redis_rate.Result, error) {
	if ctx.Done() == nil {
		return l.rl.Allow(ctx, l.key, limit)
	}
	type answer struct {
		res *redis_rate.Result
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		res, err := l.rl.Allow(ctx, l.key, limit)
		ch <- answer{res, err}
	}()
	select {
	case a := <-ch:
		return a.res, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// lookahead returns how many intervals ahead of time a slot may be taken:
// enough to cover lookaheadTime, at least one, and never past ctx's
// deadline (so that no slot is taken that would come due too late).
func (l *Limiter) lookahead(ctx context.Context) int {
	n := max(1, int((lookaheadTime+l.interval-1)/l.interval))
	if deadline, ok := ctx.Deadline(); ok {
		n = min(n, int(max(time.Until(deadline), 0)/l.interval))
	}
	return n
}

// sleep waits d unless ctx ends first, and fails at once when d would end
// past ctx's deadline.
func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := l.checkDeadline(ctx, d); err != nil {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkDeadline reports ErrRateLimited when waiting d would pass ctx's
// deadline.
func (l *Limiter) checkDeadline(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("%w: redislimit: next slot in %v, past the context deadline",
			phonelineplus.ErrRateLimited, d.Round(time.Millisecond))
	}
	return nil
}

// ctxDone returns ctx's error if ctx is done or its deadline has passed by
// now: a Redis call cut short by the deadline can return a moment before
// ctx itself reports it.
func ctxDone(ctx context.Context, now time.Time) error {
	if deadline, ok := ctx.Deadline(); ok && !now.Before(deadline) {
		<-ctx.Done()
	}
	return ctx.Err()
}

func (l *Limiter) isDegraded() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.degraded
}

// redisFailed switches to the fallback, once, and starts the probe that
// switches back.
func (l *Limiter) redisFailed(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.degraded {
		return
	}
	l.degraded = true
	l.nextSend.Store(0)
	l.logger.Warn("redislimit: Redis unavailable, using the in-process fallback limiter",
		slog.String("key", l.Key()),
		slog.Int("fallback_per_minute", l.fallbackPM),
		slog.Any("error", err))
	go l.probe()
}

// probe asks Redis every probeEvery until it answers, then switches back
// to it. It runs the GCRA script for zero requests, which spends nothing
// but needs everything a real wait needs. It gives up if the Redis client
// is closed, leaving the Limiter on the fallback.
func (l *Limiter) probe() {
	t := time.NewTicker(l.probeEvery)
	defer t.Stop()
	for range t.C {
		ctx, cancel := context.WithTimeout(context.Background(), max(l.probeEvery, time.Second))
		_, err := l.rl.AllowN(ctx, l.key, l.limit, 0)
		cancel()
		if errors.Is(err, redis.ErrClosed) {
			return
		}
		if err != nil {
			l.logger.Debug("redislimit: Redis still unavailable",
				slog.String("key", l.Key()), slog.Any("error", err))
			continue
		}
		l.mu.Lock()
		l.degraded = false
		l.mu.Unlock()
		l.logger.Info("redislimit: Redis is back, using the shared budget again",
			slog.String("key", l.Key()))
		return
	}
}

func (l *Limiter) waitFallback(ctx context.Context) error {
	err := l.fallback.Wait(ctx)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	// x/time/rate refuses, without sleeping, a wait past the deadline.
	return fmt.Errorf("%w: redislimit fallback: %v", phonelineplus.ErrRateLimited, err)
}
