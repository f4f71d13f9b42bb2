package phonelineplustest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// table is a map of records that remembers insertion order.
type table[T any] struct {
	m   map[string]*T
	ids []string
}

func newTable[T any]() table[T] { return table[T]{m: map[string]*T{}} }

func (t *table[T]) get(id string) (*T, bool) {
	v, ok := t.m[id]
	return v, ok
}

func (t *table[T]) put(id string, v *T) {
	if _, ok := t.m[id]; !ok {
		t.ids = append(t.ids, id)
	}
	t.m[id] = v
}

func (t *table[T]) del(id string) {
	if _, ok := t.m[id]; ok {
		delete(t.m, id)
		t.ids = slices.DeleteFunc(t.ids, func(s string) bool { return s == id })
	}
}

// list returns copies of the records keep accepts (all if keep is nil),
// in insertion order, made by cp.
func (t *table[T]) list(keep func(*T) bool, cp func(T) T) []T {
	out := []T{}
	for _, id := range t.ids {
		if v := t.m[id]; keep == nil || keep(v) {
			out = append(out, cp(*v))
		}
	}
	return out
}

func same[T any](v T) T { return v }

// state is everything the fake knows. The Server's mu guards it.
type state struct {
	inFlightStatus int

	customers    table[Customer]
	users        table[User]
	numbers      table[Number]
	blocked      table[BlockedNumber]
	devices      table[Device]
	orders       table[Order]
	products     table[Product]
	partnerUsers table[PartnerUser]
	settings     PartnerSettings
	permissions  Permissions
	orderSeq     int

	emails   map[string]string          // lower-cased email -> owner (see emailOwner)
	byE164   map[string]string          // number -> ID of the Number that owns it
	held     map[string]bool            // numbers held by an order in flight elsewhere
	pool     map[string]AvailableNumber // every pool number, taken or not
	poolKeys map[string][]string        // poolKey -> its numbers, sorted
	areas    map[string]string          // geographic area code -> name
}

func newState(cfg *config) *state {
	st := &state{
		inFlightStatus: cfg.inFlightStatus,
		customers:      newTable[Customer](),
		users:          newTable[User](),
		numbers:        newTable[Number](),
		blocked:        newTable[BlockedNumber](),
		devices:        newTable[Device](),
		orders:         newTable[Order](),
		products:       newTable[Product](),
		partnerUsers:   newTable[PartnerUser](),
		settings:       defaultSettings,
		permissions:    defaultPermissions,
		emails:         map[string]string{},
		byE164:         map[string]string{},
		held:           map[string]bool{},
		pool:           map[string]AvailableNumber{},
		poolKeys:       map[string][]string{},
		areas:          map[string]string{},
	}
	for _, a := range defaultAreaCodes {
		st.areas[a.AreaCode] = a.Name
	}
	products := cfg.products
	if products == nil {
		products = defaultProducts()
	}
	st.setProducts(products)
	if !cfg.noPool {
		for _, n := range defaultPool() {
			_ = st.addToPool(n)
		}
	}
	return st
}

// now is the time stamp the fake gives what it creates.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// ---- emails: unique across customers, customer users and partner users.

// customerOwner, userOwner and partnerUserOwner name who holds an email. A customer and its primary user
// share one owner: they are the same person.
func customerOwner(customerID string) string { return "customer:" + customerID }
func userOwner(u *User, c *Customer) string {
	if c != nil && c.UserID == u.ID {
		return customerOwner(c.CustomerID)
	}
	return "user:" + u.ID
}
func partnerUserOwner(id string) string { return "partner-user:" + id }

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// checkEmail fails with 409 if email is held by anyone but owner.
func (st *state) checkEmail(email, owner string) error {
	if email == "" {
		return nil
	}
	if !validEmail(email) {
		return badRequest("email %q is not a valid email address", email)
	}
	if o, ok := st.emails[emailKey(email)]; ok && o != owner {
		return errorf(http.StatusConflict, "Email address %s is already in use", email)
	}
	return nil
}

