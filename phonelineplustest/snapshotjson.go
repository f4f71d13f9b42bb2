package phonelineplustest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The JSON form of a Snapshot nests what belongs to a customer under it
// (users with their devices, numbers, blocked numbers), keeps orders in
// one list (those of deleted customers included), and writes the fields
// the API never sends (a user's PIN and settings, an order's delivery
// details) so that nothing is lost on the way to a file and back.
type snapshotJSON struct {
	Customers    []customerJSON  `json:"customers"`
	Orders       []orderJSON     `json:"orders"`
	PartnerUsers []PartnerUser   `json:"partnerUsers"`
	Products     []Product       `json:"products"`
	Settings     PartnerSettings `json:"settings"`
	Permissions  Permissions     `json:"permissions"`
	HeldNumbers  []string        `json:"heldNumbers"`
	Stats        Stats           `json:"stats"`
	Pool         []poolJSON      `json:"pool,omitempty"`
}

type customerJSON struct {
	Customer
	Users          []userJSON      `json:"users"`
	Numbers        []Number        `json:"numbers"`
	BlockedNumbers []BlockedNumber `json:"blockedNumbers"`
}

type userJSON struct {
	User
	PIN              string            `json:"pin,omitempty"`
	CallSettings     *CallSettings     `json:"callSettings,omitempty"`
	ScheduleSettings *ScheduleSettings `json:"scheduleSettings,omitempty"`
	ActivationsSent  int               `json:"activationsSent"`
	PasswordResets   int               `json:"passwordResets"`
	Devices          []Device          `json:"devices"`
}

type orderJSON struct {
	Order
	DeliveryAddress  DeliveryAddress     `json:"deliveryAddress"`
	Name             string              `json:"name,omitempty"`
	Email            string              `json:"email,omitempty"`
	PhoneNumber      string              `json:"phoneNumber,omitempty"`
	TrackingEmail    string              `json:"trackingEmail,omitempty"`
	SKUToUserMapping map[string][]string `json:"skuToUserMapping,omitempty"`
}

type poolJSON struct {
	AvailableNumber
	AreaCode string `json:"areaCode,omitempty"`
}

// MarshalJSON writes the snapshot in its JSON form: customers with their
// users (and devices), numbers and blocked numbers nested, then orders,
// partner users, products, settings, permissions, held numbers, counts
// and the pool.
func (snap Snapshot) MarshalJSON() ([]byte, error) {
	doc := snapshotJSON{Orders: []orderJSON{}, PartnerUsers: nonNil(snap.PartnerUsers), Products: nonNil(snap.Products),
		Settings: snap.Settings, Permissions: snap.Permissions, HeldNumbers: nonNil(snap.HeldNumbers), Stats: snap.Stats,
		Customers: []customerJSON{}}
	for _, c := range snap.Customers {
		cj := customerJSON{Customer: c, Users: []userJSON{}, Numbers: []Number{}, BlockedNumbers: []BlockedNumber{}}
		for _, u := range snap.Users {
			if u.CustomerID != c.CustomerID {
				continue
			}
			uj := userJSON{User: u, PIN: u.PIN, ActivationsSent: u.ActivationsSent, PasswordResets: u.PasswordResets, Devices: []Device{}}
			if u.CallSettings != (CallSettings{}) {
				uj.CallSettings = &u.CallSettings
			}
			if u.ScheduleSettings.OutOfHoursAction != "" || len(u.ScheduleSettings.Days) > 0 {
				uj.ScheduleSettings = &u.ScheduleSettings
			}
			for _, d := range snap.Devices {
				if d.UserID == u.ID && d.CustomerID == c.CustomerID {
					uj.Devices = append(uj.Devices, d)
				}
			}
			cj.Users = append(cj.Users, uj)
		}
		for _, n := range snap.Numbers {
			if n.CustomerID == c.CustomerID {
				cj.Numbers = append(cj.Numbers, n)
			}
		}
		for _, b := range snap.BlockedNumbers {
			if b.CustomerID == c.CustomerID {
				cj.BlockedNumbers = append(cj.BlockedNumbers, b)
			}
		}
		doc.Customers = append(doc.Customers, cj)
	}
	for _, o := range snap.Orders {
		doc.Orders = append(doc.Orders, orderJSON{Order: o, DeliveryAddress: o.DeliveryAddress, Name: o.Name, Email: o.Email,
			PhoneNumber: o.PhoneNumber, TrackingEmail: o.TrackingEmail, SKUToUserMapping: o.SKUToUserMapping})
	}
	for _, n := range snap.Pool {
		doc.Pool = append(doc.Pool, poolJSON{AvailableNumber: n, AreaCode: n.AreaCode})
	}
	return json.Marshal(doc)
}

