package engine

import (
	"cmp"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
)

// This file holds the steps of one customer: the customer, its users
// (each with its DDI), their allocations, then its orders, and the look-ups
// that settle a step an earlier run left unsettled.

// customer runs one customer's steps: the customer, its users in
// parallel, then its orders.
func (r *run) customer(c *Customer) {
	s, ok := r.step(journal.KindCustomer, c.Ref)
	if !ok || s.State != journal.StateDone {
		if r.stopped() {
			return
		}
		s = r.ensureCustomer(c, s)
	}
	if s.State != journal.StateDone {
		reason := fmt.Sprintf("customer %s is %s", c.Ref, strings.ReplaceAll(string(s.State), "_", " "))
		if s.State == journal.StateIntent {
			return // interrupted: its rows stay pending
		}
		for _, u := range c.Users {
			r.block(journal.KindUser, u.Source, reason)
		}
		for _, o := range c.Orders {
			r.block(journal.KindOrder, o.Source, reason)
		}
		return
	}
	custID := s.ResourceID
	existing, err := r.existingUsers(c, s)
	if err != nil {
		for _, u := range c.Users {
			r.block(journal.KindUser, u.Source, "listing the customer's users failed: "+err.Error())
		}
		return
	}
	var wg sync.WaitGroup
	for _, u := range c.Users {
		if us, ok := r.step(journal.KindUser, u.Ref); ok && us.State == journal.StateDone {
			continue
		}
		wg.Go(func() { r.ensureUser(c, u, custID, existing) })
	}
	wg.Wait()
	for _, o := range c.Orders {
		if os, ok := r.step(journal.KindOrder, o.Ref); ok && os.State == journal.StateDone {
			continue
		}
		if r.stopped() {
			return
		}
		r.ensureOrder(c, o, custID)
	}
}

// needsUserList reports whether the users of c must be listed before its
// users are created: the customer existed before (adopted), or a user
// create of an earlier run is unsettled. Plan counts the same.
func needsUserList(c *Customer, cs journal.Step, step func(journal.Kind, string) (journal.Step, bool)) bool {
	pending, unsettledUser := false, false
	for _, u := range c.Users {
		us, ok := step(journal.KindUser, u.Ref)
		if ok && us.State == journal.StateDone {
			continue
		}
		pending = true
		unsettledUser = unsettledUser || (ok && unsettled(us))
	}
	return pending && (cs.Outcome == string(OutcomeAdopted) || unsettledUser)
}

func (r *run) existingUsers(c *Customer, cs journal.Step) ([]pl.User, error) {
	if !needsUserList(c, cs, r.step) {
		return nil, nil
	}
	return r.e.API.ListUsers(r.work, cs.ResourceID, nil)
}

// lookUp looks up the resource of an unsettled step, and keeps looking
// for the settle window: a create the gateway timed out may still commit.
// The window runs from now, not from the intent: the earlier run may have
// sent the create long after recording the intent (it waited for the
// budget, or for a Retry-After), but it sent it before it ended, so
// before now. listed says that the caller has just looked (in a list it
// fetched), so the first look is skipped.
func lookUp[T any](r *run, s *journal.Step, listed bool, find func(*Call) (*T, error)) (*T, error) {
	deadline := time.Now().Add(r.e.SettleWindow)
	err := fmt.Errorf("%s %s: %w", s.Kind, s.Ref, pl.ErrNotFound)
	for delay := time.Second; ; delay *= 2 {
		if !listed {
			var call Call
			var v *T
			v, err = find(&call)
			s.Attempts += call.Attempts
			s.RequestID = cmp.Or(call.RequestID, s.RequestID)
			if err == nil || !errors.Is(err, pl.ErrNotFound) {
				return v, err
			}
		}
		listed = false
		wait := min(delay, time.Until(deadline))
		if wait <= 0 {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-r.work.Done():
			t.Stop()
			return nil, r.work.Err()
		case <-t.C:
		}
	}
}

// settled records the end of a look-up: done when found; left to the
// create when not found; needs verification when the lookup failed.
func settled[T any](r *run, s journal.Step, found *T, err error, id func(*T) string) (bool, journal.Step) {
	switch {
	case err == nil:
		return true, r.finish(s, id(found), OutcomeFound, nil)
	case errors.Is(err, pl.ErrNotFound):
		return false, s
	}
	return true, r.finish(s, "", "", &pl.VerificationError{Operation: string(s.Kind) + " lookup", Err: err,
		Reason: "an earlier run sent the create without learning its outcome, and looking it up failed: " + err.Error(),
		Hint:   "run apply again: it looks the resource up before creating it"})
}

