package phonelineplus

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// Device paths, relative to the base URL (observed in a real client).
const (
	pathDevices = "/customers/{customerID}/users/{userID}/devices"
)

// DevicesService handles users' desk phones and softphone registrations. Use it as Client.Devices.
type DevicesService service

// DeviceBrand is a device's make: one Gamma supplies, or BrandOther for a
// customer-owned (bring your own) device.
type DeviceBrand string

// Device brands.
const (
	// BrandOther is a customer-owned device: it needs a Name and has no
	// Model or MAC address; the response carries its SIP credentials.
	BrandOther DeviceBrand = "other"
	// BrandYealink is a Gamma-supplied Yealink device: it needs a Model
	// (e.g. "T46S") and a MAC address.
	BrandYealink DeviceBrand = "Yealink"
	// BrandCisco is a Gamma-supplied Cisco device: it needs a Model (e.g.
	// "SPA112") and a MAC address.
	BrandCisco DeviceBrand = "Cisco"
)

// DeviceMetadata describes a Gamma-supplied device.
type DeviceMetadata struct {
	Brand DeviceBrand `json:"brand"`
	Model string      `json:"model"`
}

// Device is a user's device as the API returns it. For a BrandOther device
// it carries the SIP credentials to configure it with; SIPPassword is a
// Secret: it prints as "[REDACTED]", and Reveal returns it.
type Device struct {
	ID                 string         `json:"ID"`
	Name               string         `json:"name"`
	MACAddress         string         `json:"macAddress"`
	Metadata           DeviceMetadata `json:"metadata"`
	SIPID              string         `json:"sipID"`
	RegistrationServer string         `json:"registrationServer"`
	SIPPassword        Secret         `json:"sipPassword"` // not always sent: see Raw
	Raw                RawJSON        `json:"-"`           // the object as sent
}

// UnmarshalJSON decodes a device and keeps the object in Raw.
func (d *Device) UnmarshalJSON(data []byte) error { return d.decodeWith(copyDecoder(data)) }

func (d *Device) decodeWith(dec objectDecoder) error {
	type plain Device
	return dec.decode((*plain)(d), &d.Raw)
}

// DeviceCreateRequest is the body of Devices.Create. A Gamma-supplied
// device (BrandYealink, BrandCisco) needs Model and MACAddress; a
// customer-owned one (BrandOther) needs Name and must have neither.
type DeviceCreateRequest struct {
	Brand      DeviceBrand `json:"brand"`
	Model      string      `json:"model,omitzero"`
	MACAddress string      `json:"macAddress,omitzero"` // any common form; sent as "00:15:65:00:00:01"
	Name       string      `json:"name,omitzero"`       // a friendly name
}

func (r DeviceCreateRequest) normalize() (DeviceCreateRequest, error) {
	var c checker
	c.fail(oneOf("brand", r.Brand, BrandOther, BrandYealink, BrandCisco))
	if r.Brand == BrandOther {
		if strings.TrimSpace(r.Model) != "" {
			c.fail(invalid("model", "must be empty for brand other"))
		}
		if strings.TrimSpace(r.MACAddress) != "" {
			c.fail(invalid("macAddress", "must be empty for brand other"))
		}
		r.Model, r.MACAddress = "", ""
		c.check("name", &r.Name, requiredText)
	} else {
		c.check("model", &r.Model, requiredText)
		c.check("macAddress", &r.MACAddress, macAddress)
		c.optional("name", &r.Name, requiredText)
	}
	return r, c.err
}

// Validate reports the first problem Devices.Create would refuse r for, as
// a *ValidationError naming the field, without sending anything: the method
// runs the same check before each request.
func (r DeviceCreateRequest) Validate() error {
	_, err := r.normalize()
	return err
}

// Create adds a device to a user ("Add Customer User Device"). For a
// BrandOther device the response holds the SIP credentials (SIPID,
// RegistrationServer and, when the API sends it, SIPPassword).
//
// Not idempotent. On ErrOutcomeUnknown the device may have been added:
// check in the portal before trying again, as this API has no way to list
// a user's devices (CreateOrFind says so with a *VerificationError).
//
// API: POST /customers/{customerID}/users/{userID}/devices (observed)
func (s *DevicesService) Create(ctx context.Context, customerID, userID string, req DeviceCreateRequest, opts ...CallOption) (*Device, error) {
	path, err := expandPath(pathDevices, customerID, userID)
	if err == nil {
		req, err = req.normalize()
	}
	if err != nil {
		return nil, err
	}
	return send[Device](ctx, s.client, &call{op: "Devices.Create", method: http.MethodPost, tmpl: pathDevices, path: path, body: req, opts: opts})
}

// CreateOrFind adds a device to a user like Create, for code that treats
// every create alike. The API has no known way to list a user's devices,
// so an unknown outcome cannot be settled by a lookup: it is a
// *VerificationError (ErrNeedsVerification, wrapping the ErrOutcomeUnknown)
// whose Hint names the customer, the user and the device (brand, model,
// MAC address or name) to check in the partner portal. Nothing is sent
// again. A success is OutcomeCreated; any other failure is returned as
// Create returns it.
//
// Cost: Create's one request.
func (s *DevicesService) CreateOrFind(ctx context.Context, customerID, userID string, req DeviceCreateRequest, opts ...CallOption) (*Ensured[Device], error) {
	_, pathErr := expandPath(pathDevices, customerID, userID)
	norm, _, err := prepare(s.client, opts, pathErr, req, DeviceCreateRequest.normalize)
	if err != nil {
		return nil, err
	}
	what := "a " + string(norm.Brand) + " " + norm.Model + " with MAC address " + norm.MACAddress
	if norm.Brand == BrandOther {
		what = "a customer-owned device named " + strconv.Quote(norm.Name)
	}
	return ensure(ctx, 0, creation[Device]{
		op: "Devices.CreateOrFind", what: "device", id: func(d *Device) string { return d.ID },
		create: func() (*Device, error) { return s.Create(ctx, customerID, userID, req, opts...) },
		hint:   "check in the partner portal whether user " + userID + " of customer " + customerID + " has " + what + " before adding it again",
	})
}
