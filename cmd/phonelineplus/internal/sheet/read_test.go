package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// formats writes a book both ways, so each test covers XLSX and CSV.
var formats = []struct {
	name  string
	write func(*book, testing.TB) string
	sheet func(string) string // the sheet's name in problems
}{
	{"xlsx", (*book).xlsx, func(s string) string { return s }},
	{"csv", (*book).csvDir, func(s string) string { return s + ".csv" }},
}

func TestReadsAValidWorkbookInBothFormats(t *testing.T) {
	t.Parallel()
	var hashes []string
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			wb, err := Read(f.write(baseBook(), t), Options{})
			require.NoError(t, err)
			assert.Empty(t, wb.Problems)
			require.Len(t, wb.Customers, 2)
			require.Len(t, wb.Users, 2)
			require.Len(t, wb.Orders, 1, "two lines with one ref are one order")
			o := wb.Orders[0]
			assert.Equal(t, "acme", o.CustomerRef)
			require.Len(t, o.Lines, 2)
			assert.Equal(t, 3, o.Lines[1].Line)
			assert.Equal(t, 2, o.Lines[1].Quantity)
			assert.Equal(t, "M1 1AA", o.Delivery.Postcode)
			assert.Equal(t, "0161", wb.Customers[0].AreaCode)
			assert.Equal(t, "01614960001", wb.Users[1].PhoneNumber)
			problems, err := Validate(wb)
			require.NoError(t, err)
			assert.Empty(t, problems)
			hashes = append(hashes, wb.Customers[0].Hash, wb.Users[0].Hash, o.Hash())
		})
	}
	require.Len(t, hashes, 6)
	assert.Equal(t, hashes[:3], hashes[3:], "a row's hash does not depend on the file format")
}

func TestANumberCellThatLostItsLeadingZeroIsRestoredAndWarned(t *testing.T) {
	t.Parallel()
	b := baseBook().
		set(SheetCustomers, 1, "contact_number", 7700900123).
		set(SheetCustomers, 1, "area_code", 161).
		set(SheetUsers, 2, "phone_number", 1614960001).
		set(SheetUsers, 2, "email", "cat@beta.example") // unchanged: a control
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			wb, err := Read(f.write(b, t), Options{})
			require.NoError(t, err)
			assert.Equal(t, "07700900123", wb.Customers[0].ContactNumber)
			assert.Equal(t, "0161", wb.Customers[0].AreaCode)
			assert.Equal(t, "01614960001", wb.Users[1].PhoneNumber)
			require.Len(t, wb.Problems, 3)
			for _, p := range wb.Problems {
				assert.Equal(t, SeverityWarning, p.Severity)
				assert.Contains(t, p.Message, "lost its leading 0")
			}
			assert.Equal(t, f.sheet("customers")+" row 2, column contact_number (E)", wb.Problems[0].Where())
			assert.Equal(t, f.sheet("customers")+" row 2, column area_code (H)", wb.Problems[1].Where())
			assert.Equal(t, f.sheet("users")+" row 3, column phone_number (F)", wb.Problems[2].Where())
			assert.False(t, wb.HasErrors())
		})
	}
}

func TestANumberFormattedWithItsZeroKeepsIt(t *testing.T) {
	t.Parallel()
	path := baseBook().set(SheetCustomers, 1, "contact_number", 7700900123).xlsx(t)
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	format := "00000000000"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle(SheetCustomers, "E2", "E2", style))
	require.NoError(t, f.Save())
	require.NoError(t, f.Close())

	wb, err := Read(path, Options{})
	require.NoError(t, err)
	assert.Equal(t, "07700900123", wb.Customers[0].ContactNumber)
	assert.Empty(t, wb.Problems, "the cell shows its 0: nothing to restore")
}

func TestAFloatRenderingOfANumberIsReadAsDigits(t *testing.T) {
	t.Parallel()
	wb, err := Read(baseBook().set(SheetUsers, 2, "phone_number", "1614960001.0").csvDir(t), Options{})
	require.NoError(t, err)
	assert.Equal(t, "01614960001", wb.Users[1].PhoneNumber)
	require.Len(t, wb.Problems, 1)
	assert.Equal(t, "users.csv row 3, column phone_number (F)", wb.Problems[0].Where())
}

func TestBlankCellsAreEmptyNeverNaN(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			wb, err := Read(f.write(baseBook(), t), Options{})
			require.NoError(t, err)
			u := wb.Users[0]
			assert.Empty(t, u.PhoneNumber)
			assert.True(t, u.Address.IsZero())
			req := u.Request()
			assert.Empty(t, req.PhoneNumber)
			assert.NotContains(t, fmt.Sprintf("%+v", wb.Customers), "nan")
			assert.NotContains(t, fmt.Sprintf("%+v", wb.Users), "nan")
		})
	}
}

