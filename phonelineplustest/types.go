package phonelineplustest

import "time"

// The types below are the fake's own model of PhoneLine+ resources. Their
// JSON tags are the wire format the fake speaks (the team's wire contract);
// fields tagged `json:"-"` are never sent and exist only so tests can
// inspect what the fake stored. They are deliberately independent of the
// SDK's types.

// Plan values the fake accepts for a customer.
const (
	PlanHardwareOnly   = "hardware_only"    // needs an address and a number
	PlanHardwareOnlyCP = "hardware_only_cp" // needs an address; the number is optional
	PlanStandard       = "phoneline_plus"   // needs an email
)

// Number types, as in Number.Type and the numberType query parameter.
const (
	NumberGeographic    = "standard_geographic"
	NumberNonGeographic = "standard_nongeographic"
)

// Address is a postal address as customers and users carry it.
type Address struct {
	Premises string `json:"premises"`
	Street   string `json:"street"`
	Town     string `json:"town"`
	County   string `json:"county"`
	Postcode string `json:"postcode"`
}

// AddressMatch is one result of GET /addresses: an Address with an ID.
type AddressMatch struct {
	ID string `json:"ID"`
	Address
}

// DeliveryAddress is where an order is shipped.
type DeliveryAddress struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitempty"`
	Line3    string `json:"line3,omitempty"`
	Town     string `json:"town"`
	County   string `json:"county,omitempty"`
	Country  string `json:"country,omitempty"`
	Postcode string `json:"postcode"`
}

// NumberRef names a phone number in E.164 digits without "+".
type NumberRef struct {
	NumberE164 string `json:"numberE164"`
}

// Destination holds the SIP credentials of a hardware-only customer's line.
type Destination struct {
	RegistrationServer string `json:"registrationServer"`
	SIPID              string `json:"sipID"`
	SIPPassword        string `json:"sipPassword"`
	StunServer         string `json:"stunServer"`
	StunPort           string `json:"stunPort"`
}

// Customer is a customer as the fake stores and returns it. Destination is
// set for hardware-only plans only.
type Customer struct {
	CustomerID     string      `json:"customerID"`
	UserID         string      `json:"userID"` // the primary user, created with the customer
	CompanyName    string      `json:"companyName"`
	FullName       string      `json:"fullName"`
	ContactNumber  string      `json:"contactNumber"`
	Email          string      `json:"email"`
	Plan           string      `json:"plan"`
	Status         string      `json:"status"` // "active", "suspended" or "ceased"
	Address        Address     `json:"address,omitzero"`
	Number         NumberRef   `json:"number,omitzero"`
	ContractLength int         `json:"contractLength"`
	Created        time.Time   `json:"created"`
	Destination    Destination `json:"destination,omitzero"`
}

// User is a customer's user. The fake sends the name twice, as "name" and
// "fullName", because real list responses have been seen with "name".
type User struct {
	ID               string           `json:"ID"`
	CustomerID       string           `json:"-"`
	Name             string           `json:"name"`
	FullName         string           `json:"fullName"`
	Email            string           `json:"email"`
	Type             string           `json:"type"` // "standard" or "admin"
	Address          Address          `json:"address,omitzero"`
	PhoneNumber      string           `json:"phoneNumber"`
	Status           string           `json:"status"` // "pending_activation" or "active"
	PIN              string           `json:"-"`      // write-only on the wire
	CallSettings     CallSettings     `json:"-"`
	ScheduleSettings ScheduleSettings `json:"-"`
	ActivationsSent  int              `json:"-"` // activation emails "sent", the first at creation
	PasswordResets   int              `json:"-"` // password-reset emails "sent"
}

// Allocation says which user a number is allocated to.
type Allocation struct {
	UserID string `json:"userID"`
}

// Number is a phone number owned by a customer.
type Number struct {
	ID                string     `json:"ID"`
	CustomerID        string     `json:"-"`
	NumberE164        string     `json:"numberE164"`
	Type              string     `json:"type"`
	DisplayNumberType string     `json:"displayNumberType"`
	AllocatedTo       Allocation `json:"allocatedTo,omitzero"`
}

// AvailableNumber is a number in the pool that GET /numbers/available
// searches. AreaCode is "" for non-geographic numbers.
type AvailableNumber struct {
	NumberE164 string `json:"numberE164"`
	Type       string `json:"type"`
	AreaCode   string `json:"-"`
}

// AreaCode is one item of GET /numbers/area-codes.
type AreaCode struct {
	AreaCode string `json:"areaCode"`
	Name     string `json:"name"`
}

