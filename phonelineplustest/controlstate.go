package phonelineplustest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control API's handlers that read and change what the fake holds
// and how it behaves: reset, state, seeding, held numbers, faults,
// settings and keys. Each calls the Server method its route names.

func (s *Server) ctlReset(w http.ResponseWriter, r *http.Request, _ []string) error {
	var req struct {
		Seed *uint64 `json:"seed"`
	}
	if err := decodeBody(r, &req, true); err != nil {
		return err
	}
	if req.Seed != nil {
		s.ResetWithSeed(*req.Seed)
	} else {
		s.Reset()
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "reset"})
	return nil
}

func (s *Server) ctlState(w http.ResponseWriter, r *http.Request, _ []string) error {
	snap := s.Snapshot()
	if v := r.URL.Query().Get("pool"); v != "" {
		keep, err := strconv.ParseBool(v)
		if err != nil {
			return ctlErr(http.StatusBadRequest, "pool=%q must be true or false", v)
		}
		if !keep {
			snap.Pool = nil
		}
	}
	writeJSON(w, http.StatusOK, snap)
	return nil
}

func (s *Server) ctlLoadState(w http.ResponseWriter, r *http.Request, _ []string) error {
	var snap Snapshot
	if err := lenient(r, &snap); err != nil {
		return err
	}
	if err := s.LoadSnapshot(snap); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.Snapshot().Stats)
	return nil
}

// seeded decodes a record, stores it with add and answers it with 201.
func seeded[T any](w http.ResponseWriter, r *http.Request, add func(T) (any, error)) error {
	var v T
	if err := lenient(r, &v); err != nil {
		return err
	}
	got, err := add(v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, got)
	return nil
}

func (s *Server) ctlAddCustomer(w http.ResponseWriter, r *http.Request, _ []string) error {
	return seeded(w, r, func(c Customer) (any, error) { return s.AddCustomer(c) })
}

func (s *Server) ctlAddUser(w http.ResponseWriter, r *http.Request, p []string) error {
	return seeded(w, r, func(u userJSON) (any, error) {
		user := u.User
		user.PIN, user.ActivationsSent, user.PasswordResets = u.PIN, u.ActivationsSent, u.PasswordResets
		if u.CallSettings != nil {
			user.CallSettings = *u.CallSettings
		}
		if u.ScheduleSettings != nil {
			user.ScheduleSettings = *u.ScheduleSettings
		}
		return s.AddUser(p[0], user)
	})
}

func (s *Server) ctlAddNumber(w http.ResponseWriter, r *http.Request, p []string) error {
	return seeded(w, r, func(n Number) (any, error) { return s.AddNumber(p[0], n) })
}

func (s *Server) ctlAddOrder(w http.ResponseWriter, r *http.Request, p []string) error {
	return seeded(w, r, func(oj orderJSON) (any, error) {
		o := oj.Order
		o.DeliveryAddress, o.Name, o.Email, o.PhoneNumber, o.TrackingEmail, o.SKUToUserMapping =
			oj.DeliveryAddress, oj.Name, oj.Email, oj.PhoneNumber, oj.TrackingEmail, oj.SKUToUserMapping
		got, err := s.AddOrder(p[0], o)
		if err != nil {
			return nil, err
		}
		return orderJSON{Order: got, DeliveryAddress: got.DeliveryAddress, Name: got.Name, Email: got.Email,
			PhoneNumber: got.PhoneNumber, TrackingEmail: got.TrackingEmail, SKUToUserMapping: got.SKUToUserMapping}, nil
	})
}

func (s *Server) ctlAddPartnerUser(w http.ResponseWriter, r *http.Request, _ []string) error {
	return seeded(w, r, func(u PartnerUser) (any, error) { return s.AddPartnerUser(u) })
}

// oneOrMany decodes a JSON object or a list of them.
func oneOrMany[T any](b []byte) ([]T, error) {
	if len(b) > 0 && b[0] == '[' {
		var many []T
		err := json.Unmarshal(b, &many)
		return many, err
	}
	var one T
	err := json.Unmarshal(b, &one)
	return []T{one}, err
}

func (s *Server) ctlAddPool(w http.ResponseWriter, r *http.Request, _ []string) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	items, err := oneOrMany[poolJSON](b)
	if err != nil {
		return ctlErr(http.StatusBadRequest, "bad JSON: %v", err)
	}
	numbers := make([]AvailableNumber, len(items))
	for i, it := range items {
		numbers[i] = it.AvailableNumber
		numbers[i].AreaCode = it.AreaCode
	}
	if err := s.AddAvailableNumbers(numbers...); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int{"added": len(numbers)})
	return nil
}

func (s *Server) ctlClearPool(w http.ResponseWriter, _ *http.Request, _ []string) error {
	s.ClearNumberPool()
	writeJSON(w, http.StatusOK, map[string]string{"message": "the pool is empty"})
	return nil
}

func (s *Server) ctlSetProducts(w http.ResponseWriter, r *http.Request, _ []string) error {
	var products []Product
	if err := lenient(r, &products); err != nil {
		return err
	}
	s.SetProducts(products...)
	writeJSON(w, http.StatusOK, s.Products())
	return nil
}

func (s *Server) holdBody(w http.ResponseWriter, r *http.Request, held bool) error {
	var req struct {
		Numbers []string `json:"numbers"`
	}
	if err := decodeBody(r, &req, false); err != nil {
		return err
	}
	for _, n := range req.Numbers {
		if !validUKNumber(n) {
			return ctlErr(http.StatusBadRequest, "numbers: %q is not a UK number in E.164 digits without +, such as 441614960000", n)
		}
	}
	s.HoldNumbers(held, req.Numbers...)
	writeJSON(w, http.StatusOK, map[string][]string{"heldNumbers": s.Snapshot().HeldNumbers})
	return nil
}

