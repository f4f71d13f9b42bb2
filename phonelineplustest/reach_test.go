package phonelineplustest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notOverHTTP names the Go API a program outside Go has no use for over
// HTTP, and why; everything else must be named by a control route.
var notOverHTTP = map[string]string{
	"WithLogger":       "process logging: cmd/phonelineplus-fake logs each request to stderr",
	"WithTLS":          "how to listen: the -tls flag",
	"CACertPEM":        "the -tls flag writes it to a file and prints its path",
	"CertPool":         "the -tls flag writes it to a file and prints its path",
	"WithAddr":         "where to listen: the -addr flag",
	"WithListener":     "where to listen: the -addr flag",
	"WithRandSeed":     "the -seed flag; at run time POST /_fake/reset {\"seed\": n}",
	"URL":              "GET /_fake/ answers it (baseURL)",
	"Credentials":      "GET /_fake/ answers it (keyID, secret)",
	"Handler":          "mounting the fake in a Go server",
	"ServeHTTP":        "it is the HTTP API",
	"Transport":        "in-memory serving for Go tests",
	"Close":            "stopping the process stops the fake",
	"Customers":        "GET /_fake/state holds them",
	"Customer":         "GET /_fake/state holds it",
	"Users":            "GET /_fake/state holds them",
	"Numbers":          "GET /_fake/state holds them",
	"Devices":          "GET /_fake/state holds them",
	"Orders":           "GET /_fake/state holds them",
	"Products":         "GET /_fake/state holds them",
	"Product":          "GET /_fake/state holds it",
	"AvailableNumbers": "GET /_fake/state holds the pool; the API lists what is free",
}

