package phonelineplustest

import (
	"sync"
	"time"
)

// limiter is a strict rolling-window limit per API key: at most n accepted
// requests in any window. Rejected requests do not count.
type limiter struct {
	n      int
	window time.Duration

	mu       sync.Mutex
	accepted map[string][]time.Time // per key, oldest first, all within the window
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, accepted: map[string][]time.Time{}}
}

// allow reports whether key may make a request at now, and records it if
// so. If not, wait is how long until the oldest request leaves the window.
func (l *limiter) allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if l.n == 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
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
