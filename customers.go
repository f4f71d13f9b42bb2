package phonelineplus

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode"
)

// Customer paths, relative to the base URL. Only POST /customers is
// observed in a real client; the others are inferred.
const (
	pathCustomers        = "/customers"
	pathCustomer         = "/customers/{customerID}"
	pathCustomerContract = "/customers/{customerID}/contract"
	pathCustomerPlan     = "/customers/{customerID}/plan"
)

// CustomersService handles PhoneLine+ customers (the partner's business
// customers). Use it as Client.Customers.
type CustomersService service

// Plan is a customer's PhoneLine+ plan.
type Plan string

// Known plans. Hardware-only plans provide a line for the partner's own
// device; Standard is the full PhoneLine+ service (the portal calls it
// "PhoneLine+ Office").
const (
	// PlanHardwareOnly needs an address and a number.
	PlanHardwareOnly Plan = "hardware_only"
	// PlanHardwareOnlyCP needs an address; the number is optional.
	PlanHardwareOnlyCP Plan = "hardware_only_cp"
	// PlanStandard needs an email. Its wire value is not public:
	// "phoneline_plus" is the best guess (the legacy API called it "pro").
	// If your account was given another value, set Plan to it: a plan
	// other than the two hardware-only ones is sent as given.
	PlanStandard Plan = "phoneline_plus"
)

func (p Plan) hardwareOnly() bool { return p == PlanHardwareOnly || p == PlanHardwareOnlyCP }

// checkPlan checks the plan of a new customer. The hardware-only values
// are observed in a real client, so another spelling of one ("Hardware
// Only", "HARDWARE-ONLY-CP") is refused; the Standard plan's value is a
// guess, so any other value is sent as given, with no plan rule applied.
func checkPlan(field string, p Plan) error {
	if p == "" || p.hardwareOnly() {
		return oneOf(field, p, PlanHardwareOnly, PlanHardwareOnlyCP)
	}
	for _, known := range []Plan{PlanHardwareOnly, PlanHardwareOnlyCP} {
		if planKey(p) == planKey(known) {
			return invalid(field, "must be spelt "+string(known)+" exactly")
		}
	}
	return anyValue(field, p)
}

// planKey is a plan's letters and digits in lower case: two spellings of
// one plan have the same key.
func planKey(p Plan) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, string(p))
}

// CustomerStatus is a customer's account status.
type CustomerStatus string

// Customer statuses as the Gamma portal shows them (API spelling inferred).
const (
	CustomerActive    CustomerStatus = "active"
	CustomerSuspended CustomerStatus = "suspended"
	CustomerCeased    CustomerStatus = "ceased"
)

// NumberRef names a phone number in E.164 digits without "+"
// ("441610000000").
type NumberRef struct {
	NumberE164 string `json:"numberE164"`
}

// Destination holds the SIP credentials of a hardware-only customer's line.
// SIPPassword is a Secret: it prints as "[REDACTED]"; call Reveal to
// provision a device with it.
type Destination struct {
	RegistrationServer string `json:"registrationServer"`
	SIPID              string `json:"sipID"`
	SIPPassword        Secret `json:"sipPassword"`
	STUNServer         string `json:"stunServer"`
	STUNPort           string `json:"stunPort"` // a string or a number on the wire
}

// UnmarshalJSON accepts stunPort as a string or a number.
func (d *Destination) UnmarshalJSON(data []byte) error {
	var w destinationWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*d = *w.value()
	return nil
}

// destinationWire is a Destination as sent, without methods.
type destinationWire struct {
	plainDestination
	STUNPort looseString `json:"stunPort"`
}

type plainDestination Destination

func (w *destinationWire) value() *Destination {
	if w == nil {
		return nil
	}
	d := Destination(w.plainDestination)
	d.STUNPort = string(w.STUNPort)
	return &d
}

