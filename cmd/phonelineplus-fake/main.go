// Command phonelineplus-fake serves the phonelineplustest fake of the
// PhoneLine+ Partner API on a loopback port, for trying a client by hand
// or testing programs written in any language.
//
// It prints the base URL and the API key to use (they are fake, printing
// them is the point) as shell-friendly lines, then logs one line per
// request (method, path, status, duration; never a header or a body) to
// standard error until SIGINT or SIGTERM:
//
//	$ phonelineplus-fake -addr 127.0.0.1:8080
//	PHONELINEPLUS_BASE_URL=http://127.0.0.1:8080/partner/v1
//	PHONELINEPLUS_KEY_ID=...
//	PHONELINEPLUS_SECRET=...
//
// Flags:
//
//	-addr string            listen address (default "127.0.0.1:8080")
//	-rate-limit int         requests per API key per rolling minute; 0 disables (default 100)
//	-token-lifetime dur     lifetime of the tokens POST /auth issues (default 1h)
//	-in-flight-status int   status of the in-flight-order answer, 409 or 400 (default 409)
//	-key-id, -secret        use this API key instead of a random one
//	-seed uint              seed of the fake's random decisions (default 1)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
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

// run serves the fake until ctx ends. It listens on ln if not nil, else on
// the -addr flag. It prints the base URL and credentials to stdout and
// logs requests to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ln net.Listener) error {
	fs := flag.NewFlagSet("phonelineplus-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	rate := fs.Int("rate-limit", 100, "requests per API key per rolling minute; 0 disables")
	lifetime := fs.Duration("token-lifetime", time.Hour, "lifetime of the tokens POST /auth issues")
	inFlight := fs.Int("in-flight-status", 409, "status of the in-flight-order answer: 409 or 400")
	keyID := fs.String("key-id", "", "API key ID to accept (default: random)")
	secret := fs.String("secret", "", "secret of -key-id (default: random)")
	seed := fs.Uint64("seed", 1, "seed of the fake's random decisions")
	if err := fs.Parse(args); err != nil {
		return err
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
	}
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", *addr); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	opts := []phonelineplustest.Option{
		phonelineplustest.WithListener(ln),
		phonelineplustest.WithRateLimit(*rate),
		phonelineplustest.WithTokenLifetime(*lifetime),
		phonelineplustest.WithInFlightStatus(*inFlight),
		phonelineplustest.WithRandSeed(*seed),
		phonelineplustest.WithLogger(logger),
	}
	if *keyID != "" {
		opts = append(opts, phonelineplustest.WithCredentials(*keyID, *secret))
	}
	srv := phonelineplustest.NewServer(opts...)
	defer srv.Close()

	id, sec := srv.Credentials()
	fmt.Fprintf(stdout, "PHONELINEPLUS_BASE_URL=%s\nPHONELINEPLUS_KEY_ID=%s\nPHONELINEPLUS_SECRET=%s\n", srv.URL(), id, sec)
	logger.Info("serving the PhoneLine+ fake; stop with Ctrl-C", "url", srv.URL())
	<-ctx.Done()
	logger.Info("stopping")
	return nil
}
