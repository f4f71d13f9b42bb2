package cli

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/engine"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
)

// journalHelp describes the journal, for the help of the commands that
// use one.
const journalHelp = `The journal is a SQLite file beside FILE (FILE.journal; --journal to put
it elsewhere) that apply writes before each create is sent (an intent) and
after (its outcome), so that a rerun resumes: done rows are skipped, and a
create whose outcome an interruption hid is looked up before anything is
sent again. An order is never sent twice: one the journal cannot settle is
reported for a person to check. The journal holds no secret. One apply at
a time may use a journal: a second one refuses to start.`

// onboardFlags are the flags of plan and apply.
type onboardFlags struct {
	journal      string
	concurrency  int
	settleWindow time.Duration
}

func (f *onboardFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: FILE.journal beside FILE)")
	fl.IntVar(&f.concurrency, "concurrency", engine.DefaultConcurrency, "customers worked on at once (the rate budget paces the requests)")
	fl.DurationVar(&f.settleWindow, "settle-window", engine.DefaultSettleWindow,
		"how long a create whose outcome is unknown is looked for before it counts as absent")
}

func (f *onboardFlags) check() error {
	switch {
	case f.concurrency < 1:
		return usageError("--concurrency must be at least 1")
	case f.settleWindow < 0:
		return usageError("--settle-window must not be negative")
	}
	return nil
}

// onboardClient is the API client of plan and apply: paced at the key's
// budget (--rate), its budget served to the engine's requests by
// priority, and its requests counted by m when m is not nil.
func (a *App) onboardClient(f *onboardFlags, m *meter) (*pl.Client, error) {
	// The SDK's own spacing, plus its 1 ms margin per slot.
	bucket := rate.NewLimiter(rate.Every(time.Minute/time.Duration(a.rate())+time.Millisecond), 1)
	opts := []pl.Option{pl.WithLimiter(engine.NewPriorityLimiter(bucket)), pl.WithSettleWindow(f.settleWindow), pl.WithHooks(engine.Hooks())}
	if m != nil {
		opts = append(opts, pl.WithHooks(m.hooks()))
	}
	return a.Client(opts...)
}

// readJob reads and validates FILE offline, printing its problems on
// Stderr; a file with errors stops the command before anything is sent.
func (a *App) readJob(cmd *cobra.Command, path string) (*sheet.Workbook, *engine.Job, error) {
	wb, problems, err := readAndValidate(cmd, path)
	if err != nil {
		return nil, nil, err
	}
	errs, warns := countProblems(problems)
	if len(problems) > 0 {
		_ = writeTable(a.Stderr, problemTable(problems))
	}
	if errs > 0 {
		fmt.Fprintf(a.Stderr, "%s: %s, %s. Nothing was sent: fix the errors and run again.\n", path, count(errs, "error"), count(warns, "warning"))
		return nil, nil, exitSilently(exitcode.Failures)
	}
	return wb, jobOf(wb), nil
}

// jobOf turns a read workbook into the engine's job.
func jobOf(wb *sheet.Workbook) *engine.Job {
	job := &engine.Job{}
	byRef := map[string]*engine.Customer{}
	for i := range wb.Customers {
		c := &wb.Customers[i]
		ec := &engine.Customer{Source: engine.Source{Sheet: sheet.SheetCustomers, Row: c.Line, Ref: c.Ref, Hash: c.Hash}, Request: c.Request()}
		if c.Number == "" {
			ec.AreaCode = c.AreaCode
		}
		job.Customers = append(job.Customers, ec)
		byRef[c.Ref] = ec
	}
	for i := range wb.Users {
		u := &wb.Users[i]
		eu := &engine.User{Source: engine.Source{Sheet: sheet.SheetUsers, Row: u.Line, Ref: u.Ref, Hash: u.Hash}, Request: u.Request()}
		if u.PhoneNumber == "" {
			eu.AreaCode = u.AreaCode
		}
		if c := byRef[u.CustomerRef]; c != nil {
			c.Users = append(c.Users, eu)
		}
	}
	for i := range wb.Orders {
		o := &wb.Orders[i]
		req, _ := o.Request(func(string) (string, bool) { return "", true }, func(string) (string, bool) { return "", true })
		req.Products, req.SKUToUserMapping = nil, nil
		eo := &engine.Order{Source: engine.Source{Sheet: sheet.SheetOrders, Row: o.Line(), Ref: o.Ref, Hash: o.Hash()}, Request: req}
		for _, l := range o.Lines {
			line := engine.OrderLine{SKU: l.SKU, Quantity: l.Quantity}
			if l.UserRef != "" {
				line.UserRefs = []string{l.UserRef}
			}
			eo.Lines = append(eo.Lines, line)
		}
		if c := byRef[o.CustomerRef]; c != nil {
			c.Orders = append(c.Orders, eo)
		}
	}
	return job
}

// openJournal opens the journal of input.
func openJournal(path, input string) (*journal.Journal, error) {
	j, err := journal.Open(cmp.Or(path, journal.DefaultPath(input)))
	if err != nil {
		return nil, exitcode.New(exitcode.Failures, err)
	}
	return j, nil
}

// planSummary describes a plan in a few lines.
func planSummary(p *engine.Plan, perMinute int) string {
	var b strings.Builder
	counts := map[string]map[engine.Action]int{}
	for _, r := range p.Rows {
		if counts[r.Sheet] == nil {
			counts[r.Sheet] = map[engine.Action]int{}
		}
		counts[r.Sheet][r.Action]++
	}
	for _, s := range []string{sheet.SheetCustomers, sheet.SheetUsers, sheet.SheetOrders} {
		if counts[s] == nil {
			continue
		}
		var parts []string
		for _, a := range []engine.Action{engine.ActionCreate, engine.ActionAdopt, engine.ActionSettle, engine.ActionDone, engine.ActionBlocked} {
			if n := counts[s][a]; n > 0 {
				parts = append(parts, strconv.Itoa(n)+" "+string(a))
			}
		}
		fmt.Fprintf(&b, "  %-10s %s\n", s+":", strings.Join(parts, ", "))
	}
	for _, pc := range p.Pools {
		verdict := "covered"
		if !pc.Covered {
			verdict = "NOT covered"
		}
		fmt.Fprintf(&b, "  numbers:   area %s needs %d, %d available seen: %s\n", pc.AreaCode, pc.Needed, pc.Seen, verdict)
	}
	for _, e := range p.EmailsInUse {
		fmt.Fprintf(&b, "  in use:    %s row %d (%s): %s is already used by %s; its create will be refused\n", e.Sheet, e.Row, e.Ref, e.Email, e.Where)
	}
	fmt.Fprintf(&b, "  requests:  %d (token exchange included), about %s at %d a minute\n",
		p.Requests, roundDuration(p.Duration(perMinute)), perMinute)
	return b.String()
}

// roundDuration prints d to the second, or as "under a second".
func roundDuration(d time.Duration) string {
	if d < time.Second {
		return "under a second"
	}
	return d.Round(time.Second).String()
}
