// Package sheet reads and writes the bulk-onboarding workbook: an XLSX file
// or a folder of CSV files with the sheets customers, users and orders.
//
// Every cell is read as text. Rows refer to each other by their ref: a user
// names its customer's ref, an order line names its customer's ref and,
// optionally, the ref of the user who gets the device. Read checks the shape
// of the file (sheets, columns, refs, duplicate emails and numbers) and
// Validate checks every row with the SDK's own request validation, offline,
// so the API's field rules have one source of truth. Both report every
// problem with its sheet, row and column.
//
// Read is safe against hostile files: the decompressed size of an XLSX file
// and the number of rows per sheet are capped, and rows are streamed, so
// memory stays proportional to the rows kept, never to the file's claims.
package sheet

// Sheet names, as they appear in an XLSX workbook or as CSV file names
// (customers.csv, users.csv, orders.csv).
const (
	SheetCustomers = "customers"
	SheetUsers     = "users"
	SheetOrders    = "orders"
	// SheetColumns is the sheet of a template that explains each column.
	// Read ignores it.
	SheetColumns = "columns"
)

// Row locates a record in the input file.
type Row struct {
	Sheet string // SheetCustomers, SheetUsers or SheetOrders
	// Line is the row number a spreadsheet shows: the header is row 1, the
	// first record row 2. For a CSV file it is the record number counted
	// the same way.
	Line int
	// Hash is a stable digest of the row's normalised cells (hex), the same
	// for the same content whatever the file format or column order. A
	// journal compares it to notice a row edited between runs.
	Hash string

	loc *location // where the row's columns are in the file
}

// location maps a record's columns to the file: the sheet's name as the
// file spells it, and each schema column's header and position.
type location struct {
	sheet string
	cols  map[string]headerCol // schema column name -> file column
}

// Problem returns a problem at the cell of the given column of r (a column
// name of Columns, such as "email"), placed as the file has it: its sheet
// name, row, header and column letter. A column the file lacks is named
// as given, without a letter.
func (r Row) Problem(sev Severity, column, msg string) Problem {
	p := Problem{Severity: sev, Sheet: r.Sheet, Line: r.Line, Column: column, Message: msg}
	if s := schemas[r.Sheet]; s != nil {
		if f, ok := s.index[column]; ok {
			p.Field = s.columns[f].Field
		}
	}
	if r.loc != nil {
		p.Sheet = r.loc.sheet
		if hc, ok := r.loc.cols[column]; ok {
			p.Column, p.Col = hc.title, hc.pos
		}
	}
	return p
}

// Address is a site address as the sheet gives it; all fields are text.
type Address struct {
	Premises string
	Street   string
	Town     string
	County   string
	Postcode string
}

// IsZero reports whether every field of a is empty.
func (a Address) IsZero() bool { return a == Address{} }

// Customer is one row of the customers sheet.
type Customer struct {
	Row
	Ref           string // unique within the sheet
	Plan          string // hardware_only, hardware_only_cp or phoneline_plus
	CompanyName   string
	FullName      string // the primary contact
	ContactNumber string
	Email         string
	// Number is the line's DDI (any UK form). When it is empty and
	// AreaCode is set, the number is taken from the available pool of that
	// area ("0161").
	Number   string
	AreaCode string
	Address  Address
}

// User is one row of the users sheet.
type User struct {
	Row
	Ref         string // unique within the sheet
	CustomerRef string // the Ref of a row of the customers sheet
	Type        string // standard or admin
	FullName    string
	Email       string
	// PhoneNumber is the DDI to provision for the user (any UK form). When
	// it is empty and AreaCode is set, a number of that area is taken from
	// the available pool and sent in the create call.
	PhoneNumber string
	AreaCode    string
	Address     Address
}

// DeliveryAddress is where an order is shipped.
type DeliveryAddress struct {
	Line1    string
	Line2    string
	Line3    string
	Town     string
	County   string
	Country  string
	Postcode string
}

// OrderLine is one row of the orders sheet: a quantity of one product,
// optionally a device for one user.
type OrderLine struct {
	Row
	SKU      string // the product's SKU code ("W73P"), resolved to its ID online
	Quantity int    // at least 1; a blank cell reads as 1
	// UserRef, when set, names the user (a Ref of the users sheet, of the
	// same customer) who gets this device.
	UserRef string
}

// Order is one order: the rows of the orders sheet that share a ref. The
// first of them carries the delivery details; the others may leave those
// cells blank or must repeat them exactly.
type Order struct {
	Ref           string
	CustomerRef   string
	Name          string // the delivery contact
	Email         string
	PhoneNumber   string
	TrackingEmail string
	Delivery      DeliveryAddress
	Lines         []OrderLine // in sheet order, at least one
}

// Line returns the sheet row of the order's first line.
func (o *Order) Line() int { return o.Lines[0].Line }

// Hash returns a digest of all the order's lines, in order: it changes when
// any line changes.
func (o *Order) Hash() string {
	parts := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		parts[i] = l.Hash
	}
	return hashCells(SheetOrders, parts)
}

// Format is the layout a workbook was read from.
type Format string

// Formats.
const (
	FormatXLSX Format = "xlsx" // an XLSX workbook with the three sheets
	FormatCSV  Format = "csv"  // a folder with customers.csv, users.csv and orders.csv
	// FormatLegacy is the Python bulk processor's single sheet: one row
	// per customer with user1_…userN_ column families.
	FormatLegacy Format = "legacy"
)

// Workbook is a read input file.
type Workbook struct {
	Path      string
	Format    Format
	Customers []Customer
	Users     []User
	Orders    []Order
	// Problems lists every error and warning found while reading, in the
	// order found (sheet by sheet, row by row). A workbook with an error
	// must not be applied.
	Problems []Problem
}

// HasErrors reports whether any problem is an error (not a warning).
func (w *Workbook) HasErrors() bool {
	for _, p := range w.Problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Customer returns the customer with the given ref, or nil.
func (w *Workbook) Customer(ref string) *Customer {
	for i := range w.Customers {
		if w.Customers[i].Ref == ref {
			return &w.Customers[i]
		}
	}
	return nil
}

// User returns the user with the given ref, or nil.
func (w *Workbook) User(ref string) *User {
	for i := range w.Users {
		if w.Users[i].Ref == ref {
			return &w.Users[i]
		}
	}
	return nil
}
