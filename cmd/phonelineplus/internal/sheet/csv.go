package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// readCSVFolder reads customers.csv, users.csv and orders.csv from dir.
// customers.csv is required; the others are optional.
func (r *reader) readCSVFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return r.fileErr(err, "cannot be read: %v", unwrapPathError(err))
	}
	files := make(map[string]string) // sheet -> file name as found
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(name), ".csv") {
			continue
		}
		sheet := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
		if schemas[sheet] == nil {
			if sheet != SheetColumns {
				r.add(Problem{Severity: SeverityError, Sheet: name,
					Message: "is not a known sheet (customers.csv, users.csv, orders.csv): rename it, or move it out of the folder"})
			}
			continue
		}
		files[sheet] = name
	}
	if _, ok := files[SheetCustomers]; !ok {
		return r.fileErr(ErrNotWorkbook, "has no customers.csv: a folder of CSV files needs customers.csv, and may have users.csv and orders.csv")
	}
	for _, sheet := range []string{SheetCustomers, SheetUsers, SheetOrders} {
		name, ok := files[sheet]
		if !ok {
			continue
		}
		if err := r.readCSVFile(sheet, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// readCSVFile reads one sheet from a CSV file.
func (r *reader) readCSVFile(sheet, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return r.sheetErr(filepath.Base(path), 0, err, "cannot be read: %v", unwrapPathError(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > r.opts.MaxBytes {
		return r.sheetErr(filepath.Base(path), 0, ErrTooLarge, "is %d bytes, more than the limit of %d", fi.Size(), r.opts.MaxBytes)
	}
	return r.readSheet(sheet, filepath.Base(path), r.csvRows(f, filepath.Base(path)))
}

// csvSource streams the records of a CSV file. A UTF-8 byte order mark
// (as Excel writes) is skipped; the input is capped at MaxBytes.
type csvSource struct {
	r     *csv.Reader
	limit *io.LimitedReader
}

// sniffBytes is how much of a CSV file is looked at to tell UTF-8 from
// Windows-1252.
const sniffBytes = 64 << 10

// csvRows streams the CSV in; sheet names it in a warning. A file that is
// not UTF-8 is read as Windows-1252, what Excel on Windows saves as "CSV"
// (a UK partner's "£" or "é"), with a warning.
func (r *reader) csvRows(in io.Reader, sheet string) *csvSource {
	lr := &io.LimitedReader{R: in, N: r.opts.MaxBytes + 1}
	br := bufio.NewReaderSize(lr, sniffBytes)
	var text io.Reader = br
	if b, _ := br.Peek(sniffBytes); bytes.HasPrefix(b, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	} else if !validUTF8Prefix(b) {
		text = charmap.Windows1252.NewDecoder().Reader(br)
		r.add(Problem{Severity: SeverityWarning, Sheet: sheet,
			Message: `is not UTF-8 text: read as Windows-1252 (Excel's "CSV" format); save it as "CSV UTF-8" to be sure of every character`})
	}
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1 // rows may be shorter or longer than the header
	cr.ReuseRecord = true
	return &csvSource{r: cr, limit: lr}
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut at its
// end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return len(b) == 0
}

// Next returns the next record, or io.EOF.
func (s *csvSource) Next() ([]string, error) {
	rec, err := s.r.Read()
	if s.limit.N <= 0 {
		return nil, ErrTooLarge
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, csvError{pe}
		}
		return nil, err
	}
	return rec, nil
}

// csvError describes a CSV syntax error without repeating the line.
type csvError struct{ pe *csv.ParseError }

func (e csvError) Error() string {
	return "is not valid CSV at line " + strconv.Itoa(e.pe.Line) + ", column " + strconv.Itoa(e.pe.Column) + ": " + e.pe.Err.Error()
}

func (e csvError) Unwrap() error { return ErrNotWorkbook }
