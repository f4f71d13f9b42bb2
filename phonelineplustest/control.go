package phonelineplustest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
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

// serveControl serves a request under ControlPath. A browser's request
// from another origin that would change something is refused: a web page
// the developer visits must not reset their fake or inject faults (the
// API has no CORS headers, so such a page cannot read answers either).
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if s.rebound(r) {
		writeCtlError(w, ctlErr(http.StatusForbidden, "the control API answers a browser only under a loopback host name, not %q: "+
			"open the dashboard at %sui", r.Host, s.controlURL()))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && crossOrigin(r) {
		writeCtlError(w, ctlErr(http.StatusForbidden, "the control API refuses %s from another origin (%s); call it from a test or the dashboard",
			r.Method, r.Header.Get("Origin")))
		return
	}
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
			msg: fmt.Sprintf("Method %s is not allowed on %s%s; it allows %s", r.Method, ControlPath, rel, strings.Join(allow, ", "))})
		return
	}
	writeCtlError(w, ctlErr(http.StatusNotFound, "%s%s is not a control endpoint; GET %s lists them", ControlPath, rel, ControlPath))
}

// rebound reports whether a browser reached a fake that listens on
// loopback only through a host name that is not loopback: a web page that
// pointed its own name at 127.0.0.1 (DNS rebinding) to drive the fake and
// read its log. Programs (which send no Origin or Sec-Fetch-Site) are never
// refused, and nor is a fake listening beyond loopback (-public).
func (s *Server) rebound(r *http.Request) bool {
	if !s.loopbackOnly || (r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") == "") {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return !ip.IsLoopback()
	}
	name, err := os.Hostname()
	return err != nil || !strings.EqualFold(host, name)
}

// crossOrigin reports whether a browser sent r from a page of another
// origin than the fake's own.
func crossOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return r.Header.Get("Sec-Fetch-Site") == "cross-site"
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
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
