package phonelineplus

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ukNumberCases are UK numbers as people write them: every range, every
// written form, and the mistakes. e164 and national are the wire forms
// (numberE164 fields, contact numbers); reason is the refusal otherwise.
// The numbers are Ofcom's drama ranges, reserved for fiction.
var ukNumberCases = []struct {
	in, e164, national, reason string
}{
	// Each range, written plainly.
	{in: "02079460018", e164: "442079460018", national: "02079460018"},          // London
	{in: "02890180000", e164: "442890180000", national: "02890180000"},          // Belfast
	{in: "02920180000", e164: "442920180000", national: "02920180000"},          // Cardiff
	{in: "01614960000", e164: "441614960000", national: "01614960000"},          // Manchester
	{in: "01134960000", e164: "441134960000", national: "01134960000"},          // Leeds
	{in: "01214960000", e164: "441214960000", national: "01214960000"},          // Birmingham
	{in: "01314960000", e164: "441314960000", national: "01314960000"},          // Edinburgh
	{in: "01414960000", e164: "441414960000", national: "01414960000"},          // Glasgow
	{in: "01632960000", e164: "441632960000", national: "01632960000"},          // the fictional 01632
	{in: "0169774444", e164: "44169774444", national: "0169774444"},             // Brampton: 9 digits after the 0
	{in: "03069990000", e164: "443069990000", national: "03069990000"},          // non-geographic
	{in: "05600000000", e164: "445600000000", national: "05600000000"},          // VoIP
	{in: "07700900000", e164: "447700900000", national: "07700900000"},          // mobile
	{in: "08081570000", e164: "448081570000", national: "08081570000"},          // freephone
	{in: "0800555111", e164: "44800555111", national: "0800555111"},             // 0800 with 9 digits
	{in: "09098790000", e164: "449098790000", national: "09098790000"},          // premium rate
	{in: "441614960000", e164: "441614960000", national: "01614960000"},         // the wire form
	{in: "+442079460018", e164: "442079460018", national: "02079460018"},        // E.164
	{in: "00442079460018", e164: "442079460018", national: "02079460018"},       // international from the UK
	{in: "+44169774444", e164: "44169774444", national: "0169774444"},           // 9 digits, international
	{in: "+44 800 555 111", e164: "44800555111", national: "0800555111"},        // 0800 with 9 digits, international
	{in: "  0161 496 0000\t", e164: "441614960000", national: "01614960000"},    // padded
	{in: "020 7946 0018", e164: "442079460018", national: "02079460018"},        // spaces
	{in: "0161 496 0000", e164: "441614960000", national: "01614960000"},        // spaces
	{in: "07700 900000", e164: "447700900000", national: "07700900000"},         // spaces
	{in: "07700 900 000", e164: "447700900000", national: "07700900000"},        // spaces
	{in: "0300 123 4567", e164: "443001234567", national: "03001234567"},        // spaces
	{in: "0800 555 111", e164: "44800555111", national: "0800555111"},           // spaces
	{in: "0808 157 0000", e164: "448081570000", national: "08081570000"},        // spaces
	{in: "016977 4444", e164: "44169774444", national: "0169774444"},            // spaces
	{in: "020-7946-0018", e164: "442079460018", national: "02079460018"},        // hyphens
	{in: "07700-900-000", e164: "447700900000", national: "07700900000"},        // hyphens
	{in: "020.7946.0018", e164: "442079460018", national: "02079460018"},        // dots
	{in: "07700.900.000", e164: "447700900000", national: "07700900000"},        // dots
	{in: "(020) 7946 0018", e164: "442079460018", national: "02079460018"},      // brackets
	{in: "(0161) 496 0000", e164: "441614960000", national: "01614960000"},      // brackets
	{in: "(01632) 960000", e164: "441632960000", national: "01632960000"},       // brackets
	{in: "(0161)4960000", e164: "441614960000", national: "01614960000"},        // brackets, no space
	{in: "+44 20 7946 0018", e164: "442079460018", national: "02079460018"},     // +44, spaces
	{in: "+44 161 496 0000", e164: "441614960000", national: "01614960000"},     // +44, spaces
	{in: "+44 7700 900000", e164: "447700900000", national: "07700900000"},      // +44, spaces
	{in: "+44-20-7946-0018", e164: "442079460018", national: "02079460018"},     // +44, hyphens
	{in: "+44 (0)20 7946 0018", e164: "442079460018", national: "02079460018"},  // +44 (0)
	{in: "+44 (0)161 496 0000", e164: "441614960000", national: "01614960000"},  // +44 (0)
	{in: "+44(0)7700 900000", e164: "447700900000", national: "07700900000"},    // +44(0), no space
	{in: "+44 (0) 300 123 4567", e164: "443001234567", national: "03001234567"}, // +44 (0) and a space
	{in: "0044 20 7946 0018", e164: "442079460018", national: "02079460018"},    // 0044
	{in: "(+44) 20 7946 0018", e164: "442079460018", national: "02079460018"},   // (+44)
	{in: "(+44)161 496 0000", e164: "441614960000", national: "01614960000"},    // (+44), no space
	{in: "(0044) 7700 900000", e164: "447700900000", national: "07700900000"},   // (0044)
	{in: "0044 (0)161 496 0000", e164: "441614960000", national: "01614960000"}, // 0044 (0)
	{in: "0044-7700-900000", e164: "447700900000", national: "07700900000"},     // 0044, hyphens
	{in: "44 20 7946 0018", e164: "442079460018", national: "02079460018"},      // 44, spaces
	{in: "44 (0)20 7946 0018", e164: "442079460018", national: "02079460018"},   // 44 (0): the 0 is in brackets, so dropped
	{in: "(0)20 7946 0018", e164: "442079460018", national: "02079460018"},      // national, brackets round the 0

	// Lengths that do not fit the range.
	{in: "020 7946 001", reason: "has 9 digits after the leading 0; 02 numbers have 10"},
	{in: "020 7946 00188", reason: "has 11 digits after the leading 0; 02 numbers have 10"},
	{in: "07700 90000", reason: "has 9 digits after the leading 0; 07 numbers have 10"},
	{in: "07700 9000000", reason: "has 11 digits after the leading 0; 07 numbers have 10"},
	{in: "0161 496 00000", reason: "has 11 digits after the leading 0; 01 numbers have 9 or 10"},
	{in: "0161 496 00", reason: "has 8 digits after the leading 0; 01 numbers have 9 or 10"},
	{in: "0300 123 456", reason: "has 9 digits after the leading 0; 03 numbers have 10"},
	{in: "0808 157 000", reason: "has 9 digits after the leading 0; 08 numbers have 10 (freephone numbers 9 or 10)"},
	{in: "0845 46 47", reason: "has 7 digits after the leading 0; 08 numbers have 10 (freephone numbers 9 or 10)"},
	{in: "0909 879 000", reason: "has 9 digits after the leading 0; 09 numbers have 10"},
	{in: "+44 20 7946 001", reason: "has 9 digits after +44; 02 numbers have 10"},
	{in: "+44 (0)20 7946 001", reason: "has 9 digits after +44; 02 numbers have 10"},
	{in: "0044 7700 90000", reason: "has 9 digits after 0044; 07 numbers have 10"},
	{in: "44 7700 90000", reason: "has 9 digits after 44; 07 numbers have 10"},

	// Not UK, or not a range.
	{in: "0461 496 0000", reason: "is not a UK number: no UK range starts 04"},
	{in: "06123 456789", reason: "is not a UK number: no UK range starts 06"},
	{in: "+33 1 23 45 67 89", reason: "is not a UK number: its country code is not 44"},
	{in: "0033 1 23 45 67 89", reason: "is not a UK number: its country code is not 44"},
	{in: "7700 900000", reason: "must start with 0, or with the country code as +44, 0044 or 44"},
	{in: "+44 07700 900000", reason: `has a 0 after +44: leave it out, or write it "(0)"`},
	{in: "0044 020 7946 0018", reason: `has a 0 after 0044: leave it out, or write it "(0)"`},
	{in: "+44", reason: "has no digits after +44"},

	// Written wrongly.
	{in: "", reason: "is required"},
	{in: "   ", reason: "is required"},
	{in: "+", reason: "has no digits"},
	{in: "(0161 496 0000", reason: `has a "(" without a ")"`},
	{in: "0161) 496 0000", reason: `has a ")" without a "("`},
	{in: "((0161)) 496 0000", reason: "has brackets inside brackets"},
	{in: "() 0161 496 0000", reason: "has brackets with no digits in them"},
	{in: "+44 20 (0)7946 0018", reason: `has "(0)" that does not follow the country code`},
	{in: "0161 + 496 0000", reason: `has a "+" that is not at the start`},
	{in: "(+44 161) 496 0000", reason: `has a "+" that is not at the start`},
	{in: "0161 496 OOOO", reason: "may contain only digits, spaces, hyphens, dots, brackets and a leading +"},
	{in: "０１６１ ４９６ ００００", reason: "may contain only digits, spaces, hyphens, dots, brackets and a leading +"},
	{in: "0161/496/0000", reason: "may contain only digits, spaces, hyphens, dots, brackets and a leading +"},
	{in: "0161 496 0000 ext 12", reason: "may contain only digits, spaces, hyphens, dots, brackets and a leading +"},
	{in: "0161\n496 0000", reason: "may contain only digits, spaces, hyphens, dots, brackets and a leading +"},
	{in: "0" + strings.Repeat("1", 1<<20), reason: "is too long for a phone number"},
}

