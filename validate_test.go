package phonelineplus

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNumberForms(t *testing.T) {
	t.Parallel()
	good := map[string][2]string{ // input: E.164, national
		"+441610000000":     {"441610000000", "01610000000"},
		"441610000000":      {"441610000000", "01610000000"},
		"0161 000 0000":     {"441610000000", "01610000000"},
		"07700-900-000":     {"447700900000", "07700900000"},
		" +44 20 7946 0000": {"442079460000", "02079460000"},
		"016977 4444":       {"44169774444", "0169774444"},
	}
	for in, want := range good {
		e164, err := numberE164("n", in)
		assert.NoError(t, err, in)
		assert.Equal(t, want[0], e164, in)
		nat, err := nationalNumber("n", in)
		assert.NoError(t, err, in)
		assert.Equal(t, want[1], nat, in)
	}
	for _, in := range []string{"", "  ", "+1 202 555 0100", "1610000000", "+4401610000000", "0161000000000",
		"016100", "+44 161 OOO OOOO", "０１６１０００００００", "0161\n0000000", "+44(0)1610000000", "04610000000", "00441610000000"} {
		_, err := numberE164("n", in)
		assert.ErrorIs(t, err, ErrValidation, "%q", in)
	}
	_, err := ddiE164("n", "07700900000")
	assert.ErrorIs(t, err, ErrValidation, "a mobile is not a PhoneLine+ DDI")
}

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

func TestEmails(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"a@example.com", "first.last+tag@sub.example.co.uk"} {
		_, err := email("e", in)
		assert.NoError(t, err, in)
	}
	for _, in := range []string{"", "example.com", "a@", "@example.com", "a@localhost", "A <a@example.com>", "a b@example.com",
		"a@example.com\r\nBcc: x@example.com", strings.Repeat("a", 250) + "@example.com", "a@@example.com"} {
		_, err := email("e", in)
		assert.ErrorIs(t, err, ErrValidation, "%q", in)
	}
}

func TestMACAddresses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"00:15:65:00:00:01", "00-15-65-00-00-01", "001565000001", "0015.6500.0001", "00:15:65:aa:bB:01"} {
		got, err := macAddress("m", in)
		assert.NoError(t, err, in)
		assert.Regexp(t, `^([0-9A-F]{2}:){5}[0-9A-F]{2}$`, got)
	}
	for _, in := range []string{"", "00156500000", "0015650000011", "00:15:65:00:00", "00:15-65:00:00:01", "00:15:65:00:00:0G", "0:15:65:00:00:001", "001565 000001"} {
		_, err := macAddress("m", in)
		assert.ErrorIs(t, err, ErrValidation, "%q", in)
	}
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
