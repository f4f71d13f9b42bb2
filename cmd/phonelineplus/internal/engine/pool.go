package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	pl "github.com/phonelineplus-go/phonelineplus"
)

// ErrPoolExhausted reports an area code with no number left to try.
var ErrPoolExhausted = errors.New("no available number left in the area code")

// fetchAt is how many of the run's numbers may still be outstanding when
// the pool fetches its next page: the API lists the numbers no customer
// has yet, so a page fetched earlier would list mostly the run's own.
const fetchAt = PageSize / 2

// maxEmptyPages is how many pages in a row may bring nothing new before
// the area code counts as exhausted: a page can list only numbers this
// run holds but has not yet used.
const maxEmptyPages = 3

// pool hands out available numbers of one area code, fetching a page of
// GET /numbers/available when it runs dry. A number is handed out once
// per run: one that was used, or refused as in flight, is never offered
// again, even if a later page lists it.
//
// The API lists the numbers no customer has yet, in a stable order, so a
// page fetched while the run's own creates are still taking the last
// page's numbers lists those again: the pool fetches when at most fetchAt
// of its numbers are outstanding (taken, their create not ended), waits
// for one to end after a page that brought nothing new, and counts only
// pages that bring nothing new with nothing outstanding towards
// exhaustion.
type pool struct {
	api  API
	opts pl.AvailableNumbersOptions
	ctx  context.Context // of the fetches
	wg   *sync.WaitGroup // the fetches in flight

	// lock guards the fields below: a channel, not a sync.Mutex, so that
	// waiting for it is a select a testing/synctest bubble sees as
	// durably blocked.
	lock        chan struct{}
	ready       []string
	seen        map[string]bool // handed out or burnt
	empty       int             // pages in a row that brought nothing new with nothing outstanding
	fetching    *fetch          // the page being fetched, or nil
	outstanding int             // numbers handed out whose create has not ended
	stale       bool            // the last page brought nothing new: wait for a create to end
	settled     chan struct{}   // closed (and replaced) when a create ends
}

// fetch is one page being fetched; done is closed when err is set.
type fetch struct {
	done chan struct{}
	err  error
}

func (p *pool) acquire(ctx context.Context) error {
	select {
	case p.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pool) release() { <-p.lock }

// take returns a number no one in this run has had. Call done when the
// create that uses it has ended, however it ended.
func (p *pool) take(ctx context.Context) (string, error) {
	for {
		if err := p.acquire(ctx); err != nil {
			return "", err
		}
		switch {
		case len(p.ready) > 0:
			n := p.ready[0]
			p.ready = p.ready[1:]
			p.outstanding++
			p.release()
			return n, nil
		case p.fetching != nil:
		case p.outstanding > fetchAt || (p.stale && p.outstanding > 0):
			wait := p.settled
			p.release()
			select {
			case <-wait:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			continue
		case p.empty >= maxEmptyPages:
			p.release()
			return "", fmt.Errorf("area code %s: %w", p.opts.AreaCode, ErrPoolExhausted)
		default:
			p.startFetch()
		}
		f := p.fetching
		p.release()
		select {
		case <-f.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if f.err != nil {
			return "", fmt.Errorf("listing available numbers in %s: %w", p.opts.AreaCode, f.err)
		}
	}
}

// doneIfTaken is done on a pool a number was taken from; nil does
// nothing (the number came from the sheet or the journal).
func (p *pool) doneIfTaken() {
	if p != nil {
		p.done()
	}
}

// done reports that the create using a number take returned has ended.
func (p *pool) done() {
	p.lock <- struct{}{}
	defer p.release()
	p.outstanding--
	p.stale = false
	close(p.settled)
	p.settled = make(chan struct{})
}

// startFetch fetches the next page in the background unless a fetch is in
// flight. Call with the lock held.
func (p *pool) startFetch() {
	if p.fetching != nil {
		return
	}
	f := &fetch{done: make(chan struct{})}
	p.fetching = f
	p.wg.Go(func() {
		page, err := p.api.ListAvailable(withPriority(p.ctx, priorityLookup), p.opts, nil)
		p.lock <- struct{}{}
		p.fetching, f.err = nil, err
		if err == nil {
			fresh := false
			for _, n := range page {
				if !p.seen[n.NumberE164] && n.NumberE164 != "" {
					p.seen[n.NumberE164] = true
					p.ready = append(p.ready, n.NumberE164)
					fresh = true
				}
			}
			switch {
			case fresh:
				p.empty, p.stale = 0, false
			case p.outstanding > 0:
				p.stale = true
			default:
				p.empty++
			}
		}
		p.release()
		close(f.done)
	})
}

// prefetch starts fetching the first page.
func (p *pool) prefetch() {
	p.lock <- struct{}{}
	p.startFetch()
	p.release()
}

// claim marks a number the run already uses (one from the journal) so the
// pool never hands it out.
func (p *pool) claim(n string) {
	p.lock <- struct{}{}
	defer p.release()
	p.seen[n] = true
}

// pools holds one pool per area code. Wait waits for their fetches.
type pools struct {
	api API
	ctx context.Context
	wg  sync.WaitGroup
	mu  sync.Mutex
	m   map[string]*pool
}

func (ps *pools) get(areaCode string) *pool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	k := e164(areaCode)
	if ps.m[k] == nil {
		ps.m[k] = &pool{api: ps.api, ctx: ps.ctx, wg: &ps.wg, seen: map[string]bool{}, lock: make(chan struct{}, 1), settled: make(chan struct{}),
			opts: pl.AvailableNumbersOptions{NumberType: pl.NumberTypeGeographic, AreaCode: areaCode}}
	}
	return ps.m[k]
}
