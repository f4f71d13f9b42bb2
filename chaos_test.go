package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The chaos test drives a client with many goroutines against the fake
// server while the fake injects faults at fixed, seeded rates, then checks
// the properties partners rely on: no create is ever sent again once it
// may have taken effect, every call ends in a result or a typed error,
// every create whose outcome is unknown can be settled by a lookup, and
// nothing (goroutines, heap) is left behind.
//
// Everything runs in a testing/synctest bubble through the fake's
// in-memory Transport, so backoff, Retry-After and latency spikes cost no
// real time. Both rate limits are raised to 1,000,000 a minute: the
// limiter has its own tests (ratelimit_test.go), and this test is about
// faults, not pacing; at the real 100 a minute, 10,000 calls would take
// nearly two virtual hours and every wait would serialise the workers.
//
// TestChaos is the full run (10,000 calls, 32 goroutines) and is skipped
// with -short; TestChaosShort (500 calls, 8 goroutines) always runs, so
// go test -race -short exercises the same code. To regenerate the figures
// in RELIABILITY.md:
//
//	PHONELINEPLUS_RELIABILITY_OUT=RELIABILITY.md go test -race -run '^TestChaos$' -count=1 -v .

const (
	chaosSeed         = 1
	chaosCallTimeout  = 30 * time.Second // each call's deadline
	chaosHeapBound    = 16 << 20         // heap left after the run and a GC, over the baseline
	chaosPeakHeapCap  = 512 << 20        // a sanity cap on the heap during the run
	chaosMinOKShare   = 0.80             // calls that must succeed despite the faults
	chaosSampleEvery  = 250              // calls between heap samples
	chaosReliabilityV = "PHONELINEPLUS_RELIABILITY_OUT"
)

// chaosFaults is the fault mix. rate is the share of requests the fault
// hits (of POSTs for the timeout-after-create, which comes last because
// it only matches POSTs); the fake tries faults in order and applies the
// first that fires, so each is injected with its conditional probability.
var chaosFaults = []struct {
	rate float64
	f    phonelineplustest.Fault
}{
	{0.05, phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: http.StatusServiceUnavailable,
		Body: `{"message":"Service Unavailable"}`}},
	{0.02, phonelineplustest.Fault{Action: phonelineplustest.FaultRespond, Status: http.StatusTooManyRequests,
		Body: `{"message":"Too Many Requests"}`, Header: http.Header{"Retry-After": {"2"}}}},
	{0.01, phonelineplustest.Fault{Action: phonelineplustest.FaultDropBefore}},
	{0.01, phonelineplustest.Fault{Action: phonelineplustest.FaultDropAfter}},
	{0.01, phonelineplustest.Fault{Action: phonelineplustest.FaultTruncate}},
	{0.02, phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: 2 * time.Second}},
	{0.002, phonelineplustest.Fault{Action: phonelineplustest.FaultDelay, Latency: 45 * time.Second}}, // past the call's deadline
	{0.01, phonelineplustest.Fault{Method: http.MethodPost, Action: phonelineplustest.FaultTimeoutAfter}},
	{0.01, phonelineplustest.Fault{Method: http.MethodPost, Action: phonelineplustest.FaultTimeoutCommitLater, CommitAfter: chaosCommitAfter}},
}

// chaosFaultKind names a fault as the figures report it.
func chaosFaultKind(f *phonelineplustest.Fault) string {
	switch f.Action {
	case phonelineplustest.FaultRespond:
		if f.Status == http.StatusTooManyRequests {
			return "429 with Retry-After: 2"
		}
		return fmt.Sprintf("%d", f.Status)
	case phonelineplustest.FaultDelay:
		return fmt.Sprintf("latency spike %v", f.Latency)
	case phonelineplustest.FaultTimeoutAfter:
		return `500 "Timeout" after acting (POST)`
	case phonelineplustest.FaultTimeoutCommitLater:
		return fmt.Sprintf(`500 "Timeout", acting %v later (POST)`, f.CommitAfter)
	case phonelineplustest.FaultDropBefore:
		return "connection dropped before acting"
	case phonelineplustest.FaultDropAfter:
		return "connection dropped after acting"
	case phonelineplustest.FaultTruncate:
		return "truncated body"
	}
	return f.Action.String()
}

type chaosConfig struct {
	calls, workers int
	// transport is "memory" (the fake's in-memory transport, both rate
	// limits raised), or "HTTP/1.1" or "HTTP/2+TLS": net/http's client and
	// server on in-memory connections (wire_test.go) with the default
	// limiter, the fake's strict 100 a minute, and on HTTP/2 the stream
	// faults of h2Proxy on top of the fake's.
	transport string
}

