package phonelineplus_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The wire harness runs the real net/http client and server, HTTP/1.1 or
// HTTP/2 over TLS, on in-memory connections (net.Pipe), so that it works
// inside a testing/synctest bubble: limiter waits, h2's own replay
// backoff and attempt timeouts all run in virtual time. Between the
// client and an HTTP/2 server sits h2Proxy, which reads frames (9-byte
// headers; it never decodes HPACK) and injects the stream faults a TLS
// gateway can send: RST_STREAM with any code, GOAWAY, a dropped
// connection. wireLog, in front of the server's handler, sees every
// request that reached the server: replays by the transport included.

// wireFault is what the proxy does to one HTTP/2 stream.
type wireFault string

const (
	wireNone wireFault = ""
	// wireRefused: RST_STREAM(REFUSED_STREAM) before the server acts.
	wireRefused wireFault = "refused"
	// The server acts (a create is committed), then the stream or the
	// connection is lost: RST_STREAM with the code, GOAWAY(last stream
	// 0), or the connection closed.
	wireResetProtocol wireFault = "reset-protocol"
	wireResetRefused  wireFault = "reset-refused"
	wireResetInternal wireFault = "reset-internal"
	wireGoAway        wireFault = "goaway"
	wireDrop          wireFault = "drop"
)

// h2 error codes (RFC 9113 section 7).
const (
	h2NoError       = 0x0
	h2ProtocolError = 0x1
	h2InternalError = 0x2
	h2RefusedStream = 0x7
)

// faultHeader carries the proxy's decision to the server's handler,
// appended to the request's header block as an HPACK literal (which
// leaves both sides' dynamic tables alone).
const faultHeader = "x-wire-fault"

// wireRequest is one request that reached the server.
type wireRequest struct {
	method, path string
	at           time.Time
}

// wireLog is the server side: it records every request, then acts out the
// proxy's fault, if any, around the real handler.
type wireLog struct {
	next http.Handler
	mu   sync.Mutex
	reqs []wireRequest
}

func (l *wireLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, wireRequest{r.Method, r.URL.Path, time.Now()})
	l.mu.Unlock()
	switch wireFault(r.Header.Get(faultHeader)) {
	case wireNone:
		l.next.ServeHTTP(w, r)
	case wireRefused:
		panic(http.ErrAbortHandler) // RST_STREAM, which the proxy turns into REFUSED_STREAM
	default:
		// Act, then lose the answer.
		l.next.ServeHTTP(httptest.NewRecorder(), r)
		panic(http.ErrAbortHandler)
	}
}

// requests returns the requests that reached the server, in order.
func (l *wireLog) requests() []wireRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]wireRequest(nil), l.reqs...)
}

// count returns how many requests of method to a path ending in suffix
// reached the server.
func (l *wireLog) count(method, suffix string) int {
	n := 0
	for _, r := range l.requests() {
		if r.method == method && strings.HasSuffix(r.path, suffix) {
			n++
		}
	}
	return n
}

