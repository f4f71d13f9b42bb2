package phonelineplustest

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
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

// ControlPath is the prefix of the fake's own control API and dashboard
// (ControlAPIHelp lists it), outside BasePath: the real API cannot have it.
const ControlPath = "/_fake/"

// Server is a stateful fake of the PhoneLine+ Partner API. It listens on a
// loopback port, and serves the same API in memory through Transport. All
// its methods are safe for concurrent use.
type Server struct {
	url     string
	hs      *http.Server
	served  <-chan struct{}
	limiter *limiter
	signKey []byte
	logger  *slog.Logger
	closed  atomic.Bool
	once    sync.Once
	cfg     config // as NewServer was given it, for Reset
	log     *requestLog
	caPEM   []byte            // WithTLS: the authority to trust
	caCert  *x509.Certificate // and its certificate
	// loopbackOnly: the listener is on a loopback address, so a browser
	// that names another host has been sent here by DNS rebinding.
	loopbackOnly bool

	mu       sync.Mutex // guards st, keys, retired, primary, lifetime, gen and pending
	st       *state
	keys     map[string]string
	retired  []string // secrets of revoked or replaced keys: the log may still hold them
	primary  [2]string
	lifetime time.Duration
	gen      int                      // counts resets, so a commit scheduled before one is dropped
	pending  map[*time.Timer]struct{} // commits of FaultTimeoutCommitLater still to come

	faultMu  sync.Mutex // guards faults, faultSeq, latency and rng
	faults   []*faultEntry
	faultSeq int
	latency  [2]time.Duration // every API request waits between these
	rng      *rand.Rand

	connMu     sync.Mutex // guards connClosed and Add on active
	connClosed bool
	active     sync.WaitGroup // requests being served through the listener
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
	if len(cfg.keys) == 0 {
		cfg.keys = [][2]string{{newUUID(), newSecret()}}
	}
	s := &Server{
		limiter: newLimiter(cfg.rateLimit, time.Minute),
		signKey: randomBytes(32),
		logger:  cfg.logger,
		cfg:     cfg,
		log:     newRequestLog(cfg.logSize, cfg.logBytes),
		keys:    map[string]string{},
		pending: map[*time.Timer]struct{}{},
	}
	for _, k := range cfg.keys {
		s.keys[k[0]] = k[1]
	}
	s.primary = cfg.keys[0]
	if err := s.start(cfg.seed); err != nil {
		panic("phonelineplustest: " + err.Error())
	}
	if err := s.listen(cfg); err != nil {
		panic("phonelineplustest: " + err.Error())
	}
	return s
}

// start builds the state, faults and settings the configuration asks
// for, as NewServer and Reset do.
func (s *Server) start(seed uint64) error {
	cfg := s.cfg
	cfg.seed = seed
	s.mu.Lock()
	s.st = newState(&cfg)
	s.lifetime = cfg.tokenLifetime
	s.dropPending()
	var err error
	for _, seed := range cfg.seeders {
		if err = seed(s.st); err != nil {
			break
		}
	}
	s.mu.Unlock()
	s.limiter.reset(cfg.rateLimit)
	s.faultMu.Lock()
	s.rng = rand.New(rand.NewPCG(cfg.seed, 2))
	s.faults, s.faultSeq, s.latency = nil, 0, cfg.latency
	s.faultMu.Unlock()
	for _, f := range cfg.faults {
		if _, ferr := s.AddFault(f); ferr != nil && err == nil {
			err = ferr
		}
	}
	return err
}

// Reset puts the server back as NewServer made it: the state its options
// seeded, their faults, rate limit, token lifetime and latency, an empty
// request log and a fresh rate-limit budget. API keys added since stay
// valid, and so do tokens already issued. Commits still pending from
// FaultTimeoutCommitLater never happen.
func (s *Server) Reset() { s.ResetWithSeed(s.cfg.seed) }

