package phonelineplus

import (
	"net/url"
	"strings"
)

// maxIDLen bounds a path ID; PhoneLine+ IDs are 36-character UUIDs.
const maxIDLen = 128

// expandPath fills the {name} placeholders of tmpl with ids, in order. Each
// ID is checked (a *ValidationError names the placeholder) and escaped, so
// no ID can add a segment, a query or a fragment to the path.
func expandPath(tmpl string, ids ...string) (string, error) {
	var b strings.Builder
	n := len(tmpl)
	for _, id := range ids {
		n += len(id) // checkID lets through nothing PathEscape expands
	}
	b.Grow(n)
	rest := tmpl
	for _, id := range ids {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			panic("phonelineplus: path template " + tmpl + " has fewer placeholders than IDs")
		}
		if err := checkID(rest[open+1:end], id); err != nil {
			return "", err
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(id))
		rest = rest[end+1:]
	}
	if strings.IndexByte(rest, '{') >= 0 {
		panic("phonelineplus: path template " + tmpl + " has more placeholders than IDs")
	}
	b.WriteString(rest)
	return b.String(), nil
}

// checkID accepts the URL-unreserved characters only: letters, digits,
// '-', '_', '.' and '~', which covers UUIDs and any reference seen so far,
// and rejects the dot segments.
func checkID(name, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return invalid(name, "is empty")
	case len(id) > maxIDLen:
		return invalid(name, "is longer than 128 characters")
	case id == "." || id == "..":
		return invalid(name, "must not be a dot segment")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return invalid(name, "may contain only letters, digits, '-', '_', '.' and '~'")
		}
	}
	return nil
}

// checkDoRequest checks Client.Do's method and path before anything is
// sent, and splits the path from its query. The path must stay under the
// base URL: absolute, with no dot segments, fragment, backslash, control
// character or space, and not a scheme-relative "//host".
func checkDoRequest(method, path string) (string, url.Values, error) {
	if method == "" || strings.ContainsFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return "", nil, invalid("method", "must be an upper-case HTTP method")
	}
	p, rawQuery, _ := strings.Cut(path, "?")
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(path, "#\\") ||
		strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", nil, invalid("path", "must be a path relative to the base URL, starting with /")
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return "", nil, invalid("path", "must not contain . or .. segments")
		}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", nil, invalid("path", "has an unreadable query")
	}
	return p, q, nil
}
