package phonelineplus

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPostcodes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"SW1A 1AA": "SW1A1AA", "m1 1aa": "M11AA", "M275WW": "M275WW", "EC1A 1BB": "EC1A1BB", "gir 0aa": "GIR0AA"} {
		got, err := postcode("p", in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, in := range []string{"", "12345", "SW1A", "SW1A 1AAA", "Q1 1AA", "M1 1CI", "M1\t1AA", "М1 1АА" /* Cyrillic */} {
		_, err := postcode("p", in)
		assert.ErrorIs(t, err, ErrValidation, "%q", in)
	}
}

// emailCases are addresses as people type them; reason is the refusal,
// or "" when the address is sent as given.
var emailCases = []struct{ in, reason string }{
	{"alex@acme.example", ""},
	{"Alex.Example@Acme.Example", ""},
	{"alex+orders@acme.example", ""},   // plus-addressing
	{"o'neil@acme.example", ""},        // apostrophe
	{"d'arcy.o'brien@acme.co.uk", ""},  // apostrophes
	{"alex@bücher.example", ""},        // IDN
	{"alex@xn--bcher-kva.example", ""}, // the same domain, in ASCII
	{"alex@пример.рф", ""},             // IDN, Cyrillic
	{"josé@acme.example", ""},          // UTF-8 before the @
	{"alex@my-acme.example", ""},       // hyphen inside a label
	{"alex@mail.acme2.co.uk", ""},      // digits, subdomains
	{"alex@" + strings.Repeat("a", 63) + ".example", ""},
	{"  alex@acme.example  ", ""}, // padded
	{"", "is required"},
	{"alex@-acme.example", "has a domain label that starts or ends with a hyphen"},
	{"alex@acme-.example", "has a domain label that starts or ends with a hyphen"},
	{"alex@[192.0.2.1]", "has an IP address for a domain"},
	{"alex@[IPv6:2001:db8::1]", "has an IP address for a domain"},
	{"alex@192.0.2.1", "has an IP address for a domain"},
	{"alex@acme.123", "has a top-level domain of digits only"},
	{"alex@192.0.2.1.5", "has a top-level domain of digits only"},
	{"alex@" + strings.Repeat("a", 64) + ".example", "has a domain label longer than 63 characters"},
	{"alex@bücher" + strings.Repeat("a", 60) + ".example", "has a domain label longer than 63 characters"}, // 64 in ASCII
	{"alex@acme..example", "is not an email address"},
	{"alex@acme.example.", "is not an email address"},
	{"alex@acme", "has no dot in its domain"},
	{"alex@acme_corp.example", "has a domain that is not a valid host name"},
	{"alex@ａｃｍｅ.example", "has a domain that is not a valid host name"}, // fullwidth letters
	{strings.Repeat("a", 65) + "@acme.example", "has more than 64 characters before the @"},
	{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".example", "is longer than 254 characters"},
	{"alex.acme.example", "is not an email address"},
	{"alex@@acme.example", "is not an email address"},
	{"Alex <alex@acme.example>", "is not an email address"},
	{"alex smith@acme.example", "is not an email address"},
	{`"alex smith"@acme.example`, "is not an email address"},
	{"alex@acme.example\r\nBcc: eve@acme.example", "is not an email address"},
	{"alex@acme.example, eve@acme.example", "is not an email address"},
}

func TestEmails(t *testing.T) {
	t.Parallel()
	require.GreaterOrEqual(t, len(emailCases), 20)
	for _, tc := range emailCases {
		got, err := email("e", tc.in)
		if tc.reason == "" {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, strings.TrimSpace(tc.in), got, "sent as given")
			continue
		}
		var ve *ValidationError
		if assert.ErrorAs(t, err, &ve, tc.in) {
			assert.Equal(t, tc.reason, ve.Reason, tc.in)
		}
	}
}

func TestMACAddresses(t *testing.T) {
	t.Parallel()
	const notMAC = "is not a MAC address: 12 hex digits, as 00:15:65:00:00:01 or 001565000001"
	checkNormaliser(t, macAddress, map[string]string{
		"00:15:65:00:00:01": "00:15:65:00:00:01",
		"00-15-65-00-00-01": "00:15:65:00:00:01",
		"001565000001":      "00:15:65:00:00:01",
		"0015.6500.0001":    "00:15:65:00:00:01",
		"00:15:65:aa:bB:01": "00:15:65:AA:BB:01",
		" 00156500aa01 ":    "00:15:65:00:AA:01",
	}, map[string]string{
		"":                        notMAC,
		"00156500000":             notMAC,
		"0015650000011":           notMAC,
		"00:15:65:00:00":          notMAC,
		"00:15-65:00:00:01":       notMAC,
		"00:15:65:00:00:0G":       notMAC,
		"0:15:65:00:00:001":       notMAC,
		"001565 000001":           notMAC,
		"00:15:65:ff:fe:00:00:01": "is not a 48-bit MAC address",
	})
}

