package phonelineplustest

import (
	"embed"
	"net/http"
	"path"
)

// uiFiles are the dashboard's page, script and style sheet: everything it
// needs is served by the fake itself, so it works with no network.
//
//go:embed ui
var uiFiles embed.FS

// uiPolicy is the dashboard's Content-Security-Policy.
const uiPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// ctlUI serves the dashboard's page at /_fake/ui.
func (s *Server) ctlUI(w http.ResponseWriter, r *http.Request, _ []string) error {
	s.serveUIAsset(w, r, "index.html")
	return nil
}

// serveUIAsset serves one file of the dashboard; "" is its page.
func (s *Server) serveUIAsset(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" {
		name = "index.html"
	}
	name = path.Clean("/" + name)[1:]
	if _, err := uiFiles.Open("ui/" + name); err != nil {
		writeCtlError(w, ctlErr(http.StatusNotFound, "the dashboard has no file %q", name))
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	// Its own files only, and never inside another site's frame: a page
	// elsewhere must not click Reset for the developer.
	w.Header().Set("Content-Security-Policy", uiPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, uiFiles, "ui/"+name)
}
