package phonelineplustest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The control API: plain JSON over HTTP under ControlPath, so that a test
// written in any language can do what a Go test does with the Server's
// methods. Each endpoint calls the method named beside it, and nothing
// else: the Go API and the HTTP API are one implementation. Errors are
// {"message": "..."} with 400 for bad input, 404 for an unknown ID or
// path, 405 (with Allow) for a wrong method. Bodies are JSON whatever the
// Content-Type (curl -d sends a form type); unknown fields are an error.
// Requests to the control API do not enter the request log and are not
// rate-limited or faulted.
type controlRoute struct {
	method, path string // path relative to ControlPath; "{}" matches one segment
	goAPI        string // the Server method (or option) it calls
	about        string
	h            func(s *Server, w http.ResponseWriter, r *http.Request, params []string) error
}

var controlRoutes []controlRoute

func init() {
	controlRoutes = []controlRoute{
		{"GET", "", "ControlAPIHelp", "this list, the base URL and the first API key", (*Server).ctlIndex},
		{"GET", "ui", "", "the dashboard (open it in a browser)", (*Server).ctlUI},
		{"POST", "reset", "Reset, ResetWithSeed", `back to the start: {} or {"seed": 7}`, (*Server).ctlReset},
		{"GET", "state", "Snapshot", "everything the fake holds (?pool=false leaves out the number pool)", (*Server).ctlState},
		{"PUT", "state", "LoadSnapshot", "replace everything with a state document, as GET /_fake/state answers", (*Server).ctlLoadState},
		{"POST", "customers", "AddCustomer, WithCustomer", `seed a customer: {"companyName", "fullName", "email", "plan", "number": {"numberE164"}, ...}`, (*Server).ctlAddCustomer},
		{"POST", "customers/{}/users", "AddUser, WithUser", `seed a user: {"fullName", "email", "type", ...}`, (*Server).ctlAddUser},
		{"POST", "customers/{}/numbers", "AddNumber, WithNumber", `give a customer a number: {"numberE164", "allocatedTo": {"userID"}}`, (*Server).ctlAddNumber},
		{"POST", "customers/{}/orders", "AddOrder, WithOrder", `seed an order: {"products": [{"sku": "T46S", "quantity": 1}], "deliveryAddress": {...}}`, (*Server).ctlAddOrder},
		{"POST", "partner-users", "AddPartnerUser, WithPartnerUser", `seed a partner user: {"fullName", "email"}`, (*Server).ctlAddPartnerUser},
		{"POST", "pool", "AddAvailableNumbers, WithAvailableNumbers", `add available numbers: [{"numberE164", "areaCode"}]`, (*Server).ctlAddPool},
		{"DELETE", "pool", "ClearNumberPool, WithoutNumberPool", "empty the pool of available numbers", (*Server).ctlClearPool},
		{"PUT", "products", "SetProducts, WithProducts", `replace the catalogue: [{"sku", "name", "make", "category", "unitCost"}]`, (*Server).ctlSetProducts},
		{"POST", "numbers/hold", "HoldNumbers(true), WithInFlightNumbers", `hold numbers in another order: {"numbers": ["441614960000"]}`, (*Server).ctlHold},
		{"POST", "numbers/release", "HoldNumbers(false)", `release held numbers: {"numbers": [...]}`, (*Server).ctlRelease},
		{"GET", "faults", "Faults", "the faults, with how often each fired", (*Server).ctlFaults},
		{"POST", "faults", "AddFault, InjectFault, WithFault", `add faults: a JSON object or list, or one per line: "POST /customers timeout-after once"`, (*Server).ctlAddFault},
		{"DELETE", "faults", "ClearFaults", "remove every fault", (*Server).ctlClearFaults},
		{"DELETE", "faults/{}", "RemoveFault", "remove one fault by its id", (*Server).ctlRemoveFault},
		{"GET", "settings", "Settings", "rate limit, token lifetime, in-flight status, latency, request log bounds", (*Server).ctlSettings},
		{"PATCH", "settings", "SetRateLimit, SetTokenLifetime, SetInFlightStatus, SetLatency, SetRequestLogLimits; WithRateLimit, WithTokenLifetime, WithInFlightStatus, WithLatency, WithRequestLogLimits",
			`change some: {"rateLimit": 10, "tokenLifetime": "5m", "inFlightStatus": 400, "latency": "20ms-200ms", "requestLogEntries": 1000}`, (*Server).ctlPatchSettings},
		{"GET", "budget", "RateLimitUsage", "requests each key made in the current rolling minute, and the limit", (*Server).ctlBudget},
		{"POST", "keys", "AddKey, NewKey, WithCredentials", `add an API key: {"keyID", "secret"}, or {} for a random one`, (*Server).ctlAddKey},
		{"DELETE", "keys/{}", "RevokeKey", "revoke an API key: /auth refuses it, its tokens get 401", (*Server).ctlRevokeKey},
		{"GET", "requests", "Requests", "the request log, secrets masked (?limit=N for the last N)", (*Server).ctlRequests},
		{"DELETE", "requests", "ClearRequests", "empty the request log", (*Server).ctlClearRequests},
		{"GET", "requests/stream", "", "the request log live, as server-sent events (event: request)", (*Server).ctlStream},
	}
}

