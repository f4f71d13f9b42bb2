package phonelineplus

import (
	"cmp"
	"context"
	"net/http"
	"strings"
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

// Validate reports the first problem BlockedNumbers.Create and
// BlockedNumbers.Update would refuse r for, as a *ValidationError naming
// the field, without sending anything: the method runs the same check
// before each request.
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
// Not idempotent. On ErrOutcomeUnknown the entry may exist: call
// CreateOrFind instead to have that settled, or after Create look it up
// with FindByNumber and WithCallSettleWindow (it may appear seconds later).
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

// Delete unblocks a number ("Delete a Blocked Number by ID"). A retry
// that answers 404 after an attempt that may have deleted is success.
//
// API: DELETE /customers/{customerID}/blocked-numbers/{blockedNumberID} (inferred)
func (s *BlockedNumbersService) Delete(ctx context.Context, customerID, blockedNumberID string, opts ...CallOption) error {
	path, err := expandPath(pathBlockedNumber, customerID, blockedNumberID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "BlockedNumbers.Delete", method: http.MethodDelete, tmpl: pathBlockedNumber, path: path, opts: opts})
}

func blockedNumberID(b *BlockedNumber) string { return b.ID }

// FindByNumber returns the customer's blocked-number entry for number: a
// UK number in any form, or an international one as "+<country
// code><number>", compared through the SDK's number parser. No match is
// an error matching ErrNotFound; more than one (the same number blocked in
// two entries) ErrAmbiguous.
//
// Cost: one request (BlockedNumbers.List, scanned here: the API has no
// known filter).
func (s *BlockedNumbersService) FindByNumber(ctx context.Context, customerID, number string, opts ...CallOption) (*BlockedNumber, error) {
	number, err := anyE164("number", number)
	if err != nil {
		return nil, err
	}
	list := func() ([]BlockedNumber, error) { return s.List(ctx, customerID, opts...) }
	return findOne(ctx, opts, "BlockedNumbers.FindByNumber", "blocked number", list, blockedNumberID, func(b *BlockedNumber) bool { return sameNumber(b.NumberE164, number) })
}

// CreateOrFind blocks a number for a customer, settling an unknown outcome
// itself as Customers.CreateOrFind does, with the number as the key: on
// ErrOutcomeUnknown the entry is looked up for the settle window, and
// Create is sent once more only if it stayed absent. An entry found with
// another direction or description is for a person to check
// (*VerificationError). The API is not known to refuse a number blocked
// twice, so a create that commits after the whole window can leave two
// entries: choose the window accordingly.
//
// Cost: Create's one request, plus one BlockedNumbers.List per look when
// the outcome is unknown. opts apply to every request; WithResponseInto
// describes the last send of the create (not a look).
func (s *BlockedNumbersService) CreateOrFind(ctx context.Context, customerID string, req BlockedNumberRequest, opts ...CallOption) (*Ensured[BlockedNumber], error) {
	norm, window, err := prepare(s.client, opts, cmp.Or(checkID("customerID", customerID), findKey("numberE164", req.NumberE164)), req, BlockedNumberRequest.normalize)
	if err != nil {
		return nil, err
	}
	return ensure(ctx, window, creation[BlockedNumber]{
		op: "BlockedNumbers.CreateOrFind", what: "blocked number", id: blockedNumberID,
		differs: func(b *BlockedNumber) string {
			return mismatch(field{"direction", string(norm.Direction), string(b.Direction), strings.EqualFold},
				field{"description", norm.Description, b.Description, sameText})
		},
		create: func() (*BlockedNumber, error) { return s.Create(ctx, customerID, req, opts...) },
		find: func() (*BlockedNumber, error) {
			return s.FindByNumber(ctx, customerID, req.NumberE164, lookupOpts(opts)...)
		},
		hint: "check customer " + customerID + "'s blocked numbers in the partner portal before blocking it again",
	})
}