func (c chaosConfig) wire() bool { return c.transport != chaosMemory }

const (
	chaosMemory = "memory"
	chaosHTTP1  = "HTTP/1.1"
	chaosHTTP2  = "HTTP/2+TLS"
)

// chaosStreamFaults are HTTP/2's own faults, each on this share of
// streams: refused before the server acts, and, after it acted, a reset
// of each code, GOAWAY(last stream 0) and a dropped connection.
const chaosStreamFaultRate = 0.005

var chaosStreamFaults = []wireFault{wireRefused, wireResetProtocol, wireResetRefused, wireResetInternal, wireGoAway, wireDrop}

func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("the full chaos run is skipped with -short; TestChaosShort runs a smaller one")
	}
	runChaos(t, chaosConfig{calls: 10_000, workers: 32, transport: chaosMemory})
}

func TestChaosShort(t *testing.T) {
	runChaos(t, chaosConfig{calls: 500, workers: 8, transport: chaosMemory})
}

// TestChaosTransports runs the chaos over net/http's HTTP/1.1 and HTTP/2
// with TLS at the real rate limit, so the wire is checked too: no rolling
// minute over 100 requests. At 100 a minute the calls take virtual hours;
// four goroutines keep each call's wait for a slot well inside its
// deadline.
func TestChaosTransports(t *testing.T) {
	if testing.Short() {
		t.Skip("the full chaos run is skipped with -short; TestChaosTransportsShort runs a smaller one")
	}
	for _, tr := range []string{chaosHTTP1, chaosHTTP2} {
		t.Run(tr, func(t *testing.T) { runChaos(t, chaosConfig{calls: 3_000, workers: 4, transport: tr}) })
	}
}

func TestChaosTransportsShort(t *testing.T) {
	for _, tr := range []string{chaosHTTP1, chaosHTTP2} {
		t.Run(tr, func(t *testing.T) { runChaos(t, chaosConfig{calls: 300, workers: 4, transport: tr}) })
	}
}

// chaosPending is a create that ended in ErrOutcomeUnknown, to settle by
// a lookup after the run.
type chaosPending struct {
	kind       string // customer, user, number, order
	customerID string // the parent, for user, number and order
	key        string // company name, email, E.164 number
	quantity   int    // for an order: its unique quantity within the customer
}

// chaosRun is the shared state of one run.
type chaosRun struct {
	cfg       chaosConfig
	client    *plp.Client
	productID string

	started   atomic.Int64
	done      atomic.Int64
	numberSeq atomic.Int64
	maxG      atomic.Int64
	peakHeap  atomic.Uint64

	mu       sync.Mutex
	tally    map[string]int
	untyped  []string
	panics   []string
	nilRes   []string
	pending  []chaosPending
	creates  map[string]int // create attempts per kind
	unknowns map[string]int // ErrOutcomeUnknown per kind
	orFind   map[string]int // CreateOrFind outcomes (chaos_settle_test.go)
}

