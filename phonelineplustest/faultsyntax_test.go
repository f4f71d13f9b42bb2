package phonelineplustest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultFormsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []Fault{
		{Action: FaultDelay, Latency: 2 * time.Second},
		{Method: "GET", Path: "/products", Action: FaultRespond, Status: 503, Body: `{"message":"down for a bit"}`,
			Header: http.Header{"Retry-After": {"5"}}, Times: 1},
		{Method: "POST", Path: "/customers", Action: FaultTimeoutAfter, Probability: 0.25},
		{Path: "/customers/*/users", Action: FaultTimeoutCommitLater, CommitAfter: 5 * time.Second, Times: 3},
		{Method: "POST", Path: "/customers/*/users", Action: FaultOmitID},
		{Action: FaultDropBefore, Latency: 10 * time.Millisecond, MaxLatency: 50 * time.Millisecond},
		{Action: FaultDropAfter},
		{Action: FaultTruncate},
		{Action: FaultRedirect, Status: 308, Location: "http://127.0.0.1:1/elsewhere"},
	} {
		line := f.String()
		fromLine, err := ParseFault(line)
		require.NoError(t, err, line)
		assert.Equal(t, f, fromLine, line)

		b, err := json.Marshal(f)
		require.NoError(t, err)
		fromJSON, err := ParseFault(string(b))
		require.NoError(t, err, "%s", b)
		assert.Equal(t, f, fromJSON, "%s", b)
	}
	assert.Equal(t, `POST /customers timeout-after once`, Fault{Method: "POST", Path: "/customers", Action: FaultTimeoutAfter, Times: 1}.String())
}

func TestFaultActionsHaveNames(t *testing.T) {
	t.Parallel()
	for i := range faultActionNames {
		a := FaultAction(i)
		b, err := a.MarshalText()
		require.NoError(t, err)
		var back FaultAction
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, a, back)
	}
	_, err := FaultAction(99).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "FaultAction(99)", FaultAction(99).String())
}

func TestInvalidFaultsPanicInGoAndFailOverHTTP(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	bad := Fault{Action: FaultTimeoutCommitLater}
	const want = `phonelineplustest: fault "timeout-commit-later": a timeout-commit-later fault needs a commitAfter`
	assert.PanicsWithValue(t, want, func() { srv.InjectFault(bad) })
	_, err := srv.AddFault(bad)
	assert.EqualError(t, err, want)
	assert.Panics(t, func() { NewServer(WithFault(Fault{Action: FaultDelay})) })
	assert.Panics(t, func() { NewServer(WithLatency(2*time.Second, time.Second)) })
	id := srv.InjectFault(Fault{Action: FaultDropAfter})
	assert.True(t, srv.RemoveFault(id))
	assert.False(t, srv.RemoveFault(id))
}
