// Command quickstart is a partner's first day with PhoneLine+: it finds an
// available Manchester (0161) number, creates a hardware-only customer with
// it, adds a user, gives that user a number of their own, orders a Yealink
// T46S desk phone for them, registers the phone, and prints a summary.
//
// With no environment variables it starts the fake API (phonelineplustest)
// in-process and runs against it, so it needs no account:
//
//	go run ./examples/quickstart
//
// With PHONELINEPLUS_BASE_URL, PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET
// all set it runs against that endpoint instead, such as UAT or
// `go run ./cmd/phonelineplus-fake`. A real endpoint creates a real
// customer and orders real hardware, so on a host that is not loopback it
// only lists available numbers and stops, unless -yes is given:
//
//	PHONELINEPLUS_BASE_URL=https://api-ss-gb-aws-uat.gammaapi.net/partner/v1 \
//	PHONELINEPLUS_KEY_ID=... PHONELINEPLUS_SECRET=... \
//	go run ./examples/quickstart -yes -email you+quickstart@yourcompany.example
//
// The client keeps to PhoneLine+'s 100 requests a minute (one every 600 ms),
// so the nine requests take about five seconds.
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
	"os/signal"
	"strings"
	"time"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The new customer, their site and the user who gets the desk phone.
var (
	siteAddress = phonelineplus.Address{Premises: "Unit 4", Street: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"}
	newCustomer = phonelineplus.CustomerCreateRequest{
		Plan:          phonelineplus.PlanHardwareOnly,
		CompanyName:   "Northern Widgets Ltd",
		FullName:      "Alex Morgan",
		ContactNumber: "07700 900123",
		Address:       siteAddress,
	}
	delivery = phonelineplus.DeliveryAddress{
		Line1: "Unit 4", Line2: "Deansgate", Town: "Manchester", Country: "United Kingdom", Postcode: "M3 2BW",
	}
)

const deskPhoneSKU = "T46S"

type options struct {
	yes   bool   // create on a non-loopback endpoint
	email string // the new user's email, unique across all of PhoneLine+
	mac   string // the desk phone's MAC address
}

func main() {
	var o options
	flag.BoolVar(&o.yes, "yes", false, "create a customer and order hardware even on a non-loopback endpoint")
	flag.StringVar(&o.email, "email", "sam.taylor@northernwidgets.example", "email of the user to add (unique across all of PhoneLine+)")
	flag.StringVar(&o.mac, "mac", "00:15:65:12:34:56", "MAC address of the desk phone to register")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("quickstart: ")
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

// provisioned is what the first day produced.
type provisioned struct {
	customer *phonelineplus.Customer
	user     *phonelineplus.User
	number   *phonelineplus.Number
	order    *phonelineplus.Order
	device   *phonelineplus.Device
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	ep, err := chooseEndpoint()
	if err != nil {
		return err
	}
	defer ep.close()
	client, err := phonelineplus.New(ep.keyID, ep.secret,
		phonelineplus.WithBaseURL(ep.baseURL), phonelineplus.WithUserAgent("phonelineplus-quickstart"))
	if err != nil {
		return err
	}
	fmt.Printf("PhoneLine+ quick start against %s\n", ep.describe)
	fmt.Println("The client keeps to the API's 100 requests a minute (one every 600 ms): about 5 s.")
	start := time.Now()

	avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
		NumberType: phonelineplus.NumberTypeGeographic,
		AreaCode:   "0161",
	})
	if err != nil {
		return fmt.Errorf("listing available numbers: %w", err)
	}
	fmt.Printf("1. %d Manchester (0161) numbers available\n", len(avail))
	if !ep.loopback && !o.yes {
		return fmt.Errorf("%s is not a loopback host: this would create a real customer and order real hardware; "+
			"run again with -yes to go ahead", ep.host)
	}
	p, err := provision(ctx, client, o, e164s(avail))
	if err != nil {
		return err
	}
	printSummary(p)
	fmt.Printf("Done in %v.\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}

// endpoint is where the quick start runs.
type endpoint struct {
	baseURL, keyID, secret string
	host                   string
	loopback               bool
	describe               string
	close                  func()
}

// chooseEndpoint reads the PHONELINEPLUS_* variables, or starts the fake
// in-process when none is set.
func chooseEndpoint() (endpoint, error) {
	vars := []string{"PHONELINEPLUS_BASE_URL", "PHONELINEPLUS_KEY_ID", "PHONELINEPLUS_SECRET"}
	var set, missing []string
	for _, v := range vars {
		if os.Getenv(v) != "" {
			set = append(set, v)
		} else {
			missing = append(missing, v)
		}
	}
	if len(set) == 0 {
		srv := phonelineplustest.NewServer()
		keyID, secret := srv.Credentials()
		return endpoint{baseURL: srv.URL(), keyID: keyID, secret: secret, host: "127.0.0.1", loopback: true,
			describe: "the in-process fake API (set PHONELINEPLUS_* to use another)", close: srv.Close}, nil
	}
	if len(missing) > 0 {
		return endpoint{}, fmt.Errorf("%s set but %s not: set all three, or none to use the fake",
			strings.Join(set, ", "), strings.Join(missing, ", "))
	}
	base := os.Getenv("PHONELINEPLUS_BASE_URL")
	u, err := url.Parse(base)
	if err != nil {
		return endpoint{}, fmt.Errorf("PHONELINEPLUS_BASE_URL: %w", err)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return endpoint{baseURL: base, keyID: os.Getenv("PHONELINEPLUS_KEY_ID"), secret: os.Getenv("PHONELINEPLUS_SECRET"),
		host: host, loopback: host == "localhost" || (ip != nil && ip.IsLoopback()), describe: base, close: func() {}}, nil
}

func e164s(avail []phonelineplus.AvailableNumber) []string {
	out := make([]string, len(avail))
	for i, a := range avail {
		out[i] = a.NumberE164
	}
	return out
}

// provision runs the first day's steps. candidates are available numbers:
// the customer gets one, the user another.
func provision(ctx context.Context, client *phonelineplus.Client, o options, candidates []string) (*provisioned, error) {
	var p provisioned
	var err error
	if p.customer, candidates, err = createCustomer(ctx, client, candidates); err != nil {
		return nil, err
	}
	fmt.Printf("2. created customer %s with %s\n", p.customer.ID, p.customer.Number.NumberE164)
	if p.user, err = addUser(ctx, client, p.customer.ID, o.email); err != nil {
		return nil, err
	}
	fmt.Printf("3. added user %s (%s)\n", p.user.FullName, p.user.ID)
	if p.number, err = giveUserANumber(ctx, client, p.customer.ID, p.user.ID, candidates); err != nil {
		return nil, err
	}
	fmt.Printf("4. allocated %s to the user\n", p.number.NumberE164)
	phone, err := findProduct(ctx, client, deskPhoneSKU)
	if err != nil {
		return nil, err
	}
	if p.order, err = orderPhone(ctx, client, p.customer, p.user, phone); err != nil {
		return nil, err
	}
	fmt.Printf("5. ordered a %s: order %s\n", phone.Name, p.order.OrderNumber)
	if p.device, err = registerPhone(ctx, client, p.customer.ID, p.user.ID, o.mac); err != nil {
		return nil, err
	}
	fmt.Printf("6. registered the %s\n", p.device.Name)
	return &p, nil
}

// createOrLookUp calls create. A create is not idempotent, so when its
// outcome is unknown (the API timed out, the connection dropped) it may
// have happened: lookUp finds it, and only if it finds nothing is create
// tried once more.
func createOrLookUp[T any](what string, create, lookUp func() (*T, error)) (*T, error) {
	v, err := create()
	if !errors.Is(err, phonelineplus.ErrOutcomeUnknown) {
		return v, err
	}
	fmt.Printf("   %s: outcome unknown (%v); looking it up before trying again\n", what, err)
	found, lerr := lookUp()
	switch {
	case lerr != nil:
		return nil, fmt.Errorf("%w; then looking it up: %w", err, lerr)
	case found != nil:
		return found, nil
	}
	return create()
}

// createCustomer creates the hardware-only customer with the first
// candidate number not tied up in another order, and returns the
// candidates left.
func createCustomer(ctx context.Context, client *phonelineplus.Client, candidates []string) (*phonelineplus.Customer, []string, error) {
	for i, number := range candidates {
		req := newCustomer
		req.Number = phonelineplus.NumberRef{NumberE164: number}
		cust, err := createOrLookUp("creating the customer",
			func() (*phonelineplus.Customer, error) { return client.Customers.Create(ctx, req) },
			func() (*phonelineplus.Customer, error) { return customerWithNumber(ctx, client, number) })
		if errors.Is(err, phonelineplus.ErrNumberInFlight) {
			fmt.Printf("   %s is in another order; trying the next number\n", number)
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("creating the customer: %w", err)
		}
		return cust, candidates[i+1:], nil
	}
	return nil, nil, errors.New("creating the customer: every available number is in another order; try again later")
}

func customerWithNumber(ctx context.Context, client *phonelineplus.Client, number string) (*phonelineplus.Customer, error) {
	all, err := client.Customers.List(ctx)
	for _, c := range all {
		if c.Number.NumberE164 == number {
			return &c, nil
		}
	}
	return nil, err
}

// addUser adds the user who gets the desk phone.
func addUser(ctx context.Context, client *phonelineplus.Client, customerID, email string) (*phonelineplus.User, error) {
	req := phonelineplus.UserCreateRequest{Type: phonelineplus.UserStandard, FullName: "Sam Taylor", Email: email}
	user, err := createOrLookUp("adding the user",
		func() (*phonelineplus.User, error) { return client.Users.Create(ctx, customerID, req) },
		func() (*phonelineplus.User, error) { return userWithEmail(ctx, client, customerID, email) })
	switch {
	case errors.Is(err, phonelineplus.ErrEmailInUse):
		return nil, fmt.Errorf("adding the user: %s is already used somewhere on PhoneLine+ (emails are unique "+
			"across the platform): run again with -email: %w", email, err)
	case err != nil:
		return nil, fmt.Errorf("adding the user: %w", err)
	case user.ID == "":
		// The API may leave the ID out of a create response.
		if user, err = userWithEmail(ctx, client, customerID, email); err == nil && user == nil {
			err = errors.New("not in the customer's users")
		}
		if err != nil {
			return nil, fmt.Errorf("finding the new user's ID: %w", err)
		}
	}
	return user, nil
}

func userWithEmail(ctx context.Context, client *phonelineplus.Client, customerID, email string) (*phonelineplus.User, error) {
	users, err := client.Users.List(ctx, customerID)
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			return &u, nil
		}
	}
	return nil, err
}

// giveUserANumber adds the first candidate not tied up in another order to
// the customer and allocates it to the user. (The customer's own number
// went to the primary user, created with the customer.)
func giveUserANumber(ctx context.Context, client *phonelineplus.Client, customerID, userID string, candidates []string) (*phonelineplus.Number, error) {
	for _, e164 := range candidates {
		req := phonelineplus.NumberCreateRequest{NumberE164: e164}
		n, err := createOrLookUp("adding a number",
			func() (*phonelineplus.Number, error) { return client.Numbers.Create(ctx, customerID, req) },
			func() (*phonelineplus.Number, error) { return numberOf(ctx, client, customerID, e164) })
		if errors.Is(err, phonelineplus.ErrNumberInFlight) {
			fmt.Printf("   %s is in another order; trying the next number\n", e164)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("adding a number: %w", err)
		}
		// Allocate is a PUT: the SDK retries it itself when that is safe.
		if n, err = client.Numbers.Allocate(ctx, customerID, n.ID, userID); err != nil {
			return nil, fmt.Errorf("allocating %s: %w", e164, err)
		}
		return n, nil
	}
	return nil, errors.New("adding a number: every available number is in another order; try again later")
}

func numberOf(ctx context.Context, client *phonelineplus.Client, customerID, e164 string) (*phonelineplus.Number, error) {
	numbers, err := client.Numbers.List(ctx, customerID)
	for _, n := range numbers {
		if n.NumberE164 == e164 {
			return &n, nil
		}
	}
	return nil, err
}

// findProduct looks a product up in the hardware catalogue by SKU.
func findProduct(ctx context.Context, client *phonelineplus.Client, sku string) (*phonelineplus.Product, error) {
	products, err := client.Products.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing products: %w", err)
	}
	for _, p := range products {
		if p.SKU == sku {
			return &p, nil
		}
	}
	return nil, fmt.Errorf("no product with SKU %s in the catalogue", sku)
}

