package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/phonelineplus-go/phonelineplus"
)

// The overhead benchmarks send the same request through the SDK and
// through hand-written net/http + encoding/json code, over one shared
// http.Transport (keep-alive on) to one httptest server that answers with
// canned bodies. The SDK's token is cached before the timer starts and its
// limiter is infinite, so what differs is only the code on each side.

const (
	basePath   = "/partner/v1"
	customerID = "0f9e6a52-6c1d-4c47-9a36-2a1e3c7b5d10"
	benchToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl"
	listSize   = 1000
)

// customerBody is one customer as the API (and the fake) sends it.
var customerBody = []byte(`{"customerID":"` + customerID + `","userID":"5b7c3a1e-2d4f-4e8a-9c6b-7a8d9e0f1a2b",` +
	`"companyName":"Acme Widgets Ltd","fullName":"Jane Smith","contactNumber":"01610000000",` +
	`"email":"jane.smith@example.co.uk","plan":"hardware_only_cp","status":"active",` +
	`"address":{"premises":"Unit 1","street":"High Street","town":"Manchester","county":"Greater Manchester","postcode":"M11AA"},` +
	`"number":{"numberE164":"441614960000"},"contractLength":24,"created":"2025-01-02T03:04:05Z",` +
	`"destination":{"registrationServer":"sip.example.net","sipID":"1234567","sipPassword":"pa55word-not-real",` +
	`"stunServer":"stun.example.net","stunPort":"3478"}}`)

