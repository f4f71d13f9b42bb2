package phonelineplus

import (
	"context"
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