func runChaos(t *testing.T, cfg chaosConfig) {
	// Not parallel: the goroutine and heap baselines must be this test's.
	goleakOpts := []goleak.Option{
		// The goroutines alive now, among them the one phonelineplustest
		// starts in its init (listen.go's spawner, which runs the
		// listener's goroutines outside any synctest bubble, for the life
		// of the process). Nothing else may be left.
		goleak.IgnoreCurrent(),
	}
	baseG := runtime.NumGoroutine()
	baseHeap := chaosHeapNow()
	realStart := time.Now()

	var (
		run         *chaosRun
		reqs        []phonelineplustest.Request
		wire        *wireHarness
		streamFault = map[wireFault]int{}
		virtual     time.Duration
		lookupFound int
		lookupGone  int
		lookupWrong int
		resDups     int
		resSamples  []string
	)
	synctest.Test(t, func(t *testing.T) {
		opts := []phonelineplustest.Option{phonelineplustest.WithRandSeed(chaosSeed)}
		if !cfg.wire() {
			opts = append(opts, phonelineplustest.WithRateLimit(1_000_000))
		}
		remaining := 1.0
		for _, cf := range chaosFaults {
			f := cf.f
			f.Probability = cf.rate / remaining
			remaining -= cf.rate
			opts = append(opts, phonelineplustest.WithFault(f))
		}
		srv := phonelineplustest.NewServer(opts...)
		defer srv.Close()
		keyID, secret := srv.Credentials()
		clientOpts := []plp.Option{
			plp.WithBaseURL(srv.URL()),
			// The default client's per-attempt timeout, on the fake's
			// in-memory transport.
			plp.WithHTTPClient(&http.Client{Transport: srv.Transport(), Timeout: plp.DefaultAttemptTimeout}),
			plp.WithRateLimit(1_000_000, 1_000_000),
		}
		if cfg.wire() {
			var decide func() wireFault
			if cfg.transport == chaosHTTP2 {
				pick := seededFaults(chaosSeed, chaosStreamFaultRate, chaosStreamFaults...)
				var mu sync.Mutex
				decide = func() wireFault {
					f := pick()
					mu.Lock()
					streamFault[f]++
					mu.Unlock()
					return f
				}
			}
			wire = newWireHarness(t, srv.Handler(), cfg.transport == chaosHTTP2, decide)
			// The default limiter, retries and timeouts.
			clientOpts = []plp.Option{plp.WithBaseURL(wire.baseURL(t, srv.URL())), plp.WithHTTPClient(wire.client)}
		}
		client := newClient(t, keyID, secret, clientOpts...)
		products := srv.Products()
		require.NotEmpty(t, products)

		run = &chaosRun{
			cfg: cfg, client: client, productID: products[0].ID,
			tally: map[string]int{}, creates: map[string]int{}, unknowns: map[string]int{},
		}
		start := time.Now()
		var wg sync.WaitGroup
		for w := range cfg.workers {
			wg.Go(func() {
				(&chaosWorker{run: run, id: w, rng: rand.New(rand.NewPCG(chaosSeed, uint64(w)))}).loop(t.Context())
			})
		}
		wg.Wait()
		virtual = time.Since(start)
		time.Sleep(chaosCommitAfter) // the delayed commits land before the snapshot

		// Settle every create whose outcome is unknown, through the SDK,
		// once the incident is over.
		srv.ClearFaults()
		snap := srv.Snapshot()
		resDups, resSamples = chaosDuplicateResources(snap)
		lookupFound, lookupGone, lookupWrong = run.settle(t, snap)
		reqs = srv.Requests()
		if wire != nil {
			wire.client.CloseIdleConnections()
		}
	})
	realTime := time.Since(realStart)
	if run == nil {
		return // the setup failed, and said why
	}

	// The request log: no POST sent again after it may have acted.
	dups, dupSamples := chaosDuplicatePOSTs(reqs)
	assert.Zero(t, dups, "POSTs sent again after they may have acted: %v", dupSamples)
	assert.Zero(t, resDups, "resources made twice: %v", resSamples)
	mostInAMinute := 0
	if wire != nil {
		mostInAMinute = wire.log.mostInAMinute()
		// The harness lives until the test's cleanups run: let go of the
		// fake and the log now, so the heap figure below is the client's.
		wire.log.next, wire.log.reqs = nil, nil
		assert.LessOrEqual(t, mostInAMinute, plp.DefaultRatePerMinute, "requests on the wire in a rolling minute")
	}
	faults := map[string]int{}
	auths := 0
	for _, r := range reqs {
		if r.Fault != nil {
			faults[chaosFaultKind(r.Fault)]++
		}
		if r.Method == http.MethodPost && r.Path == "/auth" {
			auths++
		}
	}

	assert.Empty(t, run.panics, "panics")
	assert.Empty(t, run.untyped, "calls that returned an untyped error")
	assert.Empty(t, run.nilRes, "calls that returned neither a result nor an error")
	total := 0
	for _, n := range run.tally {
		total += n
	}
	assert.Equal(t, cfg.calls, total, "calls tallied")
	assert.GreaterOrEqual(t, float64(run.tally["ok"]), chaosMinOKShare*float64(cfg.calls), "calls that succeeded")

	// Nothing left behind: goroutines back to the baseline, heap bounded.
	goleak.VerifyNone(t, goleakOpts...)
	run.client = nil
	nReqs := len(reqs)
	reqs = nil
	heapAfter := chaosHeapNow()
	grown := int64(heapAfter) - int64(baseHeap)
	assert.LessOrEqual(t, grown, int64(chaosHeapBound), "heap left after the run and a GC, over the baseline")
	assert.Less(t, run.peakHeap.Load(), uint64(chaosPeakHeapCap), "peak heap")

	for f, n := range streamFault {
		if f != wireNone {
			faults["HTTP/2 "+string(f)] += n
		}
	}
	report := run.report(faults, nReqs, auths, dups, lookupFound, lookupGone, lookupWrong,
		baseG, baseHeap, heapAfter, virtual, realTime)
	report += chaosOrFindReport(run, resDups)
	if wire != nil {
		report += fmt.Sprintf("- Most requests on the wire in a rolling minute: %d (the limit: %d).\n", mostInAMinute, plp.DefaultRatePerMinute)
	}
	t.Log("\n" + report)
	if out := os.Getenv(chaosReliabilityV); out != "" && !t.Failed() && !testing.Short() {
		require.NoError(t, chaosWriteFigures(out, cfg.transport, report))
		t.Logf("figures written to %s", out)
	}
}

