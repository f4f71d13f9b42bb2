package phonelineplus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the machinery shared by the Find and CreateOrFind
// helpers of every resource: the settle window and its polling, the
// Ensured result, VerificationError, and the lookup errors. Each
// resource's own helpers are at the end of its file.

// DefaultSettleWindow is how long a CreateOrFind keeps looking for a create
// whose outcome is unknown before it treats it as absent.
const DefaultSettleWindow = 10 * time.Second

// The pause between two looks of the settle window: 500 ms, doubling,
// at most 4 s, with a last look at the end of the window. The default
// window makes at most six looks: at 0, 0.5, 1.5, 3.5, 7.5 and 10 s.
const (
	settleFirstPause = 500 * time.Millisecond
	settleMaxPause   = 4 * time.Second
)

// WithSettleWindow sets how long a CreateOrFind looks for a create whose
// outcome is unknown before it declares it absent (default 10 s). A
// gateway "500 Timeout" can come while the backend is still working, and
// the resource then appears seconds later: a window shorter than the
// backend's slowest create can send it twice. 0 looks once, at once.
func WithSettleWindow(d time.Duration) Option {
	return Option{func(c *config) error {
		if d < 0 {
			return invalid("settleWindow", "must not be negative")
		}
		c.settleWindow = d
		return nil
	}}
}

// WithCallSettleWindow sets the settle window of one CreateOrFind call in
// place of the client's WithSettleWindow. Given to a Find method, it makes
// the Find keep looking for d while nothing matches (a Find looks once by
// default): the way to settle a plain Create that returned
// ErrOutcomeUnknown. Other calls ignore it.
func WithCallSettleWindow(d time.Duration) CallOption {
	return CallOption{func(cc *callConfig) error {
		if d < 0 {
			return invalid("callSettleWindow", "must not be negative")
		}
		cc.settle = d
		return nil
	}}
}

// WithCreatedAfter makes Orders.FindMatching skip orders the API says were
// created before t (orders whose creation time is missing or unreadable
// are kept). Use it to find the order a run of yours placed, not an
// identical one of last month. Other calls ignore it.
func WithCreatedAfter(t time.Time) CallOption {
	return CallOption{func(cc *callConfig) error {
		cc.createdAfter = t
		return nil
	}}
}

// Outcome says how a CreateOrFind ended.
type Outcome string

// Outcomes of CreateOrFind.
const (
	// OutcomeCreated: the create succeeded (perhaps on a second send,
	// after the first was found absent).
	OutcomeCreated Outcome = "created"
	// OutcomeFound: the create's outcome was unknown and the lookup found
	// the resource it made.
	OutcomeFound Outcome = "found"
	// OutcomeAdopted: a send after an unknown outcome was refused as a
	// conflict (ErrEmailInUse, ErrNumberInFlight) caused by that earlier
	// send, and the resource it made agrees with the request.
	OutcomeAdopted Outcome = "adopted"
)

// Ensured is what a CreateOrFind returns: the resource, and how it came to
// exist.
type Ensured[T any] struct {
	Resource *T
	Outcome  Outcome
}

// VerificationError reports a create the SDK cannot settle by itself: an
// order whose outcome is unknown (orders are never sent again
// automatically: they cost money), a device (no list endpoint is known),
// a lookup with several matches, or a match that differs from the
// request. A person must check, in the portal; Hint says what to look
// for. It matches ErrNeedsVerification, and Err (through errors.Is and
// errors.As) is what happened: usually an ErrOutcomeUnknown.
type VerificationError struct {
	Operation string // the method, such as "Orders.CreateOrFind"
	Reason    string // why the SDK could not decide
	Hint      string // what a person can check, and where
	Err       error
}

// Error returns one line: the operation, the reason, the hint and the
// cause.
func (e *VerificationError) Error() string {
	var b strings.Builder
	b.WriteString("phonelineplus: ")
	b.WriteString(e.Operation)
	b.WriteString(" needs verification: ")
	b.WriteString(e.Reason)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(unprefixed(e.Err))
	}
	return b.String()
}

// Is reports whether target is ErrNeedsVerification.
func (e *VerificationError) Is(target error) bool { return target == ErrNeedsVerification }

// Unwrap returns Err.
func (e *VerificationError) Unwrap() error { return e.Err }

// unprefixed is err's text without the package's prefix, for an error
// that quotes another: one prefix per line.
func unprefixed(err error) string {
	return strings.TrimPrefix(err.Error(), "phonelineplus: ")
}

// lookupError is a Find that did not name exactly one resource: none
// matched (it matches ErrNotFound) or several did (ErrAmbiguous). It
// never repeats the value looked for.
type lookupError struct {
	op   string   // "Customers.FindByEmail"
	what string   // "customer"
	ids  []string // the matches' IDs, when several matched
}

