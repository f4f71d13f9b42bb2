package sheet

import (
	"strconv"
	"strings"
)

// Severity says whether a problem stops the file from being applied.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one thing wrong with the input, at a place: the file (Sheet
// empty), a sheet (Line 0), a row (Column empty) or a cell. It is an error,
// so a problem that stops reading altogether is returned as one.
//
// Message never repeats a cell's value when the column holds a credential
// (the legacy layout's keyID and secret columns).
type Problem struct {
	Severity Severity
	Path     string // the file or folder read
	Sheet    string
	Line     int    // the row number a spreadsheet shows; 0 for the sheet
	Column   string // the column's header name, as the sheet spells it
	Col      int    // the column's position, 1-based; 0 when unknown
	Field    string // the API field the column feeds ("email", "address.postcode"), when known
	Message  string

	cause error // for a problem that stopped reading: ErrNotWorkbook, ErrTooLarge or an I/O error
}

// Unwrap returns the cause of a problem that stopped reading (it matches
// ErrNotWorkbook or ErrTooLarge), or nil.
func (p *Problem) Unwrap() error { return p.cause }

// Error formats the problem as "users row 7, column email (D): is not an
// email address".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Where())
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Where formats the problem's place: the sheet, row and column, or the file.
func (p *Problem) Where() string {
	var parts []string
	if p.Sheet == "" {
		if p.Path != "" {
			parts = append(parts, p.Path)
		}
	} else {
		parts = append(parts, p.Sheet)
	}
	var tail []string
	if p.Line > 0 {
		tail = append(tail, "row "+strconv.Itoa(p.Line))
	}
	if p.Column != "" {
		c := "column " + p.Column
		if p.Col > 0 {
			c += " (" + ColumnName(p.Col) + ")"
		}
		tail = append(tail, c)
	}
	if len(tail) > 0 {
		if len(parts) > 0 {
			return parts[0] + " " + strings.Join(tail, ", ")
		}
		return strings.Join(tail, ", ")
	}
	return strings.Join(parts, "")
}

// ColumnName returns the spreadsheet letters of a 1-based column number:
// 1 is "A", 27 is "AA".
func ColumnName(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}
