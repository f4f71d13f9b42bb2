// Package phonelineplus is a client for Gamma's PhoneLine+ Partner API:
// customers, their users, phone numbers, blocked numbers, desk phones and
// hardware orders.
//
// # Quick start
//
// keyID and secret come from Partner Portal → Settings → API; baseURL is
// ProductionURL, UATURL, or the URL of a phonelineplustest server:
//
//	func quickStart(ctx context.Context, keyID, secret, baseURL string) error {
//		client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(baseURL))
//		if err != nil {
//			return err
//		}
//		avail, err := client.Numbers.ListAvailable(ctx, phonelineplus.AvailableNumbersOptions{
//			NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161",
//		})
//		if err != nil {
//			return err
//		}
//		for _, number := range avail {
//			// CreateOrFind settles a gateway timeout by looking the customer up.
//			got, err := client.Customers.CreateOrFind(ctx, phonelineplus.CustomerCreateRequest{
//				Plan: phonelineplus.PlanHardwareOnly, CompanyName: "Acme Ltd", FullName: "Alex Example",
//				ContactNumber: "07700 900000", Number: phonelineplus.NumberRef{NumberE164: number.NumberE164},
//				Address: phonelineplus.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", Postcode: "M1 1AA"},
//			})
//			if errors.Is(err, phonelineplus.ErrNumberInFlight) {
//				continue // the number is in another order: try the next one
//			} else if err != nil {
//				return err
//			}
//			cust := got.Resource
//			fmt.Printf("%s %s (%s) with %s\n", got.Outcome, cust.CompanyName, cust.Plan, cust.Number.NumberE164)
//			return nil
//		}
//		return errors.New("no 0161 number is free")
//	}
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
// fifth of its lifetime when that is shorter). One exchange is in flight
// however many goroutines ask, and it runs on its own bounded lifetime
// (30 s, 10 s per attempt), not on the context of the caller that started
// it: each caller waits for it no longer than its own deadline, a caller
// that gives up fails nobody else, and after a hung exchange the next
// caller starts another. A token that has expired by the local clock as it
// arrives (the server's clock runs ahead) is used until the API answers
// 401, and a token that could not go in a header is refused as
// ErrInvalidResponse and never cached. When the API answers 401 the client
// drops the token, exchanges once more and replays the request once; a
// second 401 is ErrUnauthorized. WithTokenSource replaces the exchange.
//
// # Rate limits
//
// PhoneLine+ allows 100 requests a minute per API key, the /auth exchange
// included. The client waits on its Limiter before every HTTP request that
// goes on the wire: each attempt, retry, token exchange and replay after a
// 401, each redirect hop, and each request net/http's transport sends again
// by itself (an HTTP/2 replay after a refused stream, for one). So it never
// exceeds the budget: the default is 100 a minute with a burst of 1 (one
// request every 601 ms: 600 ms and a 1 ms margin, so that a strict rolling
// window never counts a 101st); with WithRateLimit's burst, no rolling
// minute holds more than perMinute either. When the next slot lies past the
// context's deadline the call fails at once with ErrRateLimited rather than
// sleeping first. The budget belongs to the key, not the process: with
// several processes on one key, use package redislimit so they share it.
//
// # Transport and time
//
// The client sends no request body that the transport could replay
// (GetBody is nil; a POST without a body goes with an empty one, which
// net/http's HTTP/2 transport cannot replay either), over HTTP/1.1 or
// HTTP/2: a create reaches the server at most once, and only the client's
// retry loop decides what is sent again.
// Only GET follows redirects, at most 10; a hop to another scheme, host or
// port loses the token, and a redirect from https to http is refused.
//
// Every attempt is bounded by DefaultAttemptTimeout (120 s; the Timeout of
// an http.Client given to WithHTTPClient replaces it, and a zero Timeout
// keeps it), and a call whose context has no deadline by
// DefaultCallTimeout (4 minutes): that is the longest one call can take
// without a deadline, whatever the server does. Give calls a deadline to
// choose another bound.
//
// # Retries
//
// GET, PUT and DELETE are retried (WithMaxRetries, default 3) on network
// errors, 429, 500, 502, 503 and 504, with exponential backoff and full
// jitter (250 ms doubling to 30 s), honouring Retry-After up to
// WithMaxRetryWait (a longer one fails the call at once). A DELETE whose
// retry answers 404, after an attempt that may have deleted, succeeded. A
// POST creates something and is not idempotent, so it is retried only when
// the API certainly did not act: on 429, on failures before the request was
// written (dial, DNS, TLS), and on an HTTP/2 REFUSED_STREAM when it has no
// body. Any other failure of a POST (5xx, a stream reset or lost
// connection, a deadline while waiting for the answer, an unreadable
// success) returns ErrOutcomeUnknown: the resource may exist, so look it up
// before trying again. 400, 403, 404 and 409 are never retried. No wait
// ever runs past the context's deadline.
//
// # Errors
//
// Failures from the API are *APIError values (status, method, path, the
// body's message, request ID, attempts). Match categories with errors.Is
// against ErrNotFound, ErrConflict, ErrEmailInUse, ErrNumberInFlight and
// the other sentinels (CategoryOf names them, for metrics), and read detail
// with errors.As on the same error:
//
//	_, err := client.Users.Create(ctx, customerID, req)
//	switch {
//	case errors.Is(err, phonelineplus.ErrEmailInUse):
//		// emails are unique across all of PhoneLine+: ask for another
//	case errors.Is(err, phonelineplus.ErrNumberInFlight):
//		// the number is in another order: pick another number
//	case errors.Is(err, phonelineplus.ErrOutcomeUnknown):
//		// the user may exist: Users.FindByEmail before trying again, or
//		// Users.CreateOrFind from the start (see below)
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
// An error says the method and path once, then what happened, then its
// cause: "phonelineplus: POST /customers: outcome unknown (the request may
// have taken effect; look it up before retrying): 500 Internal Server
// Error: Timeout".
//
// # Hooks
//
// WithHooks observes each operation, each HTTP attempt (with the retry
// decision and its delay), each limiter wait and each token exchange,
// without bodies, headers or IDs: logging (WithLogger), the otel module and
// progress displays are built on it. WithResponseInto returns a call's
// response metadata, its request ID among them.
//
// # Secrets
//
// The API secret, tokens and SIP passwords never appear in an error, a log
// line or a %+v: they are held as Secret or Token values that print as
// "[REDACTED]", and error bodies that echo them are scrubbed. Call
// Secret.Reveal where a SIP password must be provisioned.
//
// # Validation
//
// Every request is checked before anything is sent: a problem is a
// *ValidationError, matching ErrValidation, that names the field in its
// JSON form ("address.postcode"). Each request type's Validate method runs
// the same check without sending, to check a whole batch before any of it
// goes out. How strict a check is follows what is known about the field:
//
//   - Where the API is known (a method whose API line says observed, and
//     the platform's documented rules), required fields must be set, enums
//     take only their constants, and formats are enforced.
//   - Where it is inferred, no field is required, and an enum takes any
//     value: its constants are the known or guessed spellings, not a fence,
//     so a wrong guess never stops a call. A value that is given is still
//     checked for what it is (a phone number, an email address, a time, a
//     path ID), and a request that sets no field at all is refused, since
//     it would do nothing. Customers.Create's Plan is the one mixed case:
//     the hardware-only values are observed and must be exact, while the
//     Standard plan's value is a guess, so any other plan is sent as given.
//
// Text is trimmed and refused with control characters or over 255
// characters. Values go out in the form the API uses. UK numbers are read
// as people write them ("0161 496 0000", "(0161) 496 0000", "+44 (0)161 496
// 0000", "0044 161 496 0000", with spaces, hyphens, dots or brackets),
// checked for the length of their range (10 digits after the 0; 9 or 10
// for 01 and 0800), and sent as 44… in numberE164 fields and
// Users.Create's PhoneNumber, as 0… in contact numbers. Emails must be
// deliverable (host-name labels, no IP literals; plus-addressing,
// apostrophes and internationalised domains are fine). Postcodes are sent
// upper case without spaces, MAC addresses as 00:15:65:00:00:01, and an
// order's delivery address without a country is sent with "United
// Kingdom", as a real client sends it.
//
// # Paths the SDK cannot be sure of
//
// Much of the API's reference is not public. Each method's documentation
// ends with its API line: the HTTP method and path, and where they come
// from. "(observed)" means seen in a real client's code; "(inferred)" means
// reasoned from public material, so the path, and for a request body its
// fields, may differ on your account: if they do, call Client.Do, which
// reaches any path with the same authentication, limiter, retries and
// errors. Every path is a constant in its resource's file, and every
// response keeps the object as sent in its Raw field.
package phonelineplus
