package otel_test

import (
	"context"
	"fmt"
	"log"
	"slices"

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

	// The spans as a tree, each span's children in the order they started.
	all := spans.GetSpans()
	slices.SortStableFunc(all, func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) })
	printTree(all, trace.SpanID{}, "")
	// Output:
	// Products.List internal
	//   Token.Wait internal
	//   Auth.Exchange internal
	//     Limiter.Wait internal
	//     POST /auth client
	//   Limiter.Wait internal
	//   GET /products client
}

// printTree prints the spans under parent, and theirs below them.
func printTree(spans tracetest.SpanStubs, parent trace.SpanID, indent string) {
	for _, s := range spans {
		if s.Parent.SpanID() == parent {
			fmt.Printf("%s%s %s\n", indent, s.Name, s.SpanKind)
			printTree(spans, s.SpanContext.SpanID(), indent+"  ")
		}
	}
}
