package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// sampleFile writes SampleWorkbook(n, users) as an XLSX file.
func sampleFile(t *testing.T, n, users int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onboarding.xlsx")
	require.NoError(t, sheet.Write(path, SampleWorkbook(n, users), sheet.WriteOptions{}))
	return path
}

// posts counts the fake's requests with method POST and a path of that
// many segments ending in last ("customers", "users", "orders").
func posts(srv *phonelineplustest.Server, last string) int {
	n := 0
	for _, r := range srv.Requests() {
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		if r.Method == http.MethodPost && segs[len(segs)-1] == last {
			n++
		}
	}
	return n
}

func TestPlanApplyStatusReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := sampleFile(t, 4, 3)

	r := h.run("plan", path)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Equal(t, 4+12+4, strings.Count(r.stdout, " create "), r.stdout)
	assert.Contains(t, r.stderr, "area 0161 needs 12")
	assert.Contains(t, r.stderr, "covered")
	assert.Contains(t, r.stderr, "requests:  23 (token exchange included)")
	assert.Zero(t, posts(h.srv, "customers"), "plan sends no create")

	r = h.run("apply", path)
	assert.Equal(t, exitcode.Usage, r.code)
	assert.Contains(t, r.stderr, "give --yes")
	assert.Zero(t, posts(h.srv, "customers"))

	before := len(h.srv.Requests())
	r = h.run("apply", path, "--yes")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "customers row 2 (C001): created")
	assert.Contains(t, r.stderr, "20 done, 0 need verification, 0 failed")
	assert.Equal(t, 23, len(h.srv.Requests())-before, "what the plan counted")
	snap := h.srv.Snapshot()
	assert.Len(t, snap.Customers, 4)
	assert.Len(t, snap.Users, 4+12)
	assert.Len(t, snap.Orders, 4)
	fi, err := os.Stat(path + ".journal")
	require.NoError(t, err, "the journal sits beside the input")
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}

	r = h.run("status", path, "-o", "csv")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+20)
	assert.Equal(t, statusColumns, recs[0])
	for _, rec := range recs[1:] {
		assert.Equal(t, "created", rec[5], rec)
		assert.NotEmpty(t, rec[6])
	}
	assert.Contains(t, r.stderr, "20 created")

	out := filepath.Join(t.TempDir(), "report.xlsx")
	r = h.run("report", path, "--out", out)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	f, err := excelize.OpenFile(out)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"customers", "users", "orders"}, f.GetSheetList())
	rows, err := f.GetRows("users")
	require.NoError(t, err)
	assert.Len(t, rows, 1+12)

	// Everything is done: a rerun sends nothing but the token exchange.
	before = len(h.srv.Requests())
	r = h.run("apply", path, "--yes")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.LessOrEqual(t, len(h.srv.Requests())-before, 1)
	assert.Len(t, h.srv.Customers(), 4)
}

func TestApplyPrintsOneJSONEventPerLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := sampleFile(t, 2, 1)
	r := h.run("apply", path, "--yes", "-o", "json")
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	var events []map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		events = append(events, ev)
	}
	require.Len(t, events, 6+1)
	assert.Equal(t, "step", events[0]["event"])
	last := events[len(events)-1]
	assert.Equal(t, "summary", last["event"])
	assert.EqualValues(t, 6, last["done"])
}

func TestApplyStopsOnAConflictingEdit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := sampleFile(t, 2, 1)
	require.Equal(t, exitcode.OK, h.run("apply", path, "--yes").code)

	wb := SampleWorkbook(2, 1)
	wb.Customers[0].CompanyName = "Renamed Ltd"
	require.NoError(t, sheet.Write(path, wb, sheet.WriteOptions{}))
	before := len(h.srv.Requests())
	r := h.run("apply", path, "--yes")
	assert.Equal(t, exitcode.Conflict, r.code)
	assert.Contains(t, r.stderr, "customers row 2 (customer C001): it was created as customer")
	assert.Equal(t, before, len(h.srv.Requests()), "nothing is sent")
	r = h.run("plan", path)
	assert.Equal(t, exitcode.Conflict, r.code)
}

