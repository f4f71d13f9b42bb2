package engine

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// testJob is n customers, each with users users (a DDI each from 0161)
// and one order of a W73P per user.
func testJob(n, users int) *Job {
	job := &Job{}
	for i := range n {
		c := &Customer{
			Source: Source{Sheet: "customers", Row: i + 2, Ref: fmt.Sprintf("C%03d", i), Hash: "c"},
			Request: pl.CustomerCreateRequest{
				Plan: pl.PlanHardwareOnlyCP, CompanyName: fmt.Sprintf("Customer %03d Ltd", i), FullName: fmt.Sprintf("Owner %03d", i),
				ContactNumber: "01610000000", Email: fmt.Sprintf("owner%03d@example.co.uk", i),
				Address: pl.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M11AA"},
			},
		}
		line := OrderLine{SKU: "W73P", Quantity: users}
		for j := range users {
			u := &User{
				Source: Source{Sheet: "users", Row: i*users + j + 2, Ref: fmt.Sprintf("U%03d-%d", i, j), Hash: "u"},
				Request: pl.UserCreateRequest{Type: pl.UserStandard, FullName: fmt.Sprintf("User %03d-%d", i, j),
					Email: fmt.Sprintf("user%03d-%d@example.co.uk", i, j)},
				AreaCode: "0161",
			}
			c.Users = append(c.Users, u)
			line.UserRefs = append(line.UserRefs, u.Ref)
		}
		c.Orders = []*Order{{
			Source: Source{Sheet: "orders", Row: i + 2, Ref: fmt.Sprintf("O%03d", i), Hash: "o"},
			Request: pl.OrderCreateRequest{
				DeliveryAddress: pl.DeliveryAddress{Line1: "Unit 1 High Street", Town: "Manchester", Postcode: "M11AA"},
				Name:            fmt.Sprintf("Owner %03d", i), Email: fmt.Sprintf("owner%03d@example.co.uk", i), PhoneNumber: "01610000000",
			},
			Lines: []OrderLine{line},
		}}
		job.Customers = append(job.Customers, c)
	}
	return job
}

// newFakeAPI starts a fake (no rate limit unless opts set one) and an SDK
// client on its in-memory transport, with the limiter given (nil: none)
// and a settle window of 0 (an unknown outcome is looked up once).
func newFakeAPI(t *testing.T, lim pl.Limiter, opts ...phonelineplustest.Option) (*phonelineplustest.Server, *SDK) {
	t.Helper()
	srv := phonelineplustest.NewServer(append([]phonelineplustest.Option{phonelineplustest.WithRateLimit(0)}, opts...)...)
	t.Cleanup(srv.Close)
	if lim == nil {
		lim = rate.NewLimiter(rate.Inf, 1)
	}
	id, secret := srv.Credentials()
	c, err := pl.New(id, secret, pl.WithBaseURL(srv.URL()), pl.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
		pl.WithLimiter(lim), pl.WithSettleWindow(0), pl.WithHooks(Hooks()))
	require.NoError(t, err)
	return srv, &SDK{Client: c}
}

func openJournal(t *testing.T) *journal.Journal {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "test.journal"))
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	return j
}

// countRequests counts the requests the fake received with method and a
// path matching pattern, where a "*" segment matches any one segment.
func countRequests(srv *phonelineplustest.Server, method, pattern string) int {
	want := strings.Split(strings.Trim(pattern, "/"), "/")
	n := 0
	for _, r := range srv.Requests() {
		got := strings.Split(strings.Trim(r.Path, "/"), "/")
		if r.Method != method || len(got) != len(want) {
			continue
		}
		match := true
		for i := range want {
			match = match && (want[i] == "*" || want[i] == got[i])
		}
		if match {
			n++
		}
	}
	return n
}
