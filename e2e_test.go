package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// These tests run whole provisioning stories through the SDK against the
// fake API and check the outcome in the fake's state and request log.

// highRate is the fake's and the client's limit where a test is about
// correctness, not pacing.
const highRate = 100_000

// provisioned is what one story created.
type provisioned struct {
	customer *phonelineplus.Customer
	user     *phonelineplus.User
	number   *phonelineplus.Number
	order    *phonelineplus.Order
	device   *phonelineplus.Device
	mac      string
}

// numberPicker hands out available Manchester numbers, listing more when
// it runs out.
type numberPicker struct {
	client *phonelineplus.Client
	queue  []string
}

func (p *numberPicker) next(ctx context.Context) (string, error) {
	if len(p.queue) == 0 {
		avail, err := p.client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
			NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161",
		})
		if err != nil {
			return "", err
		}
		if len(avail) == 0 {
			return "", errors.New("no 0161 numbers available")
		}
		for _, a := range avail {
			p.queue = append(p.queue, a.NumberE164)
		}
	}
	n := p.queue[0]
	p.queue = p.queue[1:]
	return n, nil
}

// withFreeNumber calls take with available numbers until one is not in
// flight elsewhere (another story may have taken it).
func withFreeNumber[T any](ctx context.Context, p *numberPicker, take func(e164 string) (*T, error)) (*T, error) {
	for range 100 {
		e164, err := p.next(ctx)
		if err != nil {
			return nil, err
		}
		v, err := take(e164)
		if !errors.Is(err, phonelineplus.ErrNumberInFlight) {
			return v, err
		}
	}
	return nil, errors.New("no free number after 100 tries")
}

// provisionStory is a partner's first day for customer i: a hardware-only
// customer with a 0161 number, a user with a second number, a desk phone
// ordered for that user, and the phone registered.
func provisionStory(ctx context.Context, client *phonelineplus.Client, i int) (*provisioned, error) {
	p := &provisioned{mac: fmt.Sprintf("00:15:65:00:%02X:%02X", i/256, i%256)}
	numbers := &numberPicker{client: client}
	var err error
	p.customer, err = withFreeNumber(ctx, numbers, func(e164 string) (*phonelineplus.Customer, error) {
		return client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
			Plan:          phonelineplus.PlanHardwareOnly,
			CompanyName:   fmt.Sprintf("Customer %02d Ltd", i),
			FullName:      fmt.Sprintf("Owner %02d", i),
			ContactNumber: "07700 900000",
			Address:       phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
			Number:        phonelineplus.NumberRef{NumberE164: e164},
		})
	})
	if err != nil {
		return nil, fmt.Errorf("customer %d: %w", i, err)
	}
	cid := p.customer.ID
	p.user, err = client.Users.Create(ctx, cid, phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: fmt.Sprintf("User %02d", i), Email: fmt.Sprintf("user%02d@example.com", i),
	})
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", i, err)
	}
	p.number, err = withFreeNumber(ctx, numbers, func(e164 string) (*phonelineplus.Number, error) {
		return client.Numbers.Create(ctx, cid, phonelineplus.NumberCreateRequest{NumberE164: e164})
	})
	if err != nil {
		return nil, fmt.Errorf("number %d: %w", i, err)
	}
	if p.number, err = client.Numbers.Allocate(ctx, cid, p.number.ID, p.user.ID); err != nil {
		return nil, fmt.Errorf("allocate %d: %w", i, err)
	}
	products, err := client.Products.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("products %d: %w", i, err)
	}
	var phone phonelineplus.Product
	for _, pr := range products {
		if pr.SKU == "T46S" {
			phone = pr
		}
	}
	p.order, err = client.Orders.Create(ctx, cid, phonelineplus.OrderCreateRequest{
		DeliveryAddress:  phonelineplus.DeliveryAddress{Line1: "Unit 1", Line2: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
		Products:         []phonelineplus.OrderItem{{ID: phone.ID, Quantity: 1}},
		Name:             p.user.FullName,
		Email:            p.user.Email,
		PhoneNumber:      "07700 900000",
		SKUToUserMapping: map[string][]phonelineplus.SKUUser{phone.SKU: {{UserID: p.user.ID}}},
	})
	if err != nil {
		return nil, fmt.Errorf("order %d: %w", i, err)
	}
	p.device, err = client.Devices.Create(ctx, cid, p.user.ID, phonelineplus.DeviceCreateRequest{
		Brand: phonelineplus.BrandYealink, Model: "T46S", MACAddress: p.mac,
	})
	if err != nil {
		return nil, fmt.Errorf("device %d: %w", i, err)
	}
	return p, nil
}

