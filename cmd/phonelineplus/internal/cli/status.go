package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/engine"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
)

func init() { register(statusCommand, reportCommand) }

// statusColumns are the columns of status and report.
var statusColumns = []string{"sheet", "row", "ref", "name", "email", "outcome", "id", "number", "category", "request_id", "attempts", "reason"}

// outcomeOf names a step's outcome for a person: created, adopted or
// found when done, else its state; pending when it never ran.
func outcomeOf(s journal.Step, ok bool) string {
	switch {
	case !ok:
		return "pending"
	case s.State == journal.StateDone:
		return s.Outcome
	case s.State == journal.StateIntent:
		return "unsettled"
	}
	return strings.ReplaceAll(string(s.State), "_", "-")
}

// statusRows are the rows of FILE with their journal outcomes, in the
// file's order (customers, users, orders), then journal steps whose row
// is no longer in the file.
func statusRows(ctx context.Context, wb *sheet.Workbook, j *journal.Journal) ([][]string, map[string]int, error) {
	steps, err := j.Steps(ctx)
	if err != nil {
		return nil, nil, err
	}
	type k struct {
		kind journal.Kind
		ref  string
	}
	byKey := map[k]journal.Step{}
	for _, s := range steps {
		byKey[k{s.Kind, s.Ref}] = s
	}
	counts := map[string]int{}
	var rows [][]string
	add := func(kind journal.Kind, sheetName string, line int, ref, name, email string) {
		s, ok := byKey[k{kind, ref}]
		delete(byKey, k{kind, ref})
		out := outcomeOf(s, ok)
		counts[out]++
		attempts := ""
		if s.Attempts > 0 {
			attempts = strconv.Itoa(s.Attempts)
		}
		rows = append(rows, []string{sheetName, strconv.Itoa(line), ref, name, email, out, s.ResourceID, s.Number,
			s.Category, s.RequestID, attempts, s.Reason})
	}
	for _, c := range wb.Customers {
		add(journal.KindCustomer, sheet.SheetCustomers, c.Line, c.Ref, c.CompanyName, c.Email)
	}
	for _, u := range wb.Users {
		add(journal.KindUser, sheet.SheetUsers, u.Line, u.Ref, u.FullName, u.Email)
	}
	for _, o := range wb.Orders {
		add(journal.KindOrder, sheet.SheetOrders, o.Line(), o.Ref, o.Name, o.Email)
	}
	for _, s := range steps {
		if _, gone := byKey[k{s.Kind, s.Ref}]; gone {
			rows = append(rows, []string{s.Sheet, strconv.Itoa(s.Row), s.Ref, "", "", outcomeOf(s, true), s.ResourceID, s.Number,
				s.Category, s.RequestID, strconv.Itoa(s.Attempts), "no longer in the file; " + s.Reason})
		}
	}
	return rows, counts, nil
}

// loadStatus reads FILE (without the SDK's validation: status is about
// what happened, not what is wrong) and its journal.
func (a *App) loadStatus(cmd *cobra.Command, path, journalPath string) ([][]string, map[string]int, error) {
	wb, err := sheet.Read(path, sheet.Options{})
	if err != nil {
		return nil, nil, exitcode.New(exitcode.Usage, err)
	}
	if _, err := os.Stat(journalPathOf(journalPath, path)); errors.Is(err, os.ErrNotExist) {
		return nil, nil, exitcode.New(exitcode.Usage, fmt.Errorf("no journal at %s: apply has not run on %s (or give --journal)", journalPathOf(journalPath, path), path))
	}
	j, err := openJournal(journalPath, path)
	if err != nil {
		return nil, nil, err
	}
	defer j.Close()
	return statusRows(cmd.Context(), wb, j)
}

func journalPathOf(flag, input string) string {
	if flag != "" {
		return flag
	}
	return journal.DefaultPath(input)
}

func statusSummary(counts map[string]int) string {
	var parts []string
	for _, o := range []string{"created", "adopted", "found", "needs-verification", "failed", "blocked", "unsettled", "pending"} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
	}
	return strings.Join(parts, ", ")
}

// statusExit is the exit code status ends with: what apply would say.
func statusExit(counts map[string]int) error {
	switch {
	case counts["needs-verification"] > 0:
		return exitSilently(exitcode.NeedsVerification)
	case counts["failed"]+counts["blocked"]+counts["unsettled"]+counts["pending"] > 0:
		return exitSilently(exitcode.Failures)
	}
	return nil
}

