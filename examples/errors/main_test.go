package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The demo drives the fake into each error it shows and fails if any
// comes out otherwise.
func TestRun(t *testing.T) {
	t.Parallel()
	require.NoError(t, run())
}