// chaosWorker is one goroutine of the run, with the resources it made.
type chaosWorker struct {
	run       *chaosRun
	id        int
	rng       *rand.Rand
	seq       int
	customers []*chaosCustomer
}

type chaosCustomer struct {
	id      string
	users   []string // user IDs, the primary user first
	numbers []string // number IDs
	orders  int      // order attempts so far; the next order's quantity is orders+1
}

// chaosOps are the operations and their weights (per mille).
var chaosOps = []struct {
	weight int
	name   string
	do     func(w *chaosWorker, ctx context.Context) error
}{
	{150, "Customers.Create", (*chaosWorker).createCustomer},
	{120, "Users.Create", (*chaosWorker).createUser},
	{60, "Numbers.Create", (*chaosWorker).createNumber},
	{50, "Orders.Create", (*chaosWorker).createOrder},
	{100, "Customers.Get", (*chaosWorker).getCustomer},
	{5, "Customers.List", (*chaosWorker).listCustomers},
	{80, "Users.List", (*chaosWorker).listUsers},
	{60, "Numbers.List", (*chaosWorker).listNumbers},
	{40, "Orders.List", (*chaosWorker).listOrders},
	{40, "Numbers.Get", (*chaosWorker).getNumber},
	{70, "Customers.Update", (*chaosWorker).updateCustomer},
	{50, "Users.Update", (*chaosWorker).updateUser},
	{50, "Numbers.Allocate", (*chaosWorker).allocate},
	{20, "Numbers.Deallocate", (*chaosWorker).deallocate},
	{30, "Users.Delete", (*chaosWorker).deleteUser},
	{20, "Customers.Delete", (*chaosWorker).deleteCustomer},
	{55, "catalogue", (*chaosWorker).catalogue},
}

func (w *chaosWorker) loop(ctx context.Context) {
	total := 0
	for _, op := range chaosOps {
		total += op.weight
	}
	for w.run.started.Add(1) <= int64(w.run.cfg.calls) {
		n := w.rng.IntN(total)
		i := 0
		for n >= chaosOps[i].weight {
			n -= chaosOps[i].weight
			i++
		}
		w.call(ctx, chaosOps[i].name, chaosOps[i].do)
	}
}

// call runs one operation with its own deadline and tallies how it ended.
func (w *chaosWorker) call(ctx context.Context, name string, do func(*chaosWorker, context.Context) error) {
	ctx, cancel := context.WithTimeout(ctx, chaosCallTimeout)
	defer cancel()
	var err error
	panicked := func() (p bool) {
		defer func() {
			if r := recover(); r != nil {
				w.run.mu.Lock()
				w.run.panics = append(w.run.panics, fmt.Sprintf("%s: %v", name, r))
				w.run.mu.Unlock()
				p = true
			}
		}()
		err = do(w, ctx)
		return false
	}()
	outcome := "panic"
	if !panicked {
		outcome = chaosOutcome(err)
	}
	r := w.run
	r.mu.Lock()
	r.tally[outcome]++
	if outcome == "" {
		r.untyped = append(r.untyped, fmt.Sprintf("%s: %T: %v", name, err, err))
	}
	r.mu.Unlock()
	if g := int64(runtime.NumGoroutine()); g > r.maxG.Load() {
		for cur := r.maxG.Load(); g > cur && !r.maxG.CompareAndSwap(cur, g); cur = r.maxG.Load() {
		}
	}
	if r.done.Add(1)%chaosSampleEvery == 0 {
		h := chaosHeapAlloc()
		for cur := r.peakHeap.Load(); h > cur && !r.peakHeap.CompareAndSwap(cur, h); cur = r.peakHeap.Load() {
		}
	}
}

// chaosOutcome names how a call ended: "ok", the first sentinel (or
// context error) the error matches, or "" for an untyped error.
func chaosOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrOutcomeUnknown", plp.ErrOutcomeUnknown},
		{"ErrValidation", plp.ErrValidation},
		{"ErrRateLimited", plp.ErrRateLimited},
		{"ErrUnauthorized", plp.ErrUnauthorized},
		{"ErrForbidden", plp.ErrForbidden},
		{"ErrNotFound", plp.ErrNotFound},
		{"ErrEmailInUse", plp.ErrEmailInUse},
		{"ErrNumberInFlight", plp.ErrNumberInFlight},
		{"ErrConflict", plp.ErrConflict},
		{"ErrBadRequest", plp.ErrBadRequest},
		{"ErrServer", plp.ErrServer},
		{"ErrNetwork", plp.ErrNetwork},
		{"ErrInvalidResponse", plp.ErrInvalidResponse},
		{"context.DeadlineExceeded", context.DeadlineExceeded},
		{"context.Canceled", context.Canceled},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

