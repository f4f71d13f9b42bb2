package exitcode

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/stretchr/testify/assert"
)

func TestOf(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]int{
		nil:                            OK,
		New(Conflict, errors.New("x")): Conflict,
		fmt.Errorf("wrapped: %w", New(NeedsVerification, errors.New("x"))): NeedsVerification,
		context.Canceled: Interrupted,
		fmt.Errorf("a: %w", phonelineplus.ErrUnauthorized):      Auth,
		phonelineplus.ErrForbidden:                              Auth,
		&phonelineplus.ValidationError{Field: "f", Reason: "r"}: Usage,
		phonelineplus.ErrNeedsVerification:                      NeedsVerification,
		phonelineplus.ErrNetwork:                                Unavailable,
		phonelineplus.ErrServer:                                 Unavailable,
		phonelineplus.ErrRateLimited:                            Unavailable,
		phonelineplus.ErrOutcomeUnknown:                         Unavailable,
		context.DeadlineExceeded:                                Unavailable,
		phonelineplus.ErrNotFound:                               Failures,
		errors.New("anything else"):                             Failures,
	} {
		assert.Equal(t, want, Of(err), "%v", err)
	}
	assert.NoError(t, New(Usage, nil), "no error, no code")
}

func TestHelpListsEveryCode(t *testing.T) {
	t.Parallel()
	for code := OK; code <= Conflict; code++ {
		assert.Contains(t, Help, fmt.Sprintf("\n  %d  ", code), "code %d", code)
	}
	assert.True(t, strings.HasPrefix(Help, "Exit codes:"))
}
