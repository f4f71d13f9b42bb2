package phonelineplustest

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	defaultPool    bool
	products       []Product
	faults         []Fault
	seeders        []func(*Server) error
}

func defaultConfig() config {
	return config{
		tokenLifetime:  time.Hour,
		rateLimit:      100,
		inFlightStatus: http.StatusConflict,
		seed:           1,
		addr:           "127.0.0.1:0",
		defaultPool:    true,
	}
}

// WithTokenLifetime sets how long a token from POST /auth is valid
// (default one hour). The "expires" it returns is in whole seconds.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d < time.Second {
			panic(fmt.Sprintf("phonelineplustest: WithTokenLifetime(%v): the lifetime must be at least a second", d))
		}
		c.tokenLifetime = d
	}
}

// WithRateLimit sets how many requests one API key may make in any rolling
// 60 seconds (default 100, as the real API documents); 0 disables the
// limit. POST /auth counts, attributed to the keyID in its body.
func WithRateLimit(perMinute int) Option {
	return func(c *config) {
		if perMinute < 0 {
			panic(fmt.Sprintf("phonelineplustest: WithRateLimit(%d): the limit must not be negative", perMinute))
		}
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
		if status != http.StatusConflict && status != http.StatusBadRequest {
			panic(fmt.Sprintf("phonelineplustest: WithInFlightStatus(%d): want 400 or 409", status))
		}
		c.inFlightStatus = status
	}
}

// WithRandSeed seeds the fake's random decisions: fault probabilities and
// where in the pool GET /numbers/available starts. The default seed is 1,
// so runs repeat. IDs and secrets are always random.
func WithRandSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithLogger logs one line per request (method, path, status, duration),
// never a header or a body. The default is no logging.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithAddr makes the server listen on addr, such as "127.0.0.1:8080",
// instead of a random loopback port. NewServer panics if it cannot listen.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithListener makes the server serve on l, which it closes on Close.
func WithListener(l net.Listener) Option { return func(c *config) { c.listener = l } }

// WithFault injects a fault from the start; see Server.InjectFault.
func WithFault(f Fault) Option {
	return func(c *config) {
		if err := f.validate(); err != nil {
			panic(err.Error())
		}
		c.faults = append(c.faults, f)
	}
}

// WithProducts replaces the default product catalogue. A product without
// an ID gets a random one.
func WithProducts(products ...Product) Option {
	return func(c *config) { c.products = append([]Product{}, products...) }
}

// WithoutNumberPool starts with no available numbers (the area codes stay
// listed); add some with WithAvailableNumbers.
func WithoutNumberPool() Option { return func(c *config) { c.defaultPool = false } }

// WithAvailableNumbers adds numbers to the pool GET /numbers/available
// searches. Type defaults from the number (443... is non-geographic); a
// geographic number's AreaCode defaults to the longest known area code it
// starts with.
func WithAvailableNumbers(numbers ...AvailableNumber) Option {
	return seed(func(s *Server) error {
		for _, n := range numbers {
			if err := s.st.addToPool(n); err != nil {
				return err
			}
		}
		return nil
	})
}

// WithInFlightNumbers marks numbers as held by another order in flight:
// they stay listed as available (as the real API does), but taking one
// gets the "existing in-flight order" answer. See Server.HoldNumbers.
func WithInFlightNumbers(numbers ...string) Option {
	return seed(func(s *Server) error {
		s.st.hold(numbers, true)
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
	return seed(func(s *Server) error { return s.st.seedCustomer(c) })
}

// WithUser adds a user to a customer added earlier. Empty ID, Type
// ("standard") and Status ("pending_activation") get defaults.
func WithUser(customerID string, u User) Option {
	return seed(func(s *Server) error { return s.st.seedUser(customerID, u) })
}

// WithNumber adds a number to a customer added earlier, taking it from the
// pool. An empty ID gets a random one; AllocatedTo must name a user of
// that customer.
func WithNumber(customerID string, n Number) Option {
	return seed(func(s *Server) error { return s.st.seedNumber(customerID, n) })
}

// WithPartnerUser adds a partner (portal) user. An empty ID gets a random
// one.
func WithPartnerUser(u PartnerUser) Option {
	return seed(func(s *Server) error { return s.st.seedPartnerUser(u) })
}

func seed(f func(*Server) error) Option {
	return func(c *config) { c.seeders = append(c.seeders, f) }
}
