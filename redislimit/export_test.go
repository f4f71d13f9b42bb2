package redislimit

import "time"

// SetProbeEvery changes how often a Limiter in fallback asks Redis again
// (default 5 s), so tests need not wait that long.
func SetProbeEvery(l *Limiter, d time.Duration) { l.probeEvery = d }

// Waiters returns how many calls are inside l.Wait.
func Waiters(l *Limiter) int64 { return l.waiters.Load() }