func TestUKNumberForms(t *testing.T) {
	t.Parallel()
	require.GreaterOrEqual(t, len(ukNumberCases), 60)
	for _, tc := range ukNumberCases {
		name := tc.in
		if len(name) > 40 {
			name = name[:40]
		}
		e164, err := numberE164("n", tc.in)
		nat, err2 := nationalNumber("n", tc.in)
		if tc.reason == "" {
			assert.NoError(t, err, "%q", name)
			assert.NoError(t, err2, "%q", name)
			assert.Equal(t, tc.e164, e164, "%q as E.164", name)
			assert.Equal(t, tc.national, nat, "%q as national", name)
			continue
		}
		for _, err := range []error{err, err2} {
			var ve *ValidationError
			if assert.ErrorAs(t, err, &ve, "%q", name) {
				assert.Equal(t, "n", ve.Field)
				assert.Equal(t, tc.reason, ve.Reason, "%q", name)
			}
		}
	}
}

// TestEveryNumberFieldReadsTheSameForms checks that the other number
// fields share the reader: a form one accepts, they all accept.
func TestEveryNumberFieldReadsTheSameForms(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"+44 (0)20 7946 0018", "(020) 7946 0018", "0044 20 7946 0018", "020.7946.0018"} {
		got, err := ddiE164("n", in)
		assert.NoError(t, err, in)
		assert.Equal(t, "442079460018", got, in)
		got, err = anyE164("n", in)
		assert.NoError(t, err, in)
		assert.Equal(t, "442079460018", got, in)
	}
	for _, in := range []string{"020 7946 001", "07700 90000"} {
		for _, f := range []normaliser{ddiE164, anyE164, numberE164, nationalNumber} {
			_, err := f("n", in)
			assert.ErrorIs(t, err, ErrValidation, in)
		}
	}
	_, err := ddiE164("n", "07700 900000")
	assert.EqualError(t, err, "phonelineplus: invalid n: must be a geographic (01, 02) or non-geographic (03) number")
}

