package phonelineplus

import (
	"strings"
	"unicode"
)

// An email's internationalised domain is checked here rather than with a
// full IDNA library: what matters for delivery is that each label is made
// of letters, marks, digits and hyphens, and that its ASCII form (the one
// DNS carries, "xn--" and Punycode) fits in 63 characters.

// maxLabelLen is DNS's limit on one label of a domain name.
const maxLabelLen = 63

// idnLabel checks a domain label that has non-ASCII characters: letters,
// marks, digits and hyphens only, not starting with a mark, no fullwidth
// or halfwidth forms (which IDNA would quietly map to other characters),
// and at most 63 characters in its ASCII form.
func idnLabel(field, l string) error {
	for i, r := range l {
		ok := r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) && i > 0
		if !ok || r >= 0xFF00 && r <= 0xFFEF {
			return invalid(field, "has a domain that is not a valid host name")
		}
	}
	if len("xn--")+punycodeLen(strings.ToLower(l)) > maxLabelLen {
		return invalid(field, "has a domain label longer than 63 characters")
	}
	return nil
}

// punycodeLen returns the length of the Punycode encoding of s (RFC 3492),
// without the "xn--" prefix. It counts the digits the encoder would write
// instead of writing them.
func punycodeLen(s string) int {
	const (
		base, tMin, tMax = 36, 1, 26
		skew, damp       = 38, 700
	)
	runes := []rune(s)
	basic := 0
	for _, r := range runes {
		if r < 0x80 {
			basic++
		}
	}
	out := basic
	if basic > 0 {
		out++ // the delimiter
	}
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > (base-tMin)*tMax/2 {
			delta /= base - tMin
			k += base
		}
		return k + (base-tMin+1)*delta/(delta+skew)
	}
	n, delta, bias := 0x80, 0, 72
	for h := basic; h < len(runes); {
		m := rune(unicode.MaxRune + 1)
		for _, r := range runes {
			if r >= rune(n) && r < m {
				m = r
			}
		}
		delta += (int(m) - n) * (h + 1)
		n = int(m)
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := min(max(k-bias, tMin), tMax)
				if q < t {
					break
				}
				out++
				q = (q - t) / (base - t)
			}
			out++
			bias = adapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out
}