// ensureCustomer settles or creates a customer.
func (r *run) ensureCustomer(c *Customer, prev journal.Step) journal.Step {
	s := newStep(journal.KindCustomer, c.Source, prev)
	req := c.Request
	pooled := req.Number.NumberE164 == "" && c.AreaCode != ""
	if pooled && s.Number != "" {
		req.Number.NumberE164 = s.Number
	}
	if m := MatchCustomer(r.customers, req); m != nil && req.Email == "" {
		outcome := OutcomeAdopted
		if unsettled(prev) {
			outcome = OutcomeFound
		}
		return r.finish(s, m.ID, outcome, nil)
	}
	if unsettled(prev) {
		r.emit(Event{Type: "settle", Kind: s.Kind, Sheet: s.Sheet, Row: s.Row, Ref: s.Ref})
		found, err := lookUp(r, &s, req.Email == "", func(call *Call) (*pl.Customer, error) {
			return r.e.API.FindCustomer(r.work, req, call)
		})
		if done, st := settled(r, s, found, err, func(c *pl.Customer) string { return c.ID }); done {
			return st
		}
	}
	var from *pool // where this attempt's number came from
	for swaps := 0; ; swaps++ {
		if pooled && req.Number.NumberE164 == "" {
			n, err := r.pools.get(c.AreaCode).take(r.work)
			if err != nil {
				return r.finish(s, "", "", err)
			}
			req.Number.NumberE164, from = n, r.pools.get(c.AreaCode)
		}
		s.Number, s.State = req.Number.NumberE164, journal.StateIntent
		if !r.put(s) {
			from.doneIfTaken()
			return s
		}
		var call Call
		cust, outcome, err := r.e.API.CreateOrFindCustomer(withPriority(r.work, priorityCustomer), req, &call)
		from.doneIfTaken()
		from = nil
		s.Attempts += call.Attempts
		s.RequestID = cmp.Or(call.RequestID, s.RequestID)
		if pooled && errors.Is(err, pl.ErrNumberInFlight) && swaps < cmp.Or(r.e.MaxNumberSwaps, DefaultMaxNumberSwaps) {
			req.Number.NumberE164 = ""
			continue
		}
		id := ""
		if cust != nil {
			id = cust.ID
		}
		if outcome == OutcomeAdopted && unsettled(prev) {
			outcome = OutcomeFound // the conflict was our earlier run's own create
		}
		return r.finish(s, id, outcome, err)
	}
}

// ensureUser settles or creates a user, with its DDI in the create call.
func (r *run) ensureUser(c *Customer, u *User, custID string, existing []pl.User) {
	prev, _ := r.step(journal.KindUser, u.Ref)
	if r.stopped() {
		return
	}
	s := newStep(journal.KindUser, u.Source, prev)
	s.ParentID = custID
	req := u.Request
	if m := MatchUser(existing, req.Email); m != nil {
		outcome := OutcomeAdopted
		if unsettled(prev) && prev.Outcome != string(OutcomeAdopted) {
			outcome = OutcomeFound
		}
		if outcome == OutcomeAdopted && wantsDDI(u) && m.PhoneNumber == "" {
			r.allocate(u, custID, m.ID, s)
			return
		}
		r.finish(s, m.ID, outcome, nil)
		return
	}
	if unsettled(prev) {
		r.emit(Event{Type: "settle", Kind: s.Kind, Sheet: s.Sheet, Row: s.Row, Ref: s.Ref})
		found, err := lookUp(r, &s, true, func(call *Call) (*pl.User, error) {
			return r.e.API.FindUser(r.work, custID, req.Email, call)
		})
		if done, _ := settled(r, s, found, err, func(u *pl.User) string { return u.ID }); done {
			return
		}
	}
	pooled := req.PhoneNumber == "" && u.AreaCode != ""
	if pooled && s.Number != "" {
		req.PhoneNumber = s.Number
	}
	var from *pool // where this attempt's number came from
	for swaps := 0; ; swaps++ {
		if pooled && req.PhoneNumber == "" {
			n, err := r.pools.get(u.AreaCode).take(r.work)
			if err != nil {
				r.finish(s, "", "", err)
				return
			}
			req.PhoneNumber, from = n, r.pools.get(u.AreaCode)
		}
		s.Number, s.State = e164(req.PhoneNumber), journal.StateIntent
		if !r.put(s) {
			from.doneIfTaken()
			return
		}
		var call Call
		user, outcome, err := r.e.API.CreateOrFindUser(withPriority(r.work, priorityUser), custID, req, &call)
		from.doneIfTaken()
		from = nil
		s.Attempts += call.Attempts
		s.RequestID = cmp.Or(call.RequestID, s.RequestID)
		if pooled && errors.Is(err, pl.ErrNumberInFlight) && swaps < cmp.Or(r.e.MaxNumberSwaps, DefaultMaxNumberSwaps) {
			req.PhoneNumber = ""
			continue
		}
		id := ""
		if user != nil {
			id = user.ID
		}
		r.finish(s, id, outcome, err)
		return
	}
}

// wantsDDI reports whether a user row asks for a DDI.
func wantsDDI(u *User) bool { return u.Request.PhoneNumber != "" || u.AreaCode != "" }

