package phonelineplus

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Number paths, relative to the base URL. List, Allocate, Deallocate and
// ListAvailable are observed in a real client; the others are inferred.
const (
	pathNumbers          = "/customers/{customerID}/numbers/" // the trailing slash is as observed
	pathNumbersCreate    = "/customers/{customerID}/numbers"
	pathNumber           = "/customers/{customerID}/numbers/{numberID}"
	pathNumberAllocate   = "/customers/{customerID}/numbers/{numberID}/allocate"
	pathNumberDeallocate = "/customers/{customerID}/numbers/{numberID}/deallocate"
	pathAreaCodes        = "/numbers/area-codes"
	pathAvailableNumbers = "/numbers/available"
)

// NumbersService handles customer phone numbers and the available-number pool. Use it as Client.Numbers.
type NumbersService service

// NumberType is the kind of a PhoneLine+ number.
type NumberType string

// Known number types.
const (
	// NumberTypeGeographic is a UK town or city number (01…, 02…); searching
	// for one needs an area code.
	NumberTypeGeographic NumberType = "standard_geographic"
	// NumberTypeNonGeographic is a UK non-geographic number (03…).
	NumberTypeNonGeographic NumberType = "standard_nongeographic"
)

// Allocation names the user a number is allocated to.
type Allocation struct {
	UserID string `json:"userID"`
}

// Number is a phone number of a customer as the API returns it.
type Number struct {
	ID                string      `json:"ID"`
	NumberE164        string      `json:"numberE164"` // E.164 digits without "+": "441610000000"
	Type              NumberType  `json:"type"`
	DisplayNumberType string      `json:"displayNumberType"` // a label, e.g. "UK Geographic Number"
	AllocatedTo       *Allocation `json:"allocatedTo"`       // nil when the number is not allocated
	Raw               RawJSON     `json:"-"`                 // the object as sent
}

// UnmarshalJSON decodes a number and keeps the object in Raw. An
// allocatedTo without a userID means the number is not allocated, so
// AllocatedTo is nil then.
func (n *Number) UnmarshalJSON(data []byte) error { return n.decodeWith(copyDecoder(data)) }

func (n *Number) decodeWith(dec objectDecoder) error {
	type plain Number
	if err := dec.decode((*plain)(n), &n.Raw); err != nil {
		return err
	}
	if n.NumberE164 == "" {
		// Some answers name it phoneNumberE164. It is read only then: a
		// mirror embedding plain beside it would cost every field of
		// every item of a list a reflection step in encoding/json.
		var alt struct {
			Number string `json:"phoneNumberE164"`
		}
		if err := json.Unmarshal(n.Raw, &alt); err != nil {
			return err
		}
		n.NumberE164 = alt.Number
	}
	if n.AllocatedTo != nil && n.AllocatedTo.UserID == "" {
		n.AllocatedTo = nil
	}
	return nil
}

// AreaCode is a UK geographic area code usable with ListAvailable.
type AreaCode struct {
	AreaCode string  `json:"areaCode"` // E.164 form without "+": "44161" for 0161
	Name     string  `json:"name"`     // e.g. "Manchester"
	Raw      RawJSON `json:"-"`        // the object as sent
}

// UnmarshalJSON decodes an area code given as a string or a number and
// keeps the object in Raw.
func (a *AreaCode) UnmarshalJSON(data []byte) error { return a.decodeWith(copyDecoder(data)) }