// checkNormaliser checks f: each of good gives its wire form, each of bad
// is refused for its reason.
func checkNormaliser(t *testing.T, f normaliser, good, bad map[string]string) {
	t.Helper()
	for in, want := range good {
		got, err := f("f", in)
		assert.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
	for in, reason := range bad {
		_, err := f("f", in)
		var ve *ValidationError
		if assert.ErrorAs(t, err, &ve, "%q", in) {
			assert.Equal(t, reason, ve.Reason, "%q", in)
		}
	}
}

func TestInternationalNumbers(t *testing.T) {
	t.Parallel()
	checkNormaliser(t, anyE164, map[string]string{
		"+1 212 555 0100":      "12125550100",
		"+1 (212) 555-0100":    "12125550100",
		"001 212 555 0100":     "12125550100",
		"+33 (0)1 23 45 67 89": "33123456789",
		"+353-1-000-0000":      "35310000000",
		"+6834002":             "6834002",
		"+123456789012345":     "123456789012345",
		"0161 496 0000":        "441614960000",
		"+44 161 000 0099":     "441610000099",
		"441610000099":         "441610000099",
		"07700 900000":         "447700900000",
	}, map[string]string{
		"+123456":                "must have 7 to 15 digits after the +",
		"00 1234 5678 9012 3456": "must have 7 to 15 digits after the 00",
		"+0123456789":            "must start with a country code after the +",
		"+1 212 CALL NOW":        "may contain only digits, spaces, hyphens, dots, brackets and a leading +",
		"12125550100":            "must start with 0, or with the country code as +44, 0044 or 44",
	})
}

func TestAreaCodes(t *testing.T) {
	t.Parallel()
	checkNormaliser(t, areaCode, map[string]string{
		"0161": "44161", "+44 161": "44161", "44161": "44161", "(020)": "4420", "0044 113": "44113", "016977": "4416977",
	}, map[string]string{
		"0161999": "has 6 digits after the leading 0; an area code has 2 to 5",
		"07700":   "is not a geographic or non-geographic area code",
		"0":       "has no digits after the leading 0",
		"abc":     "may contain only digits, spaces, hyphens, dots, brackets and a leading +",
	})
}

// A number already in national form is returned as it came, without a
// new string.
func TestNationalNumberKeepsItsInput(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _, _ = nationalNumber("n", "07700900000") })
	assert.Zero(t, allocs)
}
