package phonelineplustest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MarshalText returns the action's name.
func (a FaultAction) MarshalText() ([]byte, error) {
	if a < 0 || int(a) >= len(faultActionNames) {
		return nil, fmt.Errorf("phonelineplustest: unknown fault action %d", int(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText reads an action by name, such as "timeout-after".
func (a *FaultAction) UnmarshalText(b []byte) error {
	i := slices.Index(faultActionNames[:], strings.ToLower(string(b)))
	if i < 0 {
		return fmt.Errorf("unknown fault action %q; want one of %s", b, strings.Join(faultActionNames[:], ", "))
	}
	*a = FaultAction(i)
	return nil
}

// faultJSON is the JSON form of a Fault.
type faultJSON struct {
	Method      string      `json:"method,omitempty"`
	Path        string      `json:"path,omitempty"`
	Action      FaultAction `json:"action"`
	Latency     jsonDur     `json:"latency,omitzero"`
	MaxLatency  jsonDur     `json:"maxLatency,omitzero"`
	Status      int         `json:"status,omitempty"`
	Body        string      `json:"body,omitempty"`
	Header      jsonHeader  `json:"header,omitempty"`
	Location    string      `json:"location,omitempty"`
	CommitAfter jsonDur     `json:"commitAfter,omitzero"`
	Times       int         `json:"times,omitempty"`
	Probability float64     `json:"probability,omitempty"`
}

// MarshalJSON writes the fault in its JSON form (see ParseFault).
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultJSON{Method: f.Method, Path: f.Path, Action: f.Action, Latency: jsonDur(f.Latency),
		MaxLatency: jsonDur(f.MaxLatency), Status: f.Status, Body: f.Body, Header: jsonHeader(f.Header),
		Location: f.Location, CommitAfter: jsonDur(f.CommitAfter), Times: f.Times, Probability: f.Probability})
}

// UnmarshalJSON reads the JSON form of a fault. Unknown fields are an
// error, so a misspelt setting is not silently ignored. It does not
// validate the fault: AddFault does.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault{Method: strings.ToUpper(j.Method), Path: j.Path, Action: j.Action, Latency: time.Duration(j.Latency),
		MaxLatency: time.Duration(j.MaxLatency), Status: j.Status, Body: j.Body, Header: http.Header(j.Header),
		Location: j.Location, CommitAfter: time.Duration(j.CommitAfter), Times: j.Times, Probability: j.Probability}
	return nil
}

// jsonDur is a duration written as a Go duration string ("1.5s").
type jsonDur time.Duration

func (d jsonDur) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *jsonDur) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		return fmt.Errorf("%s is not a duration such as \"250ms\" or \"2s\" (a string)", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 250ms or 2s", s)
	}
	*d = jsonDur(v)
	return nil
}

// jsonHeader is an http.Header whose values may be written as one string
// or a list of strings.
type jsonHeader http.Header

func (h jsonHeader) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(h))
	for k, vs := range h {
		if len(vs) == 1 {
			m[k] = vs[0]
		} else {
			m[k] = vs
		}
	}
	return json.Marshal(m)
}

func (h *jsonHeader) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return errors.New("header must be an object of strings or lists of strings")
	}
	out := http.Header{}
	for k, raw := range m {
		var one string
		var many []string
		switch {
		case json.Unmarshal(raw, &one) == nil:
			out.Add(k, one)
		case json.Unmarshal(raw, &many) == nil:
			for _, v := range many {
				out.Add(k, v)
			}
		default:
			return fmt.Errorf("header %q must be a string or a list of strings", k)
		}
	}
	*h = jsonHeader(out)
	return nil
}

// ParseFault reads a fault in either of its written forms, which the
// control API (POST /_fake/faults), the -fault flag of
// cmd/phonelineplus-fake and Fault.String use too. JSON, when s starts
// with "{", with durations as Go duration strings and the action by name:
//
//	{"method": "POST", "path": "/customers", "action": "timeout-after", "times": 1}
//	{"action": "respond", "status": 503, "body": "{\"message\":\"down\"}", "header": {"Retry-After": "5"}}
//	{"path": "/customers", "action": "timeout-commit-later", "commitAfter": "3s"}
//
// or one line: an optional method, an optional path, the action, then
// key=value settings (latency, status, body, header, location, times,
// probability, commitAfter; a latency may be a range "20ms-200ms"; "once"
// is times=1; a value with spaces goes in single or double quotes):
//
//	POST /customers timeout-after once
//	GET /products respond status=503 body='{"message":"down"}' header=Retry-After:5
//	delay latency=200ms-2s probability=0.1
//
// It checks the fault as AddFault does, so an unknown action, a bad
// duration or an absurd latency is an error naming what is wrong.
func ParseFault(s string) (Fault, error) {
	var f Fault
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return Fault{}, fmt.Errorf("phonelineplustest: fault %s: %v", s, err)
		}
	} else if err := f.parseLine(s); err != nil {
		return Fault{}, fmt.Errorf("phonelineplustest: fault %q: %v", s, err)
	}
	if err := f.validate(); err != nil {
		return Fault{}, fmt.Errorf("phonelineplustest: fault %q: %v", s, err)
	}
	return f, nil
}

