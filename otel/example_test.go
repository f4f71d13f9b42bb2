package otel_test

import (
	"context"
	"fmt"
	"log"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/phonelineplus-go/phonelineplus"
	plpotel "github.com/phonelineplus-go/phonelineplus/otel"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// Trace and measure a client's calls. Here the spans go to an in-memory
// exporter and are printed; in a service, pass the providers your
// OpenTelemetry setup made (with an OTLP exporter, say), or set the global
// ones and call Hooks with no options.
func ExampleHooks() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))

	srv := phonelineplustest.NewServer()
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()),
		phonelineplus.WithHooks(plpotel.Hooks(plpotel.WithTracerProvider(tp), plpotel.WithMeterProvider(mp))))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Products.List(context.Background()); err != nil {
		log.Fatal(err)
	}

	// Spans are exported as they end: the call's steps, then the call.
	names := map[trace.SpanID]string{}
	for _, s := range spans.GetSpans() {
		names[s.SpanContext.SpanID()] = s.Name
	}
	for _, s := range spans.GetSpans() {
		if parent, ok := names[s.Parent.SpanID()]; ok {
			fmt.Printf("%-15s %-7s under %s\n", s.Name, s.SpanKind, parent)
		} else {
			fmt.Printf("%-15s %s\n", s.Name, s.SpanKind)
		}
	}
	// Output:
	// Token.Exchange  internal under Products.List
	// Limiter.Wait    internal under Products.List
	// GET /products   client  under Products.List
	// Products.List   internal
}
