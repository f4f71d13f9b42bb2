package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	plp "github.com/phonelineplus-go/phonelineplus"
)

// hostileCase is one bad input: the call, and the field its
// *ValidationError must name.
type hostileCase struct {
	name  string
	field string
	call  func(ctx context.Context, c *plp.Client) error
}

// hostileErr drops a call's result.
func hostileErr[T any](_ T, err error) error { return err }

var (
	hostileMB   = strings.Repeat("a", 1<<20)
	hostileCRLF = "Acme\r\nX-Injected: yes"
)

// hostileIDs are path IDs that must never reach a URL.
var hostileIDs = []struct{ name, v string }{
	{"empty", ""},
	{"spaces", "   "},
	{"tab", "\t"},
	{"dot", "."},
	{"dot-dot", ".."},
	{"dot-dot-slash", "../"},
	{"traversal", "../../settings"},
	{"slash", "a/b"},
	{"escaped slash", "a%2Fb"},
	{"escaped dot-dot", "%2e%2e"},
	{"query", "c1?admin=1"},
	{"fragment", "c1#x"},
	{"CRLF", "c1\r\nX-Injected: yes"},
	{"NUL", "c1\x00"},
	{"inner space", "c 1"},
	{"cyrillic look-alike", "\u0441" + "1"}, // Cyrillic es, then 1
	{"fullwidth solidus", "a\uff0fb"},
	{"backslash", `a\b`},
	{"invalid UTF-8", "\xff\xfe"},
	{"129 characters", strings.Repeat("a", 129)},
	{"1 MB", hostileMB},
}

// hostileIDSlots is every path ID of every endpoint method: the
// placeholder's name, and the call with id in that place and valid input
// everywhere else.
func hostileIDSlots() []struct {
	op, field string
	call      func(id string) func(context.Context, *plp.Client) error
} {
	type slot = struct {
		op, field string
		call      func(id string) func(context.Context, *plp.Client) error
	}
	s := func(op, field string, f func(ctx context.Context, c *plp.Client, id string) error) slot {
		return slot{op, field, func(id string) func(context.Context, *plp.Client) error {
			return func(ctx context.Context, c *plp.Client) error { return f(ctx, c, id) }
		}}
	}
	return []slot{
		s("Customers.Get", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return hostileErr(c.Customers.Get(ctx, id)) }),
		s("Customers.Update", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Customers.Update(ctx, id, plp.CustomerUpdateRequest{FullName: plp.Ptr("Sam")}))
		}),
		s("Customers.Delete", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return c.Customers.Delete(ctx, id) }),
		s("Customers.RegradeContract", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Customers.RegradeContract(ctx, id, plp.ContractRegradeRequest{ContractLength: 24}))
		}),
		s("Customers.UpgradePlan", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Customers.UpgradePlan(ctx, id, plp.PlanUpgradeRequest{Plan: plp.PlanStandard, Email: "a@example.com"}))
		}),
		s("Numbers.List", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return hostileErr(c.Numbers.List(ctx, id)) }),
		s("Numbers.Create", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Create(ctx, id, plp.NumberCreateRequest{NumberE164: "0161 496 0000"}))
		}),
		s("Numbers.Get", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Get(ctx, id, "n1"))
		}),
		s("Numbers.Get", "numberID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Get(ctx, "c1", id))
		}),
		s("Numbers.Allocate", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Allocate(ctx, id, "n1", "u1"))
		}),
		s("Numbers.Allocate", "numberID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Allocate(ctx, "c1", id, "u1"))
		}),
		s("Numbers.Allocate", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Allocate(ctx, "c1", "n1", id))
		}),
		s("Numbers.Deallocate", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Deallocate(ctx, id, "n1"))
		}),
		s("Numbers.Deallocate", "numberID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Numbers.Deallocate(ctx, "c1", id))
		}),
		s("BlockedNumbers.List", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.List(ctx, id))
		}),
		s("BlockedNumbers.Create", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.Create(ctx, id, hostileBlocked()))
		}),
		s("BlockedNumbers.Get", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.Get(ctx, id, "b1"))
		}),
		s("BlockedNumbers.Get", "blockedNumberID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.Get(ctx, "c1", id))
		}),
		s("BlockedNumbers.Update", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.Update(ctx, id, "b1", hostileBlocked()))
		}),
		s("BlockedNumbers.Update", "blockedNumberID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.BlockedNumbers.Update(ctx, "c1", id, hostileBlocked()))
		}),
		s("BlockedNumbers.Delete", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.BlockedNumbers.Delete(ctx, id, "b1")
		}),
		s("BlockedNumbers.Delete", "blockedNumberID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.BlockedNumbers.Delete(ctx, "c1", id)
		}),
		s("Users.List", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return hostileErr(c.Users.List(ctx, id)) }),
		s("Users.Create", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Users.Create(ctx, id, hostileUser()))
		}),
		s("Users.Update", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Users.Update(ctx, id, "u1", plp.UserUpdateRequest{FullName: plp.Ptr("Sam")}))
		}),
		s("Users.Update", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Users.Update(ctx, "c1", id, plp.UserUpdateRequest{FullName: plp.Ptr("Sam")}))
		}),
		s("Users.Delete", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return c.Users.Delete(ctx, id, "u1") }),
		s("Users.Delete", "userID", func(ctx context.Context, c *plp.Client, id string) error { return c.Users.Delete(ctx, "c1", id) }),
		s("Users.ResendActivation", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.ResendActivation(ctx, id, "u1")
		}),
		s("Users.ResendActivation", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.ResendActivation(ctx, "c1", id)
		}),
		s("Users.ResetPassword", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return c.Users.ResetPassword(ctx, id, "u1") }),
		s("Users.ResetPassword", "userID", func(ctx context.Context, c *plp.Client, id string) error { return c.Users.ResetPassword(ctx, "c1", id) }),
		s("Users.UpdateCallSettings", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.UpdateCallSettings(ctx, id, "u1", plp.CallSettings{VoicemailEnabled: plp.Ptr(true)})
		}),
		s("Users.UpdateCallSettings", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.UpdateCallSettings(ctx, "c1", id, plp.CallSettings{VoicemailEnabled: plp.Ptr(true)})
		}),
		s("Users.UpdateScheduleSettings", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.UpdateScheduleSettings(ctx, id, "u1", hostileSchedule())
		}),
		s("Users.UpdateScheduleSettings", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return c.Users.UpdateScheduleSettings(ctx, "c1", id, hostileSchedule())
		}),
		s("Devices.Create", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Devices.Create(ctx, id, "u1", hostileDevice()))
		}),
		s("Devices.Create", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Devices.Create(ctx, "c1", id, hostileDevice()))
		}),
		s("Orders.List", "customerID", func(ctx context.Context, c *plp.Client, id string) error { return hostileErr(c.Orders.List(ctx, id)) }),
		s("Orders.Create", "customerID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.Orders.Create(ctx, id, hostileOrder()))
		}),
		s("PartnerUsers.Update", "userID", func(ctx context.Context, c *plp.Client, id string) error {
			return hostileErr(c.PartnerUsers.Update(ctx, id, plp.PartnerUserUpdateRequest{FullName: plp.Ptr("Sam")}))
		}),
		s("PartnerUsers.Delete", "userID", func(ctx context.Context, c *plp.Client, id string) error { return c.PartnerUsers.Delete(ctx, id) }),
	}
}

