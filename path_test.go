package phonelineplus

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpandPath(t *testing.T) {
	t.Parallel()
	got, err := expandPath("/customers/{customerID}/numbers/{numberID}/allocate", "c-1", "n_2.x~")
	require.NoError(t, err)
	assert.Equal(t, "/customers/c-1/numbers/n_2.x~/allocate", got)

	for _, id := range []string{"", " ", ".", "..", "a/b", "%2F", "a?b", "a#b", "a b", "a\r\n", "é", strings.Repeat("a", 129)} {
		_, err := expandPath("/customers/{customerID}/numbers/{numberID}", "ok", id)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%q", id)
		assert.Equal(t, "numberID", ve.Field)
	}
	assert.Panics(t, func() { _, _ = expandPath("/customers/{customerID}") })
	assert.Panics(t, func() { _, _ = expandPath("/customers", "x") })
}
