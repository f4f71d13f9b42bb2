// Command quickstart is a partner's first day with PhoneLine+: it finds an
// available Manchester (0161) number, creates a hardware-only customer with
// it, adds a user, gives that user a number of their own, orders a Yealink
// T46S desk phone for them, registers the phone, and prints a summary.
// Every create is a CreateOrFind, which settles an unknown outcome (a
// gateway timeout) by looking the resource up, so nothing is made twice.
//
// With no environment variables it runs on the fake API, in-process:
// go run ./examples/quickstart. With PHONELINEPLUS_BASE_URL, _KEY_ID and
// _SECRET set it runs against that endpoint; on a host that is not
// loopback (real customers, real hardware) only with -yes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"time"

	plp "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

var (
	yes   = flag.Bool("yes", false, "create a customer and order hardware even on a non-loopback endpoint")
	email = flag.String("email", "sam.taylor@northernwidgets.example", "email of the user to add (unique across all of PhoneLine+)")
	mac   = flag.String("mac", "00:15:65:12:34:56", "MAC address of the desk phone to register")
)

var site = plp.Address{Premises: "Unit 4", Street: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"}

func main() {
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("quickstart: ")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	base, keyID, secret := os.Getenv("PHONELINEPLUS_BASE_URL"), os.Getenv("PHONELINEPLUS_KEY_ID"), os.Getenv("PHONELINEPLUS_SECRET")
	if base == "" && keyID == "" && secret == "" {
		srv := phonelineplustest.NewServer()
		defer srv.Close()
		base = srv.URL()
		keyID, secret = srv.Credentials()
	} else if base == "" || keyID == "" || secret == "" {
		return errors.New("set all of PHONELINEPLUS_BASE_URL, _KEY_ID and _SECRET, or none to use the fake")
	}
	client, err := plp.New(keyID, secret, plp.WithBaseURL(base), plp.WithUserAgent("phonelineplus-quickstart"))
	if err != nil {
		return err
	}
	fmt.Printf("PhoneLine+ quick start against %s (the client keeps to 100 requests a minute)\n", base)

	avail, err := client.Numbers.ListAvailable(ctx, plp.AvailableNumbersOptions{NumberType: plp.NumberTypeGeographic, AreaCode: "0161"})
	if err != nil {
		return fmt.Errorf("listing available numbers: %w", err)
	}
	fmt.Printf("1. %d Manchester numbers available\n", len(avail))
	if u, _ := url.Parse(base); !isLoopback(u.Hostname()) && !*yes {
		return fmt.Errorf("%s is not loopback: this would create a real customer and order real hardware; run again with -yes", u.Hostname())
	}
	// The customer takes the first number not tied up in another order.
	var cust *plp.Ensured[plp.Customer]
	for len(avail) > 0 && cust == nil {
		req := plp.CustomerCreateRequest{Plan: plp.PlanHardwareOnly, CompanyName: "Northern Widgets Ltd", FullName: "Alex Morgan",
			ContactNumber: "07700 900123", Address: site, Number: plp.NumberRef{NumberE164: avail[0].NumberE164}}
		if cust, err = client.Customers.CreateOrFind(ctx, req); errors.Is(err, plp.ErrNumberInFlight) {
			err = nil // in another order: try the next
		} else if err != nil {
			return fmt.Errorf("creating the customer: %w", err)
		}
		avail = avail[1:]
	}
	if cust == nil {
		return errors.New("every available number is in another order; try again later")
	}
	c := cust.Resource
	fmt.Printf("2. customer %s with %s (%s)\n", c.ID, show(c.Number.NumberE164), cust.Outcome)
	if len(avail) == 0 {
		return fmt.Errorf("customer %s is made, but no number is left for its user; try again later", c.ID)
	}
	user, err := client.Users.CreateOrFind(ctx, c.ID, plp.UserCreateRequest{Type: plp.UserStandard, FullName: "Sam Taylor", Email: *email})
	if errors.Is(err, plp.ErrEmailInUse) {
		return fmt.Errorf("adding the user: %s is used elsewhere on PhoneLine+; run again with -email: %w", *email, err)
	} else if err != nil {
		return fmt.Errorf("adding the user: %w", err)
	}
	u := user.Resource
	fmt.Printf("3. user %s, ID %s (%s)\n", u.FullName, u.ID, user.Outcome)
	num, err := client.Numbers.CreateOrFind(ctx, c.ID, plp.NumberCreateRequest{NumberE164: avail[0].NumberE164})
	if err != nil {
		return fmt.Errorf("adding a number: %w", err)
	}
	// Allocate is a PUT: the SDK retries it itself when that is safe.
	n, err := client.Numbers.Allocate(ctx, c.ID, num.Resource.ID, u.ID)
	if err != nil {
		return fmt.Errorf("allocating the number: %w", err)
	}
	fmt.Printf("4. %s allocated to the user (%s)\n", show(n.NumberE164), num.Outcome)
	phone, err := client.Products.FindBySKU(ctx, "T46S")
	if err != nil {
		return fmt.Errorf("finding the desk phone: %w", err)
	}
	// An order is never sent twice: if its outcome stays unknown the error
	// is a *VerificationError saying what to check in the portal.
	order, err := client.Orders.CreateOrFind(ctx, c.ID, plp.OrderCreateRequest{
		DeliveryAddress: plp.DeliveryAddress{Line1: site.Premises, Line2: site.Street, Town: site.Town, Postcode: site.Postcode},
		Products:        []plp.OrderItem{{ID: phone.ID, Quantity: 1}},
		Name:            u.FullName, Email: u.Email, PhoneNumber: c.ContactNumber,
		SKUToUserMapping: map[string][]plp.SKUUser{phone.SKU: {{UserID: u.ID}}},
	})
	if err != nil {
		return fmt.Errorf("ordering a %s: %w", phone.Name, err)
	}
	fmt.Printf("5. ordered a %s: order %s (%s)\n", phone.Name, order.Resource.OrderNumber, order.Outcome)
	dev, err := client.Devices.CreateOrFind(ctx, c.ID, u.ID, plp.DeviceCreateRequest{Brand: plp.BrandYealink, Model: "T46S", MACAddress: *mac})
	if err != nil {
		return fmt.Errorf("registering the phone: %w", err)
	}
	fmt.Printf("6. registered the phone, MAC %s\n\n", dev.Resource.MACAddress)

	fmt.Printf("Customer        %s (%s), ID %s\n  line          %s\n", c.CompanyName, c.Plan, c.ID, show(c.Number.NumberE164))
	if d := c.Destination; d != nil { // SIPPassword prints masked; Reveal() gives it to provision a device
		fmt.Printf("  SIP server    %s\n  SIP ID        %s\n  SIP password  %s\n  STUN          %s:%s\n",
			d.RegistrationServer, d.SIPID, d.SIPPassword, d.STUNServer, d.STUNPort)
	}
	fmt.Printf("User            %s <%s>, ID %s\n  number        %s\n", u.FullName, u.Email, u.ID, show(n.NumberE164))
	fmt.Printf("Order           %s (%s)\n", order.Resource.OrderNumber, order.Resource.Status)
	fmt.Printf("Device          %s %s, MAC %s\n", dev.Resource.Metadata.Brand, dev.Resource.Metadata.Model, dev.Resource.MACAddress)
	return nil
}

// show is the one form this program prints a number in: "+441614960021".
func show(e164 string) string { return "+" + e164 }

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
