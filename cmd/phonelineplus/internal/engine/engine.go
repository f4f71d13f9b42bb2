package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
)

// DefaultConcurrency is how many customers are worked on at once when
// Engine.Concurrency is 0. With each customer's users in parallel too,
// it keeps the 100/min budget full at server latencies of several
// seconds; the SDK's limiter paces the whole run.
const DefaultConcurrency = 32

// DefaultMaxNumberSwaps is how many times a create refused because its
// number is in another order in flight is retried with the next number.
const DefaultMaxNumberSwaps = 5

// DefaultSettleWindow is the settle window the command uses by default:
// how long a lookup of a create whose outcome is unknown keeps looking
// before it counts the resource as absent (the SDK's default too).
const DefaultSettleWindow = 10 * time.Second

// Engine runs a Job. Its zero value is not usable: API and Journal are
// required.
type Engine struct {
	API            API
	Journal        *journal.Journal
	Observe        func(Event)   // called for every step that changes state, one call at a time; may be nil
	Concurrency    int           // customers in parallel; DefaultConcurrency if 0
	MaxNumberSwaps int           // DefaultMaxNumberSwaps if 0
	SettleWindow   time.Duration // how long an earlier run's unsettled create is looked for; 0 looks once
}

// Event reports a step that reached a state (Type "step") or started to
// settle an earlier unsettled create (Type "settle"). Its JSON form is
// one line of `apply --output json`.
type Event struct {
	Type      string        `json:"event"`
	Kind      journal.Kind  `json:"kind"`
	Sheet     string        `json:"sheet"`
	Row       int           `json:"row"`
	Ref       string        `json:"ref"`
	State     journal.State `json:"state,omitempty"`
	Outcome   string        `json:"outcome,omitempty"`
	ID        string        `json:"id,omitempty"`
	Number    string        `json:"number,omitempty"`
	Category  string        `json:"category,omitempty"`
	RequestID string        `json:"requestID,omitempty"`
	Attempts  int           `json:"attempts,omitempty"`
	Reason    string        `json:"reason,omitempty"`
}

// Summary counts the steps of a job by state after a run. Pending counts
// the steps the run did not reach (it was stopped).
type Summary struct {
	Done, NeedsVerification, Failed, Blocked, Pending int
}

// Complete reports whether every step is done.
func (s Summary) Complete() bool {
	return s.NeedsVerification == 0 && s.Failed == 0 && s.Blocked == 0 && s.Pending == 0
}

// Conflict is a row that changed since the journal recorded it in a way
// the tool will not reconcile on its own.
type Conflict struct {
	Step
	Reason string
}

// ConflictError stops a run before anything is sent: rows of the input
// changed in ways that conflict with what was already created.
type ConflictError struct{ Conflicts []Conflict }

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d row(s) changed since they were applied:", len(e.Conflicts))
	for _, c := range e.Conflicts {
		fmt.Fprintf(&b, "\n  %s row %d (%s %s): %s", c.Sheet, c.Row, c.Kind, c.Ref, c.Reason)
	}
	return b.String()
}

// run is the state of one Engine.Run or Engine.Plan.
type run struct {
	e     *Engine
	stop  context.Context // cancelled: start nothing new
	work  context.Context // cancelled: abandon what is in flight
	job   *Job
	steps map[key]journal.Step

	customers   []pl.Customer     // the partner's customers when the run started
	skus        map[string]string // SKU -> product ID, once products is closed
	products    chan struct{}     // closed when skus (or productsErr) is set
	productsErr error
	pools       *pools
	background  sync.WaitGroup // the lookups prepare starts

	mu    sync.Mutex
	fatal error

	emitMu sync.Mutex // Observe is called by one goroutine at a time
}