// ControlAPIHelp describes the control API, one endpoint a line, for
// -h and GET /_fake/.
func ControlAPIHelp() string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	for _, rt := range controlRoutes {
		fmt.Fprintf(tw, "  %s\t%s%s\t%s\n", rt.method, ControlPath, strings.ReplaceAll(rt.path, "{}", "{id}"), rt.about)
	}
	_ = tw.Flush()
	return b.String()
}

func isControl(path string) bool {
	return strings.HasPrefix(path, ControlPath) || path == strings.TrimSuffix(ControlPath, "/")
}

// controlError is a control API answer other than 200: a status and a
// message.
type controlError struct {
	status int
	msg    string
	allow  []string
}

func (e *controlError) Error() string { return e.msg }

func ctlErr(status int, format string, args ...any) error {
	return &controlError{status: status, msg: fmt.Sprintf(format, args...)}
}

// serveControl serves a request under ControlPath.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPath, "/")), "/")
	if strings.HasPrefix(rel, "ui/") {
		s.serveUIAsset(w, r, strings.TrimPrefix(rel, "ui/"))
		return
	}
	segs := splitPath(rel)
	var allow []string
	for _, rt := range controlRoutes {
		params, ok := matchSegments(splitPath(rt.path), segs, "{}")
		if !ok {
			continue
		}
		if rt.method != r.Method && (rt.method != http.MethodGet || r.Method != http.MethodHead) {
			allow = append(allow, rt.method)
			continue
		}
		if err := rt.h(s, w, r, params); err != nil {
			writeCtlError(w, err)
		}
		return
	}
	if len(allow) > 0 {
		slices.Sort(allow)
		writeCtlError(w, &controlError{status: http.StatusMethodNotAllowed, allow: allow,
			msg: fmt.Sprintf("%s %s allows %s", ControlPath, rel, strings.Join(allow, ", "))})
		return
	}
	writeCtlError(w, ctlErr(http.StatusNotFound, "%s%s is not a control endpoint; GET %s lists them", ControlPath, rel, ControlPath))
}

func writeCtlError(w http.ResponseWriter, err error) {
	var ce *controlError
	if !errors.As(err, &ce) {
		ce = &controlError{status: http.StatusBadRequest, msg: err.Error()}
	}
	if len(ce.allow) > 0 {
		w.Header().Set("Allow", strings.Join(ce.allow, ", "))
	}
	writeJSON(w, ce.status, map[string]string{"message": strings.TrimPrefix(ce.msg, "phonelineplustest: ")})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// maxControlBody caps a control API body (a state document with its pool
// is a few hundred KiB).
const maxControlBody = 16 << 20

// readBody reads a control API body, or "" when there is none.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	switch {
	case err != nil:
		return nil, ctlErr(http.StatusBadRequest, "reading the body: %v", err)
	case len(b) > maxControlBody:
		return nil, ctlErr(http.StatusRequestEntityTooLarge, "the body is over %d bytes", maxControlBody)
	}
	return bytes.TrimSpace(b), nil
}

