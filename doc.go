// Package phonelineplus is a client for Gamma's PhoneLine+ Partner API:
// customers, their users, phone numbers, blocked numbers, desk phones and
// hardware orders.
//
// # Quick start
//
//	client, err := phonelineplus.New(keyID, secret) // ProductionURL; WithBaseURL(phonelineplus.UATURL) for UAT
//	if err != nil {
//		return err
//	}
//	avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
//		NumberType: phonelineplus.NumberTypeGeographic,
//		AreaCode:   "0161",
//	})
//	if err != nil {
//		return err
//	}
//	cust, err := client.Customers.Create(ctx, phonelineplus.CustomerCreateRequest{
//		Plan:          phonelineplus.PlanHardwareOnly,
//		CompanyName:   "Acme Ltd",
//		FullName:      "Alex Example",
//		ContactNumber: "07700 900000",
//		Address:       phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
//		Number:        phonelineplus.NumberRef{NumberE164: avail[0].NumberE164},
//	})
//
// Package phonelineplustest is a stateful fake of the API for tests and
// for trying the SDK without an account; examples/quickstart runs the whole
// provisioning story on it.
//
// A Client is safe for concurrent use: share one per API key. Every
// method takes a context; give calls a deadline.
//
// # Authentication
//
// New takes the API key ID and secret from Partner Portal → Settings → API.
// The client exchanges them at POST /auth for a short-lived JWT on the first
// call, caches it, and refreshes it before it expires (60 s early, or a
// fifth of its lifetime when that is shorter), with one exchange in flight
// however many goroutines ask. When the API answers 401 the client drops the
// token, exchanges once more and replays the request once; a second 401 is
// ErrUnauthorized. WithTokenSource replaces the exchange.
//
// # Rate limits
//
// PhoneLine+ allows 100 requests a minute per API key, the /auth exchange
// included. The client waits on its Limiter before every HTTP request it
// sends, so it never exceeds the budget: the default is 100 a minute with a
// burst of 1 (one request every 601 ms: 600 ms and a 1 ms margin, so that a
// strict rolling window never counts a 101st). When the next slot lies past the
// context's deadline the call fails at once with ErrRateLimited rather than
// sleeping first. The budget belongs to the key, not the process: with
// several processes on one key, use package redislimit so they share it.
//
// # Retries
//
// GET, PUT and DELETE are retried (WithMaxRetries, default 3) on network
// errors, 429, 500, 502, 503 and 504, with exponential backoff and full
// jitter (250 ms doubling to 30 s), honouring Retry-After up to
// WithMaxRetryWait (a longer one fails the call at once). A POST creates
// something and is not idempotent, so it is retried only when the API
// certainly did not act: on 429, and on failures before the request was
// written (dial, DNS, TLS). Any other failure of a POST (5xx, a lost
// connection, a deadline while waiting for the answer, an unreadable
// success) returns ErrOutcomeUnknown: the resource may exist, so look it up
// before trying again. 400, 403, 404 and 409 are never retried. No wait
// ever runs past the context's deadline. Only GET follows redirects.
//
// # Errors
//
// Failures from the API are *APIError values (status, method, path, the
// body's message, request ID). Match categories with errors.Is against
// ErrNotFound, ErrConflict, ErrEmailInUse, ErrNumberInFlight and the other
// sentinels, and read detail with errors.As on the same error:
//
//	_, err := client.Users.Create(ctx, customerID, req)
//	switch {
//	case errors.Is(err, phonelineplus.ErrEmailInUse):
//		// emails are unique across all of PhoneLine+: ask for another
//	case errors.Is(err, phonelineplus.ErrNumberInFlight):
//		// the number is in another order: pick another number
//	case errors.Is(err, phonelineplus.ErrOutcomeUnknown):
//		// the user may exist: list the customer's users before retrying
//	}
//
// A create whose outcome is unknown need not be settled by hand: every
// create has a CreateOrFind (Customers.CreateOrFind, Users.CreateOrFind, …)
// that looks the resource up by its natural key for a settle window
// (WithSettleWindow) and sends the create again only if it stayed absent;
// its Ensured result says whether it was created, found or adopted. Orders
// are never sent again, and devices cannot be looked up: those come back as
// a *VerificationError (ErrNeedsVerification) saying what a person should
// check in the portal.
//
// Input is checked before anything is sent: a bad field is a
// *ValidationError (matching ErrValidation) naming it. UK numbers are
// accepted as +44…, 44… or 0… and sent in the form the API uses; postcodes
// and MAC addresses are normalised the same way.
//
// # Secrets
//
// The API secret, tokens and SIP passwords never appear in an error, a log
// line or a %+v: they are held as Secret or Token values that print as
// "[REDACTED]", and error bodies that echo them are scrubbed. Call
// Secret.Reveal where a SIP password must be provisioned.
//
// # Paths the SDK cannot be sure of
//
// Much of the API's reference is not public, so many paths and fields are
// inferred; each method's documentation says so. Every path is a constant
// in its resource's file, every response keeps the object as sent in its
// Raw field, and Client.Do reaches any path with the same authentication,
// limiter, retries and errors.
package phonelineplus
