// Command phonelineplus-fake serves the phonelineplustest fake of the
// PhoneLine+ Partner API, for trying a client by hand or testing programs
// written in any language: Python, .NET, Node and Java as well as Go.
//
// It prints the base URL and the API key to use (they are fake, printing
// them is the point) as shell-friendly lines, then logs one line per
// request (request ID, method, path, status, duration; never a header or a
// body) to standard error until SIGINT or SIGTERM:
//
//	$ phonelineplus-fake -addr 127.0.0.1:8080
//	PHONELINEPLUS_BASE_URL=http://127.0.0.1:8080/partner/v1
//	PHONELINEPLUS_KEY_ID=...
//	PHONELINEPLUS_SECRET=...
//	PHONELINEPLUS_CA_FILE=/tmp/phonelineplus-fake-ca-....pem   (with -tls)
//	PHONELINEPLUS_CONTROL_URL=http://127.0.0.1:8080/_fake/
//	PHONELINEPLUS_DASHBOARD=http://127.0.0.1:8080/_fake/ui
//
// The API lives under /partner/v1: POST /partner/v1/auth with
// {"keyID": ..., "secret": ...} answers {"access_token": ..., "expires": ...};
// send the token as "Authorization: Bearer ..." on every other call. The
// control API under /_fake/ (reset, seed, faults, held numbers, settings,
// the state and the request log) and the live dashboard at /_fake/ui are
// listed by -h and by GET /_fake/.
//
// Flags:
//
//	-addr string            listen address (default "127.0.0.1:8080"); beyond loopback needs -public
//	-public                 allow -addr to listen beyond this machine (":8080", "0.0.0.0:8080");
//	                        the control API has no authentication: whoever reaches the port can use it
//	-tls                    serve HTTPS with HTTP/2; the CA to trust is written to -ca-file
//	-ca-file path           where -tls writes its CA certificate (default: a file in the temp dir, removed on exit)
//	-fault spec             inject a fault from the start, as POST /_fake/faults takes it (repeatable)
//	-latency dur[-dur]      every request waits this long, or a seeded draw in the range
//	-state file             load the state from file at start (if it exists), save it there on exit,
//	                        readable by its owner only (SIP passwords); give -key-id and -secret
//	                        too for the same API key after a restart
//	-rate-limit int         requests per API key per rolling minute; 0 disables (default 100)
//	-token-lifetime dur     lifetime of the tokens POST /auth issues (default 1h)
//	-in-flight-status int   status of the in-flight-order answer, 409 or 400 (default 409)
//	-key-id, -secret        use this API key instead of a random one
//	-seed uint              seed of the fake's random decisions (default 1)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "phonelineplus-fake:", err)
		os.Exit(1)
	}
}

// faultFlags collects the repeatable -fault flag.
type faultFlags []phonelineplustest.Fault

func (f *faultFlags) String() string { return fmt.Sprint(len(*f), " faults") }

func (f *faultFlags) Set(v string) error {
	fault, err := phonelineplustest.ParseFault(v)
	if err != nil { // flag quotes v already
		msg := strings.TrimPrefix(err.Error(), "phonelineplustest: ")
		return errors.New(strings.TrimPrefix(msg, fmt.Sprintf("fault %q: ", strings.TrimSpace(v))))
	}
	*f = append(*f, fault)
	return nil
}

const usageHead = `phonelineplus-fake serves a stateful fake of the PhoneLine+ Partner API.

Usage: phonelineplus-fake [flags]

It prints PHONELINEPLUS_BASE_URL, PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET
(and the control and dashboard URLs), then serves until Ctrl-C.

Authenticate with POST {base}/auth and the body {"keyID": "...", "secret": "..."};
the answer is {"access_token": "<JWT>", "expires": <unix seconds>}. Send
"Authorization: Bearer <JWT>" on every other call. 100 requests per key per
rolling minute (429 with Retry-After beyond). Errors are {"message": "..."}.

  curl -s -X POST "$PHONELINEPLUS_BASE_URL/auth" -H 'Content-Type: application/json' \
    -d "{\"keyID\":\"$PHONELINEPLUS_KEY_ID\",\"secret\":\"$PHONELINEPLUS_SECRET\"}"

Flags:
`

