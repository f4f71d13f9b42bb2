package phonelineplustest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// post sends a JSON body and decodes the JSON answer into out.
func post(hc *http.Client, url, token string, body, out any) int {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(out)
	return resp.StatusCode
}

func Example() {
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	hc := &http.Client{}

	keyID, secret := srv.Credentials()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	post(hc, srv.URL()+"/auth", "", map[string]string{"keyID": keyID, "secret": secret}, &tok)

	var cust struct {
		CustomerID string `json:"customerID"`
	}
	status := post(hc, srv.URL()+"/customers", tok.AccessToken, map[string]any{
		"plan": "phoneline_plus", "companyName": "Example Ltd", "fullName": "Alex Example",
		"contactNumber": "07700900000", "email": "alex@example.com",
	}, &cust)
	fmt.Println("create:", status)

	// The same email again is refused, as on the real platform.
	var e struct{ Message string }
	status = post(hc, srv.URL()+"/users", tok.AccessToken, map[string]any{"fullName": "Pat", "email": "alex@example.com"}, &e)
	fmt.Println("reuse:", status, e.Message)

	got, _ := srv.Customer(cust.CustomerID)
	fmt.Println("stored:", got.CompanyName, len(srv.Users(cust.CustomerID)), "user")
	// Output:
	// create: 201
	// reuse: 409 Email address alex@example.com is already in use
	// stored: Example Ltd 1 user
}

// A fault makes the next create time out at the gateway after the
// customer was created anyway.
func ExampleServer_InjectFault() {
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	srv.InjectFault(phonelineplustest.Fault{
		Method: http.MethodPost,
		Path:   "/customers",
		Action: phonelineplustest.FaultTimeoutAfter,
		Times:  1,
	})
	keyID, secret := srv.Credentials()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	post(&http.Client{}, srv.URL()+"/auth", "", map[string]string{"keyID": keyID, "secret": secret}, &tok)
	status := post(&http.Client{}, srv.URL()+"/customers", tok.AccessToken, map[string]any{
		"plan": "hardware_only_cp", "companyName": "Example Ltd", "fullName": "Alex Example", "contactNumber": "07700900000",
		"address": map[string]string{"premises": "1", "street": "High Street", "town": "Leeds", "postcode": "LS11AA"},
	}, &struct{}{})
	fmt.Println(status, len(srv.Customers()), "customer")
	// Output: 500 1 customer
}

// The control API does over HTTP, from any language, what the Go API
// does: here a fault in its one-line form, then the list of faults.
func ExampleControlAPIHelp() {
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	control := strings.TrimSuffix(srv.URL(), phonelineplustest.BasePath) + phonelineplustest.ControlPath

	resp, err := http.Post(control+"faults", "text/plain", strings.NewReader("POST /customers/*/users omit-id once"))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("added:", resp.StatusCode)

	resp, err = http.Get(control + "faults")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var faults []struct{ ID, Line string }
	_ = json.NewDecoder(resp.Body).Decode(&faults)
	fmt.Println(faults[0].ID, faults[0].Line)
	fmt.Println(srv.Faults()[0].Fault.Action) // the same fault, through the Go API
	// Output:
	// added: 201
	// f1 POST /customers/*/users omit-id once
	// omit-id
}

// ParseFault reads the forms the control API and the -fault flag take.
func ExampleParseFault() {
	f, err := phonelineplustest.ParseFault("POST /customers timeout-commit-later commitAfter=5s once")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Method, f.Path, f.Action, f.CommitAfter, f.Times)
	_, err = phonelineplustest.ParseFault(`{"action": "delay", "latency": "1000h"}`)
	fmt.Println(err)
	// Output:
	// POST /customers timeout-commit-later 5s 1
	// phonelineplustest: fault "{\"action\": \"delay\", \"latency\": \"1000h\"}": latency, maxLatency and commitAfter must be at most 24h0m0s
}