func statusCommand(a *App) *cobra.Command {
	var journalPath string
	cmd := &cobra.Command{
		Use:   "status FILE",
		Short: "Show each row's outcome from the journal; offline",
		Long: `Show each row of FILE with its outcome, from the journal apply keeps:
created, adopted (it existed), found (an unknown outcome that turned out
created), needs-verification (with why), failed (with the error category
and the request ID to quote to support), blocked (what it waits for),
unsettled (apply was interrupted: rerun it) or pending (never reached), and
the HTTP attempts it took. Nothing is sent: no credentials are needed.

Exits 0 when every row is done, 6 when some need verification, 1 otherwise.

` + journalHelp,
		Example: `  phonelineplus status onboarding.xlsx
  phonelineplus status onboarding.xlsx -o csv > status.csv`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rows, counts, err := a.loadStatus(cmd, args[0], journalPath)
			if err != nil {
				return err
			}
			t := newTable(statusColumns...)
			for _, r := range rows {
				t.add(r...)
			}
			if err := a.print(t); err != nil {
				return err
			}
			fmt.Fprintf(a.Stderr, "%s: %s.\n", args[0], statusSummary(counts))
			return statusExit(counts)
		},
	}
	cmd.Flags().StringVar(&journalPath, "journal", "", "the journal file (default: FILE.journal beside FILE)")
	return cmd
}

func reportCommand(a *App) *cobra.Command {
	var journalPath, out, sipOut string
	cmd := &cobra.Command{
		Use:   "report FILE --out REPORT",
		Short: "Write each row's outcome as an XLSX workbook or CSV file",
		Long: `Write what status shows to REPORT: an .xlsx workbook with one sheet per
input sheet (customers, users, orders), mirroring the input rows, or a CSV
file for any other name. The report never holds a SIP password.

--sip-credentials FILE writes the SIP credentials of the hardware-only
customers apply created (registration server, SIP ID, password, STUN) to
FILE, readable by you alone (mode 0600). It asks the API for them (one
request per such customer), so it needs credentials; nothing else does.

` + journalHelp,
		Example: `  phonelineplus report onboarding.xlsx --out results.xlsx
  phonelineplus report onboarding.xlsx --out results.csv --sip-credentials sip.csv`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError("report needs --out REPORT (.xlsx or .csv)")
			}
			rows, counts, err := a.loadStatus(cmd, args[0], journalPath)
			if err != nil {
				return err
			}
			if sheet.IsXLSXPath(out) {
				err = writeReportXLSX(out, rows)
			} else {
				err = writeReportCSV(out, rows)
			}
			if err != nil {
				return exitcode.New(exitcode.Failures, fmt.Errorf("--out: %w", err))
			}
			fmt.Fprintf(a.Stderr, "Wrote %s: %s.\n", out, statusSummary(counts))
			if sipOut != "" {
				n, err := a.writeSIPCredentials(cmd.Context(), sipOut, rows)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.Stderr, "Wrote the SIP credentials of %s to %s (mode 0600).\n", count(n, "customer"), sipOut)
			}
			return statusExit(counts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&journalPath, "journal", "", "the journal file (default: FILE.journal beside FILE)")
	fl.StringVar(&out, "out", "", "the report: .xlsx for a workbook, else CSV")
	fl.StringVar(&sipOut, "sip-credentials", "", "also write the created hardware-only customers' SIP credentials to this file (0600)")
	return cmd
}

func writeReportXLSX(path string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	first := true
	for _, name := range []string{sheet.SheetCustomers, sheet.SheetUsers, sheet.SheetOrders} {
		if first {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		_ = f.SetColStyle(name, "A:L", text)
		header := make([]any, len(statusColumns)-1)
		for i, c := range statusColumns[1:] {
			header[i] = c
		}
		if err := f.SetSheetRow(name, "A1", &header); err != nil {
			return err
		}
		line := 1
		for _, r := range rows {
			if r[0] != name {
				continue
			}
			line++
			cells := make([]any, len(r)-1)
			for i, c := range r[1:] {
				cells[i] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, line)
			if err := f.SetSheetRow(name, cell, &cells); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}

func writeReportCSV(path string, rows [][]string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := csv.NewWriter(f)
	_ = w.Write(statusColumns)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i := range r {
			cells[i] = csvSafe(r[i])
		}
		_ = w.Write(cells)
	}
	w.Flush()
	return w.Error()
}

// writeSIPCredentials asks the API for the SIP credentials of each created
// customer of rows and writes those that have them to path, mode 0600.
func (a *App) writeSIPCredentials(ctx context.Context, path string, rows [][]string) (n int, err error) {
	c, err := a.Client()
	if err != nil {
		return 0, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, exitcode.New(exitcode.Failures, fmt.Errorf("--sip-credentials: %w", err))
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return 0, exitcode.New(exitcode.Failures, fmt.Errorf("--sip-credentials: %w", err))
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"ref", "customer_id", "company_name", "registration_server", "sip_id", "sip_password", "stun_server", "stun_port"})
	for _, r := range rows {
		if r[0] != sheet.SheetCustomers || r[6] == "" || (r[5] != string(engine.OutcomeCreated) && r[5] != string(engine.OutcomeFound)) {
			continue
		}
		cust, err := c.Customers.Get(ctx, r[6])
		if err != nil {
			return n, fmt.Errorf("customer %s (%s): %w", r[2], r[6], err)
		}
		d := cust.Destination
		if d == nil || d.SIPPassword.IsZero() {
			continue
		}
		_ = w.Write([]string{r[2], cust.ID, csvSafe(cust.CompanyName), d.RegistrationServer, d.SIPID, d.SIPPassword.Reveal(), d.STUNServer, d.STUNPort})
		n++
	}
	w.Flush()
	return n, w.Error()
}
