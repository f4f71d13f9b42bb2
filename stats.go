package phonelineplus

import (
	"context"
	"encoding/json"
	"net/http"
)

// Stats paths, relative to the base URL (inferred).
const pathStats = "/stats"

// StatsService handles partner-wide statistics. Use it as Client.Stats.
type StatsService service

// Stats holds partner-wide counts. The content of this response is not
// public: the four counts are a guess, and a count the API does not send
// as a JSON integer under that name stays 0. Raw holds what the API really
// sent; decode it into your own struct for anything else.
type Stats struct {
	Customers int     `json:"customers"`
	Users     int     `json:"users"`
	Numbers   int     `json:"numbers"`
	Orders    int     `json:"orders"`
	Raw       RawJSON `json:"-"` // the object as sent
}

// UnmarshalJSON keeps the object in Raw and reads each count that is a
// JSON integer; since the shape is inferred, a count of another type does
// not fail the call.
func (s *Stats) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := keepRaw(data, &m, &s.Raw); err != nil {
		return err
	}
	for name, dst := range map[string]*int{
		"customers": &s.Customers, "users": &s.Users, "numbers": &s.Numbers, "orders": &s.Orders,
	} {
		if json.Unmarshal(m[name], dst) != nil {
			*dst = 0
		}
	}
	return nil
}

// Get returns the partner's statistics ("Get Stats").
//
// API: GET /stats (inferred)
func (s *StatsService) Get(ctx context.Context, opts ...CallOption) (*Stats, error) {
	return send[Stats](ctx, s.client, &call{op: "Stats.Get", method: http.MethodGet, tmpl: pathStats, path: pathStats, opts: opts})
}