func (e *lookupError) Error() string {
	if len(e.ids) == 0 {
		return "phonelineplus: " + e.op + ": no " + e.what + " matches"
	}
	const shown = 5
	ids := strings.Join(e.ids[:min(len(e.ids), shown)], ", ")
	if len(e.ids) > shown {
		ids += ", …"
	}
	return fmt.Sprintf("phonelineplus: %s: %d %ss match (IDs %s)", e.op, len(e.ids), e.what, ids)
}

func (e *lookupError) Unwrap() error {
	if len(e.ids) == 0 {
		return ErrNotFound
	}
	return ErrAmbiguous
}

// absent reports whether err is a Find's "no match": not a 404 from the
// list endpoint, which says nothing about the resource.
func absent(err error) bool {
	var le *lookupError
	return errors.As(err, &le) && len(le.ids) == 0
}

// findOne returns the one item of list's that match accepts; op and what
// name the lookup in its errors, id gives an item's ID. With
// WithCallSettleWindow among opts it keeps looking for that long while
// nothing matches; otherwise it looks once.
func findOne[T any](ctx context.Context, opts []CallOption, op, what string, list func() ([]T, error), id func(*T) string, match func(*T) bool) (*T, error) {
	cc, err := newCallConfig(opts)
	if err != nil {
		return nil, err
	}
	look := func() (*T, error) { return lookOnce(op, what, list, id, match) }
	if cc.settle > 0 {
		return settle(ctx, cc.settle, look)
	}
	return look()
}

// lookOnce is one look of findOne: one list call and a scan.
func lookOnce[T any](op, what string, list func() ([]T, error), id func(*T) string, match func(*T) bool) (*T, error) {
	items, err := list()
	if err != nil {
		return nil, err
	}
	var found []*T
	for i := range items {
		if match(&items[i]) {
			found = append(found, &items[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, &lookupError{op: op, what: what}
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = id(f)
	}
	return nil, &lookupError{op: op, what: what, ids: ids}
}

// settle looks for a create whose outcome is unknown: at once, then after
// pauses growing from 500 ms to 4 s, and a last time when window has
// passed. It stops at the first look that does not end in "no match" and
// returns it; "no match" after the last look means the create is absent.
// Each look waits on the limiter like any call; ctx bounds the whole.
func settle[T any](ctx context.Context, window time.Duration, find func() (*T, error)) (*T, error) {
	end := time.Now().Add(window)
	pause := settleFirstPause
	for {
		v, err := find()
		if !absent(err) {
			return v, err
		}
		left := time.Until(end)
		if left <= 0 {
			return nil, err
		}
		if serr := sleep(ctx, min(pause, left)); serr != nil {
			return nil, serr
		}
		pause = min(2*pause, settleMaxPause)
	}
}

// creation is one resource's create-or-find, as its CreateOrFind
// describes it to ensure.
type creation[T any] struct {
	op     string             // "Customers.CreateOrFind"
	what   string             // "customer"
	create func() (*T, error) // one send of the create
	find   func() (*T, error) // the lookup by natural key; nil when the API has none
	id     func(*T) string
	// differs names the first field in which a found resource differs
	// from the request ("" when it agrees).
	differs func(*T) string
	// once: never send the create a second time (orders).
	once bool
	// hint tells a person what to check in the portal.
	hint string
}

// prepare checks a CreateOrFind's arguments before anything is sent: its
// options, its path IDs (idErr, from checkID or expandPath) and its
// request, which it returns normalised, with the settle window to use.
func prepare[R any](c *Client, opts []CallOption, idErr error, req R, normalize func(R) (R, error)) (R, time.Duration, error) {
	cc, err := newCallConfig(opts)
	if err == nil {
		err = idErr
	}
	if err == nil {
		req, err = normalize(req)
	}
	window := c.core.settleWindow
	if cc.settle >= 0 {
		window = cc.settle
	}
	return req, window, err
}

// lookupOpts are a CreateOrFind's options for its lookups: the caller's,
// but WithResponseInto, which describes the create (the last send of it:
// the request ID to quote to Gamma is the create's, not a list call's),
// and the settle window, which ensure's own polling spends.
func lookupOpts(opts []CallOption) []CallOption {
	return append(slices.Clip(opts), CallOption{func(cc *callConfig) error {
		cc.resp, cc.settle = nil, -1 // ensure polls: each look is one
		return nil
	}})
}

// ensure runs a create-or-find: send the create; on an unknown outcome,
// look for the resource through the settle window and send it once more
// only if it stayed absent; on a conflict after such an unknown outcome,
// adopt the resource if it agrees with the request.
//
// "An attempt of ours may have acted" is learnt from ErrOutcomeUnknown
// alone: the request path never sends a POST again once it may have
// reached the server (it retries a POST only on 429, a 401 replay, or a
// failure before the request was written, none of which acts).
func ensure[T any](ctx context.Context, window time.Duration, c creation[T]) (*Ensured[T], error) {
	var unknown error // the last unknown outcome of a send of ours
	for sent := 1; ; sent++ {
		v, err := c.create()
		switch {
		case err == nil:
			if c.id(v) != "" || c.find == nil {
				return &Ensured[T]{Resource: v, Outcome: OutcomeCreated}, nil
			}
			// Created, but the response has no ID (seen on user
			// creates): the lookup has it.
			found, ferr := settle(ctx, window, c.find)
			if ferr != nil {
				return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: ferr,
					Reason: "the " + c.what + " was created but the response has no ID, and the lookup could not name it"}
			}
			return &Ensured[T]{Resource: found, Outcome: OutcomeCreated}, nil
		case errors.Is(err, ErrOutcomeUnknown):
			unknown = err
			if c.find == nil {
				return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: err,
					Reason: "the outcome is unknown and the API has no way to look the " + c.what + " up"}
			}
			found, ferr := settle(ctx, window, c.find)
			switch {
			case ferr == nil:
				if diff := c.differs(found); diff != "" {
					return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: err,
						Reason: fmt.Sprintf("the outcome is unknown, and the %s %s found differs from the request in %s", c.what, c.id(found), diff)}
				}
				return &Ensured[T]{Resource: found, Outcome: OutcomeFound}, nil
			case errors.Is(ferr, ErrAmbiguous):
				return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: errors.Join(err, ferr),
					Reason: "the outcome is unknown and more than one " + c.what + " matches"}
			case !absent(ferr):
				return nil, &lookupFailed{unknown: err, lookup: ferr}
			case c.once:
				return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: err,
					Reason: fmt.Sprintf("the outcome is unknown and no matching %s appeared within %v; it is never sent again automatically", c.what, window)}
			case sent == 2:
				return nil, &VerificationError{Operation: c.op, Hint: c.hint, Err: err,
					Reason: fmt.Sprintf("sent twice, both outcomes unknown, and no matching %s appeared within %v of either", c.what, window)}
			}
			// Absent for the whole window: send it again, once.
		case unknown != nil && (errors.Is(err, ErrEmailInUse) || errors.Is(err, ErrNumberInFlight)):
			// Our earlier send may be what holds the email or number.
			found, ferr := settle(ctx, window, c.find)
			if ferr == nil && c.differs(found) == "" {
				return &Ensured[T]{Resource: found, Outcome: OutcomeAdopted}, nil
			}
			return nil, err
		default:
			return nil, err
		}
	}
}

