package engine

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMemoryOfALargeJob runs jobs of 1,000 and 10,000 rows (customers
// with 3 users and an order each, no DDIs: the fake's pool holds 500
// numbers an area) against the in-memory fake, unpaced, and reports the
// heap the run leaves (the fake's state included) and what it allocated,
// per row, for bench/RESULTS.md. Skipped with -short.
func TestMemoryOfALargeJob(t *testing.T) {
	if testing.Short() {
		t.Skip("onboards 10,000 rows")
	}
	for _, customers := range []int{200, 2000} {
		t.Run(fmt.Sprint(customers*5, " rows"), func(t *testing.T) { memoryOfJob(t, customers) })
	}
}

func memoryOfJob(t *testing.T, customers int) {
	job := testJob(customers, 3)
	for _, c := range job.Customers {
		for _, u := range c.Users {
			u.AreaCode = ""
		}
	}
	rows := len(job.Rows())
	_, api := newFakeAPI(t, nil)
	runtime.GC()
	var before, after, kept runtime.MemStats
	runtime.ReadMemStats(&before)
	sum, err := (&Engine{API: api, Journal: openJournal(t)}).Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	require.Equal(t, rows, sum.Done)
	runtime.ReadMemStats(&after)
	runtime.GC()
	runtime.ReadMemStats(&kept)
	t.Logf("BENCH memory rows=%d heap_before=%dKiB heap_after_gc=%dKiB (+%d B/row, the fake's state included) total_alloc=%d B/row",
		rows, before.HeapAlloc>>10, kept.HeapAlloc>>10, (int64(kept.HeapAlloc)-int64(before.HeapAlloc))/int64(rows),
		(after.TotalAlloc-before.TotalAlloc)/uint64(rows))
}
