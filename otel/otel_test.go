package otel_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/phonelineplus-go/phonelineplus"
	plpotel "github.com/phonelineplus-go/phonelineplus/otel"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// telemetry is what a test's client recorded.
type telemetry struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
}

// newClient returns a client of srv whose hooks record into memory. It
// talks to srv through its in-memory transport, so that inside a
// testing/synctest bubble the limiter and the token's lifetime run on
// virtual time.
func newClient(t *testing.T, srv *phonelineplustest.Server) (*phonelineplus.Client, telemetry) {
	t.Helper()
	tel := telemetry{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(srv.URL()),
		phonelineplus.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
		phonelineplus.WithHooks(plpotel.Hooks(plpotel.WithTracerProvider(tp), plpotel.WithMeterProvider(mp))))
	require.NoError(t, err)
	return client, tel
}

func (tel telemetry) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	return rm
}

// A run that creates a customer, is refused once with 429 and refreshes
// its token: the spans and metrics it leaves, and none of the run's
// personal data or IDs among them.
func TestHooksTraceAndMeasureACustomerOnboarding(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := phonelineplustest.NewServer(
			phonelineplustest.WithTokenLifetime(time.Minute),
			phonelineplustest.WithFault(phonelineplustest.Fault{
				Method: http.MethodPost, Path: "/customers", Action: phonelineplustest.FaultRespond,
				Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}, Times: 1,
			}))
		defer srv.Close()
		client, tel := newClient(t, srv)
		ctx := t.Context()

		avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
			NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161",
		})
		require.NoError(t, err)
		require.NotEmpty(t, avail)
		custReq := phonelineplus.CustomerCreateRequest{
			Plan: phonelineplus.PlanStandard, CompanyName: "Quill & Daughters Ltd", FullName: "Morwenna Quill",
			ContactNumber: "07700 900123", Email: "morwenna@quill.example",
			Number:  phonelineplus.NumberRef{NumberE164: avail[0].NumberE164},
			Address: phonelineplus.Address{Premises: "Unit 9", Street: "Tib Street", Town: "Manchester", Postcode: "M4 1LN"},
		}
		cust, err := client.Customers.Create(ctx, custReq)
		require.NoError(t, err)
		time.Sleep(2 * time.Minute) // the token's minute runs out
		userReq := phonelineplus.UserCreateRequest{
			Type: phonelineplus.UserStandard, FullName: "Tamsin Quill", Email: "tamsin@quill.example",
		}
		user, err := client.Users.Create(ctx, cust.ID, userReq)
		require.NoError(t, err)
		// The API's refusal quotes the email: the error's message is
		// never recorded, only its category.
		_, err = client.Users.Create(ctx, cust.ID, userReq)
		require.ErrorIs(t, err, phonelineplus.ErrEmailInUse)
		require.ErrorContains(t, err, userReq.Email)

		spans := tel.spans.GetSpans()
		calls := children(spans, tracetest.SpanStub{}) // the roots, in the order they started
		require.Len(t, calls, 4, "one root span per call of the test")
		list, create, addUser, refused := calls[0], calls[1], calls[2], calls[3]
		for i, name := range []string{"Numbers.ListAvailable", "Customers.Create", "Users.Create", "Users.Create"} {
			assert.Equal(t, name, calls[i].Name)
			assert.Equal(t, trace.SpanKindInternal, calls[i].SpanKind, name)
			assert.Contains(t, calls[i].Attributes, attribute.String("phonelineplus.operation", name))
		}
		for _, ok := range calls[:3] {
			assert.Equal(t, codes.Unset, ok.Status.Code, ok.Name)
		}
		assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: "email_in_use"}, refused.Status)
		assert.Contains(t, refused.Attributes, attribute.String("error.type", "email_in_use"))
		assert.Contains(t, create.Attributes, attribute.String("url.template", "/customers"))
		assert.Contains(t, create.Attributes, attribute.Int("phonelineplus.attempts", 2))

		// Every other span hangs under a span of the run, within its time.
		for _, s := range spans {
			if !s.Parent.IsValid() {
				continue
			}
			parent, ok := spanByID(spans, s.Parent.SpanID())
			require.True(t, ok, "the parent of %s was recorded", s.Name)
			assert.False(t, s.StartTime.Before(parent.StartTime), "%s starts within %s", s.Name, parent.Name)
			assert.False(t, s.EndTime.After(parent.EndTime), "%s ends within %s", s.Name, parent.Name)
		}

		// The first call exchanged the key, the last refreshed the token;
		// the one between used the cached token. Each exchange is an
		// operation of its own under the call that waited for it.
		for _, call := range []tracetest.SpanStub{list, addUser} {
			steps := children(spans, call)
			require.Equal(t, 1, count(steps, "Token.Wait"), call.Name)
			exchanges := byName(steps, "Auth.Exchange")
			require.Len(t, exchanges, 1, call.Name)
			wait, exchange := byName(steps, "Token.Wait")[0], exchanges[0]
			assert.False(t, exchange.StartTime.Before(wait.StartTime), "the wait began before the exchange")
			assert.False(t, wait.EndTime.Before(exchange.EndTime), "the wait ended with the exchange")
			auth := byName(children(spans, exchange), "POST /auth")
			require.Len(t, auth, 1)
			assert.Equal(t, trace.SpanKindClient, auth[0].SpanKind)
			assert.Contains(t, auth[0].Attributes, attribute.Int("http.response.status_code", 200))
			assert.Equal(t, 1, count(children(spans, exchange), "Limiter.Wait"), "the exchange spends a slot")
		}
		assert.Zero(t, count(children(spans, create), "Token.Wait"))
		assert.Zero(t, count(children(spans, create), "Auth.Exchange"))

		// Each request waited for its slot on the limiter: the list's GET
		// a whole slot behind the exchange's, with the times it really took.
		waits := byName(children(spans, list), "Limiter.Wait")
		require.NotEmpty(t, waits)
		longest := slices.MaxFunc(waits, func(a, b tracetest.SpanStub) int {
			return cmp.Compare(a.EndTime.Sub(a.StartTime), b.EndTime.Sub(b.StartTime))
		})
		assert.GreaterOrEqual(t, longest.EndTime.Sub(longest.StartTime), 600*time.Millisecond)

		// The attempts: CLIENT spans named after the template.
		attempts := byName(children(spans, create), "POST /customers")
		require.Len(t, attempts, 2)
		refused, created := attempts[0], attempts[1]
		for _, a := range attempts {
			assert.Equal(t, trace.SpanKindClient, a.SpanKind)
			assert.Contains(t, a.Attributes, attribute.String("http.request.method", "POST"))
			assert.Contains(t, a.Attributes, attribute.String("url.template", "/customers"))
			assert.True(t, hasKey(a.Attributes, "server.address") && hasKey(a.Attributes, "server.port"))
		}
		assert.Contains(t, refused.Attributes, attribute.Int("http.response.status_code", 429))
		assert.Contains(t, refused.Attributes, attribute.String("error.type", "rate_limited"))
		assert.Contains(t, refused.Attributes, attribute.Float64("phonelineplus.retry.delay", 2))
		assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: "rate_limited"}, refused.Status)
		assert.False(t, hasKey(refused.Attributes, "http.request.resend_count"), "the first attempt is no resend")
		assert.Contains(t, created.Attributes, attribute.Int("http.response.status_code", 201))
		assert.Contains(t, created.Attributes, attribute.Int("http.request.resend_count", 1))
		assert.False(t, hasKey(created.Attributes, "error.type"))
		assert.Equal(t, codes.Unset, created.Status.Code)
		assert.False(t, created.StartTime.Before(refused.EndTime.Add(2*time.Second)), "the retry waited Retry-After")

		userAttempts := byName(children(spans, addUser), "POST /customers/{customerID}/users")
		require.Len(t, userAttempts, 1)
		assert.Contains(t, userAttempts[0].Attributes, attribute.String("url.template", "/customers/{customerID}/users"))

		// The metrics.
		rm := tel.metrics(t)
		duration := histogram(t, rm, "http.client.request.duration")
		assert.Equal(t, uint64(7), totalCount(duration), "five HTTP attempts and two exchanges")
		assert.Equal(t, uint64(1), pointWith(t, duration, attribute.Int("http.response.status_code", 429)).Count)
		p429 := pointWith(t, duration, attribute.Int("http.response.status_code", 429))
		host, port := serverOf(t, srv.URL())
		assert.Equal(t, attribute.NewSet(
			attribute.String("http.request.method", "POST"), attribute.String("url.template", "/customers"),
			attribute.String("server.address", host), attribute.Int("server.port", port),
			attribute.Int("http.response.status_code", 429), attribute.String("error.type", "rate_limited"),
		), p429.Attributes)
		assert.Equal(t, int64(1), sum(t, rm, "phonelineplus.rate_limited.responses"))
		assert.Equal(t, int64(2), sum(t, rm, "phonelineplus.token.exchanges"))
		assert.Equal(t, uint64(7), totalCount(histogram(t, rm, "phonelineplus.limiter.wait.duration")), "one slot per request")
		assert.Equal(t, uint64(6), totalCount(histogram(t, rm, "phonelineplus.operation.duration")), "four calls, two exchanges")

		// Nothing personal, no ID and no secret, in any of it.
		keyID, secret := srv.Credentials()
		sensitive := []string{
			custReq.CompanyName, custReq.FullName, custReq.Email, custReq.ContactNumber, "07700900123",
			custReq.Number.NumberE164, custReq.Address.Postcode, custReq.Address.Premises, custReq.Address.Street,
			userReq.FullName, userReq.Email, cust.ID, cust.UserID, user.ID, keyID, secret,
		}
		if cust.Destination != nil {
			sensitive = append(sensitive, cust.Destination.SIPPassword.Reveal())
		}
		recorded := dump(t, spans) + dump(t, rm)
		for _, v := range sensitive {
			require.NotEmpty(t, v)
			assert.False(t, strings.Contains(recorded, v), "%q is recorded", v)
		}
	})
}

