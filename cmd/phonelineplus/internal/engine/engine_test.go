package engine

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func TestRunOnboardsAJob(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil)
	j := openJournal(t)
	var events []Event
	e := &Engine{API: api, Journal: j, Observe: func(ev Event) { events = append(events, ev) }, Concurrency: 1}
	sum, err := e.Run(t.Context(), t.Context(), testJob(4, 3))
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 4 + 12 + 4}, sum)

	snap := srv.Snapshot()
	assert.Len(t, snap.Customers, 4)
	assert.Len(t, snap.Users, 4+12, "a primary user per customer and three more")
	assert.Len(t, snap.Orders, 4)
	for _, o := range snap.Orders {
		assert.Len(t, o.SKUToUserMapping["W73P"], 3)
	}
	assert.Equal(t, 4, countRequests(srv, http.MethodPost, "/customers"))
	steps, err := j.Steps(t.Context())
	require.NoError(t, err)
	require.Len(t, steps, 20)
	for _, s := range steps {
		assert.Equal(t, journal.StateDone, s.State, "%s %s", s.Kind, s.Ref)
		assert.Equal(t, "created", s.Outcome)
		assert.NotEmpty(t, s.ResourceID)
		if s.Kind == journal.KindUser {
			assert.Regexp(t, `^44161`, s.Number)
		}
	}
	assert.Len(t, events, 20)

	// A second run finds everything done and sends nothing.
	before := len(srv.Requests())
	sum, err = e.Run(t.Context(), t.Context(), testJob(4, 3))
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 20}, sum)
	assert.Equal(t, before, len(srv.Requests()))
}

func TestRunSettlesAnIntentInsteadOfResending(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil)
	job := testJob(1, 1)
	c := job.Customers[0]
	// An earlier run created the customer and was killed before it
	// recorded the outcome.
	_, err := api.Client.Customers.Create(t.Context(), c.Request)
	require.NoError(t, err)
	j := openJournal(t)
	require.NoError(t, j.Put(t.Context(), journal.Step{Kind: journal.KindCustomer, Ref: c.Ref, Sheet: c.Sheet, Row: c.Row,
		Hash: c.Hash, State: journal.StateIntent}))

	sum, err := (&Engine{API: api, Journal: j}).Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 3}, sum)
	assert.Equal(t, 1, countRequests(srv, http.MethodPost, "/customers"), "the customer is not sent again")
	assert.Len(t, srv.Customers(), 1)
	s, ok := stepOf(t, j, journal.KindCustomer, c.Ref)
	require.True(t, ok)
	assert.Equal(t, "found", s.Outcome)
}

func TestRunNeverResendsAnUnsettledOrder(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil)
	job := testJob(1, 1)
	o := job.Customers[0].Orders[0]
	j := openJournal(t)
	require.NoError(t, j.Put(t.Context(), journal.Step{Kind: journal.KindOrder, Ref: o.Ref, Sheet: o.Sheet, Row: o.Row,
		Hash: o.Hash, State: journal.StateIntent}))

	sum, err := (&Engine{API: api, Journal: j}).Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 2, NeedsVerification: 1}, sum)
	assert.Zero(t, countRequests(srv, http.MethodPost, "/customers/*/orders"))
	s, _ := stepOf(t, j, journal.KindOrder, o.Ref)
	assert.Equal(t, journal.StateNeedsVerification, s.State)
	assert.Contains(t, s.Reason, "never re-sends an order")
}

func TestRunSwapsAnInFlightNumber(t *testing.T) {
	t.Parallel()
	numbers := []string{"441614960000", "441614960001", "441614960002", "441614960003", "441614960004"}
	var pool []phonelineplustest.AvailableNumber
	for _, n := range numbers {
		pool = append(pool, phonelineplustest.AvailableNumber{NumberE164: n})
	}
	held := numbers[:3]
	srv, api := newFakeAPI(t, nil, phonelineplustest.WithoutNumberPool(), phonelineplustest.WithAvailableNumbers(pool...),
		phonelineplustest.WithInFlightNumbers(held...))
	j := openJournal(t)
	sum, err := (&Engine{API: api, Journal: j, Concurrency: 1}).Run(t.Context(), t.Context(), testJob(1, 1))
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 3}, sum)
	s, _ := stepOf(t, j, journal.KindUser, "U000-0")
	assert.Contains(t, numbers[3:], s.Number, "a number nobody holds")
	sent := countRequests(srv, http.MethodPost, "/customers/*/users")
	assert.GreaterOrEqual(t, sent, 1)
	assert.LessOrEqual(t, sent, 1+len(held), "each held number is tried at most once")
}

func TestRunStopsOnAConflictingEdit(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil)
	j := openJournal(t)
	e := &Engine{API: api, Journal: j}
	_, err := e.Run(t.Context(), t.Context(), testJob(1, 1))
	require.NoError(t, err)
	before := len(srv.Requests())

	job := testJob(1, 1)
	job.Customers[0].Hash = "edited"
	_, err = e.Run(t.Context(), t.Context(), job)
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Conflicts, 1)
	assert.Equal(t, "C000", ce.Conflicts[0].Ref)
	assert.Contains(t, err.Error(), "customers row 2")
	assert.Equal(t, before, len(srv.Requests()), "nothing is sent")
}

