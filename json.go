package phonelineplus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
)

// RawJSON is a JSON value exactly as the API sent it. Every resource keeps
// its whole object in a Raw field, so fields this SDK does not model (much
// of the API is inferred from public material) are never lost: decode Raw
// into your own struct to read them. Printing a RawJSON with fmt or slog
// shows only its size, because it may hold a SIP password; convert it to
// []byte or string explicitly to see the content.
type RawJSON []byte

// Format prints the size only, for every verb.
func (r RawJSON) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "RawJSON(%d bytes)", len(r)) }

// LogValue logs the size only.
func (r RawJSON) LogValue() slog.Value { return slog.IntValue(len(r)) }

// MarshalJSON returns r itself (null when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// keepRaw decodes data into v (a pointer to a method-free copy of the
// resource type, so this does not recurse) and keeps a copy of data.
func keepRaw(data []byte, v any, raw *RawJSON) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	*raw = append(RawJSON(nil), data...)
	return nil
}

// list is the {"data":[...],"count":n} envelope of every list endpoint.
// A bare JSON array is accepted too.
type list[T any] struct {
	Data []T `json:"data"`
}

func (l *list[T]) UnmarshalJSON(data []byte) error {
	if b := bytes.TrimSpace(data); len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &l.Data)
	}
	type plain list[T]
	return json.Unmarshal(data, (*plain)(l))
}

// Ptr returns a pointer to v, for the optional fields of update requests:
// CustomerUpdateRequest{CompanyName: phonelineplus.Ptr("Acme Ltd")}.
func Ptr[T any](v T) *T { return &v }

// getList GETs a list endpoint and returns its items (never nil on success).
func getList[T any](ctx context.Context, c *Client, op, path string, query url.Values) ([]T, error) {
	var l list[T]
	if err := c.do(ctx, &call{op: op, method: http.MethodGet, path: path, query: query, out: &l}); err != nil {
		return nil, err
	}
	if l.Data == nil {
		l.Data = []T{}
	}
	return l.Data, nil
}

// send makes one call and decodes the response into a new T.
func send[T any](ctx context.Context, c *Client, op, method, path string, body any) (*T, error) {
	out := new(T)
	if err := c.do(ctx, &call{op: op, method: method, path: path, body: body, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// looseString decodes a JSON string or number into a string, for fields
// whose JSON type is not known (ports, costs).
type looseString string

func (s *looseString) UnmarshalJSON(data []byte) error {
	var v any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return err
	}
	switch v := v.(type) {
	case string:
		*s = looseString(v)
	case json.Number:
		*s = looseString(v)
	case nil:
		*s = ""
	default:
		return fmt.Errorf("phonelineplus: want a string or a number, got %T", v)
	}
	return nil
}
