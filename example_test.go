package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

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

// Create a hardware-only customer with a number from the available pool,
// moving on to the next number when one is tied up in another order.
func ExampleCustomersService_Create() {
	// Both rate limits are raised only to keep the example fast: the real
	// API allows 100 requests a minute, the client's default.
	srv := phonelineplustest.NewServer(phonelineplustest.WithRateLimit(6000))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(srv.URL()), phonelineplus.WithRateLimit(6000, 10))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
		NumberType: phonelineplus.NumberTypeGeographic,
		AreaCode:   "0161",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range avail {
		cust, err := client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
			Plan:          phonelineplus.PlanHardwareOnly,
			CompanyName:   "Acme Ltd",
			FullName:      "Alex Example",
			ContactNumber: "07700 900000",
			Address:       phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
			Number:        phonelineplus.NumberRef{NumberE164: a.NumberE164},
		})
		if errors.Is(err, phonelineplus.ErrNumberInFlight) {
			continue // in another order: try the next number
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cust.CompanyName, cust.Plan, cust.Status)
		fmt.Println("0161 number:", strings.HasPrefix(cust.Number.NumberE164, "44161"))
		fmt.Println("SIP password:", cust.Destination.SIPPassword)
		break
	}
	// Output:
	// Acme Ltd hardware_only active
	// 0161 number: true
	// SIP password: [REDACTED]
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
