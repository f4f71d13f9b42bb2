package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/engine"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
)

func applyCommand(a *App) *cobra.Command {
	var f onboardFlags
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Onboard a workbook: customers, their users and numbers, then orders",
		Long: `Create what FILE describes: each customer, then its users (each with its
DDI in the create call, from the sheet or the area code's pool), then its
orders. Customers run in parallel (--concurrency), paced at the key's budget
(--rate, 100 a minute by default) so that it stays fully used however
slow the API answers.

On a terminal apply shows the plan and asks before it changes anything;
--yes skips the question. Elsewhere it never waits for input: without --yes
it refuses.

Progress goes to standard error: a bar on a terminal (rows done, per kind,
requests sent, time left at the budget, and why it waits), one plain line
per row otherwise; --output json prints one JSON event per line on
standard output instead.

Rerun apply with the same FILE to resume after any interruption: Ctrl-C
(which lets the requests in flight finish, records them and exits 4), a
crash, kill -9 or a power cut. A row edited since it was created stops the
run with an explanation (exit 7); a row that failed and was fixed is tried
again.

` + workbookHelp + "\n\n" + journalHelp + "\n\n" + `Exit codes: 0 every row done; 1 some rows failed or were blocked; 4
interrupted; 6 some rows need verification (see status); 7 conflict.`,
		Example: `  phonelineplus apply onboarding.xlsx
  phonelineplus apply onboarding.xlsx --yes -o json > events.jsonl
  phonelineplus --base-url uat apply onboarding/ --yes --concurrency 16`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			return a.apply(cmd, &f, args[0], yes)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking")
	return cmd
}

func (a *App) apply(cmd *cobra.Command, f *onboardFlags, path string, yes bool) error {
	interactive := a.IsTerminal(a.Stdin) && a.IsTerminal(a.Stderr)
	if !yes && !a.IsTerminal(a.Stdin) {
		return usageError("apply changes the account, so it asks first; standard input is not a terminal: give --yes to apply without asking")
	}
	_, job, err := a.readJob(cmd, path)
	if err != nil {
		return err
	}
	m := &meter{}
	c, err := a.onboardClient(f, m)
	if err != nil {
		return err
	}
	j, err := openJournal(f.journal, path)
	if err != nil {
		return err
	}
	defer j.Close()
	unlock, err := j.Lock(cmd.Context())
	if err != nil {
		return exitcode.New(exitcode.Failures, fmt.Errorf("%w (%s): wait for it to end, then run apply again", err, j.Path()))
	}
	defer unlock()
	e := &engine.Engine{API: &engine.SDK{Client: c}, Journal: j, Concurrency: f.concurrency, SettleWindow: f.settleWindow}

	var plan *engine.Plan
	if yes {
		plan, err = e.Estimate(cmd.Context(), job)
	} else {
		plan, err = e.Plan(cmd.Context(), job)
	}
	if err != nil {
		return err
	}
	if err := planVerdict(a, plan); err != nil {
		return err
	}
	if !yes {
		fmt.Fprintf(a.Stderr, "Plan for %s:\n%s", path, planSummary(plan, a.rate()))
		if !confirm(a, "Apply these changes? Type yes to go on: ") {
			fmt.Fprintln(a.Stderr, "Nothing was changed.")
			return exitSilently(exitcode.Failures)
		}
	}
	remaining := plan.Requests
	if !yes {
		remaining-- // the plan exchanged the token already
	}

	mode := progressLines
	switch {
	case a.global.output == outputJSON:
		mode = progressJSON
	case interactive:
		mode = progressBar
	}
	p := newProgress(mode, a.Stderr, a.Stdout, m, plan.Rows, int(m.sent.Load())+remaining, a.rate())
	e.Observe = p.event

	// The first Ctrl-C cancels cmd.Context(): nothing new starts, and
	// the requests in flight finish on a context of their own, so their
	// outcomes reach the journal. A second one ends the process (main
	// restores the default signal handling); the journal settles that.
	stop := cmd.Context()
	sum, err := e.Run(stop, context.WithoutCancel(stop), job)
	p.finish()
	if err != nil {
		return conflictExit(err)
	}
	a.printSummary(path, sum, m)
	switch {
	case stop.Err() != nil:
		fmt.Fprintf(a.Stderr, "Interrupted: what was in flight is settled and recorded in %s. Run the same command again to resume.\n", j.Path())
		return exitSilently(exitcode.Interrupted)
	case sum.NeedsVerification > 0:
		return exitSilently(exitcode.NeedsVerification)
	case !sum.Complete():
		return exitSilently(exitcode.Failures)
	}
	return nil
}

// printSummary prints the counts of a run on Stderr, and its JSON event
// with --output json.
func (a *App) printSummary(path string, s engine.Summary, m *meter) {
	if a.global.output == outputJSON {
		(&progress{stdout: a.Stdout}).json(map[string]any{"event": "summary", "done": s.Done,
			"needsVerification": s.NeedsVerification, "failed": s.Failed, "blocked": s.Blocked, "pending": s.Pending,
			"requests": m.sent.Load()})
	}
	fmt.Fprintf(a.Stderr, "%s: %d done, %d need verification, %d failed, %d blocked, %d not reached; %s sent.\n",
		path, s.Done, s.NeedsVerification, s.Failed, s.Blocked, s.Pending, count(int(m.sent.Load()), "request"))
	if !s.Complete() {
		fmt.Fprintf(a.Stderr, "See each row's outcome and why: phonelineplus status %s\n", path)
	}
}

// confirm asks question on Stderr and reads the answer from Stdin; only
// "yes" is yes (the end of input is no).
func confirm(a *App, question string) bool {
	fmt.Fprint(a.Stderr, question)
	line, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "yes")
}