// orderPhone orders one desk phone, shipped to the site and assigned to
// the user. A second order would ship a second phone, so an unknown
// outcome is settled by listing the customer's orders first.
func orderPhone(ctx context.Context, client *phonelineplus.Client, cust *phonelineplus.Customer, user *phonelineplus.User, phone *phonelineplus.Product) (*phonelineplus.Order, error) {
	req := phonelineplus.OrderCreateRequest{
		DeliveryAddress:  delivery,
		Products:         []phonelineplus.OrderItem{{ID: phone.ID, Quantity: 1}},
		Name:             user.FullName,
		Email:            user.Email,
		PhoneNumber:      cust.ContactNumber,
		SKUToUserMapping: map[string][]phonelineplus.SKUUser{phone.SKU: {{UserID: user.ID}}},
	}
	order, err := createOrLookUp("ordering the phone",
		func() (*phonelineplus.Order, error) { return client.Orders.Create(ctx, cust.ID, req) },
		func() (*phonelineplus.Order, error) { return orderWith(ctx, client, cust.ID, phone.ID) })
	if err != nil {
		return nil, fmt.Errorf("ordering a %s: %w", phone.Name, err)
	}
	return order, nil
}

func orderWith(ctx context.Context, client *phonelineplus.Client, customerID, productID string) (*phonelineplus.Order, error) {
	orders, err := client.Orders.List(ctx, customerID)
	for _, o := range orders {
		for _, p := range o.Products {
			if p.ID == productID {
				return &o, nil
			}
		}
	}
	return nil, err
}

