package sheet

import (
	"fmt"
	"path/filepath"
	"runtime"
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

// TestAHundredThousandRowWorkbookIsRefusedEarly writes a 100,000-row
// XLSX workbook and checks that reading stops at a limit.
func TestAHundredThousandRowWorkbookIsRefusedEarly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100,000-row workbook")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "huge.xlsx")
	customers := bigWorkbook(400_000).Customers[:100_000]
	require.NoError(t, Write(path, &Workbook{Customers: customers}, WriteOptions{}))
	// By default it decompresses past the size limit.
	_, err := Read(path, Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "huge.xlsx: decompresses to more than 67108864 bytes")

	// With room for its bytes, the row limit stops it; the sheet is
	// streamed from a temporary file, not held in memory.
	_, err = Read(path, Options{MaxBytes: 1 << 30})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "customers row 50002: has more than 50000 rows")
}
