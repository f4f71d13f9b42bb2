package phonelineplus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// An attempt is one HTTP request of a call, in two steps: getting ready
// (a token, then a limiter slot: ready) and putting the request on the
// wire and reading its answer (roundTrip). classify then says what the
// answer means; the retry policy in retry.go decides what follows.

// slowHooks is how long hooks may run between a limiter slot and the
// request that spends it. Past it the request waits for a fresh slot, so
// a slow hook can never bunch requests on the wire beyond the limiter's
// margin.
const slowHooks = 50 * time.Millisecond

// ready gets a token and a limiter slot for attempt number n (1-based) and
// calls the hooks that precede a request. It returns the context of the
// attempt, which the hooks may have extended.
func (c *Client) ready(ctx context.Context, cl *call, op *operation, n int) (context.Context, *cachedToken, error) {
	for refreshed := false; ; refreshed = true {
		// Token first: an exchange spends a limiter slot of its own, and
		// the slot this request waits for must be spent by this request,
		// right before it leaves.
		var tok *cachedToken
		if !cl.noAuth {
			var err error
			if tok, err = c.token(ctx, op); err != nil {
				return nil, nil, err
			}
		}
		granted, err := op.wait(ctx, c.core.limiter)
		if err != nil {
			return nil, nil, err
		}
		op.tried = granted
		// A token that went stale during a long wait is replaced once.
		if tok != nil && !refreshed && !tok.fresh(time.Now()) {
			continue
		}
		actx := ctx
		if op.obs.active() {
			actx = op.obs.attemptStart(ctx, AttemptInfo{OperationInfo: op.info, Attempt: n, Start: granted})
			if time.Since(granted) > slowHooks {
				// A fresh slot, reported after the round trip: no hook
				// runs between it and the request.
				start := time.Now()
				err := waitLimiter(ctx, c.core.limiter)
				op.late = &LimiterWaitInfo{OperationInfo: op.info, Start: start, Wait: time.Since(start), Err: err}
				if err != nil {
					op.report(ctx)
					return nil, nil, err
				}
			}
		}
		return actx, tok, nil
	}
}

// token returns the token for a request, reporting a fresh exchange the
// call waited for to the hooks.
func (c *Client) token(ctx context.Context, op *operation) (*cachedToken, error) {
	tok, ex, err := c.core.tokens.token(ctx)
	if ex != nil && op.obs.active() {
		op.obs.tokenExchange(ctx, *ex)
	}
	return tok, err
}

// result is what one attempt's round trip produced.
type result struct {
	tok     *cachedToken // the token sent, if any
	resp    *http.Response
	status  int // 0: no response
	body    []byte
	err     error             // transport, or reading or decoding the response
	sent    bool              // the request may have reached the server
	replays int               // requests the transport sent again by itself
	waits   []LimiterWaitInfo // made by the transport's requests (redirect hops, replays)
	took    time.Duration     // on the wire, the body read included
}

// roundTrip sends one request and reads its answer within the attempt
// timeout.
func (c *Client) roundTrip(ctx context.Context, cl *call, op *operation, u string, payload []byte, tok *cachedToken) result {
	start := time.Now()
	r := result{tok: tok}
	outer := ctx
	timeout, cause := c.core.attemptTimeout, c.core.attemptTimeoutErr
	if cl.timeout > 0 && cl.timeout < timeout {
		timeout, cause = cl.timeout, fmt.Errorf("%w (%v)", errAttemptTimeout, cl.timeout)
	}
	ctx, stop := context.WithTimeoutCause(ctx, timeout, cause)
	defer stop()
	w := &wire{Context: ctx, limiter: c.core.limiter, info: op.info, stop: stop, paid: 1}
	req, err := c.newRequest(w.traced(), cl, u, payload, tok)
	if err != nil {
		r.err = err
		return r
	}
	r.resp, r.err = c.core.hc.Do(req)
	if r.err == nil {
		r.sent, r.status = true, r.resp.StatusCode
		r.body, r.err = readBody(r.resp, c.core.maxBody)
		if b := bytes.TrimSpace(r.body); r.err == nil && r.status >= 200 && r.status < 300 && cl.out != nil && len(b) > 0 {
			r.err = decodeBody(b, cl.out)
		}
	}
	w.mu.Lock()
	r.replays, r.waits = w.replays, w.waits
	refused := w.refused
	w.mu.Unlock()
	if r.err != nil {
		if r.resp == nil {
			r.sent = !notSent(r.err, w.wrote.Load()) && !(payload == nil && isRefusedStream(r.err))
		}
		if ctx.Err() != nil && outer.Err() == nil {
			// The attempt was stopped by its own timeout or by a replay
			// the limiter could not grant: say that, not "canceled".
			r.err = context.Cause(ctx)
			if refused != nil {
				r.err = refused
			}
		}
	}
	r.took = time.Since(start)
	return r
}

