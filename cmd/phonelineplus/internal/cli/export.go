package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/exitcode"
	"github.com/phonelineplus-go/phonelineplus/cmd/phonelineplus/internal/sheet"
	"github.com/spf13/cobra"
)

func init() { register(exportCommand) }

func exportCommand(a *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "export FILE",
		Short: "Write the partner's customers, users and numbers as an onboarding workbook",
		Long: `Write every customer of the partner, its users and their numbers to FILE in
the onboarding workbook's layout (.xlsx, or a folder of CSV files for any
other name), so that the round trip export, edit, plan works: each row's ref
is the ID the API gave it, so plan matches the rows to what exists.

A customer's primary contact, created with the customer, is the customer row
itself, not a users row. Numbers not allocated to anyone are left out (the
workbook has no place for them); the count is printed. Orders are not
exported.

Sends 1 request for the customer list and 2 per customer (users, numbers).`,
		Example: `  phonelineplus export current.xlsx
  phonelineplus --profile acme export current/ --force`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if _, err := os.Stat(path); err == nil && !force {
				return usageError("%s exists: choose another name, or give --force to replace it", path)
			}
			c, err := a.Client()
			if err != nil {
				return err
			}
			wb, unallocated, err := a.export(cmd.Context(), c)
			if err != nil {
				return err
			}
			if err := sheet.Write(path, wb, sheet.WriteOptions{}); err != nil {
				return exitcode.New(exitcode.Failures, err)
			}
			fmt.Fprintf(a.Stderr, "Exported %s and %s to %s", count(len(wb.Customers), "customer"), count(len(wb.Users), "user"), path)
			if unallocated > 0 {
				fmt.Fprintf(a.Stderr, "; %s allocated to no user not in it", count(unallocated, "number"))
			}
			fmt.Fprintln(a.Stderr, ".")
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return cmd
}

// export reads the partner's customers, users and numbers into a workbook.
// It returns how many numbers are allocated to no user (other than a
// customer's own line number).
func (a *App) export(ctx context.Context, c *phonelineplus.Client) (*sheet.Workbook, int, error) {
	customers, err := c.Customers.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	wb := &sheet.Workbook{}
	unallocated := 0
	progress := a.IsTerminal(a.Stderr)
	for i := range customers {
		cu := &customers[i]
		if progress {
			fmt.Fprintf(a.Stderr, "\rExporting customer %d of %d", i+1, len(customers))
		}
		users, err := c.Users.List(ctx, cu.ID)
		if err != nil {
			return nil, 0, fmt.Errorf("customer %s: %w", cu.ID, err)
		}
		numbers, err := c.Numbers.List(ctx, cu.ID)
		if err != nil {
			return nil, 0, fmt.Errorf("customer %s: %w", cu.ID, err)
		}
		numberOf := make(map[string]string, len(numbers)) // user ID -> national number
		for _, n := range numbers {
			switch {
			case n.AllocatedTo != nil:
				numberOf[n.AllocatedTo.UserID] = national(n.NumberE164)
			case n.NumberE164 != cu.Number.NumberE164:
				unallocated++
			}
		}
		wb.Customers = append(wb.Customers, exportCustomer(cu))
		for j := range users {
			u := &users[j]
			if u.ID == cu.UserID || (u.Email != "" && strings.EqualFold(u.Email, cu.Email)) {
				continue // the primary contact: the customer row
			}
			wb.Users = append(wb.Users, exportUser(cu.ID, u, numberOf[u.ID]))
		}
	}
	if progress && len(customers) > 0 {
		fmt.Fprintln(a.Stderr)
	}
	return wb, unallocated, nil
}

func exportCustomer(cu *phonelineplus.Customer) sheet.Customer {
	ad := cu.Address
	return sheet.Customer{
		Ref: cu.ID, Plan: string(cu.Plan), CompanyName: cu.CompanyName, FullName: cu.FullName,
		ContactNumber: cu.ContactNumber, Email: cu.Email, Number: national(cu.Number.NumberE164),
		Address: sheet.Address{Premises: ad.Premises, Street: ad.Street, Town: ad.Town, County: ad.County, Postcode: ad.Postcode},
	}
}

func exportUser(customerID string, u *phonelineplus.User, number string) sheet.User {
	ad := u.Address
	return sheet.User{
		Ref: u.ID, CustomerRef: customerID, Type: string(u.Type), FullName: u.FullName, Email: u.Email,
		PhoneNumber: cmp.Or(number, national(u.PhoneNumber)),
		Address:     sheet.Address{Premises: ad.Premises, Street: ad.Street, Town: ad.Town, County: ad.County, Postcode: ad.Postcode},
	}
}

// national turns E.164 digits ("441610000000") into the national form a
// person reads ("01610000000"); anything else is returned as it is.
func national(e164 string) string {
	if d, ok := strings.CutPrefix(e164, "44"); ok && len(d) >= 9 {
		return "0" + d
	}
	return e164
}
