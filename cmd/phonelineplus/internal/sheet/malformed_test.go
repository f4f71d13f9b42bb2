package sheet

import (
	"archive/zip"
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

// writeFile writes b to name in a new temporary folder and returns its path.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// zipOf builds a zip file of the given entries, compressed with method
// (zip.Deflate, or zip.Store to save the compressing time).
func zipOf(t testing.TB, method uint16, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// lyingZip has one entry whose header claims 100 bytes while it inflates
// to n: a zip bomb that a size check on the headers alone would let in.
func lyingZip(t testing.TB, n int) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw := zip.NewWriter(&comp)
	w, err := fw.Create("x")
	require.NoError(t, err)
	_, err = w.Write(make([]byte, n))
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	// Re-read the compressed bytes of the entry, then write them with a
	// false header.
	zr, err := zip.NewReader(bytes.NewReader(comp.Bytes()), int64(comp.Len()))
	require.NoError(t, err)
	raw, err := zr.File[0].OpenRaw()
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	hdr := zr.File[0].FileHeader
	hdr.Name = "xl/worksheets/sheet1.xml"
	hdr.UncompressedSize64 = 100
	rw, err := zw.CreateRaw(&hdr)
	require.NoError(t, err)
	buf := new(bytes.Buffer)
	_, err = buf.ReadFrom(raw)
	require.NoError(t, err)
	_, err = rw.Write(buf.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return out.Bytes()
}

// manyRows returns a customers.csv of n valid rows.
func manyRowsCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(headers(SheetCustomers), ",") + "\n")
	for i := range n {
		fmt.Fprintf(&b, "c%d,phoneline_plus,Co %d,Name %d,07700900123,c%d@example.com,,,,,,,\n", i, i, i, i)
	}
	return b.Bytes()
}

