// Package python runs the Python example against the fake, to prove that
// the fake and its control API work from a language other than Go.
package python

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func TestQuickstartPy(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the Python example (examples/python/quickstart.py) is not run")
	}
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	keyID, secret := srv.Credentials()
	cmd := exec.CommandContext(t.Context(), python, "quickstart.py")
	cmd.Env = append(cmd.Environ(), "PHONELINEPLUS_BASE_URL="+srv.URL(), "PHONELINEPLUS_KEY_ID="+keyID, "PHONELINEPLUS_SECRET="+secret)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("python3 quickstart.py:\n%s", out)

	text := string(out)
	assert.Contains(t, text, "authenticated")
	assert.Contains(t, text, "injected fault f1")
	assert.Contains(t, text, "next create answered 500 'Timeout'")
	assert.Contains(t, text, "after the timeout the customer exists")
	require.Len(t, srv.Customers(), 2, "both creates acted")
	reqs := srv.Requests()
	last := reqs[len(reqs)-2] // the timed-out POST; the lookup came after it
	assert.Equal(t, 500, last.Status)
	assert.Contains(t, text, "request "+last.ID, "the example printed the fake's request ID")
	assert.False(t, strings.Contains(text, secret), "the secret is not printed")
}