func usage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprint(w, usageHead)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nThe API (under %s):\n%s", phonelineplustest.BasePath, phonelineplustest.APIHelp())
		fmt.Fprintf(w, "\nThe control API (JSON; no token needed) and the dashboard:\n%s", phonelineplustest.ControlAPIHelp())
		fmt.Fprint(w, `
Faults (-fault and POST /_fake/faults take the same forms): JSON such as
  {"method":"POST","path":"/customers","action":"timeout-after","times":1}
or one line: [METHOD] [PATH] ACTION [key=value ...] [once], such as
  POST /customers timeout-after once
  POST /customers/*/users timeout-commit-later commitAfter=5s
  GET /products respond status=503 body='{"message":"down"}' header=Retry-After:5
Actions: delay, respond, timeout-after, timeout-commit-later, omit-id,
drop-before, drop-after, truncate, redirect.
`)
	}
}

// run serves the fake until ctx ends. It listens on ln if not nil, else on
// the -addr flag. It prints the base URL and credentials to stdout and
// logs requests to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ln net.Listener) error {
	fs := flag.NewFlagSet("phonelineplus-fake", flag.ContinueOnError)
	// A bad flag is reported once, by main, without the whole help after
	// it; -h prints the help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`; beyond loopback needs -public")
	public := fs.Bool("public", false, "allow -addr to listen beyond this machine (\":8080\", \"0.0.0.0:8080\"); whoever reaches it can use the control API")
	useTLS := fs.Bool("tls", false, "serve HTTPS with HTTP/2 under a fresh CA, written to -ca-file")
	caFile := fs.String("ca-file", "", "`path` where -tls writes its CA certificate (default: in the temp dir, removed on exit)")
	var faults faultFlags
	fs.Var(&faults, "fault", "inject a fault `spec` from the start, as POST /_fake/faults takes it (repeatable)")
	latency := fs.String("latency", "", "every request waits this `duration` (200ms), or a seeded draw in a range (20ms-200ms)")
	stateFile := fs.String("state", "", "load the state from `file` at start if it exists, save it there on exit (mode 0600: it holds SIP passwords); give -key-id and -secret to keep the API key too")
	rate := fs.Int("rate-limit", 100, "requests per API key per rolling minute; 0 disables")
	lifetime := fs.Duration("token-lifetime", time.Hour, "lifetime of the tokens POST /auth issues")
	inFlight := fs.Int("in-flight-status", 409, "status of the in-flight-order answer: 409 or 400")
	keyID := fs.String("key-id", "", "API key ID to accept (default: random)")
	secret := fs.String("secret", "", "secret of -key-id (default: random)")
	seed := fs.Uint64("seed", 1, "seed of the fake's random decisions")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			usage(fs)()
			return err
		}
		return fmt.Errorf("%w (phonelineplus-fake -h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	switch {
	case *rate < 0:
		return errors.New("-rate-limit must not be negative")
	case *lifetime < time.Second:
		return errors.New("-token-lifetime must be at least 1s")
	case *inFlight != 400 && *inFlight != 409:
		return errors.New("-in-flight-status must be 400 or 409")
	case (*keyID == "") != (*secret == ""):
		return errors.New("-key-id and -secret go together")
	case *caFile != "" && !*useTLS:
		return errors.New("-ca-file goes with -tls")
	}
	opts := []phonelineplustest.Option{
		phonelineplustest.WithRateLimit(*rate),
		phonelineplustest.WithTokenLifetime(*lifetime),
		phonelineplustest.WithInFlightStatus(*inFlight),
		phonelineplustest.WithRandSeed(*seed),
	}
	if *latency != "" {
		lo, hi, err := phonelineplustest.ParseLatency(*latency)
		if err != nil {
			return fmt.Errorf("-latency: %v", err)
		}
		opts = append(opts, phonelineplustest.WithLatency(lo, hi))
	}
	for _, f := range faults {
		opts = append(opts, phonelineplustest.WithFault(f))
	}
	if *keyID != "" {
		opts = append(opts, phonelineplustest.WithCredentials(*keyID, *secret))
	}
	if *useTLS {
		opts = append(opts, phonelineplustest.WithTLS())
	}
	if ln == nil {
		if err := checkLoopback(*addr, *public); err != nil {
			return err
		}
		var err error
		if ln, err = net.Listen("tcp", *addr); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	opts = append(opts, phonelineplustest.WithListener(ln), phonelineplustest.WithLogger(logger))
	srv := phonelineplustest.NewServer(opts...)
	defer srv.Close()
	if *stateFile != "" {
		if err := loadState(srv, *stateFile); err != nil {
			return err
		}
	}

	id, sec := srv.Credentials()
	control := strings.TrimSuffix(srv.URL(), phonelineplustest.BasePath) + phonelineplustest.ControlPath
	fmt.Fprintf(stdout, "PHONELINEPLUS_BASE_URL=%s\nPHONELINEPLUS_KEY_ID=%s\nPHONELINEPLUS_SECRET=%s\n", srv.URL(), id, sec)
	if *useTLS {
		path, err := writeCA(srv.CACertPEM(), *caFile)
		if err != nil {
			return err
		}
		if *caFile == "" {
			defer os.Remove(path) // a fresh CA each start: its file goes with it
		}
		fmt.Fprintf(stdout, "PHONELINEPLUS_CA_FILE=%s\n", path)
	}
	fmt.Fprintf(stdout, "PHONELINEPLUS_CONTROL_URL=%s\nPHONELINEPLUS_DASHBOARD=%sui\n", control, control)
	logger.Info("serving the PhoneLine+ fake; stop with Ctrl-C", "url", srv.URL(), "listening", ln.Addr().String(), "dashboard", control+"ui")
	<-ctx.Done()
	logger.Info("stopping")
	srv.Close()
	if *stateFile != "" {
		if err := saveState(srv, *stateFile); err != nil {
			return err
		}
		logger.Info("saved the state", "file", *stateFile)
	}
	return nil
}