func (e *Engine) newRun(stop, work context.Context, job *Job) (*run, error) {
	r := &run{e: e, stop: stop, work: work, job: job, steps: map[key]journal.Step{}}
	r.pools = &pools{api: e.API, ctx: work, m: map[string]*pool{}}
	steps, err := e.Journal.Steps(work)
	if err != nil {
		return nil, err
	}
	for _, s := range steps {
		r.steps[key{s.Kind, s.Ref}] = s
	}
	return r, nil
}

// Run applies job. Cancelling stop makes it start nothing new and return
// once the work in flight has settled; cancelling work abandons the work
// in flight (whose intents the next run settles). Rows whose content
// changed since the journal recorded them are re-planned, or, when the
// change conflicts with what exists, stop the run with a *ConflictError
// before anything is sent.
func (e *Engine) Run(stop, work context.Context, job *Job) (Summary, error) {
	r, err := e.newRun(stop, work, job)
	if err != nil {
		return Summary{}, err
	}
	if err := r.reconcile(false); err != nil {
		return Summary{}, err
	}
	err = r.prepare()
	defer r.pools.wg.Wait()
	defer r.background.Wait()
	if err != nil {
		return r.summary(), err
	}
	sem := make(chan struct{}, cmp.Or(e.Concurrency, DefaultConcurrency))
	var wg sync.WaitGroup
loop:
	for _, c := range job.Customers {
		select {
		case sem <- struct{}{}:
		case <-stop.Done():
			break loop
		}
		if r.stopped() {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			r.customer(c)
		})
	}
	wg.Wait()
	// A second pass over the customers a create of which needs
	// verification: they are looked up again, and created through
	// create-or-find if still absent (an order is only looked up). A
	// create the gateway timed out twice while the API refused it (its
	// number in flight, say) gets the refusal this time, and its number
	// swapped.
	for _, c := range job.Customers {
		if r.stopped() {
			break
		}
		if r.needsAnotherLook(c) {
			r.customer(c)
		}
	}
	return r.summary(), r.fatalErr()
}

// needsAnotherLook reports whether c or one of its users needs
// verification.
func (r *run) needsAnotherLook(c *Customer) bool {
	if s, _ := r.step(journal.KindCustomer, c.Ref); s.State == journal.StateNeedsVerification {
		return true
	}
	for _, u := range c.Users {
		if s, _ := r.step(journal.KindUser, u.Ref); s.State == journal.StateNeedsVerification {
			return true
		}
	}
	return false
}

func (r *run) stopped() bool { return r.stop.Err() != nil || r.fatalErr() != nil }

func (r *run) fatalErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal
}

func (r *run) setFatal(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatal == nil {
		r.fatal = err
	}
}

func (r *run) step(k journal.Kind, ref string) (journal.Step, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.steps[key{k, ref}]
	return s, ok
}

// put records s in the journal (durably, before returning) and reports
// it. A journal that cannot be written stops the run: nothing more may
// be sent without a record.
func (r *run) put(s journal.Step) bool {
	if err := r.e.Journal.Put(context.WithoutCancel(r.work), s); err != nil {
		r.setFatal(err)
		return false
	}
	r.mu.Lock()
	r.steps[key{s.Kind, s.Ref}] = s
	r.mu.Unlock()
	if s.State != journal.StateIntent {
		r.emit(Event{Type: "step", Kind: s.Kind, Sheet: s.Sheet, Row: s.Row, Ref: s.Ref, State: s.State,
			Outcome: s.Outcome, ID: s.ResourceID, Number: s.Number, Category: s.Category,
			RequestID: s.RequestID, Attempts: s.Attempts, Reason: s.Reason})
	}
	return true
}

func (r *run) emit(ev Event) {
	if r.e.Observe != nil {
		r.emitMu.Lock()
		defer r.emitMu.Unlock()
		r.e.Observe(ev)
	}
}

// unsettled reports whether a journal step may have created its resource
// without the journal knowing.
func unsettled(s journal.Step) bool {
	return s.State == journal.StateIntent || s.State == journal.StateNeedsVerification
}

