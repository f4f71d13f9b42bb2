package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// The examples run against phonelineplustest, the fake API. Against the
// real one, pass New the key ID and secret from Partner Portal → Settings →
// API, and leave out WithBaseURL (or give phonelineplus.UATURL).
func ExampleNew() {
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	keyID, secret := srv.Credentials()

	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	// The first call exchanges the key for a token; later ones reuse it.
	products, err := client.Products.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range products {
		fmt.Println(p.SKU, p.Name, p.UnitCost)
	}
	// Output:
	// T46S Yealink T46S 89.00
	// W73P Yealink W73P 79.00
	// W56H Yealink W56H 49.00
	// SPA112 Cisco SPA112 39.00
}

// The README's quick start, run against the fake: a hardware-only customer
// with a Manchester number from the available pool (here, one number).
func Example() {
	srv := phonelineplustest.NewServer(phonelineplustest.WithoutNumberPool(),
		phonelineplustest.WithAvailableNumbers(phonelineplustest.AvailableNumber{NumberE164: "441614960021"}))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := quickStart(ctx, keyID, secret, srv.URL()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// created Acme Ltd (hardware_only) with 441614960021
}

// quickStart is the quick start of README.md and doc.go, word for word
// (TestQuickStartIsTheCompiledExample keeps the three the same).
//
// keyID and secret come from Partner Portal → Settings → API; baseURL is
// phonelineplus.ProductionURL, phonelineplus.UATURL or a fake's URL.
func quickStart(ctx context.Context, keyID, secret, baseURL string) error {
	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(baseURL))
	if err != nil {
		return err
	}
	avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
		NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161",
	})
	if err != nil {
		return err
	}
	for _, number := range avail {
		// CreateOrFind settles a gateway timeout by looking the customer up.
		got, err := client.Customers.CreateOrFind(ctx, phonelineplus.CustomerCreateRequest{
			Plan: phonelineplus.PlanHardwareOnly, CompanyName: "Acme Ltd", FullName: "Alex Example",
			ContactNumber: "07700 900000", Number: phonelineplus.NumberRef{NumberE164: number.NumberE164},
			Address: phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
		})
		if errors.Is(err, phonelineplus.ErrNumberInFlight) {
			continue // the number is in another order: try the next one
		} else if err != nil {
			return err
		}
		cust := got.Resource
		fmt.Printf("%s %s (%s) with %s\n", got.Outcome, cust.CompanyName, cust.Plan, cust.Number.NumberE164)
		return nil
	}
	return errors.New("no 0161 number is free")
}

// Check a whole batch before sending any of it: Validate runs the checks
// Customers.Create runs, and sends nothing.
func ExampleCustomerCreateRequest_Validate() {
	rows := []phonelineplus.CustomerCreateRequest{
		{Plan: phonelineplus.PlanHardwareOnlyCP, CompanyName: "Acme Ltd", FullName: "Alex Example", ContactNumber: "+44 (0)161 496 0000",
			Address: phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"}},
		{Plan: phonelineplus.PlanHardwareOnlyCP, CompanyName: "Beta Ltd", FullName: "Sam Example", ContactNumber: "020 7946 001",
			Address: phonelineplus.Address{Premises: "2", Street: "Baker Street", Town: "London", Postcode: "NW1 6XE"}},
	}
	for i, row := range rows {
		if err := row.Validate(); err != nil {
			fmt.Printf("row %d: %v\n", i+1, err)
		}
	}
	// Output:
	// row 2: phonelineplus: invalid contactNumber: has 9 digits after the leading 0; 02 numbers have 10
}

// Allocate a customer's number to one of its users. The fake starts with
// the customer, the user and the number already there.
func ExampleNumbersService_Allocate() {
	srv := phonelineplustest.NewServer(
		phonelineplustest.WithRateLimit(6000),
		phonelineplustest.WithCustomer(phonelineplustest.Customer{
			CustomerID: "cust-1", Plan: phonelineplustest.PlanStandard,
			CompanyName: "Acme Ltd", FullName: "Alex Example", Email: "alex@acme.example",
		}),
		phonelineplustest.WithUser("cust-1", phonelineplustest.User{ID: "user-2", FullName: "Sam Taylor", Email: "sam@acme.example"}),
		phonelineplustest.WithNumber("cust-1", phonelineplustest.Number{ID: "num-1", NumberE164: "441614960123"}),
	)
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(srv.URL()), phonelineplus.WithRateLimit(6000, 10))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	n, err := client.Numbers.Allocate(ctx, "cust-1", "num-1", "user-2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.NumberE164, "allocated to", n.AllocatedTo.UserID)

	// The user must exist.
	_, err = client.Numbers.Allocate(ctx, "cust-1", "num-1", "user-404")
	fmt.Println("missing user:", errors.Is(err, phonelineplus.ErrNotFound))
	// Output:
	// 441614960123 allocated to user-2
	// missing user: true
}

// Match an error's category with errors.Is and read its detail with
// errors.As, on the same error.
func Example_errors() {
	srv := phonelineplustest.NewServer(phonelineplustest.WithCustomer(phonelineplustest.Customer{
		CustomerID: "cust-1", Plan: phonelineplustest.PlanStandard,
		CompanyName: "Acme Ltd", FullName: "Alex Example", Email: "alex@acme.example",
	}))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Emails are unique across all of PhoneLine+.
	_, err = client.Users.Create(ctx, "cust-1", phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: "Alex Again", Email: "alex@acme.example",
	})
	fmt.Println("email in use:", errors.Is(err, phonelineplus.ErrEmailInUse), "conflict:", errors.Is(err, phonelineplus.ErrConflict))
	var apiErr *phonelineplus.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}

	// Bad input fails before anything is sent, naming the field.
	_, err = client.Users.Create(ctx, "cust-1", phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: "Sam Taylor", Email: "sam at acme",
	})
	var ve *phonelineplus.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, "-", ve.Reason, "-", errors.Is(err, phonelineplus.ErrValidation))
	}
	// Output:
	// email in use: true conflict: true
	// 409 Email address alex@acme.example is already in use
	// email - is not an email address - true
}