func TestText(t *testing.T) {
	t.Parallel()
	got, err := text("f", "  Acme Ltd  ", true)
	assert.NoError(t, err)
	assert.Equal(t, "Acme Ltd", got)
	for _, in := range []string{"", " ", "a\x00b", "a\r\nb", "\xff", strings.Repeat("x", 256), strings.Repeat("x", 1<<20)} {
		_, err := text("f", in, true)
		assert.ErrorIs(t, err, ErrValidation, "%q", in)
	}
}

// TestWhatTheFactsDoNotForbidIsSent lists requests the SDK used to refuse
// although nothing known forbids them: an inferred field left out, an
// unknown spelling of an inferred enum, a plan the SDK cannot know.
func TestWhatTheFactsDoNotForbidIsSent(t *testing.T) {
	t.Parallel()
	addr := Address{Premises: "Unit 1", Street: "High Street", Town: "Leeds", Postcode: "LS1 1AA"}
	for name, req := range map[string]interface{ Validate() error }{
		"blocked number without direction":  BlockedNumberRequest{NumberE164: "0161 496 0000"},
		"blocked number, direction only":    BlockedNumberRequest{Direction: BlockInbound},
		"blocked number, another spelling":  BlockedNumberRequest{NumberE164: "+1 212 555 0100", Direction: "INBOUND"},
		"schedule without days":             ScheduleSettings{OutOfHoursAction: OutOfHoursVoicemail},
		"schedule, days only":               ScheduleSettings{Days: []DaySchedule{{Day: Monday, Availability: AvailabilityAllDay}}},
		"schedule, other spellings":         ScheduleSettings{Days: []DaySchedule{{Day: "Mon", Availability: "open"}}, OutOfHoursAction: "hang_up"},
		"between without times":             ScheduleSettings{Days: []DaySchedule{{Day: Monday, Availability: AvailabilityBetween}}},
		"redirect to a user not named":      ScheduleSettings{OutOfHoursAction: OutOfHoursRedirectUser},
		"redirect outside, no number":       ScheduleSettings{OutOfHoursAction: OutOfHoursRedirectExternal},
		"ring time only":                    ScheduleSettings{RingTimeSeconds: 20},
		"user type spelt otherwise":         UserUpdateRequest{Type: Ptr(UserType("owner"))},
		"upgrade to another plan value":     PlanUpgradeRequest{Plan: "office"},
		"upgrade with an email only":        PlanUpgradeRequest{Email: "alex@acme.example"},
		"standard plan under another value": CustomerCreateRequest{Plan: "pro", CompanyName: "Acme", FullName: "Alex", ContactNumber: "0161 496 0000"},
		"hardware-only CP without a number": CustomerCreateRequest{Plan: PlanHardwareOnlyCP, CompanyName: "Acme", FullName: "Alex", ContactNumber: "0161 496 0000", Address: addr},
		"partner user, name only":           PartnerUserCreateRequest{FullName: "Pat Example"},
		"partner user, email only":          PartnerUserCreateRequest{Email: "pat@acme.example"},
		"number in a written form":          NumberCreateRequest{NumberE164: "+44 (0)161 496 0000"},
	} {
		assert.NoError(t, req.Validate(), name)
	}
}

// TestPunycodeLength checks the ASCII length of internationalised labels
// against RFC 3492's own samples and well-known domains.
func TestPunycodeLength(t *testing.T) {
	t.Parallel()
	for in, ascii := range map[string]string{
		"bücher":            "bcher-kva",
		"münchen":           "mnchen-3ya",
		"日本語":               "wgv71a119e",
		"3年b組金八先生":          "3b-ww4c5e180e575a65lsy2b", // RFC 3492 7.1 (J), lower-cased
		"пример":            "e1afmkfd",
		"ليهمابتكلموشعربي؟": "egbpdaj6bu4bxfgehfvwxn",
	} {
		assert.Equal(t, len(ascii), punycodeLen(in), in)
	}
}
