package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Default limits of Options.
const (
	DefaultMaxRows     = 50_000
	DefaultMaxBytes    = 64 << 20 // 64 MiB
	DefaultMaxColumns  = 512
	DefaultMaxProblems = 1000
	maxCellLen         = 32_767 // Excel's own limit on a cell
)

// Options bounds what Read accepts. The zero value means the defaults.
type Options struct {
	// MaxRows caps the rows of one sheet (default 50,000). A sheet with
	// more is refused as soon as the limit is passed, before the rest of it
	// is read.
	MaxRows int
	// MaxBytes caps the size of the input: the file, each CSV file, and
	// the total decompressed size of an XLSX workbook's parts (default
	// 64 MiB), so a zip bomb is refused instead of filling memory.
	MaxBytes int64
	// MaxColumns caps the columns of a sheet (default 512).
	MaxColumns int
	// MaxProblems caps the problems kept (default 1000); one more problem
	// says how many were left out.
	MaxProblems int
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = DefaultMaxColumns
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = DefaultMaxProblems
	}
	return o
}

// ErrNotWorkbook is matched (errors.Is) by the error Read returns for a file
// that is not an XLSX workbook, a CSV file or a folder of CSV files.
var ErrNotWorkbook = errors.New("not an XLSX workbook or a folder of CSV files")

// ErrTooLarge is matched by the error Read returns for input past one of
// the limits of Options.
var ErrTooLarge = errors.New("input too large")

// Read reads the workbook at path: an .xlsx file, a folder holding
// customers.csv, users.csv and orders.csv, or a workbook or CSV file in the
// Python bulk processor's layout. A problem with the input as a whole (not
// a workbook, too large, no customers sheet, a missing required column) is
// returned as the error, a *Problem matching ErrNotWorkbook or ErrTooLarge
// when it is one of those; problems with rows and cells are
// collected in the Workbook's Problems, each naming its sheet, row and
// column.
func Read(path string, opts Options) (*Workbook, error) {
	opts = opts.withDefaults()
	r := &reader{wb: &Workbook{Path: path}, opts: opts}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, r.fileErr(err, "cannot be read: %v", unwrapPathError(err))
	}
	if fi.IsDir() {
		r.wb.Format = FormatCSV
		err = r.readCSVFolder(path)
	} else {
		err = r.readFile(path, fi.Size())
	}
	if err != nil {
		return nil, err
	}
	r.crossCheck()
	r.finish()
	return r.wb, nil
}

// unwrapPathError drops the path and operation an *os.PathError repeats.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Magic numbers of the formats Read tells apart.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, or an encrypted .xlsx
)

// readFile reads a single file: an XLSX workbook or a legacy-layout CSV.
func (r *reader) readFile(path string, size int64) error {
	if size > r.opts.MaxBytes {
		return r.tooLarge("is %d bytes, more than the limit of %d", size, r.opts.MaxBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return r.fileErr(err, "cannot be read: %v", unwrapPathError(err))
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, zipMagic):
		r.wb.Format = FormatXLSX
		return r.readXLSX(f, size)
	case bytes.HasPrefix(head, oleMagic):
		return r.notWorkbook("is an old .xls file or a password-protected workbook: save it as an unprotected .xlsx workbook")
	case strings.EqualFold(filepath.Ext(path), ".csv"):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return r.fileErr(err, "cannot be read: %v", err)
		}
		return r.readLegacyCSV(f)
	case strings.EqualFold(filepath.Ext(path), ".xlsx"):
		return r.notWorkbook("has the .xlsx extension but is not an XLSX workbook (it is not a zip file)")
	default:
		return r.notWorkbook("is not an XLSX workbook (.xlsx), a CSV file or a folder of CSV files")
	}
}

// reader holds the state of one Read.
type reader struct {
	wb       *Workbook
	opts     Options
	dropped  int            // problems past MaxProblems
	orderIdx map[string]int // order ref -> index in wb.Orders
}

func (r *reader) fileErr(err error, format string, args ...any) error {
	return &Problem{Severity: SeverityError, Path: r.wb.Path, Message: fmt.Sprintf(format, args...), cause: err}
}

