package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The provisioning workload: 100 customers, each with 3 users, a number
// allocated to each user and one hardware order. The API has no "allocate
// a pool number to a user" call, so allocating a number takes what a real
// integration sends: one GET /numbers/available per customer (a page of
// 20), then per user POST .../numbers (the customer takes the number) and
// PUT .../allocate. Per customer that is 12 requests:
//
//	GET  /numbers/available            1
//	POST /customers                    1
//	POST /customers/{id}/users         3
//	POST /customers/{id}/numbers       3
//	PUT  .../numbers/{id}/allocate     3
//	POST /customers/{id}/orders        1
//
// plus, once, POST /auth and GET /products: 1,202 requests in all. The
// fake answers at once (zero latency), so the time is all rate limit and
// sleeps; real latency would add the same to both clients.
const (
	provCustomers    = 100
	provUsers        = 3
	provAreaCode     = "44161"
	provProductSKU   = "W73P"
	pySleepCustomer  = 3500 * time.Millisecond
	pySleepUser      = 500 * time.Millisecond
	pySleepOrder     = 2 * time.Second
	pyBackoffStep    = 1500 * time.Millisecond
	pyMaxTries       = 8
	provPerCustomer  = 1 + 1 + 3*provUsers + 1
	provSetup        = 2 // POST /auth, GET /products
	provTotalPlanned = provSetup + provCustomers*provPerCustomer
)

var provAddress = phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M11AA"}

var provDelivery = phonelineplus.DeliveryAddress{Line1: "Unit 1 High Street", Town: "Manchester", Country: "United Kingdom", Postcode: "M11AA"}

func provCustomer(i int) phonelineplus.CustomerCreateRequest {
	return phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanHardwareOnlyCP, Address: provAddress,
		CompanyName: fmt.Sprintf("Customer %03d Ltd", i), FullName: fmt.Sprintf("Owner %03d", i),
		ContactNumber: "01610000000", Email: fmt.Sprintf("owner%03d@example.co.uk", i),
	}
}

func provUser(i, j int) phonelineplus.UserCreateRequest {
	return phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: fmt.Sprintf("User %03d-%d", i, j),
		Email: fmt.Sprintf("user%03d-%d@example.co.uk", i, j),
	}
}

func provOrder(i int, productID string, users []string) phonelineplus.OrderCreateRequest {
	skuUsers := make([]phonelineplus.SKUUser, len(users))
	for k, u := range users {
		skuUsers[k] = phonelineplus.SKUUser{UserID: u}
	}
	return phonelineplus.OrderCreateRequest{
		DeliveryAddress: provDelivery,
		Products:        []phonelineplus.OrderItem{{ID: productID, Quantity: len(users)}},
		Name:            fmt.Sprintf("Owner %03d", i), Email: fmt.Sprintf("owner%03d@example.co.uk", i),
		PhoneNumber:      "01610000000",
		SKUToUserMapping: map[string][]phonelineplus.SKUUser{provProductSKU: skuUsers},
	}
}

// provisionSDK runs the workload through the SDK, one call after another,
// as the Python client does; the SDK's default limiter does the pacing.
func provisionSDK(ctx context.Context, c *phonelineplus.Client) error {
	products, err := c.Products.List(ctx)
	if err != nil {
		return err
	}
	productID := ""
	for _, p := range products {
		if p.SKU == provProductSKU {
			productID = p.ID
		}
	}
	for i := range provCustomers {
		avail, err := c.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
			NumberType: phonelineplus.NumberTypeGeographic, AreaCode: provAreaCode})
		if err != nil {
			return err
		}
		if len(avail) < provUsers {
			return fmt.Errorf("only %d numbers available", len(avail))
		}
		cust, err := c.Customers.Create(ctx, provCustomer(i))
		if err != nil {
			return err
		}
		var users []string
		for j := range provUsers {
			u, err := c.Users.Create(ctx, cust.ID, provUser(i, j))
			if err != nil {
				return err
			}
			n, err := c.Numbers.Create(ctx, cust.ID, phonelineplus.NumberCreateRequest{NumberE164: avail[j].NumberE164})
			if err != nil {
				return err
			}
			if _, err := c.Numbers.Allocate(ctx, cust.ID, n.ID, u.ID); err != nil {
				return err
			}
			users = append(users, u.ID)
		}
		if _, err := c.Orders.Create(ctx, cust.ID, provOrder(i, productID, users)); err != nil {
			return err
		}
	}
	return nil
}

// pyClient models the public Python client: no limiter, the same requests
// one after another, its fixed sleeps, and on a 429 a linear backoff of
// 1.5 s times the attempt, up to 8 tries (it does not read Retry-After).
type pyClient struct {
	hc    *http.Client
	base  string
	token string
	tries int // requests sent, 429s included
}

func (p *pyClient) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, p.base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if p.token != "" {
			req.Header.Set("Authorization", "Bearer "+p.token)
		}
		p.tries++
		resp, err := p.hc.Do(req)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < pyMaxTries:
			time.Sleep(time.Duration(attempt) * pyBackoffStep)
			continue
		case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated:
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		case out != nil:
			return json.Unmarshal(b, out)
		}
		return nil
	}
}

