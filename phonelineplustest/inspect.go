package phonelineplustest

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
	// Pool is every number of the available pool, taken or not, by area
	// code then number; AvailableNumbers counts the free ones.
	Pool []AvailableNumber
}

// Snapshot returns a consistent copy of the whole state. Its JSON form
// (see Snapshot.MarshalJSON) is what GET /_fake/state answers and the
// -state file of cmd/phonelineplus-fake holds; LoadSnapshot reads it back.
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
	snap.HeldNumbers = sortedKeys(st.held)
	snap.Pool = st.poolList()
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
