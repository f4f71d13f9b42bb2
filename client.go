package phonelineplus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
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
	base              string
	serverAddr        string       // the base URL's host, for hooks
	serverPort        int          // and its port
	hc                *http.Client // Timeout zero: attemptTimeout bounds each attempt
	attemptTimeout    time.Duration
	limiter           Limiter
	tokens            *tokenCache
	maxRetries        int
	maxRetryWait      time.Duration
	attemptTimeoutErr error // the cause of an attempt that timed out
	obs               observer
	userAgent         string
	maxBody           int64
	secret            Secret // scrubbed from error bodies
	settleWindow      time.Duration
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
	base, err := checkBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	addr, port := serverOf(base)
	if cfg.limiter == nil {
		cfg.limiter = newRateLimiter(DefaultRatePerMinute, 1)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	} else {
		cfg.hooks = append(cfg.hooks, logHooks(cfg.logger))
	}
	ua := "phonelineplus-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	c := &Client{core: &core{
		base: base, serverAddr: addr, serverPort: port, limiter: cfg.limiter, maxRetries: cfg.maxRetries,
		maxRetryWait: cfg.maxRetryWait, obs: observer{sets: cfg.hooks, logger: cfg.logger},
		userAgent: ua, maxBody: cfg.maxBody, secret: NewSecret(secret),
		settleWindow: cfg.settleWindow,
	}}
	c.core.hc, c.core.attemptTimeout = c.httpClient(cfg.httpClient)
	c.core.attemptTimeoutErr = fmt.Errorf("%w (%v)", errAttemptTimeout, c.core.attemptTimeout)
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

var (
	errCallTimeout      = fmt.Errorf("%w: the call had no deadline and ran out of DefaultCallTimeout (%v)", context.DeadlineExceeded, DefaultCallTimeout)
	errRedirectLoop     = errors.New("stopped after 10 redirects")
	errInsecureRedirect = errors.New("refused a redirect from https to plain http")
)

// httpClient copies hc (or makes the default client) for the client's
// use. Its Timeout moves to the attempt timeout, which the client applies
// to each attempt itself, so that a zero Timeout still has a bound. Only a
// GET follows redirects, at most 10; each hop waits on the limiter, and a
// hop that leaves the origin (scheme, host or port) loses Authorization.
func (c *Client) httpClient(hc *http.Client) (*http.Client, time.Duration) {
	cp := &http.Client{}
	if hc != nil {
		*cp = *hc
	}
	timeout := cp.Timeout
	if timeout <= 0 {
		timeout = DefaultAttemptTimeout
	}
	cp.Timeout = 0
	inner := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if first.Method != http.MethodGet {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errRedirectLoop
		}
		if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errInsecureRedirect
		}
		if !sameOrigin(first.URL, req.URL) {
			req.Header.Del("Authorization")
		}
		if inner != nil {
			if err := inner(req, via); err != nil {
				return err
			}
		}
		if w, ok := req.Context().Value(wireKey{}).(*wire); ok {
			return w.pay(req.Context())
		}
		return waitLimiter(req.Context(), c.core.limiter)
	}
	return cp, timeout
}

// sameOrigin reports whether a and b have the same scheme, host and port.
func sameOrigin(a, b *url.URL) bool { return origin(a) == origin(b) }

func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
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
	idempotent bool          // force retry-safety (the /auth exchange)
	timeout    time.Duration // shortens the attempt timeout, if not zero
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
	p, q, err := checkDoRequest(method, path)
	if err != nil {
		return err
	}
	return c.do(ctx, &call{op: OperationDo, method: method, path: p, query: q, body: body, out: out, opts: opts})
}