func (w *chaosWorker) record(nilResult bool, name string) {
	if nilResult {
		w.run.mu.Lock()
		w.run.nilRes = append(w.run.nilRes, name)
		w.run.mu.Unlock()
	}
}

func (w *chaosWorker) created(kind string, err error, p chaosPending) {
	w.run.mu.Lock()
	defer w.run.mu.Unlock()
	w.run.creates[kind]++
	if errors.Is(err, plp.ErrOutcomeUnknown) {
		w.run.unknowns[kind]++
		p.kind = kind
		w.run.pending = append(w.run.pending, p)
	}
}

// customer picks one of the worker's customers, or nil if it has none.
func (w *chaosWorker) customer() *chaosCustomer {
	if len(w.customers) == 0 {
		return nil
	}
	return w.customers[w.rng.IntN(len(w.customers))]
}

// newNumber returns a UK number no other create uses: 0113 2xx xxxx,
// outside the fake's own pool (the Ofcom drama range 0113 496 0xxx).
func (w *chaosWorker) newNumber() string {
	return fmt.Sprintf("01132%06d", w.run.numberSeq.Add(1))
}

var chaosAddress = plp.Address{Premises: "Unit 1", Street: "High Street", Town: "Leeds", Postcode: "LS1 1AA"}

func (w *chaosWorker) createCustomer(ctx context.Context) error {
	w.seq++
	req := plp.CustomerCreateRequest{
		CompanyName:   fmt.Sprintf("Chaos W%02d S%04d Ltd", w.id, w.seq),
		FullName:      "Alex Chaos",
		ContactNumber: "07700 900123",
		Address:       chaosAddress,
	}
	switch w.seq % 3 {
	case 0:
		req.Plan, req.Number.NumberE164 = plp.PlanHardwareOnly, w.newNumber()
	case 1:
		req.Plan = plp.PlanHardwareOnlyCP
	case 2:
		req.Plan, req.Email = plp.PlanStandard, fmt.Sprintf("chaos.w%02d.s%04d@example.com", w.id, w.seq)
	}
	cust, err := chaosEnsure(w, func(o ...plp.CallOption) (*plp.Customer, error) { return w.run.client.Customers.Create(ctx, req, o...) },
		func(o ...plp.CallOption) (*plp.Ensured[plp.Customer], error) {
			return w.run.client.Customers.CreateOrFind(ctx, req, o...)
		})
	w.created("customer", err, chaosPending{key: req.CompanyName})
	if err == nil {
		w.record(cust == nil || cust.ID == "", "Customers.Create")
		if cust != nil {
			w.customers = append(w.customers, &chaosCustomer{id: cust.ID, users: []string{cust.UserID}})
		}
	}
	return err
}

func (w *chaosWorker) createUser(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	w.seq++
	email := fmt.Sprintf("chaos.w%02d.s%04d@example.com", w.id, w.seq)
	req := plp.UserCreateRequest{Type: plp.UserStandard, FullName: "Sam Chaos", Email: email}
	u, err := chaosEnsure(w, func(o ...plp.CallOption) (*plp.User, error) { return w.run.client.Users.Create(ctx, cs.id, req, o...) },
		func(o ...plp.CallOption) (*plp.Ensured[plp.User], error) {
			return w.run.client.Users.CreateOrFind(ctx, cs.id, req, o...)
		})
	w.created("user", err, chaosPending{customerID: cs.id, key: email})
	if err == nil {
		w.record(u == nil || u.ID == "", "Users.Create")
		if u != nil {
			cs.users = append(cs.users, u.ID)
		}
	}
	return err
}

func (w *chaosWorker) createNumber(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	number := w.newNumber()
	req := plp.NumberCreateRequest{NumberE164: number}
	n, err := chaosEnsure(w, func(o ...plp.CallOption) (*plp.Number, error) {
		return w.run.client.Numbers.Create(ctx, cs.id, req, o...)
	},
		func(o ...plp.CallOption) (*plp.Ensured[plp.Number], error) {
			return w.run.client.Numbers.CreateOrFind(ctx, cs.id, req, o...)
		})
	w.created("number", err, chaosPending{customerID: cs.id, key: "44" + number[1:]})
	if err == nil {
		w.record(n == nil || n.ID == "", "Numbers.Create")
		if n != nil {
			cs.numbers = append(cs.numbers, n.ID)
		}
	}
	return err
}