// allocate gives a user that already existed the DDI its row asks for:
// the number is added to the customer (create-or-find: it may be the
// customer's already, from an interrupted run) and allocated to the user
// (a PUT, safe to send again). Its intent is recorded as adopted, so a
// resumed run allocates again instead of taking the user as found.
func (r *run) allocate(u *User, custID, userID string, s journal.Step) {
	pooled := u.Request.PhoneNumber == ""
	n := u.Request.PhoneNumber
	if pooled {
		n = s.Number
	}
	var from *pool // where this attempt's number came from
	for swaps := 0; ; swaps++ {
		if n == "" {
			var err error
			if n, err = r.pools.get(u.AreaCode).take(r.work); err != nil {
				r.finish(s, "", "", err)
				return
			}
			from = r.pools.get(u.AreaCode)
		}
		s.Number, s.State, s.Outcome = e164(n), journal.StateIntent, string(OutcomeAdopted)
		if !r.put(s) {
			from.doneIfTaken()
			return
		}
		var call Call
		ctx := withPriority(r.work, priorityUser)
		num, _, err := r.e.API.CreateOrFindNumber(ctx, custID, pl.NumberCreateRequest{NumberE164: n}, &call)
		if err == nil {
			_, err = r.e.API.AllocateNumber(ctx, custID, num.ID, userID, &call)
		}
		from.doneIfTaken()
		from = nil
		s.Attempts += call.Attempts
		s.RequestID = cmp.Or(call.RequestID, s.RequestID)
		if pooled && errors.Is(err, pl.ErrNumberInFlight) && swaps < cmp.Or(r.e.MaxNumberSwaps, DefaultMaxNumberSwaps) {
			n = ""
			continue
		}
		r.finish(s, userID, OutcomeAdopted, err)
		return
	}
}

// orderRequest completes an order's request with product IDs and the
// users who get the devices; a reason when it cannot.
func (r *run) orderRequest(c *Customer, o *Order) (pl.OrderCreateRequest, string) {
	req := o.Request
	select {
	case <-r.products:
	case <-r.work.Done():
		return req, "interrupted"
	}
	if r.productsErr != nil {
		return req, r.productsErr.Error()
	}
	req.Products = nil
	req.SKUToUserMapping = nil
	// Lines of one SKU are one product, their quantities added.
	index := map[string]int{}
	for _, l := range o.Lines {
		id, ok := r.skus[strings.ToUpper(l.SKU)]
		if !ok {
			return req, fmt.Sprintf("product %s is not in the catalogue", l.SKU)
		}
		if i, seen := index[id]; seen {
			req.Products[i].Quantity += l.Quantity
		} else {
			index[id] = len(req.Products)
			req.Products = append(req.Products, pl.OrderItem{ID: id, Quantity: l.Quantity})
		}
		for _, ref := range l.UserRefs {
			us, ok := r.step(journal.KindUser, ref)
			if !ok || us.State != journal.StateDone {
				return req, fmt.Sprintf("user %s is not done", ref)
			}
			if req.SKUToUserMapping == nil {
				req.SKUToUserMapping = map[string][]pl.SKUUser{}
			}
			req.SKUToUserMapping[l.SKU] = append(req.SKUToUserMapping[l.SKU], pl.SKUUser{UserID: us.ResourceID})
		}
	}
	for _, users := range req.SKUToUserMapping {
		sort.Slice(users, func(i, j int) bool { return users[i].UserID < users[j].UserID })
	}
	return req, ""
}

// ensureOrder places an order once. An order whose earlier create is
// unsettled is looked up, and never re-sent: absent, it needs a person.
func (r *run) ensureOrder(c *Customer, o *Order, custID string) {
	prev, _ := r.step(journal.KindOrder, o.Ref)
	s := newStep(journal.KindOrder, o.Source, prev)
	s.ParentID = custID
	req, blocked := r.orderRequest(c, o)
	if blocked != "" {
		if unsettled(prev) {
			return
		}
		r.block(journal.KindOrder, o.Source, blocked)
		return
	}
	if unsettled(prev) {
		r.emit(Event{Type: "settle", Kind: s.Kind, Sheet: s.Sheet, Row: s.Row, Ref: s.Ref})
		found, err := lookUp(r, &s, false, func(call *Call) (*pl.Order, error) {
			return r.e.API.FindOrder(r.work, custID, req, call)
		})
		switch {
		case err == nil:
			r.finish(s, found.ID, OutcomeFound, nil)
		case errors.Is(err, pl.ErrNotFound):
			r.finish(s, "", "", &pl.VerificationError{Operation: "Orders.Create", Err: err,
				Reason: "an earlier run sent this order without learning its outcome, and the customer has no matching order",
				Hint:   "check the customer's orders in the portal; the tool never re-sends an order"})
		default:
			r.finish(s, "", "", &pl.VerificationError{Operation: "Orders.Create", Err: err,
				Reason: "an earlier run sent this order without learning its outcome, and looking it up failed: " + err.Error(),
				Hint:   "run apply again to look it up; the tool never re-sends an order"})
		}
		return
	}
	s.State = journal.StateIntent
	if !r.put(s) {
		return
	}
	var call Call
	ord, outcome, err := r.e.API.CreateOrFindOrder(withPriority(r.work, priorityOrder), custID, req, &call)
	s.Attempts += call.Attempts
	s.RequestID = cmp.Or(call.RequestID, s.RequestID)
	id := ""
	if ord != nil {
		id = ord.ID
	}
	r.finish(s, id, outcome, err)
}
