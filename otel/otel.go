package otel

import (
	"context"
	"errors"
	"net/http"
	"time"

	global "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
	"go.opentelemetry.io/otel/trace"

	"github.com/phonelineplus-go/phonelineplus"
)

// ScopeName is the instrumentation scope of the spans and metrics: the
// name of the tracer and of the meter.
const ScopeName = "github.com/phonelineplus-go/phonelineplus/otel"

// Attributes of this package's own; the others are the semantic
// conventions'.
const (
	attrOperation  = attribute.Key("phonelineplus.operation")   // "Customers.Create"
	attrAttempts   = attribute.Key("phonelineplus.attempts")    // HTTP requests a call sent
	attrRequestID  = attribute.Key("phonelineplus.request_id")  // the gateway's request ID
	attrRetryDelay = attribute.Key("phonelineplus.retry.delay") // seconds until the next attempt; only when there is one
)

// Option configures Hooks.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider makes the spans with tp instead of the global
// TracerProvider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider records the metrics with mp instead of the global
// MeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// Hooks returns hooks that trace and measure the calls of a Client; give
// them to phonelineplus.WithHooks. Without options they use the global
// providers (otel.GetTracerProvider, otel.GetMeterProvider), including
// ones set later. One set of hooks may serve any number of clients. An
// instrument the MeterProvider refuses to make is reported to otel.Handle.
func Hooks(opts ...Option) phonelineplus.Hooks {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = global.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = global.GetMeterProvider()
	}
	r := newRecorder(c)
	return phonelineplus.Hooks{
		OperationStart: r.operationStart,
		OperationEnd:   r.operationEnd,
		AttemptStart:   r.attemptStart,
		AttemptEnd:     r.attemptEnd,
		LimiterWait:    r.limiterWait,
		TokenExchange:  r.tokenExchange,
	}
}

// recorder holds the tracer and the instruments; it is shared by every
// call and never changes.
type recorder struct {
	tracer            trace.Tracer
	requestDuration   metric.Float64Histogram
	operationDuration metric.Float64Histogram
	waitDuration      metric.Float64Histogram
	rateLimited       metric.Int64Counter
	tokenExchanges    metric.Int64Counter
}

// waitBuckets spans the Limiter's waits: none, one slot (601 ms by
// default) and up to a minute's queue.
var waitBuckets = []float64{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60}

// operationBuckets spans a call: one quick request up to several retries
// behind the Limiter.
var operationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}

func newRecorder(c config) *recorder {
	meter := c.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	r := &recorder{tracer: c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))}
	var errs [5]error
	var rd httpconv.ClientRequestDuration
	rd, errs[0] = httpconv.NewClientRequestDuration(meter)
	r.requestDuration = rd.Inst()
	r.operationDuration, errs[1] = meter.Float64Histogram("phonelineplus.operation.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(operationBuckets...),
		metric.WithDescription("Duration of phonelineplus.Client calls, retries and waits on the limiter included."))
	r.waitDuration, errs[2] = meter.Float64Histogram("phonelineplus.limiter.wait.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(waitBuckets...),
		metric.WithDescription("Time a phonelineplus.Client waited on its rate limiter before sending a request."))
	r.rateLimited, errs[3] = meter.Int64Counter("phonelineplus.rate_limited.responses",
		metric.WithUnit("{response}"),
		metric.WithDescription("Answers with status 429 Too Many Requests."))
	r.tokenExchanges, errs[4] = meter.Int64Counter("phonelineplus.token.exchanges",
		metric.WithUnit("{exchange}"),
		metric.WithDescription("Token exchanges (POST /auth) a phonelineplus.Client made."))
	if err := errors.Join(errs[:]...); err != nil {
		global.Handle(err)
	}
	return r
}

// operation is the state of one call, kept in the call's context.
type operation struct {
	span    trace.Span
	attempt trace.Span // the attempt in progress; nil between attempts
}

type operationKey struct{}

func operationOf(ctx context.Context) *operation {
	o, _ := ctx.Value(operationKey{}).(*operation)
	return o
}

func (r *recorder) operationStart(ctx context.Context, op phonelineplus.OperationInfo) context.Context {
	attrs := []attribute.KeyValue{attrOperation.String(op.Operation)}
	if t := op.PathTemplate; t != "" {
		attrs = append(attrs, semconv.URLTemplate(t))
	}
	ctx, span := r.tracer.Start(ctx, op.Operation,
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return context.WithValue(ctx, operationKey{}, &operation{span: span})
}

func (r *recorder) operationEnd(ctx context.Context, op phonelineplus.OperationInfo, res phonelineplus.OperationResult) {
	r.operationDuration.Record(ctx, res.Duration.Seconds(),
		metric.WithAttributes(withErrorType([]attribute.KeyValue{attrOperation.String(op.Operation)}, res.Category)...))
	if op.Operation == phonelineplus.OperationAuthExchange {
		r.tokenExchanges.Add(ctx, 1, metric.WithAttributes(withErrorType(nil, res.Category)...))
	}
	o := operationOf(ctx)
	if o == nil {
		return
	}
	o.span.SetAttributes(attrAttempts.Int(res.Attempts))
	if res.RequestID != "" {
		o.span.SetAttributes(attrRequestID.String(res.RequestID))
	}
	fail(o.span, res.Category)
	o.span.End()
}

func (r *recorder) attemptStart(ctx context.Context, a phonelineplus.AttemptInfo) context.Context {
	o := operationOf(ctx)
	if o == nil {
		return nil
	}
	name, attrs := request(a.OperationInfo)
	if a.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(a.Attempt-1))
	}
	ctx, o.attempt = r.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(a.Start), trace.WithAttributes(attrs...))
	return ctx
}