// TestMalformedFilesAreRefusedNamingTheFile covers input that cannot be
// read at all: each is one error naming the file or the sheet and row.
func TestMalformedFilesAreRefusedNamingTheFile(t *testing.T) {
	t.Parallel()
	realXLSX := func(t *testing.T) []byte {
		b, err := os.ReadFile(baseBook().xlsx(t))
		require.NoError(t, err)
		return b
	}
	csvFolder := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, content := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
		}
		return dir
	}
	withSheet := func(mutate func(*book)) func(t *testing.T) (string, Options) {
		return func(t *testing.T) (string, Options) {
			b := baseBook()
			mutate(b)
			return b.xlsx(t), Options{}
		}
	}
	dropColumn := func(sheet, column string) func(*book) {
		return func(b *book) {
			h := b.sheets[sheet][0]
			for i, c := range h {
				if c == column {
					h[i] = "something_else"
				}
			}
		}
	}
	customersHeader := strings.Join(headers(SheetCustomers), ",")
	cases := []struct {
		name  string
		input func(t *testing.T) (string, Options)
		is    error  // the sentinel the error matches, if any
		want  string // a substring of the error
	}{
		{"missing file", func(t *testing.T) (string, Options) { return filepath.Join(t.TempDir(), "nope.xlsx"), Options{} }, nil, "nope.xlsx: cannot be read: no such file"},
		{"empty .xlsx", func(t *testing.T) (string, Options) { return writeFile(t, "e.xlsx", nil), Options{} }, ErrNotWorkbook, "e.xlsx: has the .xlsx extension but is not an XLSX workbook"},
		{"text named .xlsx", func(t *testing.T) (string, Options) { return writeFile(t, "t.xlsx", []byte("ref,plan\n")), Options{} }, ErrNotWorkbook, "not a zip file"},
		{"random bytes", func(t *testing.T) (string, Options) {
			return writeFile(t, "blob.bin", []byte{1, 2, 3, 4, 5}), Options{}
		}, ErrNotWorkbook, "blob.bin: is not an XLSX workbook"},
		{"old .xls", func(t *testing.T) (string, Options) {
			return writeFile(t, "old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)), Options{}
		}, ErrNotWorkbook, "old .xls file or a password-protected workbook"},
		{"zip that is not a workbook", func(t *testing.T) (string, Options) {
			return writeFile(t, "z.xlsx", zipOf(t, zip.Deflate, map[string][]byte{"hello.txt": []byte("hi")})), Options{}
		}, ErrNotWorkbook, "z.xlsx: "},
		{"truncated workbook", func(t *testing.T) (string, Options) {
			b := realXLSX(t)
			return writeFile(t, "cut.xlsx", b[:len(b)/2]), Options{}
		}, ErrNotWorkbook, "cut.xlsx: is a zip file but not an XLSX workbook"},
		{"zip bomb (2 MiB of zeros past a 1 MiB limit)", func(t *testing.T) (string, Options) {
			return writeFile(t, "bomb.xlsx", zipOf(t, zip.Deflate, map[string][]byte{"[Content_Types].xml": nil, "xl/worksheets/sheet1.xml": make([]byte, 2<<20)})), Options{MaxBytes: 1 << 20}
		}, ErrTooLarge, "bomb.xlsx: decompresses to more than 1048576 bytes"},
		{"zip bomb with a lying size", func(t *testing.T) (string, Options) {
			return writeFile(t, "liar.xlsx", lyingZip(t, 1<<20)), Options{}
		}, ErrNotWorkbook, "liar.xlsx: is a zip file but not an XLSX workbook"},
		{"file over MaxBytes", func(t *testing.T) (string, Options) {
			return writeFile(t, "big.xlsx", realXLSX(t)), Options{MaxBytes: 1000}
		}, ErrTooLarge, "big.xlsx: is "},
		{"no customers sheet", withSheet(func(b *book) {
			b.order[0] = "clients"
			b.sheets["clients"] = b.sheets[SheetCustomers]
		}), ErrNotWorkbook, "has no customers sheet (its sheets: clients, users, orders)"},
		{"customers sheet empty", withSheet(func(b *book) { b.sheets[SheetCustomers] = nil }), ErrNotWorkbook, "customers: is empty: it needs a header row"},
		{"customers lacks plan", withSheet(dropColumn(SheetCustomers, "plan")), ErrNotWorkbook, "customers row 1: lacks the column(s) plan"},
		{"customers lacks ref and full_name", withSheet(func(b *book) {
			dropColumn(SheetCustomers, "ref")(b)
			b.sheets[SheetCustomers][0][3] = "name"
		}), ErrNotWorkbook, "lacks the column(s) ref, full_name"},
		{"users lacks customer_ref", withSheet(dropColumn(SheetUsers, "customer_ref")), ErrNotWorkbook, "users row 1: lacks the column(s) customer_ref"},
		{"orders lacks sku", withSheet(dropColumn(SheetOrders, "sku")), ErrNotWorkbook, "orders row 1: lacks the column(s) sku"},
		{"duplicate column", withSheet(func(b *book) { b.sheets[SheetCustomers][0][3] = "company_name" }), ErrNotWorkbook, "customers row 1: has column company_name twice (C and D)"},
		{"too many columns", func(t *testing.T) (string, Options) { return baseBook().xlsx(t), Options{MaxColumns: 5} }, ErrTooLarge, "customers row 1: has 13 columns, more than the limit of 5"},
		{"csv folder without customers.csv", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"users.csv": "ref\n"}), Options{}
		}, ErrNotWorkbook, "has no customers.csv"},
		{"csv with semicolons", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"customers.csv": strings.ReplaceAll(customersHeader, ",", ";") + "\n"}), Options{}
		}, ErrNotWorkbook, "customers.csv row 1: is separated by semicolons, not commas"},
		{"csv with tabs", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"customers.csv": strings.ReplaceAll(customersHeader, ",", "\t") + "\n"}), Options{}
		}, ErrNotWorkbook, "is separated by tabs"},
		{"csv with a bare quote", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"customers.csv": customersHeader + "\nacme,hardware_only,Acme \"Big\" Ltd,,,,,,,,,,\n"}), Options{}
		}, ErrNotWorkbook, "customers.csv row 2: cannot be read: is not valid CSV at line 2"},
		{"csv file over MaxBytes", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"customers.csv": string(manyRowsCSV(100))}), Options{MaxBytes: 2000}
		}, ErrTooLarge, "customers.csv: is "},
		{"100k-row csv", func(t *testing.T) (string, Options) {
			return csvFolder(t, map[string]string{"customers.csv": string(manyRowsCSV(100_000))}), Options{}
		}, ErrTooLarge, "customers.csv row 50002: has more than 50000 rows: split the file"},
		{"rows over MaxRows in xlsx", func(t *testing.T) (string, Options) { return baseBook().xlsx(t), Options{MaxRows: 1} }, ErrTooLarge, "customers row 3: has more than 1 rows"},
		{"single csv not in the python layout", func(t *testing.T) (string, Options) {
			return writeFile(t, "customers.csv", []byte(customersHeader+"\n")), Options{}
		}, ErrNotWorkbook, "customers.csv: is a single CSV file, but not in the Python bulk processor's layout"},
		{"python layout without plan", func(t *testing.T) (string, Options) {
			b := legacyBook("x")
			b.sheets["Sheet1"][0][6] = "Plan Type"
			return b.xlsx(t), Options{}
		}, ErrNotWorkbook, "Sheet1 row 1: is in the Python bulk processor's layout but lacks the column(s) plan"},
		{"empty workbook sheet only", func(t *testing.T) (string, Options) {
			f := excelize.NewFile()
			path := filepath.Join(t.TempDir(), "blank.xlsx")
			require.NoError(t, f.SaveAs(path))
			return path, Options{}
		}, ErrNotWorkbook, "has no customers sheet (its sheets: Sheet1)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, opts := tc.input(t)
			wb, err := Read(path, opts)
			require.Error(t, err)
			assert.Nil(t, wb)
			assert.Contains(t, err.Error(), tc.want)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			var p *Problem
			require.ErrorAs(t, err, &p, "a *Problem, placed")
			assert.Equal(t, path, p.Path)
			assert.Equal(t, SeverityError, p.Severity)
		})
	}
}