func TestApplyReportsAnUnsettledOrderForAPerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t, phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers/*/orders",
		Action: phonelineplustest.FaultDropBefore, Times: 1}))
	path := sampleFile(t, 1, 1)
	r := h.run("apply", path, "--yes", "--settle-window", "0s")
	require.Equal(t, exitcode.NeedsVerification, r.code, r.stderr)
	assert.Contains(t, r.stderr, "orders row 2 (O001): NEEDS VERIFICATION")
	assert.Empty(t, h.srv.Orders())
	assert.Equal(t, 1, posts(h.srv, "orders"))

	r = h.run("status", path)
	assert.Equal(t, exitcode.NeedsVerification, r.code)
	assert.Contains(t, r.stdout, "needs-verification")
	// A rerun looks the order up again and never sends it.
	r = h.run("apply", path, "--yes", "--settle-window", "0s")
	assert.Equal(t, exitcode.NeedsVerification, r.code)
	assert.Equal(t, 1, posts(h.srv, "orders"))
}

func TestReportWritesSIPCredentialsOnlyToTheirFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := sampleFile(t, 2, 0) // hardware-only customers: each has SIP credentials
	require.Equal(t, exitcode.OK, h.run("apply", path, "--yes").code)
	dir := t.TempDir()
	sip, out := filepath.Join(dir, "sip.csv"), filepath.Join(dir, "report.csv")
	r := h.run("report", path, "--out", out, "--sip-credentials", sip)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "SIP credentials of 2 customers")

	b, err := os.ReadFile(sip)
	require.NoError(t, err)
	var password string
	for _, c := range h.srv.Customers() {
		password = c.Destination.SIPPassword
		require.NotEmpty(t, password)
		assert.Contains(t, string(b), password)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(sip)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	rep, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(rep), password)
	assert.NotContains(t, r.stdout+r.stderr, password)
}

func TestApplyRefusesAFileWithErrorsBeforeSending(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wb := SampleWorkbook(1, 1)
	wb.Users[0].Email = "not an email"
	path := filepath.Join(t.TempDir(), "bad.xlsx")
	require.NoError(t, sheet.Write(path, wb, sheet.WriteOptions{}))
	r := h.run("apply", path, "--yes")
	assert.Equal(t, exitcode.Failures, r.code)
	assert.Contains(t, r.stderr, "Nothing was sent")
	assert.Empty(t, h.srv.Requests())
}

func TestApplyAsksOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.terminal = true
	path := sampleFile(t, 1, 1)

	h.stdin = strings.NewReader("no\n")
	r := h.run("apply", path)
	assert.Equal(t, exitcode.Failures, r.code)
	assert.Contains(t, r.stderr, "Plan for "+path)
	assert.Contains(t, r.stderr, "Apply these changes? Type yes to go on: ")
	assert.Contains(t, r.stderr, "Nothing was changed.")
	assert.Zero(t, posts(h.srv, "customers"))

	h.stdin = strings.NewReader("yes\n")
	r = h.run("apply", path)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Len(t, h.srv.Customers(), 1)
	assert.Len(t, h.srv.Orders(), 1)
}

func TestApplyRefusesWhileAnotherApplyHoldsTheJournal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := sampleFile(t, 1, 1)
	j, err := openJournal("", path)
	require.NoError(t, err)
	defer j.Close()
	unlock, err := j.Lock(t.Context())
	require.NoError(t, err)
	r := h.run("apply", path, "--yes")
	assert.Equal(t, exitcode.Failures, r.code)
	assert.Contains(t, r.stderr, "another apply is running with this journal")
	assert.Empty(t, h.srv.Customers())
	unlock()
	r = h.run("apply", path, "--yes")
	assert.Equal(t, exitcode.OK, r.code, r.stderr)
}
