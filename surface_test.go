package phonelineplus

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endpointMethods is the Go column of shared/api/endpoints.md, rows 2-43.
var endpointMethods = []string{
	"Addresses.Lookup",
	"Customers.List", "Customers.Create", "Customers.Get", "Customers.Update", "Customers.Delete",
	"Customers.RegradeContract", "Customers.UpgradePlan",
	"Numbers.List", "Numbers.Create", "Numbers.Get", "Numbers.Allocate", "Numbers.Deallocate",
	"Numbers.ListAreaCodes", "Numbers.ListAvailable",
	"BlockedNumbers.List", "BlockedNumbers.Create", "BlockedNumbers.Get", "BlockedNumbers.Update", "BlockedNumbers.Delete",
	"Users.List", "Users.Create", "Users.Update", "Users.Delete", "Users.ResendActivation", "Users.ResetPassword",
	"Users.UpdateCallSettings", "Users.UpdateScheduleSettings",
	"Orders.List", "Orders.Create", "Orders.ListAll",
	"Devices.Create",
	"Products.List",
	"Partner.GetSettings", "Partner.UpdateSettings", "Partner.GetUserPermissions", "Partner.UpdateUserPermissions",
	"Stats.Get",
	"PartnerUsers.List", "PartnerUsers.Create", "PartnerUsers.Update", "PartnerUsers.Delete",
}

// verbs is STYLE.md's vocabulary: List, Get, Create, Update, Delete and the
// API's own domain verbs. Edit, Add, Remove and New are not allowed.
var verbs = []string{"List", "Get", "Create", "Update", "Delete",
	"Allocate", "Deallocate", "RegradeContract", "UpgradePlan", "ResendActivation", "ResetPassword", "Lookup"}

// serviceMethods lists every exported method of the Client's services.
func serviceMethods(t *testing.T) map[string]reflect.Method {
	c, err := New("k", "s")
	require.NoError(t, err)
	out := map[string]reflect.Method{}
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		for j := range f.Type.NumMethod() {
			m := f.Type.Method(j)
			out[f.Name+"."+m.Name] = m
		}
	}
	return out
}

func TestEveryEndpointHasItsMethod(t *testing.T) {
	t.Parallel()
	got := serviceMethods(t)
	for _, name := range endpointMethods {
		assert.Contains(t, got, name)
	}
	for name := range got {
		if isSDKHelper(name) {
			continue // helpers_surface_test.go checks them
		}
		assert.True(t, slices.Contains(endpointMethods, name), "%s is not in endpoints.md", name)
	}
}

func TestServiceMethodShapes(t *testing.T) {
	t.Parallel()
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	for name, m := range serviceMethods(t) {
		if isSDKHelper(name) {
			continue // helpers_surface_test.go checks them
		}
		ft := m.Type // receiver first
		verb := strings.SplitN(name, ".", 2)[1]
		assert.True(t, slices.ContainsFunc(verbs, func(v string) bool { return strings.HasPrefix(verb, v) }),
			"%s: not a verb of the vocabulary", name)
		require.GreaterOrEqual(t, ft.NumIn(), 2, name)
		assert.Equal(t, ctxType, ft.In(1), "%s: ctx first", name)
		require.True(t, ft.IsVariadic(), "%s: opts ...CallOption last", name)
		assert.Equal(t, reflect.TypeFor[[]CallOption](), ft.In(ft.NumIn()-1), "%s: opts ...CallOption last", name)
		seenStruct := false
		for i := 2; i < ft.NumIn()-1; i++ {
			switch in := ft.In(i); in.Kind() {
			case reflect.String:
				assert.False(t, seenStruct, "%s: IDs come before the request", name)
			case reflect.Struct:
				assert.False(t, seenStruct, "%s: one request struct", name)
				seenStruct = true
			default:
				t.Errorf("%s: parameter %d is %s; want string IDs and a request struct by value", name, i-1, in)
			}
		}
		require.GreaterOrEqual(t, ft.NumOut(), 1, name)
		assert.LessOrEqual(t, ft.NumOut(), 2, name)
		assert.Equal(t, errType, ft.Out(ft.NumOut()-1), "%s: error last", name)
		if ft.NumOut() == 2 {
			k := ft.Out(0).Kind()
			assert.True(t, k == reflect.Pointer || k == reflect.Slice, "%s: *T or []T first", name)
		}
	}
}

// readmeRow is one row of README.md's endpoint table.
type readmeRow struct {
	method, http, path, conf string // conf: confirmed, observed or inferred
}