// cellWant is a problem expected at a cell.
type cellWant struct {
	sheet  string // schema sheet name; the file's name is derived per format
	line   int
	column string
	msg    string
}

// TestMalformedRowsAreReportedAtTheirCell mutates a valid workbook one
// way per case and expects each problem at its sheet, row and column, in
// XLSX and CSV alike, with nothing sent.
func TestMalformedRowsAreReportedAtTheirCell(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 256)
	cases := []struct {
		name   string
		mutate func(b *book)
		want   []cellWant
	}{
		{"duplicate customer ref", func(b *book) { b.set(SheetCustomers, 2, "ref", "acme") },
			[]cellWant{{SheetCustomers, 3, "ref", `"acme" is also the ref of row 2`}, {SheetUsers, 3, "customer_ref", `"beta" is not the ref`}}},
		{"duplicate user ref", func(b *book) { b.set(SheetUsers, 2, "ref", "acme-bob") },
			[]cellWant{{SheetUsers, 3, "ref", `"acme-bob" is also the ref of row 2`}}},
		{"blank customer ref", func(b *book) { b.set(SheetCustomers, 2, "ref", "") },
			[]cellWant{{SheetCustomers, 3, "ref", "is required"}, {SheetUsers, 3, "customer_ref", `"beta" is not the ref of any row`}}},
		{"blank user ref", func(b *book) { b.set(SheetUsers, 1, "ref", " ") },
			[]cellWant{{SheetUsers, 2, "ref", "is required"}, {SheetOrders, 2, "user_ref", `"acme-bob" is not the ref`}}},
		{"dangling customer_ref", func(b *book) { b.set(SheetUsers, 1, "customer_ref", "acne") },
			[]cellWant{{SheetUsers, 2, "customer_ref", `"acne" is not the ref of any row of the customers sheet`}}},
		{"blank customer_ref", func(b *book) { b.set(SheetUsers, 1, "customer_ref", "") },
			[]cellWant{{SheetUsers, 2, "customer_ref", "is required: the ref of a row of the customers sheet"}}},
		{"order for a missing customer", func(b *book) { b.set(SheetOrders, 1, "customer_ref", "gamma") },
			[]cellWant{{SheetOrders, 2, "customer_ref", `"gamma" is not the ref`}}},
		{"order device for a missing user", func(b *book) { b.set(SheetOrders, 1, "user_ref", "acme-zed") },
			[]cellWant{{SheetOrders, 2, "user_ref", `"acme-zed" is not the ref of any row of the users sheet`}}},
		{"order device for another customer's user", func(b *book) { b.set(SheetOrders, 2, "user_ref", "beta-cat") },
			[]cellWant{{SheetOrders, 3, "user_ref", `names user "beta-cat" of customer "beta", but the order is for customer "acme"`}}},
		{"order line for another customer", func(b *book) { b.set(SheetOrders, 2, "customer_ref", "beta") },
			[]cellWant{{SheetOrders, 3, "customer_ref", `differs from row 2, the first row of order "o1"`}}},
		{"order line with another postcode", func(b *book) { b.set(SheetOrders, 2, "postcode", "LS1 1AA") },
			[]cellWant{{SheetOrders, 3, "postcode", "differs from row 2"}}},
		{"order line without sku", func(b *book) { b.set(SheetOrders, 2, "sku", "") },
			[]cellWant{{SheetOrders, 3, "sku", "is required"}}},
		{"quantity in words", func(b *book) { b.set(SheetOrders, 1, "quantity", "two") },
			[]cellWant{{SheetOrders, 2, "quantity", "must be a whole number from 1 to 10000"}}},
		{"quantity zero", func(b *book) { b.set(SheetOrders, 1, "quantity", "0") },
			[]cellWant{{SheetOrders, 2, "quantity", "must be a whole number"}}},
		{"quantity negative", func(b *book) { b.set(SheetOrders, 2, "quantity", "-1") },
			[]cellWant{{SheetOrders, 3, "quantity", "must be a whole number"}}},
		{"quantity fractional", func(b *book) { b.set(SheetOrders, 2, "quantity", "1.5") },
			[]cellWant{{SheetOrders, 3, "quantity", "must be a whole number"}}},
		{"same email twice, other case", func(b *book) { b.set(SheetCustomers, 2, "email", "ADA@acme.example") },
			[]cellWant{{SheetCustomers, 3, "email", "this email is also on customers"}}},
		{"customer email reused by a user", func(b *book) { b.set(SheetUsers, 1, "email", "bea@beta.example") },
			[]cellWant{{SheetUsers, 2, "email", "this email is also on customers"}}},
		{"the primary contact listed again as a user", func(b *book) { b.set(SheetUsers, 1, "email", "ada@acme.example") },
			[]cellWant{{SheetUsers, 2, "email", "is the email of the customer's primary contact"}}},
		{"user email twice", func(b *book) { b.set(SheetUsers, 2, "email", "bob@acme.example") },
			[]cellWant{{SheetUsers, 3, "email", "this email is also on users"}}},
		{"number twice in other forms", func(b *book) { b.set(SheetCustomers, 1, "number", "+44 161 496 0001") },
			[]cellWant{{SheetUsers, 3, "phone_number", "this number is also on customers"}}},
		{"number in scientific notation", func(b *book) { b.set(SheetUsers, 2, "phone_number", "1.61496E+09") },
			[]cellWant{{SheetUsers, 3, "phone_number", "is in scientific notation (1.61496E+09): the spreadsheet dropped digits"}}},
		{"ref too long", func(b *book) { b.set(SheetUsers, 2, "ref", strings.Repeat("r", 101)) },
			[]cellWant{{SheetUsers, 3, "ref", "is not a ref"}}},
		{"ref with a control character", func(b *book) { b.set(SheetUsers, 2, "ref", "beta\u200bcat") },
			[]cellWant{{SheetUsers, 3, "ref", "is not a ref"}}},
		{"cell over 32767 characters", func(b *book) { b.set(SheetCustomers, 1, "street", strings.Repeat("s", 32768)) },
			[]cellWant{{SheetCustomers, 2, "street", "is longer than"}}}, // 32767 from CSV; excelize cuts an XLSX cell to 32767, over the SDK's 255
		{"misspelt plan", func(b *book) { b.set(SheetCustomers, 1, "plan", "Hardware Only") },
			[]cellWant{{SheetCustomers, 2, "plan", "must be spelt hardware_only exactly"}}},
		{"blank plan", func(b *book) { b.set(SheetCustomers, 2, "plan", "") },
			[]cellWant{{SheetCustomers, 3, "plan", "is required"}}},
		{"bad customer email", func(b *book) { b.set(SheetCustomers, 1, "email", "ada at acme") },
			[]cellWant{{SheetCustomers, 2, "email", "is not an email address"}}},
		{"standard plan without email", func(b *book) { b.set(SheetCustomers, 2, "email", "") },
			[]cellWant{{SheetCustomers, 3, "email", "is required"}}},
		{"bad postcode", func(b *book) { b.set(SheetCustomers, 1, "postcode", "ZZ99 ZZZ") },
			[]cellWant{{SheetCustomers, 2, "postcode", "is not a UK postcode"}}},
		{"hardware_only without number or area code", func(b *book) { b.set(SheetCustomers, 1, "area_code", "") },
			[]cellWant{{SheetCustomers, 2, "number", "is required (or leave it blank and give area_code"}}},
		{"foreign contact number", func(b *book) { b.set(SheetCustomers, 1, "contact_number", "+33 1 23 45 67 89") },
			[]cellWant{{SheetCustomers, 2, "contact_number", "is not a UK number"}}},
		{"blank company name", func(b *book) { b.set(SheetCustomers, 2, "company_name", "") },
			[]cellWant{{SheetCustomers, 3, "company_name", "is required"}}},
		{"company name over 255", func(b *book) { b.set(SheetCustomers, 2, "company_name", long) },
			[]cellWant{{SheetCustomers, 3, "company_name", "is longer than 255 characters"}}},
		{"hidden character in a name", func(b *book) { b.set(SheetCustomers, 1, "full_name", "Ada\u202eLovelace") },
			[]cellWant{{SheetCustomers, 2, "full_name", "contains control or formatting characters"}}},
		{"hardware_only without address", func(b *book) { b.set(SheetCustomers, 1, "street", "").set(SheetCustomers, 1, "town", "") },
			[]cellWant{{SheetCustomers, 2, "street", "is required"}, {SheetCustomers, 2, "town", "is required"}}},
		{"every problem of a row is found", func(b *book) {
			b.set(SheetCustomers, 1, "plan", "Hardware Only").set(SheetCustomers, 1, "email", "nope").set(SheetCustomers, 1, "postcode", "12345")
		}, []cellWant{{SheetCustomers, 2, "plan", "must be spelt hardware_only exactly"}, {SheetCustomers, 2, "email", "is not an email address"}, {SheetCustomers, 2, "postcode", "is not a UK postcode"}}},
		{"bad area code", func(b *book) { b.set(SheetCustomers, 1, "area_code", "0999") },
			[]cellWant{{SheetCustomers, 2, "area_code", "is not a geographic or non-geographic area code"}}},
		{"user type nan", func(b *book) { b.set(SheetUsers, 1, "type", "nan") },
			[]cellWant{{SheetUsers, 2, "type", "is not a known value"}}},
		{"user type blank", func(b *book) { b.set(SheetUsers, 1, "type", "") },
			[]cellWant{{SheetUsers, 2, "type", "is required"}}},
		{"user without email", func(b *book) { b.set(SheetUsers, 2, "email", "") },
			[]cellWant{{SheetUsers, 3, "email", "is required"}}},
		{"user email with a display name", func(b *book) { b.set(SheetUsers, 2, "email", "Cat <cat@beta.example>") },
			[]cellWant{{SheetUsers, 3, "email", "is not an email address"}}},
		{"user number not UK", func(b *book) { b.set(SheetUsers, 2, "phone_number", "12345") },
			[]cellWant{{SheetUsers, 3, "phone_number", "must start with 0"}}},
		{"user half an address", func(b *book) { b.set(SheetUsers, 1, "town", "Leeds") },
			[]cellWant{{SheetUsers, 2, "premises", "is required"}, {SheetUsers, 2, "street", "is required"}, {SheetUsers, 2, "postcode", "is required"}}},
		{"order without delivery name", func(b *book) { b.set(SheetOrders, 1, "name", "") },
			[]cellWant{{SheetOrders, 2, "name", "is required"}}},
		{"order bad email", func(b *book) { b.set(SheetOrders, 1, "email", "ada@") },
			[]cellWant{{SheetOrders, 2, "email", "is not an email address"}}},
		{"order bad tracking email", func(b *book) { b.set(SheetOrders, 1, "tracking_email", "track") },
			[]cellWant{{SheetOrders, 2, "tracking_email", "is not an email address"}}},
		{"order bad delivery postcode", func(b *book) { b.set(SheetOrders, 1, "postcode", "nowhere") },
			[]cellWant{{SheetOrders, 2, "postcode", "is not a UK postcode"}}},
		{"order without line1", func(b *book) { b.set(SheetOrders, 1, "line1", "") },
			[]cellWant{{SheetOrders, 2, "line1", "is required"}}},
		{"order sku with a space on its second line", func(b *book) { b.set(SheetOrders, 2, "sku", "T46 S") },
			[]cellWant{{SheetOrders, 3, "sku", "may contain only letters, digits"}}},
		{"order sku with a dot mapped to a user", func(b *book) { b.set(SheetOrders, 1, "sku", "W73.P") },
			[]cellWant{{SheetOrders, 2, "sku", "is not a SKU code"}}},
		{"quantity over 10000", func(b *book) { b.set(SheetOrders, 1, "quantity", "10001") },
			[]cellWant{{SheetOrders, 2, "quantity", "must be a whole number from 1 to 10000"}}},
	}
	for _, tc := range cases {
		for _, f := range formats {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				b := baseBook().clone()
				tc.mutate(b)
				wb, err := Read(f.write(b, t), Options{})
				require.NoError(t, err)
				found, err := Validate(wb)
				require.NoError(t, err)
				all := append(wb.Problems, found...)
				for _, w := range tc.want {
					assertProblemAt(t, all, f.sheet(w.sheet), w)
				}
				errs := 0
				for _, p := range all {
					if p.Severity == SeverityError {
						errs++
					}
				}
				assert.Len(t, tc.want, errs, "no other errors: %v", all)
			})
		}
	}
}

