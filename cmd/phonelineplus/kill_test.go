//go:build !windows

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The kill test's settings. The fake allows 1,200 requests a minute and
// apply is paced to match (--rate 1200), twelve times the real
// budget, so that 20 kills and their resumes fit in a few minutes on two
// cores; the settle window is 2 s (the fake's delayed commits land after
// 1 s).
const (
	killSeed      = 20261201
	killCustomers = 30
	killUsers     = 3
	killAtLeast   = 20
	killRate      = "1200"
)

// killFaults are injected from the fake's start: gateway timeouts after
// the create happened (at once, and with the commit a second later),
// connections dropped after the create, dropped GETs, 429s with
// Retry-After. Five numbers of the pool are also held in another order in
// flight.
var killFaults = []string{
	"POST /customers timeout-after probability=0.15",
	"POST /customers timeout-commit-later commitAfter=1s probability=0.1",
	"POST /customers/*/users timeout-after probability=0.1",
	"POST /customers/*/users timeout-commit-later commitAfter=1s probability=0.1",
	"POST /customers/*/users drop-after probability=0.1",
	"POST /customers/*/orders timeout-after probability=0.15",
	"POST /customers/*/orders drop-after probability=0.1",
	"GET drop-before probability=0.05",
	"respond status=429 header=Retry-After:1 probability=0.05",
}

func TestKillNineAtSeededMomentsLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills apply at least 20 times")
	}
	t.Parallel()
	started := time.Now()
	cliBin, fakeBin := binaries(t)
	args := []string{"-rate-limit", killRate, "-seed", fmt.Sprint(killSeed)}
	for _, f := range killFaults {
		args = append(args, "-fault", f)
	}
	f := startFake(t, fakeBin, args...)
	holdSomeNumbers(t, f, 5)
	path := writeSample(t, killCustomers, killUsers)
	apply := []string{"apply", path, "--yes", "-o", "json", "--rate", killRate, "--settle-window", "2s", "--concurrency", "4"}

	rng := rand.New(rand.NewPCG(killSeed, 0))
	kills, runs := 0, 0
	for kills < killAtLeast {
		runs++
		events := 1 + rng.IntN(4)
		delay := time.Duration(rng.IntN(300)) * time.Millisecond
		killed, code := runAndKill(t, cliBin, f, apply, events, delay)
		if !killed {
			require.Contains(t, []int{exitcode.OK, exitcode.NeedsVerification, exitcode.Failures}, code, "run %d", runs)
			break // done before the next kill
		}
		kills++
	}
	// Resume until done: a customer or user that needs verification is
	// looked up again by the next run (an order is only looked up, never
	// sent again, so it may stay for a person).
	for i := 0; !settledButOrders(t, cliBin, f, path); i++ {
		require.Less(t, i, 5, "apply did not finish after the kills")
		runs++
		r := runCLI(t, cliBin, f, apply...)
		require.Contains(t, []int{exitcode.OK, exitcode.NeedsVerification, exitcode.Failures}, r.code, r.stderr)
	}

	// What the fake holds: every customer and user once, no order twice.
	customers, users, orders := fakeHolds(t, f.client(t))
	assert.Len(t, customers, killCustomers)
	assert.Len(t, users, killCustomers*(1+killUsers), "the primary contact and the sheet's users")
	dups := 0
	for email, n := range customers {
		dups += n - 1
		assert.Equal(t, 1, n, "customer %s", email)
		assert.LessOrEqual(t, orders[email], 1, "orders of %s", email)
	}
	for email, n := range users {
		dups += n - 1
		assert.Equal(t, 1, n, "user %s", email)
	}

	// And every row is done, or needs verification with a reason.
	r := runCLI(t, cliBin, f, "status", path, "-o", "json")
	var status []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &status), r.stderr)
	require.Len(t, status, killCustomers*(2+killUsers))
	outcomes := map[string]int{}
	byEmail := map[string]string{}
	for _, row := range status {
		outcomes[row["outcome"]]++
		switch row["outcome"] {
		case "created", "found", "adopted":
			assert.NotEmpty(t, row["id"], row)
		case "needs-verification":
			assert.NotEmpty(t, row["reason"], row)
			t.Logf("needs verification: %s %s: %s", row["sheet"], row["ref"], row["reason"])
		default:
			t.Errorf("row %s %s: %s: %s", row["sheet"], row["ref"], row["outcome"], row["reason"])
		}
		if row["sheet"] == "orders" {
			byEmail[row["email"]] = row["outcome"]
		}
	}
	missing := 0
	for email, out := range byEmail {
		if out != "needs-verification" && orders[email] != 1 {
			missing++
			t.Errorf("order of %s is %s but the fake holds %d", email, out, orders[email])
		}
	}
	t.Logf("KILLTEST kills=%d runs=%d rows=%d outcomes=%v duplicates=%d missing=%d took=%s faults=%s",
		kills, runs, len(status), outcomes, dups, missing, time.Since(started).Round(time.Second), faultsFired(t, f))
	assert.GreaterOrEqual(t, kills, killAtLeast, "the workbook was done before %d kills", killAtLeast)
}

// settledButOrders reports whether every row of the workbook is done,
// or is an order that needs verification.
func settledButOrders(t *testing.T, bin string, f *fake, path string) bool {
	t.Helper()
	r := runCLI(t, bin, f, "status", path, "-o", "json")
	var status []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &status), r.stderr)
	for _, row := range status {
		switch row["outcome"] {
		case "created", "found", "adopted":
		case "needs-verification":
			if row["sheet"] != "orders" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// runAndKill runs apply, and sends it SIGKILL delay after its events-th
// JSON event; it reports whether the kill landed, and the exit code
// otherwise.
func runAndKill(t *testing.T, bin string, f *fake, args []string, events int, delay time.Duration) (bool, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cliEnv(f)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	for i := 0; i < events && sc.Scan(); i++ {
	}
	timer := time.AfterFunc(delay, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	_, _ = io.Copy(io.Discard, stdout)
	err = waitTimeout(t.Context(), cmd, 2*time.Minute)
	timer.Stop()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true, -1
		}
		return false, ee.ExitCode()
	}
	require.NoError(t, err)
	return false, 0
}

// holdSomeNumbers holds n numbers of the 0161 pool in another order in
// flight, through the fake's control API.
func holdSomeNumbers(t *testing.T, f *fake, n int) {
	t.Helper()
	page, err := f.client(t).Numbers.ListAvailable(t.Context(), pl.AvailableNumbersOptions{NumberType: pl.NumberTypeGeographic, AreaCode: "0161"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(page), n)
	var held []string
	for _, a := range page[:n] {
		held = append(held, `"`+a.NumberE164+`"`)
	}
	f.post(t, "numbers/hold", `{"numbers": [`+strings.Join(held, ",")+`]}`)
}

// faultsFired summarises how often each fault fired.
func faultsFired(t *testing.T, f *fake) string {
	t.Helper()
	resp, err := http.Get(f.control + "faults")
	require.NoError(t, err)
	defer resp.Body.Close()
	var faults []phonelineplustest.InjectedFault
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&faults))
	var parts []string
	for _, fl := range faults {
		parts = append(parts, fmt.Sprintf("%s: %d", fl.Fault.String(), fl.Fired))
	}
	return strings.Join(parts, "; ")
}
