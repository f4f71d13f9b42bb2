package phonelineplustest

import (
	"net/http"
	"net/url"
	"sync"
	"time"
)

// The request log's bounds. The log is a ring: once it holds
// DefaultRequestLogSize requests, or DefaultRequestLogBytes of bodies and
// headers, the oldest requests make room for new ones
// (WithRequestLogLimits changes both). What one request may keep is capped
// too, so that junk sent to a shared fake cannot grow its memory: a
// request that is refused before it reaches the API (no valid token, a
// path outside BasePath) keeps at most MaxUnauthenticatedBody bytes of its
// body, which is all the fake reads of it, and MaxLoggedHeader bytes of
// headers; any other request keeps MaxLoggedBody bytes of its body and of
// the answer's. Request.Truncated says when something was cut.
const (
	DefaultRequestLogSize  = 50_000
	DefaultRequestLogBytes = 64 << 20
	MaxLoggedBody          = 64 << 10
	MaxUnauthenticatedBody = 1 << 10
	MaxLoggedHeader        = 8 << 10
)

// Request is one request the fake received, as Requests reports it.
type Request struct {
	ID     string // the X-Request-Id the fake answered with
	Method string
	Path   string // relative to BasePath, as received: "/customers/abc/users/" (in full if not under BasePath)
	Query  url.Values
	Header http.Header
	Body   []byte
	Time   time.Time // when it arrived
	KeyID  string    // the API key it was attributed to; "" if none
	Status int       // the status sent; 0 if no response was (connection dropped, client gone) or none yet
	Fault  *Fault    // the fault applied to it; nil if none
	// Done is when the fake finished with it; zero while it is being served.
	Done time.Time
	// ResponseHeader and ResponseBody are the answer sent (the part sent,
	// for a truncated one); nil when none was.
	ResponseHeader http.Header
	ResponseBody   []byte
	// ActedStatus is the status the fake's own action answered when a
	// fault hid that answer (FaultTimeoutAfter, FaultTimeoutCommitLater
	// once committed, FaultDropAfter, FaultTruncate, FaultOmitID); 0 when
	// the fault kept the fake from acting, or there was none.
	ActedStatus int
	// Truncated reports that Body, Header or ResponseBody holds only the
	// first part of what was sent (see MaxLoggedBody).
	Truncated bool
}

func (r Request) clone() Request {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.ResponseHeader = r.ResponseHeader.Clone()
	r.Body = cloneBytes(r.Body)
	r.ResponseBody = cloneBytes(r.ResponseBody)
	if r.Fault != nil {
		f := r.Fault.clone()
		r.Fault = &f
	}
	return r
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func cloneValues(v url.Values) url.Values { return url.Values(http.Header(v).Clone()) }

// cost is what an entry counts against the log's byte budget.
func (r *Request) cost() int64 {
	return int64(len(r.Path)+len(r.Body)+len(r.ResponseBody)+headerSize(r.Header)+headerSize(r.ResponseHeader)+
		headerSize(http.Header(r.Query))) + 256
}

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// capHeader returns a copy of h with at most max bytes of fields, and
// whether some were left out.
func capHeader(h http.Header, max int) (http.Header, bool) {
	out := make(http.Header, len(h))
	n, cut := 0, false
	for k, vs := range h {
		for _, v := range vs {
			if n += len(k) + len(v) + 4; n > max {
				cut = true
				continue
			}
			out[k] = append(out[k], v)
		}
	}
	return out, cut
}

func capBytes(b []byte, max int) ([]byte, bool) {
	if len(b) > max {
		return cloneBytes(b[:max]), true
	}
	return cloneBytes(b), false
}

// requestLog is the ring of requests, and the subscribers that watch it.
type requestLog struct {
	mu       sync.Mutex
	maxN     int
	maxBytes int64
	entries  []*Request // oldest first, from head
	head     int
	seqHead  uint64 // sequence number of entries[head]
	bytes    int64
	dropped  uint64 // requests evicted so far
	subs     map[chan Request]struct{}
}

func newRequestLog(n int, bytes int64) *requestLog {
	return &requestLog{maxN: n, maxBytes: bytes, subs: map[chan Request]struct{}{}}
}

// add appends r and returns its sequence number.
func (l *requestLog) add(r Request) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	seq := l.seqHead + uint64(len(l.entries)-l.head)
	l.entries = append(l.entries, &r)
	l.bytes += r.cost()
	l.evict()
	l.publish(r)
	return seq
}

// evict drops the oldest entries until the log is within its bounds; it
// keeps the newest entry whatever its size.
func (l *requestLog) evict() {
	for n := len(l.entries) - l.head; n > 1 && (n > l.maxN || l.bytes > l.maxBytes); n-- {
		l.bytes -= l.entries[l.head].cost()
		l.entries[l.head] = nil
		l.head++
		l.seqHead++
		l.dropped++
	}
	if l.head > 1024 && l.head > len(l.entries)/2 {
		l.entries = append(l.entries[:0:0], l.entries[l.head:]...)
		l.head = 0
	}
}

// update applies f to the entry with sequence number seq, if the log
// still holds it.
func (l *requestLog) update(seq uint64, f func(*Request)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq < l.seqHead || seq-l.seqHead >= uint64(len(l.entries)-l.head) {
		return
	}
	e := l.entries[l.head+int(seq-l.seqHead)]
	l.bytes -= e.cost()
	f(e)
	l.bytes += e.cost()
	l.evict()
	l.publish(*e)
}

// list returns copies of the entries, oldest first.
func (l *requestLog) list() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, 0, len(l.entries)-l.head)
	for _, e := range l.entries[l.head:] {
		out = append(out, e.clone())
	}
	return out
}

// clear empties the log.
func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seqHead += uint64(len(l.entries) - l.head)
	l.entries, l.head, l.bytes = nil, 0, 0
}

func (l *requestLog) setLimits(n int, bytes int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxN, l.maxBytes = n, bytes
	l.evict()
}

func (l *requestLog) limits() (int, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.maxN, l.maxBytes
}

// subscribe returns a channel that receives a copy of every request when
// it arrives and again when it is done, and a function to stop. A
// subscriber that falls behind by more than its buffer has its channel
// closed (it can read the log again and subscribe anew).
func (l *requestLog) subscribe() (<-chan Request, func()) {
	ch := make(chan Request, 256)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := l.subs[ch]; ok {
			delete(l.subs, ch)
			close(ch)
		}
	}
}

func (l *requestLog) publish(r Request) {
	if len(l.subs) == 0 {
		return
	}
	r = r.clone()
	for ch := range l.subs {
		select {
		case ch <- r:
		default:
			delete(l.subs, ch)
			close(ch)
		}
	}
}

// closeSubscribers ends every subscription (when the server closes).
func (l *requestLog) closeSubscribers() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		delete(l.subs, ch)
		close(ch)
	}
}