// Valid requests, which the cases below break one field at a time.

var hostileAddress = plp.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"}

func hostileCustomer() plp.CustomerCreateRequest {
	return plp.CustomerCreateRequest{
		Plan: plp.PlanHardwareOnly, CompanyName: "Acme Ltd", FullName: "Alex Example", ContactNumber: "07700 900000",
		Address: hostileAddress, Number: plp.NumberRef{NumberE164: "0161 496 0000"},
	}
}

func hostileStandardCustomer() plp.CustomerCreateRequest {
	r := hostileCustomer()
	r.Plan, r.Number, r.Email = plp.PlanStandard, plp.NumberRef{}, "alex@example.com"
	return r
}

func hostileUser() plp.UserCreateRequest {
	return plp.UserCreateRequest{Type: plp.UserStandard, FullName: "Sam Example", Email: "sam@example.com"}
}

func hostileBlocked() plp.BlockedNumberRequest {
	return plp.BlockedNumberRequest{NumberE164: "+1 212 555 0100", Direction: plp.BlockInbound}
}

func hostileDevice() plp.DeviceCreateRequest {
	return plp.DeviceCreateRequest{Brand: plp.BrandYealink, Model: "T46S", MACAddress: "00:15:65:00:00:01"}
}

func hostileOrder() plp.OrderCreateRequest {
	return plp.OrderCreateRequest{
		DeliveryAddress: plp.DeliveryAddress{Line1: "Unit 1", Town: "Manchester", Postcode: "M1 1AA"},
		Products:        []plp.OrderItem{{ID: "p1", Quantity: 1}},
		Name:            "Alex Example", Email: "alex@example.com", PhoneNumber: "07700 900000",
	}
}

func hostileSchedule() plp.ScheduleSettings {
	return plp.ScheduleSettings{
		Days:             []plp.DaySchedule{{Day: plp.Monday, Availability: plp.AvailabilityBetween, From: "09:00", To: "17:00"}},
		OutOfHoursAction: plp.OutOfHoursVoicemail,
	}
}

// Families of bad values.

