package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const customersHeader = "ref,plan,company_name,full_name,contact_number,email,number,area_code,premises,street,town,county,postcode\n"

func TestTemplateWritesAWorkbookThatValidates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, name := range []string{"onboarding.xlsx", "onboarding"} {
		path := filepath.Join(t.TempDir(), name)
		r := h.run("template", path)
		require.Equal(t, exitcode.OK, r.code, r.stderr)
		assert.Empty(t, r.stdout, "results only: template has none")
		assert.Contains(t, r.stderr, "Wrote "+path)

		r = h.run("validate", path)
		assert.Equal(t, exitcode.OK, r.code, r.stderr)
		assert.Empty(t, r.stdout, "no problems, no table")
		assert.Contains(t, r.stderr, "1 customer, 1 user, 1 order; 0 errors, 0 warnings. Nothing was sent.")

		r = h.run("template", path)
		assert.Equal(t, exitcode.Usage, r.code)
		assert.Contains(t, r.stderr, "exists: choose another name, or give --force")
		assert.Equal(t, exitcode.OK, h.run("template", "--force", path).code)
	}
	assert.Empty(t, h.srv.Requests(), "template and validate send nothing")
}

func TestValidateReportsEachProblemAndSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(customersHeader+
		"acme,hardware_only,Acme,Ada,7700900123,ada@acme.example,,0161,Unit 1,Dale St,Manchester,,M1 1AA\n"+
		"beta,Hardware Only,Beta,Bea,07700900124,not-an-email,,,,,,,\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "users.csv"), []byte(
		"ref,customer_ref,type,full_name,email\nu1,gamma,standard,Bob,ada@acme.example\n"), 0o600))
	errorsOut := filepath.Join(t.TempDir(), "problems.csv")

	r := h.run("validate", dir, "--errors-out", errorsOut)
	assert.Equal(t, exitcode.Failures, r.code)
	assert.Contains(t, r.stderr, "2 customers, 1 user, 0 orders; 4 errors, 1 warning. Nothing was sent.")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 6, r.stdout)
	assert.Regexp(t, `^SEVERITY\s+SHEET\s+ROW\s+COLUMN\s+CELL\s+FIELD\s+MESSAGE$`, lines[0])
	assert.Regexp(t, `^warning\s+customers.csv\s+2\s+contact_number\s+E2\s+contactNumber\s+lost its leading 0`, lines[1])
	assert.Regexp(t, `^error\s+customers.csv\s+3\s+plan\s+B3\s+plan\s+must be spelt hardware_only exactly`, lines[2])
	assert.Regexp(t, `^error\s+customers.csv\s+3\s+email\s+F3\s+email\s+is not an email address`, lines[3])
	assert.Regexp(t, `^error\s+users.csv\s+2\s+customer_ref\s+B2\s+"gamma" is not the ref`, lines[4])
	assert.Regexp(t, `^error\s+users.csv\s+2\s+email\s+E2\s+email\s+this email is also on customers.csv row 2`, lines[5])

	f, err := os.Open(errorsOut)
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 6)
	assert.Equal(t, problemColumns, records[0])
	assert.Equal(t, []string{"error", "customers.csv", "3", "plan", "B3", "plan", "must be spelt hardware_only exactly"}, records[2])

	r = h.run("validate", dir, "--output", "json")
	var problems []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &problems))
	require.Len(t, problems, 5)
	assert.Equal(t, "users.csv", problems[4]["sheet"])
	assert.Equal(t, "E2", problems[4]["cell"])

	assert.Empty(t, h.srv.Requests(), "validate sends nothing, not even the token exchange")
}

func TestValidateWithoutCredentialsWorks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env = map[string]string{}
	path := filepath.Join(t.TempDir(), "t.xlsx")
	require.Equal(t, exitcode.OK, h.run("template", path).code)
	assert.Equal(t, exitcode.OK, h.run("validate", path).code, "validate is offline: no key needed")
}

func TestValidateRefusesWhatIsNotAWorkbook(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct{ name, content, want string }{
		{"notes.txt", "hello", "notes.txt: is not an XLSX workbook"},
		{"fake.xlsx", "hello", "fake.xlsx: has the .xlsx extension but is not an XLSX workbook"},
		{"bom-only.csv", "\ufeffref;plan\n", "bom-only.csv: is a single CSV file, but not in the Python bulk processor's layout"},
	} {
		r := h.run("validate", writeFile(t, tc.name, tc.content))
		assert.Equal(t, exitcode.Usage, r.code, tc.name)
		assert.Contains(t, r.stderr, tc.want)
		assert.Empty(t, r.stdout)
	}
	r := h.run("validate")
	assert.Equal(t, exitcode.Usage, r.code)
	assert.Contains(t, r.stderr, "validate needs FILE")
	assert.Empty(t, h.srv.Requests())
}

