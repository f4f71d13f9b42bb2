// Package cli is the phonelineplus command: its cobra commands and what
// they share (credentials, the API client, output formats).
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/spf13/cobra"
)

// Environment variables the command reads.
const (
	EnvKeyID   = "PHONELINEPLUS_KEY_ID"
	EnvSecret  = "PHONELINEPLUS_SECRET"
	EnvBaseURL = "PHONELINEPLUS_BASE_URL"
	EnvProfile = "PHONELINEPLUS_PROFILE"
)

// App is one run of the command: where it reads and writes, and the seams
// tests replace. The zero value is not usable; NewApp returns one wired to
// the process.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer // results
	Stderr io.Writer // progress, warnings and errors
	// Getenv reads an environment variable.
	Getenv func(string) string
	// ConfigDir returns the folder of the profile file.
	ConfigDir func() (string, error)
	// HTTPClient, when not nil, is the HTTP client of every API client
	// made (tests give the fake's in-memory transport).
	HTTPClient *http.Client
	// ClientOptions are added to every API client made, after the
	// command's own.
	ClientOptions []phonelineplus.Option
	// IsTerminal reports whether f (Stdin, Stdout or Stderr) is a terminal.
	IsTerminal func(f any) bool
	// ReadSecret reads a secret from the terminal f without echoing it.
	ReadSecret func(f any) (string, error)

	global globalFlags
}

// globalFlags are the flags every command has.
type globalFlags struct {
	output  string
	profile string
	baseURL string
	rate    int // requests a minute
	debug   bool
}

// NewApp returns an App on the process's standard streams, environment
// and user config folder.
func NewApp() *App {
	return &App{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:     os.Getenv,
		ConfigDir:  defaultConfigDir,
		IsTerminal: isTerminal,
		ReadSecret: readSecret,
	}
}

// Run runs the command line args (without the program name) and returns
// the exit code. Errors are printed on Stderr.
func (a *App) Run(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.Stdin)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitcode.OK
	}
	code := exitcode.Of(err)
	if isCobraUsage(err) {
		code = exitcode.Usage
	}
	var silent *silentError
	if !errors.As(err, &silent) {
		fmt.Fprintln(a.Stderr, "error: "+err.Error())
	}
	return code
}

// silentError is an exit code whose message the command already printed.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// exitSilently ends the command with code, printing nothing more.
func exitSilently(code int) error { return exitcode.New(code, &silentError{code}) }

// usageError marks err as bad usage (exit code 2).
func usageError(format string, args ...any) error {
	return exitcode.New(exitcode.Usage, fmt.Errorf(format, args...))
}

// Client returns an API client with the run's credentials and base URL.
// Credentials come from PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET, or
// from the profile (--profile, PHONELINEPLUS_PROFILE, or "default"); an
// explicit --profile wins over the environment.
func (a *App) Client(opts ...phonelineplus.Option) (*phonelineplus.Client, error) {
	creds, err := a.credentials()
	if err != nil {
		return nil, err
	}
	base, err := a.baseURL(creds.BaseURL)
	if err != nil {
		return nil, err
	}
	all := []phonelineplus.Option{phonelineplus.WithBaseURL(base), phonelineplus.WithUserAgent("phonelineplus-cli/" + phonelineplus.Version),
		phonelineplus.WithRateLimit(a.rate(), 1)}
	if a.HTTPClient != nil {
		all = append(all, phonelineplus.WithHTTPClient(a.HTTPClient))
	}
	if a.global.debug {
		// The SDK logs one line per HTTP attempt, never headers, bodies or
		// credentials.
		h := slog.NewTextHandler(a.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		all = append(all, phonelineplus.WithLogger(slog.New(h)))
	}
	all = append(all, opts...)
	all = append(all, a.ClientOptions...)
	c, err := phonelineplus.New(creds.KeyID, creds.Secret, all...)
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	return c, nil
}

// rate is the budget the run's clients keep to (--rate), in requests a
// minute.
func (a *App) rate() int { return cmp.Or(a.global.rate, phonelineplus.DefaultRatePerMinute) }

// baseURL resolves the API base URL: --base-url, PHONELINEPLUS_BASE_URL,
// the profile's, or production. "uat" and "production" name the known
// environments.
func (a *App) baseURL(fromProfile string) (string, error) {
	u := a.global.baseURL
	if u == "" {
		u = a.Getenv(EnvBaseURL)
	}
	if u == "" {
		u = fromProfile
	}
	switch strings.ToLower(u) {
	case "", "production", "prod":
		return phonelineplus.ProductionURL, nil
	case "uat":
		return phonelineplus.UATURL, nil
	}
	return u, nil
}

// credentials finds the API key to use.
func (a *App) credentials() (Profile, error) {
	keyID, secret := a.Getenv(EnvKeyID), a.Getenv(EnvSecret)
	explicit := a.global.profile != ""
	if !explicit && (keyID != "" || secret != "") {
		if keyID == "" || secret == "" {
			return Profile{}, exitcode.New(exitcode.Auth, fmt.Errorf("set both %s and %s, or neither", EnvKeyID, EnvSecret))
		}
		return Profile{KeyID: keyID, Secret: secret}, nil
	}
	name := a.profileName()
	cfg, path, err := a.loadConfig()
	if err != nil {
		return Profile{}, err
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		if explicit || a.Getenv(EnvProfile) != "" {
			return Profile{}, exitcode.New(exitcode.Auth, fmt.Errorf("no profile %q in %s: create it with phonelineplus config set --profile %s", name, path, name))
		}
		return Profile{}, exitcode.New(exitcode.Auth, fmt.Errorf("no credentials: set %s and %s, or create a profile with phonelineplus config set", EnvKeyID, EnvSecret))
	}
	if p.KeyID == "" || p.Secret == "" {
		return Profile{}, exitcode.New(exitcode.Auth, fmt.Errorf("profile %q in %s lacks its key_id or secret: run phonelineplus config set --profile %s", name, path, name))
	}
	return p, nil
}

// profileName is the profile the run uses.
func (a *App) profileName() string {
	if a.global.profile != "" {
		return a.global.profile
	}
	if p := a.Getenv(EnvProfile); p != "" {
		return p
	}
	return "default"
}

// command is what every command constructor gets.
type command func(a *App) *cobra.Command

// commands lists the subcommands; each command's file adds its own in an
// init function, so commands stay in their files.
var commands []command

// register adds subcommands to the root command.
func register(c ...command) { commands = append(commands, c...) }