// Client.Do is given a path, not a template: its spans are named after the
// method alone and the path, with its IDs, appears nowhere.
func TestHooksNameDoAfterTheMethodOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := phonelineplustest.NewServer()
		defer srv.Close()
		client, tel := newClient(t, srv)
		const id = "7d0c3a52-0000-4000-8000-d00d00d00d00"

		err := client.Do(t.Context(), http.MethodGet, "/customers/"+id, nil, nil)
		require.ErrorIs(t, err, phonelineplus.ErrNotFound)

		spans := tel.spans.GetSpans()
		attempts := byName(spans, "GET")
		require.Len(t, attempts, 1)
		assert.Equal(t, trace.SpanKindClient, attempts[0].SpanKind)
		assert.False(t, hasKey(attempts[0].Attributes, "url.template"))
		assert.Contains(t, attempts[0].Attributes, attribute.String("error.type", "not_found"))
		ops := byName(spans, "Do")
		require.Len(t, ops, 1)
		assert.Equal(t, sdktrace.Status{Code: codes.Error, Description: "not_found"}, ops[0].Status)
		assert.False(t, strings.Contains(dump(t, spans)+dump(t, tel.metrics(t)), id), "the ID is recorded")
	})
}

// Calls that need a token at the same moment share one exchange: it is
// counted once and traced under the call that started it, and each call
// shows its own wait for it.
func TestHooksCountASharedExchangeOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The exchange takes virtual time, so that every call has started
		// and waits for it, whatever order the goroutines run in.
		srv := phonelineplustest.NewServer(phonelineplustest.WithLatency(100*time.Millisecond, 100*time.Millisecond))
		defer srv.Close()
		client, tel := newClient(t, srv)

		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := client.Products.List(t.Context())
				assert.NoError(t, err)
			})
		}
		wg.Wait()

		spans := tel.spans.GetSpans()
		assert.Len(t, byName(spans, "Products.List"), 8)
		assert.Len(t, byName(spans, "Token.Wait"), 8, "every call waited")
		exchanges := byName(spans, "Auth.Exchange")
		require.Len(t, exchanges, 1)
		parent, ok := spanByID(spans, exchanges[0].Parent.SpanID())
		require.True(t, ok)
		assert.Equal(t, "Products.List", parent.Name)
		assert.Equal(t, int64(1), sum(t, tel.metrics(t), "phonelineplus.token.exchanges"))
	})
}

