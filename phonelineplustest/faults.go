package phonelineplustest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
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
	// FaultTimeoutCommitLater sends 500 "Timeout" at once without acting,
	// and acts CommitAfter later (on a timer, so virtually inside a
	// testing/synctest bubble): the create a gateway timeout hides shows
	// up only after a while, so a lookup made at once finds nothing. A
	// commit still pending when the server is reset or closed never
	// happens.
	FaultTimeoutCommitLater
	// FaultOmitID acts and sends the normal status, with the ID fields
	// ("ID", "id", "customerID", "userID", "orderID") left out of a JSON
	// object body: a create that succeeds without saying what it made, as
	// a real client has seen for user creates.
	FaultOmitID
)

var faultActionNames = [...]string{"delay", "respond", "timeout-after", "drop-before", "drop-after", "truncate", "redirect",
	"timeout-commit-later", "omit-id"}

// MaxFaultWait bounds every wait a fault or WithLatency asks for
// (Latency, MaxLatency, CommitAfter): a longer one is a mistake.
const MaxFaultWait = 24 * time.Hour

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
	// MaxLatency, when above Latency, makes the wait a uniform draw
	// between the two from the server's seeded random source.
	MaxLatency time.Duration
	// Status, Body and Header are the response of FaultRespond; Status is
	// also the redirect status of FaultRedirect.
	Status int
	Body   string
	Header http.Header
	// Location is where FaultRedirect sends the client.
	Location string
	// CommitAfter is how long after its answer FaultTimeoutCommitLater
	// acts.
	CommitAfter time.Duration
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
	case f.Action < FaultDelay || int(f.Action) >= len(faultActionNames):
		return fmt.Errorf("unknown action %v; want one of %s", f.Action, strings.Join(faultActionNames[:], ", "))
	case f.Latency < 0 || f.MaxLatency < 0 || f.CommitAfter < 0 || f.Times < 0 || f.Probability < 0:
		return errors.New("latency, maxLatency, commitAfter, times and probability must not be negative")
	case f.Latency > MaxFaultWait || f.MaxLatency > MaxFaultWait || f.CommitAfter > MaxFaultWait:
		return fmt.Errorf("latency, maxLatency and commitAfter must be at most %v", MaxFaultWait)
	case f.MaxLatency != 0 && f.MaxLatency < f.Latency:
		return fmt.Errorf("maxLatency %v is below latency %v", f.MaxLatency, f.Latency)
	case f.Probability > 1:
		return fmt.Errorf("probability %v is above 1", f.Probability)
	case f.Action == FaultDelay && f.Latency <= 0:
		return errors.New("a delay fault needs a latency")
	case f.Action == FaultRedirect && f.Location == "":
		return errors.New("a redirect fault needs a location")
	case f.Action == FaultTimeoutCommitLater && f.CommitAfter <= 0:
		return errors.New("a timeout-commit-later fault needs a commitAfter")
	case f.Action != FaultTimeoutCommitLater && f.CommitAfter != 0:
		return fmt.Errorf("commitAfter is for timeout-commit-later faults, not %v", f.Action)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", f.Status)
	case f.Path != "" && f.Path[0] != '/':
		return fmt.Errorf("path %q must start with /, relative to %s", f.Path, BasePath)
	case len(f.Body) > MaxFaultBody:
		return fmt.Errorf("body has %d bytes; at most %d", len(f.Body), MaxFaultBody)
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
	id    string
	f     Fault
	fired int
}

// InjectedFault is a fault the server holds, as Faults lists it.
type InjectedFault struct {
	ID    string `json:"id"`    // "f1", "f2", ... in the order they were added
	Fault Fault  `json:"fault"` // a copy
	Line  string `json:"line"`  // the fault in its one-line form (Fault.String)
	Fired int    `json:"fired"` // how many requests it has applied to
	Spent bool   `json:"spent"` // it has fired Times times and fires no more
}

// Bounds that keep a shared fake's memory in check whoever reaches its
// control API.
const (
	// MaxFaults is how many faults a server holds at once, spent ones
	// included: AddFault refuses more.
	MaxFaults = 1000
	// MaxFaultBody caps the Body of a FaultRespond fault, in bytes.
	MaxFaultBody = 64 << 10
	// MaxKeys is how many API keys a server holds at once: AddKey refuses
	// a new key ID past it.
	MaxKeys = 1000
)

// InjectFault adds a fault at run time, after those already added, and
// returns its ID (for RemoveFault). It panics if the fault is invalid (an
// unknown action, a FaultDelay without Latency, a FaultRedirect without
// Location, negative numbers; see AddFault).
func (s *Server) InjectFault(f Fault) string {
	id, err := s.AddFault(f)
	if err != nil {
		panic(err.Error())
	}
	return id
}

// AddFault is InjectFault with an error instead of a panic for a fault
// that is invalid. The control API's POST /_fake/faults calls it.
func (s *Server) AddFault(f Fault) (string, error) {
	if err := f.validate(); err != nil {
		return "", fmt.Errorf("phonelineplustest: fault %q: %w", f.String(), err)
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if len(s.faults) >= MaxFaults {
		return "", fmt.Errorf("phonelineplustest: the server holds %d faults already, the most it keeps; remove or clear some first", MaxFaults)
	}
	s.faultSeq++
	e := &faultEntry{id: "f" + strconv.Itoa(s.faultSeq), f: f.clone()}
	s.faults = append(s.faults, e)
	return e.id, nil
}

// Faults lists the faults the server holds, spent ones included, in the
// order they match.
func (s *Server) Faults() []InjectedFault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]InjectedFault, 0, len(s.faults))
	for _, e := range s.faults {
		out = append(out, InjectedFault{ID: e.id, Fault: e.f.clone(), Line: e.f.String(), Fired: e.fired, Spent: e.f.Times > 0 && e.fired >= e.f.Times})
	}
	return out
}

// RemoveFault removes one fault by the ID AddFault returned, and reports
// whether there was one.
func (s *Server) RemoveFault(id string) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	n := len(s.faults)
	s.faults = slices.DeleteFunc(s.faults, func(e *faultEntry) bool { return e.id == id })
	return len(s.faults) < n
}

// ClearFaults removes every fault, spent or not.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// pickFault returns a copy of the fault that fires for a request, or nil,
// and how long the request waits first: the server's latency (see
// WithLatency) plus the fault's.
func (s *Server) pickFault(method, path string) (*Fault, time.Duration) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	wait := s.draw(s.latency[0], s.latency[1])
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
		return &out, wait + s.draw(f.Latency, f.MaxLatency)
	}
	return nil, wait
}

// draw returns lo, or a uniform draw in [lo, hi] when hi is above lo.
func (s *Server) draw(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)+1))
}

// omitIDs leaves the ID fields out of a JSON object reply (FaultOmitID).
func omitIDs(rep reply) reply {
	var m map[string]json.RawMessage
	if json.Unmarshal(rep.body, &m) != nil || m == nil {
		return rep
	}
	for _, k := range []string{"ID", "id", "customerID", "userID", "orderID"} {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return rep
	}
	rep.body = b
	return rep
}
