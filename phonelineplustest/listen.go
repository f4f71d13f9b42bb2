package phonelineplustest

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// The listener's accept loop and its connections block in network I/O,
// which would stop a testing/synctest bubble's clock from ever advancing
// if they ran inside the bubble. So they run outside every bubble, in
// goroutines started by one idle goroutine that this package starts when
// it is initialised (before any test runs). Requests served through the
// listener therefore see the real clock; requests served through
// Transport run in the caller's goroutine and see the caller's clock.
var (
	spawnMu   sync.Mutex
	spawnReq  = make(chan func())
	spawnDone = make(chan (<-chan struct{}))
)

func init() {
	go func() {
		for f := range spawnReq {
			done := make(chan struct{})
			go func() {
				defer close(done)
				f()
			}()
			spawnDone <- done
		}
	}()
}

// goOutsideBubble runs f in a new goroutine outside any synctest bubble and
// returns a channel closed when f returns.
func goOutsideBubble(f func()) <-chan struct{} {
	spawnMu.Lock()
	defer spawnMu.Unlock()
	spawnReq <- f
	return <-spawnDone
}

// listen starts serving on the configured listener or address.
func (s *Server) listen(cfg config) error {
	ln := cfg.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.addr); err != nil {
			return err
		}
	}
	scheme := "http"
	s.hs = &http.Server{
		Handler:           http.HandlerFunc(s.serveListener),
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	if cfg.tls {
		tc, err := s.newTLS(ln.Addr())
		if err != nil {
			_ = ln.Close()
			return err
		}
		s.hs.TLSConfig, scheme = tc, "https"
	}
	s.url = scheme + "://" + dialable(ln.Addr()) + BasePath
	if a, ok := ln.Addr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
		s.loopbackOnly = true
	}
	s.served = goOutsideBubble(func() {
		var err error
		if cfg.tls {
			err = s.hs.ServeTLS(ln, "", "")
		} else {
			err = s.hs.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = ln.Close()
		}
	})
	return nil
}

// dialable returns the host:port a client on this machine dials for a
// listener's address: 127.0.0.1 for one listening on every address
// ("0.0.0.0", "::"), which is also a URL the SDK accepts over plain HTTP.
func dialable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// serveListener serves a request that came through the listener, counting
// it so that Close can wait for it.
func (s *Server) serveListener(w http.ResponseWriter, r *http.Request) {
	s.connMu.Lock()
	if s.connClosed {
		s.connMu.Unlock()
		writeReply(w, errorReply(errorf(http.StatusServiceUnavailable, "Server closed")))
		return
	}
	s.active.Add(1)
	s.connMu.Unlock()
	defer s.active.Done()
	s.ServeHTTP(w, r)
}

// Close stops the listener, closes its connections, and waits for the
// requests it was serving to finish. After Close, Transport fails every
// request, and commits pending from FaultTimeoutCommitLater never happen.
// State and Requests stay readable. Close may be called more
// than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.closed.Store(true)
		s.connMu.Lock()
		s.connClosed = true
		s.connMu.Unlock()
		s.log.closeSubscribers() // ends the request log's streams
		s.mu.Lock()
		s.dropPending()
		s.mu.Unlock()
		_ = s.hs.Close()
		<-goOutsideBubble(func() {
			<-s.served
			s.active.Wait()
		})
	})
}
