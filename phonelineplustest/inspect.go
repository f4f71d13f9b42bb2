package phonelineplustest

import (
	"cmp"
	"fmt"
	"slices"
)

// Snapshot is a copy of everything the fake holds, for tests to check.
// Slices are in creation order; changing them changes nothing in the
// server.
type Snapshot struct {
	Customers      []Customer
	Users          []User // every customer's users; User.CustomerID says whose
	Numbers        []Number
	BlockedNumbers []BlockedNumber
	Devices        []Device
	Orders         []Order // including those of deleted customers
	Products       []Product
	PartnerUsers   []PartnerUser
	Settings       PartnerSettings
	Permissions    Permissions
	Stats          Stats
	HeldNumbers    []string // numbers held by an order in flight elsewhere, sorted
}

// Snapshot returns a consistent copy of the whole state.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	snap := Snapshot{
		Customers:      st.customers.list(nil, same),
		Users:          st.users.list(nil, cloneUser),
		Numbers:        st.numbers.list(nil, same),
		BlockedNumbers: st.blocked.list(nil, same),
		Devices:        st.devices.list(nil, same),
		Orders:         st.orders.list(nil, cloneOrder),
		Products:       st.products.list(nil, same),
		PartnerUsers:   st.partnerUsers.list(nil, same),
		Settings:       st.settings,
		Permissions:    st.permissions,
		Stats:          st.stats(),
		HeldNumbers:    []string{},
	}
	for n := range st.held {
		snap.HeldNumbers = append(snap.HeldNumbers, n)
	}
	slices.Sort(snap.HeldNumbers)
	return snap
}

// Customers returns copies of all customers, in creation order.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.customers.list(nil, same)
}

// Customer returns a copy of one customer, and whether it exists.
func (s *Server) Customer(customerID string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.customers.get(customerID)
	if !ok {
		return Customer{}, false
	}
	return *c, true
}

// Users returns copies of a customer's users (none if it does not exist).
func (s *Server) Users(customerID string) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.users.list(func(u *User) bool { return u.CustomerID == customerID }, cloneUser)
}

// Numbers returns copies of a customer's numbers.
func (s *Server) Numbers(customerID string) []Number {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.numbers.list(func(n *Number) bool { return n.CustomerID == customerID }, same)
}

// Devices returns copies of a user's devices.
func (s *Server) Devices(customerID, userID string) []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.devices.list(func(d *Device) bool { return d.CustomerID == customerID && d.UserID == userID }, same)
}

// Orders returns copies of all orders, in creation order.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.orders.list(nil, cloneOrder)
}

// Products returns the product catalogue.
func (s *Server) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.products.list(nil, same)
}

// Product returns the catalogue product with a SKU, such as "W73P", and
// whether there is one.
func (s *Server) Product(sku string) (Product, bool) {
	for _, p := range s.Products() {
		if p.SKU == sku {
			return p, true
		}
	}
	return Product{}, false
}

// AvailableNumbers returns how many numbers of an area code ("" for the
// non-geographic range) no customer owns.
func (s *Server) AvailableNumbers(areaCode string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := poolKey(NumberGeographic, areaCode)
	if areaCode == "" {
		key = poolKey(NumberNonGeographic, "")
	}
	n := 0
	for _, e164 := range s.st.poolKeys[key] {
		if _, taken := s.st.byE164[e164]; !taken {
			n++
		}
	}
	return n
}

// ---- seeding (the With* options).

func (st *state) seedCustomer(c Customer) error {
	if _, err := st.addCustomer(c); err != nil {
		return fmt.Errorf("WithCustomer %q: %v", c.CompanyName, err)
	}
	return nil
}

func (st *state) seedUser(customerID string, u User) error {
	cust, ok := st.customers.get(customerID)
	if !ok {
		return fmt.Errorf("WithUser: %v", errUnknown("customer", customerID))
	}
	u.ID = cmp.Or(u.ID, newUUID())
	if _, dup := st.users.get(u.ID); dup {
		return fmt.Errorf("WithUser: user %s already exists", u.ID)
	}
	u.CustomerID = customerID
	u.FullName = cmp.Or(u.FullName, u.Name)
	u.Name = u.FullName
	u.Type = cmp.Or(u.Type, "standard")
	u.Status = cmp.Or(u.Status, "pending_activation")
	if err := st.checkEmail(u.Email, userOwner(&u, cust)); err != nil {
		return fmt.Errorf("WithUser: %v", err)
	}
	st.users.put(u.ID, &u)
	st.setEmail("", u.Email, userOwner(&u, cust))
	return nil
}

func (st *state) seedNumber(customerID string, n Number) error {
	if _, ok := st.customers.get(customerID); !ok {
		return fmt.Errorf("WithNumber: %v", errUnknown("customer", customerID))
	}
	if err := st.checkNumberFree("numberE164", n.NumberE164); err != nil {
		return fmt.Errorf("WithNumber: %v", err)
	}
	if u := n.AllocatedTo.UserID; u != "" {
		if _, err := st.user(customerID, u); err != nil {
			return fmt.Errorf("WithNumber %s: %v", n.NumberE164, err)
		}
	}
	got := st.takeNumber(customerID, n.NumberE164, n.AllocatedTo.UserID)
	if n.ID != "" {
		st.numbers.del(got.ID)
		got.ID = n.ID
		st.numbers.put(got.ID, got)
		st.byE164[got.NumberE164] = got.ID
	}
	return nil
}

func (st *state) seedPartnerUser(u PartnerUser) error {
	if _, err := st.addPartnerUser(u); err != nil {
		return fmt.Errorf("WithPartnerUser: %v", err)
	}
	return nil
}