func (r *recorder) attemptEnd(ctx context.Context, a phonelineplus.AttemptInfo, res phonelineplus.AttemptResult) {
	_, attrs := request(a.OperationInfo)
	if res.StatusCode == http.StatusTooManyRequests {
		r.rateLimited.Add(ctx, 1, metric.WithAttributes(attrs...))
	}
	var outcome []attribute.KeyValue
	if res.StatusCode != 0 {
		outcome = append(outcome, semconv.HTTPResponseStatusCode(res.StatusCode))
	}
	outcome = withErrorType(outcome, res.Category)
	r.requestDuration.Record(ctx, res.Duration.Seconds(), metric.WithAttributes(append(attrs, outcome...)...))

	o := operationOf(ctx)
	if o == nil || o.attempt == nil {
		return
	}
	span := o.attempt
	o.attempt = nil
	span.SetAttributes(outcome...)
	if res.RequestID != "" {
		span.SetAttributes(attrRequestID.String(res.RequestID))
	}
	if res.Retry {
		span.SetAttributes(attrRetryDelay.Float64(res.RetryDelay.Seconds()))
	}
	if res.Category != phonelineplus.CategoryNone {
		span.SetStatus(codes.Error, string(res.Category))
	}
	span.End(trace.WithTimestamp(a.Start.Add(res.Duration)))
}

func (r *recorder) limiterWait(ctx context.Context, w phonelineplus.LimiterWaitInfo) {
	cat := phonelineplus.CategoryOf(w.Err)
	r.waitDuration.Record(ctx, w.Wait.Seconds(),
		metric.WithAttributes(withErrorType([]attribute.KeyValue{attrOperation.String(w.Operation)}, cat)...))
	r.step(ctx, "Limiter.Wait", w.Start, w.Wait, cat)
}

func (r *recorder) tokenExchange(ctx context.Context, e phonelineplus.TokenExchangeInfo) {
	r.step(ctx, "Token.Wait", e.Start, e.Duration, phonelineplus.CategoryOf(e.Err))
}

// step records a wait of the call in ctx as a span under the call's span,
// with the times the wait really began and ended.
func (r *recorder) step(ctx context.Context, name string, start time.Time, d time.Duration, cat phonelineplus.ErrorCategory) {
	if o := operationOf(ctx); o != nil {
		ctx = trace.ContextWithSpan(ctx, o.span)
	}
	_, span := r.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(start))
	fail(span, cat)
	span.End(trace.WithTimestamp(start.Add(d)))
}

// fail marks span as failed when cat names an error: error.type and an
// Error status, both the category (never the error's message, which can
// quote what the API refused).
func fail(span trace.Span, cat phonelineplus.ErrorCategory) {
	if cat == phonelineplus.CategoryNone {
		return
	}
	span.SetAttributes(semconv.ErrorTypeKey.String(string(cat)))
	span.SetStatus(codes.Error, string(cat))
}

// withErrorType appends error.type to attrs when cat names an error.
func withErrorType(attrs []attribute.KeyValue, cat phonelineplus.ErrorCategory) []attribute.KeyValue {
	if cat == phonelineplus.CategoryNone {
		return attrs
	}
	return append(attrs, semconv.ErrorTypeKey.String(string(cat)))
}

// request returns an HTTP attempt's span name and the attributes that
// describe the request: "{method} {url.template}", or the method alone
// when there is no template, as the HTTP semantic conventions say.
func request(op phonelineplus.OperationInfo) (string, []attribute.KeyValue) {
	name := op.Method
	attrs := []attribute.KeyValue{semconv.HTTPRequestMethodKey.String(op.Method)}
	if !knownMethod(op.Method) {
		name = "HTTP"
		attrs = []attribute.KeyValue{semconv.HTTPRequestMethodOther, semconv.HTTPRequestMethodOriginal(op.Method)}
	}
	if t := op.PathTemplate; t != "" {
		name += " " + t
		attrs = append(attrs, semconv.URLTemplate(t))
	}
	if op.ServerAddress != "" {
		attrs = append(attrs, semconv.ServerAddress(op.ServerAddress), semconv.ServerPort(op.ServerPort))
	}
	return name, attrs
}

// knownMethod reports whether m is one of the methods the semantic
// conventions name; any other is recorded as "_OTHER".
func knownMethod(m string) bool {
	switch m {
	case http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
		http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace, "QUERY":
		return true
	}
	return false
}
