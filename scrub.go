package phonelineplus

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// scrub removes the API secret and the current token from b, so that an
// error body that echoes them cannot leak them.
func (c *Client) scrub(b []byte) []byte {
	for _, s := range c.secrets() {
		b = bytes.ReplaceAll(b, []byte(s), []byte(mask))
	}
	return b
}

func (c *Client) scrubString(s string) string { return string(c.scrub([]byte(s))) }

// scrubBody scrubs an error body however its strings were escaped: when
// the body is JSON, every decoded string is scrubbed too, and a body that
// hid a secret behind escapes is re-encoded from the clean values.
func (c *Client) scrubBody(b []byte) []byte {
	b = c.scrub(b)
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	changed := false
	v = mapStrings(v, func(s string) string {
		t := c.scrubString(s)
		changed = changed || t != s
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

func (c *Client) secrets() []string {
	raw := []string{c.core.secret.Reveal()}
	if ct := c.core.tokens.cur.Load(); ct != nil && ct.tok.AccessToken != "" {
		raw = append(raw, ct.tok.AccessToken)
	}
	// Two levels: an echo of a JSON body embedded in a JSON string is
	// escaped twice.
	var out []string
	for _, s := range raw {
		for _, f := range jsonForms(s) {
			for _, g := range jsonForms(f) {
				if !slices.Contains(out, g) {
					out = append(out, g)
				}
			}
		}
	}
	return out
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