// checkStory checks that the fake holds what story p created.
func checkStory(t *testing.T, srv *phonelineplustest.Server, p *provisioned, i int) {
	t.Helper()
	cust, ok := srv.Customer(p.customer.ID)
	require.True(t, ok, "customer %d missing", i)
	assert.Equal(t, fmt.Sprintf("Customer %02d Ltd", i), cust.CompanyName)
	assert.Equal(t, phonelineplustest.PlanHardwareOnly, cust.Plan)
	assert.Equal(t, p.customer.Number.NumberE164, cust.Number.NumberE164)
	assert.Equal(t, cust.Destination.SIPPassword, p.customer.Destination.SIPPassword.Reveal())

	users := srv.Users(cust.CustomerID)
	require.Len(t, users, 2, "customer %d: the primary user and the one added", i)
	assert.Equal(t, cust.UserID, users[0].ID)
	assert.Equal(t, p.user.ID, users[1].ID)
	assert.Equal(t, fmt.Sprintf("user%02d@example.com", i), users[1].Email)

	allocated := map[string]string{} // number -> user
	for _, n := range srv.Numbers(cust.CustomerID) {
		allocated[n.NumberE164] = n.AllocatedTo.UserID
	}
	assert.Equal(t, map[string]string{
		cust.Number.NumberE164: cust.UserID,
		p.number.NumberE164:    p.user.ID,
	}, allocated, "customer %d numbers", i)

	var orders []phonelineplustest.Order
	for _, o := range srv.Orders() {
		if o.CustomerID == cust.CustomerID {
			orders = append(orders, o)
		}
	}
	require.Len(t, orders, 1, "customer %d orders", i)
	assert.Equal(t, p.order.ID, orders[0].OrderID)
	assert.Equal(t, map[string][]string{"T46S": {p.user.ID}}, orders[0].SKUToUserMapping)
	require.Len(t, orders[0].Products, 1)
	assert.Equal(t, "T46S", orders[0].Products[0].SKU)

	devices := srv.Devices(cust.CustomerID, p.user.ID)
	require.Len(t, devices, 1, "customer %d devices", i)
	assert.Equal(t, p.device.ID, devices[0].ID)
	assert.Equal(t, p.mac, devices[0].MacAddress)
	assert.Equal(t, phonelineplustest.DeviceMetadata{Brand: "Yealink", Model: "T46S"}, devices[0].Metadata)
}

// postsSentTwice returns the POSTs in reqs with the same path and body as
// an earlier one.
func postsSentTwice(reqs []phonelineplustest.Request) []string {
	seen := map[string]bool{}
	var dups []string
	for _, r := range reqs {
		if r.Method != http.MethodPost {
			continue
		}
		k := r.Path + " " + string(r.Body)
		if seen[k] {
			dups = append(dups, k)
		}
		seen[k] = true
	}
	return dups
}

// statusCounts counts the requests of reqs by "METHOD status".
func statusCounts(reqs []phonelineplustest.Request) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		out[fmt.Sprintf("%s %d", r.Method, r.Status)]++
	}
	return out
}

func TestE2EProvisioningStory(t *testing.T) {
	t.Parallel()
	srv, client := newFakeClient(t,
		[]phonelineplustest.Option{phonelineplustest.WithRateLimit(highRate)},
		phonelineplus.WithRateLimit(highRate, 10))

	p, err := provisionStory(t.Context(), client, 1)
	require.NoError(t, err)

	checkStory(t, srv, p, 1)
	assert.Equal(t, phonelineplus.OrderPlaced, p.order.Status)
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%+v", p.customer.Destination.SIPPassword))
	reqs := srv.Requests()
	var got []string
	for _, r := range reqs {
		got = append(got, fmt.Sprintf("%s %d", r.Method, r.Status))
	}
	// auth, available numbers, customer, user, number, allocate, products,
	// order, device: each once, none failed.
	assert.Equal(t, []string{"POST 200", "GET 200", "POST 201", "POST 201", "POST 201", "PUT 200", "GET 200", "POST 201", "POST 201"}, got)
	assert.Empty(t, postsSentTwice(reqs))
}

