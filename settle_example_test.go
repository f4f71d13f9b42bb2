package phonelineplus_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// Create a customer even when the gateway times out after the backend
// created it: CreateOrFind looks the customer up instead of creating a
// second one.
func ExampleCustomersService_CreateOrFind() {
	srv := phonelineplustest.NewServer(phonelineplustest.WithFault(phonelineplustest.Fault{
		Method: http.MethodPost, Path: "/customers", Action: phonelineplustest.FaultTimeoutAfter, Times: 1,
	}))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	got, err := client.Customers.CreateOrFind(context.Background(), phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanStandard, CompanyName: "Acme Ltd", FullName: "Alex Example",
		ContactNumber: "07700 900000", Email: "alex@acme.example",
	})
	var ve *phonelineplus.VerificationError
	switch {
	case errors.As(err, &ve):
		log.Fatalf("check in the portal: %s", ve.Hint)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(got.Resource.CompanyName, got.Outcome)
	fmt.Println("customers:", len(srv.Customers()))
	// Output:
	// Acme Ltd found
	// customers: 1
}
