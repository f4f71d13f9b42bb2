package cli

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/engine"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
)

func init() { register(planCommand, applyCommand) }

func planCommand(a *App) *cobra.Command {
	var f onboardFlags
	cmd := &cobra.Command{
		Use:   "plan FILE",
		Short: "Show what apply would do with a workbook; read-only",
		Long: `Show, like terraform plan, what apply would do with each row of FILE, and
change nothing: which rows it creates, which match something that exists
(adopt: nothing is sent for them), which an earlier run left unsettled, and
which are done. It also checks that no email to create is in use elsewhere,
that the available numbers of each area code cover the rows that need one,
and counts the requests apply will send (the token exchange included) and
how long they take at the key's budget.

FILE is validated offline first; a file with errors stops here.

` + workbookHelp + "\n\n" + journalHelp,
		Example: `  phonelineplus plan onboarding.xlsx
  phonelineplus plan onboarding.xlsx -o json | jq '.[] | select(.action != "create")'`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			p, err := a.plan(cmd, &f, args[0])
			if err != nil {
				return err
			}
			if err := a.print(planTable(p)); err != nil {
				return err
			}
			fmt.Fprintf(a.Stderr, "Plan for %s:\n%s", args[0], planSummary(p, a.rate()))
			return planVerdict(a, p)
		},
	}
	f.register(cmd)
	return cmd
}

// plan reads FILE and works out the plan.
func (a *App) plan(cmd *cobra.Command, f *onboardFlags, path string) (*engine.Plan, error) {
	_, job, err := a.readJob(cmd, path)
	if err != nil {
		return nil, err
	}
	c, err := a.onboardClient(f, nil)
	if err != nil {
		return nil, err
	}
	j, err := openJournal(f.journal, path)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	e := &engine.Engine{API: &engine.SDK{Client: c}, Journal: j, Concurrency: f.concurrency, SettleWindow: f.settleWindow}
	return e.Plan(cmd.Context(), job)
}

// planVerdict prints a plan's conflicts, and returns the exit code they
// call for.
func planVerdict(a *App, p *engine.Plan) error {
	if len(p.Conflicts) > 0 {
		fmt.Fprintln(a.Stderr, (&engine.ConflictError{Conflicts: p.Conflicts}).Error())
		return exitSilently(exitcode.Conflict)
	}
	return nil
}

func planTable(p *engine.Plan) *table {
	t := newTable("sheet", "row", "ref", "action", "id", "detail")
	for _, r := range p.Rows {
		t.add(r.Sheet, strconv.Itoa(r.Row), r.Ref, string(r.Action), r.ID, r.Detail)
	}
	return t
}

// conflictExit gives a *engine.ConflictError its exit code.
func conflictExit(err error) error {
	var ce *engine.ConflictError
	if errors.As(err, &ce) {
		return exitcode.New(exitcode.Conflict, err)
	}
	return err
}