func TestExportWritesWhatTheAccountHolds(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := t.Context()
	c := h.client()
	src := filepath.Join(t.TempDir(), "in.xlsx")
	require.Equal(t, exitcode.OK, h.run("template", src).code)
	wb, err := sheet.Read(src, sheet.Options{})
	require.NoError(t, err)
	req := wb.Customers[0].Request()
	avail, err := c.Numbers.ListAvailable(ctx, availableOpts("0161"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(avail), 2)
	req.Number.NumberE164 = avail[0].NumberE164
	cust, err := c.Customers.Create(ctx, req)
	require.NoError(t, err)
	ureq := wb.Users[0].Request()
	ureq.PhoneNumber = avail[1].NumberE164
	user, err := c.Users.Create(ctx, cust.ID, ureq)
	require.NoError(t, err)

	out := filepath.Join(t.TempDir(), "export.xlsx")
	r := h.run("export", out)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Exported 1 customer and 1 user to "+out)

	got, err := sheet.Read(out, sheet.Options{})
	require.NoError(t, err)
	assert.Empty(t, got.Problems)
	require.Len(t, got.Customers, 1)
	require.Len(t, got.Users, 1, "the primary contact is the customer row, not a user")
	gc, gu := got.Customers[0], got.Users[0]
	assert.Equal(t, cust.ID, gc.Ref)
	assert.Equal(t, "Acme Widgets Ltd", gc.CompanyName)
	assert.Equal(t, "0"+avail[0].NumberE164[2:], gc.Number, "numbers in national form")
	assert.Equal(t, user.ID, gu.Ref)
	assert.Equal(t, cust.ID, gu.CustomerRef)
	assert.Equal(t, "bob@acme.example", gu.Email)
	assert.Equal(t, "0"+avail[1].NumberE164[2:], gu.PhoneNumber)
	problems, err := sheet.Validate(got)
	require.NoError(t, err)
	assert.Empty(t, problems, "an export validates: the round trip export, edit, plan")

	assert.Equal(t, exitcode.Usage, h.run("export", out).code, "never overwrites without --force")
}

func TestConvertRewritesThePythonLayout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := writeFile(t, "legacy.csv", "keyID,secret,companyName,fullName,number,contactNumber,plan,premises,street,town,county,postcode,email,user1_fullName,user1_email,user1_phoneNumber\n"+
		"k,s3cret,Acme Ltd,Ada Lovelace,1614960000,07700900123,hardware_only,Unit 1,Dale Street,Manchester,nan,M1 1AA,ada@acme.example,Bob Smith,bob@acme.example,\n")
	out := filepath.Join(t.TempDir(), "onboarding.xlsx")
	r := h.run("convert", in, out)
	require.Equal(t, exitcode.OK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "warning: legacy.csv row 1, column secret (B): is ignored")
	assert.Contains(t, r.stderr, "Wrote "+out+": 1 customer, 1 user, 0 orders.")
	assert.NotContains(t, r.stderr, "s3cret")

	wb, err := sheet.Read(out, sheet.Options{})
	require.NoError(t, err)
	assert.Equal(t, sheet.FormatXLSX, wb.Format)
	assert.Empty(t, wb.Problems, "the converted file is clean: no credentials, no nan, numbers as text")
	require.Len(t, wb.Users, 1)
	assert.Equal(t, "row2-user1", wb.Users[0].Ref)
	assert.Equal(t, "row2", wb.Users[0].CustomerRef)
	assert.Equal(t, "0161", wb.Users[0].AreaCode)
	assert.Equal(t, "01614960000", wb.Customers[0].Number)
	assert.Equal(t, exitcode.OK, h.run("validate", out).code)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "s3cret")

	assert.Equal(t, exitcode.Usage, h.run("convert", in, out).code, "never overwrites without --force")
	assert.Equal(t, exitcode.Usage, h.run("convert", writeFile(t, "x.txt", "hi"), filepath.Join(t.TempDir(), "o.xlsx")).code)
	assert.Empty(t, h.srv.Requests())
}