// decodeBody decodes a JSON body into v strictly; an empty body leaves v
// alone when empty is true.
func decodeBody(r *http.Request, v any, empty bool) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		if empty {
			return nil
		}
		return ctlErr(http.StatusBadRequest, "the body is empty; a JSON document is expected")
	}
	return decodeJSON(b, v)
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return ctlErr(http.StatusBadRequest, "bad JSON: %v", err)
	}
	if dec.More() {
		return ctlErr(http.StatusBadRequest, "bad JSON: more than one document in the body")
	}
	return nil
}

// lenient decodes what the API's own types hold (customers, users...):
// unknown fields are ignored there, since a record read from GET
// /_fake/state carries the nested lists and counts too.
func lenient(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return ctlErr(http.StatusBadRequest, "the body is empty; a JSON object is expected")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return ctlErr(http.StatusBadRequest, "bad JSON: %v", err)
	}
	return nil
}

func (s *Server) ctlIndex(w http.ResponseWriter, r *http.Request, _ []string) error {
	keyID, secret := s.Credentials()
	type endpoint struct{ Method, Path, About, GoAPI string }
	var eps []endpoint
	for _, rt := range controlRoutes {
		eps = append(eps, endpoint{rt.method, ControlPath + strings.ReplaceAll(rt.path, "{}", "{id}"), rt.about, rt.goAPI})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"baseURL": s.URL(), "keyID": keyID, "secret": secret, "dashboard": s.controlURL() + "ui",
		"endpoints": eps,
	})
	return nil
}

// controlURL is the absolute URL of ControlPath.
func (s *Server) controlURL() string { return strings.TrimSuffix(s.URL(), BasePath) + ControlPath }

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
		return ctlErr(http.StatusBadRequest, "the body is empty; give a fault such as {\"action\": \"timeout-after\"} or POST /customers timeout-after once")
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
	var added []InjectedFault
	for _, f := range faults {
		id, err := s.AddFault(f)
		if err != nil {
			return err
		}
		added = append(added, InjectedFault{ID: id, Fault: f})
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
		InFlightStatus: st.InFlightStatus, Latency: FormatLatency(st.MinLatency, st.MaxLatency),
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

// ParseLatency reads a latency as the -latency flag and the control API
// take it: one duration ("200ms") or a range ("20ms-200ms").
func ParseLatency(v string) (min, max time.Duration, err error) {
	lo, hi, ranged := cutRange(strings.TrimSpace(v))
	if min, err = time.ParseDuration(lo); err == nil && ranged {
		max, err = time.ParseDuration(hi)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("latency %q must be a duration (200ms) or a range (20ms-200ms)", v)
	}
	if err := checkLatency(min, max); err != nil {
		return 0, 0, fmt.Errorf("latency %q: %v", v, err)
	}
	return min, max, nil
}

// cutRange splits "lo-hi" at its dash; a leading minus sign is not one.
func cutRange(v string) (lo, hi string, ranged bool) {
	if i := strings.Index(v[min(1, len(v)):], "-"); i >= 0 {
		i += min(1, len(v))
		return v[:i], v[i+1:], true
	}
	return v, "", false
}

// FormatLatency writes a latency as ParseLatency reads it.
func FormatLatency(min, max time.Duration) string {
	if max > min {
		return min.String() + "-" + max.String()
	}
	return min.String()
}

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
	secrets := s.secrets()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case rq, ok := <-ch:
			if !ok {
				return nil
			}
			b, _ := json.Marshal(viewRequest(rq, secrets))
			if _, err := fmt.Fprintf(w, "event: request\nid: %s\ndata: %s\n\n", rq.ID, b); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}
