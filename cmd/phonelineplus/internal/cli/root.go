package cli

import (
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/spf13/cobra"
)

// rootHelp is the root command's long help.
const rootHelp = `phonelineplus onboards PhoneLine+ customers in bulk from a spreadsheet and
runs the everyday Partner API lookups.

The five commands of a bulk onboarding:
  template FILE   write a blank workbook to fill in
  validate FILE   check every row offline (nothing is sent)
  plan FILE       see what apply would do (read-only)
  apply FILE      do it; rerun to resume after any interruption
  status FILE     see each row's outcome

Credentials come from PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET, or from
a profile (--profile, PHONELINEPLUS_PROFILE; "default" when neither is set)
saved by "phonelineplus config set" in a file only you can read. They are
never taken from arguments or from the input file.

Results go to standard output (--output table, json or csv); progress,
warnings and errors go to standard error.

` + exitcode.Help

// rootCommand builds the command tree for one run.
func (a *App) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "phonelineplus",
		Short:         "Bulk onboarding and everyday commands for the PhoneLine+ Partner API",
		Long:          rootHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Example: `  # Try the whole tool against a built-in fake, no account needed
  phonelineplus demo

  # Onboard a workbook against UAT
  export PHONELINEPLUS_KEY_ID=... PHONELINEPLUS_SECRET=...
  phonelineplus template onboarding.xlsx
  phonelineplus validate onboarding.xlsx
  phonelineplus --base-url uat plan onboarding.xlsx
  phonelineplus --base-url uat apply onboarding.xlsx`,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.global.rate < 1 {
				return usageError("--rate must be at least 1 request a minute")
			}
			switch a.global.output {
			case outputTable, outputJSON, outputCSV:
				return nil
			}
			return usageError("--output must be table, json or csv, not %q", a.global.output)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.global.output, "output", "o", outputTable, "result format: table, json or csv")
	pf.StringVar(&a.global.profile, "profile", "", "credential profile of the config file (default \"default\", or $"+EnvProfile+")")
	pf.StringVar(&a.global.baseURL, "base-url", "", `API base URL: "uat", "production" (default), or a URL (https, or http to loopback for the fake); or $`+EnvBaseURL)
	pf.IntVar(&a.global.rate, "rate", phonelineplus.DefaultRatePerMinute,
		"requests a minute the API key may send (PhoneLine+ allows 100); raise it only if Gamma raised your key's limit")
	pf.BoolVar(&a.global.debug, "debug", false, "log each HTTP request on stderr (operation, path, status, timing; never credentials or bodies)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{outputTable, outputJSON, outputCSV}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("profile", a.completeProfiles)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitcode.New(exitcode.Usage, err) })
	for _, c := range commands {
		root.AddCommand(c(a))
	}
	return root
}

// completeProfiles completes --profile with the config file's profiles.
func (a *App) completeProfiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	cfg, _, err := a.loadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names := make([]string, 0, len(cfg.Profiles))
	for n := range cfg.Profiles {
		names = append(names, n)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// exactArgs is cobra.ExactArgs with a usage error naming what is missing.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usageError("%s needs %s (see %s --help)", cmd.CommandPath(), strings.Join(names, " and "), cmd.CommandPath())
		}
		return nil
	}
}

// noArgs is cobra.NoArgs with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// isCobraUsage reports errors cobra makes for a bad command line.
func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.HasPrefix(m, "unknown shorthand") || strings.Contains(m, "flag needs an argument")
}
