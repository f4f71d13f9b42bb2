package phonelineplustest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// FaultAction is what a Fault does to a request it applies to.
type FaultAction int

// The fault actions. "Acting" means doing what the request asks (creating
// the customer, say) and building the normal response.
const (
	// FaultDelay only waits Latency, then acts and responds normally.
	FaultDelay FaultAction = iota
	// FaultRespond sends Status (default 500), Body and Header instead of
	// acting. A Body that is valid JSON is sent as application/json,
	// anything else as text/plain.
	FaultRespond
	// FaultTimeoutAfter acts, then sends 500 with the plain-text body
	// "Timeout" instead of the normal response, as the real gateway does
	// when a create outlives it: the resource exists anyway.
	FaultTimeoutAfter
	// FaultDropBefore closes the connection without acting or responding.
	FaultDropBefore
	// FaultDropAfter acts, then closes the connection without responding.
	FaultDropAfter
	// FaultTruncate acts, then sends the normal status and Content-Length
	// but only half the body, and closes the connection.
	FaultTruncate
	// FaultRedirect sends Status (default 307 Temporary Redirect) with a
	// Location header of Location, without acting.
	FaultRedirect
)

var faultActionNames = [...]string{"delay", "respond", "timeout-after", "drop-before", "drop-after", "truncate", "redirect"}

// String returns the action's name, such as "timeout-after".
func (a FaultAction) String() string {
	if a >= 0 && int(a) < len(faultActionNames) {
		return faultActionNames[a]
	}
	return fmt.Sprintf("FaultAction(%d)", int(a))
}

// Fault describes a failure to inject. A fault applies to a request that
// matches Method and Path, after authentication and the rate limit (so a
// request the fake answers 401 or 429 is never faulted, and a faulted
// request spends rate-limit budget). Faults are matched in the order they
// were added; the first that matches and fires applies, and only it.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path matches the path relative to BasePath, segment by segment; a
	// "*" segment matches any one segment, and a trailing slash is
	// ignored on both sides: "/customers/*/users". "" matches any path.
	Path string
	// Action is what the fault does; see FaultAction.
	Action FaultAction
	// Latency is waited first (on a timer, so virtually inside a
	// testing/synctest bubble), whatever the action. If the client gives
	// up meanwhile, the request is abandoned without acting.
	Latency time.Duration
	// Status, Body and Header are the response of FaultRespond; Status is
	// also the redirect status of FaultRedirect.
	Status int
	Body   string
	Header http.Header
	// Location is where FaultRedirect sends the client.
	Location string
	// Times is how many times the fault fires before it is spent; 0 means
	// every time (Times 1 is "once").
	Times int
	// Probability, when strictly between 0 and 1, is the chance that the
	// fault fires on a matching request, drawn from the server's seeded
	// random source (see WithRandSeed); otherwise it always fires.
	Probability float64
}

func (f Fault) clone() Fault {
	f.Header = f.Header.Clone()
	return f
}

func (f Fault) validate() error {
	switch {
	case f.Action < FaultDelay || f.Action > FaultRedirect:
		return fmt.Errorf("phonelineplustest: fault has an unknown action %v", f.Action)
	case f.Action == FaultDelay && f.Latency <= 0:
		return errors.New("phonelineplustest: a FaultDelay fault needs a Latency")
	case f.Action == FaultRedirect && f.Location == "":
		return errors.New("phonelineplustest: a FaultRedirect fault needs a Location")
	case f.Latency < 0 || f.Times < 0 || f.Probability < 0:
		return errors.New("phonelineplustest: fault Latency, Times and Probability must not be negative")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("phonelineplustest: fault status %d is not an HTTP status", f.Status)
	}
	return nil
}

// reply builds the response of a FaultRespond or FaultRedirect fault.
func (f Fault) reply() reply {
	status := f.Status
	if f.Action == FaultRedirect {
		if status == 0 {
			status = http.StatusTemporaryRedirect
		}
		rep := reply{status: status, header: f.Header.Clone()}
		if rep.header == nil {
			rep.header = http.Header{}
		}
		rep.header.Set("Location", f.Location)
		return rep
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	rep := textReply(status, f.Body)
	if json.Valid([]byte(f.Body)) {
		rep.header.Set("Content-Type", "application/json")
	}
	if f.Body == "" {
		rep.header.Del("Content-Type")
	}
	for k, v := range f.Header {
		rep.header[k] = append([]string(nil), v...)
	}
	return rep
}

// faultEntry is an injected fault and how often it has fired.
type faultEntry struct {
	f     Fault
	fired int
}

// InjectFault adds a fault at run time, after those already added. It
// panics if the fault is invalid (an unknown action, a FaultDelay without
// Latency, a FaultRedirect without Location, negative numbers).
func (s *Server) InjectFault(f Fault) {
	if err := f.validate(); err != nil {
		panic(err.Error())
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &faultEntry{f: f.clone()})
}

// ClearFaults removes every fault, spent or not.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// pickFault returns a copy of the fault that fires for a request, or nil.
func (s *Server) pickFault(method, path string) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var segs []string
	for _, e := range s.faults {
		f := &e.f
		if (f.Times > 0 && e.fired >= f.Times) || (f.Method != "" && !strings.EqualFold(f.Method, method)) {
			continue
		}
		if f.Path != "" {
			if segs == nil {
				segs = splitPath(path)
			}
			if _, ok := matchSegments(splitPath(f.Path), segs, "*"); !ok {
				continue
			}
		}
		if f.Probability > 0 && f.Probability < 1 && s.rng.Float64() >= f.Probability {
			continue
		}
		e.fired++
		out := f.clone()
		return &out
	}
	return nil
}
