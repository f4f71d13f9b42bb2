package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigWorkbook returns a valid workbook of n rows: a quarter customers, the
// rest users spread over them.
func bigWorkbook(n int) *Workbook {
	wb := &Workbook{}
	customers := max(n/4, 1)
	for i := range customers {
		wb.Customers = append(wb.Customers, Customer{
			Ref: fmt.Sprintf("c%d", i), Plan: "hardware_only", CompanyName: fmt.Sprintf("Company %d Ltd", i),
			FullName: "Ada Lovelace", ContactNumber: "07700900123", Email: fmt.Sprintf("c%d@example.com", i),
			AreaCode: "0161", Address: Address{Premises: "Unit 1", Street: "Dale Street", Town: "Manchester", Postcode: "M1 1AA"},
		})
	}
	for i := range n - customers {
		wb.Users = append(wb.Users, User{
			Ref: fmt.Sprintf("u%d", i), CustomerRef: fmt.Sprintf("c%d", i%customers), Type: "standard",
			FullName: "Bob Smith", Email: fmt.Sprintf("u%d@example.com", i), AreaCode: "0161",
		})
	}
	return wb
}

// BenchmarkRead reads workbooks of 1,000 and 10,000 rows. Besides time and
// allocations per read it reports retained-MB: the live heap the read
// workbook holds (what the rows cost), and peak-MB: the heap in use just
// after the read, before garbage is collected, which bounds the peak. Both
// grow with the rows kept, not with the file's size, and their ratio
// between the sizes shows the cost per row stays flat.
func BenchmarkRead(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		for _, format := range []string{"xlsx", "csv"} {
			path := filepath.Join(b.TempDir(), "book")
			if format == "xlsx" {
				path += ".xlsx"
			}
			require.NoError(b, Write(path, bigWorkbook(n), WriteOptions{}))
			b.Run(fmt.Sprintf("rows=%d/%s", n, format), func(b *testing.B) {
				b.ReportAllocs()
				var retained, peak uint64
				for b.Loop() {
					var before, after, live runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					wb, err := Read(path, Options{})
					runtime.ReadMemStats(&after)
					runtime.GC()
					runtime.ReadMemStats(&live)
					if err != nil || len(wb.Problems) > 0 {
						b.Fatal(err, wb.Problems)
					}
					retained = max(retained, live.HeapAlloc-min(before.HeapAlloc, live.HeapAlloc))
					peak = max(peak, after.HeapInuse-min(before.HeapInuse, after.HeapInuse))
					runtime.KeepAlive(wb)
				}
				b.ReportMetric(float64(retained)/1e6, "retained-MB")
				b.ReportMetric(float64(peak)/1e6, "peak-MB")
			})
		}
	}
}

// rawXLSX writes a minimal XLSX workbook with one customers sheet of n
// rows of inline strings, straight as XML: much faster than excelize for a
// hostile-size file.
func rawXLSX(t testing.TB, n int) string {
	t.Helper()
	var sheetXML bytes.Buffer
	sheetXML.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	cells := func(r int, vals ...string) {
		fmt.Fprintf(&sheetXML, `<row r="%d">`, r)
		for _, v := range vals {
			fmt.Fprintf(&sheetXML, `<c t="inlineStr"><is><t>%s</t></is></c>`, v)
		}
		sheetXML.WriteString(`</row>`)
	}
	cells(1, "ref", "plan", "company_name", "full_name", "contact_number")
	for i := range n {
		cells(i+2, "c"+strconv.Itoa(i), "phoneline_plus", "Co", "Name", "07700900123")
	}
	sheetXML.WriteString(`</sheetData></worksheet>`)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="customers" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheetXML.String(),
	}
	entries := make(map[string][]byte, len(parts))
	for k, v := range parts {
		entries[k] = []byte(v)
	}
	return writeFile(t, "huge.xlsx", zipOf(t, zip.Store, entries))
}

// TestAHundredThousandRowWorkbookIsRefusedEarly reads a 100,000-row XLSX
// workbook with a limit of 5,000 rows (the default, 50,000, is tested on a
// CSV file; parsing 50,000 XLSX rows takes half a minute under -race):
// reading stops at the limit, the sheet streamed (spilled to a temporary
// file past 16 MiB), never held whole in memory.
func TestAHundredThousandRowWorkbookIsRefusedEarly(t *testing.T) {
	t.Parallel()
	path := rawXLSX(t, 100_000)
	_, err := Read(path, Options{MaxRows: 5_000})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "customers row 5002: has more than 5000 rows: split the file")
}

// BenchmarkValidate checks a 10,000-row workbook with the SDK's rules,
// offline.
func BenchmarkValidate(b *testing.B) {
	path := filepath.Join(b.TempDir(), "book")
	require.NoError(b, Write(path, bigWorkbook(10_000), WriteOptions{}))
	wb, err := Read(path, Options{})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		problems, err := Validate(wb)
		if err != nil || len(problems) > 0 {
			b.Fatal(err, problems)
		}
	}
}
