package phonelineplus

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// scrubber removes known credentials from text that came from elsewhere
// (error bodies, transport errors) in every form an echo may take: as
// sent, JSON-escaped (twice, for a JSON body quoted in a JSON string),
// URL-encoded, and base64 or base64url.
type scrubber struct{ forms []string }

// scrubber returns the scrubber for the API secret, the cached token, and
// sent, the token a request went out with (which may since have been
// replaced).
func (c *Client) scrubber(sent *cachedToken) scrubber {
	raw := []string{c.core.secret.Reveal()}
	for _, ct := range []*cachedToken{c.core.tokens.cur.Load(), sent} {
		if ct != nil {
			if v := ct.tok.AccessToken.Reveal(); v != "" && !slices.Contains(raw, v) {
				raw = append(raw, v)
			}
		}
	}
	var s scrubber
	add := func(f string) {
		if f != "" && !slices.Contains(s.forms, f) {
			s.forms = append(s.forms, f)
		}
	}
	for _, v := range raw {
		for _, f := range jsonForms(v) {
			for _, g := range jsonForms(f) {
				add(g)
			}
		}
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(v)))
		}
	}
	// Longest first: a form inside a longer one must not break it up.
	slices.SortFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
	return s
}

// bytes removes every form of every credential from b.
func (s scrubber) bytes(b []byte) []byte {
	for _, f := range s.forms {
		b = bytes.ReplaceAll(b, []byte(f), []byte(mask))
	}
	return b
}

func (s scrubber) string(str string) string {
	for _, f := range s.forms {
		str = strings.ReplaceAll(str, f, mask)
	}
	return str
}

// body scrubs an error body however its strings were escaped: when the
// body is JSON, every decoded string is scrubbed too, and a body that hid
// a secret behind escapes is re-encoded from the clean values.
func (s scrubber) body(b []byte) []byte {
	b = s.bytes(b)
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	changed := false
	v = mapStrings(v, func(str string) string {
		t := s.string(str)
		changed = changed || t != str
		return t
	})
	if !changed {
		return b
	}
	if out, err := json.Marshal(v); err == nil {
		return out
	}
	return []byte(mask)
}

// error keeps a transport error's chain but scrubs its text.
func (s scrubber) error(err error) error {
	if str := err.Error(); s.string(str) != str {
		return &scrubbedError{text: s.string(str), err: err}
	}
	return err
}

// scrubbedError is an error whose text was scrubbed; errors.Is and
// errors.As still see the original chain.
type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }

// mapStrings applies f to every string (keys included) in a decoded JSON
// value.
func mapStrings(v any, f func(string) string) any {
	switch v := v.(type) {
	case string:
		return f(v)
	case []any:
		for i := range v {
			v[i] = mapStrings(v[i], f)
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[f(k)] = mapStrings(e, f)
		}
		return out
	}
	return v
}

// jsonForms returns s and the ways a JSON encoder may have escaped it.
func jsonForms(s string) []string {
	forms := []string{s}
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	var b bytes.Buffer
	for _, html := range []bool{true, false} {
		b.Reset()
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(s)
		f := strings.TrimSuffix(strings.TrimSpace(b.String()), `"`)
		f = strings.TrimPrefix(f, `"`)
		add(f)
		add(strings.ReplaceAll(f, "/", `\/`))
	}
	return forms
}
