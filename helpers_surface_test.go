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

// sdkHelpers are the service methods that are not one endpoint but SDK
// helpers (settle.go): lookups by natural key (Find…, a list and a scan)
// and the create-or-find of every create.
var sdkHelpers = []string{
	"Customers.FindByEmail", "Customers.FindByNumber", "Customers.FindByContact", "Customers.CreateOrFind",
	"Users.FindByEmail", "Users.CreateOrFind",
	"PartnerUsers.FindByEmail", "PartnerUsers.CreateOrFind",
	"Numbers.FindByNumber", "Numbers.CreateOrFind",
	"BlockedNumbers.FindByNumber", "BlockedNumbers.CreateOrFind",
	"Products.FindBySKU",
	"Orders.FindMatching", "Orders.CreateOrFind",
	"Devices.CreateOrFind",
}

func isSDKHelper(name string) bool { return slices.Contains(sdkHelpers, name) }

// Every helper exists and has the shape of an endpoint method: ctx first,
// opts last, two results; a Find returns *T and a CreateOrFind takes what
// its Create takes and returns *Ensured[T] of what Create returns.
func TestSDKHelperShapes(t *testing.T) {
	t.Parallel()
	methods := serviceMethods(t)
	ctxType, errType := reflect.TypeFor[context.Context](), reflect.TypeFor[error]()
	for _, name := range sdkHelpers {
		m, ok := methods[name]
		require.True(t, ok, "%s is missing", name)
		ft := m.Type // receiver first
		service, verb, _ := strings.Cut(name, ".")
		assert.True(t, strings.HasPrefix(verb, "Find") || verb == "CreateOrFind", "%s: a helper's verb is Find… or CreateOrFind", name)
		require.GreaterOrEqual(t, ft.NumIn(), 2, name)
		assert.Equal(t, ctxType, ft.In(1), "%s: ctx first", name)
		require.True(t, ft.IsVariadic(), "%s: opts ...CallOption last", name)
		assert.Equal(t, reflect.TypeFor[[]CallOption](), ft.In(ft.NumIn()-1), "%s: opts ...CallOption last", name)
		require.Equal(t, 2, ft.NumOut(), "%s: two results", name)
		assert.Equal(t, errType, ft.Out(1), "%s: error last", name)
		require.Equal(t, reflect.Pointer, ft.Out(0).Kind(), "%s: *T first", name)
		if verb != "CreateOrFind" {
			continue
		}
		create, ok := methods[service+".Create"]
		require.True(t, ok, "%s without a Create", name)
		ct := create.Type
		require.Equal(t, ct.NumIn(), ft.NumIn(), "%s takes what Create takes", name)
		for i := 1; i < ct.NumIn(); i++ {
			assert.Equal(t, ct.In(i), ft.In(i), "%s: parameter %d as Create's", name, i)
		}
		ensured := ft.Out(0).Elem()
		assert.True(t, strings.HasPrefix(ensured.Name(), "Ensured["), "%s returns *Ensured[T]", name)
		res, ok := ensured.FieldByName("Resource")
		require.True(t, ok, name)
		assert.Equal(t, ct.Out(0), res.Type, "%s: Ensured of what Create returns", name)
	}
}

// Every create of the endpoint table has its CreateOrFind, and every
// Find… or …OrFind method is a listed helper.
func TestEveryCreateHasCreateOrFind(t *testing.T) {
	t.Parallel()
	for _, name := range endpointMethods {
		if service, ok := strings.CutSuffix(name, ".Create"); ok {
			assert.Contains(t, sdkHelpers, service+".CreateOrFind")
		}
	}
	for name := range serviceMethods(t) {
		_, verb, _ := strings.Cut(name, ".")
		if strings.HasPrefix(verb, "Find") || strings.HasSuffix(verb, "OrFind") {
			assert.True(t, isSDKHelper(name), "%s is not a listed SDK helper", name)
		}
	}
}