// reconcile compares each row's content hash with the journal's: a
// changed row whose step failed, was blocked or never ran is re-planned
// (its step forgotten, in the journal too unless dryRun); a changed row
// whose resource exists or may exist is a conflict.
func (r *run) reconcile(dryRun bool) error {
	var conflicts []Conflict
	for _, row := range r.job.Rows() {
		s, ok := r.steps[key{row.Kind, row.Ref}]
		if !ok || s.Hash == row.Hash {
			continue
		}
		switch {
		case s.State == journal.StateDone:
			conflicts = append(conflicts, Conflict{row, fmt.Sprintf(
				"it was %s as %s %s from its earlier content; apply does not change existing resources: "+
					"restore the row, or give the changed row a new ref", s.Outcome, s.Kind, s.ResourceID)})
		case unsettled(s):
			conflicts = append(conflicts, Conflict{row,
				"its create was sent with the earlier content and is not settled; restore the row and run apply to settle it first"})
		default:
			if !dryRun {
				if err := r.e.Journal.Delete(r.work, row.Kind, row.Ref); err != nil {
					return err
				}
			}
			delete(r.steps, key{row.Kind, row.Ref})
		}
	}
	if len(conflicts) > 0 {
		return &ConflictError{conflicts}
	}
	return nil
}

// prepare makes the lookups the run needs once: the product catalogue
// (for orders) and, when a customer to create has no email, the
// partner's customers (to adopt rows that exist). A customer with an
// email needs no list: its email is unique platform-wide, so
// create-or-find adopts an existing one from the conflict its create
// meets, and a new one (the common case) costs one request.
func (r *run) prepare() error {
	needProducts, needCustomers := r.needLookups()
	// The lookups go out together, with the first page of numbers of
	// each area code, so that at a high latency their round trips
	// overlap. Only the customers list holds the customers back; orders
	// wait for the catalogue when they get to it.
	r.products = make(chan struct{})
	if needProducts {
		r.background.Go(func() {
			defer close(r.products)
			products, err := r.e.API.ListProducts(r.work, nil)
			if err != nil {
				r.productsErr = fmt.Errorf("listing products: %w", err)
				return
			}
			r.skus = map[string]string{}
			for _, p := range products {
				r.skus[strings.ToUpper(p.SKU)] = p.ID
			}
		})
	} else {
		close(r.products)
	}
	for _, area := range r.prefetchAreas() {
		r.pools.get(area).prefetch()
	}
	if needCustomers {
		all, err := r.e.API.ListCustomers(r.work, nil)
		if err != nil {
			return fmt.Errorf("listing customers: %w", err)
		}
		r.customers = all
	}
	// Numbers this run's unsettled creates hold are never handed out again.
	for _, s := range r.steps {
		if s.Number != "" {
			for _, c := range r.job.Customers {
				r.claimFor(c, s)
			}
		}
	}
	return nil
}

// needLookups reports whether the run needs the product catalogue and
// the list of customers. Plan counts the same.
func (r *run) needLookups() (products, customers bool) {
	for _, row := range r.job.Rows() {
		s, ok := r.steps[key{row.Kind, row.Ref}]
		if ok && s.State == journal.StateDone {
			continue
		}
		products = products || row.Kind == journal.KindOrder
	}
	for _, c := range r.job.Customers {
		s, ok := r.steps[key{journal.KindCustomer, c.Ref}]
		customers = customers || (c.Request.Email == "" && (!ok || s.State != journal.StateDone))
	}
	return products, customers
}