// setEmail moves owner's email from old to new (either may be "").
func (st *state) setEmail(old, new, owner string) {
	if old != "" && st.emails[emailKey(old)] == owner {
		delete(st.emails, emailKey(old))
	}
	if new != "" {
		st.emails[emailKey(new)] = owner
	}
}

func validEmail(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(domain, "@ ") && !strings.Contains(local, " ")
}

// ---- numbers.

// checkNumberFree fails with the in-flight answer if number is owned by a
// customer or held by an order in flight, and with 400 if it is not a UK
// E.164 number.
func (st *state) checkNumberFree(field, number string) error {
	if !validUKNumber(number) {
		return badRequest("%s %q must be a UK number in E.164 digits without +, such as 441610000000", field, number)
	}
	if _, taken := st.byE164[number]; taken || st.held[number] {
		return errorf(st.inFlightStatus, "Number %s has an existing in-flight order and cannot currently have a change or terminate order", number)
	}
	return nil
}

// takeNumber gives number (checked free) to a customer, allocated to
// userID if not "".
func (st *state) takeNumber(customerID, number, userID string) *Number {
	n := &Number{ID: newUUID(), CustomerID: customerID, NumberE164: number, Type: numberType(number)}
	n.DisplayNumberType = displayNumberType(n.Type)
	n.AllocatedTo.UserID = userID
	st.numbers.put(n.ID, n)
	st.byE164[number] = n.ID
	return n
}

// dropNumber removes a customer's number, which goes back to the pool if
// it came from there.
func (st *state) dropNumber(n *Number) {
	delete(st.byE164, n.NumberE164)
	st.numbers.del(n.ID)
}

func validUKNumber(n string) bool {
	if len(n) < 11 || len(n) > 12 || !allDigits(n) {
		return false
	}
	return strings.HasPrefix(n, "441") || strings.HasPrefix(n, "442") || strings.HasPrefix(n, "443")
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func numberType(e164 string) string {
	if strings.HasPrefix(e164, "443") {
		return NumberNonGeographic
	}
	return NumberGeographic
}

func displayNumberType(typ string) string {
	if typ == NumberNonGeographic {
		return "UK Non-Geographic Number"
	}
	return "UK Geographic Number"
}

// hold marks numbers as held (or not) by an order in flight elsewhere.
func (st *state) hold(numbers []string, held bool) {
	for _, n := range numbers {
		if held {
			st.held[n] = true
		} else {
			delete(st.held, n)
		}
	}
}

// HoldNumbers marks numbers as held by an order in flight elsewhere, or
// releases them (held false). A held number stays listed as available,
// as the real API lists it, but taking it gets the "existing in-flight
// order" answer.
func (s *Server) HoldNumbers(held bool, numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.hold(numbers, held)
}

// ---- lookups that fail with 404.

func (st *state) customer(id string) (*Customer, error) {
	if c, ok := st.customers.get(id); ok {
		return c, nil
	}
	return nil, notFound("Customer", id)
}

func (st *state) user(customerID, userID string) (*User, error) {
	if u, ok := st.users.get(userID); ok && u.CustomerID == customerID {
		return u, nil
	}
	return nil, notFound("User", userID)
}

func (st *state) number(customerID, numberID string) (*Number, error) {
	if n, ok := st.numbers.get(numberID); ok && n.CustomerID == customerID {
		return n, nil
	}
	return nil, notFound("Number", numberID)
}

// ---- copies handed out.

func cloneUser(u User) User {
	u.ScheduleSettings.Days = slices.Clone(u.ScheduleSettings.Days)
	return u
}

func cloneOrder(o Order) Order {
	o.Products = slices.Clone(o.Products)
	if o.SKUToUserMapping != nil {
		m := make(map[string][]string, len(o.SKUToUserMapping))
		for k, v := range o.SKUToUserMapping {
			m[k] = slices.Clone(v)
		}
		o.SKUToUserMapping = m
	}
	return o
}

func errUnknown(kind, id string) error { return fmt.Errorf("%s %q does not exist", kind, id) }
