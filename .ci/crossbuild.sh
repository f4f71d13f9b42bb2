#!/usr/bin/env bash
# Cross-compile the phonelineplus CLI as one static binary (CGO_ENABLED=0)
# for linux, darwin and windows on amd64 and arm64, into a temporary folder
# that is removed afterwards, and report each binary's size. Nothing is left
# in the tree.
set -euo pipefail
cd "$(dirname "$0")/../cmd/phonelineplus"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
status=0
for os in linux darwin windows; do
	for arch in amd64 arm64; do
		bin="$out/phonelineplus-$os-$arch"
		[ "$os" = windows ] && bin="$bin.exe"
		if CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w" -o "$bin" .; then
			printf '%-8s %-6s %6.1f MiB  (%s)\n' "$os" "$arch" "$(awk -v b="$(wc -c <"$bin")" 'BEGIN { print b / 1048576 }')" "$version"
		else
			echo "FAILED: $os/$arch"; status=1
		fi
	done
done
# A static binary needs no loader: check the linux one, where the tools are.
if command -v file >/dev/null && [ -f "$out/phonelineplus-linux-amd64" ]; then
	file "$out/phonelineplus-linux-amd64" | grep -q "statically linked" || { echo "linux/amd64 is not static"; status=1; }
fi
exit $status
