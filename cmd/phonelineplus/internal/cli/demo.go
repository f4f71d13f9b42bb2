package cli

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	pl "github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

func init() { register(demoCommand) }

// SampleWorkbook is the demo's workbook: n customers (every fifth on the
// hardware_only plan, its number from the 0161 pool), each with users
// users taking a 0161 DDI from the pool, and one order of a W73P per
// user, each handset mapped to its user.
func SampleWorkbook(n, users int) *sheet.Workbook {
	wb := &sheet.Workbook{}
	addr := sheet.Address{Premises: "Unit 1", Street: "High Street", Town: "Manchester", County: "Greater Manchester", Postcode: "M1 1AA"}
	for i := 1; i <= n; i++ {
		c := sheet.Customer{Ref: fmt.Sprintf("C%03d", i), Plan: string(pl.PlanHardwareOnlyCP),
			CompanyName: fmt.Sprintf("Example %03d Ltd", i), FullName: fmt.Sprintf("Owner %03d", i),
			ContactNumber: "01614960000", Email: fmt.Sprintf("owner%03d@example.co.uk", i), Address: addr}
		if i%5 == 0 {
			c.Plan, c.AreaCode = string(pl.PlanHardwareOnly), "0161"
		}
		wb.Customers = append(wb.Customers, c)
		o := sheet.Order{Ref: fmt.Sprintf("O%03d", i), CustomerRef: c.Ref, Name: c.FullName, Email: c.Email,
			PhoneNumber: c.ContactNumber, Delivery: sheet.DeliveryAddress{Line1: "Unit 1 High Street", Town: "Manchester",
				Country: "United Kingdom", Postcode: "M1 1AA"}}
		for j := 1; j <= users; j++ {
			u := sheet.User{Ref: fmt.Sprintf("U%03d-%d", i, j), CustomerRef: c.Ref, Type: string(pl.UserStandard),
				FullName: fmt.Sprintf("User %03d-%d", i, j), Email: fmt.Sprintf("user%03d-%d@example.co.uk", i, j), AreaCode: "0161"}
			wb.Users = append(wb.Users, u)
			o.Lines = append(o.Lines, sheet.OrderLine{SKU: "W73P", Quantity: 1, UserRef: u.Ref})
		}
		if users == 0 {
			o.Lines = []sheet.OrderLine{{SKU: "W73P", Quantity: 1}}
		}
		wb.Orders = append(wb.Orders, o)
	}
	return wb
}

func demoCommand(a *App) *cobra.Command {
	var customers, users int
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Onboard a sample workbook against a built-in fake: no account needed",
		Long: `Write a sample workbook and onboard it with apply's own engine and progress
display against the fake PhoneLine+ API built into this binary, so you can
see the whole tool work without an account. The fake answers one customer
create with a gateway timeout after creating it, and holds one pool number
in another order in flight, so you see a create settled by a lookup and a
number swapped. Then it shows status, as you would after a real run.

The workbook and its journal stay in --dir (a new temporary folder by
default): try "phonelineplus validate" or "phonelineplus status" on them.
The fake allows --rate requests a minute, as the run keeps to.`,
		Example: `  phonelineplus demo
  go run ./cmd/phonelineplus demo --customers 20 --rate 600`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if customers < 1 || users < 0 {
				return usageError("--customers must be at least 1, --users at least 0")
			}
			var err error
			if dir == "" {
				dir, err = os.MkdirTemp("", "phonelineplus-demo-")
			} else {
				err = os.MkdirAll(dir, 0o755)
			}
			if err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			path := filepath.Join(dir, "onboarding.xlsx")
			if err := sheet.Write(path, SampleWorkbook(customers, users), sheet.WriteOptions{}); err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			srv := phonelineplustest.NewServer(
				phonelineplustest.WithRateLimit(a.rate()),
				phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers",
					Action: phonelineplustest.FaultTimeoutAfter, Times: 1}),
				phonelineplustest.WithFault(phonelineplustest.Fault{Method: "POST", Path: "/customers/*/users",
					Action: phonelineplustest.FaultDelay, Latency: 300 * time.Millisecond}),
			)
			defer srv.Close()
			if pool, err := availableNumbers(cmd, srv); err == nil && len(pool) > 0 {
				srv.HoldNumbers(true, pool[0])
			}
			keyID, secret := srv.Credentials()
			env := map[string]string{EnvKeyID: keyID, EnvSecret: secret, EnvBaseURL: srv.URL()}
			demo := *a
			demo.Getenv = func(k string) string { return env[k] }
			demo.global.baseURL = ""
			demo.global.profile = ""
			fmt.Fprintf(a.Stderr, "The demo's workbook: %s (%s, %s, %s)\nThe fake API: %s\n\n", path,
				count(customers, "customer"), count(customers*users, "user"), count(customers, "order"), srv.URL())
			f := onboardFlags{concurrency: 8, settleWindow: 2 * time.Second}
			err = demo.apply(cmd, &f, path, true)
			if exitcode.Of(err) == exitcode.Interrupted {
				return err
			}
			fmt.Fprintf(a.Stderr, "\n$ phonelineplus status %s\n", path)
			rows, counts, serr := demo.loadStatus(cmd, path, "")
			if serr != nil {
				return serr
			}
			t := newTable(statusColumns...)
			for _, r := range rows {
				t.add(r...)
			}
			if perr := demo.print(t); perr != nil {
				return perr
			}
			fmt.Fprintf(a.Stderr, "%s.\n", statusSummary(counts))
			return err
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&customers, "customers", 5, "customers in the sample workbook")
	fl.IntVar(&users, "users", 3, "users per customer")
	fl.StringVar(&dir, "dir", "", "folder for the workbook and its journal (default: a new temporary folder)")
	return cmd
}

// availableNumbers lists the fake's first page of 0161 numbers.
func availableNumbers(cmd *cobra.Command, srv *phonelineplustest.Server) ([]string, error) {
	keyID, secret := srv.Credentials()
	c, err := pl.New(keyID, secret, pl.WithBaseURL(srv.URL()), pl.WithHTTPClient(&http.Client{Transport: srv.Transport()}))
	if err != nil {
		return nil, err
	}
	page, err := c.Numbers.ListAvailable(cmd.Context(), pl.AvailableNumbersOptions{NumberType: pl.NumberTypeGeographic, AreaCode: "0161"})
	var out []string
	for _, n := range page {
		out = append(out, n.NumberE164)
	}
	return out, err
}
