package phonelineplustest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// apiError is an error answer: a status and the text of {"message": ...}.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.msg) }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

func notFound(kind, id string) *apiError {
	return errorf(http.StatusNotFound, "%s %s not found", kind, id)
}

func required(field string) *apiError { return badRequest("%s is required", field) }

func malformed(format string, args ...any) *apiError {
	return errorf(http.StatusConflict, "Malformed request: "+format, args...)
}

var errUnauthorized = &apiError{status: http.StatusUnauthorized, msg: "Unauthorized"}

// reply is a response the fake is about to send.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// jsonReply encodes v as a JSON response; a nil v gives an empty body.
func jsonReply(status int, v any) reply {
	r := reply{status: status, header: http.Header{}}
	if v == nil {
		return r
	}
	b, err := json.Marshal(v)
	if err != nil {
		return errorReply(errorf(http.StatusInternalServerError, "encoding response: %v", err))
	}
	r.header.Set("Content-Type", "application/json")
	r.body = b
	return r
}

func errorReply(e *apiError) reply {
	return jsonReply(e.status, map[string]string{"message": e.msg})
}

func textReply(status int, text string) reply {
	return reply{status: status, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body: []byte(text)}
}

// list is the {"data":[...],"count":n} envelope of every list.
type list[T any] struct {
	Data  []T `json:"data"`
	Count int `json:"count"`
}

func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Data: items, Count: len(items)}
}

// call is one request as a handler sees it.
type call struct {
	r      *http.Request
	path   string // relative to BasePath
	body   []byte
	params []string // the path's {placeholders}, in order
	keyID  string
}

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// decode reads the JSON body into v. It is strict about syntax, content
// type and JSON types, and ignores unknown fields, as the API does.
func (c *call) decode(v any) error {
	ct := c.r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return malformed("Content-Type must be application/json, got %q", ct)
	}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return malformed("the body is empty; a JSON object is expected")
	}
	err := json.Unmarshal(c.body, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn):
		return malformed("invalid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ) && typ.Field == "":
		return malformed("the body must be a JSON object, not %s", typ.Value)
	case errors.As(err, &typ):
		return malformed("field %q must be %s, not %s", typ.Field, jsonTypeName(typ.Type), typ.Value)
	default:
		return malformed("%v", err)
	}
}

// jsonTypeName names the JSON type that decodes into t.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// handler serves one route. It runs with the state lock held and returns
// the status and the value to encode (nil for no body), or an error.
type handler func(s *Server, c *call) (int, any, error)

// route is one endpoint: a method and a path pattern whose "{}" segments
// match one path segment each.
type route struct {
	method  string
	pattern []string
	h       handler
}

