// Package exitcode holds the exit codes of the phonelineplus command, which
// scripts can rely on, and the error type that carries one.
package exitcode

import (
	"context"
	"errors"

	"github.com/phonelineplus-go/phonelineplus"
)

// Exit codes. They never change meaning; new ones are only added.
const (
	// OK: everything asked for was done.
	OK = 0
	// Failures: the command ran, but some rows failed or the input has
	// problems (validate found errors; apply left rows failed).
	Failures = 1
	// Usage: bad flags or arguments, or an input file that cannot be read
	// as a workbook at all.
	Usage = 2
	// Auth: no credentials, a profile file others can read, or the API
	// refused the key (401/403).
	Auth = 3
	// Interrupted: stopped by Ctrl-C or SIGTERM after settling what was in
	// flight. Run the same command again to resume.
	Interrupted = 4
	// Unavailable: the API could not be reached, failed, or kept rate
	// limiting past the retries.
	Unavailable = 5
	// NeedsVerification: some rows may or may not have been created and
	// need a person to check them (status shows which, and why).
	NeedsVerification = 6
	// Conflict: the input changed since an earlier run in a way that
	// conflicts with what that run already created.
	Conflict = 7
)

// Help is the table of exit codes for --help and the README.
const Help = `Exit codes:
  0  ok: everything asked for was done
  1  failures: some rows failed, or the input has problems
  2  usage: bad flags or arguments, or a file that is not a workbook
  3  auth: no credentials, a profile file others can read, or the key was refused
  4  interrupted (Ctrl-C, SIGTERM): in-flight work settled; run again to resume
  5  unavailable: the API could not be reached or kept failing
  6  needs verification: some rows need a person to check them
  7  conflict: the input changed in a way that conflicts with an earlier run`

// Error is an error with the exit code the command ends with.
type Error struct {
	Code int
	Err  error
}

// New returns err with an exit code, or nil if err is nil.
func New(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Error returns the message of the wrapped error.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// Of returns the exit code for err: OK for nil, the code of an *Error, and
// otherwise one chosen from what the SDK's error says.
func Of(err error) int {
	var e *Error
	switch {
	case err == nil:
		return OK
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.Canceled):
		return Interrupted
	case errors.Is(err, phonelineplus.ErrUnauthorized), errors.Is(err, phonelineplus.ErrForbidden):
		return Auth
	case errors.Is(err, phonelineplus.ErrValidation):
		return Usage
	case errors.Is(err, phonelineplus.ErrNeedsVerification):
		return NeedsVerification
	case errors.Is(err, phonelineplus.ErrNetwork), errors.Is(err, phonelineplus.ErrServer),
		errors.Is(err, phonelineplus.ErrRateLimited), errors.Is(err, phonelineplus.ErrInvalidResponse),
		errors.Is(err, phonelineplus.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	}
	return Failures
}
