package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
)

// Action is what apply will do with a row.
type Action string

// The actions of a plan.
const (
	ActionCreate  Action = "create"  // nothing matches: apply creates it
	ActionAdopt   Action = "adopt"   // it already exists: apply records it and sends nothing
	ActionDone    Action = "done"    // the journal has it done
	ActionSettle  Action = "settle"  // an earlier create is unsettled: apply looks it up before anything else
	ActionBlocked Action = "blocked" // it cannot run: Detail says why
)

// PlannedRow is one row of a plan.
type PlannedRow struct {
	Step
	Action Action `json:"action"`
	ID     string `json:"id,omitempty"`     // the existing resource, for adopt and done
	Detail string `json:"detail,omitempty"` // more about the action
}

// EmailInUse is an email of a row to create that something else on the
// platform already uses: its create will be refused.
type EmailInUse struct {
	Step
	Email string `json:"email"`
	Where string `json:"where"`
}

// PoolCheck says whether the available numbers of an area code cover
// the rows that take a DDI from it.
type PoolCheck struct {
	AreaCode string `json:"areaCode"`
	Needed   int    `json:"needed"`
	Seen     int    `json:"seen"` // distinct available numbers seen
	Covered  bool   `json:"covered"`
}

// Plan is what apply would do, found out without changing anything.
type Plan struct {
	Rows        []PlannedRow `json:"rows"`
	EmailsInUse []EmailInUse `json:"emailsInUse"`
	Pools       []PoolCheck  `json:"pools"`
	// Requests is the number of HTTP requests apply will send if no
	// request fails, the token exchange included. An in-flight number
	// swap, a retried 429 or a page of available numbers that brings
	// fewer than PageSize new numbers adds one each.
	Requests  int        `json:"requests"`
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// PageSize is how many numbers one page of available numbers is
// expected to bring, as the API and the public client show.
const PageSize = 20

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Duration is the least time Requests take at perMinute requests a
// minute (the first one goes at once).
func (p *Plan) Duration(perMinute int) time.Duration {
	if p.Requests <= 1 || perMinute <= 0 {
		return 0
	}
	return time.Duration(p.Requests-1) * time.Minute / time.Duration(perMinute)
}

// Count returns how many rows have each action.
func (p *Plan) Count() map[Action]int {
	m := map[Action]int{}
	for _, r := range p.Rows {
		m[r.Action]++
	}
	return m
}

// Plan works out what Run would do with job, sending only reads: the
// partner's customers, the users of customers a row adopts, the product
// catalogue and pages of available numbers.
func (e *Engine) Plan(ctx context.Context, job *Job) (*Plan, error) {
	r, err := e.newRun(ctx, ctx, job)
	if err != nil {
		return nil, err
	}
	p := &Plan{Requests: 1} // the token exchange
	if err := r.reconcile(true); err != nil {
		ce, ok := err.(*ConflictError)
		if !ok {
			return nil, err
		}
		p.Conflicts = ce.Conflicts
	}
	err = r.prepare()
	r.background.Wait()
	r.pools.wg.Wait()
	if err != nil {
		return nil, err
	}
	if r.productsErr != nil {
		return nil, r.productsErr
	}
	if r.customers == nil {
		// The plan shows every adoption, by email too, which the run
		// learns from its creates instead.
		if r.customers, err = e.API.ListCustomers(ctx, nil); err != nil {
			return nil, fmt.Errorf("listing customers: %w", err)
		}
	}
	steps := map[key]journal.Step{}
	for k, s := range r.steps {
		steps[k] = s
	}
	if products, customers := r.needLookups(); products || customers {
		p.Requests += btoi(products) + btoi(customers)
	}
	emails := map[string]string{} // lower-case email -> where it is used
	for _, c := range r.customers {
		if c.Email != "" {
			emails[strings.ToLower(c.Email)] = fmt.Sprintf("customer %q (%s)", c.CompanyName, c.ID)
		}
	}
	// Portal users' emails are unique platform-wide too. (Other partners'
	// emails cannot be seen: their conflicts show only in apply.)
	partnerUsers, err := e.API.ListPartnerUsers(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("listing partner users: %w", err)
	}
	for _, u := range partnerUsers {
		emails[strings.ToLower(u.Email)] = fmt.Sprintf("partner (portal) user %q (%s)", u.FullName, u.ID)
	}
	pooled := map[string]int{} // area code -> rows taking a number from it
	var pooledOrder []string
	usePool := func(area string) {
		k := e164(area)
		if pooled[k] == 0 {
			pooledOrder = append(pooledOrder, area)
		}
		pooled[k]++
	}
	add := func(row PlannedRow) { p.Rows = append(p.Rows, row) }

	var users, orders []PlannedRow
	for _, c := range job.Customers {
		cs, had := steps[key{journal.KindCustomer, c.Ref}]
		crow := PlannedRow{Step: Step{journal.KindCustomer, c.Source}}
		switch {
		case had && cs.State == journal.StateDone:
			crow.Action, crow.ID = ActionDone, cs.ResourceID
		default:
			req := c.Request
			if req.Number.NumberE164 == "" && c.AreaCode != "" && cs.Number != "" {
				req.Number.NumberE164 = cs.Number
			}
			wasSent := had && unsettled(cs)
			m := MatchCustomer(r.customers, req)
			switch {
			case wasSent:
				// Looked up first (a customer with an email by a request
				// of its own; one without in the run's list), then sent
				// through create-or-find if absent.
				p.Requests += btoi(req.Email != "")
				crow.Action = ActionSettle
				if m != nil {
					crow.ID, crow.Detail = m.ID, "found: the earlier create happened"
					cs = journal.Step{State: journal.StateDone, Outcome: string(OutcomeFound), ResourceID: m.ID}
				} else {
					crow.Detail = "not found: sent again through create-or-find"
					p.Requests++
				}
			case m != nil:
				crow.Action, crow.ID = ActionAdopt, m.ID
				// With an email, the create meets the email conflict and
				// create-or-find looks the customer up.
				p.Requests += 2 * btoi(req.Email != "")
				cs = journal.Step{State: journal.StateDone, Outcome: string(OutcomeAdopted), ResourceID: m.ID}
			default:
				crow.Action = ActionCreate
				p.Requests++
				if where, ok := emails[strings.ToLower(req.Email)]; ok && req.Email != "" {
					p.EmailsInUse = append(p.EmailsInUse, EmailInUse{Step: crow.Step, Email: req.Email, Where: where})
				}
			}
			if crow.ID == "" && req.Number.NumberE164 == "" && c.AreaCode != "" {
				usePool(c.AreaCode)
			}
		}
		add(crow)

		var existing []pl.User
		custKnown := crow.ID != ""
		stepOf := func(k journal.Kind, ref string) (journal.Step, bool) { s, ok := steps[key{k, ref}]; return s, ok }
		if custKnown && needsUserList(c, cs, stepOf) {
			p.Requests++
			if existing, err = e.API.ListUsers(ctx, cs.ResourceID, nil); err != nil {
				return nil, fmt.Errorf("listing the users of customer %s: %w", cs.ResourceID, err)
			}
			for _, u := range existing {
				emails[strings.ToLower(u.Email)] = fmt.Sprintf("user %s of customer %s", u.ID, cs.ResourceID)
			}
		}
		for _, u := range c.Users {
			us, had := steps[key{journal.KindUser, u.Ref}]
			row := PlannedRow{Step: Step{journal.KindUser, u.Source}}
			switch {
			case had && us.State == journal.StateDone:
				row.Action, row.ID = ActionDone, us.ResourceID
			case MatchUser(existing, u.Request.Email) != nil:
				m := MatchUser(existing, u.Request.Email)
				row.Action, row.ID = ActionAdopt, m.ID
				allocation := had && unsettled(us) && us.Outcome == string(OutcomeAdopted)
				if had && unsettled(us) && !allocation {
					row.Action, row.Detail = ActionSettle, "found: the earlier create happened"
				} else if wantsDDI(u) && m.PhoneNumber == "" {
					row.Detail = "its DDI is added and allocated to it"
					p.Requests += 2
					if u.Request.PhoneNumber == "" && us.Number == "" {
						usePool(u.AreaCode)
					}
				}
			default:
				row.Action = ActionCreate
				if had && unsettled(us) {
					row.Action, row.Detail = ActionSettle, "not found: sent again through create-or-find"
				}
				p.Requests++
				if u.Request.PhoneNumber == "" && u.AreaCode != "" && us.Number == "" {
					usePool(u.AreaCode)
				}
				if where, ok := emails[strings.ToLower(u.Request.Email)]; ok {
					p.EmailsInUse = append(p.EmailsInUse, EmailInUse{Step: row.Step, Email: u.Request.Email, Where: where})
				}
			}
			users = append(users, row)
		}
		for _, o := range c.Orders {
			os, had := steps[key{journal.KindOrder, o.Ref}]
			row := PlannedRow{Step: Step{journal.KindOrder, o.Source}}
			switch {
			case had && os.State == journal.StateDone:
				row.Action, row.ID = ActionDone, os.ResourceID
			case had && unsettled(os):
				row.Action, row.Detail = ActionSettle, "looked up; never sent again"
				p.Requests++
			default:
				row.Action = ActionCreate
				for _, l := range o.Lines {
					if _, ok := r.skus[strings.ToUpper(l.SKU)]; !ok {
						row.Action, row.Detail = ActionBlocked, fmt.Sprintf("product %s is not in the catalogue", l.SKU)
					}
				}
				if row.Action == ActionCreate {
					p.Requests++
				}
			}
			orders = append(orders, row)
		}
	}
	p.Rows = append(append(p.Rows, users...), orders...)

	for _, area := range pooledOrder {
		need := pooled[e164(area)]
		pages := (need + PageSize - 1) / PageSize
		p.Requests += pages
		pc := PoolCheck{AreaCode: area, Needed: need}
		seen := map[string]bool{}
		// Pages overlap: look at a few more than the run needs before
		// calling the pool short.
		for i := 0; i < pages+maxEmptyPages && len(seen) < need; i++ {
			page, err := e.API.ListAvailable(ctx, pl.AvailableNumbersOptions{NumberType: pl.NumberTypeGeographic, AreaCode: area}, nil)
			if err != nil {
				return nil, fmt.Errorf("listing available numbers in %s: %w", area, err)
			}
			for _, n := range page {
				seen[n.NumberE164] = true
			}
		}
		pc.Seen = len(seen)
		pc.Covered = pc.Seen >= need
		p.Pools = append(p.Pools, pc)
	}
	return p, nil
}

// Estimate is Plan without asking the API: every row the journal does
// not have done counts as a create (an adoption costs one request more,
// or one less), pages of numbers as PageSize each. It is what a progress
// display uses for the time left when no plan was made.
func (e *Engine) Estimate(ctx context.Context, job *Job) (*Plan, error) {
	r, err := e.newRun(ctx, ctx, job)
	if err != nil {
		return nil, err
	}
	p := &Plan{Requests: 1}
	products, customers := r.needLookups()
	p.Requests += btoi(products) + btoi(customers)
	pooled := map[string]int{}
	for _, row := range job.Rows() {
		pr := PlannedRow{Step: row, Action: ActionCreate}
		if s, ok := r.steps[key{row.Kind, row.Ref}]; ok && s.State == journal.StateDone {
			pr.Action, pr.ID = ActionDone, s.ResourceID
		} else {
			p.Requests++
		}
		p.Rows = append(p.Rows, pr)
	}
	for _, c := range job.Customers {
		if s, ok := r.steps[key{journal.KindCustomer, c.Ref}]; c.AreaCode != "" && (!ok || s.State != journal.StateDone) {
			pooled[e164(c.AreaCode)]++
		}
		for _, u := range c.Users {
			if s, ok := r.steps[key{journal.KindUser, u.Ref}]; u.AreaCode != "" && (!ok || s.State != journal.StateDone) {
				pooled[e164(u.AreaCode)]++
			}
		}
	}
	for _, n := range pooled {
		p.Requests += (n + PageSize - 1) / PageSize
	}
	return p, nil
}
