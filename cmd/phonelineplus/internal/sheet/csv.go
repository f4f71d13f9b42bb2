package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	return r.readSheet(sheet, filepath.Base(path), r.csvRows(f))
}

// csvSource streams the records of a CSV file. A UTF-8 byte order mark
// (as Excel writes) is skipped; the input is capped at MaxBytes.
type csvSource struct {
	r     *csv.Reader
	limit *io.LimitedReader
	first bool
}

func (r *reader) csvRows(in io.Reader) *csvSource {
	lr := &io.LimitedReader{R: in, N: r.opts.MaxBytes + 1}
	br := bufio.NewReader(lr)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // rows may be shorter or longer than the header
	cr.ReuseRecord = true
	return &csvSource{r: cr, limit: lr, first: true}
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