func provisionPython(ctx context.Context, p *pyClient, keyID, secret string) error {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := p.do(ctx, http.MethodPost, "/auth", map[string]string{"keyID": keyID, "secret": secret}, &tok); err != nil {
		return err
	}
	p.token = tok.AccessToken
	var products struct{ Data []phonelineplustest.Product }
	if err := p.do(ctx, http.MethodGet, "/products", nil, &products); err != nil {
		return err
	}
	productID := ""
	for _, pr := range products.Data {
		if pr.SKU == provProductSKU {
			productID = pr.ID
		}
	}
	for i := range provCustomers {
		var avail struct {
			Data []phonelineplustest.AvailableNumber
		}
		if err := p.do(ctx, http.MethodGet, "/numbers/available?numberType=standard_geographic&areaCode="+provAreaCode, nil, &avail); err != nil {
			return err
		}
		if len(avail.Data) < provUsers {
			return fmt.Errorf("only %d numbers available", len(avail.Data))
		}
		var cust phonelineplustest.Customer
		if err := p.do(ctx, http.MethodPost, "/customers", provCustomer(i), &cust); err != nil {
			return err
		}
		time.Sleep(pySleepCustomer)
		var users []string
		for j := range provUsers {
			var u phonelineplustest.User
			if err := p.do(ctx, http.MethodPost, "/customers/"+cust.CustomerID+"/users", provUser(i, j), &u); err != nil {
				return err
			}
			time.Sleep(pySleepUser)
			var n phonelineplustest.Number
			if err := p.do(ctx, http.MethodPost, "/customers/"+cust.CustomerID+"/numbers",
				map[string]string{"numberE164": avail.Data[j].NumberE164}, &n); err != nil {
				return err
			}
			if err := p.do(ctx, http.MethodPut, "/customers/"+cust.CustomerID+"/numbers/"+n.ID+"/allocate",
				map[string]string{"userID": u.ID}, nil); err != nil {
				return err
			}
			users = append(users, u.ID)
		}
		if err := p.do(ctx, http.MethodPost, "/customers/"+cust.CustomerID+"/orders", provOrder(i, productID, users), nil); err != nil {
			return err
		}
		time.Sleep(pySleepOrder)
	}
	return nil
}

// provisionResult is one run of the workload.
type provisionResult struct {
	took     time.Duration
	accepted int // requests the fake accepted (the workload's own)
	rejected int // 429s
	maxInWin int
}

func (r provisionResult) theoretical() time.Duration {
	return time.Duration(r.accepted) * window / perMinute
}

func runProvision(t *testing.T, run func(ctx context.Context, srv *phonelineplustest.Server, c *phonelineplus.Client) error) provisionResult {
	t.Helper()
	var res provisionResult
	synctest.Test(t, func(t *testing.T) {
		srv, c := newFakeClient(t)
		start := time.Now()
		if err := run(t.Context(), srv, c); err != nil {
			t.Fatal(err)
		}
		res.took = time.Since(start)
		s := logStats(srv.Requests(), start, start.Add(24*time.Hour))
		res.accepted, res.rejected, res.maxInWin = s.accepted, s.rejected, s.maxInWin

		snap := srv.Snapshot()
		allocated := 0
		for _, n := range snap.Numbers {
			if n.AllocatedTo.UserID != "" {
				allocated++
			}
		}
		if len(snap.Customers) != provCustomers || len(snap.Orders) != provCustomers || allocated != provCustomers*provUsers {
			t.Errorf("provisioned %d customers, %d orders, %d allocated numbers; want %d, %d, %d",
				len(snap.Customers), len(snap.Orders), allocated, provCustomers, provCustomers, provCustomers*provUsers)
		}
		if res.accepted != provTotalPlanned {
			t.Errorf("the fake accepted %d requests, want %d", res.accepted, provTotalPlanned)
		}
	})
	return res
}

// TestProvisioningWorkload runs the workload through the SDK and through
// the model of the Python client, both in virtual time at 100 requests a
// minute, and holds the SDK to within 2% of the theoretical minimum
// (requests / 100 per minute) with no 429.
func TestProvisioningWorkload(t *testing.T) {
	sdk := runProvision(t, func(ctx context.Context, _ *phonelineplustest.Server, c *phonelineplus.Client) error {
		return provisionSDK(ctx, c)
	})
	py := runProvision(t, func(ctx context.Context, srv *phonelineplustest.Server, _ *phonelineplus.Client) error {
		keyID, secret := srv.Credentials()
		return provisionPython(ctx, &pyClient{hc: &http.Client{Transport: srv.Transport()}, base: srv.URL()}, keyID, secret)
	})

	theo := sdk.theoretical()
	t.Logf("BENCH provisioning client=sdk requests=%d took=%s theoretical=%s ratio=%.4f status429=%d max_per_minute=%d",
		sdk.accepted, sdk.took, theo, sdk.took.Seconds()/theo.Seconds(), sdk.rejected, sdk.maxInWin)
	t.Logf("BENCH provisioning client=python-sleeps requests=%d took=%s theoretical=%s ratio=%.4f status429=%d max_per_minute=%d",
		py.accepted, py.took, py.theoretical(), py.took.Seconds()/py.theoretical().Seconds(), py.rejected, py.maxInWin)

	if limit := theo + theo/50; sdk.took > limit {
		t.Errorf("the SDK took %v, want within 2%% of the theoretical %v (%v)", sdk.took, theo, limit)
	}
	if sdk.rejected != 0 {
		t.Errorf("the fake answered the SDK 429 %d times, want none", sdk.rejected)
	}
}