// routes lists every endpoint, relative to the base path.
var routes = buildRoutes(map[string]handler{
	"POST /auth": (*Server).handleAuth,

	"GET /addresses":                               (*Server).lookupAddresses,
	"GET /customers":                               (*Server).listCustomers,
	"POST /customers":                              (*Server).createCustomer,
	"GET /customers/{}":                            (*Server).getCustomer,
	"PUT /customers/{}":                            (*Server).updateCustomer,
	"DELETE /customers/{}":                         (*Server).deleteCustomer,
	"PUT /customers/{}/contract":                   (*Server).regradeContract,
	"PUT /customers/{}/plan":                       (*Server).upgradePlan,
	"GET /customers/{}/numbers":                    (*Server).listNumbers,
	"POST /customers/{}/numbers":                   (*Server).createNumber,
	"GET /customers/{}/numbers/{}":                 (*Server).getNumber,
	"PUT /customers/{}/numbers/{}/allocate":        (*Server).allocateNumber,
	"DELETE /customers/{}/numbers/{}/deallocate":   (*Server).deallocateNumber,
	"GET /numbers/area-codes":                      (*Server).listAreaCodes,
	"GET /numbers/available":                       (*Server).listAvailable,
	"GET /customers/{}/blocked-numbers":            (*Server).listBlocked,
	"POST /customers/{}/blocked-numbers":           (*Server).createBlocked,
	"GET /customers/{}/blocked-numbers/{}":         (*Server).getBlocked,
	"PUT /customers/{}/blocked-numbers/{}":         (*Server).updateBlocked,
	"DELETE /customers/{}/blocked-numbers/{}":      (*Server).deleteBlocked,
	"GET /customers/{}/users":                      (*Server).listUsers,
	"POST /customers/{}/users":                     (*Server).createUser,
	"PUT /customers/{}/users/{}":                   (*Server).updateUser,
	"DELETE /customers/{}/users/{}":                (*Server).deleteUser,
	"GET /customers/{}/users/{}/resend-activation": (*Server).resendActivation,
	"POST /customers/{}/users/{}/password-reset":   (*Server).resetPassword,
	"PUT /customers/{}/users/{}/call-settings":     (*Server).updateCallSettings,
	"PUT /customers/{}/users/{}/schedule-settings": (*Server).updateScheduleSettings,
	"POST /customers/{}/users/{}/devices":          (*Server).createDevice,
	"GET /customers/{}/orders":                     (*Server).listCustomerOrders,
	"POST /customers/{}/orders":                    (*Server).createOrder,
	"GET /orders":                                  (*Server).listOrders,
	"GET /products":                                (*Server).listProducts,
	"GET /settings":                                (*Server).getSettings,
	"PUT /settings":                                (*Server).updateSettings,
	"GET /settings/user-permissions":               (*Server).getPermissions,
	"PUT /settings/user-permissions":               (*Server).updatePermissions,
	"GET /stats":                                   (*Server).getStats,
	"GET /users":                                   (*Server).listPartnerUsers,
	"POST /users":                                  (*Server).createPartnerUser,
	"PUT /users/{}":                                (*Server).updatePartnerUser,
	"DELETE /users/{}":                             (*Server).deletePartnerUser,
})

func buildRoutes(m map[string]handler) []route {
	rs := make([]route, 0, len(m))
	for k, h := range m {
		method, path, _ := strings.Cut(k, " ")
		rs = append(rs, route{method: method, pattern: splitPath(path), h: h})
	}
	return rs
}

// splitPath splits an escaped path into unescaped segments, ignoring a
// leading and a trailing slash ("/customers/abc/users/" and
// "/customers/abc/users" are the same path).
func splitPath(escaped string) []string {
	escaped = strings.TrimSuffix(strings.TrimPrefix(escaped, "/"), "/")
	if escaped == "" {
		return nil
	}
	segs := strings.Split(escaped, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	return segs
}

// match finds the route for method and path segments. It returns the
// route's handler and parameters, or an error for 404 / 405 (with the
// methods the path allows, sorted, for the Allow header).
func match(method string, segs []string) (handler, []string, []string, error) {
	var allow []string
	for _, rt := range routes {
		params, ok := matchSegments(rt.pattern, segs, "{}")
		if !ok {
			continue
		}
		if rt.method == method {
			return rt.h, params, nil, nil
		}
		allow = append(allow, rt.method)
	}
	if len(allow) > 0 {
		slices.Sort(allow)
		return nil, nil, allow, errorf(http.StatusMethodNotAllowed, "Method %s is not allowed on this path; it allows %s", method, strings.Join(allow, ", "))
	}
	return nil, nil, nil, errorf(http.StatusNotFound, "Not Found")
}

// matchSegments matches segs against pattern, where a segment equal to
// wildcard matches any one non-empty segment; it returns those segments.
func matchSegments(pattern, segs []string, wildcard string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch {
		case p == wildcard && segs[i] != "":
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// APIHelp describes the API the fake serves, one endpoint a line, sorted
// by path, for -h and the dashboard.
func APIHelp() string {
	lines := make([]string, 0, len(routes))
	for _, rt := range routes {
		p := "/" + strings.Join(rt.pattern, "/")
		lines = append(lines, fmt.Sprintf("  %-7s %s%s", rt.method, BasePath, strings.ReplaceAll(p, "{}", "{id}")))
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[10:]+a[:9], b[10:]+b[:9]) })
	return strings.Join(lines, "\n") + "\n"
}