func (f *Fault) parseLine(s string) error {
	words, err := splitWords(s)
	if err != nil {
		return err
	}
	action := false
	for _, w := range words {
		key, val, kv := strings.Cut(w, "=")
		switch {
		case !kv && !action && f.Method == "" && f.Path == "" && isMethod(w):
			f.Method = w
		case !kv && !action && f.Path == "" && strings.HasPrefix(w, "/"):
			f.Path = w
		case !kv && !action:
			if err := f.Action.UnmarshalText([]byte(w)); err != nil {
				return err
			}
			action = true
		case !kv && w == "once":
			f.Times = 1
		case !kv:
			return fmt.Errorf("%q is not a setting; settings are key=value", w)
		default:
			if err := f.set(strings.ToLower(key), val); err != nil {
				return err
			}
		}
	}
	if !action {
		return fmt.Errorf("no action; want one of %s", strings.Join(faultActionNames[:], ", "))
	}
	return nil
}

func (f *Fault) set(key, val string) error {
	var err error
	switch key {
	case "latency":
		lo, hi, ranged := cutRange(val)
		if f.Latency, err = parseDur(key, lo); err == nil && ranged {
			f.MaxLatency, err = parseDur(key, hi)
		}
	case "maxlatency", "max-latency":
		f.MaxLatency, err = parseDur(key, val)
	case "commitafter", "commit-after":
		f.CommitAfter, err = parseDur(key, val)
	case "status":
		f.Status, err = strconv.Atoi(val)
	case "times":
		f.Times, err = strconv.Atoi(val)
	case "probability":
		f.Probability, err = strconv.ParseFloat(val, 64)
	case "body":
		f.Body = val
	case "location":
		f.Location = val
	case "header":
		k, v, ok := strings.Cut(val, ":")
		if !ok {
			return fmt.Errorf("header %q must be Name:value", val)
		}
		if f.Header == nil {
			f.Header = http.Header{}
		}
		f.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	default:
		return fmt.Errorf("unknown setting %q; want latency, status, body, header, location, times, probability or commitAfter", key)
	}
	if err != nil {
		return fmt.Errorf("%s=%s: %v", key, val, errors.Unwrap(err))
	}
	return nil
}

func parseDur(key, v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, fmt.Errorf("%q is not a duration such as 250ms or 2s", v))
	}
	return d, nil
}

func isMethod(w string) bool {
	switch w {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// splitWords splits s at spaces, keeping what is inside single or double
// quotes together (the quotes go).
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, errors.New("a quote is not closed")
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// String returns the fault in its one-line form, which ParseFault reads
// back.
func (f Fault) String() string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	if f.Method != "" {
		add(f.Method)
	}
	if f.Path != "" {
		add(f.Path)
	}
	add(f.Action.String())
	if f.Latency > 0 || f.MaxLatency > 0 {
		if f.MaxLatency > f.Latency {
			add("latency=" + f.Latency.String() + "-" + f.MaxLatency.String())
		} else {
			add("latency=" + f.Latency.String())
		}
	}
	if f.CommitAfter > 0 {
		add("commitAfter=" + f.CommitAfter.String())
	}
	if f.Status != 0 {
		add("status=" + strconv.Itoa(f.Status))
	}
	if f.Body != "" {
		add("body=" + quoteWord(f.Body))
	}
	keys := make([]string, 0, len(f.Header))
	for k := range f.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range f.Header[k] {
			add("header=" + quoteWord(k+":"+v))
		}
	}
	if f.Location != "" {
		add("location=" + quoteWord(f.Location))
	}
	switch f.Times {
	case 0:
	case 1:
		add("once")
	default:
		add("times=" + strconv.Itoa(f.Times))
	}
	if f.Probability != 0 {
		add("probability=" + strconv.FormatFloat(f.Probability, 'g', -1, 64))
	}
	return b.String()
}

// quoteWord quotes v for the one-line form when it needs it.
func quoteWord(v string) string {
	if !strings.ContainsAny(v, " \t'\"") {
		return v
	}
	if !strings.Contains(v, "'") {
		return "'" + v + "'"
	}
	return `"` + v + `"`
}