func (w *chaosWorker) createOrder(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	w.seq++
	cs.orders++
	req := plp.OrderCreateRequest{
		DeliveryAddress: plp.DeliveryAddress{Line1: "Unit 1", Town: "Leeds", Postcode: "LS1 1AA"},
		Products:        []plp.OrderItem{{ID: w.run.productID, Quantity: cs.orders}},
		Name:            "Pat Chaos",
		Email:           fmt.Sprintf("chaos.w%02d.s%04d@example.com", w.id, w.seq),
		PhoneNumber:     "07700 900123",
	}
	o, err := chaosEnsure(w, func(o ...plp.CallOption) (*plp.Order, error) {
		return w.run.client.Orders.Create(ctx, cs.id, req, o...)
	},
		func(o ...plp.CallOption) (*plp.Ensured[plp.Order], error) {
			return w.run.client.Orders.CreateOrFind(ctx, cs.id, req, o...)
		})
	w.created("order", err, chaosPending{customerID: cs.id, quantity: cs.orders})
	if err == nil {
		w.record(o == nil || o.ID == "", "Orders.Create")
	}
	return err
}

func (w *chaosWorker) getCustomer(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	c, err := w.run.client.Customers.Get(ctx, cs.id)
	w.record(err == nil && c == nil, "Customers.Get")
	return err
}

func (w *chaosWorker) listCustomers(ctx context.Context) error {
	l, err := w.run.client.Customers.List(ctx)
	w.record(err == nil && l == nil, "Customers.List")
	return err
}

func (w *chaosWorker) listUsers(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	l, err := w.run.client.Users.List(ctx, cs.id)
	w.record(err == nil && l == nil, "Users.List")
	return err
}

func (w *chaosWorker) listNumbers(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	l, err := w.run.client.Numbers.List(ctx, cs.id)
	w.record(err == nil && l == nil, "Numbers.List")
	return err
}

func (w *chaosWorker) listOrders(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	l, err := w.run.client.Orders.List(ctx, cs.id)
	w.record(err == nil && l == nil, "Orders.List")
	return err
}

func (w *chaosWorker) getNumber(ctx context.Context) error {
	cs := w.customer()
	if cs == nil || len(cs.numbers) == 0 {
		return w.createNumber(ctx)
	}
	n, err := w.run.client.Numbers.Get(ctx, cs.id, cs.numbers[w.rng.IntN(len(cs.numbers))])
	w.record(err == nil && n == nil, "Numbers.Get")
	return err
}

func (w *chaosWorker) updateCustomer(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	w.seq++
	c, err := w.run.client.Customers.Update(ctx, cs.id, plp.CustomerUpdateRequest{FullName: plp.Ptr(fmt.Sprintf("Alex Chaos %d", w.seq))})
	w.record(err == nil && c == nil, "Customers.Update")
	return err
}

func (w *chaosWorker) updateUser(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	w.seq++
	u, err := w.run.client.Users.Update(ctx, cs.id, cs.users[w.rng.IntN(len(cs.users))],
		plp.UserUpdateRequest{FullName: plp.Ptr(fmt.Sprintf("Sam Chaos %d", w.seq))})
	w.record(err == nil && u == nil, "Users.Update")
	return err
}

func (w *chaosWorker) allocate(ctx context.Context) error {
	cs := w.customer()
	if cs == nil || len(cs.numbers) == 0 {
		return w.createNumber(ctx)
	}
	n, err := w.run.client.Numbers.Allocate(ctx, cs.id, cs.numbers[w.rng.IntN(len(cs.numbers))], cs.users[w.rng.IntN(len(cs.users))])
	w.record(err == nil && n == nil, "Numbers.Allocate")
	return err
}

func (w *chaosWorker) deallocate(ctx context.Context) error {
	cs := w.customer()
	if cs == nil || len(cs.numbers) == 0 {
		return w.createNumber(ctx)
	}
	n, err := w.run.client.Numbers.Deallocate(ctx, cs.id, cs.numbers[w.rng.IntN(len(cs.numbers))])
	w.record(err == nil && n == nil, "Numbers.Deallocate")
	return err
}

func (w *chaosWorker) deleteUser(ctx context.Context) error {
	cs := w.customer()
	if cs == nil || len(cs.users) < 2 {
		return w.createUser(ctx)
	}
	i := 1 + w.rng.IntN(len(cs.users)-1) // never the primary user
	err := w.run.client.Users.Delete(ctx, cs.id, cs.users[i])
	cs.users = slices.Delete(cs.users, i, i+1) // gone, or in doubt: not used again
	return err
}