func (a *AreaCode) decodeWith(dec objectDecoder) error {
	type plain AreaCode
	type wire struct {
		*plain
		AreaCode looseString `json:"areaCode"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(a)
	if err := dec.decode(aux, &a.Raw); err != nil {
		return err
	}
	a.AreaCode = string(aux.AreaCode)
	return nil
}

// AvailableNumber is a number from the pool that can be given to a customer
// (Numbers.Create, CustomerCreateRequest.Number, UserCreateRequest.PhoneNumber).
type AvailableNumber struct {
	NumberE164 string     `json:"numberE164"` // E.164 digits without "+"
	Type       NumberType `json:"type"`
	Raw        RawJSON    `json:"-"` // the object as sent
}

// UnmarshalJSON decodes an available number, accepting phoneNumberE164 for
// numberE164, and keeps the object in Raw.
func (a *AvailableNumber) UnmarshalJSON(data []byte) error { return a.decodeWith(copyDecoder(data)) }

func (a *AvailableNumber) decodeWith(dec objectDecoder) error {
	type plain AvailableNumber
	type wire struct {
		*plain
		AltNumber string `json:"phoneNumberE164"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(a)
	if err := dec.decode(aux, &a.Raw); err != nil {
		return err
	}
	a.NumberE164 = cmp.Or(a.NumberE164, aux.AltNumber)
	return nil
}

// NumberCreateRequest is the body of Numbers.Create (fields inferred).
type NumberCreateRequest struct {
	NumberE164 string `json:"numberE164,omitzero"` // a number from ListAvailable; any UK form, sent as 44…
}

func (r NumberCreateRequest) normalize() (NumberCreateRequest, error) {
	var c checker
	c.optional("numberE164", &r.NumberE164, ddiE164)
	c.fail(setsNothing("NumberCreateRequest", r))
	return r, c.err
}

// Validate reports the first problem Numbers.Create would refuse r for, as
// a *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r NumberCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// numberAllocateRequest is the body of Numbers.Allocate.
type numberAllocateRequest struct {
	UserID string `json:"userID"`
}

// AvailableNumbersOptions selects the numbers Numbers.ListAvailable returns.
type AvailableNumbersOptions struct {
	// NumberType is required.
	NumberType NumberType
	// AreaCode is required for NumberTypeGeographic. It may be given as
	// "0161", "+44161" or "44161" and is sent as "44161".
	AreaCode string
}

func (o AvailableNumbersOptions) normalize() (AvailableNumbersOptions, error) {
	var c checker
	c.fail(oneOf("numberType", o.NumberType, NumberTypeGeographic, NumberTypeNonGeographic))
	if o.NumberType == NumberTypeGeographic {
		c.check("areaCode", &o.AreaCode, areaCode)
	} else {
		c.optional("areaCode", &o.AreaCode, areaCode)
	}
	if c.err == nil && o.NumberType == NumberTypeGeographic && o.AreaCode[2] == '3' {
		c.fail(invalid("areaCode", "is not a geographic (01/02) area code"))
	}
	return o, c.err
}

// Validate reports the first problem Numbers.ListAvailable would refuse o
// for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (o AvailableNumbersOptions) Validate() error {
	_, err := o.normalize()
	return err
}

func (o AvailableNumbersOptions) query() url.Values {
	q := url.Values{"numberType": {string(o.NumberType)}}
	if o.AreaCode != "" {
		q.Set("areaCode", o.AreaCode)
	}
	return q
}

// List returns the numbers of a customer and whom each is allocated to
// ("List Customer Numbers").
//
// API: GET /customers/{customerID}/numbers/ (observed)
func (s *NumbersService) List(ctx context.Context, customerID string, opts ...CallOption) ([]Number, error) {
	path, err := expandPath(pathNumbers, customerID)
	if err != nil {
		return nil, err
	}
	return getList[Number](ctx, s.client, &call{op: "Numbers.List", tmpl: pathNumbers, path: path, opts: opts})
}

// Create adds a number, usually one picked from ListAvailable, to a
// customer ("Add Customer Number").
//
// Not idempotent. On ErrOutcomeUnknown the number may have been added:
// call CreateOrFind instead to have that settled, or after Create look it
// up with FindByNumber and WithCallSettleWindow. ErrNumberInFlight means
// the number is in another order: choose another.
//
// API: POST /customers/{customerID}/numbers (inferred)
func (s *NumbersService) Create(ctx context.Context, customerID string, req NumberCreateRequest, opts ...CallOption) (*Number, error) {
	path, err := expandPath(pathNumbersCreate, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Number](ctx, s.client, &call{op: "Numbers.Create", method: http.MethodPost, tmpl: pathNumbersCreate, path: path, body: req, opts: opts})
}

// Get returns one number of a customer ("Get Customer Number").
//
// API: GET /customers/{customerID}/numbers/{numberID} (inferred)
func (s *NumbersService) Get(ctx context.Context, customerID, numberID string, opts ...CallOption) (*Number, error) {
	path, err := expandPath(pathNumber, customerID, numberID)
	if err != nil {
		return nil, err
	}
	return send[Number](ctx, s.client, &call{op: "Numbers.Get", method: http.MethodGet, tmpl: pathNumber, path: path, opts: opts})
}

