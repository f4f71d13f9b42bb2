package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/spf13/cobra"
)

// configFile is the profile file's name inside ConfigDir.
const configFile = "config.json"

// Profile is one named set of credentials in the config file. Its Secret
// is never printed: config list shows key IDs and base URLs only.
type Profile struct {
	KeyID   string `json:"key_id"`
	Secret  string `json:"secret"`
	BaseURL string `json:"base_url,omitempty"`
}

// String prints the profile without its secret.
func (p Profile) String() string {
	return "profile{key_id: " + p.KeyID + ", base_url: " + p.BaseURL + "}"
}

// GoString prints the profile without its secret.
func (p Profile) GoString() string { return p.String() }

// Config is the profile file.
type Config struct {
	Profiles map[string]Profile `json:"profiles"`
}

func defaultConfigDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "phonelineplus"), nil
}

// configPath returns the profile file's path.
func (a *App) configPath() (string, error) {
	dir, err := a.ConfigDir()
	if err != nil {
		return "", exitcode.New(exitcode.Auth, fmt.Errorf("no config folder: %w", err))
	}
	return filepath.Join(dir, configFile), nil
}

// loadConfig reads the profile file. A missing file is an empty config; a
// file others can read or write is refused (on systems with Unix
// permissions), as ssh refuses a readable key.
func (a *App) loadConfig() (Config, string, error) {
	path, err := a.configPath()
	if err != nil {
		return Config{}, "", err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{Profiles: map[string]Profile{}}, path, nil
	}
	if err != nil {
		return Config{}, path, exitcode.New(exitcode.Auth, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Config{}, path, exitcode.New(exitcode.Auth, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return Config{}, path, exitcode.New(exitcode.Auth, fmt.Errorf("%s can be read or written by others (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path))
	}
	var cfg Config
	dec := json.NewDecoder(io.LimitReader(f, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		// The decoder's message never quotes the file's values.
		return Config{}, path, exitcode.New(exitcode.Auth, fmt.Errorf("%s is not a valid profile file: %v", path, err))
	}
	if cfg.Profiles == nil {
		cfg.Profiles = map[string]Profile{}
	}
	return cfg, path, nil
}

// saveConfig writes the profile file with mode 0600 (its folder 0700),
// replacing it atomically.
func saveConfig(path string, cfg Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func init() { register(configCommand) }

func configCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Manage credential profiles",
		Long: `Manage the profiles of the config file, a JSON file readable only by you
(mode 0600; a file others can read is refused).

A profile holds an API key ID, its secret and optionally a base URL. The
secret is never an argument (arguments show in ps and shell history):
config set reads it from the terminal without echo, or from standard input.`,
		Example: `  # Save the default profile (asks for the key ID and the secret)
  phonelineplus config set

  # Save a UAT profile from a script: the secret comes from standard input
  printf '%s\n' "$SECRET" | phonelineplus config set --profile uat --key-id "$KEY_ID" --base-url uat

  # Use it
  phonelineplus --profile uat customers list`,
	}
	cmd.AddCommand(configSetCommand(a), configListCommand(a), configPathCommand(a))
	return cmd
}

func configSetCommand(a *App) *cobra.Command {
	var keyID string
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Create or replace a profile (the secret is read from the terminal or stdin)",
		Example: `  phonelineplus config set --profile acme
  printf '%s\n' "$SECRET" | phonelineplus config set --profile ci --key-id "$KEY_ID" --base-url uat`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name := a.profileName()
			baseURL := a.global.baseURL // saved as given: "uat" stays "uat"
			if baseURL != "" {
				u, _ := a.baseURL(baseURL)
				if _, err := phonelineplus.New("check", "check", phonelineplus.WithBaseURL(u)); err != nil {
					return usageError("--base-url: %v", err)
				}
			}
			p, err := a.readProfile(keyID)
			if err != nil {
				return err
			}
			p.BaseURL = baseURL
			cfg, path, err := a.loadConfig()
			if err != nil {
				return err
			}
			cfg.Profiles[name] = p
			if err := saveConfig(path, cfg); err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			fmt.Fprintf(a.Stderr, "Saved profile %q to %s (mode 0600).\n", name, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyID, "key-id", "", "the API key ID (not secret; asked for when omitted on a terminal)")
	return cmd
}

// readProfile reads the key ID (unless given) and the secret: from the
// terminal, the secret without echo; otherwise from stdin, one line each.
func (a *App) readProfile(keyID string) (Profile, error) {
	if a.IsTerminal(a.Stdin) {
		if keyID == "" {
			fmt.Fprint(a.Stderr, "API key ID: ")
			line, err := bufio.NewReader(a.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return Profile{}, usageError("no key ID read: %v", err)
			}
			keyID = strings.TrimSpace(line)
		}
		fmt.Fprint(a.Stderr, "API secret (not shown): ")
		secret, err := a.ReadSecret(a.Stdin)
		fmt.Fprintln(a.Stderr)
		if err != nil {
			return Profile{}, usageError("no secret read: %v", err)
		}
		return checkProfile(keyID, secret)
	}
	sc := bufio.NewScanner(io.LimitReader(a.Stdin, 64<<10))
	if keyID == "" {
		if !sc.Scan() {
			return Profile{}, usageError("no key ID: give --key-id, or the key ID and the secret on two lines of standard input")
		}
		keyID = sc.Text()
	}
	if !sc.Scan() {
		return Profile{}, usageError("no secret on standard input: pipe it in, e.g. printf '%%s\\n' \"$SECRET\" | phonelineplus config set --key-id ID")
	}
	return checkProfile(keyID, sc.Text())
}

func checkProfile(keyID, secret string) (Profile, error) {
	keyID, secret = strings.TrimSpace(keyID), strings.TrimSpace(secret)
	if keyID == "" {
		return Profile{}, usageError("the key ID is empty")
	}
	if secret == "" {
		return Profile{}, usageError("the secret is empty")
	}
	return Profile{KeyID: keyID, Secret: secret}, nil
}

func configListCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the profiles (names, key IDs and base URLs; never secrets)",
		Example: `  phonelineplus config list --output json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, _, err := a.loadConfig()
			if err != nil {
				return err
			}
			t := newTable("profile", "key_id", "base_url")
			names := make([]string, 0, len(cfg.Profiles))
			for n := range cfg.Profiles {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				p := cfg.Profiles[n]
				t.add(n, p.KeyID, p.BaseURL)
			}
			return a.print(t)
		},
	}
}

func configPathCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: `  phonelineplus config path`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.configPath()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.Stdout, path)
			return nil
		},
	}
}
