package sheet

import (
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads an XLSX workbook; f is positioned past its magic number.
func (r *reader) readXLSX(f *os.File, size int64) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return r.fileErr(err, "cannot be read: %v", err)
	}
	// Parts past UnzipXMLSizeLimit are spilled to temporary files instead of
	// memory; the whole workbook may not decompress past MaxBytes.
	x, err := excelize.OpenReader(io.LimitReader(f, size), excelize.Options{
		UnzipSizeLimit:    r.opts.MaxBytes,
		UnzipXMLSizeLimit: min(r.opts.MaxBytes, 16<<20),
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return r.tooLarge("decompresses to more than %d bytes: refused (a zip bomb, or a workbook to split)", r.opts.MaxBytes)
		}
		return r.notWorkbook("is a zip file but not an XLSX workbook: " + err.Error())
	}
	defer x.Close()
	byName := make(map[string]string) // lower-case sheet name -> name in the file
	list := x.GetSheetList()
	for _, name := range list {
		byName[strings.ToLower(strings.TrimSpace(name))] = name
	}
	if _, ok := byName[SheetCustomers]; !ok {
		if len(list) > 0 && r.looksLegacy(x, list[0]) {
			r.wb.Format = FormatLegacy
			return r.readLegacy(xlsxRows(x, list[0]), list[0])
		}
		return r.fileErr(ErrNotWorkbook, "has no %s sheet (its sheets: %s): run phonelineplus template to see the layout", SheetCustomers, strings.Join(list, ", "))
	}
	for _, name := range list {
		key := strings.ToLower(strings.TrimSpace(name))
		if schemas[key] != nil || key == SheetColumns {
			continue
		}
		if src := xlsxRows(x, name); !sheetEmpty(src) {
			r.add(Problem{Severity: SeverityError, Sheet: name,
				Message: "is not a known sheet (customers, users, orders): rename it, or delete it if it is notes"})
		}
	}
	for _, sheet := range []string{SheetCustomers, SheetUsers, SheetOrders} {
		name, ok := byName[sheet]
		if !ok {
			continue // a workbook without users or orders creates none
		}
		if err := r.readSheet(sheet, name, xlsxRows(x, name)); err != nil {
			return err
		}
	}
	return nil
}

// sheetEmpty reports whether src has no non-blank row in its first 100.
func sheetEmpty(src rowSource) bool {
	for range 100 {
		cells, err := src.Next()
		if err != nil {
			return true
		}
		if !blankRow(cells) {
			return false
		}
	}
	return false
}

// xlsxSource streams the rows of one worksheet.
type xlsxSource struct {
	rows *excelize.Rows
	err  error
}

func xlsxRows(x *excelize.File, name string) rowSource {
	rows, err := x.Rows(name)
	return &xlsxSource{rows: rows, err: err}
}

// Next returns the next row's formatted cell texts: what the spreadsheet
// shows, so a number formatted "00000000000" keeps its leading zero.
func (s *xlsxSource) Next() ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	if !s.rows.Next() {
		err := s.rows.Error()
		s.rows.Close()
		if err == nil {
			err = io.EOF
		}
		s.err = err
		return nil, err
	}
	cells, err := s.rows.Columns()
	if err != nil {
		s.err = err
		s.rows.Close()
	}
	return cells, err
}