func TestACSVByteOrderMarkIsAccepted(t *testing.T) {
	t.Parallel()
	dir := baseBook().csvDir(t)
	path := filepath.Join(dir, "customers.csv")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append([]byte("\ufeff"), b...), 0o600))
	wb, err := Read(dir, Options{})
	require.NoError(t, err)
	assert.Empty(t, wb.Problems)
	assert.Equal(t, "acme", wb.Customers[0].Ref, "the first header is ref, not \\ufeffref")
}

func TestHeadersAreMatchedHoweverPeopleSpellThem(t *testing.T) {
	t.Parallel()
	b := baseBook()
	h := b.sheets[SheetCustomers][0]
	h[2], h[3], h[4] = "Company Name", "fullName", " CONTACT-NUMBER "
	wb, err := Read(b.xlsx(t), Options{})
	require.NoError(t, err)
	assert.Empty(t, wb.Problems)
	assert.Equal(t, "Acme Ltd", wb.Customers[0].CompanyName)
	assert.Equal(t, "07700900123", wb.Customers[0].ContactNumber)
}

func TestRowHashIsStableAndChangesWithContent(t *testing.T) {
	t.Parallel()
	read := func(b *book) *Workbook {
		wb, err := Read(b.csvDir(t), Options{})
		require.NoError(t, err)
		return wb
	}
	base := read(baseBook())
	again := read(baseBook())
	assert.Equal(t, base.Customers[0].Hash, again.Customers[0].Hash)

	spaced := read(baseBook().set(SheetCustomers, 1, "company_name", "  Acme Ltd "))
	assert.Equal(t, base.Customers[0].Hash, spaced.Customers[0].Hash, "cells are normalised before hashing")

	// Columns in another order: the same content, the same hash.
	moved := baseBook()
	for i, r := range moved.sheets[SheetCustomers] {
		moved.sheets[SheetCustomers][i] = append(r[1:], r[0])
	}
	assert.Equal(t, base.Customers[0].Hash, read(moved).Customers[0].Hash)

	edited := read(baseBook().set(SheetCustomers, 1, "company_name", "Acme Limited"))
	assert.NotEqual(t, base.Customers[0].Hash, edited.Customers[0].Hash)
	assert.Equal(t, base.Customers[1].Hash, edited.Customers[1].Hash, "other rows keep theirs")

	line := read(baseBook().set(SheetOrders, 2, "quantity", "3"))
	assert.NotEqual(t, base.Orders[0].Hash(), line.Orders[0].Hash(), "an order's hash covers every line")
}

func TestWriteThenReadRoundTrips(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"book.xlsx", "folder"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			require.NoError(t, Write(path, Template(), WriteOptions{Explain: true}))
			wb, err := Read(path, Options{})
			require.NoError(t, err)
			assert.Empty(t, wb.Problems, "the columns sheet is not read as data")
			tpl := Template()
			require.Len(t, wb.Customers, 1)
			assert.Equal(t, tpl.Customers[0].Ref, wb.Customers[0].Ref)
			assert.Equal(t, tpl.Customers[0].cells(), wb.Customers[0].cells())
			assert.Equal(t, tpl.Users[0].cells(), wb.Users[0].cells())
			assert.Equal(t, tpl.Orders[0].cells(0), wb.Orders[0].cells(0))
			problems, err := Validate(wb)
			require.NoError(t, err)
			assert.Empty(t, problems, "the template's example rows are valid")
		})
	}
}

func TestTemplateStoresCellsAsText(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.xlsx")
	require.NoError(t, Write(path, Template(), WriteOptions{Explain: true}))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{SheetCustomers, SheetUsers, SheetOrders, SheetColumns}, f.GetSheetList())
	style, err := f.GetCellStyle(SheetCustomers, "E2")
	require.NoError(t, err)
	s, err := f.GetStyle(style)
	require.NoError(t, err)
	assert.Equal(t, 49, s.NumFmt, `number format "@": what a person types stays text`)
	rows, err := f.GetRows(SheetColumns)
	require.NoError(t, err)
	assert.Equal(t, []string{"sheet", "column", "required", "meaning", "example"}, rows[0])
	assert.Len(t, rows, 1+len(Columns(SheetCustomers))+len(Columns(SheetUsers))+len(Columns(SheetOrders)))
}