// mostInAMinute is the largest number of requests that reached the server
// inside any rolling 60 s.
func (l *wireLog) mostInAMinute() int {
	reqs := l.requests()
	most, lo := 0, 0
	for hi := range reqs {
		for reqs[hi].at.Sub(reqs[lo].at) >= time.Minute {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// memListener is a net.Listener of in-memory connections.
type memListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newMemListener() *memListener {
	return &memListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error { l.once.Do(func() { close(l.done) }); return nil }
func (l *memListener) Addr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443}
}

// dial connects to the listener.
func (l *memListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wireHarness is a server on in-memory connections and an http.Client for
// it.
type wireHarness struct {
	log    *wireLog
	client *http.Client
	base   string // the URL prefix to give WithBaseURL, before the fake's path
	proxy  *h2Proxy
}

// newWireHarness serves h over HTTP/1.1 (h2 false) or over HTTP/2 with
// TLS through the fault proxy, which picks each stream's fault with
// decide (nil: none). Everything is closed when the test ends.
func newWireHarness(t *testing.T, h http.Handler, h2 bool, decide func() wireFault) *wireHarness {
	t.Helper()
	wh := &wireHarness{log: &wireLog{next: h}}
	backend := newMemListener()
	srv := &http.Server{Handler: wh.log, ErrorLog: nil}
	tr := &http.Transport{}
	if h2 {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true) // the proxy speaks h2 with prior knowledge to the backend
		srv.Protocols = &p
		cert, pool := wireCert(t)
		wh.proxy = &h2Proxy{backend: backend, decide: decide,
			tls: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}, front: newMemListener()}
		go wh.proxy.serve()
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) { return wh.proxy.front.dial(ctx) }
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: "api.test"}
		tr.ForceAttemptHTTP2 = true
		wh.base = "https://api.test"
	} else {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) { return backend.dial(ctx) }
		wh.base = "http://127.0.0.1"
	}
	go func() { _ = srv.Serve(backend) }()
	wh.client = &http.Client{Transport: tr}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if wh.proxy != nil {
			wh.proxy.close()
		}
		_ = srv.Close()
	})
	return wh
}

// baseURL returns the base URL for the fake at fakeURL, through the harness.
func (wh *wireHarness) baseURL(t *testing.T, fakeURL string) string {
	t.Helper()
	u, err := url.Parse(fakeURL)
	require.NoError(t, err)
	return wh.base + u.Path
}

// wireCert returns a self-signed certificate for api.test, valid in
// synctest's year 2000 too, and a pool that trusts it.
func wireCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "api.test"}, DNSNames: []string{"api.test"},
		NotBefore: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// h2Proxy terminates TLS from the client and relays HTTP/2 frames to the
// backend, tagging each new stream with the fault decide picks and acting
// it out when the backend resets that stream.
type h2Proxy struct {
	front, backend *memListener
	tls            *tls.Config
	decide         func() wireFault

	mu     sync.Mutex
	faults map[*h2Conn]map[uint32]wireFault
	conns  []*h2Conn
}

// h2Conn is one client connection and its backend connection.
type h2Conn struct {
	client, backend net.Conn
	wmu             sync.Mutex // serialises writes to the client
	once            sync.Once
}

func (c *h2Conn) close() {
	c.once.Do(func() {
		_ = c.client.Close()
		_ = c.backend.Close()
	})
}

func (p *h2Proxy) serve() {
	for {
		raw, err := p.front.Accept()
		if err != nil {
			return
		}
		go p.relay(raw)
	}
}

func (p *h2Proxy) close() {
	p.front.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.close()
	}
}

func (p *h2Proxy) relay(raw net.Conn) {
	client := tls.Server(raw, p.tls)
	if client.Handshake() != nil {
		_ = raw.Close()
		return
	}
	backend, err := p.backend.dial(context.Background())
	if err != nil {
		_ = client.Close()
		return
	}
	c := &h2Conn{client: client, backend: backend}
	p.mu.Lock()
	p.conns = append(p.conns, c)
	if p.faults == nil {
		p.faults = map[*h2Conn]map[uint32]wireFault{}
	}
	p.faults[c] = map[uint32]wireFault{}
	p.mu.Unlock()
	go p.upstream(c)
	p.downstream(c)
}

// upstream relays client frames to the backend, tagging new streams.
func (p *h2Proxy) upstream(c *h2Conn) {
	defer c.close()
	preface := make([]byte, len(http2Preface))
	if _, err := io.ReadFull(c.client, preface); err != nil || string(preface) != http2Preface {
		return
	}
	if _, err := c.backend.Write(preface); err != nil {
		return
	}
	for {
		hdr, payload, err := readFrame(c.client)
		if err != nil {
			return
		}
		if hdr.typ == frameHeaders {
			fault := wireNone
			if p.decide != nil {
				fault = p.decide()
			}
			if fault != wireNone {
				p.mu.Lock()
				p.faults[c][hdr.stream] = fault
				p.mu.Unlock()
				if hdr.flags&(flagPadded|flagPriority) != 0 || hdr.flags&flagEndHeaders == 0 {
					panic("h2Proxy: the client sent a header block this proxy does not rewrite")
				}
				payload = append(payload, hpackLiteral(faultHeader, string(fault))...)
			}
		}
		if writeFrame(c.backend, hdr, payload) != nil {
			return
		}
	}
}

