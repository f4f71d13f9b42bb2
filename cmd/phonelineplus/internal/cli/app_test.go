package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCredentialsComeFromTheEnvironmentOrAProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	keyID, secret := h.env[EnvKeyID], h.env[EnvSecret]

	r := h.run("stats")
	require.Equal(t, exitcode.OK, r.code, "the environment's key: %s", r.stderr)

	h.env = map[string]string{EnvBaseURL: h.srv.URL()}
	r = h.run("stats")
	assert.Equal(t, exitcode.Auth, r.code)
	assert.Contains(t, r.stderr, "no credentials: set PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET, or create a profile with phonelineplus config set")

	h.env[EnvKeyID] = keyID
	r = h.run("stats")
	assert.Equal(t, exitcode.Auth, r.code)
	assert.Contains(t, r.stderr, "set both PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET, or neither")
	delete(h.env, EnvKeyID)

	// A profile, written with the secret on stdin (never an argument).
	h.stdin = strings.NewReader(secret + "\n")
	r = h.run("config", "set", "--key-id", keyID)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, `Saved profile "default"`)
	path := filepath.Join(h.configDir, "config.json")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		di, err := os.Stat(h.configDir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	}
	h.stdin = nil
	r = h.run("stats")
	assert.Equal(t, exitcode.OK, r.code, "the default profile: %s", r.stderr)

	r = h.run("config", "list", "-o", "json")
	require.Equal(t, exitcode.OK, r.code)
	var profiles []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &profiles))
	assert.Equal(t, []map[string]string{{"profile": "default", "key_id": keyID, "base_url": ""}}, profiles)
	assert.NotContains(t, r.stdout+r.stderr, secret)

	r = h.run("--profile", "other", "stats")
	assert.Equal(t, exitcode.Auth, r.code)
	assert.Contains(t, r.stderr, `no profile "other" in `+path)

	// An explicit --profile wins over the environment.
	h.env[EnvKeyID], h.env[EnvSecret] = "env-key", "env-secret"
	r = h.run("--profile", "default", "stats")
	assert.Equal(t, exitcode.OK, r.code, r.stderr)
	r = h.run("stats")
	assert.Equal(t, exitcode.Auth, r.code, "without --profile, the environment's (wrong) key is used")
	assert.NotContains(t, r.stderr, "env-secret")
}

func TestAProfileFileOthersCanReadIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	t.Parallel()
	h := newHarness(t)
	keyID, secret := h.env[EnvKeyID], h.env[EnvSecret]
	h.env = map[string]string{EnvBaseURL: h.srv.URL()}
	require.NoError(t, os.MkdirAll(h.configDir, 0o700))
	path := filepath.Join(h.configDir, "config.json")
	b, err := json.Marshal(Config{Profiles: map[string]Profile{"default": {KeyID: keyID, Secret: secret}}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	require.NoError(t, os.Chmod(path, 0o644))

	r := h.run("stats")
	assert.Equal(t, exitcode.Auth, r.code)
	assert.Contains(t, r.stderr, path+" can be read or written by others (mode 0644): run chmod 600 "+path)
	assert.NotContains(t, r.stderr, secret)
	assert.Empty(t, h.srv.Requests(), "nothing sent with a refused profile")

	require.NoError(t, os.Chmod(path, 0o600))
	assert.Equal(t, exitcode.OK, h.run("stats").code)

	require.NoError(t, os.WriteFile(path, []byte(`{"profiles": {"default": {"key_id": "k", "secret": "`+secret+`", "extra": 1}}}`), 0o600))
	r = h.run("stats")
	assert.Equal(t, exitcode.Auth, r.code)
	assert.Contains(t, r.stderr, "is not a valid profile file")
	assert.NotContains(t, r.stderr, secret)
}

func TestConfigSetReadsTheSecretFromTheTerminalWithoutEcho(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.terminal = true
	h.secretIn = "typed-secret"
	h.stdin = strings.NewReader("typed-key\n")
	r := h.run("--profile", "acme", "--base-url", "uat", "config", "set")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "API key ID: ")
	assert.Contains(t, r.stderr, "API secret (not shown): ")
	assert.NotContains(t, r.stderr, "typed-secret")
	cfg, _, err := (&App{ConfigDir: func() (string, error) { return h.configDir, nil }}).loadConfig()
	require.NoError(t, err)
	assert.Equal(t, Profile{KeyID: "typed-key", Secret: "typed-secret", BaseURL: "uat"}, cfg.Profiles["acme"])
	assert.NotContains(t, cfg.Profiles["acme"].String()+cfg.Profiles["acme"].GoString(), "typed-secret")
}

func TestConfigSetNeedsASecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("config", "set", "--key-id", "k")
	assert.Equal(t, exitcode.Usage, r.code)
	assert.Contains(t, r.stderr, "no secret on standard input")
	r = h.run("config", "set", "--key-id", "k", "--secret", "s")
	assert.Equal(t, exitcode.Usage, r.code, "there is no --secret flag")
	r = h.run("--base-url", "http://example.com", "config", "set", "--key-id", "k")
	assert.Equal(t, exitcode.Usage, r.code)
	assert.Contains(t, r.stderr, "--base-url")
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("--base-url", "http://example.com/v1", "stats")
	assert.Equal(t, exitcode.Usage, r.code, "plain http only to loopback")
	assert.Contains(t, r.stderr, "https")
	a := &App{Getenv: func(string) string { return "" }}
	for in, want := range map[string]string{"": phonelineplus.ProductionURL, "uat": phonelineplus.UATURL, "PRODUCTION": phonelineplus.ProductionURL, "https://x.example/v1": "https://x.example/v1"} {
		a.global.baseURL = in
		got, err := a.baseURL("")
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	a.global.baseURL = ""
	got, _ := a.baseURL("uat")
	assert.Equal(t, phonelineplus.UATURL, got, "the profile's base URL when no flag or variable")
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, args := range [][]string{
		{"bogus"}, {"--bogus"}, {"stats", "extra"}, {"customers", "get"}, {"-o", "xml", "stats"}, {"--output"},
		{"orders", "list", "a", "b"}, {"template"}, {"--rate", "0", "stats"}, {"stats", "--rate", "-5"},
	} {
		r := h.run(args...)
		assert.Equal(t, exitcode.Usage, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stderr, "error: ", args)
	}
	assert.Empty(t, h.srv.Requests())
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	t.Parallel()
	root := NewApp().rootCommand()
	assert.Contains(t, root.Long, exitcode.Help, "exit codes in phonelineplus --help")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" {
			return // cobra's own
		}
		assert.NotEmpty(t, c.Example, "%s has examples", c.CommandPath())
		assert.NotEmpty(t, c.Short, c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	h := newHarness(t)
	r := h.run("--help")
	assert.Equal(t, exitcode.OK, r.code)
	assert.Contains(t, r.stdout, "4  interrupted")
}

func TestShellCompletion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := h.run("completion", shell)
		assert.Equal(t, exitcode.OK, r.code, shell)
		assert.Contains(t, r.stdout, "phonelineplus", shell)
	}
	r := h.run("__complete", "--output", "")
	assert.Contains(t, r.stdout, "json")
}

func TestCSVCellsCannotBeFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "@SUM(A1)": "'@SUM(A1)", "+441610000000": "+441610000000", "-12": "-12",
		"+cmd": "'+cmd", "-": "'-", "\tx": "'\tx", "Acme": "Acme", "": "",
	} {
		assert.Equal(t, want, csvSafe(in), in)
	}
	assert.Equal(t, "a\uFFFD[2Jb", printable("a\x1b[2Jb"), "no terminal escapes in a table")
}

func TestDebugLogsRequestsWithoutSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("--debug", "stats")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "phonelineplus request")
	assert.Contains(t, r.stderr, "Stats.Get")
	assert.NotContains(t, r.stderr, h.env[EnvSecret])
	assert.NotContains(t, r.stdout, "phonelineplus request", "logs on stderr only")
	assert.NotContains(t, h.run("stats").stderr, "phonelineplus request", "no logs without --debug")
}
