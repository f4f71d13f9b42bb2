package cli

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// reasonBudget is the reason of a wait on the rate budget: the run's
// normal pace.
const reasonBudget = "the rate budget"

// budgetWaitShown is the shortest wait on the budget a display names:
// shorter ones are the scheduler's noise, not the budget's pace.
const budgetWaitShown = 10 * time.Millisecond

// meter counts the HTTP requests a client sends and tells a progress
// display why the run waits: on the rate budget, or because the API asked
// (a 429 with Retry-After) or a failure is retried after a backoff. It
// reads all of it from the client's hooks (hooks returns them).
type meter struct {
	// sent counts the requests the client put on the wire: every attempt,
	// retries, replays and the token exchanges (operation "Auth.Exchange")
	// included, so that it counts what a plan's request count counts.
	sent atomic.Int64
	// onWait, when not nil, is told each wait: why, and for how long
	// from now (0 for a wait that is over).
	onWait atomic.Pointer[func(reason string, d time.Duration)]
}

// operationKey finds an operation's attempts in its context.
type operationKey struct{}

// hooks returns the client hooks that feed m.
func (m *meter) hooks() pl.Hooks {
	return pl.Hooks{
		OperationStart: func(ctx context.Context, _ pl.OperationInfo) context.Context {
			return context.WithValue(ctx, operationKey{}, new(atomic.Int64))
		},
		AttemptStart: func(ctx context.Context, _ pl.AttemptInfo) context.Context {
			m.sent.Add(1)
			if n, ok := ctx.Value(operationKey{}).(*atomic.Int64); ok {
				n.Add(1)
			}
			return nil
		},
		OperationEnd: func(ctx context.Context, _ pl.OperationInfo, res pl.OperationResult) {
			// Requests net/http sent again by itself within an attempt
			// count in res.Attempts, but start no attempt of their own.
			if n, ok := ctx.Value(operationKey{}).(*atomic.Int64); ok {
				m.sent.Add(max(0, int64(res.Attempts)-n.Load()))
			}
		},
		LimiterWait: func(_ context.Context, w pl.LimiterWaitInfo) {
			if w.Err == nil && w.Wait >= budgetWaitShown {
				m.waiting(reasonBudget, 0)
			}
		},
		AttemptEnd: func(_ context.Context, _ pl.AttemptInfo, res pl.AttemptResult) {
			if res.Retry && res.RetryDelay > 0 {
				m.waiting(retryReason(res), res.RetryDelay)
			}
		},
	}
}

func (m *meter) waiting(reason string, d time.Duration) {
	if f := m.onWait.Load(); f != nil {
		(*f)(reason, d)
	}
}

// retryReason says why a retry waits: "the API answered 429, Retry-After
// 2s" when the API asked for the delay, "... retrying in 180ms (backoff)"
// when the client chose it.
func retryReason(res pl.AttemptResult) string {
	what := "the API answered " + strconv.Itoa(res.StatusCode)
	if res.StatusCode == 0 {
		what = fmt.Sprintf("no answer (%s)", res.Category)
	}
	if res.RetryAfter {
		return what + ", Retry-After " + res.RetryDelay.String()
	}
	return what + ", retrying in " + res.RetryDelay.Round(10*time.Millisecond).String() + " (backoff)"
}