// downstream relays backend frames to the client, turning the backend's
// resets of faulted streams into the faults.
func (p *h2Proxy) downstream(c *h2Conn) {
	defer c.close()
	for {
		hdr, payload, err := readFrame(c.backend)
		if err != nil {
			return
		}
		if hdr.typ == frameRSTStream {
			p.mu.Lock()
			fault := p.faults[c][hdr.stream]
			p.mu.Unlock()
			switch fault {
			case wireRefused, wireResetRefused:
				binary.BigEndian.PutUint32(payload, h2RefusedStream)
			case wireResetProtocol:
				binary.BigEndian.PutUint32(payload, h2ProtocolError)
			case wireResetInternal:
				binary.BigEndian.PutUint32(payload, h2InternalError)
			case wireGoAway:
				// GOAWAY(last stream 0): the server claims it processed
				// nothing on this connection, and closes it.
				goAway := make([]byte, 8)
				binary.BigEndian.PutUint32(goAway[4:], h2NoError)
				c.wmu.Lock()
				_ = writeFrame(c.client, frameHeader{typ: frameGoAway}, goAway)
				c.wmu.Unlock()
				return
			case wireDrop:
				return
			}
		}
		c.wmu.Lock()
		err = writeFrame(c.client, hdr, payload)
		c.wmu.Unlock()
		if err != nil {
			return
		}
	}
}

const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

const (
	frameHeaders   = 0x1
	frameRSTStream = 0x3
	frameGoAway    = 0x7

	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

type frameHeader struct {
	length uint32
	typ    byte
	flags  byte
	stream uint32
}

func readFrame(r io.Reader) (frameHeader, []byte, error) {
	var b [9]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return frameHeader{}, nil, err
	}
	h := frameHeader{
		length: uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]),
		typ:    b[3], flags: b[4], stream: binary.BigEndian.Uint32(b[5:]) & (1<<31 - 1),
	}
	payload := make([]byte, h.length)
	_, err := io.ReadFull(r, payload)
	return h, payload, err
}

func writeFrame(w io.Writer, h frameHeader, payload []byte) error {
	n := len(payload)
	b := make([]byte, 9, 9+n)
	b[0], b[1], b[2], b[3], b[4] = byte(n>>16), byte(n>>8), byte(n), h.typ, h.flags
	binary.BigEndian.PutUint32(b[5:], h.stream)
	_, err := w.Write(append(b, payload...))
	return err
}

// hpackLiteral encodes a header field as a literal without indexing with
// a new name, no Huffman coding (RFC 7541 section 6.2.2).
func hpackLiteral(name, value string) []byte {
	if len(name) > 126 || len(value) > 126 {
		panic("hpackLiteral: too long")
	}
	b := []byte{0x00, byte(len(name))}
	b = append(b, name...)
	b = append(b, byte(len(value)))
	return append(b, value...)
}

// seededFaults returns a decide function that picks, for each stream, one
// of faults with probability rate each, from a seeded source.
func seededFaults(seed uint64, rate float64, faults ...wireFault) func() wireFault {
	var mu sync.Mutex
	rng := mrand.New(mrand.NewPCG(seed, seed))
	return func() wireFault {
		mu.Lock()
		defer mu.Unlock()
		x := rng.Float64()
		for _, f := range faults {
			if x < rate {
				return f
			}
			x -= rate
		}
		return wireNone
	}
}
