package phonelineplustest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

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
