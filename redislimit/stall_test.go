package redislimit_test

import (
	"sync"
	"time"
)

// stallMeter measures how far a process falls behind a 10 ms ticker: on a
// machine too loaded to run the tests' processes on time, timing figures
// mean little.
type stallMeter struct {
	stop chan struct{}
	done chan struct{}

	mu      sync.Mutex
	longest time.Duration // the longest tick late beyond its period
	total   time.Duration // all such lateness added up
}

const stallTick = 10 * time.Millisecond

func startStallMeter() *stallMeter {
	m := &stallMeter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(stallTick)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				now := time.Now()
				late := now.Sub(last) - stallTick
				last = now
				if late > stallTick {
					m.mu.Lock()
					m.longest = max(m.longest, late)
					m.total += late
					m.mu.Unlock()
				}
			}
		}
	}()
	return m
}

// Stop stops the meter and returns its figures.
func (m *stallMeter) Stop() (longest, total time.Duration) {
	close(m.stop)
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.longest, m.total
}
