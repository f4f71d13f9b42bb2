#!/usr/bin/env bash
# Installs Debian's chromium when no Chromium is on PATH, for the browser
# tests of the fake's dashboard (module phonelineplustest/uitest, which
# skip with a message when there is none).
#
# As a command:   bash .ci/chromium.sh
# Sourced:        source .ci/chromium.sh && chromium_install
set -euo pipefail

chromium_ci_log() { printf 'chromium.sh: %s\n' "$*" >&2; }

# chromium_install installs chromium from Debian unless one is on PATH
# (chromium, chromium-browser, google-chrome) or $CHROMIUM names one.
chromium_install() {
	if [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" ]]; then
		return 0
	fi
	local name
	for name in chromium chromium-browser google-chrome google-chrome-stable; do
		if command -v "$name" >/dev/null 2>&1; then
			chromium_ci_log "using $(command -v "$name") ($("$name" --version 2>/dev/null || echo 'version unknown'))"
			return 0
		fi
	done
	local sudo=()
	if [[ "$(id -u)" != 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { chromium_ci_log "chromium is missing and this is not root; the browser tests will skip"; return 1; }
		sudo=(sudo)
	fi
	chromium_ci_log "installing chromium"
	"${sudo[@]}" apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >&2
	chromium_ci_log "installed $(chromium --version 2>/dev/null || echo chromium)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	chromium_install
fi
