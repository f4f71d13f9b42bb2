package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// With one free number the customer takes it: the error says the customer
// is made (a rerun would make another), not that it should be tried again.
func TestRunSaysTheCustomerIsMadeWhenNoNumberIsLeftForTheUser(t *testing.T) {
	srv := phonelineplustest.NewServer(phonelineplustest.WithoutNumberPool(),
		phonelineplustest.WithAvailableNumbers(phonelineplustest.AvailableNumber{NumberE164: "441614960021"}))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	t.Setenv("PHONELINEPLUS_BASE_URL", srv.URL())
	t.Setenv("PHONELINEPLUS_KEY_ID", keyID)
	t.Setenv("PHONELINEPLUS_SECRET", secret)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	err := run(ctx)
	require.Error(t, err)
	customers := srv.Customers()
	require.Len(t, customers, 1)
	assert.Contains(t, err.Error(), "customer "+customers[0].CustomerID+" is made")
	assert.Empty(t, srv.Users(customers[0].CustomerID)[1:], "no user added without a number for them")
}
