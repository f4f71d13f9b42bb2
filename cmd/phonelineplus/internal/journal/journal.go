// Package journal is the durable record of a bulk onboarding run: one
// SQLite file (modernc.org/sqlite, pure Go) in WAL mode with synchronous
// commits, so that a step's intent is on disk before its create is sent
// and its outcome is on disk before the run moves on. A run killed at any
// instant (kill -9, a power cut after the commit) leaves every step in one
// of three states the next run knows how to handle: not started, intent
// (settle it: the create may or may not have happened), or settled.
//
// The journal holds no secret: no API secret, token or SIP password is
// ever written to it.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Kind is what a step creates.
type Kind string

// The step kinds, in the order a customer's steps run. A DDI allocated to
// a user that already existed is part of the user's step.
const (
	KindCustomer Kind = "customer"
	KindUser     Kind = "user"
	KindOrder    Kind = "order"
)

// State is where a step stands.
type State string

// The step states. A step absent from the journal has not started.
const (
	// StateIntent: the create is about to be sent, or was sent and its
	// outcome was not recorded. The next run settles it (finds the
	// resource or creates it through create-or-find); it is never sent
	// blind.
	StateIntent State = "intent"
	// StateDone: the resource exists (created, found or adopted) and
	// ResourceID names it.
	StateDone State = "done"
	// StateNeedsVerification: the tool cannot tell whether the resource
	// exists and will not guess (an order, which costs money, is never
	// re-sent automatically); Reason says what a person should check.
	StateNeedsVerification State = "needs_verification"
	// StateFailed: the API refused the create (Category and RequestID
	// say why); nothing was created. A later run tries again once the
	// row has been changed.
	StateFailed State = "failed"
	// StateBlocked: the step did not run because a step it depends on
	// (its customer, its users) is not done.
	StateBlocked State = "blocked"
)

// Step is the journal's record of one row of the input turned into one
// resource.
type Step struct {
	Kind  Kind
	Ref   string // the row's ref, unique within its kind
	Sheet string // the input sheet ("customers", "users", "orders")
	Row   int    // the row number in the sheet, as a spreadsheet shows it
	Hash  string // the row's content hash when the step was planned
	State State

	ParentID   string // the customer ID for users and orders
	ResourceID string // the created, found or adopted resource
	Outcome    string // "created", "found" (after an unknown outcome) or "adopted"
	Number     string // the DDI the create used or is about to use
	Attempts   int    // HTTP attempts over all runs
	Category   string // the error category of a failure
	RequestID  string // the request ID of the last response
	Reason     string // why a step needs verification, failed or is blocked
	Updated    time.Time
}

// Journal is an open journal file. It is safe for concurrent use; writes
// are serialised and each is committed to disk before it returns.
type Journal struct {
	db   *sql.DB
	path string
}