func (r *reader) notWorkbook(msg string) error { return r.fileErr(ErrNotWorkbook, "%s", msg) }

func (r *reader) tooLarge(format string, args ...any) error {
	return r.fileErr(ErrTooLarge, format, args...)
}

// sheetErr is a problem with a whole sheet that stops reading.
func (r *reader) sheetErr(sheet string, line int, err error, format string, args ...any) error {
	return &Problem{Severity: SeverityError, Path: r.wb.Path, Sheet: sheet, Line: line, Message: fmt.Sprintf(format, args...), cause: err}
}

// readErr is a failure to read a sheet's row.
func (r *reader) readErr(sheet string, line int, err error) error {
	if errors.Is(err, ErrTooLarge) {
		return r.sheetErr(sheet, 0, err, "is more than %d bytes: split the file", r.opts.MaxBytes)
	}
	return r.sheetErr(sheet, line, err, "cannot be read: %v", err)
}

// add records a problem, up to MaxProblems.
func (r *reader) add(p Problem) {
	if len(r.wb.Problems) >= r.opts.MaxProblems {
		r.dropped++
		return
	}
	p.Path = r.wb.Path
	r.wb.Problems = append(r.wb.Problems, p)
}

// finish adds the count of problems left out.
func (r *reader) finish() {
	if r.dropped > 0 {
		r.wb.Problems = append(r.wb.Problems, Problem{Severity: SeverityError, Path: r.wb.Path,
			Message: fmt.Sprintf("%d more problems not shown: fix the ones above and read the file again", r.dropped)})
	}
}

// rowSource yields the rows of one sheet, the header first. Next returns
// nil cells for an empty row and io.EOF at the end.
type rowSource interface {
	Next() ([]string, error)
}

// readSheet reads one sheet of the new layout from src; fileName is the
// sheet's name as the file spells it.
func (r *reader) readSheet(name, fileName string, src rowSource) error {
	s := schemas[name]
	header, err := src.Next()
	if err == io.EOF {
		return r.sheetErr(fileName, 0, ErrNotWorkbook, "is empty: it needs a header row (%s)", strings.Join(requiredNames(s), ", "))
	}
	if err != nil {
		return r.readErr(fileName, 1, err)
	}
	cols, err := r.mapHeader(fileName, s, header)
	if err != nil {
		return err
	}
	loc := newLocation(fileName, s, cols)
	return r.eachRow(fileName, src, func(line int, cells []string) {
		vals := r.cells(fileName, line, s, cols, cells)
		r.build(Row{Sheet: name, Line: line, loc: loc}, vals)
	})
}

// eachRow calls f with each non-blank row after the header and its line
// number, and stops at the row limit.
func (r *reader) eachRow(sheet string, src rowSource, f func(line int, cells []string)) error {
	line := 1
	for {
		cells, err := src.Next()
		if err == io.EOF {
			return nil
		}
		line++
		if err != nil {
			return r.readErr(sheet, line, err)
		}
		if line-1 > r.opts.MaxRows {
			return r.sheetErr(sheet, line, ErrTooLarge, "has more than %d rows: split the file", r.opts.MaxRows)
		}
		if !blankRow(cells) {
			f(line, cells)
		}
	}
}

// requiredNames lists the required columns of s.
func requiredNames(s *schema) []string {
	var out []string
	for _, c := range s.columns {
		if c.Required {
			out = append(out, c.Name)
		}
	}
	return out
}

// headerCol is one column of the file: where it is and which schema
// column it feeds (-1 for none).
type headerCol struct {
	title string
	pos   int // 1-based
	field int
}

