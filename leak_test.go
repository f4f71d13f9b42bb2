package phonelineplus_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

// The canaries. Each has a core that must never show up anywhere,
// whatever escaping was applied around it. The API secret carries
// characters that JSON encoders escape (Go escapes <, > and &; others
// escape /), so an echo of it is not always byte-for-byte the secret.
var (
	leakSecret = "sk/LEAKCANARY-SECRET<>&end"
	leakJWT    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"LEAKCANARY-JWT-SUB","exp":4102444800}`)) +
		".TEVBS0NBTkFSWUpXVFNJRw"
	leakSIP   = "LEAKCANARY-SIP-PASSWORD-42"
	leakCores = map[string]string{
		"API secret":   "LEAKCANARY-SECRET",
		"JWT payload":  strings.Split(leakJWT, ".")[1],
		"JWT":          "TEVBS0NBTkFSWUpXVFNJRw",
		"SIP password": "LEAKCANARY-SIP",
	}
)

// assertNoLeak fails if s holds any canary.
func assertNoLeak(t *testing.T, where, s string) {
	t.Helper()
	for name, core := range leakCores {
		if strings.Contains(s, core) {
			t.Errorf("%s leaks the %s: %.300q", where, name, s)
		}
	}
}

// leakPrint checks every way a value gets printed: fmt verbs, Error and
// String, and slog records through the JSON and text handlers.
func leakPrint(t *testing.T, label string, v any) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		assertNoLeak(t, label+" "+verb, fmt.Sprintf(verb, v))
	}
	if e, ok := v.(error); ok && !reflect.ValueOf(v).IsNil() {
		assertNoLeak(t, label+" Error()", e.Error())
	}
	if s, ok := v.(fmt.Stringer); ok && !reflect.ValueOf(v).IsZero() {
		assertNoLeak(t, label+" String()", s.String())
	}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
	} {
		slog.New(h).Info("value", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
	}
	assertNoLeak(t, label+" slog", buf.String())
}

const leakPkgPath = "github.com/phonelineplus-go/phonelineplus"

// leakExportedTypeNames lists the exported types declared in the package's
// source (test files excluded), so a new type is covered without editing
// this test.
func leakExportedTypeNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		if f.Name.Name != "phonelineplus" {
			continue
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// leakReachableTypes walks from the package's entry points (New, NewSecret,
// the options, the errors and every method of every service) to every
// named type of the package they mention, by reflection.
func leakReachableTypes() map[string]reflect.Type {
	found := map[string]reflect.Type{}
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(t reflect.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		if t.PkgPath() == leakPkgPath && t.Name() != "" {
			name, _, _ := strings.Cut(t.Name(), "[") // an instance of a generic type: Ensured[…]
			found[name] = t
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			visit(t.Elem())
		case reflect.Map:
			visit(t.Key())
			visit(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				visit(t.Field(i).Type)
			}
		case reflect.Func:
			for i := range t.NumIn() {
				visit(t.In(i))
			}
			for i := range t.NumOut() {
				visit(t.Out(i))
			}
		case reflect.Interface:
			for i := range t.NumMethod() {
				visit(t.Method(i).Type)
			}
		}
		if t.Kind() != reflect.Interface {
			for _, mt := range []reflect.Type{t, reflect.PointerTo(t)} {
				for i := range mt.NumMethod() {
					visit(mt.Method(i).Type)
				}
			}
		}
	}
	for _, root := range []any{
		plp.New, plp.NewSecret, plp.Ptr[string],
		plp.WithBaseURL, plp.WithHTTPClient, plp.WithLimiter, plp.WithRateLimit, plp.WithMaxRetries,
		plp.WithMaxRetryWait, plp.WithTokenSource, plp.WithLogger, plp.WithUserAgent, plp.WithMaxResponseBytes,
		(*plp.APIError)(nil), (*plp.ValidationError)(nil), (*plp.VerificationError)(nil),
	} {
		visit(reflect.TypeOf(root))
	}
	return found
}

var leakCredentialName = regexp.MustCompile(`(?i)(password|secret|token|jwt)`)

// leakFill sets every exported field of v: credentials to the canaries
// (Secret fields through NewSecret, Token's AccessToken, RawJSON to an
// object echoing all three, and any string field named like a
// credential), everything else to plain values.
func leakFill(v reflect.Value, name string, depth int) {
	t := v.Type()
	switch t {
	case reflect.TypeFor[plp.Secret]():
		s := leakSIP
		if strings.Contains(strings.ToLower(name), "secret") {
			s = leakSecret
		}
		v.Set(reflect.ValueOf(plp.NewSecret(s)))
		return
	case reflect.TypeFor[plp.Token]():
		v.Set(reflect.ValueOf(plp.Token{AccessToken: plp.NewSecret(leakJWT), Expiry: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}))
		return
	case reflect.TypeFor[plp.RawJSON]():
		b, _ := json.Marshal(map[string]string{"sipPassword": leakSIP, "secret": leakSecret, "access_token": leakJWT})
		v.Set(reflect.ValueOf(plp.RawJSON(b)))
		return
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
		return
	}
	if depth > 6 {
		return
	}
	switch t.Kind() {
	case reflect.String:
		s := "v-" + name
		if leakCredentialName.MatchString(name) {
			s = leakSecret
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		leakFill(p.Elem(), name, depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		leakFill(s.Index(0), name, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		leakFill(k, name+"Key", depth+1)
		leakFill(e, name, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				leakFill(v.Field(i), f.Name, depth+1)
			}
		}
	}
}

// leakServer scripts the API: /auth answers with the JWT canary, and the
// test registers the rest.
func leakServer() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, respBase+"/auth",
		httpmock.NewStringResponder(http.StatusOK, `{"access_token":"`+leakJWT+`","expires":3600}`))
	return mt
}

// leakTee sends each record to several handlers.
type leakTee []slog.Handler

func (h leakTee) Enabled(context.Context, slog.Level) bool { return true }
func (h leakTee) Handle(ctx context.Context, r slog.Record) error {
	for _, x := range h {
		_ = x.Handle(ctx, r.Clone())
	}
	return nil
}
func (h leakTee) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(leakTee, len(h))
	for i, x := range h {
		out[i] = x.WithAttrs(as)
	}
	return out
}
func (h leakTee) WithGroup(g string) slog.Handler {
	out := make(leakTee, len(h))
	for i, x := range h {
		out[i] = x.WithGroup(g)
	}
	return out
}

// leakClient returns a client with the secret canary on mt, logging every
// attempt at Debug through the JSON and text handlers into logs.
func leakClient(t *testing.T, mt http.RoundTripper, logs *syncBuffer, opts ...plp.Option) *plp.Client {
	t.Helper()
	lg := slog.New(leakTee{
		slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
	})
	return newClient(t, "leak-key", leakSecret, append([]plp.Option{
		plp.WithBaseURL(respBase), plp.WithHTTPClient(&http.Client{Transport: mt}), plp.WithLogger(lg),
		plp.WithRateLimit(1_000_000, 1_000_000),
	}, opts...)...)
}

// TestNoSecretInAnyExportedType builds a value of every exported type,
// with the canaries in every credential, and prints it every way.
func TestNoSecretInAnyExportedType(t *testing.T) {
	t.Parallel()
	names := leakExportedTypeNames(t)
	types := leakReachableTypes()
	require.NotEmpty(t, names)
	for _, n := range names {
		assert.Contains(t, types, n, "type %s is not reachable from the roots of leakReachableTypes: add it there", n)
	}

	// A client that holds the JWT canary, and its services.
	synctest.Test(t, func(t *testing.T) {
		mt := leakServer()
		mt.RegisterResponder(http.MethodGet, respBase+"/stats", respJSON(200, `{"customers":1}`))
		var logs syncBuffer
		c := leakClient(t, mt, &logs)
		_, err := c.Stats.Get(t.Context())
		require.NoError(t, err)
		leakPrint(t, "*Client", c)
		leakPrint(t, "Client", *c)
		cv := reflect.ValueOf(c).Elem()
		for i := range cv.NumField() {
			if cv.Type().Field(i).IsExported() {
				leakPrint(t, cv.Type().Field(i).Name, cv.Field(i).Interface())
			}
		}
		leakPrint(t, "Option", plp.WithBaseURL(respBase))
		assertNoLeak(t, "logs", logs.String())
	})

	for _, n := range names {
		typ, ok := types[n]
		if !ok {
			continue
		}
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			p := reflect.New(typ)
			leakFill(p.Elem(), n, 0)
			leakPrint(t, n, p.Elem().Interface())
			leakPrint(t, "*"+n, p.Interface())
			if typ == reflect.TypeFor[plp.RawJSON]() {
				// RawJSON.MarshalJSON returns the JSON as sent, by
				// design, so slog's JSON handler shows a RawJSON nested
				// in a slice or map; resources keep theirs in a Raw
				// field tagged json:"-", which is covered.
				return
			}
			leakPrint(t, "[]"+n, reflect.Append(reflect.MakeSlice(reflect.SliceOf(typ), 0, 1), p.Elem()).Interface())
			leakPrint(t, "map of "+n, map[string]any{"k": p.Elem().Interface()})
		})
	}
}

// TestNoSecretInDecodedResources decodes responses that carry a SIP
// password and prints the results.
func TestNoSecretInDecodedResources(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt := leakServer()
		mt.RegisterResponder(http.MethodPost, respBase+"/customers", respJSON(201,
			`{"customerID":"c1","userID":"u1","destination":{"registrationServer":"sip.example","sipID":"s1","sipPassword":"`+leakSIP+`"}}`))
		mt.RegisterResponder(http.MethodPost, respBase+"/customers/c1/users/u1/devices", respJSON(201,
			`{"ID":"d1","name":"Desk","sipID":"s2","sipPassword":"`+leakSIP+`"}`))
		var logs syncBuffer
		c := leakClient(t, mt, &logs)
		cust, err := c.Customers.Create(t.Context(), hostileCustomer())
		require.NoError(t, err)
		require.NotNil(t, cust.Destination)
		assert.Equal(t, leakSIP, cust.Destination.SIPPassword.Reveal(), "the password is there, behind Reveal")
		leakPrint(t, "Customer", cust)
		leakPrint(t, "Customer value", *cust)
		leakPrint(t, "Destination", cust.Destination)
		dev, err := c.Devices.Create(t.Context(), "c1", "u1", plp.DeviceCreateRequest{Brand: plp.BrandOther, Name: "Desk"})
		require.NoError(t, err)
		assert.Equal(t, leakSIP, dev.SIPPassword.Reveal())
		leakPrint(t, "Device", dev)
		b, err := json.Marshal(dev)
		require.NoError(t, err)
		assertNoLeak(t, "json.Marshal(Device)", string(b))
		assertNoLeak(t, "logs", logs.String())
	})
}

// leakFailingBody fails its first Read with err.
type leakFailingBody struct{ err error }

func (b leakFailingBody) Read([]byte) (int, error) { return 0, b.err }
func (leakFailingBody) Close() error               { return nil }

// TestNoSecretInErrors drives every error path with a server or a
// transport that echoes the credentials, and checks the error (every
// way it prints) and the client's logs.
func TestNoSecretInErrors(t *testing.T) {
	t.Parallel()
	goEscaped, _ := json.Marshal(leakSecret) // "sk/LEAKCANARY-SECRET\u003c\u003e\u0026end"
	slashEscaped := `"` + strings.ReplaceAll(leakSecret, "/", `\/`) + `"`
	echo := func(status int, body string) httpmock.Responder { return respJSON(status, body) }
	type C = *plp.Client
	type X = context.Context
	cases := []struct {
		name  string
		setup func(mt *httpmock.MockTransport)
		call  func(X, C) error
		want  error
	}{
		// Validation errors on input holding the canaries.
		{"validation/companyName", nil, func(ctx X, c C) error {
			r := hostileCustomer()
			r.CompanyName = leakSecret + "\x00"
			return hostileErr(c.Customers.Create(ctx, r))
		}, plp.ErrValidation},
		{"validation/email", nil, func(ctx X, c C) error {
			r := hostileUser()
			r.Email = leakJWT
			return hostileErr(c.Users.Create(ctx, "c1", r))
		}, plp.ErrValidation},
		{"validation/device name", nil, func(ctx X, c C) error {
			return hostileErr(c.Devices.Create(ctx, "c1", "u1", plp.DeviceCreateRequest{Brand: plp.BrandOther, Name: leakSIP + "\x00x"}))
		}, plp.ErrValidation},
		{"validation/ID", nil, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, leakSecret)) }, plp.ErrValidation},
		{"validation/PIN", nil, func(ctx X, c C) error {
			return hostileErr(c.Users.Update(ctx, "c1", "u1", plp.UserUpdateRequest{PIN: plp.Ptr(leakSIP)}))
		}, plp.ErrValidation},
		{"validation/Do path", nil, func(ctx X, c C) error {
			return c.Do(ctx, http.MethodGet, "/x/"+leakSecret+"\n", nil, nil)
		}, plp.ErrValidation},

		// API errors whose body echoes the secret and the token.
		{"APIError/literal echo", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1",
				echo(400, `{"message":"bad secret `+leakSecret+` token `+leakJWT+`"}`))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrBadRequest},
		{"APIError/plain text echo", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1",
				httpmock.NewStringResponder(403, "forbidden for "+leakSecret+" / Bearer "+leakJWT))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrForbidden},
		// Echoes whose JSON escaping differs from the secret's bytes: Go's
		// encoder escapes <, > and &; PHP's and some Java encoders escape
		// /, which a base64 secret may hold.
		{"APIError/JSON-escaped echo (Go encoder)", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1",
				echo(400, `{"message":`+strings.TrimSuffix(string(goEscaped), `"`)+` is not your secret"}`))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrBadRequest},
		{"APIError/JSON-escaped echo (slashes)", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1",
				echo(409, `{"error":`+strings.TrimSuffix(slashEscaped, `"`)+` is not your secret"}`))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrConflict},
		{"APIError/400 at /auth echoing the request body", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("POST", respBase+"/auth", func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				msg, _ := json.Marshal(map[string]string{"message": "invalid request body: " + string(b)})
				return httpmock.NewBytesResponse(400, msg), nil
			})
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrBadRequest},
		{"APIError/401 at /auth echoing the secret", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("POST", respBase+"/auth", echo(401, `{"message":"unknown secret `+leakSecret+`"}`))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrUnauthorized},
		{"APIError/401 after replay echoing the token", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1", echo(401, `{"message":"token `+leakJWT+` revoked"}`))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrUnauthorized},

		// Outcome unknown.
		{"outcome unknown/500 echo", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("POST", respBase+"/customers",
				httpmock.NewStringResponder(500, "Timeout for "+leakJWT+" using "+leakSecret))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Create(ctx, hostileCustomer())) }, plp.ErrOutcomeUnknown},

		// Network errors that quote the credentials.
		{"network/transport error", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1",
				httpmock.NewErrorResponder(errors.New("proxy refused Bearer "+leakJWT+" secret "+leakSecret)))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrNetwork},
		{"network/transport error at /auth", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("POST", respBase+"/auth",
				httpmock.NewErrorResponder(errors.New("proxy refused body secret="+leakSecret)))
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrNetwork},
		{"network/body read error", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/customers/c1", func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(200, "")
				resp.Body = leakFailingBody{errors.New("stream reset; last header Authorization: Bearer " + leakJWT)}
				return resp, nil
			})
		}, func(ctx X, c C) error { return hostileErr(c.Customers.Get(ctx, "c1")) }, plp.ErrInvalidResponse},

		// Client.Do.
		{"Do/echoed request body", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("POST", respBase+"/custom", func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				return httpmock.NewStringResponse(400, `{"message":"rejected `+string(b)+`"}`), nil
			})
		}, func(ctx X, c C) error {
			return c.Do(ctx, http.MethodPost, "/custom", map[string]string{"secret": leakSecret}, nil)
		}, plp.ErrBadRequest},
		{"Do/undecodable answer", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder("GET", respBase+"/custom", echo(200, `{"n":"`+leakJWT+`"}`))
		}, func(ctx X, c C) error {
			var out struct{ N int }
			return c.Do(ctx, http.MethodGet, "/custom", nil, &out)
		}, plp.ErrInvalidResponse},
		{"Do/unencodable body", nil, func(ctx X, c C) error {
			return c.Do(ctx, http.MethodPost, "/custom", map[string]any{"secret": leakSecret, "f": func() {}}, nil)
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				mt := leakServer()
				if tc.setup != nil {
					tc.setup(mt)
				}
				var logs syncBuffer
				c := leakClient(t, mt, &logs, plp.WithMaxRetries(1))
				err := tc.call(t.Context(), c)
				require.Error(t, err)
				if tc.want != nil {
					assert.ErrorIs(t, err, tc.want)
				}
				leakPrint(t, "error", err)
				var apiErr *plp.APIError
				if errors.As(err, &apiErr) {
					leakPrint(t, "APIError", apiErr)
					leakPrint(t, "APIError value", *apiErr)
					assertNoLeak(t, "APIError.Body", string(apiErr.Body))
				}
				assertNoLeak(t, "logs", logs.String())
			})
		})
	}
}

// TestBaseURLWithUserInfoIsRejected: credentials in the base URL are
// refused, and the refusal does not repeat them.
func TestBaseURLWithUserInfoIsRejected(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"https://user:pass@api.phonelineplus.com/v1",
		"https://leak-key:" + strings.ReplaceAll(leakSecret, "<>&", "") + "@api.phonelineplus.com/v1",
		"https://" + leakJWT + "@api.phonelineplus.com/v1",
		"http://user:pass@127.0.0.1:8080/partner/v1",
	} {
		c, err := plp.New("leak-key", leakSecret, plp.WithBaseURL(u))
		assert.Nil(t, c)
		var ve *plp.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "baseURL", ve.Field)
		assert.NotContains(t, err.Error(), "pass")
		leakPrint(t, "New error", err)
	}
}
