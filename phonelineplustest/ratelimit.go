package phonelineplustest

import (
	"sync"
	"time"
)

// limiter is a strict rolling-window limit per API key: at most n accepted
// requests in any window. Rejected requests do not count.
type limiter struct {
	window time.Duration

	mu       sync.Mutex
	n        int
	accepted map[string][]time.Time // per key, oldest first, all within the window
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, accepted: map[string][]time.Time{}}
}

// allow reports whether key may make a request at now, and records it if
// so. If not, wait is how long until the oldest request leaves the window.
func (l *limiter) allow(key string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return true, 0
	}
	ts := l.accepted[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.n {
		l.accepted[key] = ts
		return false, ts[len(ts)-l.n].Add(l.window).Sub(now)
	}
	l.accepted[key] = append(ts, now)
	return true, 0
}

func (l *limiter) limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func (l *limiter) setLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n = n
}

// reset sets the limit and forgets every request made so far.
func (l *limiter) reset(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n = n
	clear(l.accepted)
}

// spent returns, per key, how many requests count against the limit at
// now.
func (l *limiter) spent(now time.Time) map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, ts := range l.accepted {
		n := 0
		for _, t := range ts {
			if now.Sub(t) < l.window {
				n++
			}
		}
		if n > 0 {
			out[k] = n
		}
	}
	return out
}
