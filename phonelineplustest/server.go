package phonelineplustest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BasePath is the path the fake serves the API under, as the Gamma gateway
// does. URL includes it.
const BasePath = "/partner/v1"

// maxBody caps request bodies; a larger one is a malformed request.
const maxBody = 1 << 20

// Server is a stateful fake of the PhoneLine+ Partner API. It listens on a
// loopback port, and serves the same API in memory through Transport. All
// its methods are safe for concurrent use.
type Server struct {
	url      string
	hs       *http.Server
	served   <-chan struct{}
	limiter  *limiter
	signKey  []byte
	lifetime time.Duration
	logger   *slog.Logger
	closed   atomic.Bool
	once     sync.Once

	mu      sync.Mutex // guards st, keys and primary
	st      *state
	keys    map[string]string
	primary [2]string

	faultMu sync.Mutex // guards faults and rng
	faults  []*faultEntry
	rng     *rand.Rand

	reqMu sync.Mutex
	reqs  []Request

	connMu     sync.Mutex // guards connClosed and Add on active
	connClosed bool
	active     sync.WaitGroup // requests being served through the listener
}

// Request is one request the fake received, as Requests reports it.
type Request struct {
	Method string
	Path   string // relative to BasePath, as received: "/customers/abc/users/" (in full if not under BasePath)
	Query  url.Values
	Header http.Header
	Body   []byte
	Time   time.Time // when it arrived
	KeyID  string    // the API key it was attributed to; "" if none
	Status int       // the status sent; 0 if no response was (connection dropped, client gone)
	Fault  *Fault    // the fault applied to it; nil if none
}

// NewServer starts a fake on a random loopback port (see WithAddr), ready
// for a whole provisioning story: one API key (see Credentials), a
// product catalogue, and a pool of available numbers in five area codes
// and a non-geographic range. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		limiter:  newLimiter(cfg.rateLimit, time.Minute),
		signKey:  randomBytes(32),
		lifetime: cfg.tokenLifetime,
		logger:   cfg.logger,
		keys:     map[string]string{},
		rng:      rand.New(rand.NewPCG(cfg.seed, 2)),
	}
	if len(cfg.keys) == 0 {
		cfg.keys = [][2]string{{newUUID(), newSecret()}}
	}
	for _, k := range cfg.keys {
		s.keys[k[0]] = k[1]
	}
	s.primary = cfg.keys[0]
	s.st = newState(&cfg)
	for _, f := range cfg.faults {
		s.faults = append(s.faults, &faultEntry{f: f})
	}
	for _, seed := range cfg.seeders {
		if err := seed(s); err != nil {
			panic("phonelineplustest: " + err.Error())
		}
	}
	if err := s.listen(cfg); err != nil {
		panic("phonelineplustest: " + err.Error())
	}
	return s
}

// URL returns the base URL to give a client, BasePath included:
// "http://127.0.0.1:PORT/partner/v1". Transport serves it too.
func (s *Server) URL() string { return s.url }

// Credentials returns the server's first API key ID and its secret.
func (s *Server) Credentials() (keyID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.primary[0], s.primary[1]
}

// Requests returns copies of the requests received so far, in order of
// arrival, through the listener and Transport alike.
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]Request, len(s.reqs))
	for i, r := range s.reqs {
		out[i] = r.clone()
	}
	return out
}

func (r Request) clone() Request {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.Body = append([]byte(nil), r.Body...)
	if r.Fault != nil {
		f := r.Fault.clone()
		r.Fault = &f
	}
	return r
}

func cloneValues(v url.Values) url.Values { return url.Values(http.Header(v).Clone()) }

