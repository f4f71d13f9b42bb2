package phonelineplustest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Settings are the server's run-time settings, as the With* options set
// them at the start and the Set* methods (or PATCH /_fake/settings)
// change them.
type Settings struct {
	RateLimit         int           // requests per API key per rolling minute; 0 is no limit
	TokenLifetime     time.Duration // of tokens issued from now on
	InFlightStatus    int           // 409 or 400
	MinLatency        time.Duration // every API request waits between MinLatency
	MaxLatency        time.Duration // and MaxLatency (0: exactly MinLatency)
	RequestLogEntries int           // the request log's bounds
	RequestLogBytes   int64
}

// Settings returns the server's current settings.
func (s *Server) Settings() Settings {
	s.mu.Lock()
	out := Settings{TokenLifetime: s.lifetime, InFlightStatus: s.st.inFlightStatus}
	s.mu.Unlock()
	out.RateLimit = s.limiter.limit()
	s.faultMu.Lock()
	out.MinLatency, out.MaxLatency = s.latency[0], s.latency[1]
	s.faultMu.Unlock()
	out.RequestLogEntries, out.RequestLogBytes = s.log.limits()
	return out
}

// SetRateLimit changes the rate limit (see WithRateLimit). Requests
// already made in the current minute still count.
func (s *Server) SetRateLimit(perMinute int) error {
	if err := checkRateLimit(perMinute); err != nil {
		return err
	}
	s.limiter.setLimit(perMinute)
	return nil
}

// SetTokenLifetime changes the lifetime of tokens issued from now on
// (see WithTokenLifetime).
func (s *Server) SetTokenLifetime(d time.Duration) error {
	if err := checkTokenLifetime(d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
	return nil
}

// SetInFlightStatus changes the status of the "existing in-flight order"
// answer (see WithInFlightStatus).
func (s *Server) SetInFlightStatus(status int) error {
	if err := checkInFlightStatus(status); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.inFlightStatus = status
	return nil
}

// SetLatency changes the latency of every API request (see WithLatency);
// SetLatency(0, 0) removes it.
func (s *Server) SetLatency(min, max time.Duration) error {
	if err := checkLatency(min, max); err != nil {
		return err
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.latency = [2]time.Duration{min, max}
	return nil
}

// SetRequestLogLimits changes the request log's bounds (see
// WithRequestLogLimits); the oldest requests go at once if it holds more.
func (s *Server) SetRequestLogLimits(entries int, bytes int64) error {
	if err := checkLogLimits(entries, bytes); err != nil {
		return err
	}
	cur, curBytes := s.log.limits()
	if entries == 0 {
		entries = cur
	}
	if bytes == 0 {
		bytes = curBytes
	}
	s.log.setLimits(entries, bytes)
	return nil
}

func checkRateLimit(perMinute int) error {
	if perMinute < 0 {
		return fmt.Errorf("rate limit %d must not be negative (0 is no limit)", perMinute)
	}
	return nil
}

func checkTokenLifetime(d time.Duration) error {
	if d < time.Second || d > 365*24*time.Hour {
		return fmt.Errorf("token lifetime %v must be between 1s and a year", d)
	}
	return nil
}

func checkInFlightStatus(status int) error {
	if status != http.StatusConflict && status != http.StatusBadRequest {
		return fmt.Errorf("in-flight status %d must be 400 or 409", status)
	}
	return nil
}

func checkLatency(min, max time.Duration) error {
	switch {
	case min < 0 || max < 0:
		return errors.New("latency must not be negative")
	case min > MaxFaultWait || max > MaxFaultWait:
		return fmt.Errorf("latency must be at most %v", MaxFaultWait)
	case max != 0 && max < min:
		return fmt.Errorf("latency range %v-%v ends before it starts", min, max)
	}
	return nil
}

// maxLogBytes bounds the request log's byte budget, whoever sets it: the
// control API is open to anyone who reaches a shared fake.
const maxLogBytes = 1 << 30

func checkLogLimits(entries int, bytes int64) error {
	switch {
	case entries < 0 || bytes < 0:
		return errors.New("request log limits must not be negative (0 keeps the default)")
	case bytes > maxLogBytes:
		return fmt.Errorf("request log bytes %d must be at most %d (1 GiB)", bytes, maxLogBytes)
	}
	return nil
}

// ParseLatency reads a latency as the -latency flag and the control API
// take it: one duration ("200ms") or a range ("20ms-200ms").
func ParseLatency(v string) (min, max time.Duration, err error) {
	lo, hi, ranged := cutRange(strings.TrimSpace(v))
	if min, err = time.ParseDuration(lo); err == nil && ranged {
		max, err = time.ParseDuration(hi)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("latency %q must be a duration (200ms) or a range (20ms-200ms)", v)
	}
	if err := checkLatency(min, max); err != nil {
		return 0, 0, fmt.Errorf("latency %q: %v", v, err)
	}
	return min, max, nil
}

// cutRange splits "lo-hi" at its dash; a leading minus sign is not one.
func cutRange(v string) (lo, hi string, ranged bool) {
	if i := strings.Index(v[min(1, len(v)):], "-"); i >= 0 {
		i += min(1, len(v))
		return v[:i], v[i+1:], true
	}
	return v, "", false
}

// formatLatency writes a latency as ParseLatency reads it.
func formatLatency(min, max time.Duration) string {
	if max > min {
		return min.String() + "-" + max.String()
	}
	return min.String()
}