func (s *Server) ctlHold(w http.ResponseWriter, r *http.Request, _ []string) error {
	return s.holdBody(w, r, true)
}

func (s *Server) ctlRelease(w http.ResponseWriter, r *http.Request, _ []string) error {
	return s.holdBody(w, r, false)
}

func (s *Server) ctlFaults(w http.ResponseWriter, _ *http.Request, _ []string) error {
	writeJSON(w, http.StatusOK, s.Faults())
	return nil
}

// ctlAddFault adds a fault given as a JSON object, a JSON list, or lines
// of the one-line form. Every fault is checked before any is added.
func (s *Server) ctlAddFault(w http.ResponseWriter, r *http.Request, _ []string) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var faults []Fault
	switch {
	case len(b) == 0:
	case b[0] == '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			return ctlErr(http.StatusBadRequest, "bad JSON: %v", err)
		}
		for _, raw := range raws {
			f, err := ParseFault(string(raw))
			if err != nil {
				return err
			}
			faults = append(faults, f)
		}
	case b[0] == '{':
		f, err := ParseFault(string(b))
		if err != nil {
			return err
		}
		faults = append(faults, f)
	default:
		for line := range strings.Lines(string(b)) {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f, err := ParseFault(line)
			if err != nil {
				return err
			}
			faults = append(faults, f)
		}
	}
	if len(faults) == 0 {
		return ctlErr(http.StatusBadRequest, "the body has no fault; give one such as {\"action\": \"timeout-after\"} or POST /customers timeout-after once")
	}
	var added []InjectedFault
	for _, f := range faults {
		id, err := s.AddFault(f)
		if err != nil {
			return err
		}
		added = append(added, InjectedFault{ID: id, Fault: f, Line: f.String()})
	}
	writeJSON(w, http.StatusCreated, added)
	return nil
}

func (s *Server) ctlClearFaults(w http.ResponseWriter, _ *http.Request, _ []string) error {
	s.ClearFaults()
	writeJSON(w, http.StatusOK, []InjectedFault{})
	return nil
}

func (s *Server) ctlRemoveFault(w http.ResponseWriter, _ *http.Request, p []string) error {
	if !s.RemoveFault(p[0]) {
		return ctlErr(http.StatusNotFound, "there is no fault %q; GET %sfaults lists them", p[0], ControlPath)
	}
	writeJSON(w, http.StatusOK, s.Faults())
	return nil
}

// settingsJSON is the JSON form of Settings.
type settingsJSON struct {
	RateLimit         int    `json:"rateLimit"`
	TokenLifetime     string `json:"tokenLifetime"`
	InFlightStatus    int    `json:"inFlightStatus"`
	Latency           string `json:"latency"`
	RequestLogEntries int    `json:"requestLogEntries"`
	RequestLogBytes   int64  `json:"requestLogBytes"`
}

func (s *Server) ctlSettings(w http.ResponseWriter, _ *http.Request, _ []string) error {
	st := s.Settings()
	writeJSON(w, http.StatusOK, settingsJSON{RateLimit: st.RateLimit, TokenLifetime: st.TokenLifetime.String(),
		InFlightStatus: st.InFlightStatus, Latency: formatLatency(st.MinLatency, st.MaxLatency),
		RequestLogEntries: st.RequestLogEntries, RequestLogBytes: st.RequestLogBytes})
	return nil
}

// ctlPatchSettings changes the settings given. All are checked before
// any changes.
func (s *Server) ctlPatchSettings(w http.ResponseWriter, r *http.Request, p []string) error {
	var req struct {
		RateLimit         *int    `json:"rateLimit"`
		TokenLifetime     *string `json:"tokenLifetime"`
		InFlightStatus    *int    `json:"inFlightStatus"`
		Latency           *string `json:"latency"`
		RequestLogEntries *int    `json:"requestLogEntries"`
		RequestLogBytes   *int64  `json:"requestLogBytes"`
	}
	if err := decodeBody(r, &req, false); err != nil {
		return err
	}
	var sets []func() error
	if v := req.RateLimit; v != nil {
		if err := checkRateLimit(*v); err != nil {
			return err
		}
		sets = append(sets, func() error { return s.SetRateLimit(*v) })
	}
	if v := req.TokenLifetime; v != nil {
		d, err := time.ParseDuration(*v)
		if err == nil {
			err = checkTokenLifetime(d)
		}
		if err != nil {
			return ctlErr(http.StatusBadRequest, "tokenLifetime %q must be a duration between 1s and a year, such as 5m", *v)
		}
		sets = append(sets, func() error { return s.SetTokenLifetime(d) })
	}
	if v := req.InFlightStatus; v != nil {
		if err := checkInFlightStatus(*v); err != nil {
			return err
		}
		sets = append(sets, func() error { return s.SetInFlightStatus(*v) })
	}
	if v := req.Latency; v != nil {
		lo, hi, err := ParseLatency(*v)
		if err != nil {
			return err
		}
		sets = append(sets, func() error { return s.SetLatency(lo, hi) })
	}
	if req.RequestLogEntries != nil || req.RequestLogBytes != nil {
		n, b := deref(req.RequestLogEntries, 0), deref(req.RequestLogBytes, 0)
		if err := checkLogLimits(n, b); err != nil {
			return err
		}
		sets = append(sets, func() error { return s.SetRequestLogLimits(n, b) })
	}
	for _, set := range sets {
		if err := set(); err != nil {
			return err
		}
	}
	return s.ctlSettings(w, r, p)
}
