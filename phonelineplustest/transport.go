package phonelineplustest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ErrClosed is returned by Transport's RoundTrip once the server is closed.
var ErrClosed = errors.New("phonelineplustest: server closed")

// Transport returns an http.RoundTripper that serves requests through the
// fake in memory, in the caller's goroutine, without the network. It
// answers any host, so use it with URL. Inside a testing/synctest bubble
// everything it does (token expiry, the rate-limit window, latency
// faults) runs on the bubble's virtual clock. A dropped connection is a
// RoundTrip error wrapping io.ErrUnexpectedEOF; a truncated body fails
// its Read with io.ErrUnexpectedEOF.
func (s *Server) Transport() http.RoundTripper { return transport{s} }

type transport struct{ s *Server }

// RoundTrip serves req through the fake's handler.
func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	if t.s.closed.Load() {
		return nil, ErrClosed
	}
	ctx := req.Context()
	in := req.Clone(ctx)
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:0"
	in.Host = req.URL.Host
	w := &memResponse{header: http.Header{}}
	t.s.ServeHTTP(w, in)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !w.wroteHeader {
		if w.dropped {
			return nil, fmt.Errorf("phonelineplustest: connection dropped: %w", io.ErrUnexpectedEOF)
		}
		w.WriteHeader(http.StatusOK)
	}
	declared, err := strconv.ParseInt(w.header.Get("Content-Length"), 10, 64)
	if err != nil {
		declared = -1
	}
	rb := &memBody{r: bytes.NewReader(w.body.Bytes())}
	rb.short = w.dropped || (declared >= 0 && declared > int64(w.body.Len()))
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          rb,
		ContentLength: declared,
		Request:       req,
	}, nil
}

// memResponse is the http.ResponseWriter of an in-memory request.
type memResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
	dropped     bool
}

func (m *memResponse) Header() http.Header { return m.header }

func (m *memResponse) WriteHeader(status int) {
	if m.wroteHeader {
		return
	}
	m.wroteHeader = true
	m.status = status
	m.header = m.header.Clone()
}

func (m *memResponse) Write(p []byte) (int, error) {
	if m.dropped {
		return 0, io.ErrClosedPipe
	}
	m.WriteHeader(http.StatusOK)
	return m.body.Write(p)
}

// Flush does nothing: the whole response is handed over at the end.
func (m *memResponse) Flush() {}

// memBody is a response body that, when short, ends with
// io.ErrUnexpectedEOF as a cut connection does.
type memBody struct {
	r     *bytes.Reader
	short bool
}

func (b *memBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF && b.short {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *memBody) Close() error { return nil }