// numbersBody is a {"data":[...],"count":n} list of listSize numbers, half
// of them allocated.
var numbersBody = func() []byte {
	var b bytes.Buffer
	b.WriteString(`{"data":[`)
	for i := range listSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"ID":"num-%06d","numberE164":"44161496%04d","type":"standard_geographic","displayNumberType":"UK Geographic Number"`, i, i)
		if i%2 == 0 {
			fmt.Fprintf(&b, `,"allocatedTo":{"userID":"user-%06d"}`, i)
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(&b, `],"count":%d}`, listSize)
	return b.Bytes()
}()

// createRequest is the Customers.Create body used on both sides; it is
// already in the form the SDK sends, so both put the same bytes on the wire.
var createRequest = phonelineplus.CustomerCreateRequest{
	Plan:          phonelineplus.PlanHardwareOnlyCP,
	Address:       phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M11AA"},
	CompanyName:   "Acme Widgets Ltd",
	FullName:      "Jane Smith",
	ContactNumber: "01610000000",
	Email:         "jane.smith@example.co.uk",
}

// cannedHandler serves the three benchmarked endpoints and /auth. It reads
// every request body, as a real server does.
func cannedHandler() http.Handler {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, status int, body []byte) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	mux.HandleFunc("POST "+basePath+"/auth", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		exp := time.Now().Add(time.Hour).Unix()
		write(w, http.StatusOK, []byte(`{"access_token":"`+benchToken+`","expires":`+strconv.FormatInt(exp, 10)+`}`))
	})
	mux.HandleFunc("GET "+basePath+"/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusOK, customerBody)
	})
	mux.HandleFunc("GET "+basePath+"/customers/{id}/numbers/", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusOK, numbersBody)
	})
	mux.HandleFunc("POST "+basePath+"/customers", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		write(w, http.StatusCreated, customerBody)
	})
	return mux
}

// overheadEnv is one server and the clients that share its transport: the
// SDK without hooks, the SDK with a no-op hook in every field, and the
// hand-written client.
type overheadEnv struct {
	sdk, hooked *phonelineplus.Client
	raw         *rawClient
}

// noopHooks sets every hook to a function that does nothing.
var noopHooks = phonelineplus.Hooks{
	OperationStart: func(ctx context.Context, _ phonelineplus.OperationInfo) context.Context { return ctx },
	OperationEnd:   func(context.Context, phonelineplus.OperationInfo, phonelineplus.OperationResult) {},
	AttemptStart:   func(ctx context.Context, _ phonelineplus.AttemptInfo) context.Context { return ctx },
	AttemptEnd:     func(context.Context, phonelineplus.AttemptInfo, phonelineplus.AttemptResult) {},
	LimiterWait:    func(context.Context, phonelineplus.LimiterWaitInfo) {},
	TokenExchange:  func(context.Context, phonelineplus.TokenExchangeInfo) {},
}

func newOverheadEnv(tb testing.TB) *overheadEnv {
	tb.Helper()
	srv := httptest.NewServer(cannedHandler())
	tb.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute}
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	base := srv.URL + basePath

	newSDK := func(opts ...phonelineplus.Option) *phonelineplus.Client {
		c, err := phonelineplus.New("bench-key", "bench-secret", append([]phonelineplus.Option{
			phonelineplus.WithBaseURL(base),
			phonelineplus.WithHTTPClient(hc),
			phonelineplus.WithLimiter(rate.NewLimiter(rate.Inf, 1)),
		}, opts...)...)
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
	e := &overheadEnv{sdk: newSDK(), hooked: newSDK(phonelineplus.WithHooks(noopHooks)),
		raw: &rawClient{hc: hc, base: base, keyID: "bench-key", secret: "bench-secret"}}
	// Warm all: the token is cached and a connection is open.
	ctx := context.Background()
	for _, c := range []*phonelineplus.Client{e.sdk, e.hooked} {
		if _, err := c.Customers.Get(ctx, customerID); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := e.raw.getCustomer(ctx, customerID); err != nil {
		tb.Fatal(err)
	}
	return e
}

// BenchmarkOverhead runs each request through the SDK and then by hand,
// as sub-benchmarks of one benchmark so that -count interleaves them and a
// change in machine load hits both sides alike.
func BenchmarkOverhead(b *testing.B) {
	e := newOverheadEnv(b)
	ctx := context.Background()
	cases := []struct {
		name string
		sdk  func(*phonelineplus.Client) error
		raw  func() error
	}{
		{"CustomersGet", func(sdk *phonelineplus.Client) error {
			c, err := sdk.Customers.Get(ctx, customerID)
			if err == nil && c.ID != customerID {
				err = fmt.Errorf("got customer %q", c.ID)
			}
			return err
		}, func() error {
			c, err := e.raw.getCustomer(ctx, customerID)
			if err == nil && c.ID != customerID {
				err = fmt.Errorf("got customer %q", c.ID)
			}
			return err
		}},
		{"NumbersList1000", func(sdk *phonelineplus.Client) error {
			ns, err := sdk.Numbers.List(ctx, customerID)
			if err == nil && len(ns) != listSize {
				err = fmt.Errorf("got %d numbers", len(ns))
			}
			return err
		}, func() error {
			ns, err := e.raw.listNumbers(ctx, customerID)
			if err == nil && len(ns) != listSize {
				err = fmt.Errorf("got %d numbers", len(ns))
			}
			return err
		}},
		{"CustomersCreate", func(sdk *phonelineplus.Client) error {
			c, err := sdk.Customers.Create(ctx, createRequest)
			if err == nil && c.ID != customerID {
				err = fmt.Errorf("got customer %q", c.ID)
			}
			return err
		}, func() error {
			c, err := e.raw.createCustomer(ctx, rawCreateRequest(createRequest))
			if err == nil && c.ID != customerID {
				err = fmt.Errorf("got customer %q", c.ID)
			}
			return err
		}},
	}
	for _, c := range cases {
		b.Run(c.name+"/sdk", func(b *testing.B) { loop(b, func() error { return c.sdk(e.sdk) }) })
		b.Run(c.name+"/hooked", func(b *testing.B) { loop(b, func() error { return c.sdk(e.hooked) }) })
		b.Run(c.name+"/raw", func(b *testing.B) { loop(b, c.raw) })
	}
}

// loop runs f b.N times. Besides ns/op (wall time) it reports cpu-ns/op:
// the CPU time of the whole process (client, server and runtime) per call,
// which other programs on a shared machine disturb much less.
func loop(b *testing.B, f func() error) {
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := processCPU(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// TestOverheadSidesAgree checks, quickly, that both sides of the overhead
// benchmarks decode the same values: the comparison is only fair if the
// hand-written client does the same work.
func TestOverheadSidesAgree(t *testing.T) {
	e := newOverheadEnv(t)
	ctx := t.Context()

	sc, err := e.sdk.Customers.Get(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := e.raw.getCustomer(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.ID != rc.ID || sc.Email != rc.Email || sc.Address.Postcode != rc.Address.Postcode ||
		sc.Destination == nil || rc.Destination == nil || sc.Destination.STUNPort != rc.Destination.STUNPort {
		t.Errorf("customers differ: sdk %+v, raw %+v", sc, rc)
	}

	sn, err := e.sdk.Numbers.List(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	rn, err := e.raw.listNumbers(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sn) != listSize || len(rn) != listSize {
		t.Fatalf("got %d and %d numbers, want %d", len(sn), len(rn), listSize)
	}
	for i := range sn {
		s, r := sn[i], rn[i]
		if s.ID != r.ID || s.NumberE164 != r.NumberE164 || (s.AllocatedTo == nil) != (r.AllocatedTo == nil) {
			t.Fatalf("number %d differs: sdk %+v, raw %+v", i, s, r)
		}
	}

	body, err := json.Marshal(rawCreateRequest(createRequest))
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(createRequest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, want) {
		t.Errorf("create bodies differ:\nraw %s\nsdk %s", body, want)
	}
}

// rawClient is what a careful hand-written client looks like: a cached
// token with its expiry, the status checked, the body decoded into a
// struct equivalent to the SDK's and drained so the connection is reused.
type rawClient struct {
	hc            *http.Client
	base          string
	keyID, secret string
	token         string
	expiry        time.Time
}

type rawAddress struct {
	Premises string `json:"premises"`
	Street   string `json:"street"`
	Town     string `json:"town"`
	County   string `json:"county,omitzero"`
	Postcode string `json:"postcode"`
}

type rawNumberRef struct {
	NumberE164 string `json:"numberE164"`
}

type rawCustomer struct {
	ID             string       `json:"customerID"`
	UserID         string       `json:"userID"`
	CompanyName    string       `json:"companyName"`
	FullName       string       `json:"fullName"`
	ContactNumber  string       `json:"contactNumber"`
	Email          string       `json:"email"`
	Plan           string       `json:"plan"`
	Status         string       `json:"status"`
	Address        rawAddress   `json:"address"`
	Number         rawNumberRef `json:"number"`
	ContractLength int          `json:"contractLength"`
	Created        string       `json:"created"`
	Destination    *struct {
		RegistrationServer string `json:"registrationServer"`
		SIPID              string `json:"sipID"`
		SIPPassword        string `json:"sipPassword"`
		STUNServer         string `json:"stunServer"`
		STUNPort           string `json:"stunPort"`
	} `json:"destination"`
}

type rawNumber struct {
	ID                string `json:"ID"`
	NumberE164        string `json:"numberE164"`
	Type              string `json:"type"`
	DisplayNumberType string `json:"displayNumberType"`
	AllocatedTo       *struct {
		UserID string `json:"userID"`
	} `json:"allocatedTo"`
}

type rawCustomerCreate struct {
	Plan          string       `json:"plan"`
	Address       rawAddress   `json:"address,omitzero"`
	CompanyName   string       `json:"companyName"`
	FullName      string       `json:"fullName"`
	ContactNumber string       `json:"contactNumber"`
	Number        rawNumberRef `json:"number,omitzero"`
	Email         string       `json:"email,omitzero"`
}

func rawCreateRequest(r phonelineplus.CustomerCreateRequest) rawCustomerCreate {
	return rawCustomerCreate{
		Plan:          string(r.Plan),
		Address:       rawAddress(r.Address),
		CompanyName:   r.CompanyName,
		FullName:      r.FullName,
		ContactNumber: r.ContactNumber,
		Number:        rawNumberRef(r.Number),
		Email:         r.Email,
	}
}

func (c *rawClient) getCustomer(ctx context.Context, id string) (*rawCustomer, error) {
	var out rawCustomer
	if err := c.do(ctx, http.MethodGet, "/customers/"+url.PathEscape(id), nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *rawClient) listNumbers(ctx context.Context, customerID string) ([]rawNumber, error) {
	var out struct {
		Data  []rawNumber `json:"data"`
		Count int         `json:"count"`
	}
	if err := c.do(ctx, http.MethodGet, "/customers/"+url.PathEscape(customerID)+"/numbers/", nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

func (c *rawClient) createCustomer(ctx context.Context, req rawCustomerCreate) (*rawCustomer, error) {
	var out rawCustomer
	if err := c.do(ctx, http.MethodPost, "/customers", req, http.StatusCreated, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *rawClient) do(ctx context.Context, method, path string, in any, want int, out any) error {
	if c.token == "" || time.Now().After(c.expiry.Add(-time.Minute)) {
		if err := c.auth(ctx); err != nil {
			return err
		}
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decoding: %w", method, path, err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (c *rawClient) auth(ctx context.Context) error {
	b, err := json.Marshal(map[string]string{"keyID": c.keyID, "secret": c.secret})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/auth", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("auth: %s", resp.Status)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Expires     int64  `json:"expires"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return err
	}
	c.token, c.expiry = tok.AccessToken, time.Unix(tok.Expires, 0)
	return nil
}