// legacyBook is a sheet in the Python bulk processor's layout.
func legacyBook(secret string) *book {
	b := newBook()
	b.add("Sheet1",
		row("keyID", "secret", "companyName", "fullName", "number", "contactNumber", "plan", "premises", "street", "town", "county", "postcode", "email",
			"user1_fullName", "user1_email", "user1_type", "user1_phoneNumber", "user2_fullName", "user2_email", "user2_phoneNumber"),
		row("key-123", secret, "Acme Ltd", "Ada Lovelace", 1614960000, 7700900123, "hardware_only", "Unit 1", "Dale Street", "Manchester", "nan", "M1 1AA", "ada@acme.example",
			"Bob Smith", "bob@acme.example", "standard", 1614960001, "Cat Jones", "cat@acme.example", ""),
		row("key-123", secret, "Beta Ltd", "Bea Beta", "01614960002", "07700900124", "hardware_only_cp", "Unit 2", "High Street", "Leeds", "", "LS1 1AA", "",
			"", "", "", "", "", "", ""),
	)
	return b
}

func TestReadsThePythonBulkProcessorsLayout(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-VALUE-never-kept"
	wb, err := Read(legacyBook(secret).xlsx(t), Options{})
	require.NoError(t, err)
	assert.Equal(t, FormatLegacy, wb.Format)
	require.Len(t, wb.Customers, 2)
	c := wb.Customers[0]
	assert.Equal(t, "row2", c.Ref)
	assert.Equal(t, "01614960000", c.Number)
	assert.Equal(t, "07700900123", c.ContactNumber)
	assert.Empty(t, c.Address.County, `"nan" is blank`)
	require.Len(t, wb.Users, 2, "the second customer has no users")
	bob, cat := wb.Users[0], wb.Users[1]
	assert.Equal(t, "row2-user1", bob.Ref)
	assert.Equal(t, "row2", bob.CustomerRef)
	assert.Equal(t, "01614960001", bob.PhoneNumber)
	assert.Equal(t, "standard", cat.Type, "the Python processor's default type")
	assert.Equal(t, legacyAreaCode, cat.AreaCode, "a user without a number gets one of 0161, as in Python")

	p := bob.Problem(SeverityError, "email", "x")
	assert.Equal(t, "Sheet1 row 2, column user1_email (O)", p.Where(), "problems name the legacy column")

	var msgs []string
	for _, p := range wb.Problems {
		msgs = append(msgs, p.Error())
	}
	all := strings.Join(msgs, "\n")
	assert.Contains(t, all, "Sheet1 row 1, column keyID (A): is ignored")
	assert.Contains(t, all, "Sheet1 row 1, column secret (B): is ignored")
	assert.Contains(t, all, `column county (K): reads "nan"`)
	assert.NotContains(t, all+fmt.Sprintf("%+v %#v", wb, wb), secret, "the secret is never kept")
	assert.NotContains(t, fmt.Sprintf("%+v", wb), "key-123", "nor the key ID")

	problems, err := Validate(wb)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

func TestASingleCSVFileInThePythonLayoutIsRead(t *testing.T) {
	t.Parallel()
	dir := legacyBook("x").csvDir(t)
	wb, err := Read(filepath.Join(dir, "Sheet1.csv"), Options{})
	require.NoError(t, err)
	assert.Equal(t, FormatLegacy, wb.Format)
	assert.Len(t, wb.Customers, 2)
	assert.Len(t, wb.Users, 2)
	var places []string
	for _, p := range wb.Problems {
		places = append(places, p.Where())
	}
	assert.Contains(t, places, "Sheet1.csv row 2, column number (E)", "the header's names, not a later row's cells")
	assert.Contains(t, places, "Sheet1.csv row 2, column user1_phoneNumber (Q)")
}

func TestColumnName(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 703: "AAA"} {
		assert.Equal(t, want, ColumnName(n))
	}
}

func TestAWindows1252CSVIsDecodedAndWarned(t *testing.T) {
	t.Parallel()
	dir := baseBook().set(SheetCustomers, 1, "company_name", "Caf\xe9 \xa3 Ltd").csvDir(t) // "Café £ Ltd" as Excel's ANSI "CSV"
	wb, err := Read(dir, Options{})
	require.NoError(t, err)
	assert.Equal(t, "Café £ Ltd", wb.Customers[0].CompanyName)
	require.Len(t, wb.Problems, 1)
	assert.Equal(t, SeverityWarning, wb.Problems[0].Severity)
	assert.Contains(t, wb.Problems[0].Error(), "customers.csv: is not UTF-8 text: read as Windows-1252")
}

func TestCRLFLineEndingsAreRead(t *testing.T) {
	t.Parallel()
	dir := baseBook().csvDir(t)
	for _, name := range []string{"customers.csv", "users.csv", "orders.csv"} {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o600))
	}
	wb, err := Read(dir, Options{})
	require.NoError(t, err)
	assert.Empty(t, wb.Problems)
	assert.Equal(t, "M1 1AA", wb.Customers[0].Address.Postcode, "no stray \\r in the last column")
}