// mapHeader matches a header row to the schema's columns.
func (r *reader) mapHeader(sheet string, s *schema, header []string) ([]headerCol, error) {
	if len(header) > r.opts.MaxColumns {
		return nil, r.sheetErr(sheet, 1, ErrTooLarge, "has %d columns, more than the limit of %d", len(header), r.opts.MaxColumns)
	}
	if len(header) == 1 {
		if d := otherDelimiter(header[0]); d != "" {
			return nil, r.sheetErr(sheet, 1, ErrNotWorkbook, "is separated by %s, not commas: save it as CSV (comma delimited)", d)
		}
	}
	cols := make([]headerCol, len(header))
	seen := make(map[int]int, len(s.columns)) // schema column -> file position
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		cols[i] = headerCol{title: strings.TrimSpace(h), pos: i + 1, field: -1}
		if cols[i].title == "" {
			continue
		}
		f, ok := s.index[normHeader(h)]
		if !ok {
			r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: 1, Column: cols[i].title, Col: i + 1,
				Message: "is not a known column: ignored (known: " + strings.Join(columnNames(s), ", ") + ")"})
			continue
		}
		if prev, dup := seen[f]; dup {
			return nil, r.sheetErr(sheet, 1, ErrNotWorkbook, "has column %s twice (%s and %s)", s.columns[f].Name, ColumnName(prev), ColumnName(i+1))
		}
		seen[f] = i + 1
		cols[i].field = f
	}
	var missing []string
	for f, c := range s.columns {
		if _, ok := seen[f]; !ok && c.Required {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return nil, r.sheetErr(sheet, 1, ErrNotWorkbook, "lacks the column(s) %s: run phonelineplus template to see the layout", strings.Join(missing, ", "))
	}
	return cols, nil
}

// otherDelimiter names the delimiter a one-column CSV header seems to use.
func otherDelimiter(h string) string {
	for _, d := range []struct{ sep, name string }{{";", "semicolons"}, {"\t", "tabs"}, {"|", "vertical bars"}} {
		if strings.Contains(h, d.sep) {
			return d.name
		}
	}
	return ""
}

func columnNames(s *schema) []string {
	out := make([]string, len(s.columns))
	for i, c := range s.columns {
		out[i] = c.Name
	}
	return out
}

func blankRow(cells []string) bool {
	return !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// cells normalises a row's cells into schema order.
func (r *reader) cells(sheet string, line int, s *schema, cols []headerCol, cells []string) []string {
	vals := make([]string, len(s.columns))
	for i, raw := range cells {
		if i >= len(cols) {
			if strings.TrimSpace(raw) != "" {
				r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: line, Col: i + 1, Column: ColumnName(i + 1),
					Message: "has a value but no header: ignored"})
			}
			continue
		}
		hc := cols[i]
		if hc.field < 0 {
			continue
		}
		c := s.columns[hc.field]
		v, p := normCell(c.Kind, raw)
		if p != nil {
			p.Sheet, p.Line, p.Column, p.Col, p.Field = sheet, line, hc.title, hc.pos, c.Field
			r.add(*p)
		}
		vals[hc.field] = v
	}
	return vals
}

// newLocation records where the file has each of the schema's columns.
func newLocation(fileSheet string, s *schema, cols []headerCol) *location {
	loc := &location{sheet: fileSheet, cols: make(map[string]headerCol, len(cols))}
	for _, hc := range cols {
		if hc.field >= 0 {
			loc.cols[s.columns[hc.field].Name] = hc
		}
	}
	return loc
}

// build turns a row's normalised cells (in schema order) into a record of
// the workbook; row has its sheet, line and location.
func (r *reader) build(row Row, vals []string) {
	s := schemas[row.Sheet]
	get := func(name string) string { return vals[s.index[name]] }
	row.Hash = hashCells(row.Sheet, vals)
	sheet := row.Sheet
	addr := func() Address {
		return Address{Premises: get("premises"), Street: get("street"), Town: get("town"), County: get("county"), Postcode: get("postcode")}
	}
	switch sheet {
	case SheetCustomers:
		r.wb.Customers = append(r.wb.Customers, Customer{Row: row, Ref: get("ref"), Plan: get("plan"),
			CompanyName: get("company_name"), FullName: get("full_name"), ContactNumber: get("contact_number"),
			Email: get("email"), Number: get("number"), AreaCode: get("area_code"), Address: addr()})
	case SheetUsers:
		r.wb.Users = append(r.wb.Users, User{Row: row, Ref: get("ref"), CustomerRef: get("customer_ref"),
			Type: get("type"), FullName: get("full_name"), Email: get("email"), PhoneNumber: get("phone_number"),
			AreaCode: get("area_code"), Address: addr()})
	case SheetOrders:
		r.addOrderLine(row, get)
	}
}