var (
	// hostileText breaks a required free-text field.
	hostileText = []struct{ name, v string }{
		{"empty", ""}, {"whitespace", " \t "}, {"CR/LF", hostileCRLF}, {"NUL", "Acme\x00"},
		{"escape sequence", "Acme\x1b[31m"}, {"DEL", "Acme\x7f"}, {"256 characters", strings.Repeat("a", 256)},
		{"1 MB", hostileMB}, {"invalid UTF-8", "Acme\xff"}, {"C1 control", "Acme\u0085Ltd"},
	}
	// hostileUKNumbers breaks a UK phone number in every wrong form.
	hostileUKNumbers = []struct{ name, v string }{
		{"empty", ""}, {"whitespace", "   "}, {"too short", "07700 9000"}, {"too long", "07700 900000 1"},
		{"letters", "07700 9OOOOO"}, {"unbalanced bracket", "(0161 496 0000"}, {"fullwidth digits", "０７７００９０００００"},
		{"arabic-indic digits", "٠٧٧٠٠٩٠٠٠٠٠"}, {"no prefix", "7700900000"}, {"+44 then 0", "+44 07700 900000"},
		{"0044 then 0", "0044 07700 900000"}, {"plus only", "+"}, {"exponent", "7.7009e9"}, {"minus sign", "−07700900000"},
		{"hex", "0x1CAFE"}, {"CR/LF", "07700 900000\r\nX-Injected: yes"}, {"1 MB", "0" + strings.Repeat("1", 1<<20)},
		{"international", "+33 1 23 45 67 89"}, {"(0) in the middle", "+44 7700 (0)900000"},
		{"02 with 9 digits", "020 7946 001"}, {"07 with 9 digits", "07700 90000"}, {"slashes", "07700/900/000"},
	}
	// hostileDDIs are numbers that are not PhoneLine+ DDIs (01/02/03).
	hostileDDIs = []struct{ name, v string }{
		{"mobile", "07700 900000"}, {"premium", "0909 879 0000"}, {"freephone", "0800 123 4567"},
		{"US", "+1 212 555 0100"}, {"area code only", "0161"}, {"with a lookalike l", "0161 4960 00l"},
		{"13 digits", "44161496000000"},
	}
	hostilePostcodes = []struct{ name, v string }{
		{"empty", ""}, {"whitespace", "  "}, {"outward only", "M1"}, {"too long", "M1 1AAA"}, {"digits", "12345"},
		{"bad first letter", "QA1 1AA"}, {"cyrillic look-alikes", "\u041c1 1\u0410\u0410"}, {"fullwidth", "Ｍ１ １ＡＡ"},
		{"CR/LF inside", "M1\r\n1AA"}, {"traversal", "../"}, {"escaped slash", "M1%2F1AA"}, {"1 MB", hostileMB},
		{"US ZIP", "90210-1234"},
	}
	hostileEmails = []struct{ name, v string }{
		{"no @", "alex.example.com"}, {"fullwidth @", "alex＠example.com"}, {"nothing after @", "alex@"},
		{"nothing before @", "@example.com"}, {"no dot in domain", "alex@example"}, {"two @", "alex@@example.com"},
		{"space", "alex smith@example.com"}, {"display name", "Alex <alex@example.com>"},
		{"header injection", "alex@example.com\r\nBcc: eve@example.com"}, {"NUL", "alex\x00@example.com"},
		{"1 MB", hostileMB + "@example.com"}, {"two addresses", "alex@example.com, eve@example.com"},
		{"hyphen-led label", "alex@-example.com"}, {"IP literal", "alex@[192.0.2.1]"}, {"bare IP", "alex@192.0.2.1"},
		{"64-character label", "alex@" + strings.Repeat("a", 64) + ".com"}, {"fullwidth domain", "alex@ｅｘａｍｐｌｅ.com"},
	}
	hostileMACs = []struct{ name, v string }{
		{"11 digits", "00156500001"}, {"13 digits", "0015650000011"}, {"11 digits grouped", "00:15:65:00:00:1"},
		{"13 digits grouped", "00:15:65:00:00:011"}, {"not hex", "00:15:65:00:00:0G"}, {"mixed separators", "00-15:65-00:00-01"},
		{"cyrillic look-alike", "00:15:65:00:00:0\u0410"}, {"space separated", "00 15 65 00 00 01"},
		{"dotted 11", "0015.6500.001"}, {"1 MB", hostileMB}, {"CR/LF", "00:15:65\r\n:00:00:01"},
	}
)

