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

// pool hands out available numbers of one area code, fetching a page from
// GET /numbers/available when it runs dry. A number is handed out once
// per run: one that was used, or refused as in flight, is never offered
// again, even if a later page lists it.
type pool struct {
	api   API
	opts  pl.AvailableNumbersOptions
	onReq func(Call) // counts the page requests

	// lock is held while a page is fetched: a channel, not a
	// sync.Mutex, so that waiting for it is a select a testing/synctest
	// bubble can see is durably blocked.
	lock  chan struct{}
	ready []string
	seen  map[string]bool // handed out or burnt
	empty int             // pages in a row that brought nothing new
}

// maxEmptyPages is how many pages in a row may bring nothing new before
// the area code counts as exhausted: a page can list only numbers this
// run holds but has not yet used.
const maxEmptyPages = 3

func newPool(api API, areaCode string, onReq func(Call)) *pool {
	return &pool{api: api, opts: pl.AvailableNumbersOptions{NumberType: pl.NumberTypeGeographic, AreaCode: areaCode},
		onReq: onReq, seen: map[string]bool{}, lock: make(chan struct{}, 1)}
}

// take returns a number no one in this run has had.
func (p *pool) take(ctx context.Context) (string, error) {
	select {
	case p.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-p.lock }()
	for len(p.ready) == 0 {
		if p.empty >= maxEmptyPages {
			return "", fmt.Errorf("area code %s: %w", p.opts.AreaCode, ErrPoolExhausted)
		}
		var call Call
		page, err := p.api.ListAvailable(ctx, p.opts, &call)
		p.onReq(call)
		if err != nil {
			return "", fmt.Errorf("listing available numbers in %s: %w", p.opts.AreaCode, err)
		}
		p.empty++
		for _, n := range page {
			if !p.seen[n.NumberE164] && n.NumberE164 != "" {
				p.seen[n.NumberE164] = true
				p.ready = append(p.ready, n.NumberE164)
				p.empty = 0
			}
		}
	}
	n := p.ready[0]
	p.ready = p.ready[1:]
	return n, nil
}

// prefetch fetches the first page, if none was fetched yet. A failure is
// left for take to meet again.
func (p *pool) prefetch(ctx context.Context) {
	if n, err := p.take(ctx); err == nil {
		p.lock <- struct{}{}
		p.ready = append([]string{n}, p.ready...)
		<-p.lock
	}
}

// claim marks a number the run already uses (one from the journal) so the
// pool never hands it out.
func (p *pool) claim(n string) {
	p.lock <- struct{}{}
	defer func() { <-p.lock }()
	p.seen[n] = true
}

// pools holds one pool per area code.
type pools struct {
	api   API
	onReq func(Call)
	mu    sync.Mutex
	m     map[string]*pool
}

func (ps *pools) get(areaCode string) *pool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	k := e164(areaCode)
	if ps.m[k] == nil {
		ps.m[k] = newPool(ps.api, areaCode, ps.onReq)
	}
	return ps.m[k]
}
