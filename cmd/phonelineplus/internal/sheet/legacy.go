package sheet

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The Python bulk processor's layout (facts.md R7): one sheet, one row per
// customer, with the columns keyID, secret, companyName, fullName, number,
// contactNumber, plan, premises, street, town, county, postcode and
// optionally email, then for each user N the family userN_fullName,
// userN_email, userN_type, userN_premises, userN_street, userN_town,
// userN_county, userN_postcode and userN_phoneNumber. Its users without a
// phoneNumber get a number of area 0161 (its USER_AREA_CODE 44161).

// legacyUserRE matches a userN_ column (after normHeader).
var legacyUserRE = regexp.MustCompile(`^user([0-9]{1,3})_(.+)$`)

// legacyAreaCode is the area the Python processor takes user numbers from.
const legacyAreaCode = "0161"

// legacyCredentialColumns are the Python layout's credential columns. Their
// cells are never read.
var legacyCredentialColumns = []string{"key_id", "secret"}

// looksLegacy reports whether the sheet's header is the Python layout's.
func (r *reader) looksLegacy(x *excelize.File, name string) bool {
	header, err := xlsxRows(x, name).Next()
	return err == nil && isLegacyHeader(header)
}

func isLegacyHeader(header []string) bool {
	var company, marker bool
	for _, h := range header {
		n := normHeader(strings.TrimPrefix(h, "\ufeff"))
		company = company || n == "company_name"
		marker = marker || slices.Contains(legacyCredentialColumns, n) || legacyUserRE.MatchString(n)
	}
	return company && marker
}

// readLegacyCSV reads a single CSV file, which must be in the Python layout.
func (r *reader) readLegacyCSV(f *os.File) error {
	src := r.csvRows(f, filepath.Base(f.Name()))
	header, err := src.Next()
	if err != nil && err != io.EOF {
		return r.fileErr(err, "%v", err)
	}
	if err == io.EOF || !isLegacyHeader(header) {
		return r.notWorkbook("is a single CSV file, but not in the Python bulk processor's layout: give a folder holding customers.csv, users.csv and orders.csv, or an .xlsx workbook")
	}
	r.wb.Format = FormatLegacy
	return r.readLegacyRows(header, src, filepath.Base(f.Name()))
}

// readLegacy reads the sheet name of an XLSX workbook in the Python layout.
func (r *reader) readLegacy(src rowSource, name string) error {
	header, err := src.Next()
	if err != nil {
		return r.sheetErr(name, 1, err, "cannot be read: %v", err)
	}
	return r.readLegacyRows(header, src, name)
}

// legacyFamily is the columns of one record kind in the Python layout: the
// customer's own, or one user's.
type legacyFamily struct {
	user int       // 0 for the customer
	loc  *location // its columns, for problems and Row.Problem
}

