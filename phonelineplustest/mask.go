package phonelineplustest

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// masked is what a secret is replaced with in the control API's view of
// the request log.
const masked = "***"

// secretFields are the JSON fields whose values the request log's view
// masks, compared without case: API secrets, tokens, SIP passwords, PINs.
var secretFields = map[string]bool{"secret": true, "access_token": true, "token": true, "sippassword": true,
	"password": true, "pin": true}

// jwtPattern finds anything shaped like a JWT, wherever it hides.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// secretNames is secretFields as a regular expression's alternation.
var secretNames = strings.Join(slices.Sorted(maps.Keys(secretFields)), "|")

// jsonPair and formPair find a secret field with its value in a body that
// is not JSON as a whole: a JSON pair in a body cut short (a truncated
// answer, or one longer than MaxLoggedBody), whose value may lack its
// closing quote, or a form pair.
var (
	jsonPair = regexp.MustCompile(`(?i)("(?:` + secretNames + `)"\s*:\s*)"(?:[^"\\]|\\.)*"?`)
	formPair = regexp.MustCompile(`(?i)(^|[&\s])((?:` + secretNames + `)=)[^&\s]*`)
)

// maskBody masks a body: the values of secret fields in JSON (or in what
// looks like JSON or a form when the body does not parse), and in any
// body the known API secrets and anything shaped like a JWT.
func maskBody(b []byte, secrets []string) string {
	if len(b) == 0 {
		return ""
	}
	var v any
	parsed := false
	if json.Unmarshal(b, &v) == nil {
		if out, err := json.Marshal(maskValue(v)); err == nil {
			b, parsed = out, true
		}
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !parsed {
		s = jsonPair.ReplaceAllString(s, `$1"`+masked+`"`)
		s = formPair.ReplaceAllString(s, `$1$2`+masked)
	}
	return maskText(s, secrets)
}

// maskText masks the known API secrets and anything shaped like a JWT.
func maskText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 8 {
			s = strings.ReplaceAll(s, sec, masked)
		}
	}
	return jwtPattern.ReplaceAllString(s, masked)
}

// maskQuery is a query string with the values of secret fields, the
// known API secrets and anything shaped like a JWT masked.
func maskQuery(q url.Values, secrets []string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if secretFields[strings.ToLower(k)] && v != "" {
				v = masked
			}
			b.WriteString(strings.ReplaceAll(url.QueryEscape(maskText(v, secrets)), "%2A", "*"))
		}
	}
	return b.String()
}

func maskValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretFields[strings.ToLower(k)] {
				if s, ok := e.(string); ok && s != "" {
					x[k] = masked
				}
				continue
			}
			x[k] = maskValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = maskValue(e)
		}
	}
	return v
}

// maskHeader returns h with credentials masked: the token of an
// Authorization header (its scheme stays), cookies, the known API secrets
// and any value shaped like a JWT.
func maskHeader(h http.Header, secrets []string) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization":
			scheme, _, _ := strings.Cut(v, " ")
			v = scheme + " " + masked
		case "Cookie", "Set-Cookie":
			v = masked
		default:
			v = maskText(v, secrets)
		}
		out[k] = v
	}
	return out
}

// requestView is a request of the log as the control API shows it, with
// secrets masked.
type requestView struct {
	ID             string            `json:"id"`
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	Query          string            `json:"query,omitempty"`
	Time           time.Time         `json:"time"`
	DurationMS     float64           `json:"durationMs"`
	Done           bool              `json:"done"`
	KeyID          string            `json:"keyID,omitempty"`
	Status         int               `json:"status"`
	Fault          string            `json:"fault,omitempty"`
	FaultAction    string            `json:"faultAction,omitempty"`
	ActedStatus    int               `json:"actedStatus,omitempty"`
	Header         map[string]string `json:"header"`
	Body           string            `json:"body"`
	ResponseHeader map[string]string `json:"responseHeader,omitempty"`
	ResponseBody   string            `json:"responseBody"`
	Truncated      bool              `json:"truncated,omitempty"`
}

func viewRequest(r Request, secrets []string) requestView {
	v := requestView{ID: r.ID, Method: r.Method, Path: maskText(r.Path, secrets), Query: maskQuery(r.Query, secrets), Time: r.Time,
		Done: !r.Done.IsZero(), KeyID: r.KeyID, Status: r.Status, ActedStatus: r.ActedStatus,
		Header: maskHeader(r.Header, secrets), Body: maskBody(r.Body, secrets), ResponseBody: maskBody(r.ResponseBody, secrets),
		Truncated: r.Truncated}
	if r.ResponseHeader != nil {
		v.ResponseHeader = maskHeader(r.ResponseHeader, secrets)
	}
	if v.Done {
		v.DurationMS = float64(r.Done.Sub(r.Time).Microseconds()) / 1000
	}
	if r.Fault != nil {
		v.Fault, v.FaultAction = r.Fault.String(), r.Fault.Action.String()
	}
	return v
}