// do is the one request path: every HTTP request the client sends goes
// through here. It reads top to bottom: configure the call, then per
// attempt get ready, send, classify, and let the retry policy decide.
func (c *Client) do(ctx context.Context, cl *call) (err error) {
	if cl.cfg, err = newCallConfig(cl.opts); err != nil {
		return err
	}
	policy := retryPolicy{maxRetries: c.core.maxRetries, maxRetryWait: c.core.maxRetryWait}
	if cl.cfg.maxRetries >= 0 {
		policy.maxRetries = cl.cfg.maxRetries
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
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, DefaultCallTimeout, errCallTimeout)
		defer cancel()
	}
	op := &operation{obs: &c.core.obs, info: OperationInfo{Operation: cl.op, Method: cl.method, PathTemplate: cl.tmpl,
		ServerAddress: c.core.serverAddr, ServerPort: c.core.serverPort}}
	ctx = op.start(ctx)
	defer func() { op.end(ctx, cl, err) }()

	replayed, acted := false, false
	for attempt, n := 0, 1; ; n++ {
		actx, tok, err := c.ready(ctx, cl, op, n)
		if err != nil {
			return err
		}
		r := c.roundTrip(actx, cl, op, u, payload, tok)
		op.record(ctx, cl, &r)
		v := c.classify(cl, &r, context.Cause(ctx), acted)
		acted = acted || mayHaveActed(&r)
		var delay time.Duration
		retry := tok != nil && r.status == http.StatusUnauthorized && !replayed
		if retry {
			// The token was revoked or expired early: drop it, exchange
			// once more and replay once. The API refused the request, so
			// this is safe for a POST too, and it is not a retry.
			c.core.tokens.invalidate(tok)
			replayed = true
		} else {
			delay = retryDelay(v, attempt)
			retry = policy.shouldRetry(v, attempt) && startsInTime(ctx, delay)
			attempt++
		}
		op.attemptEnd(actx, n, &r, v.err, retry, delay, v.retryAfter >= 0)
		if !retry {
			return v.err
		}
		if err := sleep(ctx, delay); err != nil {
			return &callError{method: cl.method, path: cl.path, cause: fmt.Errorf("waiting to retry: %w", err)}
		}
	}
}

// operation is one call in progress: what its hooks are told and what
// WithResponseInto receives.
type operation struct {
	obs   *observer
	info  OperationInfo
	began time.Time        // when OperationStart was called
	tried time.Time        // when the current attempt got its slot
	late  *LimiterWaitInfo // a wait not yet reported to the hooks
	meta  Response
}

func (op *operation) start(ctx context.Context) context.Context {
	if !op.obs.active() {
		return ctx
	}
	op.began = time.Now()
	return op.obs.operationStart(ctx, op.info)
}

// wait waits on l for one request of the operation, and reports the wait.
func (op *operation) wait(ctx context.Context, l Limiter) (granted time.Time, err error) {
	start := time.Now()
	err = waitLimiter(ctx, l)
	granted = time.Now()
	op.meta.LimiterWait += granted.Sub(start)
	if op.obs.active() {
		op.obs.limiterWait(ctx, LimiterWaitInfo{OperationInfo: op.info, Start: start, Wait: granted.Sub(start), Err: err})
	}
	return granted, err
}

// report accounts for and reports the wait ready made after slow hooks.
func (op *operation) report(ctx context.Context) {
	if w := op.late; w != nil {
		op.late = nil
		op.meta.LimiterWait += w.Wait
		op.obs.limiterWait(ctx, *w)
	}
}

// record adds an attempt's round trip to the response metadata, and
// reports the limiter waits the transport's requests made. What only
// WithResponseInto or the hooks read is kept only for them.
func (op *operation) record(ctx context.Context, cl *call, r *result) {
	op.meta.Attempts += 1 + r.replays
	op.report(ctx)
	for _, w := range r.waits {
		op.meta.LimiterWait += w.Wait
		if op.obs.active() {
			op.obs.limiterWait(ctx, w)
		}
	}
	if r.resp == nil {
		return
	}
	op.meta.StatusCode = r.status
	if cl.cfg.resp != nil || op.obs.active() {
		op.meta.RequestID = requestID(r.resp.Header)
	}
	if cl.cfg.resp != nil {
		op.meta.Header = r.resp.Header.Clone()
		if r.resp.Request != nil {
			op.meta.URL = r.resp.Request.URL.String()
		}
		op.meta.RateLimit = parseRateLimit(r.resp.Header, time.Now())
	}
}

func (op *operation) attemptEnd(ctx context.Context, n int, r *result, err error, retry bool, delay time.Duration, asked bool) {
	if !op.obs.active() {
		return
	}
	res := AttemptResult{StatusCode: r.status, Err: err, Category: CategoryOf(err), Duration: r.took, Retry: retry}
	if r.resp != nil {
		res.RequestID = op.meta.RequestID
	}
	if retry {
		res.RetryDelay, res.RetryAfter = delay, asked
	}
	op.obs.attemptEnd(ctx, AttemptInfo{OperationInfo: op.info, Attempt: n, Start: op.tried}, res)
}

// end hands the metadata to WithResponseInto and the error, and tells
// the hooks.
func (op *operation) end(ctx context.Context, cl *call, err error) {
	if cl.cfg.resp != nil {
		*cl.cfg.resp = op.meta
	}
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Attempts = op.meta.Attempts
		}
	}
	if !op.obs.active() {
		return
	}
	op.obs.operationEnd(ctx, op.info, OperationResult{
		Err: err, Category: CategoryOf(err), StatusCode: op.meta.StatusCode, RequestID: op.meta.RequestID,
		Attempts: op.meta.Attempts, LimiterWait: op.meta.LimiterWait, Duration: time.Since(op.began),
	})
}