// hostileCases builds the table.
func hostileCases() []hostileCase {
	var cs []hostileCase
	add := func(name, field string, call func(context.Context, *plp.Client) error) {
		cs = append(cs, hostileCase{name, field, call})
	}

	// Every path ID of every method.
	for _, sl := range hostileIDSlots() {
		for _, id := range hostileIDs {
			add(sl.op+"/"+sl.field+"/"+id.name, sl.field, sl.call(id.v))
		}
	}

	// Customers.Create.
	cust := func(name, field string, mut func(*plp.CustomerCreateRequest)) {
		add("Customers.Create/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileCustomer()
			mut(&r)
			return hostileErr(c.Customers.Create(ctx, r))
		})
	}
	// The Standard plan's value is a guess, so an unknown plan is sent; the
	// observed hardware-only values must be spelt exactly.
	for _, p := range []plp.Plan{"", "HARDWARE_ONLY", " hardware_only", "hardware_only\n", "Hardware_Only_CP", "Hardware Only", "hardware-only", "phoneline_plus\x00", "pro\r\nX-Injected: yes"} {
		cust(fmt.Sprintf("plan %q", p), "plan", func(r *plp.CustomerCreateRequest) { r.Plan = p })
	}
	for _, v := range hostileText {
		cust("companyName "+v.name, "companyName", func(r *plp.CustomerCreateRequest) { r.CompanyName = v.v })
		cust("fullName "+v.name, "fullName", func(r *plp.CustomerCreateRequest) { r.FullName = v.v })
	}
	for _, v := range hostileText[:4] {
		cust("address.premises "+v.name, "address.premises", func(r *plp.CustomerCreateRequest) { r.Address.Premises = v.v })
		cust("address.street "+v.name, "address.street", func(r *plp.CustomerCreateRequest) { r.Address.Street = v.v })
		cust("address.town "+v.name, "address.town", func(r *plp.CustomerCreateRequest) { r.Address.Town = v.v })
	}
	cust("address.county CR/LF", "address.county", func(r *plp.CustomerCreateRequest) { r.Address.County = hostileCRLF })
	cust("no address on a hardware-only plan", "address.premises", func(r *plp.CustomerCreateRequest) { r.Address = plp.Address{} })
	for _, v := range hostileUKNumbers {
		cust("contactNumber "+v.name, "contactNumber", func(r *plp.CustomerCreateRequest) { r.ContactNumber = v.v })
		cust("number "+v.name, "number.numberE164", func(r *plp.CustomerCreateRequest) { r.Number.NumberE164 = v.v })
	}
	for _, v := range hostileDDIs {
		cust("number "+v.name, "number.numberE164", func(r *plp.CustomerCreateRequest) { r.Number.NumberE164 = v.v })
	}
	for _, v := range hostilePostcodes {
		cust("address.postcode "+v.name, "address.postcode", func(r *plp.CustomerCreateRequest) { r.Address.Postcode = v.v })
	}
	for _, v := range hostileEmails {
		add("Customers.Create/email "+v.name, "email", func(ctx context.Context, c *plp.Client) error {
			r := hostileStandardCustomer()
			r.Email = v.v
			return hostileErr(c.Customers.Create(ctx, r))
		})
	}
	add("Customers.Create/standard plan without email", "email", func(ctx context.Context, c *plp.Client) error {
		r := hostileStandardCustomer()
		r.Email = " "
		return hostileErr(c.Customers.Create(ctx, r))
	})

	// Customers.Update, RegradeContract, UpgradePlan.
	upd := func(name, field string, r plp.CustomerUpdateRequest) {
		add("Customers.Update/"+name, field, func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Customers.Update(ctx, "c1", r)) })
	}
	upd("no field", "CustomerUpdateRequest", plp.CustomerUpdateRequest{})
	upd("companyName empty", "companyName", plp.CustomerUpdateRequest{CompanyName: plp.Ptr("")})
	upd("fullName CR/LF", "fullName", plp.CustomerUpdateRequest{FullName: plp.Ptr(hostileCRLF)})
	upd("contactNumber letters", "contactNumber", plp.CustomerUpdateRequest{ContactNumber: plp.Ptr("call me")})
	upd("email without @", "email", plp.CustomerUpdateRequest{Email: plp.Ptr("alex.example.com")})
	upd("address postcode", "address.postcode", plp.CustomerUpdateRequest{Address: &plp.Address{
		Premises: "1", Street: "High Street", Town: "Leeds", Postcode: "LS1 ZZZ"}})
	upd("empty address", "address.premises", plp.CustomerUpdateRequest{Address: &plp.Address{}})
	add("Customers.RegradeContract/0 months", "ContractRegradeRequest", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.Customers.RegradeContract(ctx, "c1", plp.ContractRegradeRequest{}))
	})
	for _, n := range []int{-24, 121, math.MinInt, math.MaxInt} {
		add(fmt.Sprintf("Customers.RegradeContract/%d months", n), "contractLength", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Customers.RegradeContract(ctx, "c1", plp.ContractRegradeRequest{ContractLength: n}))
		})
	}
	add("Customers.UpgradePlan/nothing set", "PlanUpgradeRequest", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.Customers.UpgradePlan(ctx, "c1", plp.PlanUpgradeRequest{}))
	})
	for _, p := range []plp.Plan{" gold", "gold\n", "phoneline_plus\x00"} {
		add(fmt.Sprintf("Customers.UpgradePlan/plan %q", p), "plan", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Customers.UpgradePlan(ctx, "c1", plp.PlanUpgradeRequest{Plan: p}))
		})
	}
	add("Customers.UpgradePlan/email without @", "email", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.Customers.UpgradePlan(ctx, "c1", plp.PlanUpgradeRequest{Plan: plp.PlanStandard, Email: "alex"}))
	})

	// Numbers.
	for _, v := range append(hostileUKNumbers, hostileDDIs...) {
		field := "numberE164"
		if strings.TrimSpace(v.v) == "" {
			field = "NumberCreateRequest" // no field is required, but one must be set
		}
		add("Numbers.Create/"+v.name, field, func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Numbers.Create(ctx, "c1", plp.NumberCreateRequest{NumberE164: v.v}))
		})
	}
	for _, nt := range []plp.NumberType{"", "mobile", "Standard_Geographic", "standard_geographic "} {
		add(fmt.Sprintf("Numbers.ListAvailable/numberType %q", nt), "numberType", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Numbers.ListAvailable(ctx, plp.AvailableNumbersOptions{NumberType: nt, AreaCode: "0161"}))
		})
	}
	for _, ac := range []string{"", "0800", "07700", "0300", "abc", "0161\n0", "０１６１", "0161999", "../", "%2F"} {
		add(fmt.Sprintf("Numbers.ListAvailable/areaCode %q", ac), "areaCode", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Numbers.ListAvailable(ctx, plp.AvailableNumbersOptions{NumberType: plp.NumberTypeGeographic, AreaCode: ac}))
		})
	}

	// Addresses.Lookup.
	for _, v := range hostilePostcodes {
		add("Addresses.Lookup/"+v.name, "postcode", func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Addresses.Lookup(ctx, v.v)) })
	}

	// BlockedNumbers.
	blocked := func(name, field string, mut func(*plp.BlockedNumberRequest)) {
		add("BlockedNumbers.Create/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileBlocked()
			mut(&r)
			return hostileErr(c.BlockedNumbers.Create(ctx, "c1", r))
		})
		add("BlockedNumbers.Update/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileBlocked()
			mut(&r)
			return hostileErr(c.BlockedNumbers.Update(ctx, "c1", "b1", r))
		})
	}
	blocked("nothing set", "BlockedNumberRequest", func(r *plp.BlockedNumberRequest) { *r = plp.BlockedNumberRequest{} })
	for _, v := range []struct{ name, v string }{
		{"plus only", "+"}, {"country code 0", "+0123456789"}, {"6 digits", "+123456"},
		{"16 digits", "+1234567890123456"}, {"unbalanced bracket", "+1 (212 555 0100"}, {"letters", "+1 212 CALL NOW"},
		{"fullwidth plus", "＋12125550100"}, {"UK too short", "0161 496"},
	} {
		blocked("numberE164 "+v.name, "numberE164", func(r *plp.BlockedNumberRequest) { r.NumberE164 = v.v })
	}
	for _, d := range []plp.BlockDirection{" inbound", "inbound\n", "in\x00", plp.BlockDirection(hostileMB)} {
		blocked(fmt.Sprintf("direction %q", d), "direction", func(r *plp.BlockedNumberRequest) { r.Direction = d })
	}
	blocked("description CR/LF", "description", func(r *plp.BlockedNumberRequest) { r.Description = hostileCRLF })
	blocked("description 1 MB", "description", func(r *plp.BlockedNumberRequest) { r.Description = hostileMB })

	// Users.
	user := func(name, field string, mut func(*plp.UserCreateRequest)) {
		add("Users.Create/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileUser()
			mut(&r)
			return hostileErr(c.Users.Create(ctx, "c1", r))
		})
	}
	for _, ty := range []plp.UserType{"", "owner", "Admin", "admin "} {
		user(fmt.Sprintf("type %q", ty), "type", func(r *plp.UserCreateRequest) { r.Type = ty })
	}
	for _, v := range hostileText {
		user("fullName "+v.name, "fullName", func(r *plp.UserCreateRequest) { r.FullName = v.v })
	}
	for _, v := range hostileEmails {
		user("email "+v.name, "email", func(r *plp.UserCreateRequest) { r.Email = v.v })
	}
	user("empty email", "email", func(r *plp.UserCreateRequest) { r.Email = "" })
	user("address postcode", "address.postcode", func(r *plp.UserCreateRequest) {
		r.Address = hostileAddress
		r.Address.Postcode = "M1 1A"
	})
	user("phoneNumber letters", "phoneNumber", func(r *plp.UserCreateRequest) { r.PhoneNumber = "O161 496 0000" })
	user("phoneNumber fullwidth", "phoneNumber", func(r *plp.UserCreateRequest) { r.PhoneNumber = "０１６１４９６００００" })
	uupd := func(name, field string, r plp.UserUpdateRequest) {
		add("Users.Update/"+name, field, func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Users.Update(ctx, "c1", "u1", r)) })
	}
	uupd("no field", "UserUpdateRequest", plp.UserUpdateRequest{})
	uupd("fullName whitespace", "fullName", plp.UserUpdateRequest{FullName: plp.Ptr("  ")})
	uupd("email no @", "email", plp.UserUpdateRequest{Email: plp.Ptr("sam")})
	uupd("type CR/LF", "type", plp.UserUpdateRequest{Type: plp.Ptr(plp.UserType("admin\r\nX-Injected: yes"))})
	for _, pin := range []string{"", "12345", "1234567", "12a456", "１２３４５６", "-12345", "12 345", "1e5000", "123\n456"} {
		uupd(fmt.Sprintf("pin %q", pin), "pin", plp.UserUpdateRequest{PIN: plp.Ptr(pin)})
	}
	add("Users.UpdateCallSettings/no field", "CallSettings", func(ctx context.Context, c *plp.Client) error {
		return c.Users.UpdateCallSettings(ctx, "c1", "u1", plp.CallSettings{})
	})
	for _, n := range []int{0, 4, 301, -1, math.MaxInt} {
		add(fmt.Sprintf("Users.UpdateCallSettings/ringTimeSeconds %d", n), "ringTimeSeconds", func(ctx context.Context, c *plp.Client) error {
			return c.Users.UpdateCallSettings(ctx, "c1", "u1", plp.CallSettings{RingTimeSeconds: plp.Ptr(n)})
		})
	}
	sched := func(name, field string, mut func(*plp.ScheduleSettings)) {
		add("Users.UpdateScheduleSettings/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileSchedule()
			mut(&r)
			return c.Users.UpdateScheduleSettings(ctx, "c1", "u1", r)
		})
	}
	sched("nothing set", "ScheduleSettings", func(r *plp.ScheduleSettings) { *r = plp.ScheduleSettings{} })
	sched("day with NUL", "days[0].day", func(r *plp.ScheduleSettings) { r.Days[0].Day = "Mon\x00" })
	sched("day twice", "days[1].day", func(r *plp.ScheduleSettings) { r.Days = append(r.Days, r.Days[0]) })
	sched("availability CR/LF", "days[0].availability", func(r *plp.ScheduleSettings) { r.Days[0].Availability = "all_day\r\n" })
	for _, tm := range []string{"25:00", "9:00", "09:60", "0900", "09:0\n0", "０９:００", "-1:00", "24:00"} {
		sched(fmt.Sprintf("from %q", tm), "days[0].from", func(r *plp.ScheduleSettings) { r.Days[0].From = tm })
	}
	sched("to before from", "days[0].to", func(r *plp.ScheduleSettings) { r.Days[0].From, r.Days[0].To = "17:00", "09:00" })
	sched("from with all_day", "days[0].from", func(r *plp.ScheduleSettings) { r.Days[0].Availability = plp.AvailabilityAllDay })
	sched("outOfHoursAction padded", "outOfHoursAction", func(r *plp.ScheduleSettings) { r.OutOfHoursAction = " voicemail" })
	sched("redirectUserID traversal", "redirectUserID", func(r *plp.ScheduleSettings) {
		r.OutOfHoursAction, r.RedirectUserID = plp.OutOfHoursRedirectUser, "../u1"
	})
	sched("redirectNumber letters", "redirectNumber", func(r *plp.ScheduleSettings) {
		r.OutOfHoursAction, r.RedirectNumber = plp.OutOfHoursRedirectExternal, "call reception"
	})
	sched("ringTimeSeconds negative", "ringTimeSeconds", func(r *plp.ScheduleSettings) { r.RingTimeSeconds = -5 })

	// Devices.
	dev := func(name, field string, mut func(*plp.DeviceCreateRequest)) {
		add("Devices.Create/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileDevice()
			mut(&r)
			return hostileErr(c.Devices.Create(ctx, "c1", "u1", r))
		})
	}
	for _, b := range []plp.DeviceBrand{"", "yealink", "Polycom", "OTHER"} {
		dev(fmt.Sprintf("brand %q", b), "brand", func(r *plp.DeviceCreateRequest) { r.Brand = b })
	}
	for _, v := range hostileMACs {
		dev("macAddress "+v.name, "macAddress", func(r *plp.DeviceCreateRequest) { r.MACAddress = v.v })
	}
	dev("macAddress empty", "macAddress", func(r *plp.DeviceCreateRequest) { r.MACAddress = "" })
	dev("model empty", "model", func(r *plp.DeviceCreateRequest) { r.Model = " " })
	dev("model CR/LF", "model", func(r *plp.DeviceCreateRequest) { r.Model = "T46S\r\nX" })
	dev("other with a model", "model", func(r *plp.DeviceCreateRequest) { r.Brand, r.Name = plp.BrandOther, "Desk" })
	dev("other with a MAC", "macAddress", func(r *plp.DeviceCreateRequest) { r.Brand, r.Model, r.Name = plp.BrandOther, "", "Desk" })
	dev("other without a name", "name", func(r *plp.DeviceCreateRequest) { r.Brand, r.Model, r.MACAddress = plp.BrandOther, "", "" })

	// Orders.
	order := func(name, field string, mut func(*plp.OrderCreateRequest)) {
		add("Orders.Create/"+name, field, func(ctx context.Context, c *plp.Client) error {
			r := hostileOrder()
			mut(&r)
			return hostileErr(c.Orders.Create(ctx, "c1", r))
		})
	}
	order("no products", "products", func(r *plp.OrderCreateRequest) { r.Products = nil })
	for _, q := range []int{0, -1, math.MinInt} {
		order(fmt.Sprintf("quantity %d", q), "products[0].quantity", func(r *plp.OrderCreateRequest) { r.Products[0].Quantity = q })
		order(fmt.Sprintf("device quantity %d", q), "devices[0].quantity", func(r *plp.OrderCreateRequest) {
			r.Devices = []plp.OrderItem{{ID: "p1", Quantity: q}}
		})
	}
	order("second line quantity 0", "products[1].quantity", func(r *plp.OrderCreateRequest) {
		r.Products = append(r.Products, plp.OrderItem{ID: "p2"})
	})
	for _, id := range hostileIDs[:8] {
		order("product ID "+id.name, "products[0].ID", func(r *plp.OrderCreateRequest) { r.Products[0].ID = id.v })
	}
	for _, v := range hostilePostcodes {
		order("deliveryAddress.postcode "+v.name, "deliveryAddress.postcode", func(r *plp.OrderCreateRequest) {
			r.DeliveryAddress.Postcode = v.v
		})
	}
	order("deliveryAddress.line1 empty", "deliveryAddress.line1", func(r *plp.OrderCreateRequest) { r.DeliveryAddress.Line1 = "" })
	order("deliveryAddress.line2 CR/LF", "deliveryAddress.line2", func(r *plp.OrderCreateRequest) { r.DeliveryAddress.Line2 = hostileCRLF })
	order("deliveryAddress.town 1 MB", "deliveryAddress.town", func(r *plp.OrderCreateRequest) { r.DeliveryAddress.Town = hostileMB })
	order("deliveryAddress.country NUL", "deliveryAddress.country", func(r *plp.OrderCreateRequest) { r.DeliveryAddress.Country = "UK\x00" })
	order("name empty", "name", func(r *plp.OrderCreateRequest) { r.Name = "" })
	for _, v := range hostileEmails[:6] {
		order("email "+v.name, "email", func(r *plp.OrderCreateRequest) { r.Email = v.v })
		order("trackingEmail "+v.name, "trackingEmail", func(r *plp.OrderCreateRequest) { r.TrackingEmail = v.v })
	}
	for _, v := range hostileUKNumbers[:8] {
		order("phoneNumber "+v.name, "phoneNumber", func(r *plp.OrderCreateRequest) { r.PhoneNumber = v.v })
	}
	order("skuToUserMapping key traversal", "skuToUserMapping", func(r *plp.OrderCreateRequest) {
		r.SKUToUserMapping = map[string][]plp.SKUUser{"../W73P": {{UserID: "u1"}}}
	})
	order("skuToUserMapping key empty", "skuToUserMapping", func(r *plp.OrderCreateRequest) {
		r.SKUToUserMapping = map[string][]plp.SKUUser{"": {{UserID: "u1"}}}
	})
	order("skuToUserMapping userID empty", "skuToUserMapping.W73P[0].userID", func(r *plp.OrderCreateRequest) {
		r.SKUToUserMapping = map[string][]plp.SKUUser{"W73P": {{UserID: ""}}}
	})
	order("skuToUserMapping userID slash", "skuToUserMapping.W73P[1].userID", func(r *plp.OrderCreateRequest) {
		r.SKUToUserMapping = map[string][]plp.SKUUser{"W73P": {{UserID: "u1"}, {UserID: "u/2"}}}
	})

	// Partner and partner users.
	pset := func(name, field string, r plp.PartnerSettingsUpdateRequest) {
		add("Partner.UpdateSettings/"+name, field, func(ctx context.Context, c *plp.Client) error { return hostileErr(c.Partner.UpdateSettings(ctx, r)) })
	}
	pset("no field", "PartnerSettingsUpdateRequest", plp.PartnerSettingsUpdateRequest{})
	pset("companyName empty", "companyName", plp.PartnerSettingsUpdateRequest{CompanyName: plp.Ptr("")})
	pset("fullName CR/LF", "fullName", plp.PartnerSettingsUpdateRequest{FullName: plp.Ptr(hostileCRLF)})
	pset("email no @", "email", plp.PartnerSettingsUpdateRequest{Email: plp.Ptr("partner.example.com")})
	pset("phoneNumber +1", "phoneNumber", plp.PartnerSettingsUpdateRequest{PhoneNumber: plp.Ptr("+1 212 555 0100")})
	perm := func(name, field string, r plp.UserPermissions) {
		add("Partner.UpdateUserPermissions/"+name, field, func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.Partner.UpdateUserPermissions(ctx, r))
		})
	}
	perm("no field", "UserPermissions", plp.UserPermissions{})
	perm("maxUsers -1", "maxUsers", plp.UserPermissions{MaxUsers: plp.Ptr(-1)})
	perm("maxNumbers MinInt", "maxNumbers", plp.UserPermissions{MaxNumbers: plp.Ptr(math.MinInt)})
	add("PartnerUsers.Create/nothing set", "PartnerUserCreateRequest", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.PartnerUsers.Create(ctx, plp.PartnerUserCreateRequest{FullName: " "}))
	})
	for _, v := range hostileText[2:6] {
		add("PartnerUsers.Create/fullName "+v.name, "fullName", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.PartnerUsers.Create(ctx, plp.PartnerUserCreateRequest{FullName: v.v, Email: "p@example.com"}))
		})
	}
	for _, v := range hostileEmails {
		add("PartnerUsers.Create/email "+v.name, "email", func(ctx context.Context, c *plp.Client) error {
			return hostileErr(c.PartnerUsers.Create(ctx, plp.PartnerUserCreateRequest{FullName: "Pat", Email: v.v}))
		})
	}
	add("PartnerUsers.Update/no field", "PartnerUserUpdateRequest", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.PartnerUsers.Update(ctx, "u1", plp.PartnerUserUpdateRequest{}))
	})
	add("PartnerUsers.Update/email no @", "email", func(ctx context.Context, c *plp.Client) error {
		return hostileErr(c.PartnerUsers.Update(ctx, "u1", plp.PartnerUserUpdateRequest{Email: plp.Ptr("pat")}))
	})

	// Client.Do.
	for _, m := range []string{"", "get", "GET /x", "G\r\nET", "PO ST", "ПОСТ"} {
		add(fmt.Sprintf("Do/method %q", m), "method", func(ctx context.Context, c *plp.Client) error { return c.Do(ctx, m, "/customers", nil, nil) })
	}
	for _, p := range []string{"", "customers", "//evil.example.com/x", "/a/../settings", "/a/./b", "/..", "/a#b", "/a b",
		"/a\r\nX-Injected: yes", `/a\b`, "/a?%zz", "/a\x00", "/a\x7f", "https://evil.example.com/x"} {
		add(fmt.Sprintf("Do/path %q", p), "path", func(ctx context.Context, c *plp.Client) error { return c.Do(ctx, http.MethodGet, p, nil, nil) })
	}
	return cs
}

