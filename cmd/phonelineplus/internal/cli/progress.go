package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/engine"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/journal"
)

// progressMode is how apply shows its progress.
type progressMode int

const (
	progressBar   progressMode = iota // a bar on a terminal's stderr
	progressLines                     // one plain line per row on stderr
	progressJSON                      // one JSON event per line on stdout
)

// progress shows a run as it goes: rows done of the total, per kind,
// requests sent, the time left at the budget, and why the run waits.
type progress struct {
	mode      progressMode
	stderr    io.Writer
	stdout    io.Writer
	meter     *meter
	planned   int // requests the run is expected to send
	perMinute int
	now       func() time.Time

	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	total    map[journal.Kind]int
	finished map[journal.Kind]int
	states   map[journal.State]int
	reason   string    // why the run waits
	until    time.Time // when the reason stops being shown
	lastWait time.Time // of the last wait line or event printed
	stop     chan struct{}
	stopped  sync.WaitGroup
}

// newProgress starts a display for the rows of plan (rows a plan shows
// done count as finished already).
func newProgress(mode progressMode, stderr, stdout io.Writer, m *meter, rows []engine.PlannedRow, planned, perMinute int) *progress {
	p := &progress{mode: mode, stderr: stderr, stdout: stdout, meter: m, planned: planned, perMinute: perMinute,
		now: time.Now, total: map[journal.Kind]int{}, finished: map[journal.Kind]int{}, states: map[journal.State]int{},
		stop: make(chan struct{})}
	done := 0
	for _, r := range rows {
		p.total[r.Kind]++
		if r.Action == engine.ActionDone {
			p.finished[r.Kind]++
			done++
		}
	}
	wait := p.waiting
	m.onWait.Store(&wait)
	if mode == progressBar {
		p.bar = progressbar.NewOptions(len(rows),
			progressbar.OptionSetWriter(stderr), progressbar.OptionShowCount(), progressbar.OptionSetWidth(24),
			progressbar.OptionSetPredictTime(false), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetRenderBlankState(true), progressbar.OptionShowDescriptionAtLineEnd())
		_ = p.bar.Set(done)
		p.bar.Describe(p.describe())
		p.stopped.Go(p.tick)
	}
	return p
}

// tick refreshes the bar's description (time left, the reason for a
// wait) while nothing else happens.
func (p *progress) tick() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.bar.Describe(p.describe())
			p.mu.Unlock()
		}
	}
}

// describe is the bar's text. Call with p.mu held.
func (p *progress) describe() string {
	var parts []string
	for _, k := range []journal.Kind{journal.KindCustomer, journal.KindUser, journal.KindOrder} {
		if p.total[k] > 0 {
			parts = append(parts, fmt.Sprintf("%ss %d/%d", k, p.finished[k], p.total[k]))
		}
	}
	sent := int(p.meter.sent.Load())
	parts = append(parts, fmt.Sprintf("%d requests", sent))
	if left := time.Duration(max(0, p.planned-sent)) * time.Minute / time.Duration(p.perMinute); left >= time.Second {
		parts = append(parts, "about "+roundDuration(left)+" left")
	}
	if p.reason != "" && p.now().Before(p.until) {
		parts = append(parts, "waiting: "+p.reason)
	}
	return strings.Join(parts, " | ")
}

// reasonShown is how long the bar shows a reason after the wait it
// names, at least.
const reasonShown = 2 * time.Second

// waiting notes why the run waits, for d from now (0: a wait that is
// over). The budget's waits go on all run long: they do not hide a
// reason that says more (a Retry-After, a settle) while it lasts.
func (p *progress) waiting(reason string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if reason == reasonBudget && p.reason != reasonBudget && now.Before(p.until) {
		return
	}
	p.reason, p.until = reason, now.Add(max(d, reasonShown))
	// Lines and events for the API's own waits only, at most one every
	// five seconds: the budget's waits are the normal pace.
	if p.mode == progressBar || reason == reasonBudget || now.Sub(p.lastWait) < 5*time.Second {
		return
	}
	p.lastWait = now
	if p.mode == progressJSON {
		p.json(map[string]any{"event": "wait", "reason": reason})
		return
	}
	fmt.Fprintf(p.stderr, "waiting: %s\n", reason)
}

// event shows one engine event.
func (p *progress) event(ev engine.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Type == "settle" {
		p.reason, p.until = fmt.Sprintf("settling %s row %d", ev.Sheet, ev.Row), p.now().Add(reasonShown)
	} else if ev.State != journal.StateIntent {
		p.finished[ev.Kind]++
		p.states[ev.State]++
	}
	switch p.mode {
	case progressJSON:
		p.json(ev)
	case progressLines:
		fmt.Fprintln(p.stderr, eventLine(ev))
	default:
		_ = p.bar.Add(btoi(ev.Type == "step"))
		p.bar.Describe(p.describe())
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *progress) json(v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(p.stdout, "%s\n", b)
}

// eventLine is the plain line of an event.
func eventLine(ev engine.Event) string {
	where := fmt.Sprintf("%s row %d (%s)", ev.Sheet, ev.Row, ev.Ref)
	if ev.Type == "settle" {
		return where + ": settling an earlier create whose outcome is unknown"
	}
	attempts := ""
	if ev.Attempts > 0 {
		attempts = " (" + count(ev.Attempts, "attempt") + ")"
	}
	switch ev.State {
	case journal.StateDone:
		line := fmt.Sprintf("%s: %s %s%s", where, ev.Outcome, ev.ID, attempts)
		switch ev.Outcome {
		case string(engine.OutcomeFound):
			line += ", after an unknown outcome (looked up, not sent again)"
		case string(engine.OutcomeAdopted):
			line += ", which already existed"
		}
		if ev.Number != "" {
			line += ", number " + ev.Number
		}
		return line
	case journal.StateNeedsVerification:
		return fmt.Sprintf("%s: NEEDS VERIFICATION: %s", where, ev.Reason)
	case journal.StateFailed:
		req := ""
		if ev.RequestID != "" {
			req = ", request " + ev.RequestID
		}
		return fmt.Sprintf("%s: failed (%s%s)%s: %s", where, ev.Category, req, attempts, ev.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", where, strings.ReplaceAll(string(ev.State), "_", " "), ev.Reason)
}

// finish ends the display.
func (p *progress) finish() {
	close(p.stop)
	p.stopped.Wait()
	if p.bar != nil {
		p.mu.Lock()
		p.bar.Describe(p.describe())
		_ = p.bar.Exit()
		fmt.Fprintln(p.stderr)
		p.mu.Unlock()
	}
}
