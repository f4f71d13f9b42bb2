package phonelineplus

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestsSendOnlyWhatIsSet marshals every request type with only its
// required fields set (after the same normalisation the methods apply) and
// checks that no optional field leaks into the JSON.
func TestRequestsSendOnlyWhatIsSet(t *testing.T) {
	t.Parallel()
	addr := Address{Premises: "Unit 1", Street: "High Street", Town: "London", Postcode: "SW1A 1AA"}
	tests := []struct {
		req  interface{ normalizeAny() (any, error) }
		want []string
	}{
		{normalized[CustomerCreateRequest]{CustomerCreateRequest{Plan: PlanHardwareOnlyCP, Address: addr, CompanyName: "A", FullName: "B", ContactNumber: "07700900000"}},
			[]string{"plan", "address", "companyName", "fullName", "contactNumber"}},
		{normalized[CustomerUpdateRequest]{CustomerUpdateRequest{FullName: Ptr("B")}}, []string{"fullName"}},
		{normalized[ContractRegradeRequest]{ContractRegradeRequest{ContractLength: 24}}, []string{"contractLength"}},
		{normalized[PlanUpgradeRequest]{PlanUpgradeRequest{Plan: PlanStandard}}, []string{"plan"}},
		{normalized[NumberCreateRequest]{NumberCreateRequest{NumberE164: "01610000000"}}, []string{"numberE164"}},
		{normalized[BlockedNumberRequest]{BlockedNumberRequest{NumberE164: "01610000000", Direction: BlockBoth}}, []string{"numberE164", "direction"}},
		{normalized[UserCreateRequest]{UserCreateRequest{Type: UserStandard, FullName: "Jo", Email: "jo@example.com"}}, []string{"type", "fullName", "email"}},
		{normalized[UserUpdateRequest]{UserUpdateRequest{Email: Ptr("jo@example.com")}}, []string{"email"}},
		{normalized[BlockedNumberRequest]{BlockedNumberRequest{Direction: BlockInbound}}, []string{"direction"}},
		{normalized[CallSettings]{CallSettings{VoicemailEnabled: Ptr(false)}}, []string{"voicemailEnabled"}},
		{normalized[ScheduleSettings]{ScheduleSettings{OutOfHoursAction: OutOfHoursVoicemail}}, []string{"outOfHoursAction"}},
		{normalized[PlanUpgradeRequest]{PlanUpgradeRequest{Email: "a@example.com"}}, []string{"email"}},
		{normalized[PartnerUserCreateRequest]{PartnerUserCreateRequest{Email: "a@example.com"}}, []string{"email"}},
		{normalized[ScheduleSettings]{ScheduleSettings{Days: []DaySchedule{{Day: Monday, Availability: AvailabilityAllDay}}, OutOfHoursAction: OutOfHoursVoicemail}},
			[]string{"days", "outOfHoursAction"}},
		{normalized[DeviceCreateRequest]{DeviceCreateRequest{Brand: BrandOther, Name: "Desk"}}, []string{"brand", "name"}},
		{normalized[DeviceCreateRequest]{DeviceCreateRequest{Brand: BrandYealink, Model: "T46S", MACAddress: "001565000001"}}, []string{"brand", "model", "macAddress"}},
		{normalized[OrderCreateRequest]{OrderCreateRequest{
			DeliveryAddress: DeliveryAddress{Line1: "1 Road", Town: "Leeds", Postcode: "LS1 1AA"},
			Products:        []OrderItem{{ID: "p1", Quantity: 1}}, Name: "A", Email: "a@example.com", PhoneNumber: "07700900000"}},
			[]string{"deliveryAddress", "products", "name", "email", "phoneNumber"}},
		{normalized[PartnerSettingsUpdateRequest]{PartnerSettingsUpdateRequest{CompanyName: Ptr("P")}}, []string{"companyName"}},
		{normalized[UserPermissions]{UserPermissions{MaxUsers: Ptr(0)}}, []string{"maxUsers"}},
		{normalized[PartnerUserCreateRequest]{PartnerUserCreateRequest{FullName: "A", Email: "a@example.com"}}, []string{"fullName", "email"}},
		{normalized[PartnerUserUpdateRequest]{PartnerUserUpdateRequest{FullName: Ptr("A")}}, []string{"fullName"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.req), func(t *testing.T) {
			v, err := tt.req.normalizeAny()
			require.NoError(t, err)
			b, err := json.Marshal(v)
			require.NoError(t, err)
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &got))
			assert.ElementsMatch(t, tt.want, slices.Collect(maps.Keys(got)), "%s", b)
		})
	}
	nested, err := json.Marshal(DeliveryAddress{Line1: "1 Road", Town: "Leeds", Postcode: "LS11AA"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"line1":"1 Road","town":"Leeds","postcode":"LS11AA"}`, string(nested))
	nested, err = json.Marshal(addr)
	require.NoError(t, err)
	assert.NotContains(t, string(nested), "county")
}

// normalized adapts any request type's normalize to one interface.
type normalized[T interface{ normalize() (T, error) }] struct{ r T }

func (n normalized[T]) normalizeAny() (any, error) { return n.r.normalize() }