func TestRunReplansAFailedRowThatChanged(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil, phonelineplustest.WithCustomer(phonelineplustest.Customer{
		CompanyName: "Elsewhere Ltd", FullName: "Someone Else", Email: "taken@example.co.uk", Plan: "hardware_only_cp"}))
	j := openJournal(t)
	e := &Engine{API: api, Journal: j}
	job := testJob(1, 1)
	job.Customers[0].Users[0].Request.Email = "taken@example.co.uk" // in use by another customer's user: 409
	sum, err := e.Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 1, Failed: 1, Blocked: 1}, sum)
	s, _ := stepOf(t, j, journal.KindUser, "U000-0")
	assert.Equal(t, "email_in_use", s.Category)

	job = testJob(1, 1)
	job.Customers[0].Users[0].Hash = "fixed"
	sum, err = e.Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 3}, sum)
	assert.Len(t, srv.Snapshot().Orders, 1)
	assert.Len(t, srv.Customers(), 2, "the customer was not created again")
}

func TestRunStopStartsNothingNew(t *testing.T) {
	t.Parallel()
	srv, api := newFakeAPI(t, nil)
	stop, cancel := context.WithCancel(t.Context())
	cancel()
	sum, err := (&Engine{API: api, Journal: openJournal(t)}).Run(stop, t.Context(), testJob(2, 1))
	require.NoError(t, err)
	assert.Equal(t, Summary{Pending: 6}, sum)
	assert.Zero(t, countRequests(srv, http.MethodPost, "/customers"))
}

func stepOf(t *testing.T, j *journal.Journal, kind journal.Kind, ref string) (journal.Step, bool) {
	t.Helper()
	steps, err := j.Steps(t.Context())
	require.NoError(t, err)
	for _, s := range steps {
		if s.Kind == kind && s.Ref == ref {
			return s, true
		}
	}
	return journal.Step{}, false
}

func TestRunAllocatesADDIToAUserThatExisted(t *testing.T) {
	t.Parallel()
	const custID, userID = "5b0c1f9e-0000-4000-8000-000000000010", "5b0c1f9e-0000-4000-8000-000000000011"
	srv, api := newFakeAPI(t, nil,
		phonelineplustest.WithCustomer(phonelineplustest.Customer{CustomerID: custID, CompanyName: "Customer 000 Ltd",
			FullName: "Owner 000", Email: "owner000@example.co.uk", Plan: "hardware_only_cp"}),
		phonelineplustest.WithUser(custID, phonelineplustest.User{ID: userID, FullName: "User 000-0", Email: "user000-0@example.co.uk"}))
	j := openJournal(t)
	job := testJob(1, 1)
	e := &Engine{API: api, Journal: j}
	plan, err := e.Plan(t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, map[Action]int{ActionAdopt: 2, ActionCreate: 1}, plan.Count())

	before := len(srv.Requests())
	sum, err := e.Run(t.Context(), t.Context(), job)
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 3}, sum)
	assert.Equal(t, plan.Requests-1, len(srv.Requests())-before, "as planned (the token is cached)")
	s, _ := stepOf(t, j, journal.KindUser, "U000-0")
	assert.Equal(t, "adopted", s.Outcome)
	assert.Equal(t, userID, s.ResourceID)
	nums := srv.Numbers(custID)
	require.Len(t, nums, 1)
	assert.Equal(t, s.Number, nums[0].NumberE164)
	assert.Equal(t, userID, nums[0].AllocatedTo.UserID)
	assert.Len(t, srv.Snapshot().Users, 2, "no user was created")
}

func TestRunLooksAgainAtAUserThatNeedsVerification(t *testing.T) {
	t.Parallel()
	numbers := []string{"441614960000", "441614960001", "441614960002"}
	var pool []phonelineplustest.AvailableNumber
	for _, n := range numbers {
		pool = append(pool, phonelineplustest.AvailableNumber{NumberE164: n})
	}
	// The user's first number is held in flight, and the gateway times
	// out both sends of it: the SDK cannot tell, and reports the user as
	// needing verification. The second pass meets the real refusal.
	srv, api := newFakeAPI(t, nil, phonelineplustest.WithoutNumberPool(), phonelineplustest.WithAvailableNumbers(pool...),
		phonelineplustest.WithInFlightNumbers(numbers[0]),
		phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers/*/users",
			Action: phonelineplustest.FaultTimeoutAfter, Times: 2}))
	j := openJournal(t)
	sum, err := (&Engine{API: api, Journal: j, Concurrency: 1}).Run(t.Context(), t.Context(), testJob(1, 1))
	require.NoError(t, err)
	assert.Equal(t, Summary{Done: 3}, sum)
	s, _ := stepOf(t, j, journal.KindUser, "U000-0")
	assert.Equal(t, "created", s.Outcome)
	assert.NotEqual(t, numbers[0], s.Number, "the held number was swapped")
	assert.Len(t, srv.Snapshot().Users, 2)
}