// DefaultPath is where the journal of input lives when --journal is not
// given: beside the input, named after it ("onboarding.xlsx" ->
// "onboarding.xlsx.journal").
func DefaultPath(input string) string {
	return filepath.Clean(strings.TrimRight(input, `/\`)) + ".journal"
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS steps (
	kind        TEXT NOT NULL,
	ref         TEXT NOT NULL,
	sheet       TEXT NOT NULL,
	row         INTEGER NOT NULL,
	hash        TEXT NOT NULL,
	state       TEXT NOT NULL,
	parent_id   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	number      TEXT NOT NULL,
	attempts    INTEGER NOT NULL,
	category    TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	reason      TEXT NOT NULL,
	updated     TEXT NOT NULL,
	PRIMARY KEY (kind, ref)
) STRICT;
`

// Open opens the journal at path, creating it (mode 0600) if it does not
// exist. The file is put in WAL mode with synchronous=FULL: every write
// is on disk when Put returns.
func Open(path string) (*Journal, error) {
	if path == "" {
		return nil, errors.New("journal: no path")
	}
	// Create the file first so that its mode is 0600 whatever the umask.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	q := url.Values{"_pragma": {"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)"}}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// One connection: every write goes through it in order, and the
	// pragmas above hold for all of them.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &Journal{db: db, path: path}, nil
}

// ErrLocked reports a journal another process is applying with.
var ErrLocked = errors.New("journal: another apply is running with this journal")

// Lock makes this process the journal's only writer until unlock is
// called: a second apply on the same journal (a scheduled task that
// overlaps the last one, say) would send the same creates. The lock is
// SQLite's write lock on a small file beside the journal (PATH-lock),
// held by an open transaction, so the operating system releases it when
// the process ends, however it ends: a kill -9 leaves no stale lock.
func (j *Journal) Lock(ctx context.Context) (unlock func(), err error) {
	q := url.Values{"_pragma": {"busy_timeout(0)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(j.path+"-lock")+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lock (held INTEGER)`)
	var tx *sql.Tx
	if err == nil {
		tx, err = db.BeginTx(ctx, nil)
	}
	if err == nil {
		// A write, never committed, holds SQLite's write lock.
		if _, err = tx.ExecContext(ctx, `INSERT INTO lock (held) VALUES (1)`); err != nil {
			_ = tx.Rollback()
		}
	}
	if err != nil {
		db.Close()
		if strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked") {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("journal: locking: %w", err)
	}
	return func() {
		_ = tx.Rollback()
		_ = db.Close()
	}, nil
}

// Path is the file the journal is in.
func (j *Journal) Path() string { return j.path }

// Close closes the journal.
func (j *Journal) Close() error { return j.db.Close() }

// Put records s, replacing what the journal held for its kind and ref,
// and returns once the write is on disk. Updated is set to now.
func (j *Journal) Put(ctx context.Context, s Step) error {
	_, err := j.db.ExecContext(ctx, `INSERT OR REPLACE INTO steps
		(kind, ref, sheet, row, hash, state, parent_id, resource_id, outcome, number, attempts, category, request_id, reason, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(s.Kind), s.Ref, s.Sheet, s.Row, s.Hash, string(s.State), s.ParentID, s.ResourceID, s.Outcome,
		s.Number, s.Attempts, s.Category, s.RequestID, s.Reason, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("journal: recording %s %s: %w", s.Kind, s.Ref, err)
	}
	return nil
}

// Delete forgets the step of kind and ref (a row that changed before its
// create was ever sent).
func (j *Journal) Delete(ctx context.Context, kind Kind, ref string) error {
	if _, err := j.db.ExecContext(ctx, `DELETE FROM steps WHERE kind = ? AND ref = ?`, string(kind), ref); err != nil {
		return fmt.Errorf("journal: forgetting %s %s: %w", kind, ref, err)
	}
	return nil
}

// Steps returns every step, customers first, then users and orders, each
// in input row order.
func (j *Journal) Steps(ctx context.Context) ([]Step, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT kind, ref, sheet, row, hash, state, parent_id, resource_id, outcome,
		number, attempts, category, request_id, reason, updated FROM steps
		ORDER BY CASE kind WHEN 'customer' THEN 0 WHEN 'user' THEN 1 ELSE 2 END, row, ref`)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var s Step
		var kind, state, updated string
		if err := rows.Scan(&kind, &s.Ref, &s.Sheet, &s.Row, &s.Hash, &state, &s.ParentID, &s.ResourceID, &s.Outcome,
			&s.Number, &s.Attempts, &s.Category, &s.RequestID, &s.Reason, &updated); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		s.Kind, s.State = Kind(kind), State(state)
		s.Updated, _ = time.Parse(time.RFC3339Nano, updated)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return out, nil
}

// Meta returns the value stored under key, or "" if there is none.
func (j *Journal) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := j.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	return v, nil
}

// SetMeta stores value under key (the input file, the API's base URL, the
// key ID: never a secret).
func (j *Journal) SetMeta(ctx context.Context, key, value string) error {
	if _, err := j.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, value); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}