// TestEveryGoOptionIsReachableOverHTTP reads the package's source: every
// option (a With... function) and every method of *Server is either called
// by a control route (its goAPI names it) or listed in notOverHTTP with a
// reason.
func TestEveryGoOptionIsReachableOverHTTP(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			switch {
			case fn.Recv == nil && fn.Type.Results != nil && len(fn.Type.Results.List) == 1 && isIdent(fn.Type.Results.List[0].Type, "Option"):
				names = append(names, fn.Name.Name)
			case fn.Recv != nil && isStarServer(fn.Recv.List[0].Type):
				names = append(names, fn.Name.Name)
			}
		}
	}
	require.Contains(t, names, "WithFault", "the parse found the options")
	require.Contains(t, names, "InjectFault", "and the methods")

	called := map[string]bool{}
	word := regexp.MustCompile(`[A-Z][A-Za-z]+`)
	for _, rt := range controlRoutes {
		for _, w := range word.FindAllString(rt.goAPI, -1) {
			called[w] = true
		}
	}
	slices.Sort(names)
	for _, n := range names {
		_, excused := notOverHTTP[n]
		assert.True(t, called[n] || excused, "%s is neither called by a control route nor excused in notOverHTTP", n)
		assert.False(t, called[n] && excused, "%s is both", n)
	}
	for n := range notOverHTTP {
		assert.Contains(t, names, n, "notOverHTTP names something that is gone")
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isStarServer(e ast.Expr) bool {
	st, ok := e.(*ast.StarExpr)
	return ok && isIdent(st.X, "Server")
}

// TestGoOptionsAndControlCallsAgree applies each option to one server and
// its control call to another, and compares what they hold.
func TestGoOptionsAndControlCallsAgree(t *testing.T) {
	t.Parallel()
	custID, userID, numberID, orderID := newUUID(), newUUID(), newUUID(), newUUID()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cust := Customer{CustomerID: custID, UserID: newUUID(), CompanyName: "Acme Ltd", FullName: "Alex", Email: "alex@acme.example",
		Plan: PlanStandard, Created: created}
	withCust := WithCustomer(cust)
	custCall := ctlCall{http.MethodPost, "customers", cust}
	products := []Product{{ID: newUUID(), SKU: "X1", Name: "Phone X1"}}
	for _, tc := range []struct {
		name  string
		opts  []Option
		calls []ctlCall
	}{
		{"WithCustomer", []Option{withCust}, []ctlCall{custCall}},
		{"WithUser", []Option{withCust, WithUser(custID, User{ID: userID, FullName: "Jo", Email: "jo@acme.example"})},
			[]ctlCall{custCall, {http.MethodPost, "customers/" + custID + "/users", map[string]any{"ID": userID, "fullName": "Jo", "email": "jo@acme.example"}}}},
		{"WithNumber", []Option{withCust, WithNumber(custID, Number{ID: numberID, NumberE164: "441614960007"})},
			[]ctlCall{custCall, {http.MethodPost, "customers/" + custID + "/numbers", map[string]any{"ID": numberID, "numberE164": "441614960007"}}}},
		{"WithOrder", []Option{withCust, WithOrder(custID, Order{OrderID: orderID, Created: created, Products: []OrderProduct{{SKU: "T46S", Quantity: 3}}, Name: "Alex"})},
			[]ctlCall{custCall, {http.MethodPost, "customers/" + custID + "/orders", map[string]any{"orderID": orderID, "created": created, "products": []any{map[string]any{"sku": "T46S", "quantity": 3}}, "name": "Alex"}}}},
		{"WithPartnerUser", []Option{WithPartnerUser(PartnerUser{ID: userID, FullName: "Pat", Email: "pat@example.com"})},
			[]ctlCall{{http.MethodPost, "partner-users", PartnerUser{ID: userID, FullName: "Pat", Email: "pat@example.com"}}}},
		{"WithAvailableNumbers", []Option{WithAvailableNumbers(AvailableNumber{NumberE164: "441619990001"})},
			[]ctlCall{{http.MethodPost, "pool", map[string]any{"numberE164": "441619990001"}}}},
		{"WithoutNumberPool", []Option{WithoutNumberPool()}, []ctlCall{{http.MethodDelete, "pool", nil}}},
		{"WithProducts", []Option{WithProducts(products...)}, []ctlCall{{http.MethodPut, "products", products}}},
		{"WithInFlightNumbers", []Option{WithInFlightNumbers("441614960001")},
			[]ctlCall{{http.MethodPost, "numbers/hold", map[string]any{"numbers": []string{"441614960001"}}}}},
		{"WithFault", []Option{WithFault(Fault{Method: "POST", Path: "/customers", Action: FaultTimeoutCommitLater, CommitAfter: 3 * time.Second, Times: 1})},
			[]ctlCall{{http.MethodPost, "faults", "POST /customers timeout-commit-later commitAfter=3s once"}}},
		{"settings", []Option{WithRateLimit(7), WithTokenLifetime(time.Minute), WithInFlightStatus(400),
			WithLatency(time.Millisecond, 3*time.Millisecond), WithRequestLogLimits(10, 1<<20)},
			[]ctlCall{{http.MethodPatch, "settings", map[string]any{"rateLimit": 7, "tokenLifetime": "1m", "inFlightStatus": 400,
				"latency": "1ms-3ms", "requestLogEntries": 10, "requestLogBytes": 1 << 20}}}},
		{"WithCredentials", []Option{WithCredentials("k1", "s1"), WithCredentials("k2", "s2")},
			[]ctlCall{{http.MethodPost, "keys", map[string]string{"keyID": "k1", "secret": "s1"}}, {http.MethodPost, "keys", map[string]string{"keyID": "k2", "secret": "s2"}}}},
	} {
		goSrv := newServer(t, tc.opts...)
		httpSrv := newServer(t)
		c := newClient(t, httpSrv)
		for _, call := range tc.calls {
			r := c.ctl(call.method, call.path, call.body)
			require.Less(t, r.status, 300, "%s: %s %s: %s", tc.name, call.method, call.path, r.body)
		}
		want, got := goSrv.Snapshot(), httpSrv.Snapshot()
		assert.True(t, slices.Equal(want.Pool, got.Pool), "%s: the pools differ", tc.name)
		want.Pool, got.Pool = nil, nil
		assert.Equal(t, want, got, tc.name)
		assert.Equal(t, goSrv.Settings(), httpSrv.Settings(), tc.name)
		assert.Equal(t, goSrv.Faults(), httpSrv.Faults(), tc.name)
		if tc.name == "WithCredentials" {
			c.keyID, c.secret = "k2", "s2"
			c.login()
		}
	}
}

type ctlCall struct {
	method, path string
	body         any
}