// newRequest builds the HTTP request of an attempt. Its body has no
// GetBody, so no transport can replay it: the SDK alone decides what is
// sent again. (It is a bytes.Reader behind io.NopCloser, which net/http
// knows to be in memory: the headers and a small body go out in one
// write.)
func (c *Client) newRequest(ctx context.Context, cl *call, u string, payload []byte, tok *cachedToken) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, cl.method, u, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case payload != nil:
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(payload)), int64(len(payload))
	case !cl.repeatable():
		// Nothing to send, but a body all the same: net/http's HTTP/2
		// transport replays a request without one by itself after some
		// stream errors (a PROTOCOL_ERROR among them, which a server may
		// send after acting), and this request must not go twice. It
		// goes as an empty body of unknown length.
		req.Body = io.NopCloser(strings.NewReader(""))
	}
	h := req.Header
	for k, v := range cl.cfg.header {
		h[k] = v
	}
	// The client's own headers, set last so they win: their values are
	// slices of one array (capacity capped, so an Add copies), one
	// allocation for all four.
	own := [...]string{"application/json", c.core.userAgent, "application/json", ""}
	h["Accept"], h["User-Agent"] = own[0:1:1], own[1:2:2]
	if payload != nil {
		h["Content-Type"] = own[2:3:3]
	}
	if tok != nil {
		own[3] = "Bearer " + tok.tok.AccessToken.Reveal()
		h["Authorization"] = own[3:4:4]
	}
	return req, nil
}

// errAttemptTimeout is the cause of an attempt that ran out of its
// attempt timeout (the client's copy says how long that was).
var errAttemptTimeout = errors.New("no answer within the attempt timeout")

// wire is what one attempt shares with the transport's callbacks (the
// client trace and the redirect policy): every request the transport puts
// on the wire for the attempt, a redirect hop or a replay, waits on the
// limiter there, and a wait the limiter refuses stops the attempt. It is
// the attempt's context too (Value(wireKey{}) finds it), and holds its
// trace, so that an attempt costs one allocation for both.
type wire struct {
	context.Context
	limiter Limiter
	info    OperationInfo
	stop    context.CancelFunc // ends the attempt
	trace   httptrace.ClientTrace
	wrote   atomic.Bool // the request headers went out

	mu      sync.Mutex
	paid    int // requests of the attempt that waited on the limiter
	conns   int // requests the transport reported sending (GotConn)
	replays int
	waits   []LimiterWaitInfo // reported to the hooks after the round trip, never between a slot and its request
	refused error             // the limiter's refusal that ended the attempt
}

type wireKey struct{}

// Value finds the wire itself, for the redirect policy.
func (w *wire) Value(key any) any {
	if key == (wireKey{}) {
		return w
	}
	return w.Context.Value(key)
}

// traced returns the attempt's context with its client trace.
func (w *wire) traced() context.Context {
	w.trace.GotConn = func(httptrace.GotConnInfo) { w.gotConn() }
	w.trace.WroteHeaders = func() { w.wrote.Store(true) }
	return httptrace.WithClientTrace(w, &w.trace)
}

// gotConn runs each time net/http is about to send the request on a
// connection: once per request on the wire, replays included. A request
// no slot was paid for waits for one.
func (w *wire) gotConn() {
	w.mu.Lock()
	w.conns++
	owed := w.conns > w.paid
	w.mu.Unlock()
	if owed && w.pay(w) == nil {
		w.mu.Lock()
		w.replays++
		w.mu.Unlock()
	}
}

// pay waits on the limiter for one more request of the attempt.
func (w *wire) pay(ctx context.Context) error {
	start := time.Now()
	err := waitLimiter(ctx, w.limiter)
	w.mu.Lock()
	w.waits = append(w.waits, LimiterWaitInfo{OperationInfo: w.info, Start: start, Wait: time.Since(start), Err: err})
	if err == nil {
		w.paid++
	} else {
		w.refused = err
	}
	w.mu.Unlock()
	if err != nil {
		w.stop()
	}
	return err
}

// h2StreamError has the shape of net/http's HTTP/2 stream error (and of
// golang.org/x/net/http2.StreamError), which converts itself to any such
// struct in errors.As: the SDK reads the code without importing x/net.
type h2StreamError struct {
	StreamID uint32
	Code     uint32
	Cause    error
}

