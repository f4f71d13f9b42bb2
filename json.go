package phonelineplus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"unicode/utf8"
)

// RawJSON is a JSON value exactly as the API sent it. Every resource keeps
// its whole object in a Raw field, so fields this SDK does not model (much
// of the API is inferred from public material) are never lost: decode Raw
// into your own struct to read them. Printing a RawJSON with fmt or slog
// shows only its size, because it may hold a SIP password; convert it to
// []byte or string explicitly to see the content.
//
// The Raw of a resource returned by the client shares the response body
// (each object is decoded once, not copied): keeping one item of a long
// list keeps that list's body in memory. Copy Raw (bytes.Clone) if you keep
// a few items of a large list for long.
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

// The decoder layer. Every resource keeps the object it came from in Raw,
// and a naive UnmarshalJSON that decodes the object, then copies it into
// Raw, reads each byte three times (once to find the value's end, once to
// decode, once to copy) and allocates the body again per item: on a list of
// a few hundred customers that was most of the SDK's CPU time over
// hand-written net/http (bench/RESULTS.md). So a resource type decodes
// itself through an objectDecoder (selfDecoder.decodeWith), and the
// decoder chosen says where the bytes come from: copyDecoder for data
// handed to UnmarshalJSON by someone else (copied: the caller may reuse
// it), bodyDecoder for a whole response body the client owns (decoded in
// one pass; Raw shares the body), and streamDecoder for the items of a
// list in such a body (each item decoded once as the decoder streams
// through the array, its Raw a capped slice of the body). decodeBody is
// the entry point the request path uses; everything else goes through
// encoding/json unchanged.

// keepRaw decodes data into v (a pointer to a method-free copy of the
// resource type, so this does not recurse) and keeps a copy of data.
func keepRaw(data []byte, v any, raw *RawJSON) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	*raw = append(RawJSON(nil), data...)
	return nil
}

// objectDecoder decodes one JSON object into v, a pointer to a method-free
// mirror of a resource type, and sets *raw to the object's bytes.
type objectDecoder interface {
	decode(v any, raw *RawJSON) error
}

// selfDecoder is a resource type that decodes itself through an
// objectDecoder: in one pass when the client decodes a body it owns.
type selfDecoder interface {
	decodeWith(d objectDecoder) error
}

// copyDecoder is the data given to UnmarshalJSON: decoded with
// json.Unmarshal and copied into Raw, since the caller may reuse it.
type copyDecoder []byte

func (d copyDecoder) decode(v any, raw *RawJSON) error { return keepRaw(d, v, raw) }

// bodyDecoder is a whole response body, which the client owns: Raw shares it.
type bodyDecoder []byte

func (d bodyDecoder) decode(v any, raw *RawJSON) error {
	if err := json.Unmarshal(d, v); err != nil {
		return err
	}
	*raw = RawJSON(d[:len(d):len(d)]) // capped: an append to Raw must copy
	return nil
}

// streamDecoder decodes the items of a list in a body the client owns,
// each in one pass; each item's Raw shares the body.
type streamDecoder struct {
	dec     *json.Decoder
	body    []byte
	start   int64
	scratch any // the mirror the items decode through, reused
}

// mirror returns a zeroed *W to decode through: the one d reuses for every
// item of a list, or a new one.
func mirror[W any](d objectDecoder) *W {
	sd, ok := d.(*streamDecoder)
	if !ok {
		return new(W)
	}
	w, ok := sd.scratch.(*W)
	if !ok {
		w = new(W)
		sd.scratch = w
	}
	*w = *new(W)
	return w
}

func (d *streamDecoder) decode(v any, raw *RawJSON) error {
	if err := d.dec.Decode(v); err != nil {
		return err
	}
	end := d.dec.InputOffset()
	*raw = RawJSON(bytes.TrimLeft(d.body[d.start:end:end], ", \t\r\n")) // capped: an append must not reach the next item
	return nil
}

// decodeBody decodes a response body the client owns into out.
func decodeBody(body []byte, out any) error {
	switch v := out.(type) {
	case selfDecoder:
		return v.decodeWith(bodyDecoder(body))
	case interface{ decodeBody([]byte) error }:
		return v.decodeBody(body)
	}
	return json.Unmarshal(body, out)
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

// decodeBody decodes a list from a body the client owns, streaming the
// items of a selfDecoder type so each is read once, not three times.
func (l *list[T]) decodeBody(body []byte) error {
	if _, ok := any(new(T)).(selfDecoder); !ok {
		return json.Unmarshal(body, l)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case nil: // null: no items, as json.Unmarshal has it
		return nil
	case json.Delim('['):
		return l.items(dec, body)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("phonelineplus: want a list, got %v", tok)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key != "data" {
			if err := dec.Decode(&skipValue{}); err != nil {
				return err
			}
			continue
		}
		switch tok, err := dec.Token(); {
		case err != nil:
			return err
		case tok == nil:
		case tok != json.Delim('['):
			return fmt.Errorf("phonelineplus: want a list in data, got %v", tok)
		default:
			if err := l.items(dec, body); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("phonelineplus: data after the list")
	}
	return nil
}

// items decodes the items of an array whose '[' dec has just read.
func (l *list[T]) items(dec *json.Decoder, body []byte) error {
	sd := &streamDecoder{dec: dec, body: body}
	for dec.More() {
		sd.start = dec.InputOffset()
		var zero T
		l.Data = append(l.Data, zero)
		if err := any(&l.Data[len(l.Data)-1]).(selfDecoder).decodeWith(sd); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// skipValue decodes any JSON value into nothing: the other members of a
// list's envelope ("count") are read past without being kept.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// plainString returns the content of a JSON string that needs no
// unescaping (no backslash, valid UTF-8), so decoders of single values
// can skip a second parse. data is one valid JSON value, as encoding/json
// hands it to UnmarshalJSON.
func plainString(data []byte) (string, bool) {
	n := len(data)
	if n < 2 || data[0] != '"' || data[n-1] != '"' || bytes.IndexByte(data, '\\') >= 0 || !utf8.Valid(data) {
		return "", false
	}
	return string(data[1 : n-1]), true
}

// looseString decodes a JSON string or number into a string, for fields
// whose JSON type is not known (ports, costs).
type looseString string

func (s *looseString) UnmarshalJSON(data []byte) error {
	// encoding/json hands over one valid value: a plain string or a
	// number needs no second parse.
	if str, ok := plainString(data); ok {
		*s = looseString(str)
		return nil
	}
	if len(data) > 0 && (data[0] == '-' || data[0] >= '0' && data[0] <= '9') && json.Valid(data) {
		*s = looseString(data)
		return nil
	}
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
