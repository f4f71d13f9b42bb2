package cli

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
	"github.com/spf13/cobra"
)

func init() { register(templateCommand, validateCommand, convertCommand) }

// workbookHelp describes the input file, for the help of every command
// that reads one.
const workbookHelp = `FILE is an .xlsx workbook with the sheets customers, users and orders, or a
folder holding customers.csv, users.csv and orders.csv (only customers is
required). Each row has a ref; a user names its customer's ref, an order
line its customer's ref and optionally the ref of the user who gets the
device; order lines sharing a ref are one order. Run "phonelineplus
template FILE" for a workbook that explains each column.

Every cell is read as text: a number a spreadsheet stored as a number and
that lost its leading 0 (1614960000) is restored and warned about. The
Python bulk processor's one-sheet layout (userN_ columns) is read too; its
keyID and secret columns are ignored and never read.`

func templateCommand(a *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "template FILE",
		Short: "Write a blank onboarding workbook with an example row per sheet",
		Long: `Write a workbook to fill in: the customers, users and orders sheets with
their headers and one example row each, and a columns sheet explaining every
column. FILE ending in .xlsx gives an XLSX workbook (cells formatted as text,
so leading zeros stay); any other name gives a folder of CSV files.

` + workbookHelp,
		Example: `  phonelineplus template onboarding.xlsx
  phonelineplus template onboarding/   # customers.csv, users.csv, orders.csv, columns.csv`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if _, err := os.Stat(path); err == nil && !force {
				return usageError("%s exists: choose another name, or give --force to replace it", path)
			}
			if err := sheet.Write(path, sheet.Template(), sheet.WriteOptions{Explain: true}); err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			fmt.Fprintf(a.Stderr, "Wrote %s: fill in the customers, users and orders sheets, then run phonelineplus validate %s\n", path, path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return cmd
}

func validateCommand(a *App) *cobra.Command {
	var errorsOut string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check every row of a workbook offline; nothing is sent",
		Long: `Check every row of FILE with the SDK's own validation (the rules the API
calls use), and the file as a whole: refs present, unique and pointing at
existing rows, no email or number used twice. Each problem is printed with
its sheet, row and column. Nothing is sent: no credentials are needed.

Exits 0 when there are no errors (warnings allowed), 1 when there are, and
2 when FILE cannot be read as a workbook at all.

` + workbookHelp,
		Example: `  phonelineplus validate onboarding.xlsx
  phonelineplus validate onboarding.xlsx --errors-out problems.csv
  phonelineplus validate onboarding/ --output json`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			wb, problems, err := readAndValidate(cmd, args[0])
			if err != nil {
				return err
			}
			if err := a.print(problemTable(problems)); err != nil {
				return err
			}
			if errorsOut != "" {
				if err := writeProblemsCSV(errorsOut, problems); err != nil {
					return exitcode.New(exitcode.Failures, fmt.Errorf("--errors-out: %w", err))
				}
			}
			errs, warns := countProblems(problems)
			fmt.Fprintf(a.Stderr, "%s: %s, %s, %s; %s, %s. Nothing was sent.\n", args[0],
				count(len(wb.Customers), "customer"), count(len(wb.Users), "user"), count(len(wb.Orders), "order"),
				count(errs, "error"), count(warns, "warning"))
			if errs > 0 {
				return exitSilently(exitcode.Failures)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&errorsOut, "errors-out", "", "also write every problem to this CSV file")
	return cmd
}

func convertCommand(a *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "Rewrite a workbook in the onboarding layout (from the Python layout, or between XLSX and CSV)",
		Long: `Read IN (any layout validate reads) and write its rows to OUT in the
onboarding layout: an .xlsx workbook, or a folder of CSV files for any other
name. Cells are written as text, so leading zeros stay.

Convert a Python bulk processor workbook once before onboarding from it: its
refs come from row numbers (row2, row2-user1), which change when rows are
inserted; in the converted file they are fixed, and can be renamed.

` + workbookHelp,
		Example: `  phonelineplus convert legacy.xlsx onboarding.xlsx
  phonelineplus convert onboarding.xlsx onboarding-csv/`,
		Args: exactArgs("IN", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[1]); err == nil && !force {
				return usageError("%s exists: choose another name, or give --force to replace it", args[1])
			}
			wb, err := sheet.Read(args[0], sheet.Options{})
			if err != nil {
				return exitcode.New(exitcode.Usage, err)
			}
			for _, p := range wb.Problems {
				fmt.Fprintln(a.Stderr, string(p.Severity)+": "+p.Error())
			}
			if err := sheet.Write(args[1], wb, sheet.WriteOptions{}); err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			fmt.Fprintf(a.Stderr, "Wrote %s: %s, %s, %s. Run phonelineplus validate %s\n", args[1],
				count(len(wb.Customers), "customer"), count(len(wb.Users), "user"), count(len(wb.Orders), "order"), args[1])
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace OUT if it exists")
	return cmd
}

// readAndValidate reads the workbook at path and validates it offline. A
// file that cannot be read as a workbook is a usage error (exit 2). The
// problems come sorted by sheet and row.
func readAndValidate(cmd *cobra.Command, path string) (*sheet.Workbook, []sheet.Problem, error) {
	wb, err := sheet.Read(path, sheet.Options{})
	if err != nil {
		return nil, nil, exitcode.New(exitcode.Usage, err)
	}
	found, err := sheet.Validate(wb)
	if err != nil {
		return nil, nil, err
	}
	problems := append(slices.Clip(wb.Problems), found...)
	sortProblems(problems)
	return wb, problems, nil
}

// sortProblems orders problems by sheet (in the order sheets first
// appear), then row; problems of the file as a whole come first.
func sortProblems(ps []sheet.Problem) {
	rank := map[string]int{}
	for _, p := range ps {
		if _, ok := rank[p.Sheet]; !ok && p.Sheet != "" {
			rank[p.Sheet] = len(rank) + 1
		}
	}
	slices.SortStableFunc(ps, func(x, y sheet.Problem) int {
		return cmp.Or(cmp.Compare(rank[x.Sheet], rank[y.Sheet]), cmp.Compare(x.Line, y.Line))
	})
}

// count formats n things: "1 customer", "2 customers".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

func countProblems(ps []sheet.Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == sheet.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// problemColumns are the columns of a problem list, on stdout and in
// --errors-out.
var problemColumns = []string{"severity", "sheet", "row", "column", "cell", "field", "message"}

func problemCells(p sheet.Problem) []string {
	row, cell := "", ""
	if p.Line > 0 {
		row = strconv.Itoa(p.Line)
		if p.Col > 0 {
			cell = sheet.ColumnName(p.Col) + row
		}
	}
	return []string{string(p.Severity), p.Sheet, row, p.Column, cell, p.Field, p.Message}
}

func problemTable(ps []sheet.Problem) *table {
	t := newTable(problemColumns...)
	for _, p := range ps {
		t.add(problemCells(p)...)
	}
	return t
}

// writeProblemsCSV writes problems to path as CSV.
func writeProblemsCSV(path string, ps []sheet.Problem) (err error) {
	if fi, statErr := os.Stat(path); statErr == nil && fi.IsDir() {
		return &fs.PathError{Op: "write", Path: path, Err: errors.New("is a folder")}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := csv.NewWriter(f)
	_ = w.Write(problemColumns)
	for _, p := range ps {
		cells := problemCells(p)
		for i := range cells {
			cells[i] = csvSafe(cells[i])
		}
		_ = w.Write(cells)
	}
	w.Flush()
	return w.Error()
}
