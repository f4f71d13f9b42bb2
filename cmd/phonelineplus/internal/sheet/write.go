package sheet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// IsXLSXPath reports whether path names an XLSX workbook (by its
// extension); any other path is a folder of CSV files.
func IsXLSXPath(path string) bool { return strings.EqualFold(filepath.Ext(path), ".xlsx") }

// WriteOptions says what Write adds besides the rows.
type WriteOptions struct {
	// Explain adds the columns sheet: each column's sheet, name, whether
	// it is required, what it means and an example.
	Explain bool
}

// Write writes wb's customers, users and orders to path: an .xlsx workbook
// (every cell stored as text, so a spreadsheet keeps leading zeros), or a
// folder of CSV files for any other path. Rows are streamed, so a large
// export needs little memory. An existing file is replaced.
func Write(path string, wb *Workbook, opts WriteOptions) error {
	sheets := []struct {
		name string
		rows func(yield func([]string) bool)
	}{
		{SheetCustomers, func(yield func([]string) bool) {
			for i := range wb.Customers {
				if !yield(wb.Customers[i].cells()) {
					return
				}
			}
		}},
		{SheetUsers, func(yield func([]string) bool) {
			for i := range wb.Users {
				if !yield(wb.Users[i].cells()) {
					return
				}
			}
		}},
		{SheetOrders, func(yield func([]string) bool) {
			for i := range wb.Orders {
				for j := range wb.Orders[i].Lines {
					if !yield(wb.Orders[i].cells(j)) {
						return
					}
				}
			}
		}},
	}
	var w sheetWriter
	if IsXLSXPath(path) {
		w = newXLSXWriter()
	} else {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		w = &csvWriter{dir: path}
	}
	for _, s := range sheets {
		if err := w.sheet(s.name, headers(s.name), s.rows); err != nil {
			return fmt.Errorf("writing the %s sheet: %w", s.name, err)
		}
	}
	if opts.Explain {
		explain := func(yield func([]string) bool) {
			for _, s := range sheets {
				for _, c := range schemas[s.name].columns {
					req := ""
					if c.Required {
						req = "yes"
					}
					if !yield([]string{s.name, c.Name, req, c.Help, c.Example}) {
						return
					}
				}
			}
		}
		if err := w.sheet(SheetColumns, []string{"sheet", "column", "required", "meaning", "example"}, explain); err != nil {
			return fmt.Errorf("writing the %s sheet: %w", SheetColumns, err)
		}
	}
	return w.close(path)
}

// headers returns a sheet's column names.
func headers(sheet string) []string { return columnNames(schemas[sheet]) }

// cells returns the customer's cells in column order.
func (c *Customer) cells() []string {
	a := c.Address
	return []string{c.Ref, c.Plan, c.CompanyName, c.FullName, c.ContactNumber, c.Email, c.Number, c.AreaCode,
		a.Premises, a.Street, a.Town, a.County, a.Postcode}
}

// cells returns the user's cells in column order.
func (u *User) cells() []string {
	a := u.Address
	return []string{u.Ref, u.CustomerRef, u.Type, u.FullName, u.Email, u.PhoneNumber, u.AreaCode,
		a.Premises, a.Street, a.Town, a.County, a.Postcode}
}

// cells returns the cells of the order's line i: the first line carries
// the order's details, the others leave them blank.
func (o *Order) cells(i int) []string {
	l := o.Lines[i]
	row := []string{o.Ref, o.CustomerRef, l.SKU, strconv.Itoa(l.Quantity), l.UserRef}
	if i > 0 {
		return append(row, make([]string, 11)...)
	}
	d := o.Delivery
	return append(row, o.Name, o.Email, o.PhoneNumber, o.TrackingEmail,
		d.Line1, d.Line2, d.Line3, d.Town, d.County, d.Country, d.Postcode)
}

// sheetWriter writes sheets one after another.
type sheetWriter interface {
	sheet(name string, header []string, rows func(yield func([]string) bool)) error
	close(path string) error
}

// xlsxWriter streams sheets into a new workbook.
type xlsxWriter struct {
	f          *excelize.File
	text, bold int
	first      bool
}

func newXLSXWriter() *xlsxWriter {
	f := excelize.NewFile()
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})                                   // "@": text
	bold, _ := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}) // header
	return &xlsxWriter{f: f, text: text, bold: bold, first: true}
}

func (w *xlsxWriter) sheet(name string, header []string, rows func(yield func([]string) bool)) error {
	if w.first {
		// A new file has one sheet, "Sheet1": it becomes the first of ours.
		if err := w.f.SetSheetName(w.f.GetSheetName(0), name); err != nil {
			return err
		}
		w.first = false
	} else if _, err := w.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetColStyle(1, len(header), w.text); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(header), 18); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", textCells(header, w.bold)); err != nil {
		return err
	}
	line := 1
	for cells := range rows {
		line++
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err = sw.SetRow(cell, textCells(cells, w.text)); err != nil {
			break
		}
	}
	if err != nil {
		return err
	}
	return sw.Flush()
}

// textCells makes cells that a spreadsheet stores as text.
func textCells(vals []string, style int) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return out
}

func (w *xlsxWriter) close(path string) error {
	if err := w.f.SaveAs(path); err != nil {
		w.f.Close()
		return err
	}
	return w.f.Close()
}

// csvWriter writes each sheet to <dir>/<sheet>.csv.
type csvWriter struct{ dir string }

func (w *csvWriter) sheet(name string, header []string, rows func(yield func([]string) bool)) error {
	f, err := os.Create(filepath.Join(w.dir, name+".csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	err = cw.Write(header)
	for cells := range rows {
		if err != nil {
			break
		}
		err = cw.Write(cells)
	}
	cw.Flush()
	return errors.Join(err, cw.Error(), f.Close())
}

func (w *csvWriter) close(string) error { return nil }

// Template returns a workbook with one example row per sheet, the
// template command's content.
func Template() *Workbook {
	ex := func(sheet string) map[string]string {
		m := make(map[string]string)
		for _, c := range schemas[sheet].columns {
			m[c.Name] = c.Example
		}
		return m
	}
	c, u, o := ex(SheetCustomers), ex(SheetUsers), ex(SheetOrders)
	addr := func(m map[string]string) Address {
		return Address{Premises: m["premises"], Street: m["street"], Town: m["town"], County: m["county"], Postcode: m["postcode"]}
	}
	return &Workbook{
		Customers: []Customer{{Ref: c["ref"], Plan: c["plan"], CompanyName: c["company_name"], FullName: c["full_name"],
			ContactNumber: c["contact_number"], Email: c["email"], Number: c["number"], AreaCode: c["area_code"], Address: addr(c)}},
		Users: []User{{Ref: u["ref"], CustomerRef: u["customer_ref"], Type: u["type"], FullName: u["full_name"],
			Email: u["email"], PhoneNumber: u["phone_number"], AreaCode: u["area_code"], Address: addr(u)}},
		Orders: []Order{{Ref: o["ref"], CustomerRef: o["customer_ref"], Name: o["name"], Email: o["email"],
			PhoneNumber: o["phone_number"], TrackingEmail: o["tracking_email"],
			Delivery: DeliveryAddress{Line1: o["line1"], Line2: o["line2"], Line3: o["line3"], Town: o["town"],
				County: o["county"], Country: o["country"], Postcode: o["postcode"]},
			Lines: []OrderLine{{SKU: o["sku"], Quantity: 1, UserRef: o["user_ref"]}}}},
	}
}
