package cli

import (
	"context"
	"strconv"
	"strings"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/spf13/cobra"
)

func init() {
	register(customersCommand, usersCommand, numbersCommand, productsCommand, ordersCommand, statsCommand)
}

// listing returns a RunE that calls fetch with an API client and prints
// the table it returns.
func (a *App) listing(fetch func(ctx context.Context, c *phonelineplus.Client, args []string) (*table, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := a.Client()
		if err != nil {
			return err
		}
		t, err := fetch(cmd.Context(), c, args)
		if err != nil {
			return err
		}
		return a.print(t)
	}
}

// customerColumns are the columns of customers list and get.
var customerColumns = []string{"id", "company_name", "full_name", "email", "contact_number", "plan", "status", "number", "postcode"}

func customerCells(c *phonelineplus.Customer) []string {
	return []string{c.ID, c.CompanyName, c.FullName, c.Email, c.ContactNumber, string(c.Plan), string(c.Status), c.Number.NumberE164, c.Address.Postcode}
}

func customersCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customers",
		Short: "List or show customers",
		Example: `  phonelineplus customers list
  phonelineplus customers get 3f2c9a1e-... --output json`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Short:   "List every customer of the partner",
		Example: `  phonelineplus customers list --output csv > customers.csv`,
		Args:    noArgs,
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, _ []string) (*table, error) {
			list, err := c.Customers.List(ctx)
			return tableOf(list, err, customerColumns, customerCells)
		}),
	}, &cobra.Command{
		Use:     "get CUSTOMER_ID",
		Short:   "Show one customer, with its address (SIP passwords are never shown)",
		Example: `  phonelineplus customers get 3f2c9a1e-...`,
		Args:    exactArgs("CUSTOMER_ID"),
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, args []string) (*table, error) {
			cu, err := c.Customers.Get(ctx, args[0])
			if err != nil {
				return nil, err
			}
			sipID := ""
			if cu.Destination != nil {
				sipID = cu.Destination.SIPID
			}
			t := newTable(append(customerColumns[:len(customerColumns):len(customerColumns)],
				"user_id", "premises", "street", "town", "county", "contract_length", "created", "sip_id")...)
			ad := cu.Address
			t.add(append(customerCells(cu), cu.UserID, ad.Premises, ad.Street, ad.Town, ad.County,
				strconv.Itoa(cu.ContractLength), cu.Created, sipID)...)
			return t, nil
		}),
	})
	return cmd
}

func usersCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "users",
		Short:   "List a customer's users",
		Example: `  phonelineplus users list 3f2c9a1e-...`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "list CUSTOMER_ID",
		Short:   "List the users of a customer",
		Example: `  phonelineplus users list 3f2c9a1e-... --output json`,
		Args:    exactArgs("CUSTOMER_ID"),
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, args []string) (*table, error) {
			list, err := c.Users.List(ctx, args[0])
			return tableOf(list, err, []string{"id", "full_name", "email", "type", "phone_number", "status"}, func(u *phonelineplus.User) []string {
				return []string{u.ID, u.FullName, u.Email, string(u.Type), u.PhoneNumber, string(u.Status)}
			})
		}),
	})
	return cmd
}

func numbersCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "numbers",
		Short: "List a customer's numbers, or the numbers available to give",
		Example: `  phonelineplus numbers list 3f2c9a1e-...
  phonelineplus numbers available --area 0161`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "list CUSTOMER_ID",
		Short:   "List the numbers of a customer and whom each is allocated to",
		Example: `  phonelineplus numbers list 3f2c9a1e-... --output csv`,
		Args:    exactArgs("CUSTOMER_ID"),
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, args []string) (*table, error) {
			list, err := c.Numbers.List(ctx, args[0])
			return tableOf(list, err, []string{"id", "number", "type", "allocated_to"}, func(n *phonelineplus.Number) []string {
				to := ""
				if n.AllocatedTo != nil {
					to = n.AllocatedTo.UserID
				}
				return []string{n.ID, n.NumberE164, string(n.Type), to}
			})
		}),
	}, availableCommand(a))
	return cmd
}

