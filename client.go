package phonelineplus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to the PhoneLine+ Partner API. Create it with New and share
// it: a Client is safe for concurrent use by multiple goroutines, and all of
// them spend one rate budget and one cached token.
type Client struct {
	Addresses      *AddressesService
	Customers      *CustomersService
	Numbers        *NumbersService
	BlockedNumbers *BlockedNumbersService
	Users          *UsersService
	Devices        *DevicesService
	Orders         *OrdersService
	Products       *ProductsService
	Partner        *PartnerService
	PartnerUsers   *PartnerUsersService
	Stats          *StatsService

	core *core // behind a pointer: fmt's %+v of a Client shows only an address
}

// service is what every resource service is made of.
type service struct{ client *Client }

type core struct {
	base         string
	hc           *http.Client
	limiter      Limiter
	tokens       *tokenCache
	maxRetries   int
	maxRetryWait time.Duration
	logger       *slog.Logger
	userAgent    string
	maxBody      int64
	secret       Secret // scrubbed from error bodies
	settleWindow time.Duration
}

// New returns a Client for the API key keyID and its secret. Nothing is
// sent until the first call; the token exchange happens then. New returns a
// *ValidationError for an empty key or secret or an invalid option.
func New(keyID, secret string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(keyID) == "" {
		return nil, invalid("keyID", "is empty")
	}
	if strings.TrimSpace(secret) == "" {
		return nil, invalid("secret", "is empty")
	}
	cfg := config{
		baseURL:      ProductionURL,
		maxRetries:   DefaultMaxRetries,
		maxRetryWait: DefaultMaxRetryWait,
		maxBody:      DefaultMaxResponseBytes,
		settleWindow: DefaultSettleWindow,
	}
	for _, o := range opts {
		if o.apply == nil {
			continue
		}
		if err := o.apply(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.limiter == nil {
		cfg.limiter = newRateLimiter(DefaultRatePerMinute, 1)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	ua := "phonelineplus-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	c := &Client{core: &core{
		base: cfg.baseURL, limiter: cfg.limiter, maxRetries: cfg.maxRetries,
		maxRetryWait: cfg.maxRetryWait, logger: cfg.logger, userAgent: ua,
		maxBody: cfg.maxBody, secret: NewSecret(secret), settleWindow: cfg.settleWindow,
	}}
	c.core.hc = c.redirectPolicy(cfg.httpClient)
	src := cfg.tokenSource
	if src == nil {
		src = &keyExchange{client: c, keyID: keyID, secret: c.core.secret}
	}
	c.core.tokens = &tokenCache{src: src}
	s := &service{client: c}
	c.Addresses = (*AddressesService)(s)
	c.Customers = (*CustomersService)(s)
	c.Numbers = (*NumbersService)(s)
	c.BlockedNumbers = (*BlockedNumbersService)(s)
	c.Users = (*UsersService)(s)
	c.Devices = (*DevicesService)(s)
	c.Orders = (*OrdersService)(s)
	c.Products = (*ProductsService)(s)
	c.Partner = (*PartnerService)(s)
	c.PartnerUsers = (*PartnerUsersService)(s)
	c.Stats = (*StatsService)(s)
	return c, nil
}

var errRedirectLoop = errors.New("stopped after 10 redirects")

// redirectPolicy copies hc (or makes the default client) so that only a
// GET follows redirects, at most 10, each hop waiting on the limiter.
func (c *Client) redirectPolicy(hc *http.Client) *http.Client {
	cp := &http.Client{Timeout: DefaultAttemptTimeout}
	if hc != nil {
		*cp = *hc
	}
	inner := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if via[0].Method != http.MethodGet {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errRedirectLoop
		}
		if inner != nil {
			if err := inner(req, via); err != nil {
				return err
			}
		}
		return waitLimiter(req.Context(), c.core.limiter)
	}
	return cp
}

// call is one API operation as the resource methods describe it.
type call struct {
	op         string // "Customers.Create", for logs and hooks
	method     string
	tmpl       string // the path template ("/customers/{customerID}"), for hooks
	path       string // relative to the base URL, IDs already escaped
	query      url.Values
	body       any // marshalled to JSON; nil sends no body
	out        any // decoded from JSON; nil discards the body
	noAuth     bool
	idempotent bool // force retry-safety (the /auth exchange)
	opts       []CallOption
	cfg        callConfig // opts applied, by do
}

// Ptr returns a pointer to v, for the optional fields of update requests:
// CustomerUpdateRequest{CompanyName: phonelineplus.Ptr("Acme Ltd")}.
func Ptr[T any](v T) *T { return &v }

// getList GETs a list endpoint and returns its items (never nil on success).
func getList[T any](ctx context.Context, c *Client, cl *call) ([]T, error) {
	var l list[T]
	cl.method, cl.out = http.MethodGet, &l
	if err := c.do(ctx, cl); err != nil {
		return nil, err
	}
	if l.Data == nil {
		l.Data = []T{}
	}
	return l.Data, nil
}

// send makes one call and decodes the response into a new T.
func send[T any](ctx context.Context, c *Client, cl *call) (*T, error) {
	out := new(T)
	cl.out = out
	if err := c.do(ctx, cl); err != nil {
		return nil, err
	}
	return out, nil
}

// repeatable reports whether the call may be sent again after it may have
// reached the server.
func (cl *call) repeatable() bool { return cl.idempotent || idempotent(cl.method) }

