package phonelineplus

import (
	"errors"
	"net"
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

// maxEmailLen and maxLocalPart are the limits of RFC 5321: longer
// addresses are not delivered.
const (
	maxEmailLen  = 254
	maxLocalPart = 64
)

// email checks that an address is one a mail system can deliver to: one
// plain addr-spec (no display name, no whitespace), at most 64 bytes before
// the @ and 254 in all, and a domain of host-name labels (see mailDomain).
// Plus-addressing ("alex+orders@"), apostrophes ("o'neil@") and
// internationalised domains ("bücher.example") are accepted.
func email(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", invalid(field, "is required")
	case len(s) > maxEmailLen:
		return "", invalid(field, "is longer than 254 characters")
	}
	at := strings.LastIndexByte(s, '@')
	if at >= 0 && strings.HasPrefix(s[at+1:], "[") {
		return "", invalid(field, "has an IP address for a domain")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || at < 1 ||
		strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsFunc(s, unsafeRune) {
		return "", invalid(field, "is not an email address")
	}
	if at > maxLocalPart {
		return "", invalid(field, "has more than 64 characters before the @")
	}
	return s, mailDomain(field, s[at+1:])
}

// mailDomain checks an email's domain: at least two labels, none empty,
// none starting or ending with a hyphen, each of letters, digits and
// hyphens (or an internationalised label, see idnLabel) and at most 63
// characters in its ASCII form; not an IP address (email checks the
// bracketed form).
func mailDomain(field, d string) error {
	labels, last := 0, ""
	for l := range strings.SplitSeq(d, ".") {
		switch {
		case l == "":
			return invalid(field, "has an empty label in its domain")
		case strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-"):
			return invalid(field, "has a domain label that starts or ends with a hyphen")
		case strings.ContainsFunc(l, func(r rune) bool { return r >= utf8.RuneSelf }):
			if err := idnLabel(field, l); err != nil {
				return err
			}
		case len(l) > maxLabelLen:
			return invalid(field, "has a domain label longer than 63 characters")
		case strings.ContainsFunc(l, notHostChar):
			return invalid(field, "has a domain that is not a valid host name")
		}
		labels, last = labels+1, l
	}
	switch {
	case labels < 2:
		return invalid(field, "has no dot in its domain")
	case !strings.ContainsFunc(last, notDigit) && net.ParseIP(d) != nil:
		return invalid(field, "has an IP address for a domain")
	case !strings.ContainsFunc(last, notDigit):
		return invalid(field, "has a top-level domain of digits only")
	}
	return nil
}

// notHostChar reports a character an ASCII host-name label cannot have:
// anything but letters, digits and hyphens.
func notHostChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
}

// macAddress accepts a 48-bit MAC address in any form net.ParseMAC reads
// (00:15:65:00:00:01, 00-15-65-00-00-01, 0015.6500.0001) or as 12 bare hex
// digits, as a real client sends it, and returns the colon form in upper
// case ("00:15:65:00:00:01").
func macAddress(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 12 && !strings.Contains(s, ":") && !strings.Contains(s, "-") && !strings.Contains(s, ".") {
		s = s[0:2] + ":" + s[2:4] + ":" + s[4:6] + ":" + s[6:8] + ":" + s[8:10] + ":" + s[10:12]
	}
	hw, err := net.ParseMAC(s)
	switch {
	case err != nil:
		return "", invalid(field, "is not a MAC address: 12 hex digits, as 00:15:65:00:00:01 or 001565000001")
	case len(hw) != 6:
		return "", invalid(field, "is not a 48-bit MAC address")
	}
	return strings.ToUpper(hw.String()), nil
}

// oneOf checks an enum of a field the API is known to take (confirmed or
// observed): v must be one of the known values.
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

// anyValue checks an enum of an inferred field. Its constants are the
// known or guessed spellings, not a fence: any value is sent, as long as it
// is text a spelling could be (no surrounding spaces, no control
// characters, at most 255 characters). Callers skip an empty value, since
// an inferred field is never required.
func anyValue[T ~string](field string, v T) error {
	t, err := text(field, string(v), true)
	if err == nil && t != string(v) {
		err = invalid(field, "has spaces around it")
	}
	return err
}

// setsNothing refuses an inferred request in which no field is set: none
// is required, but a body with nothing in it would do nothing. name is the
// request type's name, reported as the field.
func setsNothing[T comparable](name string, r T) error {
	if r == *new(T) {
		return invalid(name, "sets no field")
	}
	return nil
}

// findKey refuses a create-or-find whose lookup key is empty: the field
// is optional to Create (it is inferred), but CreateOrFind finds the
// resource by it when the create's outcome is unknown.
func findKey(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(field, "is needed by CreateOrFind, which looks the resource up by it")
	}
	return nil
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
