package engine

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func TestPlanCountsExactlyTheRequestsOfTheRun(t *testing.T) {
	t.Parallel()
	const existingID = "5b0c1f9e-0000-4000-8000-000000000001"
	srv, planAPI := newFakeAPI(t, nil,
		phonelineplustest.WithCustomer(phonelineplustest.Customer{CustomerID: existingID, CompanyName: "Customer 001 Ltd",
			FullName: "Owner 001", Email: "owner001@example.co.uk", Plan: "hardware_only_cp"}),
		phonelineplustest.WithUser(existingID, phonelineplustest.User{FullName: "User 001-0", Email: "user001-0@example.co.uk"}),
		phonelineplustest.WithCustomer(phonelineplustest.Customer{CompanyName: "Elsewhere Ltd", FullName: "Someone",
			Email: "user003-2@example.co.uk", Plan: "hardware_only_cp"}),
	)
	j := openJournal(t)
	job := testJob(5, 3)
	plan, err := (&Engine{API: planAPI, Journal: j}).Plan(t.Context(), job)
	require.NoError(t, err)
	assert.Empty(t, plan.Conflicts)
	assert.Equal(t, map[Action]int{ActionCreate: 4 + 14 + 5, ActionAdopt: 1 + 1}, plan.Count())
	require.Len(t, plan.EmailsInUse, 1)
	assert.Equal(t, "U003-2", plan.EmailsInUse[0].Ref)
	assert.Contains(t, plan.EmailsInUse[0].Where, "Elsewhere Ltd")
	require.Len(t, plan.Pools, 1)
	assert.Equal(t, PoolCheck{AreaCode: "0161", Needed: 15, Seen: 20, Covered: true}, plan.Pools[0])
	steps, err := j.Steps(t.Context())
	require.NoError(t, err)
	assert.Empty(t, steps, "plan writes nothing")

	// 1 token + 1 products + 4 customers + 2 for the adopted one (its
	// create meets the email conflict, then the lookup) + 1 users list
	// (the adopted customer's) + 14 users + 2 to give the adopted user its
	// DDI (the number, its allocation) + 1 page of numbers + 5 orders.
	assert.Equal(t, 31, plan.Requests)
	assert.Equal(t, 30*600*time.Millisecond, plan.Duration(100))

	before := len(srv.Requests())
	id, secret := srv.Credentials()
	c, err := pl.New(id, secret, pl.WithBaseURL(srv.URL()), pl.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
		pl.WithLimiter(rate.NewLimiter(rate.Inf, 1)))
	require.NoError(t, err)
	_, err = (&Engine{API: &SDK{Client: c}, Journal: j}).Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, plan.Requests, len(srv.Requests())-before, "the run sends what the plan counted")
}

func TestPlanReportsEmailsOfPortalUsers(t *testing.T) {
	t.Parallel()
	_, api := newFakeAPI(t, nil,
		phonelineplustest.WithPartnerUser(phonelineplustest.PartnerUser{FullName: "Pat Portal", Email: "owner000@example.co.uk"}))
	plan, err := (&Engine{API: api, Journal: openJournal(t)}).Plan(t.Context(), testJob(1, 1))
	require.NoError(t, err)
	require.Len(t, plan.EmailsInUse, 1)
	assert.Equal(t, "C000", plan.EmailsInUse[0].Ref)
	assert.Equal(t, "owner000@example.co.uk", plan.EmailsInUse[0].Email)
	assert.Contains(t, plan.EmailsInUse[0].Where, `partner (portal) user "Pat Portal"`)
}
