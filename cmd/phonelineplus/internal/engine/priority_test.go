package engine

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestPriorityLimiterServesTheHighestPriorityFirst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := NewPriorityLimiter(rate.NewLimiter(rate.Every(time.Second), 1))
		require.NoError(t, l.Wait(t.Context())) // the burst is spent: the next slot is a second away
		var mu sync.Mutex
		var order []int
		var wg sync.WaitGroup
		for _, p := range []int{priorityOrder, priorityCustomer, priorityUser, priorityLookup} {
			wg.Go(func() {
				require.NoError(t, l.Wait(withPriority(t.Context(), p)))
				mu.Lock()
				order = append(order, p)
				mu.Unlock()
			})
			synctest.Wait() // each is queued before the next comes
		}
		wg.Wait()
		// The first to come waits on the bucket already; the others go by
		// priority, not in the order they came.
		assert.Equal(t, []int{priorityOrder, priorityLookup, priorityCustomer, priorityUser}, order)
	})
}

func TestPriorityLimiterSkipsAWaiterWhoseContextEnded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := NewPriorityLimiter(rate.NewLimiter(rate.Every(time.Second), 1))
		require.NoError(t, l.Wait(t.Context()))
		first := make(chan error)
		go func() { first <- l.Wait(t.Context()) }()
		synctest.Wait()
		ctx, cancel := context.WithCancel(t.Context())
		gone := make(chan error)
		go func() { gone <- l.Wait(withPriority(ctx, priorityLookup)) }()
		synctest.Wait()
		cancel()
		assert.ErrorIs(t, <-gone, context.Canceled)
		last := make(chan error)
		go func() { last <- l.Wait(withPriority(t.Context(), priorityOrder)) }()
		require.NoError(t, <-first)
		require.NoError(t, <-last, "the turn passed over the waiter that left")
	})
}
