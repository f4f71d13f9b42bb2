package phonelineplus

// Fuzz targets for everything that reads untrusted input: response bodies,
// error bodies, Retry-After, /auth's expiry and the JWT, the input
// normalisers and the path builder. Seeds live in the code (f.Add) and, for
// inputs found by fuzzing that are worth keeping, in testdata/fuzz/<Target>/.
// `go test .` runs every seed; .ci/fuzz.sh fuzzes each target for a while.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// jsonSpace is the whitespace JSON allows around a value; encoding/json
// hands an UnmarshalJSON method the value without it.
const jsonSpace = " \t\r\n"

// addGoldenSeeds adds every golden wire file, and every item of a list
// response, as a seed.
func addGoldenSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no golden files under testdata/")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		var l struct{ Data []json.RawMessage }
		if json.Unmarshal(b, &l) == nil {
			for _, item := range l.Data {
				f.Add([]byte(item))
			}
		}
	}
}

// checkDecode decodes data into a T the way the client does (json.Unmarshal
// of the whole body) and, when that succeeds, checks that Raw holds exactly
// the value sent, owns its bytes, and that decoding is stable: decoding Raw
// again gives the same value, and marshal→decode→marshal is a fixed point.
func checkDecode[T any](t *testing.T, data []byte) {
	t.Helper()
	typ := reflect.TypeFor[T]().String()
	buf := bytes.Clone(data)
	var v T
	if err := json.Unmarshal(buf, &v); err != nil {
		return
	}
	want := bytes.Trim(data, jsonSpace)
	if raw, ok := rawField(&v); ok {
		if !bytes.Equal(raw, want) {
			t.Fatalf("%s: Raw = %q, want the input %q", typ, raw, want)
		}
		for i := range buf {
			buf[i] = 'x' // Raw must not alias the response buffer
		}
		if raw, _ := rawField(&v); !bytes.Equal(raw, want) {
			t.Fatalf("%s: Raw changed when the input buffer was reused: %q", typ, raw)
		}
	}
	// Every list item's Raw is the exact text of that item in the body.
	if items := reflect.ValueOf(&v).Elem().FieldByName("Data"); items.IsValid() && items.Kind() == reflect.Slice {
		for i := range items.Len() {
			if raw, ok := rawField(items.Index(i).Addr().Interface()); ok && !bytes.Contains(data, raw) {
				t.Fatalf("%s: item %d Raw %q is not part of the body", typ, i, raw)
			}
		}
	}
	var again T
	if err := json.Unmarshal(want, &again); err != nil {
		t.Fatalf("%s: decoding the same value again failed: %v", typ, err)
	}
	if !reflect.DeepEqual(v, again) {
		t.Fatalf("%s: decoding is not stable:\n first %#v\nsecond %#v", typ, v, again)
	}
	out, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("%s: marshalling a decoded value: %v", typ, err)
	}
	var back T
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s: decoding its own marshalled form %s: %v", typ, out, err)
	}
	out2, err := json.Marshal(&back)
	if err != nil {
		t.Fatalf("%s: marshalling again: %v", typ, err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatalf("%s: marshal→decode→marshal is not a fixed point:\n%s\n%s", typ, out, out2)
	}
}

// rawField returns the Raw field of the struct p points to.
func rawField(p any) (RawJSON, bool) {
	v := reflect.ValueOf(p).Elem()
	if v.Kind() != reflect.Struct {
		return nil, false
	}
	f := v.FieldByName("Raw")
	if !f.IsValid() || f.Type() != reflect.TypeFor[RawJSON]() {
		return nil, false
	}
	return f.Interface().(RawJSON), true
}

