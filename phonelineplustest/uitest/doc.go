// Package uitest holds the browser tests of the phonelineplustest
// dashboard: chromedp drives a headless Chromium against a live fake. It
// is a module of its own so that chromedp never enters the library's
// go.mod. The tests skip, saying why, when no Chromium is installed (see
// .ci/chromium.sh). Each state the tests reach is saved as a screenshot;
// set PHONELINEPLUS_SCREENSHOTS to a directory to keep them:
//
//	PHONELINEPLUS_SCREENSHOTS=/tmp/shots go test ./phonelineplustest/uitest/
package uitest
