package sheet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkAnyInput reads path and checks what any input must give: an error
// that is a *Problem naming the input, or a workbook whose every problem
// has a place and whose every row has a sheet, line and hash; and
// validation sending nothing.
func checkAnyInput(t *testing.T, path string) {
	wb, err := Read(path, Options{MaxRows: 200, MaxBytes: 1 << 20})
	if err != nil {
		var p *Problem
		if !errors.As(err, &p) || p.Path == "" || p.Message == "" {
			t.Fatalf("error without a place: %v", err)
		}
		return
	}
	for _, p := range wb.Problems {
		if p.Message == "" || (p.Sheet == "" && p.Path == "") {
			t.Fatalf("problem without a place: %+v", p)
		}
	}
	for _, c := range wb.Customers {
		if c.Sheet == "" || c.Line < 2 || len(c.Hash) != 32 {
			t.Fatalf("row without a place or hash: %+v", c.Row)
		}
	}
	if _, err := Validate(wb); err != nil {
		t.Fatalf("validate: %v", err)
	}
}

// FuzzReadCSV reads arbitrary bytes as the customers.csv and users.csv of
// a folder.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(strings.Join(headers(SheetCustomers), ",")+"\nacme,hardware_only,A,B,7700900123,a@b.example,,0161,1,S,T,,M1 1AA\n"),
		[]byte("ref,customer_ref,type,full_name,email\nu,acme,standard,U,u@b.example\n"))
	f.Add([]byte("\ufeffref;plan\n"), []byte("\"unterminated\n"))
	f.Add([]byte("ref,plan,company_name,full_name,contact_number\n,,,,1.6E+09\n"), []byte(""))
	f.Fuzz(func(t *testing.T, customers, users []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "customers.csv"), customers, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "users.csv"), users, 0o600); err != nil {
			t.Fatal(err)
		}
		checkAnyInput(t, dir)
	})
}

// FuzzReadXLSX reads arbitrary bytes as an .xlsx file, seeded with a real
// workbook and broken ones.
func FuzzReadXLSX(f *testing.F) {
	b, err := os.ReadFile(baseBook().xlsx(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/3])
	f.Add(legacyBookBytes(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAnyInput(t, writeFile(t, "in.xlsx", data))
	})
}

func legacyBookBytes(f *testing.F) []byte {
	b, err := os.ReadFile(legacyBook("s").xlsx(f))
	if err != nil {
		f.Fatal(err)
	}
	return b
}
