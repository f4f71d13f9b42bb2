package phonelineplustest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The Add* methods seed state at run time, as the With* options do at
// the start (each option is its method applied by NewServer and Reset),
// and the control API's POST /_fake/... calls them. They return a copy of
// what they stored, defaults filled in, or an error saying what is wrong
// (an unknown customer, an email in use, a number taken).

// AddCustomer adds a customer; see WithCustomer.
func (s *Server) AddCustomer(c Customer) (Customer, error) {
	return seedWith(s, func(st *state) (*Customer, error) { return st.seedCustomer(c) })
}

// AddUser adds a user to a customer; see WithUser.
func (s *Server) AddUser(customerID string, u User) (User, error) {
	return seedWith(s, func(st *state) (*User, error) { return st.seedUser(customerID, u) })
}

// AddNumber gives a customer a number; see WithNumber.
func (s *Server) AddNumber(customerID string, n Number) (Number, error) {
	return seedWith(s, func(st *state) (*Number, error) { return st.seedNumber(customerID, n) })
}

// AddOrder adds an order to a customer; see WithOrder.
func (s *Server) AddOrder(customerID string, o Order) (Order, error) {
	return seedWith(s, func(st *state) (*Order, error) { return st.seedOrder(customerID, o) })
}

// AddPartnerUser adds a partner user; see WithPartnerUser.
func (s *Server) AddPartnerUser(u PartnerUser) (PartnerUser, error) {
	return seedWith(s, func(st *state) (*PartnerUser, error) { return st.seedPartnerUser(u) })
}

// AddAvailableNumbers adds numbers to the pool; see WithAvailableNumbers.
func (s *Server) AddAvailableNumbers(numbers ...AvailableNumber) error {
	_, err := seedWith(s, func(st *state) (*struct{}, error) { return nil, st.seedPool(numbers) })
	return err
}

// ClearNumberPool empties the pool of available numbers (numbers
// customers own stay theirs); see WithoutNumberPool.
func (s *Server) ClearNumberPool() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.clearPool()
}

// SetProducts replaces the product catalogue; see WithProducts.
func (s *Server) SetProducts(products ...Product) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.setProducts(products)
}

func seedWith[T any](s *Server, f func(*state) (*T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	v, err := f(s.st)
	if err != nil {
		return zero, fmt.Errorf("phonelineplustest: %w", err)
	}
	if v == nil {
		return zero, nil
	}
	return *v, nil
}

func (st *state) seedCustomer(c Customer) (*Customer, error) {
	got, err := st.addCustomer(c)
	if err != nil {
		return nil, fmt.Errorf("customer %q: %w", c.CompanyName, err)
	}
	return got, nil
}

func (st *state) seedUser(customerID string, u User) (*User, error) {
	cust, ok := st.customers.get(customerID)
	if !ok {
		return nil, fmt.Errorf("user: %w", errUnknown("customer", customerID))
	}
	u.ID = cmp.Or(u.ID, newUUID())
	if _, dup := st.users.get(u.ID); dup {
		return nil, fmt.Errorf("user %s already exists", u.ID)
	}
	u.CustomerID = customerID
	u.FullName = cmp.Or(u.FullName, u.Name)
	u.Name = u.FullName
	u.Type = cmp.Or(u.Type, "standard")
	u.Status = cmp.Or(u.Status, "pending_activation")
	if err := st.checkEmail(u.Email, userOwner(&u, cust)); err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	st.users.put(u.ID, &u)
	st.setEmail("", u.Email, userOwner(&u, cust))
	return &u, nil
}

func (st *state) seedNumber(customerID string, n Number) (*Number, error) {
	if _, ok := st.customers.get(customerID); !ok {
		return nil, fmt.Errorf("number: %w", errUnknown("customer", customerID))
	}
	if err := st.checkNumberFree("numberE164", n.NumberE164); err != nil {
		return nil, fmt.Errorf("number: %w", err)
	}
	if u := n.AllocatedTo.UserID; u != "" {
		if _, err := st.user(customerID, u); err != nil {
			return nil, fmt.Errorf("number %s: %w", n.NumberE164, err)
		}
	}
	got := st.takeNumber(customerID, n.NumberE164, n.AllocatedTo.UserID)
	if n.ID != "" {
		st.numbers.del(got.ID)
		got.ID = n.ID
		st.numbers.put(got.ID, got)
		st.byE164[got.NumberE164] = got.ID
	}
	return got, nil
}

func (st *state) seedOrder(customerID string, o Order) (*Order, error) {
	if _, ok := st.customers.get(customerID); !ok {
		return nil, fmt.Errorf("order: %w", errUnknown("customer", customerID))
	}
	o.CustomerID = customerID
	o.OrderID = cmp.Or(o.OrderID, newUUID())
	if _, dup := st.orders.get(o.OrderID); dup {
		return nil, fmt.Errorf("order %s already exists", o.OrderID)
	}
	if o.OrderNumber == "" {
		st.orderSeq++
		o.OrderNumber = fmt.Sprintf("PLP%07d", st.orderSeq)
	}
	o.Status = cmp.Or(o.Status, "placed")
	if o.Created.IsZero() {
		o.Created = now()
	}
	o = cloneOrder(o)
	for i, line := range o.Products {
		p, ok := st.products.get(line.ID)
		if !ok {
			for _, q := range st.products.m {
				if line.SKU != "" && strings.EqualFold(q.SKU, line.SKU) {
					p, ok = q, true
				}
			}
		}
		if !ok {
			return nil, fmt.Errorf("order: product %d (ID %q, SKU %q) is not in the catalogue", i, line.ID, line.SKU)
		}
		o.Products[i] = OrderProduct{ID: p.ID, SKU: p.SKU, Category: p.Category, Make: p.Make,
			Name: p.Name, UnitCost: p.UnitCost, Quantity: max(line.Quantity, 1)}
	}
	st.orders.put(o.OrderID, &o)
	return &o, nil
}

func (st *state) seedPartnerUser(u PartnerUser) (*PartnerUser, error) {
	got, err := st.addPartnerUser(u)
	if err != nil {
		return nil, fmt.Errorf("partner user: %w", err)
	}
	return got, nil
}

func (st *state) seedPool(numbers []AvailableNumber) error {
	for _, n := range numbers {
		if err := st.addToPool(n); err != nil {
			return err
		}
	}
	return nil
}

// clearPool empties the available pool; the area codes stay listed.
func (st *state) clearPool() {
	clear(st.pool)
	clear(st.poolKeys)
}

func (st *state) setProducts(products []Product) {
	st.products = newTable[Product]()
	for _, p := range products {
		p.ID = cmp.Or(p.ID, newUUID())
		st.products.put(p.ID, &p)
	}
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
