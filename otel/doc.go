// Package otel traces and measures a phonelineplus.Client with
// OpenTelemetry. It is a module of its own, so that programs that do not use
// OpenTelemetry never download it.
//
//	client, err := phonelineplus.New(keyID, secret,
//		phonelineplus.WithHooks(plpotel.Hooks())) // the global providers; or WithTracerProvider, WithMeterProvider
//
// # Spans
//
// Every method call is a span named after the operation
// ("Customers.Create", "Do" for Client.Do), of kind internal. Under it:
//
//   - "Limiter.Wait" for each wait on the client's Limiter, with the times
//     the wait really began and ended;
//   - "Token.Wait" when the call had to wait for a token exchange, and
//     "Auth.Exchange", the exchange itself (an operation of its own, with
//     its limiter wait and its POST /auth), under the call that started it:
//     calls that need a token at the same moment share one exchange;
//   - one span of kind client per HTTP attempt, following the OpenTelemetry
//     semantic conventions for HTTP clients: named "{method} {url.template}"
//     ("POST /customers/{customerID}/users"), never after the path sent,
//     with http.request.method, url.template, http.response.status_code and,
//     from the second attempt on, http.request.resend_count, and
//     server.address and server.port (the API's host, from the base URL,
//     never a path). An attempt the client retries carries
//     phonelineplus.retry.delay, the seconds it waits before the next.
//
// A call that fails sets error.type to its phonelineplus.ErrorCategory
// ("rate_limited", "outcome_unknown", "email_in_use", ...) and the span
// status to Error with the category as its description. Client.Do is given
// a path rather than a template, so its attempts are named after the method
// alone ("GET") and carry no url.template.
//
// # Metrics
//
//   - http.client.request.duration (histogram, seconds): each HTTP attempt,
//     by method, url.template, status code and error.type;
//   - phonelineplus.operation.duration (histogram, seconds): each call, by
//     operation and error.type;
//   - phonelineplus.limiter.wait.duration (histogram, seconds): each wait on
//     the Limiter, by operation;
//   - phonelineplus.rate_limited.responses (counter): answers with status
//     429, by method and url.template;
//   - phonelineplus.token.exchanges (counter): token exchanges (POST /auth),
//     with error.type when one failed.
//
// # What is never recorded
//
// Nothing a span or a measurement carries comes from a request or a
// response body, a header or a path: no emails, phone numbers, postcodes,
// names, resource IDs, tokens or secrets, and no error message (an API
// message can quote the email it refused). Errors are recorded as their
// category only. The one value taken from a response is its request ID
// (phonelineplus.request_id, the gateway's name for the request, which
// Gamma's support asks for), on the attempt and operation spans.
package otel