// TestHostileInputIsRejectedBeforeSending runs every case against one
// fake: each must fail with a *ValidationError naming the field, and the
// fake must never receive a request, not even POST /auth (the client
// exchanges its key only when a call has passed validation).
func TestHostileInputIsRejectedBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := newFakeClient(t, nil)
	cases := hostileCases()
	require.GreaterOrEqual(t, len(cases), 150)
	fields := map[string]bool{}
	for _, tc := range cases {
		fields[tc.field] = true
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			before := len(srv.Requests())
			err := tc.call(ctx, c)
			var ve *plp.ValidationError
			if assert.ErrorAs(t, err, &ve) {
				assert.Equal(t, tc.field, ve.Field)
				assert.ErrorIs(t, err, plp.ErrValidation)
				msg := err.Error()
				assert.Less(t, len(msg), 200, "the error stays short")
				assert.False(t, strings.ContainsFunc(msg, unicode.IsControl), "the error is one line: %q", msg)
				assert.NotContains(t, msg, "X-Injected")
				assert.NotContains(t, msg, "evil.example.com")
			}
			assert.Zero(t, len(srv.Requests())-before, "requests the fake received")
		})
	}
	assert.Empty(t, srv.Requests(), "requests the fake received in all")
	t.Logf("%d hostile inputs across %d fields: none sent", len(cases), len(fields))

	// The wiring works: a valid call does reach the fake.
	_, err := c.Products.List(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, srv.Requests())
}

