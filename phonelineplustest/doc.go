// Package phonelineplustest is a stateful fake of Gamma's PhoneLine+
// Partner API, for tests of code that calls the API: this module's SDK,
// or anything else that speaks HTTP (cmd/phonelineplus-fake serves it as a
// program). It is written from the wire contract alone and does not import
// the SDK, so a test against it checks the SDK's wire format too.
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
// ignored.
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
// after acting, lose their connection before or after acting, get a
// truncated body, or be redirected, once, N times, always, or with a
// seeded probability. See Fault.
//
// # Virtual time
//
// The fake reads the clock only through time.Now and timers, so a server
// used through Transport inside a testing/synctest bubble runs on the
// bubble's virtual clock: token expiry, the rate-limit window and latency
// faults take no real time. The listener's goroutines run outside every
// bubble (so they never stop a bubble's clock), which means requests that
// come through the listener use the real clock: inside a bubble, use
// Transport.
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
// first request.
package phonelineplustest
