// Package phonelineplustest is a stateful fake of Gamma's PhoneLine+
// Partner API, for tests of code that calls the API: this module's SDK,
// or anything else that speaks HTTP (cmd/phonelineplus-fake serves it as a
// program, with a control API and a dashboard for tests in any language).
// It is written from the wire contract alone and does not import the SDK,
// so a test against it checks the SDK's wire format too.
//
//	srv := phonelineplustest.NewServer()
//	defer srv.Close()
//	keyID, secret := srv.Credentials()
//	// Point the client under test at srv.URL() with keyID and secret,
//	// then check what the fake received and holds:
//	//   srv.Requests(), srv.Customers(), srv.Snapshot()
//
// # What it serves
//
// Every endpoint of the SDK's endpoint table, under BasePath
// ("/partner/v1"), with the statuses of the wire contract: 201 for a
// create, 200 for GET and PUT, 204 with no body for DELETE, resend
// activation and password reset. Lists are {"data":[...],"count":n} and
// their paths answer with and without a trailing slash. Errors are
// {"message":"..."}: 400 for a missing or invalid field (naming it), 404
// for an unknown ID, 409 for an email already in use anywhere on the
// platform and for malformed requests (bad JSON, a Content-Type other
// than application/json, a field of the wrong JSON type; the real API
// uses 409 for those), and 409 or 400 (WithInFlightStatus) when a number
// is taken: "Number N has an existing in-flight order and cannot
// currently have a change or terminate order". Unknown fields are
// ignored. A method the path does not serve is 405 with an Allow header;
// a path outside BasePath is 404 with a message that says where the API
// is. Every response, errors and faults included, carries an X-Request-Id
// (a UUID), which Request.ID records.
//
// GET /numbers/available lists the lowest free numbers first, the same on
// every call until one is taken, and takes an area code in the forms
// people send it (44161, 0161, 161, +44 161); an unknown one is a 400 that
// lists the known ones. A user created with a phoneNumber that names a UK
// geographic or non-geographic number in any form (441614960021,
// +44 161 496 0021, 01614960021) is given that number, allocated to them.
//
// NewServer is ready for a whole provisioning story: a product catalogue
// (Yealink T46S, W73P, W56H and Cisco SPA112) and PoolSize available
// numbers in each of the area codes 44161 (Manchester), 4420 (London),
// 44121 (Birmingham), 44113 (Leeds) and 44131 (Edinburgh), and in the
// non-geographic range, all from Ofcom's drama ranges.
//
// # Authentication and the rate limit
//
// POST /auth exchanges a key ID and secret for an HS256 JWT whose "sub" is
// the key ID; any other endpoint needs "Authorization: Bearer <token>"
// and answers 401 without a valid one. Tokens live an hour
// (WithTokenLifetime). Each key may make 100 requests in any rolling 60
// seconds (WithRateLimit), POST /auth included; beyond that the answer is
// 429 {"message":"Too Many Requests"} with Retry-After in whole seconds.
// A rejected request does not spend budget, and a request that cannot be
// attributed to a key (no valid token, an unknown key ID) is not counted.
//
// # Faults
//
// InjectFault (or WithFault) makes matching requests slow, fail, time out
// after acting or before a commit that comes later, succeed without an ID
// in the answer, lose their connection before or after acting, get a
// truncated body, or be redirected, once, N times, always, or with a
// seeded probability. See Fault, and ParseFault for its JSON and one-line
// forms. WithLatency delays every request.
//
// # The control API and the dashboard
//
// Under ControlPath ("/_fake/", outside BasePath) the fake serves its Go
// API as JSON over HTTP, for tests written in any language: reset; seed
// customers, users, numbers, orders, partner users, the pool and the
// catalogue; add, list, remove and clear faults; hold and release
// numbers; read and change the settings (rate limit, token lifetime,
// latency); add and revoke keys; read and replace the state (Snapshot's
// JSON form); read the request log with secrets, tokens, SIP passwords
// and PINs masked, or stream it as server-sent events. Each endpoint calls
// the exported method it is named after, so both behave the same;
// ControlAPIHelp lists them. Requests to the control API are not logged,
// rate-limited or faulted, and need no token. A browser may change
// nothing from a page of another origin, and a fake that listens on
// loopback answers a browser only under a loopback name, so that no web
// page can drive it (by DNS rebinding, say).
//
// At /_fake/ui the fake serves a dashboard for a person watching an
// integration: the request log live, each request expandable to its
// masked body and answer; the faults, with buttons for the common ones;
// the customers with their users, numbers and orders; the rate budget of
// the current minute. Its files are embedded: it needs no network.
//
// # Bounds
//
// The request log is a ring (DefaultRequestLogSize requests,
// DefaultRequestLogBytes of headers and bodies; see WithRequestLogLimits),
// and a request refused before it reaches the API (no valid token, a path
// outside BasePath) is read and kept only up to MaxUnauthenticatedBody
// bytes, so a fake shared by many test runs stays small whatever it is
// sent.
//
// # Virtual time
//
// The fake reads the clock only through time.Now and timers, so a server
// used through Transport inside a testing/synctest bubble runs on the
// bubble's virtual clock: token expiry, the rate-limit window, latency
// and the delayed commits of FaultTimeoutCommitLater take no real time.
// The listener's goroutines run outside every bubble (so they never stop a
// bubble's clock), which means requests that come through the listener use
// the real clock: inside a bubble, use Transport.
//
//	synctest.Test(t, func(t *testing.T) {
//		srv := phonelineplustest.NewServer(phonelineplustest.WithTokenLifetime(time.Minute))
//		defer srv.Close()
//		hc := &http.Client{Transport: srv.Transport()}
//		// ... get a token through hc, then:
//		time.Sleep(time.Minute) // instantly; the token is now expired
//	})
//
// # State
//
// State lives in memory behind one mutex, so the fake is safe under
// go test -race. Customers, Users, Numbers, Orders and Snapshot return
// copies for tests to check; the With* options seed state before the
// first request, and the Add* methods at any time. Reset goes back to
// what the options built. The state, as Snapshot and GET /_fake/state give
// it, holds SIP passwords and PINs in full, as the API itself answers them
// and so that LoadSnapshot restores them: only the request log masks them.
package phonelineplustest