// readLegacyRows maps the Python layout's columns to customers and users.
// sheet is the sheet's name, or the CSV file's.
func (r *reader) readLegacyRows(header []string, src rowSource, sheet string) error {
	header = slices.Clone(header) // a CSV source reuses its record
	if len(header) > r.opts.MaxColumns {
		return r.sheetErr(sheet, 1, ErrTooLarge, "has %d columns, more than the limit of %d", len(header), r.opts.MaxColumns)
	}
	cust := &legacyFamily{loc: &location{sheet: sheet, cols: map[string]headerCol{}}}
	users := map[int]*legacyFamily{}
	cs, us := schemas[SheetCustomers], schemas[SheetUsers]
	fieldOf := make([]struct {
		fam   *legacyFamily
		field int
	}, len(header))
	for i, h := range header {
		title := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		n := normHeader(title)
		hc := headerCol{title: title, pos: i + 1, field: -1}
		if slices.Contains(legacyCredentialColumns, n) {
			r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: 1, Column: title, Col: i + 1,
				Message: "is ignored and its cells are never read: credentials come from PHONELINEPLUS_KEY_ID and PHONELINEPLUS_SECRET or a profile (delete this column)"})
			continue
		}
		if m := legacyUserRE.FindStringSubmatch(n); m != nil {
			num, _ := strconv.Atoi(m[1])
			f, ok := us.index[m[2]]
			if !ok || us.columns[f].Kind == KindRef || m[2] == "area_code" {
				r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: 1, Column: title, Col: i + 1, Message: "is not a known column: ignored"})
				continue
			}
			fam := users[num]
			if fam == nil {
				fam = &legacyFamily{user: num, loc: &location{sheet: sheet, cols: map[string]headerCol{}}}
				users[num] = fam
			}
			hc.field = f
			fam.loc.cols[us.columns[f].Name] = hc
			fieldOf[i].fam, fieldOf[i].field = fam, f
			continue
		}
		f, ok := cs.index[n]
		if !ok || cs.columns[f].Kind == KindRef || n == "area_code" {
			r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: 1, Column: title, Col: i + 1, Message: "is not a known column: ignored"})
			continue
		}
		hc.field = f
		cust.loc.cols[cs.columns[f].Name] = hc
		fieldOf[i].fam, fieldOf[i].field = cust, f
	}
	var missing []string
	for _, c := range cs.columns {
		if _, ok := cust.loc.cols[c.Name]; c.Required && c.Kind != KindRef && !ok {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return r.sheetErr(sheet, 1, ErrNotWorkbook, "is in the Python bulk processor's layout but lacks the column(s) %s", strings.Join(missing, ", "))
	}
	nums := slices.Sorted(func(yield func(int) bool) {
		for n := range users {
			if !yield(n) {
				return
			}
		}
	})
	defaulted := false
	return r.eachRow(sheet, src, func(line int, cells []string) {
		custVals := make([]string, len(cs.columns))
		userVals := make(map[int][]string, len(users))
		for i, raw := range cells {
			if i >= len(fieldOf) || fieldOf[i].fam == nil {
				continue
			}
			fam, f := fieldOf[i].fam, fieldOf[i].field
			s := cs
			if fam.user > 0 {
				s = us
			}
			c := s.columns[f]
			v, p := legacyCell(c.Kind, raw)
			if p != nil {
				p.Sheet, p.Line, p.Column, p.Col, p.Field = sheet, line, header[i], i+1, c.Field
				r.add(*p)
			}
			if fam.user == 0 {
				custVals[f] = v
				continue
			}
			if userVals[fam.user] == nil {
				userVals[fam.user] = make([]string, len(us.columns))
			}
			userVals[fam.user][f] = v
		}
		ref := "row" + strconv.Itoa(line)
		custVals[cs.index["ref"]] = ref
		r.build(Row{Sheet: SheetCustomers, Line: line, loc: cust.loc}, custVals)
		for _, n := range nums {
			vals := userVals[n]
			if vals == nil || blankRow(vals) {
				continue
			}
			vals[us.index["ref"]] = fmt.Sprintf("%s-user%d", ref, n)
			vals[us.index["customer_ref"]] = ref
			if vals[us.index["type"]] == "" {
				vals[us.index["type"]] = "standard" // the Python processor's default
			}
			if vals[us.index["phone_number"]] == "" {
				vals[us.index["area_code"]] = legacyAreaCode
				if !defaulted {
					defaulted = true
					r.add(Problem{Severity: SeverityWarning, Sheet: sheet, Line: line, Column: fmt.Sprintf("user%d_phoneNumber", n),
						Message: "users without a phoneNumber get a number of area " + legacyAreaCode + ", as the Python processor does"})
				}
			}
			r.build(Row{Sheet: SheetUsers, Line: line, loc: users[n].loc}, vals)
		}
	})
}

// legacyCell reads a cell of the Python layout: as normCell, and the text
// "nan" that pandas writes for a blank cell is read as blank.
func legacyCell(k Kind, raw string) (string, *Problem) {
	if strings.EqualFold(strings.TrimSpace(raw), "nan") {
		return "", warnf(`reads "nan", which pandas writes for a blank cell: read as blank`)
	}
	return normCell(k, raw)
}