// readmeEndpoints reads README.md's endpoint table, keyed by Go method
// ("Customers.Get"); rows without one (the /auth exchange) are left out.
func readmeEndpoints(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(b), "\n## Endpoints\n")
	require.True(t, ok, "README.md has an Endpoints section")
	table, _, _ = strings.Cut(table, "\n## ")
	words := map[string]string{"C": "confirmed", "O": "observed", "I": "inferred"}
	rows := map[string]readmeRow{}
	for line := range strings.Lines(table) {
		cols := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cols) != 6 {
			continue
		}
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		method, ok := strings.CutPrefix(cols[2], "`")
		if !ok || !strings.HasSuffix(method, "`") || !strings.Contains(method, ".") {
			continue // the header, and the exchange inside the client
		}
		method = strings.TrimSuffix(method, "`")
		require.Contains(t, words, cols[5], "README row %s: confidence column", method)
		rows[method] = readmeRow{method: method, http: cols[3], path: strings.Trim(cols[4], "`"), conf: words[cols[5]]}
	}
	return rows
}

// apiLines returns the "API: ..." line of every service method's doc
// comment, keyed like readmeEndpoints ("" for a method without one).
func apiLines(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			recv, ok := star.X.(*ast.Ident)
			if !ok || !strings.HasSuffix(recv.Name, "Service") {
				continue
			}
			key := strings.TrimSuffix(recv.Name, "Service") + "." + fd.Name.Name
			out[key] = ""
			for line := range strings.Lines(fd.Doc.Text()) {
				if strings.HasPrefix(line, "API: ") {
					assert.Empty(t, out[key], "%s: one API line", key)
					out[key] = strings.TrimSpace(line)
				}
			}
		}
	}
	return out
}

// TestAPILinesMatchTheREADME: each endpoint method's doc comment ends with
// "API: <HTTP> <path> (<confidence>)", exactly as its README row says.
func TestAPILinesMatchTheREADME(t *testing.T) {
	t.Parallel()
	rows, lines := readmeEndpoints(t), apiLines(t)
	require.Len(t, rows, len(endpointMethods), "README rows with a Go method")
	for _, m := range endpointMethods {
		row, ok := rows[m]
		if assert.True(t, ok, "%s has a README row", m) {
			assert.Equal(t, fmt.Sprintf("API: %s %s (%s)", row.http, row.path, row.conf), lines[m], "%s", m)
		}
	}
}