// checkLoopback refuses an address that listens beyond this machine
// unless public is set: a shared fake is a choice, not an accident.
func checkLoopback(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %v", addr, err)
	}
	if public || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q listens beyond this machine; add -public if that is meant (then -tls, or the SDK's WithInsecureHTTP on the client: it speaks plain HTTP only to loopback by default)", addr)
}

// loadState loads a state file written by saveState; a missing file is
// an empty start.
func loadState(srv *phonelineplustest.Server, path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("-state: %v", err)
	}
	var snap phonelineplustest.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return fmt.Errorf("-state %s: %v", path, err)
	}
	if err := srv.LoadSnapshot(snap); err != nil {
		return fmt.Errorf("-state %s: %v", path, err)
	}
	return nil
}

// saveState writes the state to path through a temporary file, so that a
// crash never leaves half a file.
func saveState(srv *phonelineplustest.Server, path string) error {
	b, err := json.MarshalIndent(srv.Snapshot(), "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".phonelineplus-fake-state-*")
	if err != nil {
		return fmt.Errorf("-state: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("-state: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("-state: %v", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("-state: %v", err)
	}
	return nil
}

// writeCA writes the CA certificate to path, or to a new file in the temp
// dir when path is "", and returns where.
func writeCA(pemBytes []byte, path string) (string, error) {
	if path == "" {
		f, err := os.CreateTemp("", "phonelineplus-fake-ca-*.pem")
		if err != nil {
			return "", fmt.Errorf("-tls: %v", err)
		}
		path = f.Name()
		if err := f.Close(); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(path, pemBytes, 0o644); err != nil {
		return "", fmt.Errorf("-ca-file: %v", err)
	}
	return path, nil
}