// Customer is a PhoneLine+ customer as the API returns it. The create
// response carries ID, UserID (the first user, created with the customer)
// and, for hardware-only plans, Destination.
type Customer struct {
	ID             string         `json:"customerID"` // "ID" or "id" on some responses
	UserID         string         `json:"userID"`
	CompanyName    string         `json:"companyName"`
	FullName       string         `json:"fullName"`
	ContactNumber  string         `json:"contactNumber"`
	Email          string         `json:"email"` // "emailAddress" on some responses
	Plan           Plan           `json:"plan"`
	Status         CustomerStatus `json:"status"`
	Address        Address        `json:"address"`
	Number         NumberRef      `json:"number"` // or a top-level "phoneNumberE164"
	ContractLength int            `json:"contractLength"`
	Created        string         `json:"created"`
	Destination    *Destination   `json:"destination"`
	Raw            RawJSON        `json:"-"` // the object as sent
}

// UnmarshalJSON decodes a customer, accepting the alternative spellings a
// public client checks for, and keeps the object in Raw.
func (c *Customer) UnmarshalJSON(data []byte) error { return c.decodeWith(copyDecoder(data)) }

func (c *Customer) decodeWith(dec objectDecoder) error {
	type plain Customer
	type wire struct {
		*plain
		AltID     string `json:"ID"`
		AltEmail  string `json:"emailAddress"`
		AltNumber string `json:"phoneNumberE164"`
		// Shadows plain's Destination: decoded here in the same pass,
		// not by Destination.UnmarshalJSON in a pass of its own.
		Destination *destinationWire `json:"destination"`
	}
	aux := mirror[wire](dec)
	aux.plain = (*plain)(c)
	if err := dec.decode(aux, &c.Raw); err != nil {
		return err
	}
	c.Destination = aux.Destination.value()
	c.ID = cmp.Or(c.ID, aux.AltID)
	c.Email = cmp.Or(c.Email, aux.AltEmail)
	c.Number.NumberE164 = cmp.Or(c.Number.NumberE164, aux.AltNumber)
	return nil
}

// CustomerCreateRequest is the body of Customers.Create.
type CustomerCreateRequest struct {
	Plan          Plan      `json:"plan"`             // a Plan constant, or the Standard plan's value if your account has another
	Address       Address   `json:"address,omitzero"` // required for hardware-only plans
	CompanyName   string    `json:"companyName"`
	FullName      string    `json:"fullName"`        // the primary contact
	ContactNumber string    `json:"contactNumber"`   // any UK form; sent as 0…
	Number        NumberRef `json:"number,omitzero"` // required for PlanHardwareOnly; any UK form, sent as 44…
	Email         string    `json:"email,omitzero"`  // required for PlanStandard; unique platform-wide
}

func (r CustomerCreateRequest) normalize() (CustomerCreateRequest, error) {
	var c checker
	c.fail(checkPlan("plan", r.Plan))
	c.check("companyName", &r.CompanyName, requiredText)
	c.check("fullName", &r.FullName, requiredText)
	c.check("contactNumber", &r.ContactNumber, nationalNumber)
	if r.Plan.hardwareOnly() || r.Address != (Address{}) {
		r.Address = r.Address.normalize("address", &c)
	}
	if r.Plan == PlanHardwareOnly {
		c.check("number.numberE164", &r.Number.NumberE164, ddiE164)
	} else {
		c.optional("number.numberE164", &r.Number.NumberE164, ddiE164)
	}
	if r.Plan == PlanStandard {
		c.check("email", &r.Email, email)
	} else {
		c.optional("email", &r.Email, email)
	}
	return r, c.err
}