func TestE2EConcurrentStories(t *testing.T) {
	t.Parallel()
	const stories = 20
	srv, client := newFakeClient(t,
		[]phonelineplustest.Option{phonelineplustest.WithRateLimit(highRate)},
		phonelineplus.WithRateLimit(highRate, stories))

	results := make([]*provisioned, stories)
	errs := make([]error, stories)
	var wg sync.WaitGroup
	for i := range stories {
		wg.Go(func() { results[i], errs[i] = provisionStory(t.Context(), client, i) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	for i, p := range results {
		checkStory(t, srv, p, i)
	}
	snap := srv.Snapshot()
	assert.Len(t, snap.Customers, stories, "no customer lost or duplicated")
	assert.Len(t, snap.Users, 2*stories)
	assert.Len(t, snap.Numbers, 2*stories)
	assert.Len(t, snap.Orders, stories)
	assert.Len(t, snap.Devices, stories)
	assert.Equal(t, phonelineplustest.Stats{Customers: stories, Users: 2 * stories, Numbers: 2 * stories, Orders: stories}, snap.Stats)
	unique := func(what string, keys []string) {
		set := map[string]bool{}
		for _, k := range keys {
			assert.False(t, set[k], "%s %s twice", what, k)
			set[k] = true
		}
	}
	var customerIDs, names, userIDs, emails, numbers []string
	for _, c := range snap.Customers {
		customerIDs, names = append(customerIDs, c.CustomerID), append(names, c.CompanyName)
	}
	for _, u := range snap.Users {
		userIDs = append(userIDs, u.ID)
		if u.Email != "" {
			emails = append(emails, u.Email)
		}
	}
	for _, n := range snap.Numbers {
		numbers = append(numbers, n.NumberE164)
	}
	unique("customer", customerIDs)
	unique("company", names)
	unique("user", userIDs)
	unique("email", emails)
	unique("number", numbers)

	reqs := srv.Requests()
	assert.Empty(t, postsSentTwice(reqs), "a POST was sent twice")
	counts := statusCounts(reqs)
	assert.Equal(t, 1, counts["POST 200"], "one token exchange for all the goroutines")
	assert.Equal(t, 5*stories, counts["POST 201"], "customer, user, number, order and device of each story")
	for k, n := range counts {
		if k != "POST 200" && k != "POST 201" && k != "GET 200" && k != "PUT 200" {
			// Stories racing for the same number get the in-flight 409.
			assert.Equal(t, "POST 409", k, "%d requests", n)
		}
	}
}

// retryAfterCounter passes requests to next and counts the 429s, and those
// among them without a Retry-After header.
type retryAfterCounter struct {
	next http.RoundTripper

	mu                sync.Mutex
	tooMany, noHeader int
}

func (c *retryAfterCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.tooMany++
		if resp.Header.Get("Retry-After") == "" {
			c.noHeader++
		}
	}
	return resp, err
}

// hammer makes workers goroutines call Products.List calls times each, as
// fast as client lets them, and returns every call's error.
func hammer(ctx context.Context, client *phonelineplus.Client, workers, calls int) []error {
	errs := make([]error, workers*calls)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for c := range calls {
				_, errs[w*calls+c] = client.Products.List(ctx)
			}
		})
	}
	wg.Wait()
	return errs
}

// The fake keeps PhoneLine+'s 100 requests a minute. A client whose own
// limiter is off runs into 429s; the fake's Retry-After tells it how long
// to wait, and its retries get every call through. Inside the synctest
// bubble the minute-long waits take no real time.
func TestE2ERateLimitRetriesRecover(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := phonelineplustest.NewServer()
		defer srv.Close()
		counter := &retryAfterCounter{next: srv.Transport()}
		client := fakeClient(t, srv, phonelineplus.WithHTTPClient(&http.Client{Transport: counter}),
			phonelineplus.WithLimiter(rate.NewLimiter(rate.Inf, 1)))

		start := time.Now()
		errs := hammer(t.Context(), client, 20, 10)
		elapsed := time.Since(start)

		require.NoError(t, errors.Join(errs...), "every call gets through in the end")
		counts := statusCounts(srv.Requests())
		assert.Positive(t, counts["GET 429"], "the fake refused some")
		assert.Equal(t, counts["GET 429"]+counts["POST 429"], counter.tooMany)
		assert.Zero(t, counter.noHeader, "every 429 carries Retry-After")
		assert.Equal(t, 200, counts["GET 200"])
		assert.GreaterOrEqual(t, elapsed, time.Minute, "the client waited as Retry-After asked")
	})
}

// A client with the default limiter (100 a minute, evenly spaced) doing
// the same never gets a 429.
func TestE2EDefaultLimiterAvoids429(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := phonelineplustest.NewServer()
		defer srv.Close()
		client := fakeClient(t, srv, phonelineplus.WithHTTPClient(&http.Client{Transport: srv.Transport()}))

		errs := hammer(t.Context(), client, 20, 10)

		require.NoError(t, errors.Join(errs...))
		reqs := srv.Requests()
		assert.Equal(t, map[string]int{"POST 200": 1, "GET 200": 200}, statusCounts(reqs), "no 429 at all")
		// Every request, /auth included, needs its own 600 ms slot: the
		// first call must not send its request at once after the token
		// exchange, or 101 requests fit in a rolling minute.
		assert.Equal(t, "/auth", reqs[0].Path)
		assert.GreaterOrEqual(t, reqs[1].Time.Sub(reqs[0].Time), 600*time.Millisecond,
			"the first request went out right after /auth")
	})
}
