package journal

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPutSurvivesReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	j, err := Open(path)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, j.Put(ctx, Step{Kind: KindUser, Ref: "U2", Sheet: "users", Row: 3, Hash: "h2", State: StateIntent, Number: "441614960001"}))
	require.NoError(t, j.Put(ctx, Step{Kind: KindOrder, Ref: "O1", Sheet: "orders", Row: 2, Hash: "h3", State: StateNeedsVerification, Reason: "check the portal"}))
	require.NoError(t, j.Put(ctx, Step{Kind: KindCustomer, Ref: "C1", Sheet: "customers", Row: 2, Hash: "h1", State: StateDone,
		ResourceID: "cust-1", Outcome: "created", Attempts: 2, RequestID: "req-1"}))
	require.NoError(t, j.SetMeta(ctx, "input", "onboarding.xlsx"))
	require.NoError(t, j.Close())

	j, err = Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	steps, err := j.Steps(ctx)
	require.NoError(t, err)
	require.Len(t, steps, 3)
	assert.Equal(t, []Kind{KindCustomer, KindUser, KindOrder}, []Kind{steps[0].Kind, steps[1].Kind, steps[2].Kind})
	c := steps[0]
	c.Updated = steps[0].Updated
	assert.Equal(t, Step{Kind: KindCustomer, Ref: "C1", Sheet: "customers", Row: 2, Hash: "h1", State: StateDone,
		ResourceID: "cust-1", Outcome: "created", Attempts: 2, RequestID: "req-1", Updated: c.Updated}, c)
	assert.False(t, c.Updated.IsZero())
	assert.Equal(t, "441614960001", steps[1].Number)
	v, err := j.Meta(ctx, "input")
	require.NoError(t, err)
	assert.Equal(t, "onboarding.xlsx", v)
	v, err = j.Meta(ctx, "missing")
	require.NoError(t, err)
	assert.Empty(t, v)

	require.NoError(t, j.Delete(ctx, KindUser, "U2"))
	steps, err = j.Steps(ctx)
	require.NoError(t, err)
	assert.Len(t, steps, 2)
}

func TestOpenUsesWALAndAPrivateFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	j, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	var mode, sync string
	require.NoError(t, j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	require.NoError(t, j.db.QueryRow(`PRAGMA synchronous`).Scan(&sync))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, "2", sync, "synchronous=FULL")
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	assert.Equal(t, filepath.Join("dir", "onboarding.xlsx.journal"), DefaultPath(filepath.Join("dir", "onboarding.xlsx")))
	assert.Equal(t, filepath.Join("dir", "sheets.journal"), DefaultPath("dir/sheets/"))
}

func TestOpenRefusesAnEmptyPath(t *testing.T) {
	t.Parallel()
	_, err := Open("")
	assert.Error(t, err)
}

func TestLockAdmitsOneWriter(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "run.journal")
	a, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	b, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })

	unlock, err := a.Lock(t.Context())
	require.NoError(t, err)
	_, err = b.Lock(t.Context())
	assert.ErrorIs(t, err, ErrLocked)
	// Readers and the holder's own writes go on.
	require.NoError(t, a.Put(t.Context(), Step{Kind: KindCustomer, Ref: "C1", Sheet: "customers", Row: 2, Hash: "h", State: StateIntent}))
	_, err = b.Steps(t.Context())
	require.NoError(t, err)

	unlock()
	unlock, err = b.Lock(t.Context())
	require.NoError(t, err, "free again once released")
	_, err = a.Lock(t.Context())
	assert.ErrorIs(t, err, ErrLocked, "and held again")
	unlock()
}
