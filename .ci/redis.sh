#!/usr/bin/env bash
# A throwaway redis-server for the tests of package redislimit, which run on
# a real server when REDIS_URL is set (and on an embedded one otherwise).
#
# start installs Debian's redis-server if it is missing, starts it on a free
# loopback port with no persistence, waits until it answers PING, and prints
# the line to export; stop stops that server and removes its files.
#
# As a command:
#   eval "$(bash .ci/redis.sh start)"    # prints: export REDIS_URL=redis://127.0.0.1:N/0
#   bash .ci/redis.sh stop
# Sourced (from .ci/run):
#   source .ci/redis.sh
#   redis_start                       # also exports REDIS_URL in this shell
#   trap redis_stop EXIT
#
# State (pid file, port, log) lives in $REDIS_CI_DIR, default
# ${TMPDIR:-/tmp}/phonelineplus-ci-redis.
set -euo pipefail

REDIS_CI_DIR="${REDIS_CI_DIR:-${TMPDIR:-/tmp}/phonelineplus-ci-redis}"

redis_ci_log() { printf 'redis.sh: %s\n' "$*" >&2; }

# redis_ci_install installs redis-server from Debian when it is not on PATH.
redis_ci_install() {
	command -v redis-server >/dev/null 2>&1 && return 0
	local sudo=()
	if [[ "$(id -u)" != 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { redis_ci_log "redis-server is missing and this is not root"; return 1; }
		sudo=(sudo)
	fi
	redis_ci_log "installing redis-server"
	"${sudo[@]}" apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server >&2
}

# redis_ci_ping PORT succeeds when a server on 127.0.0.1:PORT answers PONG.
redis_ci_ping() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'PING\r\n' >&3
		IFS= read -r -t 2 reply <&3 || exit 1
		[[ "$reply" == "+PONG"* ]]
	) 2>/dev/null
}

# redis_ci_port_free PORT succeeds when nothing listens on 127.0.0.1:PORT.
redis_ci_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# redis_start starts the server, exports REDIS_URL and prints the export.
redis_start() {
	redis_ci_install
	mkdir -p "$REDIS_CI_DIR"
	if [[ -s "$REDIS_CI_DIR/redis.pid" ]] && kill -0 "$(cat "$REDIS_CI_DIR/redis.pid")" 2>/dev/null; then
		redis_ci_log "a server from an earlier start is still running; stopping it"
		redis_stop
		mkdir -p "$REDIS_CI_DIR"
	fi
	local attempt port i pid
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		redis_ci_port_free "$port" || continue
		rm -f "$REDIS_CI_DIR/redis.pid"
		redis-server --bind 127.0.0.1 --port "$port" \
			--save '' --appendonly no --dir "$REDIS_CI_DIR" \
			--daemonize yes --pidfile "$REDIS_CI_DIR/redis.pid" \
			--logfile "$REDIS_CI_DIR/redis.log" >&2
		for i in $(seq 1 100); do
			if redis_ci_ping "$port"; then
				echo "$port" >"$REDIS_CI_DIR/redis.port"
				export REDIS_URL="redis://127.0.0.1:$port/0"
				redis_ci_log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') listening on 127.0.0.1:$port (pid $(cat "$REDIS_CI_DIR/redis.pid"))"
				echo "export REDIS_URL=$REDIS_URL"
				return 0
			fi
			# Gone already (say the port was taken meanwhile): try another.
			if [[ $i -gt 5 && -s "$REDIS_CI_DIR/redis.pid" ]]; then
				kill -0 "$(cat "$REDIS_CI_DIR/redis.pid")" 2>/dev/null || break
			fi
			sleep 0.1
		done
		pid="$(cat "$REDIS_CI_DIR/redis.pid" 2>/dev/null || true)"
		[[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
		redis_ci_log "attempt $attempt on port $port failed; log: $(tail -n 3 "$REDIS_CI_DIR/redis.log" 2>/dev/null || true)"
	done
	redis_ci_log "could not start redis-server"
	return 1
}

# redis_stop stops the server that redis_start started, if any.
redis_stop() {
	local pid i
	pid="$(cat "$REDIS_CI_DIR/redis.pid" 2>/dev/null || true)"
	if [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; then
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
		redis_ci_log "stopped redis-server (pid $pid)"
	fi
	rm -rf "$REDIS_CI_DIR"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	case "${1:-}" in
	start) redis_start ;;
	stop) redis_stop ;;
	*)
		echo "usage: $0 start|stop" >&2
		exit 2
		;;
	esac
fi