func assertProblemAt(t *testing.T, ps []Problem, sheet string, w cellWant) {
	t.Helper()
	for _, p := range ps {
		if p.Sheet == sheet && p.Line == w.line && p.Column == w.column && p.Col > 0 && strings.Contains(p.Message, w.msg) {
			assert.Equal(t, SeverityError, p.Severity)
			return
		}
	}
	assert.Failf(t, "problem not found", "want %s row %d column %s: %q\ngot %v", sheet, w.line, w.column, w.msg, ps)
}

func TestUnknownSheetsAndStrayCellsAreReported(t *testing.T) {
	t.Parallel()
	t.Run("xlsx sheet", func(t *testing.T) {
		t.Parallel()
		b := baseBook().add("Usres", row("ref"), row("x"))
		wb, err := Read(b.xlsx(t), Options{})
		require.NoError(t, err)
		require.Len(t, wb.Problems, 1)
		assert.Equal(t, "Usres: is not a known sheet (customers, users, orders): rename it, or delete it if it is notes", wb.Problems[0].Error())
	})
	t.Run("empty extra xlsx sheet is fine", func(t *testing.T) {
		t.Parallel()
		b := baseBook().add("Sheet2")
		wb, err := Read(b.xlsx(t), Options{})
		require.NoError(t, err)
		assert.Empty(t, wb.Problems)
	})
	t.Run("csv file", func(t *testing.T) {
		t.Parallel()
		b := baseBook().add("notes", row("hello"))
		wb, err := Read(b.csvDir(t), Options{})
		require.NoError(t, err)
		require.Len(t, wb.Problems, 1)
		assert.Contains(t, wb.Problems[0].Error(), "notes.csv: is not a known sheet")
	})
	t.Run("cell without header", func(t *testing.T) {
		t.Parallel()
		b := baseBook()
		b.sheets[SheetUsers][1] = append(b.sheets[SheetUsers][1], "stray")
		wb, err := Read(b.csvDir(t), Options{})
		require.NoError(t, err)
		require.Len(t, wb.Problems, 1)
		assert.Equal(t, "users.csv row 2, column M (M): has a value but no header: ignored", wb.Problems[0].Error())
		assert.Equal(t, SeverityWarning, wb.Problems[0].Severity)
	})
	t.Run("unknown column", func(t *testing.T) {
		t.Parallel()
		b := baseBook()
		b.sheets[SheetUsers][0][6] = "colour"
		wb, err := Read(b.xlsx(t), Options{})
		require.NoError(t, err)
		require.Len(t, wb.Problems, 1)
		assert.Contains(t, wb.Problems[0].Error(), "users row 1, column colour (G): is not a known column: ignored")
	})
}

