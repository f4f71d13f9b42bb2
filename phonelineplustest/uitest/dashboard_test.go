package uitest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
)

// chromium finds a Chromium to drive: $CHROMIUM if set, else the first
// of the usual names on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("$CHROMIUM is %q, which cannot be run (%v): the dashboard's browser tests need a Chromium", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (looked for $CHROMIUM, chromium, chromium-browser, google-chrome): " +
		"install it with `bash .ci/chromium.sh` (Debian's chromium package) to run the dashboard's browser tests")
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns a
// context for its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	// The first action starts the browser, which lives as long as the
	// context of that call: no timeout on it, one on the test's steps.
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("about:blank")), "starting %s", path)
	ctx, cancelTimeout := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// shotsDir is where the screenshots go: $PHONELINEPLUS_SCREENSHOTS when
// set (to keep them after the test), else a temporary directory.
func shotsDir(t *testing.T) string {
	if d := os.Getenv("PHONELINEPLUS_SCREENSHOTS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	t.Log("screenshots go to a temporary directory, removed after the test: set PHONELINEPLUS_SCREENSHOTS=DIR to keep them")
	return t.TempDir()
}

// screenshot saves the page to dir/name.png and logs where.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(dir, name+".png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot: %s", path)
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, sel)
	return s
}