// prefetchAreas returns the area codes the first customers of the run
// take numbers from.
func (r *run) prefetchAreas() []string {
	var out []string
	seen := map[string]bool{}
	add := func(area string, s journal.Step, ok bool) {
		if area != "" && !seen[e164(area)] && (!ok || s.State != journal.StateDone) && s.Number == "" {
			seen[e164(area)] = true
			out = append(out, area)
		}
	}
	for _, c := range r.job.Customers {
		if c.Request.Number.NumberE164 == "" {
			s, ok := r.steps[key{journal.KindCustomer, c.Ref}]
			add(c.AreaCode, s, ok)
		}
		for _, u := range c.Users {
			if u.Request.PhoneNumber == "" {
				s, ok := r.steps[key{journal.KindUser, u.Ref}]
				add(u.AreaCode, s, ok)
			}
		}
	}
	return out
}

// claimFor claims s's number in the pools of c's area codes.
func (r *run) claimFor(c *Customer, s journal.Step) {
	if c.AreaCode != "" && s.Kind == journal.KindCustomer && s.Ref == c.Ref {
		r.pools.get(c.AreaCode).claim(s.Number)
	}
	for _, u := range c.Users {
		if u.AreaCode != "" && s.Kind == journal.KindUser && s.Ref == u.Ref {
			r.pools.get(u.AreaCode).claim(s.Number)
		}
	}
}

func (r *run) summary() Summary {
	var sum Summary
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, row := range r.job.Rows() {
		s, ok := r.steps[key{row.Kind, row.Ref}]
		switch {
		case !ok || s.State == journal.StateIntent:
			sum.Pending++
		case s.State == journal.StateDone:
			sum.Done++
		case s.State == journal.StateNeedsVerification:
			sum.NeedsVerification++
		case s.State == journal.StateFailed:
			sum.Failed++
		default:
			sum.Blocked++
		}
	}
	return sum
}

// newStep starts the journal record of a row from what the journal
// already holds (attempts add up over runs).
func newStep(kind journal.Kind, row Source, prev journal.Step) journal.Step {
	return journal.Step{Kind: kind, Ref: row.Ref, Sheet: row.Sheet, Row: row.Row, Hash: row.Hash,
		Attempts: prev.Attempts, Number: prev.Number, ParentID: prev.ParentID, RequestID: prev.RequestID}
}

// finish records how a create ended. A create abandoned because work was
// cancelled stays an intent, for the next run to settle.
func (r *run) finish(s journal.Step, id string, outcome Outcome, err error) journal.Step {
	s.Category, s.Reason = "", ""
	var ve *pl.VerificationError
	switch {
	case err == nil:
		s.State, s.ResourceID, s.Outcome = journal.StateDone, id, string(outcome)
	case r.work.Err() != nil:
		s.State, s.Reason = journal.StateIntent, "interrupted; the next run settles it"
	case errors.As(err, &ve):
		s.State, s.Category = journal.StateNeedsVerification, string(pl.CategoryNeedsVerification)
		s.Reason = ve.Reason
		if ve.Hint != "" {
			s.Reason += "; " + ve.Hint
		}
	case errors.Is(err, pl.ErrNeedsVerification):
		s.State, s.Category, s.Reason = journal.StateNeedsVerification, string(pl.CategoryNeedsVerification), err.Error()
	default:
		s.State, s.Category, s.Reason = journal.StateFailed, string(pl.CategoryOf(err)), err.Error()
		if errors.Is(err, pl.ErrUnauthorized) || errors.Is(err, pl.ErrForbidden) {
			r.setFatal(fmt.Errorf("the API refused the key: %w", err))
		}
	}
	if s.State == journal.StateIntent {
		r.mu.Lock()
		r.steps[key{s.Kind, s.Ref}] = s
		r.mu.Unlock()
		return s
	}
	r.put(s)
	return s
}

// block records that a row did not run because of another, unless the
// journal holds something more telling about it.
func (r *run) block(kind journal.Kind, row Source, reason string) {
	prev, ok := r.step(kind, row.Ref)
	if ok && prev.State != journal.StateFailed && prev.State != journal.StateBlocked {
		return
	}
	s := newStep(kind, row, prev)
	s.State, s.Reason = journal.StateBlocked, reason
	r.put(s)
}