// Allocate assigns a customer's number to one of its users and returns the
// updated number ("Allocate Customer Number"). The user must exist.
// Idempotent (a PUT): retried on 5xx and network errors. To move a user to
// another number, allocate the new number before deallocating the old one,
// as the observed client does, so the user is never left without one.
//
// API: PUT /customers/{customerID}/numbers/{numberID}/allocate (observed)
func (s *NumbersService) Allocate(ctx context.Context, customerID, numberID, userID string, opts ...CallOption) (*Number, error) {
	path, err := expandPath(pathNumberAllocate, customerID, numberID)
	if err == nil {
		err = checkID("userID", userID)
	}
	if err != nil {
		return nil, err
	}
	return send[Number](ctx, s.client, &call{op: "Numbers.Allocate", method: http.MethodPut, tmpl: pathNumberAllocate, path: path, body: numberAllocateRequest{UserID: userID}, opts: opts})
}

// Deallocate takes a customer's number away from its user and returns the
// updated number, with AllocatedTo nil ("Deallocate Customer Number").
// Idempotent (a DELETE): retried on 5xx and network errors.
//
// API: DELETE /customers/{customerID}/numbers/{numberID}/deallocate (observed)
func (s *NumbersService) Deallocate(ctx context.Context, customerID, numberID string, opts ...CallOption) (*Number, error) {
	path, err := expandPath(pathNumberDeallocate, customerID, numberID)
	if err != nil {
		return nil, err
	}
	return send[Number](ctx, s.client, &call{op: "Numbers.Deallocate", method: http.MethodDelete, tmpl: pathNumberDeallocate, path: path, opts: opts})
}

// ListAreaCodes returns the UK area codes ListAvailable accepts ("List Area
// Codes").
//
// API: GET /numbers/area-codes (inferred)
func (s *NumbersService) ListAreaCodes(ctx context.Context, opts ...CallOption) ([]AreaCode, error) {
	return getList[AreaCode](ctx, s.client, &call{op: "Numbers.ListAreaCodes", tmpl: pathAreaCodes, path: pathAreaCodes, opts: opts})
}

// ListAvailable returns numbers from the pool that can be given to a
// customer ("List Available Numbers"). A number listed here may still be
// tied up in another in-flight order: using it can fail later with
// ErrNumberInFlight, so keep a few spare.
//
// API: GET /numbers/available?numberType=&areaCode= (observed)
func (s *NumbersService) ListAvailable(ctx context.Context, filter AvailableNumbersOptions, opts ...CallOption) ([]AvailableNumber, error) {
	filter, err := filter.normalize()
	if err != nil {
		return nil, err
	}
	return getList[AvailableNumber](ctx, s.client, &call{op: "Numbers.ListAvailable", tmpl: pathAvailableNumbers, path: pathAvailableNumbers, query: filter.query(), opts: opts})
}

func numberID(n *Number) string { return n.ID }

// FindByNumber returns the customer's number that is number, given in any
// UK form and compared through the SDK's number parser. No match is an
// error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (Numbers.List, scanned here: the API has no known
// filter).
func (s *NumbersService) FindByNumber(ctx context.Context, customerID, number string, opts ...CallOption) (*Number, error) {
	number, err := numberE164("number", number)
	if err != nil {
		return nil, err
	}
	list := func() ([]Number, error) { return s.List(ctx, customerID, opts...) }
	return findOne(ctx, opts, "Numbers.FindByNumber", "number", list, numberID, func(n *Number) bool { return sameNumber(n.NumberE164, number) })
}

// CreateOrFind adds a number to a customer, settling an unknown outcome
// itself as Customers.CreateOrFind does, with the number as the key: on
// ErrOutcomeUnknown the number is looked up among the customer's for the
// settle window and Create is sent once more only if it stayed absent;
// ErrNumberInFlight on that second send adopts the number if the customer
// has it (the first send's order is what holds it). A number another
// customer holds is not found, so its conflict is returned.
//
// Cost: Create's one request, plus one Numbers.List per look when the
// outcome is unknown. opts apply to every request; WithResponseInto
// describes the last send of the create (not a look).
func (s *NumbersService) CreateOrFind(ctx context.Context, customerID string, req NumberCreateRequest, opts ...CallOption) (*Ensured[Number], error) {
	norm, window, err := prepare(s.client, opts, checkID("customerID", customerID), req, NumberCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	return ensure(ctx, window, creation[Number]{
		op: "Numbers.CreateOrFind", what: "number", id: numberID,
		differs: func(*Number) string { return "" }, // the number is the whole request
		create:  func() (*Number, error) { return s.Create(ctx, customerID, req, opts...) },
		find:    func() (*Number, error) { return s.FindByNumber(ctx, customerID, norm.NumberE164, lookupOpts(opts)...) },
		hint:    "check customer " + customerID + "'s numbers in the partner portal before adding it again",
	})
}
