package phonelineplus

import (
	"context"
	"net/http"
)

// Blocked-number paths, relative to the base URL. All are inferred: the
// segment may be spelt differently on your account.
const (
	pathBlockedNumbers = "/customers/{customerID}/blocked-numbers"
	pathBlockedNumber  = "/customers/{customerID}/blocked-numbers/{blockedNumberID}"
)

// BlockedNumbersService handles numbers a customer blocks. Use it as Client.BlockedNumbers.
type BlockedNumbersService service

// BlockDirection says which calls a block applies to.
type BlockDirection string

// Block directions (wire values inferred).
const (
	// BlockInbound blocks calls from the number.
	BlockInbound BlockDirection = "inbound"
	// BlockOutbound blocks calls to the number.
	BlockOutbound BlockDirection = "outbound"
	// BlockBoth blocks calls either way.
	BlockBoth BlockDirection = "both"
)

// BlockedNumber is a number a customer blocks, as the API returns it.
type BlockedNumber struct {
	ID          string         `json:"ID"`
	NumberE164  string         `json:"numberE164"` // E.164 digits without "+"; may be a non-UK number
	Direction   BlockDirection `json:"direction"`
	Description string         `json:"description"`
	Raw         RawJSON        `json:"-"` // the object as sent
}

// UnmarshalJSON decodes a blocked number and keeps the object in Raw.
func (b *BlockedNumber) UnmarshalJSON(data []byte) error { return b.decodeWith(copyDecoder(data)) }

func (b *BlockedNumber) decodeWith(dec objectDecoder) error {
	type plain BlockedNumber
	return dec.decode((*plain)(b), &b.Raw)
}

// BlockedNumberRequest is the body of BlockedNumbers.Create and
// BlockedNumbers.Update (fields inferred). An Update replaces the whole
// entry, so give every field again.
type BlockedNumberRequest struct {
	// NumberE164 is the number to block: a UK number in any form, or an
	// international one with its country code ("+1 212 555 0100",
	// "001 212 555 0100"). It is sent as E.164 digits without "+".
	NumberE164 string `json:"numberE164,omitzero"`
	// Direction is one of the Block constants, or your account's own
	// spelling: any value is sent.
	Direction   BlockDirection `json:"direction,omitzero"`
	Description string         `json:"description,omitzero"`
}

func (r BlockedNumberRequest) normalize() (BlockedNumberRequest, error) {
	var c checker
	c.optional("numberE164", &r.NumberE164, anyE164)
	if r.Direction != "" {
		c.fail(anyValue("direction", r.Direction))
	}
	c.optional("description", &r.Description, requiredText)
	c.fail(setsNothing("BlockedNumberRequest", r))
	return r, c.err
}

// Validate reports the first problem BlockedNumbers.Create and BlockedNumbers.Update would refuse r for, as a
// *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r BlockedNumberRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// List returns the numbers a customer blocks ("Get all Blocked Numbers").
//
// API: GET /customers/{customerID}/blocked-numbers (inferred)
func (s *BlockedNumbersService) List(ctx context.Context, customerID string, opts ...CallOption) ([]BlockedNumber, error) {
	path, err := expandPath(pathBlockedNumbers, customerID)
	if err != nil {
		return nil, err
	}
	return getList[BlockedNumber](ctx, s.client, &call{op: "BlockedNumbers.List", tmpl: pathBlockedNumbers, path: path, opts: opts})
}

// Create blocks a number for a customer ("Add a Blocked Number").
//
// Not idempotent. On ErrOutcomeUnknown the entry may exist: look it up with
// List before trying again.
//
// API: POST /customers/{customerID}/blocked-numbers (inferred)
func (s *BlockedNumbersService) Create(ctx context.Context, customerID string, req BlockedNumberRequest, opts ...CallOption) (*BlockedNumber, error) {
	path, err := expandPath(pathBlockedNumbers, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[BlockedNumber](ctx, s.client, &call{op: "BlockedNumbers.Create", method: http.MethodPost, tmpl: pathBlockedNumbers, path: path, body: req, opts: opts})
}

// Get returns one blocked number of a customer ("Get a Blocked Number by
// ID").
//
// API: GET /customers/{customerID}/blocked-numbers/{blockedNumberID} (inferred)
func (s *BlockedNumbersService) Get(ctx context.Context, customerID, blockedNumberID string, opts ...CallOption) (*BlockedNumber, error) {
	path, err := expandPath(pathBlockedNumber, customerID, blockedNumberID)
	if err != nil {
		return nil, err
	}
	return send[BlockedNumber](ctx, s.client, &call{op: "BlockedNumbers.Get", method: http.MethodGet, tmpl: pathBlockedNumber, path: path, opts: opts})
}

// Update replaces a blocked-number entry ("Update a Blocked Number by ID"):
// give every field again, not only the changed ones (an empty Description
// is left out of the body). Idempotent: retried on 5xx and network errors.
//
// API: PUT /customers/{customerID}/blocked-numbers/{blockedNumberID} (inferred)
func (s *BlockedNumbersService) Update(ctx context.Context, customerID, blockedNumberID string, req BlockedNumberRequest, opts ...CallOption) (*BlockedNumber, error) {
	path, err := expandPath(pathBlockedNumber, customerID, blockedNumberID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[BlockedNumber](ctx, s.client, &call{op: "BlockedNumbers.Update", method: http.MethodPut, tmpl: pathBlockedNumber, path: path, body: req, opts: opts})
}

// Delete unblocks a number ("Delete a Blocked Number by ID"). A retried
// Delete whose first attempt succeeded may answer ErrNotFound.
//
// API: DELETE /customers/{customerID}/blocked-numbers/{blockedNumberID} (inferred)
func (s *BlockedNumbersService) Delete(ctx context.Context, customerID, blockedNumberID string, opts ...CallOption) error {
	path, err := expandPath(pathBlockedNumber, customerID, blockedNumberID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "BlockedNumbers.Delete", method: http.MethodDelete, tmpl: pathBlockedNumber, path: path, opts: opts})
}