// endpointCalls calls every endpoint method with valid input and the IDs
// c1, u1, n1 and b1.
var endpointCalls = map[string]func(ctx context.Context, c *Client) error{
	"Addresses.Lookup": func(ctx context.Context, c *Client) error { return errOf(c.Addresses.Lookup(ctx, "M1 1AA")) },
	"Customers.List":   func(ctx context.Context, c *Client) error { return errOf(c.Customers.List(ctx)) },
	"Customers.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.Customers.Create(ctx, CustomerCreateRequest{Plan: PlanStandard, CompanyName: "A", FullName: "B",
			ContactNumber: "07700900000", Email: "a@example.com"}))
	},
	"Customers.Get": func(ctx context.Context, c *Client) error { return errOf(c.Customers.Get(ctx, "c1")) },
	"Customers.Update": func(ctx context.Context, c *Client) error {
		return errOf(c.Customers.Update(ctx, "c1", CustomerUpdateRequest{FullName: Ptr("B")}))
	},
	"Customers.Delete": func(ctx context.Context, c *Client) error { return c.Customers.Delete(ctx, "c1") },
	"Customers.RegradeContract": func(ctx context.Context, c *Client) error {
		return errOf(c.Customers.RegradeContract(ctx, "c1", ContractRegradeRequest{ContractLength: 24}))
	},
	"Customers.UpgradePlan": func(ctx context.Context, c *Client) error {
		return errOf(c.Customers.UpgradePlan(ctx, "c1", PlanUpgradeRequest{Plan: PlanStandard}))
	},
	"Numbers.List": func(ctx context.Context, c *Client) error { return errOf(c.Numbers.List(ctx, "c1")) },
	"Numbers.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.Numbers.Create(ctx, "c1", NumberCreateRequest{NumberE164: "01614960000"}))
	},
	"Numbers.Get":           func(ctx context.Context, c *Client) error { return errOf(c.Numbers.Get(ctx, "c1", "n1")) },
	"Numbers.Allocate":      func(ctx context.Context, c *Client) error { return errOf(c.Numbers.Allocate(ctx, "c1", "n1", "u1")) },
	"Numbers.Deallocate":    func(ctx context.Context, c *Client) error { return errOf(c.Numbers.Deallocate(ctx, "c1", "n1")) },
	"Numbers.ListAreaCodes": func(ctx context.Context, c *Client) error { return errOf(c.Numbers.ListAreaCodes(ctx)) },
	"Numbers.ListAvailable": func(ctx context.Context, c *Client) error {
		return errOf(c.Numbers.ListAvailable(ctx, AvailableNumbersOptions{NumberType: NumberTypeGeographic, AreaCode: "0161"}))
	},
	"BlockedNumbers.List": func(ctx context.Context, c *Client) error { return errOf(c.BlockedNumbers.List(ctx, "c1")) },
	"BlockedNumbers.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.BlockedNumbers.Create(ctx, "c1", BlockedNumberRequest{NumberE164: "+12125550100"}))
	},
	"BlockedNumbers.Get": func(ctx context.Context, c *Client) error { return errOf(c.BlockedNumbers.Get(ctx, "c1", "b1")) },
	"BlockedNumbers.Update": func(ctx context.Context, c *Client) error {
		return errOf(c.BlockedNumbers.Update(ctx, "c1", "b1", BlockedNumberRequest{Direction: BlockBoth}))
	},
	"BlockedNumbers.Delete": func(ctx context.Context, c *Client) error { return c.BlockedNumbers.Delete(ctx, "c1", "b1") },
	"Users.List":            func(ctx context.Context, c *Client) error { return errOf(c.Users.List(ctx, "c1")) },
	"Users.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.Users.Create(ctx, "c1", UserCreateRequest{Type: UserStandard, FullName: "A", Email: "a@example.com"}))
	},
	"Users.Update": func(ctx context.Context, c *Client) error {
		return errOf(c.Users.Update(ctx, "c1", "u1", UserUpdateRequest{FullName: Ptr("A")}))
	},
	"Users.Delete":           func(ctx context.Context, c *Client) error { return c.Users.Delete(ctx, "c1", "u1") },
	"Users.ResendActivation": func(ctx context.Context, c *Client) error { return c.Users.ResendActivation(ctx, "c1", "u1") },
	"Users.ResetPassword":    func(ctx context.Context, c *Client) error { return c.Users.ResetPassword(ctx, "c1", "u1") },
	"Users.UpdateCallSettings": func(ctx context.Context, c *Client) error {
		return c.Users.UpdateCallSettings(ctx, "c1", "u1", CallSettings{VoicemailEnabled: Ptr(true)})
	},
	"Users.UpdateScheduleSettings": func(ctx context.Context, c *Client) error {
		return c.Users.UpdateScheduleSettings(ctx, "c1", "u1", ScheduleSettings{OutOfHoursAction: OutOfHoursVoicemail})
	},
	"Orders.List": func(ctx context.Context, c *Client) error { return errOf(c.Orders.List(ctx, "c1")) },
	"Orders.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.Orders.Create(ctx, "c1", OrderCreateRequest{
			DeliveryAddress: DeliveryAddress{Line1: "1 Road", Town: "Leeds", Postcode: "LS1 1AA"},
			Products:        []OrderItem{{ID: "p1", Quantity: 1}}, Name: "A", Email: "a@example.com", PhoneNumber: "07700900000"}))
	},
	"Orders.ListAll": func(ctx context.Context, c *Client) error { return errOf(c.Orders.ListAll(ctx)) },
	"Devices.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.Devices.Create(ctx, "c1", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk"}))
	},
	"Products.List":       func(ctx context.Context, c *Client) error { return errOf(c.Products.List(ctx)) },
	"Partner.GetSettings": func(ctx context.Context, c *Client) error { return errOf(c.Partner.GetSettings(ctx)) },
	"Partner.UpdateSettings": func(ctx context.Context, c *Client) error {
		return errOf(c.Partner.UpdateSettings(ctx, PartnerSettingsUpdateRequest{FullName: Ptr("A")}))
	},
	"Partner.GetUserPermissions": func(ctx context.Context, c *Client) error { return errOf(c.Partner.GetUserPermissions(ctx)) },
	"Partner.UpdateUserPermissions": func(ctx context.Context, c *Client) error {
		return errOf(c.Partner.UpdateUserPermissions(ctx, UserPermissions{MaxUsers: Ptr(5)}))
	},
	"Stats.Get":         func(ctx context.Context, c *Client) error { return errOf(c.Stats.Get(ctx)) },
	"PartnerUsers.List": func(ctx context.Context, c *Client) error { return errOf(c.PartnerUsers.List(ctx)) },
	"PartnerUsers.Create": func(ctx context.Context, c *Client) error {
		return errOf(c.PartnerUsers.Create(ctx, PartnerUserCreateRequest{FullName: "A", Email: "a@example.com"}))
	},
	"PartnerUsers.Update": func(ctx context.Context, c *Client) error {
		return errOf(c.PartnerUsers.Update(ctx, "u1", PartnerUserUpdateRequest{FullName: Ptr("A")}))
	},
	"PartnerUsers.Delete": func(ctx context.Context, c *Client) error { return c.PartnerUsers.Delete(ctx, "u1") },
}

