package phonelineplus

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextLen bounds free-text fields (names, address lines).
const maxTextLen = 255

// text checks a free-text field: valid UTF-8, no control characters, at
// most 255 characters, and present when required. It returns s trimmed.
func text(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		return "", invalid(field, "is required")
	case !utf8.ValidString(s):
		return "", invalid(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > maxTextLen:
		return "", invalid(field, "is longer than 255 characters")
	case strings.ContainsFunc(s, unsafeRune):
		return "", invalid(field, "contains control or formatting characters")
	}
	return s, nil
}

// unsafeRune reports control characters (C0, C1) and the invisible
// formatting characters (zero-width and bidirectional controls) that can
// make text display as something other than what it is.
func unsafeRune(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

// ukDigits strips a UK prefix (+44, 44 or 0) and optional spaces or
// hyphens from s and returns the digits after it, which must number
// between minLen and maxLen. what names the thing in errors.
func ukDigits(field, s, what string, minLen, maxLen int) (string, error) {
	d := digitSeparators.Replace(strings.TrimSpace(s))
	switch {
	case d == "":
		return "", invalid(field, "is required")
	case strings.HasPrefix(d, "+44"):
		d = d[3:]
	case strings.HasPrefix(d, "44"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	default:
		return "", invalid(field, "must be a UK "+what+": +44…, 44… or 0…")
	}
	if len(d) < minLen || len(d) > maxLen || strings.IndexFunc(d, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return "", invalid(field, fmt.Sprintf("must have %d to %d digits after the 0 or 44 prefix", minLen, maxLen))
	}
	return d, nil
}

var digitSeparators = strings.NewReplacer(" ", "", "-", "")

// ukNSN parses a UK phone number given as +44…, 44… or 0…, with optional
// spaces or hyphens, and returns its national significant number (9 or 10
// digits, no leading 0).
func ukNSN(field, s string) (string, error) {
	d, err := ukDigits(field, s, "number", 9, 10)
	if err != nil {
		return "", err
	}
	if strings.IndexByte("1235789", d[0]) < 0 {
		return "", invalid(field, "is not a UK number range")
	}
	return d, nil
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
		return "", invalid(field, "must be a geographic (01/02) or non-geographic (03) number")
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

var postcodeRE = regexp.MustCompile(`^(?:[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}|GIR0AA)$`)

// postcode normalises a UK postcode to upper case without spaces
// ("SW1A1AA"), as the observed client sends it.
func postcode(field, s string) (string, error) {
	p := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if p == "" {
		return "", invalid(field, "is required")
	}
	if !postcodeRE.MatchString(p) {
		return "", invalid(field, "is not a UK postcode")
	}
	return p, nil
}

// email checks an address's shape: one plain addr-spec, no display name, a
// dot in the domain, at most 254 characters.
func email(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(field, "is required")
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 || at < 1 ||
		!strings.Contains(s[at+1:], ".") || strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsFunc(s, unsafeRune) {
		return "", invalid(field, "is not an email address")
	}
	return s, nil
}

// macAddress accepts 12 hex digits, bare or grouped as aa:bb:cc:dd:ee:ff,
// aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff, and returns the colon form in upper
// case ("00:15:65:00:00:01").
func macAddress(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	var hex string
	switch len(s) {
	case 12:
		hex = s
	case 17:
		sep := s[2]
		if sep != ':' && sep != '-' {
			return "", invalid(field, "is not a MAC address")
		}
		for i := 2; i < 17; i += 3 {
			if s[i] != sep {
				return "", invalid(field, "is not a MAC address")
			}
		}
		hex = strings.ReplaceAll(s, string(sep), "")
	case 14:
		if s[4] != '.' || s[9] != '.' {
			return "", invalid(field, "is not a MAC address")
		}
		hex = strings.ReplaceAll(s, ".", "")
	default:
		return "", invalid(field, "must have 12 hex digits")
	}
	if len(hex) != 12 || strings.IndexFunc(hex, func(r rune) bool { return !unicode.Is(unicode.ASCII_Hex_Digit, r) }) >= 0 {
		return "", invalid(field, "must have 12 hex digits")
	}
	hex = strings.ToUpper(hex)
	var b strings.Builder
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i : i+2])
	}
	return b.String(), nil
}

// oneOf checks that v is one of the known values of an enum.
func oneOf[T ~string](field string, v T, known ...T) error {
	for _, k := range known {
		if v == k {
			return nil
		}
	}
	if v == "" {
		return invalid(field, "is required")
	}
	return invalid(field, "is not a known value")
}

// normaliser checks one field and returns its wire form.
type normaliser func(field, s string) (string, error)

// requiredText is text for a required field.
func requiredText(field, s string) (string, error) { return text(field, s, true) }

// checker runs field checks in order, normalising each field in place, and
// keeps the first failure.
type checker struct {
	err    error
	prefix string // the JSON path of the nested object being checked
}

// check normalises a required field.
func (c *checker) check(field string, dst *string, f normaliser) {
	if c.err != nil {
		return
	}
	*dst, c.err = f(field, *dst)
	// The full path is built only on failure: a check that passes
	// allocates nothing for its name.
	if c.err != nil && c.prefix != "" {
		if ve := (*ValidationError)(nil); errors.As(c.err, &ve) {
			ve.Field = c.prefix + "." + ve.Field
		}
	}
}

// nested checks the fields of the object at JSON path prefix with f.
func (c *checker) nested(prefix string, f func()) {
	outer := c.prefix
	c.prefix = prefix
	f()
	c.prefix = outer
}

// optional normalises a field unless it is empty.
func (c *checker) optional(field string, dst *string, f normaliser) {
	if strings.TrimSpace(*dst) == "" {
		*dst = ""
		return
	}
	c.check(field, dst, f)
}

// ptr normalises an update field unless it is nil, into a fresh string so
// the caller's value is never modified.
func (c *checker) ptr(field string, dst **string, f normaliser) {
	if *dst == nil || c.err != nil {
		return
	}
	v := **dst
	c.check(field, &v, f)
	*dst = &v
}

// fail records err unless an earlier check failed.
func (c *checker) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}
