package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
)

// Output formats of --output.
const (
	outputTable = "table"
	outputJSON  = "json"
	outputCSV   = "csv"
)

// table is a command's result: named columns and rows of text. Every
// format is rendered from it, so table, JSON and CSV always agree.
type table struct {
	columns []string
	rows    [][]string
}

func newTable(columns ...string) *table { return &table{columns: columns} }

// add appends a row; it must have one cell per column.
func (t *table) add(cells ...string) {
	if len(cells) != len(t.columns) {
		panic(fmt.Sprintf("cli: row of %d cells for %d columns", len(cells), len(t.columns)))
	}
	t.rows = append(t.rows, cells)
}

// tableOf makes a table of list with the given columns, one row per
// element from cells; a non-nil err is returned instead.
func tableOf[T any](list []T, err error, columns []string, cells func(*T) []string) (*table, error) {
	if err != nil {
		return nil, err
	}
	t := newTable(columns...)
	for i := range list {
		t.add(cells(&list[i])...)
	}
	return t, nil
}

// print writes t on Stdout in the run's --output format.
func (a *App) print(t *table) error {
	switch a.global.output {
	case outputJSON:
		return writeJSON(a.Stdout, t)
	case outputCSV:
		return writeCSV(a.Stdout, t)
	default:
		return writeTable(a.Stdout, t)
	}
}

// writeTable aligns t in columns, headers in upper case; a table without
// rows prints nothing. Control characters in cells are replaced so a
// hostile value cannot move the cursor or clear the screen.
func writeTable(w io.Writer, t *table) error {
	if len(t.rows) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := make([]string, len(t.columns))
	for i, c := range t.columns {
		head[i] = strings.ToUpper(c)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// printable replaces control and formatting characters (tabs included)
// with U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// writeJSON writes t as a JSON array of objects, keys in column order.
func writeJSON(w io.Writer, t *table) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, r := range t.rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range r {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(t.columns[j])
			v, _ := json.Marshal(c)
			b.Write(k)
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
	}
	if len(t.rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeCSV writes t as CSV with a header row. A cell a spreadsheet would
// run as a formula is prefixed with an apostrophe.
func writeCSV(w io.Writer, t *table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.columns); err != nil {
		return err
	}
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = csvSafe(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses formula injection: a cell starting with = @ tab or CR,
// or with + or - not followed by a number, gets a leading apostrophe, so
// "+441610000000" stays as it is.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if strings.TrimLeft(s[1:], "0123456789 .") != "" || len(s) == 1 {
			return "'" + s
		}
	}
	return s
}