// TestHostileConstructorInput covers New and its options, which reject
// bad configuration before any client exists.
func TestHostileConstructorInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, field string
		keyID, sec  string
		opt         plp.Option
	}{
		{"empty keyID", "keyID", "", "s", plp.WithMaxRetries(0)},
		{"whitespace keyID", "keyID", " \t", "s", plp.WithMaxRetries(0)},
		{"empty secret", "secret", "k", "", plp.WithMaxRetries(0)},
		{"whitespace secret", "secret", "k", "\r\n", plp.WithMaxRetries(0)},
		{"base URL with user info", "baseURL", "k", "s", plp.WithBaseURL("https://user:pass@api.example.com/v1")},
		{"base URL with user only", "baseURL", "k", "s", plp.WithBaseURL("https://user@api.example.com/v1")},
		{"plain http to a remote host", "baseURL", "k", "s", plp.WithBaseURL("http://api.example.com/v1")},
		{"other scheme", "baseURL", "k", "s", plp.WithBaseURL("ftp://api.example.com/v1")},
		{"query", "baseURL", "k", "s", plp.WithBaseURL("https://api.example.com/v1?x=1")},
		{"fragment", "baseURL", "k", "s", plp.WithBaseURL("https://api.example.com/v1#x")},
		{"no host", "baseURL", "k", "s", plp.WithBaseURL("https:///v1")},
		{"relative", "baseURL", "k", "s", plp.WithBaseURL("/v1")},
		{"CR/LF", "baseURL", "k", "s", plp.WithBaseURL("https://api.example.com/v1\r\nX-Injected: yes")},
		{"look-alike loopback", "baseURL", "k", "s", plp.WithBaseURL("http://127.0.0.1.evil.example.com/v1")},
		{"zero rate", "perMinute", "k", "s", plp.WithRateLimit(0, 1)},
		{"negative rate", "perMinute", "k", "s", plp.WithRateLimit(-100, 1)},
		{"zero burst", "burst", "k", "s", plp.WithRateLimit(100, 0)},
		{"negative retries", "maxRetries", "k", "s", plp.WithMaxRetries(-1)},
		{"negative retry wait", "maxRetryWait", "k", "s", plp.WithMaxRetryWait(-time.Second)},
		{"zero response cap", "maxResponseBytes", "k", "s", plp.WithMaxResponseBytes(0)},
		{"user agent CR/LF", "userAgent", "k", "s", plp.WithUserAgent("acme/1\r\nX-Injected: yes")},
		{"user agent non-ASCII", "userAgent", "k", "s", plp.WithUserAgent("acmé/1")},
		{"nil HTTP client", "httpClient", "k", "s", plp.WithHTTPClient(nil)},
		{"nil limiter", "limiter", "k", "s", plp.WithLimiter(nil)},
		{"nil token source", "tokenSource", "k", "s", plp.WithTokenSource(nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := plp.New(tc.keyID, tc.sec, tc.opt)
			assert.Nil(t, c)
			var ve *plp.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.True(t, errors.Is(err, plp.ErrValidation))
			assert.NotContains(t, err.Error(), "pass")
			assert.NotContains(t, err.Error(), "X-Injected")
		})
	}
}
