package phonelineplus

import (
	"fmt"
	"strings"
)

// The one reader of phone numbers: every request field that takes a phone
// number (contact numbers, DDIs, blocked and redirect numbers, area codes)
// goes through readNumber, so each accepts the same written forms and
// refuses the same mistakes with the same words.

// maxNumberLen bounds a phone number as written, separators included; the
// longest real one is well under it.
const maxNumberLen = 40

// writtenNumber is a phone number as someone wrote it, reduced to digits.
type writtenNumber struct {
	digits string // every digit after the international prefix, if any
	prefix string // "+" or "00" when written internationally, else ""
}

// readNumber reads a phone number the way people write one: digits in
// groups separated by spaces, hyphens, dots or brackets ("(0161) 496 0000",
// "020.7946.0018"), after "+" or "00" for an international number, which
// may be in brackets of its own ("(+44) 20 7946 0018"). In an
// international number, "(0)" right after the country code marks the
// trunk 0 used when dialling within the country ("+44 (0)20 7946 0018"),
// and is dropped.
func readNumber(field, s string) (writtenNumber, error) {
	var w writtenNumber
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return w, invalid(field, "is required")
	case len(s) > maxNumberLen:
		return w, invalid(field, "is too long for a phone number")
	}
	// "(+44) 20 7946 0018": the country code alone in brackets.
	if end := strings.IndexByte(s, ')'); (strings.HasPrefix(s, "(+") || strings.HasPrefix(s, "(00")) &&
		end > 2 && !strings.ContainsFunc(s[2:end], notDigit) {
		s = s[1:end] + " " + s[end+1:]
	}
	switch {
	case s[0] == '+':
		w.prefix, s = "+", s[1:]
	case strings.HasPrefix(s, "00"):
		w.prefix, s = "00", s[2:]
	}
	if !strings.ContainsFunc(s, notDigit) {
		w.digits = s // the common case: nothing to strip, nothing to copy
	} else {
		var buf [maxNumberLen]byte
		d := buf[:0]
		open, trunk := -1, -1 // where the open bracket and a "(0)" start in d
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c >= '0' && c <= '9':
				d = append(d, c)
			case c == ' ' || c == '-' || c == '.':
			case c == '(':
				if open >= 0 {
					return w, invalid(field, "has brackets inside brackets")
				}
				open = len(d)
			case c == ')':
				switch {
				case open < 0:
					return w, invalid(field, `has a ")" without a "("`)
				case len(d) == open:
					return w, invalid(field, "has brackets with no digits in them")
				case string(d[open:]) == "0":
					trunk = open
				}
				open = -1
			case c == '+':
				return w, invalid(field, `has a "+" that is not at the start`)
			default:
				return w, invalid(field, "may contain only digits, spaces, hyphens, dots, brackets and a leading +")
			}
		}
		if open >= 0 {
			return w, invalid(field, `has a "(" without a ")"`)
		}
		// "(0)" belongs right after a country code of one to three digits
		// (with or without the "+": "44 (0)20…" is E.164 without it).
		if intl := w.prefix != "" || trunk == 2 && d[0] == '4' && d[1] == '4'; trunk >= 0 && intl {
			if trunk < 1 || trunk > 3 {
				return w, invalid(field, `has "(0)" that does not follow the country code`)
			}
			d = append(d[:trunk], d[trunk+1:]...)
		}
		w.digits = string(d)
	}
	if w.digits == "" {
		return w, invalid(field, "has no digits")
	}
	return w, nil
}

func notDigit(r rune) bool { return r < '0' || r > '9' }

// ukSignificant returns the national significant number of a UK number
// (the digits after the 0 or the 44 country code) and how the caller wrote
// what came before it, for error messages.
func (w writtenNumber) ukSignificant(field string) (nsn, after string, err error) {
	d := w.digits
	switch {
	case w.prefix != "" && strings.HasPrefix(d, "44"):
		nsn, after = d[2:], w.prefix+"44"
	case w.prefix != "":
		return "", "", invalid(field, "is not a UK number: its country code is not 44")
	case strings.HasPrefix(d, "44"):
		nsn, after = d[2:], "44"
	case d[0] == '0':
		nsn, after = d[1:], "the leading 0"
	default:
		return "", "", invalid(field, "must start with 0, or with the country code as +44, 0044 or 44")
	}
	switch {
	case nsn == "":
		return "", "", invalid(field, "has no digits after "+after)
	case nsn[0] == '0' && after != "the leading 0":
		return "", "", invalid(field, "has a 0 after "+after+`: leave it out, or write it "(0)"`)
	}
	return nsn, after, nil
}