func (e h2StreamError) Error() string {
	return fmt.Sprintf("http2 stream %d error %d", e.StreamID, e.Code)
}

const h2RefusedStream = 0x7

// isRefusedStream reports an HTTP/2 RST_STREAM(REFUSED_STREAM): the server
// says it did not process the stream. The client believes it only for a
// request without a body: a server that read a create and then claims to
// have refused it must not cause a duplicate. (net/http flattens the error
// to text when it cannot replay a body, hence the second test.)
func isRefusedStream(err error) bool {
	var se h2StreamError
	if errors.As(err, &se) {
		return se.Code == h2RefusedStream
	}
	return strings.Contains(err.Error(), "; REFUSED_STREAM")
}

var errBodyTooLarge = errors.New("response body exceeds the size limit")

func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if n := resp.ContentLength; n >= 0 && n <= limit {
		// net/http ends the body at Content-Length: read it in one go.
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return readCapped(resp.Body, limit)
}

// readCapped reads r to its end, failing once it passes limit bytes. It
// reads in chunks that double from 4 KiB to 1 MiB and are joined once:
// about twice the body in allocations on every Go version (io.ReadAll's
// smaller growth steps cost up to five times the body before Go 1.26).
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	r = io.LimitReader(r, limit+1)
	var chunks [][]byte
	buf := make([]byte, 0, 4<<10)
	var total int64
	for {
		if len(buf) == cap(buf) {
			chunks = append(chunks, buf)
			buf = make([]byte, 0, min(2*cap(buf), 1<<20))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		total += int64(n)
		if total > limit {
			return nil, fmt.Errorf("%w (%d bytes)", errBodyTooLarge, limit)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if chunks == nil {
		return buf, nil
	}
	return bytes.Join(append(chunks, buf), nil), nil
}

// classify says what one attempt's result means to the caller: the error
// it would see (nil on success), and whether the failure is one another
// attempt may fix without repeating an effect. ctxErr is the call's
// context error; acted reports that an earlier attempt of the call may
// have taken effect.
func (c *Client) classify(cl *call, r *result, ctxErr error, acted bool) verdict {
	v := verdict{retryAfter: -1}
	ok := r.status >= 200 && r.status < 300
	if r.err != nil && r.status != 0 && !ok && ctxErr == nil && !errors.Is(r.err, errBodyTooLarge) {
		// An error status whose body could not be read: the status
		// still says what happened.
		r.body, r.err = nil, nil
	}
	wrap := func(kind, cause error) error {
		return &callError{method: cl.method, path: cl.path, kind: kind, cause: cause}
	}
	switch {
	case r.err != nil && ctxErr != nil:
		v.err = wrap(nil, ctxErr)
	case r.err != nil && errors.Is(r.err, ErrRateLimited):
		v.err = wrap(nil, r.err) // a redirect hop or a replay the limiter could not grant
	case r.err != nil:
		final := errors.Is(r.err, errRedirectLoop) || errors.Is(r.err, errBodyTooLarge) || errors.Is(r.err, errInsecureRedirect)
		kind := ErrInvalidResponse
		if r.status == 0 && !final {
			kind = ErrNetwork
		}
		v.err, v.retryable = wrap(kind, c.scrubber(r.tok).error(r.err)), !final
	case ok:
		return verdict{}
	case r.status == http.StatusNotFound && cl.method == http.MethodDelete && acted:
		// An earlier attempt of this DELETE may have deleted it.
		return verdict{}
	default:
		apiErr := newAPIError(cl.method, cl.path, r.resp, r.body, c.scrubber(r.tok))
		v.err, v.retryable = apiErr, retryableStatus(r.status, cl.repeatable())
		if ra, ok := parseRetryAfter(r.resp.Header.Get("Retry-After"), time.Now()); ok && v.retryable {
			v.retryAfter = ra
		}
	}
	if !cl.repeatable() && mayHaveActed(r) {
		return verdict{err: wrap(ErrOutcomeUnknown, v.err)} // never sent again
	}
	return v
}

// mayHaveActed is the one rule for a request that must not be sent twice:
// it may have taken effect when it may have reached the server and no
// answer says it was refused. A 5xx may come after the server acted; a
// 303 (See Other) is how a server points at what a POST has just created.
func mayHaveActed(r *result) bool {
	return r.sent && (r.status == 0 || r.status < 300 || r.status == http.StatusSeeOther || r.status >= 500)
}