// BlockedNumber is a number a customer blocks.
type BlockedNumber struct {
	ID          string `json:"ID"`
	CustomerID  string `json:"-"`
	NumberE164  string `json:"numberE164"`
	Direction   string `json:"direction"` // "inbound", "outbound" or "both"
	Description string `json:"description"`
}

// DeviceMetadata is the brand and model of a device.
type DeviceMetadata struct {
	Brand string `json:"brand"`
	Model string `json:"model"`
}

// Device is a user's device. The SIP fields are set for brand "other"
// (customer-owned devices) only.
type Device struct {
	ID                 string         `json:"ID"`
	CustomerID         string         `json:"-"`
	UserID             string         `json:"-"`
	Name               string         `json:"name"`
	MacAddress         string         `json:"macAddress"`
	Metadata           DeviceMetadata `json:"metadata"`
	SIPID              string         `json:"sipID,omitempty"`
	RegistrationServer string         `json:"registrationServer,omitempty"`
	SIPPassword        string         `json:"sipPassword,omitempty"`
}

// Product is an item of the hardware catalogue.
type Product struct {
	ID       string `json:"ID"`
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Make     string `json:"make"`
	Category string `json:"category"`
	UnitCost string `json:"unitCost"` // e.g. "89.00"
}

// OrderProduct is one line of an order.
type OrderProduct struct {
	ID       string `json:"ID"`
	SKU      string `json:"sku"`
	Category string `json:"category"`
	Make     string `json:"make"`
	Name     string `json:"name"`
	UnitCost string `json:"unitCost"`
	Quantity int    `json:"quantity"`
}

// Order is a hardware order. The fields tagged `json:"-"` keep what the
// request asked for, for tests to inspect.
type Order struct {
	OrderID          string              `json:"orderID"`
	OrderNumber      string              `json:"orderNumber"`
	CustomerID       string              `json:"customerID"`
	Created          time.Time           `json:"created"`
	Status           string              `json:"status"` // "placed"
	Products         []OrderProduct      `json:"products"`
	DeliveryAddress  DeliveryAddress     `json:"-"`
	Name             string              `json:"-"`
	Email            string              `json:"-"`
	PhoneNumber      string              `json:"-"`
	TrackingEmail    string              `json:"-"`
	SKUToUserMapping map[string][]string `json:"-"` // SKU -> user IDs
}

// CallSettings are a user's call settings. Nil fields were never set.
type CallSettings struct {
	OutOfHoursEnabled *bool `json:"outOfHoursEnabled,omitempty"`
	VoicemailEnabled  *bool `json:"voicemailEnabled,omitempty"`
	RingTimeSeconds   *int  `json:"ringTimeSeconds,omitempty"`
}

// DaySchedule is one weekday of a ScheduleSettings.
type DaySchedule struct {
	Day          string `json:"day"`          // "monday" .. "sunday"
	Availability string `json:"availability"` // "all_day", "unavailable" or "between"
	From         string `json:"from,omitempty"`
	To           string `json:"to,omitempty"`
}

// ScheduleSettings are a user's opening hours and out-of-hours action.
type ScheduleSettings struct {
	Days                 []DaySchedule `json:"days"`
	OutOfHoursAction     string        `json:"outOfHoursAction"` // "voicemail", "redirect_user" or "redirect_external"
	RedirectUserID       string        `json:"redirectUserID,omitempty"`
	RedirectNumber       string        `json:"redirectNumber,omitempty"`
	RingTimeSeconds      *int          `json:"ringTimeSeconds,omitempty"`
	AnnounceCalls        *bool         `json:"announceCalls,omitempty"`
	PresentDialledNumber *bool         `json:"presentDialledNumber,omitempty"`
}

// PartnerUser is a user of the partner portal.
type PartnerUser struct {
	ID       string `json:"ID"`
	FullName string `json:"fullName"`
	Email    string `json:"email"`
}

// PartnerSettings are the partner's own details.
type PartnerSettings struct {
	CompanyName string `json:"companyName"`
	FullName    string `json:"fullName"`
	Email       string `json:"email"`
	PhoneNumber string `json:"phoneNumber"`
}

// Permissions are the partner's user permissions.
type Permissions struct {
	MaxUsers             int  `json:"maxUsers"`
	MaxNumbers           int  `json:"maxNumbers"`
	AdminsManageAllUsers bool `json:"adminsManageAllUsers"`
	InternationalCalls   bool `json:"internationalCalls"`
	PremiumRateCalls     bool `json:"premiumRateCalls"`
}

// Stats are the counts GET /stats returns.
type Stats struct {
	Customers int `json:"customers"`
	Users     int `json:"users"`
	Numbers   int `json:"numbers"`
	Orders    int `json:"orders"`
}
