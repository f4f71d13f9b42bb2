// Command errors shows each kind of error the SDK returns and how a
// partner's code should react to it. It runs on the fake API
// (phonelineplustest) started in-process, which it drives into each
// failure (a held number, a gateway timeout), so it needs no account:
//
//	go run ./examples/errors
//
// Match errors with errors.Is against the phonelineplus sentinels, and read
// the detail with errors.As into *phonelineplus.APIError (what the API
// said) or *phonelineplus.ValidationError (what was wrong before anything
// was sent).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// demoRate is the rate limit of both the fake and the demo's client, far
// above PhoneLine+'s 100 a minute so the demo does not wait 601 ms between
// requests. Against the real API keep the client's default.
const demoRate = 6000

var site = phonelineplus.Address{Premises: "1", Street: "Briggate", Town: "Leeds", Postcode: "LS1 6HD"}

// demo is the fake and a client of it.
type demo struct {
	srv    *phonelineplustest.Server
	client *phonelineplus.Client
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("errors: ")
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := phonelineplustest.NewServer(phonelineplustest.WithRateLimit(demoRate))
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(srv.URL()), phonelineplus.WithRateLimit(demoRate, 10))
	if err != nil {
		return err
	}
	d := &demo{srv: srv, client: client}
	for _, s := range []struct {
		title string
		show  func(context.Context) error
	}{
		{"Email in use", d.emailInUse},
		{"Number in flight", d.numberInFlight},
		{"Outcome unknown", d.outcomeUnknown},
		{"Validation", d.validation},
		{"Not found", d.notFound},
		{"Rate limited", d.rateLimited},
	} {
		fmt.Println("==", s.title)
		if err := s.show(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
		fmt.Println()
	}
	return nil
}

// unexpected reports an error other than the one a section provokes.
func unexpected(want error, got error) error {
	return fmt.Errorf("wanted an error matching %v, got: %w", want, got)
}

// emailInUse: emails are unique across the whole platform, so a taken one
// is the end user's problem to solve: ask them for another.
func (d *demo) emailInUse(ctx context.Context) error {
	cust, err := d.client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanStandard, CompanyName: "Acme Ltd", FullName: "Jo Bloggs",
		ContactNumber: "07700 900001", Email: "jo@acme.example",
	})
	if err != nil {
		return err
	}
	req := phonelineplus.UserCreateRequest{Type: phonelineplus.UserStandard, FullName: "Jo Bloggs", Email: "jo@acme.example"}
	_, err = d.client.Users.Create(ctx, cust.ID, req)
	if !errors.Is(err, phonelineplus.ErrEmailInUse) {
		return unexpected(phonelineplus.ErrEmailInUse, err)
	}
	fmt.Println("  Users.Create:", err)
	fmt.Println("  it matches ErrConflict too:", errors.Is(err, phonelineplus.ErrConflict))
	fmt.Println("  -> do not retry: ask for another email")
	req.Email = "jo.bloggs@acme.example"
	u, err := d.client.Users.Create(ctx, cust.ID, req)
	if err != nil {
		return err
	}
	fmt.Printf("  added %s with %s\n", u.FullName, u.Email)
	return nil
}

// numberInFlight: a number listed as available may be tied up in an order
// elsewhere. Keep the list and move on to the next number.
func (d *demo) numberInFlight(ctx context.Context) error {
	avail, err := d.client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
		NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0113",
	})
	if err != nil {
		return err
	}
	// In the fake, another partner's order now holds the first two numbers.
	d.srv.HoldNumbers(true, avail[0].NumberE164, avail[1].NumberE164)
	for _, a := range avail {
		cust, err := d.client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
			Plan: phonelineplus.PlanHardwareOnly, CompanyName: "Leeds Lamps Ltd", FullName: "Ravi Shah",
			ContactNumber: "07700 900002", Address: site, Number: phonelineplus.NumberRef{NumberE164: a.NumberE164},
		})
		if errors.Is(err, phonelineplus.ErrNumberInFlight) {
			fmt.Println("  Customers.Create:", err)
			fmt.Println("  -> choose the next available number")
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("  created %s with +%s\n", cust.CompanyName, cust.Number.NumberE164)
		return nil
	}
	return errors.New("every number was in flight")
}