// registerPhone adds the desk phone to the user, so it provisions itself
// when plugged in.
func registerPhone(ctx context.Context, client *phonelineplus.Client, customerID, userID, mac string) (*phonelineplus.Device, error) {
	dev, err := client.Devices.Create(ctx, customerID, userID, phonelineplus.DeviceCreateRequest{
		Brand: phonelineplus.BrandYealink, Model: deskPhoneSKU, MACAddress: mac,
	})
	switch {
	case errors.Is(err, phonelineplus.ErrOutcomeUnknown):
		// The API cannot list a user's devices: only the portal can tell.
		return nil, fmt.Errorf("registering the phone: %w; check the user's devices in the portal before trying again", err)
	case err != nil:
		return nil, fmt.Errorf("registering the phone: %w", err)
	}
	return dev, nil
}

func printSummary(p *provisioned) {
	c, u, n, o, d := p.customer, p.user, p.number, p.order, p.device
	fmt.Println()
	fmt.Printf("Customer  %s (%s), ID %s\n", c.CompanyName, c.Plan, c.ID)
	fmt.Printf("  line    +%s\n", c.Number.NumberE164)
	if c.Destination != nil {
		// SIPPassword is a phonelineplus.Secret: it prints as [REDACTED].
		// Destination.SIPPassword.Reveal() gives it where a device must be
		// configured with it.
		fmt.Printf("  SIP     %+v\n", *c.Destination)
	}
	fmt.Printf("User      %s <%s>, ID %s\n", u.FullName, u.Email, u.ID)
	if n.AllocatedTo != nil {
		fmt.Printf("  number  +%s, allocated to user %s\n", n.NumberE164, n.AllocatedTo.UserID)
	}
	fmt.Printf("Order     %s (%s):", o.OrderNumber, o.Status)
	for _, line := range o.Products {
		fmt.Printf(" %d x %s", line.Quantity, line.Name)
	}
	fmt.Printf(", for %s\n", u.FullName)
	fmt.Printf("Device    %s, MAC %s, ID %s\n", d.Name, d.MACAddress, d.ID)
	fmt.Println()
}