func errOf[T any](_ T, err error) error { return err }

// TestMethodsSendWhatTheREADMESays calls every endpoint method and checks
// that the request it sends has the README row's HTTP method, path (with
// the IDs in place) and query parameters.
func TestMethodsSendWhatTheREADMESays(t *testing.T) {
	t.Parallel()
	rows := readmeEndpoints(t)
	require.Len(t, endpointCalls, len(endpointMethods))
	ids := strings.NewReplacer("{customerID}", "c1", "{userID}", "u1", "{numberID}", "n1", "{blockedNumberID}", "b1")
	for _, m := range endpointMethods {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			row, call := rows[m], endpointCalls[m]
			require.NotNil(t, call, "%s has a call in endpointCalls", m)
			e := setup(t)
			var got *http.Request
			e.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				got = r
				writeJSON(w, http.StatusOK, `{"data":[],"count":0}`)
			})
			require.NoError(t, call(t.Context(), e.client))
			require.NotNil(t, got)
			path, query, _ := strings.Cut(row.path, "?")
			assert.Equal(t, row.http, got.Method)
			assert.Equal(t, ids.Replace(path), got.URL.Path)
			var keys []string
			for kv := range strings.SplitSeq(query, "&") {
				if k, _, _ := strings.Cut(kv, "="); k != "" {
					keys = append(keys, k)
				}
			}
			assert.ElementsMatch(t, keys, slices.Collect(maps.Keys(got.URL.Query())), "query parameters")
		})
	}
}

// TestInferredRequestsRequireNoField holds the validation rule to the
// README's confidence column: the zero value of an inferred endpoint's
// request type is refused only because it sets nothing (no field of it is
// required), while an observed endpoint's zero request names the field it
// lacks. Every request type has Validate.
func TestInferredRequestsRequireNoField(t *testing.T) {
	t.Parallel()
	rows, methods := readmeEndpoints(t), serviceMethods(t)
	checked := 0
	for _, m := range endpointMethods {
		ft := methods[m].Type
		for i := 2; i < ft.NumIn()-1; i++ {
			in := ft.In(i)
			if in.Kind() != reflect.Struct {
				continue
			}
			v, ok := reflect.Zero(in).Interface().(interface{ Validate() error })
			require.True(t, ok, "%s: %s has Validate", m, in.Name())
			var ve *ValidationError
			require.ErrorAs(t, v.Validate(), &ve, "%s: the zero %s", m, in.Name())
			if rows[m].conf == "inferred" {
				assert.Equal(t, ValidationError{Field: in.Name(), Reason: "sets no field"}, *ve, "%s: inferred, so no field is required", m)
			} else {
				assert.NotEqual(t, in.Name(), ve.Field, "%s: observed, so a field is required", m)
			}
			checked++
		}
	}
	assert.Equal(t, 18, checked, "request parameters checked")
}

// TestQuickStartIsTheCompiledExample keeps README.md's and doc.go's quick
// start identical to quickStart in example_test.go, which Example runs.
func TestQuickStartIsTheCompiledExample(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		return string(b)
	}
	_, ex, ok := strings.Cut(read("example_test.go"), "\nfunc quickStart(")
	require.True(t, ok, "example_test.go has quickStart")
	ex, _, ok = strings.Cut(ex, "\n}\n")
	require.True(t, ok)
	want := "func quickStart(" + ex + "\n}\n"

	_, readme, ok := strings.Cut(read("README.md"), "\n## Quick start\n")
	require.True(t, ok, "README.md has a Quick start")
	_, readme, _ = strings.Cut(readme, "```go\n")
	readme, _, _ = strings.Cut(readme, "```\n")
	assert.Equal(t, want, readme, "README.md's quick start")

	_, doc, ok := strings.Cut(read("doc.go"), "\n// # Quick start\n")
	require.True(t, ok, "doc.go has a Quick start")
	var code strings.Builder
	started := false
	for line := range strings.Lines(doc) {
		l, isCode := strings.CutPrefix(line, "//\t")
		if !isCode && !(started && line == "//\n") {
			if started {
				break
			}
			continue
		}
		started = true
		code.WriteString(strings.TrimPrefix(l, "//"))
	}
	assert.Equal(t, want, strings.TrimSuffix(code.String(), "\n"), "doc.go's quick start")
}

// TestEveryGoldenFileIsUsed: each testdata/<resource>/*.json (the real
// client's vectors and the inferred bodies) is named by a test.
func TestEveryGoldenFileIsUsed(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	tests, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	var all strings.Builder
	for _, name := range tests {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		all.Write(b)
	}
	for _, f := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(f, "testdata"+string(filepath.Separator)))
		assert.Contains(t, all.String(), `"`+rel+`"`, "no test reads %s", f)
	}
}
