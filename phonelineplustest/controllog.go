package phonelineplustest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The control API's handlers for the rate budget and the request log.

func (s *Server) ctlBudget(w http.ResponseWriter, _ *http.Request, _ []string) error {
	type keyUse struct {
		KeyID string `json:"keyID"`
		Spent int    `json:"spent"`
	}
	keys := []keyUse{}
	for k, n := range s.RateLimitUsage() {
		keys = append(keys, keyUse{k, n})
	}
	slices.SortFunc(keys, func(a, b keyUse) int { return strings.Compare(a.KeyID, b.KeyID) })
	writeJSON(w, http.StatusOK, map[string]any{"limit": s.limiter.limit(), "windowSeconds": 60, "keys": keys})
	return nil
}

// RateLimitUsage returns how many requests each API key has made in the
// current rolling minute, as the rate limit counts them (none are counted
// while the limit is off).
func (s *Server) RateLimitUsage() map[string]int { return s.limiter.spent(time.Now()) }

func (s *Server) ctlAddKey(w http.ResponseWriter, r *http.Request, _ []string) error {
	var req struct {
		KeyID  string `json:"keyID"`
		Secret string `json:"secret"`
	}
	if err := decodeBody(r, &req, true); err != nil {
		return err
	}
	if req.KeyID == "" && req.Secret == "" {
		req.KeyID, req.Secret = s.NewKey()
	} else if err := s.AddKey(req.KeyID, req.Secret); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, req)
	return nil
}

func (s *Server) ctlRevokeKey(w http.ResponseWriter, _ *http.Request, p []string) error {
	if !s.RevokeKey(p[0]) {
		return ctlErr(http.StatusNotFound, "there is no API key %q", p[0])
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "revoked"})
	return nil
}

func (s *Server) ctlRequests(w http.ResponseWriter, r *http.Request, _ []string) error {
	reqs := s.Requests()
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return ctlErr(http.StatusBadRequest, "limit=%q must be a whole number", v)
		}
		reqs = reqs[max(0, len(reqs)-n):]
	}
	secrets := s.secrets()
	out := make([]requestView, len(reqs))
	for i, rq := range reqs {
		out[i] = viewRequest(rq, secrets)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) ctlClearRequests(w http.ResponseWriter, _ *http.Request, _ []string) error {
	s.ClearRequests()
	writeJSON(w, http.StatusOK, []requestView{})
	return nil
}

// ctlStream sends each request of the log as a server-sent event when it
// arrives and again when it is done ("event: request", the data is the
// same JSON as GET /_fake/requests has for it), until the client goes or
// the server closes. A client that falls far behind is cut off; its
// EventSource reconnects by itself.
func (s *Server) ctlStream(w http.ResponseWriter, r *http.Request, _ []string) error {
	rc := http.NewResponseController(w)
	ch, stop := s.log.subscribe()
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "retry: 1000\n: phonelineplustest request log\n\n")
	if rc.Flush() != nil {
		return nil
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case rq, ok := <-ch:
			if !ok {
				return nil
			}
			b, _ := json.Marshal(viewRequest(rq, s.secrets())) // a key added since the stream began included
			if _, err := fmt.Fprintf(w, "event: request\nid: %s\ndata: %s\n\n", rq.ID, b); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}
