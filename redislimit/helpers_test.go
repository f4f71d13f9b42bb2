package redislimit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// backend is the Redis a test runs on: a real server when REDIS_URL is set,
// otherwise an embedded miniredis of the test's own.
type backend struct {
	url    string               // what a client (or a child process) dials
	mr     *miniredis.Miniredis // nil on a real server
	prefix string               // key prefix unique to the test
}

// newBackend returns the test's Redis and a key prefix no other test uses,
// so tests can share one real server. The test's keys are deleted at the end.
func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{url: os.Getenv("REDIS_URL"), prefix: uniquePrefix(t)}
	if b.url == "" {
		b.mr = miniredis.RunT(t)
		b.url = "redis://" + b.mr.Addr() + "/0"
	}
	rdb := b.client(t)
	require.NoError(t, rdb.Ping(t.Context()).Err(), "Redis at %s", b.url)
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := rdb.Keys(ctx, "rate:"+b.prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return b
}

func (b *backend) real() bool { return b.mr == nil }

// client returns a new Redis client for the backend, closed at the end of
// the test.
func (b *backend) client(t *testing.T) redis.UniversalClient {
	t.Helper()
	return b.clientAt(t, "")
}

// clientAt returns a client that dials addr (a proxy, say) instead of the
// backend's own address, with the backend's database and credentials.
func (b *backend) clientAt(t *testing.T, addr string) redis.UniversalClient {
	t.Helper()
	opts := redisOptions(t, b.url)
	if addr != "" {
		opts.Addr = addr
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// redisOptions parses a redis:// URL, with ContextTimeoutEnabled on as the
// package documentation advises.
func redisOptions(t testing.TB, rawURL string) *redis.Options {
	t.Helper()
	opts, err := redis.ParseURL(rawURL)
	require.NoError(t, err)
	opts.ContextTimeoutEnabled = true
	return opts
}

func uniquePrefix(t *testing.T) string {
	name := strings.NewReplacer("{", "_", "}", "_", " ", "_").Replace(t.Name())
	return "redislimit-test:" + name + ":" + randomHex(t, 4) + ":"
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// proxy is a TCP proxy in front of Redis that a test can take down, bring
// back on the same address, or make stall, to see the limiter through
// real network failures on either backend.
type proxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	stall bool
}

func newProxy(t *testing.T, b *backend) *proxy {
	t.Helper()
	p := &proxy{t: t, target: redisOptions(t, b.url).Addr, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	p.Up()
	t.Cleanup(p.Down)
	return p
}

// Up starts listening (again, on the same address).
func (p *proxy) Up() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(p.t, err)
	p.mu.Lock()
	p.ln, p.addr, p.stall = ln, ln.Addr().String(), false
	p.mu.Unlock()
	go p.serve(ln)
}

// Down closes the listener and every connection: Redis is unreachable.
func (p *proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// Stall drops the open connections and makes new ones hang: Redis accepts
// and never answers.
func (p *proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stall = true
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			continue
		}
		p.mu.Lock()
		stall := p.stall
		p.mu.Unlock()
		if stall {
			go func() { _, _ = io.Copy(io.Discard, c) }()
			continue
		}
		go p.pipe(c)
	}
}

func (p *proxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(up) {
		_ = c.Close()
		return
	}
	go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
	_, _ = io.Copy(c, up)
	_ = c.Close()
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// clockHook sets miniredis's clock to the caller's time.Now before each
// command. Inside a testing/synctest bubble that is the bubble's fake clock,
// so the GCRA script, which reads Redis's TIME, runs on virtual time. With
// oneWay set, each command also takes that long to reach Redis and as long
// again to come back, in virtual time.
type clockHook struct {
	mr     *miniredis.Miniredis
	oneWay time.Duration
}

func (h clockHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h clockHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		time.Sleep(h.oneWay)
		h.mr.SetTime(time.Now())
		err := next(ctx, cmd)
		time.Sleep(h.oneWay)
		return err
	}
}

func (h clockHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// isNetError reports whether err carries a network error, as a Redis
// failure should.
func isNetError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) || errors.Is(err, io.EOF)
}