func spanByID(spans tracetest.SpanStubs, id trace.SpanID) (tracetest.SpanStub, bool) {
	i := slices.IndexFunc(spans, func(s tracetest.SpanStub) bool { return s.SpanContext.SpanID() == id })
	if i < 0 {
		return tracetest.SpanStub{}, false
	}
	return spans[i], true
}

// children returns the spans directly under parent, in the order they started.
func children(spans tracetest.SpanStubs, parent tracetest.SpanStub) tracetest.SpanStubs {
	var out tracetest.SpanStubs
	for _, s := range spans {
		if s.Parent.SpanID() == parent.SpanContext.SpanID() {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) })
	return out
}

func byName(spans tracetest.SpanStubs, name string) tracetest.SpanStubs {
	var out tracetest.SpanStubs
	for _, s := range spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func count(spans tracetest.SpanStubs, name string) int { return len(byName(spans, name)) }

func hasKey(attrs []attribute.KeyValue, key attribute.Key) bool {
	return slices.ContainsFunc(attrs, func(kv attribute.KeyValue) bool { return kv.Key == key })
}

func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				assert.Equal(t, plpotel.ScopeName, sm.Scope.Name)
				return m
			}
		}
	}
	require.Failf(t, "metric not recorded", "%s", name)
	return metricdata.Metrics{}
}

func histogram(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Histogram[float64] {
	t.Helper()
	m := find(t, rm, name)
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a float64 histogram, not %T", name, m.Data)
	assert.Equal(t, "s", m.Unit, name)
	return h
}

func totalCount(h metricdata.Histogram[float64]) uint64 {
	var n uint64
	for _, p := range h.DataPoints {
		n += p.Count
	}
	return n
}

func pointWith(t *testing.T, h metricdata.Histogram[float64], kv attribute.KeyValue) metricdata.HistogramDataPoint[float64] {
	t.Helper()
	for _, p := range h.DataPoints {
		if v, ok := p.Attributes.Value(kv.Key); ok && v == kv.Value {
			return p
		}
	}
	require.Failf(t, "no data point", "with %s=%s", kv.Key, kv.Value.String())
	return metricdata.HistogramDataPoint[float64]{}
}

func sum(t *testing.T, rm metricdata.ResourceMetrics, name string) int64 {
	t.Helper()
	m := find(t, rm, name)
	s, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is an int64 sum, not %T", name, m.Data)
	var n int64
	for _, p := range s.DataPoints {
		n += p.Value
	}
	return n
}

// dump is everything v holds as text (names, attributes, statuses,
// events), with no character escaped.
func dump(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return b.String()
}

// serverOf returns the host and port of a base URL.
func serverOf(t *testing.T, base string) (string, int) {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	return u.Hostname(), port
}
