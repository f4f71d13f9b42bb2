module github.com/phonelineplus-go/phonelineplus/phonelineplustest/uitest

go 1.25.0

require (
	github.com/chromedp/chromedp v0.23.1
	github.com/phonelineplus-go/phonelineplus v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/chromedp/cdproto v0.160.1 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.58.0 // indirect
	golang.org/x/text v0.41.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace github.com/phonelineplus-go/phonelineplus => ../..
