package sheet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normCell reads one cell as text for a column of the given kind. It
// returns the value and, when the cell needed fixing or cannot be used, a
// problem without its place (the caller adds it). Messages never repeat a
// cell's value unless it is a number the reader changed, so that no
// personal data is needed to understand a warning that is not about it.
func normCell(k Kind, raw string) (string, *Problem) {
	if len(raw) > maxCellLen {
		return "", errorf("is longer than %d characters", maxCellLen)
	}
	if !utf8.ValidString(raw) {
		return "", errorf("is not valid UTF-8 text: save the file as UTF-8")
	}
	v := strings.TrimFunc(raw, unicode.IsSpace)
	if v == "" {
		if k == KindQuantity {
			return "1", nil
		}
		return "", nil
	}
	switch k {
	case KindPhone:
		return phoneCell(v)
	case KindAreaCode:
		return areaCodeCell(v)
	case KindQuantity:
		return quantityCell(v)
	case KindRef:
		if len(v) > 100 || strings.ContainsFunc(v, unsafeRune) {
			// Kept, so that rows naming it still find it: one problem, not
			// one per row that refers to it.
			return v, errorf("is not a ref: at most 100 characters, no control characters")
		}
	}
	return v, nil
}

func errorf(msg string, args ...any) *Problem {
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return &Problem{Severity: SeverityError, Message: msg}
}

func warnf(msg string, args ...any) *Problem {
	p := errorf(msg, args...)
	p.Severity = SeverityWarning
	return p
}

// unsafeRune reports control and invisible formatting characters.
func unsafeRune(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

var (
	digitsRE     = regexp.MustCompile(`^[0-9]+$`)
	floatZeroRE  = regexp.MustCompile(`^([0-9]+)\.0+$`)
	scientificRE = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
)

// numberCell undoes what a spreadsheet does to a number it stored as a
// number: "1614960000.0" (a float rendering) becomes "1614960000". It
// reports a number in scientific notation, whose digits are lost.
func numberCell(v string) (string, *Problem) {
	if scientificRE.MatchString(v) {
		return "", errorf("is in scientific notation (%s): the spreadsheet dropped digits; format the column as Text and type the number again", v)
	}
	if m := floatZeroRE.FindStringSubmatch(v); m != nil {
		return m[1], nil
	}
	return v, nil
}

// phoneCell restores the leading 0 of a UK number that a spreadsheet
// stored as a number: 1614960000 (10 digits) and 7700900123 become
// 01614960000 and 07700900123; 9-digit national numbers likewise. Other
// forms are left for the SDK's validation.
func phoneCell(v string) (string, *Problem) {
	v, p := numberCell(v)
	if p != nil {
		return "", p
	}
	if digitsRE.MatchString(v) && (len(v) == 9 || len(v) == 10) && strings.IndexByte("1235789", v[0]) >= 0 {
		fixed := "0" + v
		return fixed, warnf("lost its leading 0 (the spreadsheet stored it as a number): read as %s; format the column as Text to keep it", fixed)
	}
	return v, nil
}

// areaCodeCell restores the leading 0 of an area code stored as a number
// ("161" becomes "0161").
func areaCodeCell(v string) (string, *Problem) {
	v, p := numberCell(v)
	if p != nil {
		return "", p
	}
	if digitsRE.MatchString(v) && len(v) >= 1 && len(v) <= 5 && v[0] != '0' {
		fixed := "0" + v
		return fixed, warnf("lost its leading 0 (the spreadsheet stored it as a number): read as %s", fixed)
	}
	return v, nil
}

// quantityCell reads a whole number of at least 1 ("2" or "2.0").
func quantityCell(v string) (string, *Problem) {
	if m := floatZeroRE.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10_000 {
		return "", errorf("must be a whole number from 1 to 10000")
	}
	return strconv.Itoa(n), nil
}