// outcomeUnknown: the gateway timed out after the customer was created. A
// create is not idempotent, so the SDK does not resend it; look the
// customer up, and create it again only if it is not there.
func (d *demo) outcomeUnknown(ctx context.Context) error {
	d.srv.InjectFault(phonelineplustest.Fault{
		Method: "POST", Path: "/customers", Action: phonelineplustest.FaultTimeoutAfter, Times: 1,
	})
	req := phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanStandard, CompanyName: "Bradford Bikes Ltd", FullName: "Kim Lee",
		ContactNumber: "07700 900003", Email: "kim@bradfordbikes.example",
	}
	_, err := d.client.Customers.Create(ctx, req)
	if !errors.Is(err, phonelineplus.ErrOutcomeUnknown) {
		return unexpected(phonelineplus.ErrOutcomeUnknown, err)
	}
	fmt.Println("  Customers.Create:", err)
	var apiErr *phonelineplus.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("  the API answered %d %q\n", apiErr.StatusCode, apiErr.Message)
	}
	fmt.Println("  -> look the customer up before trying again (Customers.CreateOrFind in place of Create does it for you)")
	found, err := d.client.Customers.FindByEmail(ctx, req.Email)
	switch {
	case err == nil:
		fmt.Printf("  found %s (%s): it was created, so do not create it again\n", found.CompanyName, found.ID)
		return nil
	case errors.Is(err, phonelineplus.ErrNotFound):
		// Not there yet proves nothing: a create can appear seconds after
		// the timeout, so creating it again now could make two. A
		// CreateOrFind in place of the Create looks again through its
		// settle window and sends once more only if it stays absent.
		fmt.Println("  not found yet: look again later before creating it again")
		return nil
	}
	return err
}

// validation: the SDK checks input before sending anything; the error
// names the field.
func (d *demo) validation(ctx context.Context) error {
	sent := len(d.srv.Requests())
	bad := site
	bad.Postcode = "not a postcode"
	_, err := d.client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanHardwareOnlyCP, CompanyName: "Halifax Hats Ltd", FullName: "Sam Reid",
		ContactNumber: "07700 900004", Address: bad,
	})
	var ve *phonelineplus.ValidationError
	if !errors.As(err, &ve) {
		return unexpected(phonelineplus.ErrValidation, err)
	}
	fmt.Println("  Customers.Create:", err)
	fmt.Printf("  field %q: %s; requests sent: %d\n", ve.Field, ve.Reason, len(d.srv.Requests())-sent)
	fmt.Println("  -> fix the input (show the field to the user); retrying cannot help")
	return nil
}

// notFound: the ID is wrong or the resource was deleted.
func (d *demo) notFound(ctx context.Context) error {
	_, err := d.client.Customers.Get(ctx, "00000000-0000-4000-8000-000000000000")
	var apiErr *phonelineplus.APIError
	if !errors.Is(err, phonelineplus.ErrNotFound) || !errors.As(err, &apiErr) {
		return unexpected(phonelineplus.ErrNotFound, err)
	}
	fmt.Println("  Customers.Get:", err)
	fmt.Printf("  status %d, message %q\n", apiErr.StatusCode, apiErr.Message)
	fmt.Println("  -> do not retry: check the ID, or treat the resource as gone")
	return nil
}

// rateLimited: a client with the default limiter (100 a minute, one
// request every 601 ms) given a deadline too short for its next slot fails
// at once rather than sleeping until the deadline.
func (d *demo) rateLimited(ctx context.Context) error {
	keyID, secret := d.srv.Credentials()
	paced, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(d.srv.URL()))
	if err != nil {
		return err
	}
	if _, err := paced.Products.List(ctx); err != nil { // the token exchange and this spend 1.2 s of budget
		return err
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = paced.Products.List(short)
	if !errors.Is(err, phonelineplus.ErrRateLimited) {
		return unexpected(phonelineplus.ErrRateLimited, err)
	}
	fmt.Println("  Products.List:", err)
	fmt.Printf("  failed after %v, not at the 100 ms deadline\n", time.Since(start).Round(time.Millisecond))
	fmt.Println("  -> give the call a longer deadline or spread the work; share one budget across processes with redislimit")
	return nil
}