func (w *chaosWorker) deleteCustomer(ctx context.Context) error {
	cs := w.customer()
	if cs == nil {
		return w.createCustomer(ctx)
	}
	err := w.run.client.Customers.Delete(ctx, cs.id)
	w.customers = slices.DeleteFunc(w.customers, func(c *chaosCustomer) bool { return c == cs })
	return err
}

func (w *chaosWorker) catalogue(ctx context.Context) error {
	c := w.run.client
	switch w.rng.IntN(4) {
	case 0:
		l, err := c.Products.List(ctx)
		w.record(err == nil && l == nil, "Products.List")
		return err
	case 1:
		s, err := c.Stats.Get(ctx)
		w.record(err == nil && s == nil, "Stats.Get")
		return err
	case 2:
		l, err := c.Numbers.ListAreaCodes(ctx)
		w.record(err == nil && l == nil, "Numbers.ListAreaCodes")
		return err
	default:
		l, err := c.Numbers.ListAvailable(ctx, plp.AvailableNumbersOptions{NumberType: plp.NumberTypeGeographic, AreaCode: "0161"})
		w.record(err == nil && l == nil, "Numbers.ListAvailable")
		return err
	}
}

// settle looks up, through the SDK, every create that ended in
// ErrOutcomeUnknown, and checks each answer against the fake's state:
// found exactly when the fake holds it.
func (r *chaosRun) settle(t *testing.T, snap phonelineplustest.Snapshot) (found, gone, wrong int) {
	ctx := t.Context()
	c := r.client
	var customers []plp.Customer
	var orders []plp.Order
	for _, p := range r.pending {
		var inSDK, inFake bool
		switch p.kind {
		case "customer":
			if customers == nil {
				var err error
				customers, err = c.Customers.List(ctx)
				require.NoError(t, err)
			}
			inSDK = slices.ContainsFunc(customers, func(x plp.Customer) bool { return x.CompanyName == p.key })
			inFake = slices.ContainsFunc(snap.Customers, func(x phonelineplustest.Customer) bool { return x.CompanyName == p.key })
		case "user":
			users, err := c.Users.List(ctx, p.customerID)
			if !errors.Is(err, plp.ErrNotFound) { // the customer was deleted since: its users with it
				require.NoError(t, err)
			}
			inSDK = slices.ContainsFunc(users, func(x plp.User) bool { return x.Email == p.key })
			inFake = slices.ContainsFunc(snap.Users, func(x phonelineplustest.User) bool {
				return x.Email == p.key && x.CustomerID == p.customerID
			})
		case "number":
			numbers, err := c.Numbers.List(ctx, p.customerID)
			if !errors.Is(err, plp.ErrNotFound) {
				require.NoError(t, err)
			}
			inSDK = slices.ContainsFunc(numbers, func(x plp.Number) bool { return x.NumberE164 == p.key })
			inFake = slices.ContainsFunc(snap.Numbers, func(x phonelineplustest.Number) bool {
				return x.NumberE164 == p.key && x.CustomerID == p.customerID
			})
		case "order":
			if orders == nil {
				var err error
				orders, err = c.Orders.ListAll(ctx)
				require.NoError(t, err)
			}
			inSDK = slices.ContainsFunc(orders, func(x plp.Order) bool {
				return x.CustomerID == p.customerID && len(x.Products) == 1 && x.Products[0].Quantity == p.quantity
			})
			inFake = slices.ContainsFunc(snap.Orders, func(x phonelineplustest.Order) bool {
				return x.CustomerID == p.customerID && len(x.Products) == 1 && x.Products[0].Quantity == p.quantity
			})
		}
		if !assert.Equal(t, inFake, inSDK, "lookup of %+v disagrees with the fake's state", p) {
			wrong++
		}
		if inSDK {
			found++
		} else {
			gone++
		}
	}
	return found, gone, wrong
}

// chaosDuplicatePOSTs finds the creates the fake received more than once
// where an earlier copy may have acted. Every create body is unique, so
// copies of one body are the SDK sending it again; that is allowed only
// after a 429 or a 401, which refuse the request without acting.
func chaosDuplicatePOSTs(reqs []phonelineplustest.Request) (int, []string) {
	seen := map[string][]phonelineplustest.Request{}
	var order []string
	for _, r := range reqs {
		if r.Method != http.MethodPost || r.Path == "/auth" {
			continue
		}
		k := r.Path + "\n" + string(r.Body)
		if _, ok := seen[k]; !ok {
			order = append(order, k)
		}
		seen[k] = append(seen[k], r)
	}
	n := 0
	var samples []string
	for _, k := range order {
		copies := seen[k]
		for _, r := range copies[:len(copies)-1] {
			if r.Status != http.StatusTooManyRequests && r.Status != http.StatusUnauthorized && !chaosResentAfterAbsence(r) && !chaosOrFindDidNotAct(r) {
				n++
				if len(samples) < 5 {
					samples = append(samples, fmt.Sprintf("%s sent %d times, first status %d", copies[0].Path, len(copies), r.Status))
				}
				break
			}
		}
	}
	return n, samples
}

