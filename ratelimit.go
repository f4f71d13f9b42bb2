package phonelineplus

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRatePerMinute is PhoneLine+'s documented budget: 100 requests per
// minute per API key, the /auth exchange included.
const DefaultRatePerMinute = 100

// Limiter paces the requests a Client sends. Wait blocks until one request
// may be sent, and returns an error when it cannot grant one: ctx's error
// when ctx is done, and an error matching ErrRateLimited when the slot lies
// past ctx's deadline (so a call fails at once instead of sleeping first).
//
// *rate.Limiter from golang.org/x/time/rate satisfies Limiter, and
// package redislimit shares one budget between processes. The client waits
// before every HTTP request it sends: each attempt, each retry, each token
// exchange, each replay after a 401, each redirect hop and each request
// net/http sends again by itself.
type Limiter interface {
	Wait(ctx context.Context) error
}

// limiterMargin lengthens the gap between two requests a little. Without
// it 100 gaps add up to exactly 60 s, and a strict rolling window counts a
// request as the 101st when x/time/rate's float arithmetic places it a
// nanosecond early, or when network jitter brings it in early; with it
// the window has 100 ms to spare, for 0.17% of the budget.
const limiterMargin = time.Millisecond

// newRateLimiter returns the in-process token bucket: perMinute requests
// in any rolling minute, with the given burst (1 <= burst <= perMinute).
// A bucket that starts full lets burst go at once and then one per
// interval, so a minute can hold burst + 60s/interval requests: the
// interval is a minute over perMinute-burst+1, and the margin keeps the
// last of those out of the window.
func newRateLimiter(perMinute, burst int) *rate.Limiter {
	return rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute-burst+1)+limiterMargin), burst)
}

// waitLimiter waits on l and gives its failure the client's meaning: the
// context's error when ctx is done, ErrRateLimited when the wait could not
// finish before the deadline.
func waitLimiter(ctx context.Context, l Limiter) error {
	err := l.Wait(ctx)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("phonelineplus: waiting for the rate limiter: %w", ctxErr)
	}
	if _, ok := l.(*rate.Limiter); ok {
		// x/time/rate refuses, without sleeping, a wait that would pass
		// the deadline; its error is not a sentinel and says the same,
		// so it is replaced, not wrapped.
		return fmt.Errorf("%w: no request slot before the context deadline", ErrRateLimited)
	}
	return fmt.Errorf("phonelineplus: rate limiter: %w", err)
}
