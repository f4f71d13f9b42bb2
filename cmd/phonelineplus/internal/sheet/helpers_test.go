package sheet

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// book is a workbook under construction in tests: sheets of rows of cells,
// the header first. A cell is a string, or an int or float64 to store a
// number cell in an XLSX file (as a spreadsheet does with a phone number
// typed without formatting the column as text).
type book struct {
	order  []string
	sheets map[string][][]any
}

func newBook() *book { return &book{sheets: map[string][][]any{}} }

// add appends rows to a sheet, creating it.
func (b *book) add(sheet string, rows ...[]any) *book {
	if _, ok := b.sheets[sheet]; !ok {
		b.order = append(b.order, sheet)
	}
	b.sheets[sheet] = append(b.sheets[sheet], rows...)
	return b
}

// set replaces the cell of the given column (by header name) of a data
// row (1 is the first row after the header).
func (b *book) set(sheet string, row int, column string, v any) *book {
	rows := b.sheets[sheet]
	i := slices.IndexFunc(rows[0], func(h any) bool { return h == column })
	if i < 0 {
		panic("no column " + column)
	}
	for len(rows[row]) <= i {
		rows[row] = append(rows[row], "")
	}
	rows[row][i] = v
	return b
}

// clone returns a deep copy, so one base can be mutated per case.
func (b *book) clone() *book {
	c := newBook()
	for _, s := range b.order {
		for _, r := range b.sheets[s] {
			c.add(s, slices.Clone(r))
		}
	}
	return c
}

// xlsx writes the book as a real XLSX workbook with excelize.
func (b *book) xlsx(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range b.order {
		if i == 0 {
			require.NoError(t, f.SetSheetName("Sheet1", s))
		} else {
			_, err := f.NewSheet(s)
			require.NoError(t, err)
		}
		for r, row := range b.sheets[s] {
			cell, err := excelize.CoordinatesToCellName(1, r+1)
			require.NoError(t, err)
			require.NoError(t, f.SetSheetRow(s, cell, &row))
		}
	}
	require.NoError(t, f.SaveAs(path))
	return path
}

// csvDir writes the book as a folder of CSV files, one per sheet.
func (b *book) csvDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, s := range b.order {
		var sb strings.Builder
		w := csv.NewWriter(&sb)
		for _, row := range b.sheets[s] {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = cellText(c)
			}
			require.NoError(t, w.Write(cells))
		}
		w.Flush()
		require.NoError(t, os.WriteFile(filepath.Join(dir, s+".csv"), []byte(sb.String()), 0o600))
	}
	return dir
}

func cellText(c any) string {
	switch v := c.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	panic("cell type")
}

func row(cells ...any) []any { return cells }

// baseBook is a valid workbook touching every sheet and column kind.
func baseBook() *book {
	b := newBook()
	b.add(SheetCustomers, toAny(headers(SheetCustomers)),
		row("acme", "hardware_only", "Acme Ltd", "Ada Lovelace", "07700900123", "ada@acme.example", "", "0161", "Unit 1", "Dale Street", "Manchester", "", "M1 1AA"),
		row("beta", "phoneline_plus", "Beta Ltd", "Bea Beta", "07700900124", "bea@beta.example", "", "", "", "", "", "", ""),
	)
	b.add(SheetUsers, toAny(headers(SheetUsers)),
		row("acme-bob", "acme", "standard", "Bob Smith", "bob@acme.example", "", "0161", "", "", "", "", ""),
		row("beta-cat", "beta", "admin", "Cat Jones", "cat@beta.example", "01614960001", "", "", "", "", "", ""),
	)
	b.add(SheetOrders, toAny(headers(SheetOrders)),
		row("o1", "acme", "W73P", "1", "acme-bob", "Ada Lovelace", "ada@acme.example", "07700900123", "", "Unit 1", "Dale Street", "", "Manchester", "", "United Kingdom", "M1 1AA"),
		row("o1", "", "T46S", "2", "", "", "", "", "", "", "", "", "", "", "", ""),
	)
	return b
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