func availableCommand(a *App) *cobra.Command {
	var area string
	var nonGeographic bool
	cmd := &cobra.Command{
		Use:   "available --area CODE",
		Short: "List numbers of an area code that can be given to customers and users",
		Example: `  phonelineplus numbers available --area 0161
  phonelineplus numbers available --non-geographic`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The flags are checked before credentials are looked for.
			opts := phonelineplus.AvailableNumbersOptions{NumberType: phonelineplus.NumberTypeGeographic, AreaCode: area}
			if nonGeographic {
				opts.NumberType = phonelineplus.NumberTypeNonGeographic
			} else if strings.TrimSpace(area) == "" {
				return usageError("give --area (such as 0161), or --non-geographic")
			}
			return a.listing(func(ctx context.Context, c *phonelineplus.Client, _ []string) (*table, error) {
				list, err := c.Numbers.ListAvailable(ctx, opts)
				return tableOf(list, err, []string{"number", "type"}, func(n *phonelineplus.AvailableNumber) []string {
					return []string{n.NumberE164, string(n.Type)}
				})
			})(cmd, nil)
		},
	}
	cmd.Flags().StringVar(&area, "area", "", `the area code: "0161", "44161" or "+44161"`)
	cmd.Flags().BoolVar(&nonGeographic, "non-geographic", false, "list non-geographic (03) numbers instead")
	return cmd
}

func productsCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "products",
		Short:   "List the hardware catalogue",
		Example: `  phonelineplus products list`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Short:   "List the products that orders can contain (the orders sheet names them by SKU)",
		Example: `  phonelineplus products list --output json`,
		Args:    noArgs,
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, _ []string) (*table, error) {
			list, err := c.Products.List(ctx)
			return tableOf(list, err, []string{"id", "sku", "name", "make", "category", "unit_cost"}, func(p *phonelineplus.Product) []string {
				return []string{p.ID, p.SKU, p.Name, p.Make, p.Category, p.UnitCost}
			})
		}),
	})
	return cmd
}

func ordersCommand(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "orders",
		Short:   "List hardware orders",
		Example: `  phonelineplus orders list`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list [CUSTOMER_ID]",
		Short: "List the orders of one customer, or of every customer",
		Example: `  phonelineplus orders list
  phonelineplus orders list 3f2c9a1e-... --output csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("%s takes at most one CUSTOMER_ID", cmd.CommandPath())
			}
			return nil
		},
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, args []string) (*table, error) {
			var list []phonelineplus.Order
			var err error
			if len(args) == 1 {
				list, err = c.Orders.List(ctx, args[0])
			} else {
				list, err = c.Orders.ListAll(ctx)
			}
			return tableOf(list, err, []string{"id", "order_number", "customer_id", "status", "created", "products"}, func(o *phonelineplus.Order) []string {
				items := make([]string, len(o.Products))
				for i, p := range o.Products {
					items[i] = p.SKU + " x" + strconv.Itoa(p.Quantity)
				}
				return []string{o.ID, o.OrderNumber, o.CustomerID, string(o.Status), o.Created, strings.Join(items, ", ")}
			})
		}),
	})
	return cmd
}

func statsCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:     "stats",
		Short:   "Show the partner's counts of customers, users, numbers and orders",
		Example: `  phonelineplus stats --output json`,
		Args:    noArgs,
		RunE: a.listing(func(ctx context.Context, c *phonelineplus.Client, _ []string) (*table, error) {
			s, err := c.Stats.Get(ctx)
			if err != nil {
				return nil, err
			}
			t := newTable("customers", "users", "numbers", "orders")
			t.add(strconv.Itoa(s.Customers), strconv.Itoa(s.Users), strconv.Itoa(s.Numbers), strconv.Itoa(s.Orders))
			return t, nil
		}),
	}
}
