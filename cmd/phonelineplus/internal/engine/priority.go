package engine

import (
	"container/heap"
	"context"
	"sync"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// Priorities of the engine's requests on a PriorityLimiter: the step with
// the longest chain still behind it goes first, so that a run's last
// seconds are spent on orders (one round trip each) and not waiting for a
// late customer's users to come back. Lookups (the catalogue, pages of
// numbers, the token exchange, settle lookups) unblock others: they go
// before all.
const (
	priorityLookup   = iota // anything without a priority
	priorityCustomer        // a customer create: three round trips behind it
	priorityUser            // a user create or a DDI allocation: the order behind it
	priorityOrder           // an order: nothing behind it
)

type priorityKey struct{}

// withPriority marks ctx's requests with a priority.
func withPriority(ctx context.Context, p int) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

func priorityOf(ctx context.Context) int {
	p, _ := ctx.Value(priorityKey{}).(int)
	return p
}

// PriorityLimiter serves a Limiter's slots to its waiters by the priority
// the engine gives each request (in the order they came within one
// priority), not in the order they came. The SDK waits on the limiter
// before each request, so with it the rate budget goes first to the
// requests that keep the most work going. Only one waiter at a time waits
// on Inner.
type PriorityLimiter struct {
	Inner pl.Limiter

	mu    sync.Mutex
	busy  bool
	seq   int
	queue waiters
}

// NewPriorityLimiter returns a PriorityLimiter over inner.
func NewPriorityLimiter(inner pl.Limiter) *PriorityLimiter { return &PriorityLimiter{Inner: inner} }

type waiter struct {
	prio, seq int
	turn      chan struct{} // closed when it is this waiter's turn
	granted   bool
	gone      bool // its context ended before its turn
}

// Wait implements phonelineplus.Limiter.
func (l *PriorityLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	if l.busy {
		w := &waiter{prio: priorityOf(ctx), seq: l.seq, turn: make(chan struct{})}
		l.seq++
		heap.Push(&l.queue, w)
		l.mu.Unlock()
		select {
		case <-w.turn:
		case <-ctx.Done():
			l.mu.Lock()
			granted := w.granted
			w.gone = !granted
			l.mu.Unlock()
			if granted {
				l.next()
			}
			return ctx.Err()
		}
	} else {
		l.busy = true
		l.mu.Unlock()
	}
	defer l.next()
	return l.Inner.Wait(ctx)
}

// next hands the turn to the first waiter still there.
func (l *PriorityLimiter) next() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.queue.Len() > 0 {
		w := heap.Pop(&l.queue).(*waiter)
		if !w.gone {
			w.granted = true
			close(w.turn)
			return
		}
	}
	l.busy = false
}

// waiters is a heap: lowest priority number first, then first come.
type waiters []*waiter

func (q waiters) Len() int { return len(q) }
func (q waiters) Less(i, j int) bool {
	if q[i].prio != q[j].prio {
		return q[i].prio < q[j].prio
	}
	return q[i].seq < q[j].seq
}
func (q waiters) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *waiters) Push(x any)   { *q = append(*q, x.(*waiter)) }
func (q *waiters) Pop() any {
	old := *q
	w := old[len(old)-1]
	*q = old[:len(old)-1]
	return w
}