// Do sends a request to any path of the API through the same machinery as
// the typed methods: token, limiter, retries and errors. path is relative to
// the base URL ("/customers/123/numbers/") and may carry a query. body is
// marshalled with encoding/json (pass json.RawMessage for bytes already
// encoded; nil sends none); out, when not nil, receives the decoded JSON
// response (a *json.RawMessage receives it verbatim). POST and PATCH are
// treated as not idempotent: on ErrOutcomeUnknown, check before resending.
// Use it for endpoints this SDK does not model, or whose path differs on
// your account.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...CallOption) error {
	if method == "" || strings.ContainsFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return invalid("method", "must be an upper-case HTTP method")
	}
	p, rawQuery, _ := strings.Cut(path, "?")
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(path, "#\\") ||
		strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return invalid("path", "must be a path relative to the base URL, starting with /")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return invalid("path", "must not contain . or .. segments")
		}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return invalid("path", "has an unreadable query")
	}
	return c.do(ctx, &call{op: "Do", method: method, tmpl: p, path: p, query: q, body: body, out: out, opts: opts})
}

// do is the one request path: every HTTP request the client sends goes
// through here.
func (c *Client) do(ctx context.Context, cl *call) (err error) {
	if cl.cfg, err = newCallConfig(cl.opts); err != nil {
		return err
	}
	if cl.cfg.maxRetries < 0 {
		cl.cfg.maxRetries = c.core.maxRetries
	}
	var payload []byte
	if cl.body != nil {
		if payload, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("phonelineplus: encoding the %s body: %w", cl.op, err)
		}
	}
	u := c.core.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	replayed := false
	var meta Response
	defer func() {
		if cl.cfg.resp != nil {
			*cl.cfg.resp = meta
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Attempts = meta.Attempts
		}
	}()
	for attempt := 0; ; attempt++ {
		r := c.attempt(ctx, cl, u, payload, attempt)
		meta.LimiterWait += r.limited
		if !r.pre {
			meta.Attempts++
		}
		if r.resp != nil {
			meta.StatusCode = r.status
			meta.Header = r.resp.Header.Clone()
			meta.RequestID = requestID(r.resp.Header)
			if r.resp.Request != nil {
				meta.URL = r.resp.Request.URL.String()
			}
			meta.RateLimit = parseRateLimit(r.resp.Header, time.Now())
		}
		if r.tok != nil && r.status == http.StatusUnauthorized && !replayed {
			// The token was revoked or expired early: drop it, exchange
			// once more and replay once. The API refused the request, so
			// this is safe for a POST too.
			c.core.tokens.invalidate(r.tok)
			replayed = true
			attempt--
			continue
		}
		wait, err := c.judge(ctx, cl, r, attempt)
		if wait < 0 {
			return err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return fmt.Errorf("phonelineplus: %s %s: waiting to retry: %w", cl.method, cl.path, serr)
		}
	}
}

// result is what one attempt produced.
type result struct {
	tok    *cachedToken // the token sent, if any
	status int          // 0: no response
	resp   *http.Response
	body   []byte
	err    error // before any response: limiter, token, transport; after: body read or decode
	pre    bool  // err came before the HTTP request: limiter or token
	sent   bool  // the request may have reached the server
	// limited is how long the attempt waited on the Limiter.
	limited time.Duration
}

func (c *Client) attempt(ctx context.Context, cl *call, u string, payload []byte, attempt int) result {
	var r result
	r.pre = true
	for refreshed := false; ; refreshed = true {
		// Token first: an exchange spends a limiter slot of its own, and
		// the slot this request waits for must be spent by this request,
		// right before it leaves.
		if !cl.noAuth {
			if r.tok, r.err = c.core.tokens.token(ctx); r.err != nil {
				return r
			}
		}
		start := time.Now()
		if r.err = waitLimiter(ctx, c.core.limiter); r.err != nil {
			return r
		}
		r.limited += time.Since(start)
		// A token that went stale during a long wait is replaced once.
		if r.tok == nil || refreshed || r.tok.fresh(time.Now()) {
			break
		}
	}
	r.pre = false
	// Whether the headers went out matters only to a request that must not
	// be sent twice; tracing costs every request that has it.
	var wrote atomic.Bool
	tctx := ctx
	if !cl.repeatable() {
		tctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(tctx, cl.method, u, body)
	if err != nil {
		r.err = err
		return r
	}
	if payload == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range cl.cfg.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.core.userAgent)
	if r.tok != nil {
		req.Header.Set("Authorization", "Bearer "+r.tok.tok.AccessToken)
	}
	sendStart := time.Now()
	r.resp, r.err = c.core.hc.Do(req)
	if r.err != nil {
		r.sent = !notSent(r.err, wrote.Load())
	} else {
		r.sent = true
		r.status = r.resp.StatusCode
		r.body, r.err = readBody(r.resp, c.core.maxBody)
		if b := bytes.TrimSpace(r.body); r.err == nil && r.status >= 200 && r.status < 300 && cl.out != nil && len(b) > 0 {
			r.err = decodeBody(b, cl.out)
		}
	}
	c.logAttempt(ctx, cl, &r, attempt, time.Since(sendStart), r.limited)
	return r
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

func (c *Client) logAttempt(ctx context.Context, cl *call, r *result, attempt int, took, limited time.Duration) {
	level := slog.LevelDebug
	if r.err != nil || r.status >= 400 {
		level = slog.LevelWarn
	}
	if !c.core.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", cl.op), slog.String("method", cl.method), slog.String("path", cl.path),
		slog.Int("status", r.status), slog.Int("attempt", attempt+1),
		slog.Duration("duration", took), slog.Duration("limiter_wait", limited),
	}
	if r.err != nil {
		attrs = append(attrs, slog.String("error", c.scrubString(r.err.Error())))
	}
	c.core.logger.LogAttrs(ctx, level, "phonelineplus request", attrs...)
}