// ukNSN reads a UK phone number in any written form and returns its
// national significant number, checked for length against its range:
// 02, 03, 05, 07 and 09 numbers have 10 digits after the 0; 01 numbers 9
// or 10; 08 numbers 10, and 0800 numbers 9 or 10.
func ukNSN(field, s string) (string, error) {
	w, err := readNumber(field, s)
	if err != nil {
		return "", err
	}
	return w.ukNSN(field)
}

func (w writtenNumber) ukNSN(field string) (string, error) {
	nsn, after, err := w.ukSignificant(field)
	if err != nil {
		return "", err
	}
	n, want := len(nsn), "10"
	ok := n == 10
	switch nsn[0] {
	case '1':
		ok, want = n == 9 || n == 10, "9 or 10"
	case '8':
		ok, want = ok || n == 9 && strings.HasPrefix(nsn, "800"), "10 (freephone numbers 9 or 10)"
	case '2', '3', '5', '7', '9':
	default:
		return "", invalid(field, fmt.Sprintf("is not a UK number: no UK range starts 0%c", nsn[0]))
	}
	if !ok {
		return "", invalid(field, fmt.Sprintf("has %d digits after %s; 0%c numbers have %s", n, after, nsn[0], want))
	}
	return nsn, nil
}

// numberE164 normalises a UK number to E.164 digits without "+"
// ("441610000000"), the form numberE164 fields use on the wire.
func numberE164(field, s string) (string, error) {
	nsn, err := ukNSN(field, s)
	if err != nil {
		return "", err
	}
	return "44" + nsn, nil
}

// ddiE164 is numberE164 restricted to the geographic and non-geographic
// ranges PhoneLine+ numbers come from (441…, 442…, 443…).
func ddiE164(field, s string) (string, error) {
	n, err := numberE164(field, s)
	if err == nil && n[2] != '1' && n[2] != '2' && n[2] != '3' {
		return "", invalid(field, "must be a geographic (01, 02) or non-geographic (03) number")
	}
	return n, err
}

// nationalNumber normalises a UK number to national format
// ("07700900000"), the form contact numbers use on the wire.
func nationalNumber(field, s string) (string, error) {
	nsn, err := ukNSN(field, s)
	if err != nil {
		return "", err
	}
	if len(s) == len(nsn)+1 && s[0] == '0' && s[1:] == nsn {
		return s, nil // already national: no new string
	}
	return "0" + nsn, nil
}

// anyE164 normalises a UK number in any form (as numberE164 does) or an
// international one written with "+" or "00" and its country code (7 to 15
// digits, the first not 0) to E.164 digits without "+". Without "+" or
// "00", only UK forms are accepted: bare digits are ambiguous.
func anyE164(field, s string) (string, error) {
	w, err := readNumber(field, s)
	if err != nil {
		return "", err
	}
	if w.prefix == "" || strings.HasPrefix(w.digits, "44") {
		nsn, err := w.ukNSN(field)
		if err != nil {
			return "", err
		}
		return "44" + nsn, nil
	}
	d := w.digits
	switch {
	case len(d) < 7 || len(d) > 15:
		return "", invalid(field, "must have 7 to 15 digits after the "+w.prefix)
	case d[0] == '0':
		return "", invalid(field, "must start with a country code after the "+w.prefix)
	}
	return d, nil
}

// areaCode normalises a UK area code, written as a number is ("0161",
// "+44 161", "(020)"), to its E.164 digits without "+" ("44161").
func areaCode(field, s string) (string, error) {
	w, err := readNumber(field, s)
	if err != nil {
		return "", err
	}
	d, after, err := w.ukSignificant(field)
	switch {
	case err != nil:
		return "", err
	case len(d) < 2 || len(d) > 5:
		return "", invalid(field, fmt.Sprintf("has %d digits after %s; an area code has 2 to 5", len(d), after))
	case d[0] < '1' || d[0] > '3':
		return "", invalid(field, "is not a geographic or non-geographic area code")
	}
	return "44" + d, nil
}