func TestProblemsPastTheCapAreCounted(t *testing.T) {
	t.Parallel()
	b := baseBook()
	for range 30 {
		b.add(SheetUsers, row("acme-bob", "acme", "standard", "B", "b@x.example"))
	}
	wb, err := Read(b.csvDir(t), Options{MaxProblems: 10})
	require.NoError(t, err)
	require.Len(t, wb.Problems, 11)
	assert.Contains(t, wb.Problems[10].Message, "more problems not shown")
}

func TestInvalidUTF8PastTheSniffedStartIsReportedAtItsCell(t *testing.T) {
	t.Parallel()
	b := baseBook()
	for i := range 2000 { // about 100 KiB of valid rows first
		b.add(SheetCustomers, row(fmt.Sprintf("x%d", i), "phoneline_plus", "Co", "Name", "07700900123", fmt.Sprintf("x%d@example.com", i)))
	}
	b.add(SheetCustomers, row("late", "phoneline_plus", "Caf\xe9 Ltd", "Name", "07700900123", "late@example.com"))
	wb, err := Read(b.csvDir(t), Options{})
	require.NoError(t, err)
	require.Len(t, wb.Problems, 1, "%v", wb.Problems)
	assert.Equal(t, "customers.csv row 2004, column company_name (C): is not valid UTF-8 text: save the file as UTF-8", wb.Problems[0].Error())
}