func FuzzDecodeResponses(f *testing.F) {
	addGoldenSeeds(f)
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `0`, `true`, ` {"data":[]} `, `{"data":null}`, `[null]`, `[{}]`,
		`{"ID":"a","id":"b","customerID":"c","userID":"d","user_id":"e"}`,
		`{"phoneNumberE164":"441610000000","numberE164":""}`,
		`{"allocatedTo":{"userID":""}}`, `{"allocatedTo":null}`,
		`{"areaCode":161,"name":"Manchester"}`, `{"areaCode":"44161"}`, `{"areaCode":1.5e3}`,
		`{"unitCost":45.5}`, `{"unitCost":"89.00"}`, `{"unitCost":null}`, `{"unitCost":[1]}`,
		`{"stunPort":3478}`, `{"destination":{"stunPort":"3478","sipPassword":null}}`,
		`{"sipPassword":"p\u00e4ss"}`, `{"customers":"3","users":1e2,"numbers":-1,"orders":99999999999999999999}`,
		`{"products":[{"unitCost":1},{"quantity":2}]}`, `{"name":"\ud800"}`, "{\"name\":\"\xff\"}",
		`{"maxUsers":1,"premiumRateCalls":true}`, `{"data":[{"ID":"1"}],"count":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode[Customer](t, data)
		checkDecode[Number](t, data)
		checkDecode[AvailableNumber](t, data)
		checkDecode[AreaCode](t, data)
		checkDecode[BlockedNumber](t, data)
		checkDecode[User](t, data)
		checkDecode[Device](t, data)
		checkDecode[Order](t, data)
		checkDecode[OrderedProduct](t, data)
		checkDecode[Product](t, data)
		checkDecode[PartnerSettings](t, data)
		checkDecode[Permissions](t, data)
		checkDecode[Stats](t, data)
		checkDecode[PartnerUser](t, data)
		checkDecode[Address](t, data)
		checkDecode[AddressMatch](t, data)
		checkDecode[Destination](t, data)
		checkDecode[list[Customer]](t, data)
		checkDecode[list[Number]](t, data)
		checkDecode[list[AvailableNumber]](t, data)
		checkDecode[list[AreaCode]](t, data)
		checkDecode[list[BlockedNumber]](t, data)
		checkDecode[list[User]](t, data)
		checkDecode[list[Device]](t, data)
		checkDecode[list[Order]](t, data)
		checkDecode[list[Product]](t, data)
		checkDecode[list[PartnerUser]](t, data)
		checkDecode[list[AddressMatch]](t, data)
	})
}

// fuzzToken is the cached access token in FuzzErrorBody; it must be
// scrubbed like the secret.
const fuzzToken = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnLWZ1enotdG9rZW4"

// defaultSecret stands in for a fuzzed secret that does not look like one.
// It has the '/' and '+' of base64, which some JSON encoders escape.
const defaultSecret = "AbC/dEf+GhI=jKl"

// realisticSecret returns s when it looks like an API secret, else
// defaultSecret: 8 to 128 printable ASCII characters without spaces or
// brackets (a bracket could overlap the "[REDACTED]" mask), and not text
// the error carries anyway.
func realisticSecret(s string, status int) string {
	if len(s) < 8 || len(s) > 128 {
		return defaultSecret
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '[' || c == ']' {
			return defaultSecret
		}
	}
	fixed := "phonelineplus: POST /customers/c-1/orders: " + http.StatusText(status) + " " + mask
	if strings.Contains(fixed, s) {
		return defaultSecret
	}
	return s
}

// oneLineText reports whether s is valid UTF-8 without control characters
// or line and paragraph separators.
func oneLineText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}

// echoSecret encodes secret as a server echoing it in an error body might:
// verbatim, or escaped by a JSON encoder (Go's escapes <, > and &; PHP's
// json_encode also escapes '/'; others escape every character as \uXXXX),
// or URL- or HTML-escaped.
func echoSecret(secret string, enc uint8) string {
	quoted := func(b []byte, _ error) string { return string(b[1 : len(b)-1]) }
	switch enc % 6 {
	case 1:
		return quoted(json.Marshal(secret))
	case 2:
		return strings.ReplaceAll(quoted(json.Marshal(secret)), "/", `\/`)
	case 3:
		var b strings.Builder
		for _, r := range secret {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	case 4:
		return url.QueryEscape(secret)
	case 5:
		return html.EscapeString(secret)
	}
	return secret
}

func FuzzErrorBody(f *testing.F) {
	const secret = defaultSecret
	for _, s := range []struct {
		status     int
		body, sec  string
		retryAfter string
		requestID  string
	}{
		{409, `{"message":"Email address already in use"}`, secret, "", "req-1"},
		{400, `{"error":"bad secret $SECRET"}`, secret, "", ""},
		{401, `"key $SECRET rejected"`, secret, "", ""},
		{400, `{"message":"invalid","request":{"keyID":"k","secret":"$SECRET"}}`, secret, "", ""},
		{500, "<html><body>Internal Server Error</body></html>", secret, "", ""},
		{502, "upstream\r\nX-Injected: yes\n\tfailed", secret, "", ""},
		{503, "", secret, "120", ""},
		{429, `{"Message":"slow down"}`, secret, "Wed, 21 Oct 2015 07:28:00 GMT", "id\nforged"},
		{404, `{"detail":null,"title":"Not Found"}`, secret, "", ""},
		{418, strings.Repeat("é", 400), secret, "-1", ""},
		{400, `{"errorMessage":"number has an in-flight order \u2028 x"}`, secret, "", ""},
		{500, "token " + fuzzToken + " expired", "s3cr3t-k3y-0001", "", ""},
		{0, "\x00\x01\x7f\u0085", secret, "", ""},
	} {
		f.Add(s.status, []byte(s.body), s.sec, uint8(0), s.retryAfter, s.requestID)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, secret string, enc uint8, retryAfter, requestID string) {
		secret = realisticSecret(secret, status)
		if strings.Contains(requestID, secret) || strings.Contains(requestID, fuzzToken) {
			requestID = "" // a request ID header is not scrubbed, and needs not be
		}
		// "$SECRET" in the body is the server echoing the secret.
		body = bytes.ReplaceAll(body, []byte("$SECRET"), []byte(echoSecret(secret, enc)))
		c, err := New("key-id", secret)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		c.core.tokens.cur.Store(&cachedToken{tok: Token{AccessToken: NewSecret(fuzzToken)}})
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Retry-After", retryAfter)
		resp.Header.Set("X-Request-Id", requestID)
		e := newAPIError(http.MethodPost, "/customers/c-1/orders", resp, bytes.Clone(body), c.scrubber(nil))
		if !oneLineText(e.Message) || len(e.Message) > maxMessageLen+len("…") {
			t.Fatalf("Message = %q (%d bytes): want one line of at most %d bytes", e.Message, len(e.Message), maxMessageLen)
		}
		s := e.Error()
		if !oneLineText(s) {
			t.Fatalf("Error() = %q: want one line", s)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("RetryAfter = %v", e.RetryAfter)
		}
		for _, leak := range []string{secret, fuzzToken} {
			switch {
			case strings.Contains(e.Message, leak):
				t.Fatalf("Message %q contains the secret %q (body %q)", e.Message, leak, body)
			case bytes.Contains(e.Body, []byte(leak)):
				t.Fatalf("Body %q contains the secret %q", e.Body, leak)
			case strings.Contains(s, leak):
				t.Fatalf("Error() %q contains the secret %q", s, leak)
			}
		}
		// Is never panics and matches the status's sentinel.
		if errors.Is(e, ErrServer) != (status >= 500 && status <= 599) {
			t.Fatalf("errors.Is(ErrServer) wrong for %d", status)
		}
		_ = errors.Is(e, ErrEmailInUse) || errors.Is(e, ErrNumberInFlight)
	})
}

var delaySecondsRE = regexp.MustCompile(`^[+-]?[0-9]+$`)

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Unix()
	for _, v := range []string{
		"", " ", "0", "120", " 120 ", "-1", "+5", "-0", "1.5", "9223372036854775807", "99999999999999999999",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 02 Jan 2026 03:05:05 GMT", "Friday, 02-Jan-26 03:05:05 GMT",
		"Fri Jan  2 03:05:05 2026", "Fri, 02 Jan 9999 23:59:59 GMT", "a year", "0x10", "1e3", "١٢٠",
	} {
		f.Add(v, now)
	}
	f.Add("Mon, 01 Jan 0001 00:00:00 GMT", int64(1)<<62)
	f.Add("Fri, 31 Dec 9999 23:59:59 GMT", -(int64(1) << 62))
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		d, ok := parseRetryAfter(v, time.Unix(nowUnix, 0))
		if d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, negative", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v with ok=false", v, d)
		}
		if !ok {
			return
		}
		tv := strings.TrimSpace(v)
		if _, err := http.ParseTime(tv); err != nil && !delaySecondsRE.MatchString(tv) {
			t.Fatalf("parseRetryAfter(%q) accepted garbage: %v", v, d)
		}
	})
}

// A normaliser under fuzz: its wire form, and how its output is fed back
// in to check idempotence.
type normCase struct {
	name  string
	fn    normaliser
	wire  *regexp.Regexp
	again func(out string) string // the input form of out; nil: out itself
}

var normCases = []normCase{
	{"numberE164", numberE164, regexp.MustCompile(`^44[1-9][0-9]{8,9}$`), nil},
	{"nationalNumber", nationalNumber, regexp.MustCompile(`^0[1-9][0-9]{8,9}$`), nil},
	{"ddiE164", ddiE164, regexp.MustCompile(`^44[123][0-9]{8,9}$`), nil},
	{"postcode", postcode, postcodeRE, nil},
	{"email", email, regexp.MustCompile(`^\S+@[^\s@]*\.[^\s@]*$`), nil},
	{"macAddress", macAddress, regexp.MustCompile(`^([0-9A-F]{2}:){5}[0-9A-F]{2}$`), nil},
	{"areaCode", areaCode, regexp.MustCompile(`^44[123][0-9]{1,4}$`), nil},
	// anyE164's output is E.164 without "+", and it takes an international
	// number only with its "+" (bare digits are ambiguous), so the output
	// goes back in with the "+".
	{"anyE164", anyE164, regexp.MustCompile(`^[1-9][0-9]{6,14}$`), func(out string) string { return "+" + out }},
}

// knownReasons are the Reason texts the normalisers give for a fixed set
// of bad inputs: constant texts, which by construction do not repeat the
// input even when a fuzzed input happens to be a substring of one.
var knownReasons = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, nc := range normCases {
		for _, in := range []string{
			"", " ", "x", "+1", "0", "44", "0000000000", "01610000000x", "04610000000", "07700900000",
			"0300000000000", "04", "0161", "01", "+0123456789", "+12", "+1234567890123456", "+12a4567890",
			"x@", "@x.com", "a@b", "a b@c.com", "SW1A 1A", "00:15:65:00:00:0g", "00:15-65:00:00:01",
			"0015-6500-0001", "0015.6500.000g", "0015.6500:0001", "00156500000", "a\x00b",
		} {
			var ve *ValidationError
			if _, err := nc.fn("f", in); errors.As(err, &ve) {
				m[ve.Reason] = true
			}
		}
	}
	return m
})

func FuzzNormalisers(f *testing.F) {
	for _, s := range []string{
		"", " ", "+441610000000", "0161 000 0000", "07700-900-000", " +44 20 7946 0000", "016977 4444",
		"+1 202 555 0100", "+4401610000000", "０１６１０００００００", "0161\n0000000", "+44(0)1610000000",
		"sw1a 1aa", "M1 1AA", "GIR 0AA", "ſW1A 1AA", "partner@example.com", " a@b.co ", "\"a b\"@example.com",
		"a@[127.0.0.1]", "Jo <jo@example.com>", "00:15:65:00:00:01", "00-15-65-00-00-0a", "0015.6500.0001",
		"001565000001", "00:15:65:00:00:0", "0161", "+44161", "44 20", "0300", "+33 1 23 45 67 89",
		"+999999999999999", "../", "%2F", "a\u202eb@example.com", "jö@example.com", "jo\u00a0e@example.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, nc := range normCases {
			out, err := nc.fn("field."+nc.name, s)
			if err != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) {
					t.Fatalf("%s(%q): error %v (%T) is not a *ValidationError", nc.name, s, err, err)
				}
				if ve.Field != "field."+nc.name {
					t.Fatalf("%s(%q): Field = %q", nc.name, s, ve.Field)
				}
				if !knownReasons()[ve.Reason] {
					for _, in := range []string{s, strings.TrimSpace(s)} {
						if utf8.RuneCountInString(in) > 3 && strings.Contains(ve.Reason, in) {
							t.Fatalf("%s(%q): Reason %q repeats the input", nc.name, s, ve.Reason)
						}
					}
				}
				continue
			}
			if !nc.wire.MatchString(out) {
				t.Fatalf("%s(%q) = %q, not the wire form %v", nc.name, s, out, nc.wire)
			}
			if !utf8.ValidString(out) || strings.ContainsFunc(out, func(r rune) bool {
				return unicode.IsControl(r) || unicode.IsSpace(r)
			}) {
				t.Fatalf("%s(%q) = %q contains control characters or spaces", nc.name, s, out)
			}
			in := out
			if nc.again != nil {
				in = nc.again(out)
			}
			out2, err := nc.fn("field."+nc.name, in)
			if err != nil || out2 != out {
				t.Fatalf("%s is not idempotent: %q -> %q -> %q, %v", nc.name, s, out, out2, err)
			}
		}
	})
}

// pathTemplates are every path template with an ID placeholder.
var pathTemplates = []string{
	pathBlockedNumbers, pathBlockedNumber, pathCustomer, pathCustomerContract, pathCustomerPlan, pathDevices,
	pathNumbers, pathNumbersCreate, pathNumber, pathNumberAllocate, pathNumberDeallocate, pathCustomerOrders,
	pathPartnerUser, pathUsers, pathUsersCreate, pathUser, pathUserResendActivation, pathUserPasswordReset,
	pathUserCallSettings, pathUserScheduleSettings,
}

var placeholderRE = regexp.MustCompile(`^\{([^{}/]+)\}$`)

func FuzzExpandPath(f *testing.F) {
	for i, ids := range [][2]string{
		{"00000000-0000-4000-8000-000000000001", "n_2.x~"}, {".", ".."}, {"...", ".~"}, {"a/b", "%2F"},
		{"a?b", "a#b"}, {"", " "}, {"a\r\n", "é"}, {"%2e%2e", "..%2f"}, {strings.Repeat("a", 128), strings.Repeat("b", 129)},
		{"ID", "\u2215"}, {"a;b", "a\\b"},
	} {
		f.Add(uint8(i), ids[0], ids[1])
	}
	f.Fuzz(func(t *testing.T, which uint8, id1, id2 string) {
		tmpl := pathTemplates[int(which)%len(pathTemplates)]
		tsegs := strings.Split(tmpl, "/")
		var names []string
		for _, seg := range tsegs {
			if m := placeholderRE.FindStringSubmatch(seg); m != nil {
				names = append(names, m[1])
			}
		}
		ids := []string{id1, id2}[:len(names)]
		p, err := expandPath(tmpl, ids...)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) {
				t.Fatalf("expandPath(%q, %q): error %v (%T) is not a *ValidationError", tmpl, ids, err, err)
			}
			if !strings.Contains(strings.Join(names, " "), ve.Field) || ve.Field == "" {
				t.Fatalf("expandPath(%q, %q): Field %q names no placeholder", tmpl, ids, ve.Field)
			}
			return
		}
		if strings.ContainsAny(p, "?#") {
			t.Fatalf("expandPath(%q, %q) = %q has a query or fragment", tmpl, ids, p)
		}
		segs := strings.Split(p, "/")
		if len(segs) != len(tsegs) {
			t.Fatalf("expandPath(%q, %q) = %q has %d segments, want %d", tmpl, ids, p, len(segs), len(tsegs))
		}
		n := 0
		for i, seg := range segs {
			if seg == "." || seg == ".." {
				t.Fatalf("expandPath(%q, %q) = %q has a dot segment", tmpl, ids, p)
			}
			if !placeholderRE.MatchString(tsegs[i]) {
				if seg != tsegs[i] {
					t.Fatalf("expandPath(%q, %q) = %q changed segment %q", tmpl, ids, p, tsegs[i])
				}
				continue
			}
			if got, err := url.PathUnescape(seg); err != nil || got != ids[n] {
				t.Fatalf("expandPath(%q, %q) = %q: segment %q unescapes to %q, %v", tmpl, ids, p, seg, got, err)
			}
			n++
		}
		// The client appends the path to the base URL: the URL it sends
		// must have the same path, and no query or fragment.
		u, err := url.Parse(ProductionURL + p)
		if err != nil || u.RawQuery != "" || u.Fragment != "" || u.EscapedPath() != strings.TrimSuffix(mustURL(t).EscapedPath(), "/")+p {
			t.Fatalf("expandPath(%q, %q) = %q: the request URL %v is not base+path (%v)", tmpl, ids, p, u, err)
		}
	})
}

func mustURL(t *testing.T) *url.URL {
	u, err := url.Parse(ProductionURL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// epoch is the earliest expiry parseExpires or jwtExpiry can mean: every
// form they read (Unix seconds of at least 1e8, milliseconds, a lifetime
// added to now) gives a later instant, so an earlier one is an overflow.
var epoch = time.Unix(0, 0)

func FuzzParseExpires(f *testing.F) {
	for _, s := range []string{
		``, `null`, `1693522800`, `1693522800000`, `"1693522800"`, `3600`, `"3600"`, `0`, `-5`, `""`, `"abc"`,
		`1.5e9`, `{}`, `[1]`, `true`, `99999999`, `100000000`, `1e12`, `1.7e12`, `"0x10"`, `1e-300`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte) {
		got := parseExpires(json.RawMessage(raw), now)
		if !got.IsZero() && got.Before(epoch) {
			t.Fatalf("parseExpires(%s) = %v, before 1970", raw, got)
		}
	})
}

// fuzzJWT builds an unsigned-looking JWT around claims.
func fuzzJWT(claims []byte) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("sig"))
}

func FuzzJWTExpiry(f *testing.F) {
	for _, s := range []string{
		`{"exp":1700000000}`, `{"exp":1700000000.5}`, `{"exp":"1700000000"}`, `{"exp":null}`, `{}`, `[]`, `null`,
		`{"exp":0}`, `{"exp":-1}`, `{"exp":1e12}`, `{"sub":"x","exp":1700000000,"iat":1}`,
	} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(nil), "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln")
	f.Add([]byte(nil), "a.b.c")
	f.Add([]byte(nil), "...")
	f.Add([]byte(nil), fuzzToken)
	f.Fuzz(func(t *testing.T, claims []byte, token string) {
		_ = jwtExpiry(token)
		got := jwtExpiry(fuzzJWT(claims))
		// A positive exp means an instant after 1970; a negative one
		// really is before it.
		var c map[string]any
		if json.Unmarshal(claims, &c) == nil {
			if exp, ok := c["exp"].(float64); ok && exp > 0 && !got.IsZero() && got.Before(epoch) {
				t.Fatalf("jwtExpiry(exp %s) = %v, before 1970", claims, got)
			}
		}
	})
}
