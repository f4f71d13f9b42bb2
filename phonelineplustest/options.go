package phonelineplustest

import (
	"cmp"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"
)

// Option configures a Server. Options are applied in order by NewServer,
// which panics, as httptest does, when one is invalid (a seeded customer
// ID that does not exist, a reused email, a listen error): they are
// programming errors in a test.
type Option func(*config)

type config struct {
	tokenLifetime  time.Duration
	rateLimit      int
	keys           [][2]string
	inFlightStatus int
	seed           uint64
	logger         *slog.Logger
	listener       net.Listener
	addr           string
	faults         []Fault
	latency        [2]time.Duration
	tls            bool
	noPool         bool      // WithoutNumberPool
	products       []Product // WithProducts; nil for the default catalogue
	logSize        int
	logBytes       int64
	seeders        []func(*state) error
}

func defaultConfig() config {
	return config{
		tokenLifetime:  time.Hour,
		rateLimit:      100,
		inFlightStatus: http.StatusConflict,
		seed:           1,
		addr:           "127.0.0.1:0",
		logSize:        DefaultRequestLogSize,
		logBytes:       DefaultRequestLogBytes,
	}
}

// WithTokenLifetime sets how long a token from POST /auth is valid
// (default one hour). The "expires" it returns is in whole seconds.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		mustOption("WithTokenLifetime", checkTokenLifetime(d))
		c.tokenLifetime = d
	}
}

// WithRateLimit sets how many requests one API key may make in any rolling
// 60 seconds (default 100, as the real API documents); 0 disables the
// limit. POST /auth counts, attributed to the keyID in its body.
func WithRateLimit(perMinute int) Option {
	return func(c *config) {
		mustOption("WithRateLimit", checkRateLimit(perMinute))
		c.rateLimit = perMinute
	}
}

// WithCredentials registers an API key. The first WithCredentials replaces
// the random default key and is what Credentials returns; later ones add
// more keys, each with its own rate-limit budget.
func WithCredentials(keyID, secret string) Option {
	return func(c *config) {
		if keyID == "" || secret == "" {
			panic("phonelineplustest: WithCredentials: the key ID and the secret must not be empty")
		}
		c.keys = append(c.keys, [2]string{keyID, secret})
	}
}

// WithInFlightStatus sets the status of the "existing in-flight order"
// answer: http.StatusConflict (the default) or http.StatusBadRequest, since
// the real API has been seen to send both.
func WithInFlightStatus(status int) Option {
	return func(c *config) {
		mustOption("WithInFlightStatus", checkInFlightStatus(status))
		c.inFlightStatus = status
	}
}

// WithRandSeed seeds the fake's random decisions: fault probabilities and
// latency ranges. The default seed is 1, so runs repeat. IDs and secrets
// are always random.
func WithRandSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithLogger logs one line per request (request ID, method, path,
// status, duration), never a header or a body. The default is no logging.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithAddr makes the server listen on addr, such as "127.0.0.1:8080",
// instead of a random loopback port. NewServer panics if it cannot listen.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithListener makes the server serve on l, which it closes on Close.
func WithListener(l net.Listener) Option { return func(c *config) { c.listener = l } }

// WithFault injects a fault from the start; see Server.InjectFault.
func WithFault(f Fault) Option {
	return func(c *config) {
		mustOption("WithFault", f.validate())
		c.faults = append(c.faults, f.clone())
	}
}

// WithProducts replaces the product catalogue. A product without an ID
// gets a random one.
func WithProducts(products ...Product) Option {
	products = slices.Clone(products)
	return func(c *config) { c.products = products }
}

// WithoutNumberPool starts with no available numbers (the area codes stay
// listed); add some with WithAvailableNumbers.
func WithoutNumberPool() Option { return func(c *config) { c.noPool = true } }

// WithAvailableNumbers adds numbers to the pool GET /numbers/available
// searches. Type defaults from the number (443... is non-geographic); a
// geographic number's AreaCode defaults to the longest known area code it
// starts with.
func WithAvailableNumbers(numbers ...AvailableNumber) Option {
	return seed(func(st *state) error { return st.seedPool(numbers) })
}

// WithInFlightNumbers marks numbers as held by another order in flight:
// they stay listed as available (as the real API does), but taking one
// gets the "existing in-flight order" answer. See Server.HoldNumbers.
func WithInFlightNumbers(numbers ...string) Option {
	return seed(func(st *state) error {
		st.hold(numbers, true)
		return nil
	})
}

// WithCustomer adds a customer as if it had been created through the API.
// Empty CustomerID, Status ("active"), ContractLength (24) and Created get
// defaults. A primary user is created from FullName and Email (with ID
// c.UserID when set); Number, when set, is taken from the pool and
// allocated to that user; hardware-only plans get a Destination when none
// is given. Plan rules are not checked; email uniqueness is.
func WithCustomer(c Customer) Option {
	return seed(func(st *state) error { _, err := st.seedCustomer(c); return err })
}

// WithUser adds a user to a customer added earlier. Empty ID, Type
// ("standard") and Status ("pending_activation") get defaults.
func WithUser(customerID string, u User) Option {
	return seed(func(st *state) error { _, err := st.seedUser(customerID, u); return err })
}

// WithNumber adds a number to a customer added earlier, taking it from the
// pool. An empty ID gets a random one; AllocatedTo must name a user of
// that customer.
func WithNumber(customerID string, n Number) Option {
	return seed(func(st *state) error { _, err := st.seedNumber(customerID, n); return err })
}

// WithPartnerUser adds a partner (portal) user. An empty ID gets a random
// one.
func WithPartnerUser(u PartnerUser) Option {
	return seed(func(st *state) error { _, err := st.seedPartnerUser(u); return err })
}

// WithOrder adds an order to a customer added earlier, as if it had been
// placed through the API. Empty OrderID, OrderNumber, Status ("placed")
// and Created get defaults; each product's catalogue details are filled in
// from its ID or SKU.
func WithOrder(customerID string, o Order) Option {
	return seed(func(st *state) error { _, err := st.seedOrder(customerID, o); return err })
}

// WithLatency makes every API request wait between min and max (a uniform
// draw from the seeded random source; max 0 means exactly min) before
// anything else happens to it, as a real network and gateway would. Like
// fault latency, it runs on timers, so virtually in a testing/synctest
// bubble. The default is none.
func WithLatency(min, max time.Duration) Option {
	return func(c *config) {
		mustOption("WithLatency", checkLatency(min, max))
		c.latency = [2]time.Duration{min, max}
	}
}

// WithRequestLogLimits bounds the request log (see Requests): at most
// entries requests and about bytes (1 GiB at most) of their headers and
// bodies; the oldest go first. Zero keeps a default (DefaultRequestLogSize,
// DefaultRequestLogBytes).
func WithRequestLogLimits(entries int, bytes int64) Option {
	return func(c *config) {
		mustOption("WithRequestLogLimits", checkLogLimits(entries, bytes))
		c.logSize, c.logBytes = cmp.Or(entries, DefaultRequestLogSize), cmp.Or(bytes, DefaultRequestLogBytes)
	}
}

func mustOption(name string, err error) {
	if err != nil {
		panic(fmt.Sprintf("phonelineplustest: %s: %v", name, err))
	}
}

func seed(f func(*state) error) Option {
	return func(c *config) { c.seeders = append(c.seeders, f) }
}