// UnmarshalJSON reads the JSON form MarshalJSON writes.
func (snap *Snapshot) UnmarshalJSON(b []byte) error {
	var doc snapshotJSON
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	out := Snapshot{PartnerUsers: doc.PartnerUsers, Products: doc.Products, Settings: doc.Settings,
		Permissions: doc.Permissions, HeldNumbers: doc.HeldNumbers, Stats: doc.Stats}
	for _, cj := range doc.Customers {
		out.Customers = append(out.Customers, cj.Customer)
		for _, uj := range cj.Users {
			u := uj.User
			u.CustomerID, u.PIN, u.ActivationsSent, u.PasswordResets = cj.CustomerID, uj.PIN, uj.ActivationsSent, uj.PasswordResets
			if uj.CallSettings != nil {
				u.CallSettings = *uj.CallSettings
			}
			if uj.ScheduleSettings != nil {
				u.ScheduleSettings = *uj.ScheduleSettings
			}
			out.Users = append(out.Users, u)
			for _, d := range uj.Devices {
				d.CustomerID, d.UserID = cj.CustomerID, u.ID
				out.Devices = append(out.Devices, d)
			}
		}
		for _, n := range cj.Numbers {
			n.CustomerID = cj.CustomerID
			out.Numbers = append(out.Numbers, n)
		}
		for _, bn := range cj.BlockedNumbers {
			bn.CustomerID = cj.CustomerID
			out.BlockedNumbers = append(out.BlockedNumbers, bn)
		}
	}
	for _, oj := range doc.Orders {
		o := oj.Order
		o.DeliveryAddress, o.Name, o.Email, o.PhoneNumber, o.TrackingEmail, o.SKUToUserMapping =
			oj.DeliveryAddress, oj.Name, oj.Email, oj.PhoneNumber, oj.TrackingEmail, oj.SKUToUserMapping
		out.Orders = append(out.Orders, o)
	}
	for _, pj := range doc.Pool {
		n := pj.AvailableNumber
		n.AreaCode = pj.AreaCode
		out.Pool = append(out.Pool, n)
	}
	*snap = out
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// LoadSnapshot replaces the whole state with snap, as a Snapshot (or its
// JSON form, through PUT /_fake/state or the -state file) has it: an
// empty Products keeps the catalogue, and an empty Pool the pool, that
// the options made. Faults, settings, keys and the request log stay as they
// are; commits pending from FaultTimeoutCommitLater are dropped. It fails, changing nothing, when snap does not hold together (two
// records with one ID or one email, a user of no customer, a number owned
// twice).
func (s *Server) LoadSnapshot(snap Snapshot) error {
	cfg := s.cfg
	st := newState(&cfg)
	if err := st.load(snap); err != nil {
		return fmt.Errorf("phonelineplustest: loading a snapshot: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.inFlightStatus = s.st.inFlightStatus
	s.st = st
	s.dropPending()
	return nil
}

func (st *state) load(snap Snapshot) error {
	if len(snap.Products) > 0 {
		st.setProducts(snap.Products)
	}
	if len(snap.Pool) > 0 {
		st.clearPool()
		if err := st.seedPool(snap.Pool); err != nil {
			return err
		}
	}
	for _, c := range snap.Customers {
		if c.CustomerID == "" {
			return fmt.Errorf("a customer (%q) has no customerID", c.CompanyName)
		}
		if _, dup := st.customers.get(c.CustomerID); dup {
			return fmt.Errorf("customer %s is there twice", c.CustomerID)
		}
		if err := st.checkEmail(c.Email, customerOwner(c.CustomerID)); err != nil {
			return err
		}
		st.customers.put(c.CustomerID, &c)
		st.setEmail("", c.Email, customerOwner(c.CustomerID))
	}
	for _, u := range snap.Users {
		cust, ok := st.customers.get(u.CustomerID)
		switch {
		case !ok:
			return fmt.Errorf("user %s: %w", u.ID, errUnknown("customer", u.CustomerID))
		case u.ID == "":
			return fmt.Errorf("a user (%q) has no ID", u.Email)
		}
		if _, dup := st.users.get(u.ID); dup {
			return fmt.Errorf("user %s is there twice", u.ID)
		}
		if err := st.checkEmail(u.Email, userOwner(&u, cust)); err != nil {
			return err
		}
		u = cloneUser(u)
		st.users.put(u.ID, &u)
		st.setEmail("", u.Email, userOwner(&u, cust))
	}
	for _, n := range snap.Numbers {
		if _, ok := st.customers.get(n.CustomerID); !ok {
			return fmt.Errorf("number %s: %w", n.NumberE164, errUnknown("customer", n.CustomerID))
		}
		if _, taken := st.byE164[n.NumberE164]; taken {
			return fmt.Errorf("number %s is owned twice", n.NumberE164)
		}
		n.ID = cmp.Or(n.ID, newUUID())
		st.numbers.put(n.ID, &n)
		st.byE164[n.NumberE164] = n.ID
	}
	for _, b := range snap.BlockedNumbers {
		b.ID = cmp.Or(b.ID, newUUID())
		st.blocked.put(b.ID, &b)
	}
	for _, d := range snap.Devices {
		d.ID = cmp.Or(d.ID, newUUID())
		st.devices.put(d.ID, &d)
	}
	for _, o := range snap.Orders {
		o = cloneOrder(o)
		o.OrderID = cmp.Or(o.OrderID, newUUID())
		st.orders.put(o.OrderID, &o)
		if n, err := strconv.Atoi(strings.TrimPrefix(o.OrderNumber, "PLP")); err == nil {
			st.orderSeq = max(st.orderSeq, n)
		}
	}
	for _, u := range snap.PartnerUsers {
		if _, err := st.addPartnerUser(u); err != nil {
			return err
		}
	}
	if snap.Settings != (PartnerSettings{}) {
		st.settings = snap.Settings
	}
	if snap.Permissions != (Permissions{}) {
		st.permissions = snap.Permissions
	}
	st.hold(snap.HeldNumbers, true)
	return nil
}

// poolList returns every pool number by area code, then number.
func (st *state) poolList() []AvailableNumber {
	keys := make([]string, 0, len(st.poolKeys))
	for k := range st.poolKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []AvailableNumber
	for _, k := range keys {
		for _, n := range st.poolKeys[k] {
			out = append(out, st.pool[n])
		}
	}
	return out
}