// chaosOrFindDidNotAct reports a copy sent by CreateOrFind that the fake
// says did not act (no 2xx from its own action): one it may resend after
// proving it absent. Over HTTP/2 a stream can be cancelled before the fake
// acts, without a fault of the fake's to say so.
func chaosOrFindDidNotAct(r phonelineplustest.Request) bool {
	return r.Header.Get(chaosOrFindHeader) != "" && (r.ActedStatus < 200 || r.ActedStatus > 299)
}

// chaosRaceEnabled reports whether the test binary was built with -race, whose
// instrumentation changes allocation figures.
func chaosRaceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func chaosHeapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func chaosHeapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func chaosMiB(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// report renders the figures, as t.Log prints them and RELIABILITY.md
// keeps them.
func (r *chaosRun) report(faults map[string]int, requests, auths, dups, found, gone, wrong, baseG int,
	baseHeap, heapAfter uint64, virtual, real time.Duration) string {
	var b strings.Builder
	race := ""
	if chaosRaceEnabled() {
		race = ", -race"
	}
	fmt.Fprintf(&b, "- Run: %d calls from %d goroutines over %s, fault seed %d, %s %s/%s%s, GOMAXPROCS %d.\n",
		r.cfg.calls, r.cfg.workers, r.cfg.transport, chaosSeed, runtime.Version(), runtime.GOOS, runtime.GOARCH, race, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "- HTTP requests the fake received: %d (%d of them POST /auth); virtual time %v, real time %v.\n",
		requests, auths, virtual.Round(time.Second), real.Round(100*time.Millisecond))
	b.WriteString("- Faults injected (from the fake's request log):\n")
	for _, k := range slices.Sorted(maps.Keys(faults)) {
		fmt.Fprintf(&b, "  - %s: %d\n", k, faults[k])
	}
	b.WriteString("- Outcomes (first sentinel matched):\n")
	keys := slices.SortedFunc(maps.Keys(r.tally), func(a, b string) int { return r.tally[b] - r.tally[a] })
	for _, k := range keys {
		fmt.Fprintf(&b, "  - %s: %d\n", k, r.tally[k])
	}
	fmt.Fprintf(&b, "- Creates: %s; ended in ErrOutcomeUnknown: %s.\n", chaosKinds(r.creates), chaosKinds(r.unknowns))
	fmt.Fprintf(&b, "- Outcome-unknown creates settled by a lookup: %d found, %d proven absent, %d disagreeing with the fake.\n", found, gone, wrong)
	fmt.Fprintf(&b, "- POSTs sent again after they may have acted (duplicates): %d.\n", dups)
	fmt.Fprintf(&b, "- Untyped errors: %d; panics: %d.\n", len(r.untyped), len(r.panics))
	fmt.Fprintf(&b, "- Goroutines: baseline %d, max %d during the run; goleak checks none is left after it.\n", baseG, r.maxG.Load())
	fmt.Fprintf(&b, "- Heap: peak %s (sampled every %d calls; the fake's state and request log included); after the run and a GC %s, baseline %s (bound: baseline + %s).\n",
		chaosMiB(r.peakHeap.Load()), chaosSampleEvery, chaosMiB(heapAfter), chaosMiB(baseHeap), chaosMiB(chaosHeapBound))
	return b.String()
}

func chaosKinds(m map[string]int) string {
	var parts []string
	for _, k := range []string{"customer", "user", "number", "order"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// The figures live in RELIABILITY.md between these markers; the rest of
// the file is left alone.
const (
	chaosBegin = "<!-- chaos figures: begin (generated by TestChaos) -->"
	chaosEnd   = "<!-- chaos figures: end -->"
)

func chaosWriteFigures(path, transport, report string) error {
	begin, end := chaosBegin, chaosEnd
	if transport != chaosMemory {
		begin, end = "<!-- chaos figures "+transport+": begin -->", "<!-- chaos figures "+transport+": end -->"
	}
	block := begin + "\n" + report + end
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return os.WriteFile(path, []byte("# Reliability\n\n"+block+"\n"), 0o644)
	}
	if err != nil {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q ... %q block to replace", path, begin, end)
	}
	return os.WriteFile(path, []byte(s[:i]+block+s[j+len(end):]), 0o644)
}
