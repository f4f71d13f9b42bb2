// Command phonelineplus onboards PhoneLine+ customers in bulk from a
// spreadsheet and runs the everyday Partner API lookups. Run
// "phonelineplus --help" for the commands and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/cli"
)

func main() {
	// The first Ctrl-C (or SIGTERM) cancels ctx: commands settle what is in
	// flight and exit with code 4. A second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.NewApp().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