// Validate reports the first problem Customers.Create would refuse r for,
// as a *ValidationError naming the field, without sending anything: the
// method runs the same check before each request.
func (r CustomerCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// CustomerUpdateRequest is the body of Customers.Update. Nil fields are
// left as they are; at least one must be set.
type CustomerUpdateRequest struct {
	CompanyName   *string  `json:"companyName,omitzero"`
	FullName      *string  `json:"fullName,omitzero"`
	ContactNumber *string  `json:"contactNumber,omitzero"`
	Email         *string  `json:"email,omitzero"`
	Address       *Address `json:"address,omitzero"`
}

func (r CustomerUpdateRequest) normalize() (CustomerUpdateRequest, error) {
	var c checker
	c.ptr("companyName", &r.CompanyName, requiredText)
	c.ptr("fullName", &r.FullName, requiredText)
	c.ptr("contactNumber", &r.ContactNumber, nationalNumber)
	c.ptr("email", &r.Email, email)
	if r.Address != nil {
		a := r.Address.normalize("address", &c)
		r.Address = &a
	}
	c.fail(setsNothing("CustomerUpdateRequest", r))
	return r, c.err
}

// Validate reports the first problem Customers.Update would refuse r for,
// as a *ValidationError naming the field, without sending anything: the
// method runs the same check before each request.
func (r CustomerUpdateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// ContractRegradeRequest is the body of Customers.RegradeContract (field
// name inferred).
type ContractRegradeRequest struct {
	ContractLength int `json:"contractLength,omitzero"` // months, e.g. 24 or 60
}

func (r ContractRegradeRequest) normalize() (ContractRegradeRequest, error) {
	if r.ContractLength < 0 || r.ContractLength > 120 {
		return r, invalid("contractLength", "must be between 1 and 120 months")
	}
	return r, setsNothing("ContractRegradeRequest", r)
}

// Validate reports the first problem Customers.RegradeContract would refuse
// r for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r ContractRegradeRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// PlanUpgradeRequest is the body of Customers.UpgradePlan (fields
// inferred). Email is needed when moving to PlanStandard a customer that
// has none.
type PlanUpgradeRequest struct {
	Plan  Plan   `json:"plan,omitzero"` // any value: the plan values are not all public
	Email string `json:"email,omitzero"`
}

func (r PlanUpgradeRequest) normalize() (PlanUpgradeRequest, error) {
	var c checker
	if r.Plan != "" {
		c.fail(anyValue("plan", r.Plan))
	}
	c.optional("email", &r.Email, email)
	c.fail(setsNothing("PlanUpgradeRequest", r))
	return r, c.err
}

// Validate reports the first problem Customers.UpgradePlan would refuse r
// for, as a *ValidationError naming the field, without sending anything:
// the method runs the same check before each request.
func (r PlanUpgradeRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// List returns every customer of the partner ("List Customers").
//
// API: GET /customers (inferred)
func (s *CustomersService) List(ctx context.Context, opts ...CallOption) ([]Customer, error) {
	return getList[Customer](ctx, s.client, &call{op: "Customers.List", tmpl: pathCustomers, path: pathCustomers, opts: opts})
}

// Create adds a customer ("Add Customer"). Hardware-only customers come
// back with their SIP Destination.
//
// Not idempotent. On ErrOutcomeUnknown (the API answered 500 "Timeout", or
// the connection dropped after sending) the customer may exist: call
// CreateOrFind instead to have that settled, or after Create look it up
// with a Find method and WithCallSettleWindow (it may appear seconds
// later). ErrNumberInFlight means the number is in another order: choose
// another. ErrEmailInUse means the email is taken somewhere on the
// platform.
//
// API: POST /customers (observed)
func (s *CustomersService) Create(ctx context.Context, req CustomerCreateRequest, opts ...CallOption) (*Customer, error) {
	req, err := req.normalize()
	if err != nil {
		return nil, err
	}
	return send[Customer](ctx, s.client, &call{op: "Customers.Create", method: http.MethodPost, tmpl: pathCustomers, path: pathCustomers, body: req, opts: opts})
}

// Get returns one customer ("Get Customer").
//
// API: GET /customers/{customerID} (inferred)
func (s *CustomersService) Get(ctx context.Context, customerID string, opts ...CallOption) (*Customer, error) {
	path, err := expandPath(pathCustomer, customerID)
	if err != nil {
		return nil, err
	}
	return send[Customer](ctx, s.client, &call{op: "Customers.Get", method: http.MethodGet, tmpl: pathCustomer, path: path, opts: opts})
}

// Update changes a customer's details ("Update Customer"); nil fields stay
// as they are. Idempotent: retried on 5xx and network errors.
//
// API: PUT /customers/{customerID} (inferred)
func (s *CustomersService) Update(ctx context.Context, customerID string, req CustomerUpdateRequest, opts ...CallOption) (*Customer, error) {
	path, err := expandPath(pathCustomer, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Customer](ctx, s.client, &call{op: "Customers.Update", method: http.MethodPut, tmpl: pathCustomer, path: path, body: req, opts: opts})
}

// Delete removes a customer ("Delete Customer"). It cannot be undone.
// A retry that answers 404 after an attempt that may have deleted is
// success.
//
// API: DELETE /customers/{customerID} (inferred)
func (s *CustomersService) Delete(ctx context.Context, customerID string, opts ...CallOption) error {
	path, err := expandPath(pathCustomer, customerID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &call{op: "Customers.Delete", method: http.MethodDelete, tmpl: pathCustomer, path: path, opts: opts})
}

// RegradeContract sets a new contract length, which also restarts the
// contract ("Regrade Customer Contract").
//
// API: PUT /customers/{customerID}/contract (inferred)
func (s *CustomersService) RegradeContract(ctx context.Context, customerID string, req ContractRegradeRequest, opts ...CallOption) (*Customer, error) {
	path, err := expandPath(pathCustomerContract, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Customer](ctx, s.client, &call{op: "Customers.RegradeContract", method: http.MethodPut, tmpl: pathCustomerContract, path: path, body: req, opts: opts})
}

// UpgradePlan moves a customer to a higher plan, typically hardware-only to
// PlanStandard ("Upgrade Customer Plan"). Downgrades are refused by the API.
//
// API: PUT /customers/{customerID}/plan (inferred)
func (s *CustomersService) UpgradePlan(ctx context.Context, customerID string, req PlanUpgradeRequest, opts ...CallOption) (*Customer, error) {
	path, err := expandPath(pathCustomerPlan, customerID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Customer](ctx, s.client, &call{op: "Customers.UpgradePlan", method: http.MethodPut, tmpl: pathCustomerPlan, path: path, body: req, opts: opts})
}

// CustomerContact names a customer by who it is, for
// Customers.FindByContact. All three fields are required.
type CustomerContact struct {
	CompanyName string
	FullName    string // the primary contact
	Postcode    string // of the customer's address, in any spacing or case
}

func customerID(c *Customer) string { return c.ID }

// find lists the customers and returns the one match accepts.
func (s *CustomersService) find(ctx context.Context, op string, match func(*Customer) bool, opts []CallOption) (*Customer, error) {
	return findOne(ctx, opts, op, "customer", func() ([]Customer, error) { return s.List(ctx, opts...) }, customerID, match)
}

// FindByEmail returns the customer whose contact email is address,
// compared case-insensitively; emails are unique across PhoneLine+. No match is an
// error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (Customers.List, scanned here: the API has no known
// filter).
func (s *CustomersService) FindByEmail(ctx context.Context, address string, opts ...CallOption) (*Customer, error) {
	address, err := email("email", address)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, "Customers.FindByEmail", func(cu *Customer) bool { return sameEmail(cu.Email, address) }, opts)
}

// FindByNumber returns the customer whose own number (Customer.Number, as
// a hardware-only customer has) is number, given in any UK form. No match
// is an error matching ErrNotFound, more than one ErrAmbiguous.
//
// Cost: one request (Customers.List, scanned here).
func (s *CustomersService) FindByNumber(ctx context.Context, number string, opts ...CallOption) (*Customer, error) {
	number, err := numberE164("number", number)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, "Customers.FindByNumber", func(cu *Customer) bool { return sameNumber(cu.Number.NumberE164, number) }, opts)
}

// FindByContact returns the customer with this company name, contact name
// and address postcode (names compared case-insensitively). It is the
// weakest lookup: none of the three is unique, so more than one match is
// an error matching ErrAmbiguous, never a guess; no match matches
// ErrNotFound. Prefer FindByEmail or FindByNumber when you have either.
//
// Cost: one request (Customers.List, scanned here).
func (s *CustomersService) FindByContact(ctx context.Context, m CustomerContact, opts ...CallOption) (*Customer, error) {
	var c checker
	c.check("companyName", &m.CompanyName, requiredText)
	c.check("fullName", &m.FullName, requiredText)
	c.check("postcode", &m.Postcode, postcode)
	if c.err != nil {
		return nil, c.err
	}
	return s.find(ctx, "Customers.FindByContact", func(cu *Customer) bool {
		return sameText(cu.CompanyName, m.CompanyName) && sameText(cu.FullName, m.FullName) && samePostcode(cu.Address.Postcode, m.Postcode)
	}, opts)
}

// findFor looks up the customer req would create by its strongest key:
// its email, else its number, else its contact.
func (s *CustomersService) findFor(ctx context.Context, req CustomerCreateRequest, opts []CallOption) (*Customer, error) {
	switch {
	case req.Email != "":
		return s.FindByEmail(ctx, req.Email, opts...)
	case req.Number.NumberE164 != "":
		return s.FindByNumber(ctx, req.Number.NumberE164, opts...)
	}
	return s.FindByContact(ctx, CustomerContact{CompanyName: req.CompanyName, FullName: req.FullName, Postcode: req.Address.Postcode}, opts...)
}

// differs names the first field in which c differs from req.
func (req CustomerCreateRequest) differs(c *Customer) string {
	return mismatch(
		field{"plan", string(req.Plan), string(c.Plan), strings.EqualFold},
		field{"companyName", req.CompanyName, c.CompanyName, sameText},
		field{"fullName", req.FullName, c.FullName, sameText},
		field{"email", req.Email, c.Email, sameEmail},
		field{"number", req.Number.NumberE164, c.Number.NumberE164, sameNumber},
		field{"address.postcode", req.Address.Postcode, c.Address.Postcode, samePostcode},
	)
}

// CreateOrFind creates a customer, settling an unknown outcome itself
// (see "When the API cannot say whether it worked" in the README):
//
//   - Create succeeds: OutcomeCreated.
//   - Create's outcome is unknown (ErrOutcomeUnknown): the customer is
//     looked up by its email, else its number, else its company, contact
//     and postcode, for the settle window (WithSettleWindow,
//     WithCallSettleWindow; 10 s by default), since a timed-out create can
//     appear seconds later. Found and agreeing with req: OutcomeFound.
//     Absent all along: Create is sent once more, and only once.
//   - That second send answers ErrEmailInUse or ErrNumberInFlight: the
//     first send may be what holds them, so the customer is looked up and
//     adopted if it agrees with req (OutcomeAdopted); if not, someone else
//     holds them and the conflict is returned.
//
// A conflict on the first send is returned as it is. A match that differs
// from req, or several matches, is a *VerificationError
// (ErrNeedsVerification) for a person to check.
//
// Cost: Create's one request, plus one Customers.List per look (at most
// six in the default window) only when an outcome is unknown. opts apply
// to every request; WithResponseInto describes the last send of the create (not a look).
func (s *CustomersService) CreateOrFind(ctx context.Context, req CustomerCreateRequest, opts ...CallOption) (*Ensured[Customer], error) {
	norm, window, err := prepare(s.client, opts, nil, req, CustomerCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	return ensure(ctx, window, creation[Customer]{
		op: "Customers.CreateOrFind", what: "customer", id: customerID, differs: norm.differs,
		create: func() (*Customer, error) { return s.Create(ctx, req, opts...) },
		find:   func() (*Customer, error) { return s.findFor(ctx, norm, lookupOpts(opts)) },
		hint:   "check the partner portal's customers for this company before creating it again",
	})
}
