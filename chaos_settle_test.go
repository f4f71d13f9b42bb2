package phonelineplus_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The chaos run sends a share of its creates through CreateOrFind, which
// settles its own unknown outcomes: it looks the resource up for the
// settle window and sends the create once more only when the first copy
// stayed absent. chaosDuplicatePOSTs allows that second copy when the
// fake's log shows the first did not act; chaosDuplicateResources checks
// the end state: nothing was made twice.

// chaosOrFindShare is the share of creates sent through CreateOrFind.
const chaosOrFindShare = 0.3

// chaosCommitAfter is how long after its 500 "Timeout" a delayed create
// commits (the fake's timeout-commit-later): a lookup made at once finds
// nothing, one within the settle window finds it.
const chaosCommitAfter = 3 * time.Second

// chaosOrFindHeader marks the requests of a CreateOrFind in the fake's log.
const chaosOrFindHeader = "X-Chaos-Create-Or-Find"

// chaosEnsure makes one create: through orFind for chaosOrFindShare of
// them (tallying the outcomes), through create otherwise.
func chaosEnsure[T any](w *chaosWorker, create func(...plp.CallOption) (*T, error), orFind func(...plp.CallOption) (*plp.Ensured[T], error)) (*T, error) {
	if w.rng.Float64() >= chaosOrFindShare {
		return create()
	}
	got, err := orFind(plp.WithHeader(chaosOrFindHeader, "1"))
	var outcome string
	switch {
	case err == nil:
		outcome = string(got.Outcome)
	case errors.Is(err, plp.ErrNeedsVerification):
		outcome = "ErrNeedsVerification"
	default:
		outcome = chaosOutcome(err)
	}
	w.run.mu.Lock()
	if w.run.orFind == nil {
		w.run.orFind = map[string]int{}
	}
	w.run.orFind[outcome]++
	w.run.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return got.Resource, nil
}

// chaosResentAfterAbsence reports whether r, an earlier copy of a create
// sent again, is one a CreateOrFind may send again: the fake refused it
// (429, 401) or a fault kept it from acting, so it stayed absent.
func chaosResentAfterAbsence(r phonelineplustest.Request) bool {
	if r.Header.Get(chaosOrFindHeader) == "" || r.Fault == nil {
		return false
	}
	return r.Fault.Action == phonelineplustest.FaultRespond || r.Fault.Action == phonelineplustest.FaultDropBefore
}

// chaosDuplicateResources counts what the fake holds twice: customers by
// company name and orders by customer and quantity (both unique per
// create), the keys the fake itself does not keep unique.
func chaosDuplicateResources(snap phonelineplustest.Snapshot) (int, []string) {
	seen := map[string]int{}
	for _, c := range snap.Customers {
		seen["customer "+c.CompanyName]++
	}
	for _, o := range snap.Orders {
		if len(o.Products) == 1 {
			seen[fmt.Sprintf("order of %s for %d", o.CustomerID, o.Products[0].Quantity)]++
		}
	}
	n := 0
	var samples []string
	for k, c := range seen {
		if c > 1 {
			n++
			if len(samples) < 5 {
				samples = append(samples, fmt.Sprintf("%s, %d times", k, c))
			}
		}
	}
	return n, samples
}

// chaosOrFindReport is the report's line on CreateOrFind: how its calls
// ended (outcomes, or the first sentinel matched).
func chaosOrFindReport(r *chaosRun, resourceDups int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.orFind)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, r.orFind[k]))
	}
	return fmt.Sprintf("- Creates through CreateOrFind (%.0f%% of them): %s; resources made twice: %d.\n",
		100*chaosOrFindShare, strings.Join(parts, ", "), resourceDups)
}