// Handler returns the fake as an http.Handler, to mount in a server of
// your own. It expects requests under BasePath.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP serves one API request: it records it, authenticates it,
// applies the rate limit and any fault, then acts.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	rel, underBase := strings.CutPrefix(r.URL.Path, BasePath)
	if !underBase || (rel != "" && rel[0] != '/') {
		rel, underBase = r.URL.Path, false
	}
	idx := s.record(Request{Method: r.Method, Path: rel, Query: r.URL.Query(),
		Header: r.Header.Clone(), Body: body, Time: start})
	var o outcome
	defer func() {
		s.finish(idx, o)
		if s.logger != nil {
			s.logger.LogAttrs(context.Background(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", rel),
				slog.Int("status", o.status), slog.Duration("duration", time.Since(start)))
		}
	}()
	switch {
	case readErr != nil || len(body) > maxBody:
		o.status = writeReply(w, errorReply(malformed("could not read a body of at most %d bytes", maxBody)))
	case !underBase:
		o.status = writeReply(w, errorReply(errorf(http.StatusNotFound, "Not Found")))
	default:
		escRel, _ := strings.CutPrefix(r.URL.EscapedPath(), BasePath)
		s.serve(w, &call{r: r, path: rel, body: body}, splitPath(escRel), &o)
	}
}

// outcome is what ServeHTTP records about a request once it is served.
type outcome struct {
	status int
	keyID  string
	fault  *Fault
}

func (s *Server) serve(w http.ResponseWriter, c *call, segs []string, o *outcome) {
	r := c.r
	if r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "auth" {
		c.keyID = s.authKeyID(c.body)
	} else {
		keyID, err := s.verifyBearer(r.Header.Get("Authorization"))
		if err != nil {
			o.status = writeReply(w, errorReply(errUnauthorized))
			return
		}
		c.keyID = keyID
	}
	o.keyID = c.keyID
	if c.keyID != "" {
		if ok, wait := s.limiter.allow(c.keyID, time.Now()); !ok {
			rep := errorReply(errorf(http.StatusTooManyRequests, "Too Many Requests"))
			rep.header.Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
			o.status = writeReply(w, rep)
			return
		}
	}
	f := s.pickFault(r.Method, c.path)
	if f == nil {
		o.status = writeReply(w, s.act(c, segs))
		return
	}
	o.fault = f
	if f.Latency > 0 && !sleepCtx(r.Context(), f.Latency) {
		return // the client went away
	}
	switch f.Action {
	case FaultRespond, FaultRedirect:
		o.status = writeReply(w, f.reply())
	case FaultDropBefore:
		dropConn(w)
	case FaultDelay:
		o.status = writeReply(w, s.act(c, segs))
	case FaultTimeoutAfter:
		s.act(c, segs)
		o.status = writeReply(w, textReply(http.StatusInternalServerError, "Timeout"))
	case FaultDropAfter:
		s.act(c, segs)
		dropConn(w)
	case FaultTruncate:
		o.status = writeTruncated(w, s.act(c, segs))
	}
}

// act routes the request and runs its handler under the state lock.
func (s *Server) act(c *call, segs []string) reply {
	h, params, err := match(c.r.Method, segs)
	if err != nil {
		return errorReply(err.(*apiError))
	}
	c.params = params
	s.mu.Lock()
	defer s.mu.Unlock()
	status, v, err := h(s, c)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return errorReply(ae)
		}
		return errorReply(errorf(http.StatusInternalServerError, "%v", err))
	}
	return jsonReply(status, v)
}

func (s *Server) record(r Request) int {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs = append(s.reqs, r)
	return len(s.reqs) - 1
}

func (s *Server) finish(idx int, o outcome) {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs[idx].Status = o.status
	s.reqs[idx].KeyID = o.keyID
	s.reqs[idx].Fault = o.fault
}

// writeReply sends rep whole and returns its status.
func writeReply(w http.ResponseWriter, rep reply) int {
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if rep.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
	return rep.status
}

// writeTruncated sends rep's status and full Content-Length but only half
// its body, then drops the connection (at once when there is no body).
func writeTruncated(w http.ResponseWriter, rep reply) int {
	if len(rep.body) == 0 {
		dropConn(w)
		return 0
	}
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body[:len(rep.body)/2])
	_ = http.NewResponseController(w).Flush()
	dropConn(w)
	return rep.status
}

// dropConn closes the connection without (the rest of) a response: it
// hijacks and closes a real connection, marks an in-memory one, and
// otherwise aborts the handler as net/http documents.
func dropConn(w http.ResponseWriter) {
	if m, ok := w.(*memResponse); ok {
		m.dropped = true
		return
	}
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// sleepCtx waits d, or less if ctx ends first; it reports whether it
// waited the whole time. It uses a timer, so it is virtual in a bubble.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	done := ctx.Done()
	if done == nil {
		time.Sleep(d)
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}