// ResetWithSeed is Reset with another seed for the fake's random
// decisions (see WithRandSeed).
func (s *Server) ResetWithSeed(seed uint64) {
	if err := s.start(seed); err != nil {
		panic("phonelineplustest: " + err.Error()) // the options seeded it once already
	}
	s.log.clear()
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

// Requests returns copies of the requests in the request log, in order of
// arrival, through the listener and Transport alike. The log is a ring
// (see DefaultRequestLogSize); requests to ControlPath are not in it.
func (s *Server) Requests() []Request { return s.log.list() }

// ClearRequests empties the request log.
func (s *Server) ClearRequests() { s.log.clear() }

// Handler returns the fake as an http.Handler, to mount in a server of
// your own. It expects requests under BasePath and ControlPath.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP serves one request. Under ControlPath it is the control API
// or the dashboard; anything else it records, authenticates, rate-limits,
// delays, faults, and acts on. Every answer carries an X-Request-Id.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newUUID()
	w.Header().Set("X-Request-Id", id)
	if isControl(r.URL.Path) {
		s.serveControl(w, r)
		return
	}
	rel, underBase := strings.CutPrefix(r.URL.Path, BasePath)
	if !underBase || (rel != "" && rel[0] != '/') {
		rel, underBase = r.URL.Path, false
	}
	escRel, _ := strings.CutPrefix(r.URL.EscapedPath(), BasePath)
	segs := splitPath(escRel)
	// Who is asking is settled before the body is read, so that a request
	// the fake refuses reads (and keeps) only a little of it.
	c := &call{r: r, path: rel}
	var authErr error
	switch {
	case !underBase:
		authErr = errNotUnderBase
	case r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "auth":
	default:
		c.keyID, authErr = s.verifyBearer(r.Header.Get("Authorization"))
	}
	limit := int64(maxBody)
	if authErr != nil {
		limit = MaxUnauthenticatedBody
	}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, limit+1))
	c.body = body
	headerMax, bodyMax := MaxLoggedHeader, MaxLoggedBody
	if authErr != nil {
		bodyMax = MaxUnauthenticatedBody
	}
	hdr, cutH := capHeader(r.Header, headerMax)
	logged, cutB := capBytes(body, bodyMax)
	seq := s.log.add(Request{ID: id, Method: r.Method, Path: rel, Query: r.URL.Query(),
		Header: hdr, Body: logged, Time: start, Truncated: cutH || cutB})
	var o outcome
	defer func() {
		s.log.update(seq, func(e *Request) {
			e.Status, e.KeyID, e.Fault, e.Done = o.status, o.keyID, o.fault, time.Now()
			e.ActedStatus = cmp.Or(e.ActedStatus, o.acted)
			if o.sent != nil {
				var cut bool
				e.ResponseHeader = o.sent.header.Clone()
				e.ResponseBody, cut = capBytes(o.sent.body, MaxLoggedBody)
				e.Truncated = e.Truncated || cut
			}
		})
		if s.logger != nil {
			s.logger.LogAttrs(context.Background(), slog.LevelInfo, "request",
				slog.String("id", id), slog.String("method", r.Method), slog.String("path", maskText(rel, s.secrets())),
				slog.Int("status", o.status), slog.Duration("duration", time.Since(start)))
		}
	}()
	switch {
	case !underBase:
		o.send(w, errorReply(errorf(http.StatusNotFound,
			"Not Found: the PhoneLine+ API is served under %s (POST %s/auth first); the fake's control API and dashboard are under %s (%sui)",
			BasePath, BasePath, ControlPath, ControlPath)))
	case authErr != nil:
		o.send(w, errorReply(errUnauthorized))
	case readErr != nil || len(body) > maxBody:
		o.send(w, errorReply(malformed("could not read a body of at most %d bytes", maxBody)))
	default:
		if c.keyID == "" { // POST /auth
			c.keyID = s.authKeyID(body)
		}
		s.serve(w, c, segs, seq, &o)
	}
}

var errNotUnderBase = errors.New("not under the base path")

// outcome is what ServeHTTP records about a request once it is served.
type outcome struct {
	status int
	keyID  string
	fault  *Fault
	sent   *reply // what was sent, body cut as sent
	acted  int    // the status of the fake's own answer, when a fault hid it
}

// send writes rep whole and records it.
func (o *outcome) send(w http.ResponseWriter, rep reply) {
	o.status = writeReply(w, rep)
	rep.header = w.Header().Clone() // as sent, X-Request-Id and Content-Length included
	o.sent = &rep
}

func (s *Server) serve(w http.ResponseWriter, c *call, segs []string, seq uint64, o *outcome) {
	r := c.r
	o.keyID = c.keyID
	if c.keyID != "" {
		if ok, wait := s.limiter.allow(c.keyID, time.Now()); !ok {
			rep := errorReply(errorf(http.StatusTooManyRequests, "Too Many Requests"))
			rep.header.Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
			o.send(w, rep)
			return
		}
	}
	f, wait := s.pickFault(r.Method, c.path)
	if wait > 0 && !sleepCtx(r.Context(), wait) {
		return // the client went away
	}
	if f == nil {
		o.send(w, s.act(c, segs))
		return
	}
	o.fault = f
	switch f.Action {
	case FaultRespond, FaultRedirect:
		o.send(w, f.reply())
	case FaultDropBefore:
		dropConn(w)
	case FaultDelay:
		o.send(w, s.act(c, segs))
	case FaultTimeoutAfter:
		o.acted = s.act(c, segs).status
		o.send(w, textReply(http.StatusInternalServerError, "Timeout"))
	case FaultTimeoutCommitLater:
		s.commitLater(c, segs, seq, f.CommitAfter)
		o.send(w, textReply(http.StatusInternalServerError, "Timeout"))
	case FaultOmitID:
		rep := s.act(c, segs)
		o.acted = rep.status
		o.send(w, omitIDs(rep))
	case FaultDropAfter:
		o.acted = s.act(c, segs).status
		dropConn(w)
	case FaultTruncate:
		rep := s.act(c, segs)
		o.acted = rep.status
		o.status = writeTruncated(w, rep)
		if o.status != 0 {
			rep.body = rep.body[:len(rep.body)/2]
			o.sent = &rep
		}
	}
}

// dropPending cancels the commits of FaultTimeoutCommitLater still to
// come. The caller holds s.mu.
func (s *Server) dropPending() {
	s.gen++
	for t := range s.pending {
		t.Stop()
	}
	clear(s.pending)
}

// commitLater acts on the request after d, on a timer (so virtually in a
// testing/synctest bubble), unless the server is reset or closed first.
func (s *Server) commitLater(c *call, segs []string, seq uint64, d time.Duration) {
	later := *c
	later.r = c.r.Clone(context.WithoutCancel(c.r.Context()))
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := s.gen
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		s.mu.Lock()
		_, live := s.pending[t]
		delete(s.pending, t)
		if !live || s.gen != gen {
			s.mu.Unlock()
			return
		}
		rep := s.actLocked(&later, segs)
		s.mu.Unlock()
		s.log.update(seq, func(e *Request) { e.ActedStatus = rep.status })
	})
	s.pending[t] = struct{}{}
}

// act routes the request and runs its handler under the state lock.
func (s *Server) act(c *call, segs []string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actLocked(c, segs)
}

func (s *Server) actLocked(c *call, segs []string) reply {
	h, params, allow, err := match(c.r.Method, segs)
	if err != nil {
		rep := errorReply(err.(*apiError))
		if len(allow) > 0 {
			rep.header.Set("Allow", strings.Join(allow, ", "))
		}
		return rep
	}
	c.params = params
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
