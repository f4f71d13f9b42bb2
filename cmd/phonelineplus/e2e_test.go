package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/cli"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
)

// The end-to-end tests run the phonelineplus binary against
// phonelineplus-fake, both built by the test and run as separate
// processes, the fake on a random loopback port.

// binaries builds phonelineplus and phonelineplus-fake into a temporary
// folder.
func binaries(t *testing.T) (cliBin, fakeBin string) {
	t.Helper()
	dir := t.TempDir()
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	cliBin, fakeBin = filepath.Join(dir, "phonelineplus"+exe), filepath.Join(dir, "phonelineplus-fake"+exe)
	for _, b := range [][2]string{{cliBin, "."}, {fakeBin, "github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus-fake"}} {
		out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput()
		require.NoError(t, err, "go build %s: %s", b[1], out)
	}
	return cliBin, fakeBin
}

// fake is a running phonelineplus-fake.
type fake struct {
	env     map[string]string // PHONELINEPLUS_BASE_URL, _KEY_ID, _SECRET, _CONTROL_URL, ...
	control string
}

// startFake runs the fake with args on a random loopback port and reads
// the URL and key it prints.
func startFake(t *testing.T, bin string, args ...string) *fake {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	f := &fake{env: map[string]string{}}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		f.env[k] = v
		if k == "PHONELINEPLUS_CONTROL_URL" {
			break
		}
	}
	if f.env["PHONELINEPLUS_BASE_URL"] == "" {
		// Read stderr only once the fake has exited: until then its
		// writer goroutine owns the buffer.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the fake printed no URL; stderr: %s", stderr.String())
	}
	f.control = f.env["PHONELINEPLUS_CONTROL_URL"]
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return f
}

// post sends body to the fake's control API.
func (f *fake) post(t *testing.T, path, body string) {
	t.Helper()
	resp, err := http.Post(f.control+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Less(t, resp.StatusCode, 300, "%s: %s", path, b)
}

// client is an SDK client on the fake, to look at what it holds.
func (f *fake) client(t *testing.T) *pl.Client {
	t.Helper()
	c, err := pl.New(f.env["PHONELINEPLUS_KEY_ID"], f.env["PHONELINEPLUS_SECRET"], pl.WithBaseURL(f.env["PHONELINEPLUS_BASE_URL"]),
		pl.WithRateLimit(6000, 1))
	require.NoError(t, err)
	return c
}

// cliRun is one run of the command.
type cliRun struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command with the fake's credentials in its environment.
func runCLI(t *testing.T, bin string, f *fake, args ...string) cliRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cliEnv(f)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliRun{code: code, stdout: out.String(), stderr: errOut.String()}
}

func cliEnv(f *fake) []string {
	env := []string{"HOME=" + os.TempDir(), "PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"PHONELINEPLUS_BASE_URL", "PHONELINEPLUS_KEY_ID", "PHONELINEPLUS_SECRET"} {
		env = append(env, k+"="+f.env[k])
	}
	return env
}

// writeSample writes the sample workbook of n customers with users users
// each and an order each.
func writeSample(t *testing.T, n, users int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onboarding.xlsx")
	require.NoError(t, sheet.Write(path, cli.SampleWorkbook(n, users), sheet.WriteOptions{}))
	return path
}

// fakeHolds lists what the fake holds: customers by email, users by email
// (primary contacts included) and orders by customer ID.
func fakeHolds(t *testing.T, c *pl.Client) (customers map[string]int, users map[string]int, orders map[string]int) {
	t.Helper()
	ctx := t.Context()
	all, err := c.Customers.List(ctx)
	require.NoError(t, err)
	customers, users, orders = map[string]int{}, map[string]int{}, map[string]int{}
	for _, cu := range all {
		customers[cu.Email]++
		us, err := c.Users.List(ctx, cu.ID)
		require.NoError(t, err)
		for _, u := range us {
			users[u.Email]++
		}
		os, err := c.Orders.List(ctx, cu.ID)
		require.NoError(t, err)
		orders[cu.Email] += len(os)
	}
	return customers, users, orders
}

func TestEndToEndAgainstTheFakeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and onboards 50 customers")
	}
	t.Parallel()
	cliBin, fakeBin := binaries(t)
	f := startFake(t, fakeBin, "-rate-limit", "0")
	const n, users = 50, 3
	path := writeSample(t, n, users)
	fast := []string{"--rate", "6000"}

	r := runCLI(t, cliBin, f, "validate", path)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "50 customers, 150 users, 50 orders; 0 errors")

	r = runCLI(t, cliBin, f, append([]string{"plan", path, "-o", "json"}, fast...)...)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	var plan []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	require.Len(t, plan, n+n*users+n)
	for _, row := range plan {
		assert.Equal(t, "create", row["action"], row)
	}
	assert.Contains(t, r.stderr, "(token exchange included)")

	// Interrupted with Ctrl-C after the first rows, then resumed.
	cmd := exec.Command(cliBin, append([]string{"apply", path, "--yes", "-o", "json"}, fast...)...)
	cmd.Env = cliEnv(f)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	for i := 0; i < 10 && sc.Scan(); i++ {
	}
	if runtime.GOOS != "windows" {
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
	}
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	var ee *exec.ExitError
	if runtime.GOOS != "windows" && errors.As(err, &ee) {
		assert.Equal(t, exitcode.Interrupted, ee.ExitCode(), "Ctrl-C exits 4")
	}
	r = runCLI(t, cliBin, f, "status", path)
	assert.NotEqual(t, exitcode.OK, r.code, "not done yet")

	r = runCLI(t, cliBin, f, append([]string{"apply", path, "--yes"}, fast...)...)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	customers, usersHeld, orders := fakeHolds(t, f.client(t))
	assert.Len(t, customers, n)
	assert.Len(t, usersHeld, n+n*users)
	for email, k := range customers {
		assert.Equal(t, 1, k, email)
		assert.Equal(t, 1, orders[email], email)
	}
	for email, k := range usersHeld {
		assert.Equal(t, 1, k, email)
	}

	r = runCLI(t, cliBin, f, "status", path, "-o", "json")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	var status []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &status))
	require.Len(t, status, n+n*users+n)
	for _, row := range status {
		assert.Contains(t, []string{"created", "found", "adopted"}, row["outcome"], row)
	}

	report := filepath.Join(t.TempDir(), "report.xlsx")
	r = runCLI(t, cliBin, f, "report", path, "--out", report)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	wb, err := sheet.Read(path, sheet.Options{})
	require.NoError(t, err)
	require.Len(t, wb.Customers, n)

	// The round trip: export what exists, and plan it: nothing to create.
	exported := filepath.Join(t.TempDir(), "current.xlsx")
	r = runCLI(t, cliBin, f, append([]string{"export", exported}, fast...)...)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	r = runCLI(t, cliBin, f, append([]string{"plan", exported, "-o", "json", "--journal", exported + ".journal"}, fast...)...)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	require.NotEmpty(t, plan)
	for _, row := range plan {
		assert.Equal(t, "adopt", row["action"], row)
	}
}

// waitTimeout bounds a wait on a subprocess in the tests.
func waitTimeout(ctx context.Context, cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		_ = cmd.Process.Signal(syscall.SIGKILL)
		return <-done
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGKILL)
		return <-done
	}
}