// TestDashboard drives the dashboard as a partner's developer would: it
// loads and shows a customer the SDK created, shows a new request live
// without a reload, and a fault added with its button makes the next SDK
// call fail as the fault says. Each state is saved as a screenshot.
func TestDashboard(t *testing.T) {
	ctx := browser(t)
	shots := shotsDir(t)
	srv := phonelineplustest.NewServer()
	defer srv.Close()
	keyID, secret := srv.Credentials()
	client, err := phonelineplus.New(keyID, secret, phonelineplus.WithBaseURL(srv.URL()),
		phonelineplus.WithRateLimit(6000, 100), phonelineplus.WithMaxRetries(0))
	require.NoError(t, err)
	sdkCtx := t.Context()

	avail, err := client.Numbers.ListAvailable(sdkCtx, phonelineplus.AvailableNumbersOptions{
		NumberType: phonelineplus.NumberTypeGeographic, AreaCode: "0161"})
	require.NoError(t, err)
	require.NotEmpty(t, avail)
	cust, err := client.Customers.Create(sdkCtx, phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanHardwareOnly, CompanyName: "Northern Widgets Ltd", FullName: "Alex Morgan",
		ContactNumber: "07700 900123", Number: phonelineplus.NumberRef{NumberE164: avail[0].NumberE164},
		Address: phonelineplus.Address{Premises: "Unit 4", Street: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"},
	})
	require.NoError(t, err)
	_, err = client.Users.Create(sdkCtx, cust.ID, phonelineplus.UserCreateRequest{
		Type: phonelineplus.UserStandard, FullName: "Sam Patel", Email: "sam.patel@northern-widgets.example",
		PhoneNumber: avail[1].NumberE164,
	})
	require.NoError(t, err)
	deskPhone, ok := srv.Product("T46S")
	require.True(t, ok)
	order, err := client.Orders.Create(sdkCtx, cust.ID, phonelineplus.OrderCreateRequest{
		DeliveryAddress: phonelineplus.DeliveryAddress{Line1: "Unit 4", Line2: "Deansgate", Town: "Manchester", Postcode: "M3 2BW"},
		Products:        []phonelineplus.OrderItem{{ID: deskPhone.ID, Quantity: 2}},
		Name:            "Alex Morgan", Email: "alex@northern-widgets.example", PhoneNumber: "07700 900123",
	})
	require.NoError(t, err)

	// 1. It loads and shows the customer the SDK created.
	dashboard := strings.TrimSuffix(srv.URL(), phonelineplustest.BasePath) + phonelineplustest.ControlPath + "ui"
	card := fmt.Sprintf(`[data-customer-id=%q]`, cust.ID)
	do(t, ctx,
		chromedp.Navigate(dashboard),
		chromedp.WaitVisible(chromedp.CSS(card+" h3")),
		chromedp.WaitVisible(chromedp.CSS(`#live-dot.on`)),
		chromedp.WaitVisible(chromedp.CSS(`tr.row[data-path="/customers"]`)),
	)
	assert.Equal(t, "Northern Widgets Ltd", textOf(t, ctx, card+" h3"))
	who := textOf(t, ctx, card)
	assert.Contains(t, who, "Sam Patel")
	assert.Contains(t, who, avail[1].NumberE164)
	assert.Contains(t, who, order.OrderNumber)
	assert.Contains(t, who, "2 × T46S")
	screenshot(t, ctx, shots, "1-loaded")

	// 2. A new request appears live, without a reload.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))
	require.NoError(t, err)
	_, err = client.Products.List(sdkCtx)
	require.NoError(t, err)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`tr.row[data-path="/products"][data-status="200"]`)))
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, same, "the page was not reloaded")
	screenshot(t, ctx, shots, "2-live-request")

	// 3. A fault added with its button makes the next SDK call fail as
	// the fault says: a customer create that times out (500 Timeout)
	// after the customer was made, so the SDK reports an unknown outcome.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="fault-timeout-after"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#faults li[data-fault-id]`)),
	)
	require.Len(t, srv.Faults(), 1)
	assert.Equal(t, phonelineplustest.FaultTimeoutAfter, srv.Faults()[0].Fault.Action)
	_, err = client.Customers.Create(sdkCtx, phonelineplus.CustomerCreateRequest{
		Plan: phonelineplus.PlanStandard, CompanyName: "Timed Out Ltd", FullName: "Tess Out",
		ContactNumber: "0161 496 0999", Email: "tess@timed-out.example",
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, phonelineplus.ErrOutcomeUnknown)
	var apiErr *phonelineplus.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 500, apiErr.StatusCode)
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	assert.Equal(t, last.ID, apiErr.RequestID, "the SDK surfaces the fake's X-Request-Id")
	row := fmt.Sprintf(`tr.row[data-id=%q]`, last.ID)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(row+`[data-status="500"] .tag`)),
		chromedp.WaitVisible(chromedp.CSS(`#faults li.spent`)),
		chromedp.WaitVisible(chromedp.CSS(`#customers [data-testid="customer"]:nth-child(2)`)),
	)
	assert.Equal(t, "timeout-after", textOf(t, ctx, row+" .tag"))
	assert.Equal(t, "Timed Out Ltd", textOf(t, ctx, `#customers [data-testid="customer"]:first-child h3`), "created anyway, newest first")
	screenshot(t, ctx, shots, "3-fault-fired")

	// 4. The request expands to its masked body and answer.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.CSS(`tr.detail [data-testid="response-body"]`)),
	)
	assert.Contains(t, textOf(t, ctx, `tr.detail [data-testid="request-body"]`), "Timed Out Ltd")
	assert.Equal(t, "Timeout", strings.TrimSpace(textOf(t, ctx, `tr.detail [data-testid="response-body"]`)))
	screenshot(t, ctx, shots, "4-request-detail")

	// 5. A fault typed by hand: a bad one is refused with the reason, a
	// good one is added; Clear all removes them.
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#custom-fault-text`), "GET /products explode"),
		chromedp.Click(chromedp.CSS(`#custom-fault button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#fault-error`)),
	)
	assert.Contains(t, textOf(t, ctx, `#fault-error`), `unknown fault action "explode"`)
	do(t, ctx,
		chromedp.Clear(chromedp.CSS(`#custom-fault-text`)),
		chromedp.SendKeys(chromedp.CSS(`#custom-fault-text`), "GET /products respond status=502 once"),
		chromedp.Click(chromedp.CSS(`#custom-fault button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#faults li:nth-child(2)`)),
	)
	assert.Equal(t, "GET /products respond status=502 once", textOf(t, ctx, `#faults li:nth-child(2) code`))
	_, err = client.Products.List(sdkCtx)
	assert.ErrorIs(t, err, phonelineplus.ErrServer, "the typed fault fired")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="clear-faults"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#faults li`)),
		chromedp.WaitVisible(chromedp.CSS(`#faults-empty`)),
	)
	assert.Empty(t, srv.Faults())

	// The token never reaches the page.
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	require.NoError(t, err)
	assert.NotContains(t, html, secret)
	for _, r := range srv.Requests() {
		if auth := r.Header.Get("Authorization"); auth != "" {
			assert.NotContains(t, html, strings.TrimPrefix(auth, "Bearer "))
		}
	}
}