// lookupFailed is an unknown outcome whose lookup failed too (the list
// endpoint errored, or ctx ended): it matches both errors. Nothing was
// sent again; calling CreateOrFind later settles it.
type lookupFailed struct{ unknown, lookup error }

func (e *lookupFailed) Error() string {
	return "phonelineplus: " + unprefixed(e.unknown) + "; then looking it up failed: " + unprefixed(e.lookup)
}

func (e *lookupFailed) Unwrap() []error { return []error{e.unknown, e.lookup} }

// The comparisons of natural keys and of found resources with requests.

// sameEmail compares emails case-insensitively.
func sameEmail(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// sameText compares names case-insensitively, with runs of spaces as one.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// samePostcode compares UK postcodes in any spacing or case.
func samePostcode(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", ""))
}

// e164Key is a number in E.164 digits without "+", read by the SDK's
// number parser (UK forms, or "+<country code>…"); a bare run of digits
// that is not a UK form is read as E.164 already. "" when unreadable.
func e164Key(s string) string {
	if n, err := anyE164("", s); err == nil {
		return n
	}
	if n, err := anyE164("", "+"+strings.TrimSpace(s)); err == nil {
		return n
	}
	return ""
}

// sameNumber compares phone numbers in any form the parser reads.
func sameNumber(a, b string) bool {
	ka := e164Key(a)
	return ka != "" && ka == e164Key(b)
}

// field is one field compared between a request and a found resource.
type field struct {
	name      string
	want, got string
	same      func(a, b string) bool
}

// mismatch returns the name of the first field set on both sides whose
// values differ, or "". A field the response leaves empty agrees: list
// responses may carry fewer fields than the request.
func mismatch(fields ...field) string {
	for _, f := range fields {
		if f.want != "" && f.got != "" && !f.same(f.want, f.got) {
			return f.name
		}
	}
	return ""
}
