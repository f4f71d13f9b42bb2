package phonelineplustest

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// defaultAreaCodes are the geographic area codes of the default pool.
var defaultAreaCodes = []AreaCode{
	{AreaCode: "44113", Name: "Leeds"},
	{AreaCode: "44121", Name: "Birmingham"},
	{AreaCode: "44131", Name: "Edinburgh"},
	{AreaCode: "44161", Name: "Manchester"},
	{AreaCode: "4420", Name: "London"},
}

// PoolSize is how many numbers the default pool holds per area code, and
// in the non-geographic range.
const PoolSize = 500

// defaultPool is PoolSize numbers per area code from Ofcom's ranges
// reserved for drama (0161 496 0xxx, 020 7946 0xxx, ...; non-geographic
// 0306 999 0xxx), so a fake number can never ring anyone.
func defaultPool() []AvailableNumber {
	prefixes := map[string]string{
		"44113": "441134960", "44121": "441214960", "44131": "441314960",
		"44161": "441614960", "4420": "442079460",
	}
	var out []AvailableNumber
	for _, a := range defaultAreaCodes {
		for i := range PoolSize {
			out = append(out, AvailableNumber{NumberE164: fmt.Sprintf("%s%03d", prefixes[a.AreaCode], i),
				Type: NumberGeographic, AreaCode: a.AreaCode})
		}
	}
	for i := range PoolSize {
		out = append(out, AvailableNumber{NumberE164: fmt.Sprintf("44306999%04d", i), Type: NumberNonGeographic})
	}
	return out
}

// defaultProducts is the default catalogue. Its IDs are the same in every
// server, so a saved state or a test's constant stays valid.
func defaultProducts() []Product {
	ps := []Product{
		{SKU: "T46S", Name: "Yealink T46S", Make: "Yealink", Category: "Desk Phone", UnitCost: "89.00"},
		{SKU: "W73P", Name: "Yealink W73P", Make: "Yealink", Category: "DECT Phone", UnitCost: "79.00"},
		{SKU: "W56H", Name: "Yealink W56H", Make: "Yealink", Category: "DECT Handset", UnitCost: "49.00"},
		{SKU: "SPA112", Name: "Cisco SPA112", Make: "Cisco", Category: "Analogue Telephone Adapter", UnitCost: "39.00"},
	}
	for i := range ps {
		ps[i].ID = hashUUID("product/" + ps[i].SKU)
	}
	return ps
}

// hashUUID returns a version 4 shaped UUID derived from s.
func hashUUID(s string) string {
	sum := sha256.Sum256([]byte(s))
	sum[6], sum[8] = sum[6]&0x0f|0x40, sum[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

var defaultSettings = PartnerSettings{
	CompanyName: "Example Partner Ltd",
	FullName:    "Pat Partner",
	Email:       "partner@example.com",
	PhoneNumber: "07700900999",
}

var defaultPermissions = Permissions{MaxUsers: 50, MaxNumbers: 50}

// availablePage is how many numbers one GET /numbers/available returns at
// most, about what a real client keeps in hand.
const availablePage = 20

func poolKey(typ, areaCode string) string {
	if typ == NumberNonGeographic {
		return typ
	}
	return typ + "/" + areaCode
}

// addToPool adds a number to the available pool.
func (st *state) addToPool(n AvailableNumber) error {
	if !validUKNumber(n.NumberE164) {
		return fmt.Errorf("available number %q is not a UK number in E.164 digits without +", n.NumberE164)
	}
	if n.Type == "" {
		n.Type = numberType(n.NumberE164)
	}
	if n.Type == NumberGeographic && n.AreaCode == "" {
		for code := range st.areas {
			if strings.HasPrefix(n.NumberE164, code) && len(code) > len(n.AreaCode) {
				n.AreaCode = code
			}
		}
		if n.AreaCode == "" {
			return fmt.Errorf("available number %s: no known area code; set AreaCode", n.NumberE164)
		}
	}
	if n.Type == NumberNonGeographic {
		n.AreaCode = ""
	} else if _, ok := st.areas[n.AreaCode]; !ok {
		st.areas[n.AreaCode] = ""
	}
	if _, dup := st.pool[n.NumberE164]; dup {
		return nil
	}
	st.pool[n.NumberE164] = n
	k := poolKey(n.Type, n.AreaCode)
	i, _ := slices.BinarySearch(st.poolKeys[k], n.NumberE164)
	st.poolKeys[k] = slices.Insert(st.poolKeys[k], i, n.NumberE164)
	return nil
}

// available returns up to availablePage numbers of a kind that no
// customer owns, lowest first: the same numbers on every call until one
// is taken, so a test can look at a number and then hold it. Numbers
// held by an order in flight are listed, as the real API lists them.
func (st *state) available(typ, areaCode string) []AvailableNumber {
	out := []AvailableNumber{}
	for _, e164 := range st.poolKeys[poolKey(typ, areaCode)] {
		if _, taken := st.byE164[e164]; taken {
			continue
		}
		if out = append(out, st.pool[e164]); len(out) == availablePage {
			break
		}
	}
	return out
}

// areaCode reads an area code in the forms people send it: "44161",
// "0161", "161", "+44 161". It returns the E.164 form the area codes
// list, or a 400 naming the known ones.
func (st *state) areaCode(raw string) (string, error) {
	d := strings.NewReplacer(" ", "", "+", "", "(", "", ")", "").Replace(strings.TrimSpace(raw))
	switch {
	case strings.HasPrefix(d, "0044"):
		d = "44" + d[4:]
	case strings.HasPrefix(d, "0"):
		d = "44" + d[1:]
	case !strings.HasPrefix(d, "44"):
		d = "44" + d
	}
	if _, ok := st.areas[d]; ok && allDigits(d) {
		return d, nil
	}
	known := make([]string, 0, len(st.areas))
	for code := range st.areas {
		known = append(known, code)
	}
	slices.Sort(known)
	return "", badRequest("areaCode %q is not a known area code; GET /numbers/area-codes lists them: %s (0161, 161 and 44161 are all Manchester)",
		raw, strings.Join(known, ", "))
}

// listAreaCodes serves GET /numbers/area-codes.
func (s *Server) listAreaCodes(*call) (int, any, error) {
	out := make([]AreaCode, 0, len(s.st.areas))
	for code, name := range s.st.areas {
		out = append(out, AreaCode{AreaCode: code, Name: name})
	}
	slices.SortFunc(out, func(a, b AreaCode) int { return strings.Compare(a.AreaCode, b.AreaCode) })
	return http.StatusOK, listOf(out), nil
}

// listAvailable serves GET /numbers/available?numberType=&areaCode=.
func (s *Server) listAvailable(c *call) (int, any, error) {
	typ, area := c.query("numberType"), c.query("areaCode")
	switch typ {
	case "":
		return 0, nil, required("numberType")
	case NumberGeographic:
		if area == "" {
			return 0, nil, badRequest("areaCode is required for numberType %s", NumberGeographic)
		}
		var err error
		if area, err = s.st.areaCode(area); err != nil {
			return 0, nil, err
		}
	case NumberNonGeographic:
		area = ""
	default:
		return 0, nil, badRequest("numberType must be %s or %s", NumberGeographic, NumberNonGeographic)
	}
	return http.StatusOK, listOf(s.st.available(typ, area)), nil
}

// listProducts serves GET /products.
func (s *Server) listProducts(*call) (int, any, error) {
	return http.StatusOK, listOf(s.st.products.list(nil, same)), nil
}
