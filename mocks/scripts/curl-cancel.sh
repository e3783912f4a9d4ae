#!/usr/bin/env bash
# Cancels a withdrawal on the mock Bybit exchange with plain curl. The V5 signature is computed
# here with `openssl dgst -sha256 -hmac` over timestamp + apiKey + recvWindow + body: no project
# code is involved in signing, so this shows the mock accepts what any client would send.
#
# Usage: scripts/curl-cancel.sh [withdrawal-id]          (default 10197, the seed's id)
# Env:   MOCK_URL          the server, e.g. http://127.0.0.1:4010 (default: start the standalone
#                          server on a free port for this run and stop it afterwards)
#        BYBIT_API_KEY     default mock-api-key
#        BYBIT_API_SECRET  default mock-api-secret
#        RECV_WINDOW       default 5000
# Prints the response body; exits 0 when retCode is 0, 1 otherwise.
set -euo pipefail

id="${1:-10197}"
api_key="${BYBIT_API_KEY:-mock-api-key}"
api_secret="${BYBIT_API_SECRET:-mock-api-secret}"
recv_window="${RECV_WINDOW:-5000}"
url="${MOCK_URL:-}"
here="$(cd "$(dirname "$0")/.." && pwd)"

if [ -z "$url" ]; then
  tsx="$here/../node_modules/.bin/tsx"
  [ -x "$tsx" ] || tsx="$here/node_modules/.bin/tsx"
  [ -x "$tsx" ] || { echo "curl-cancel: tsx not found; run pnpm install, or set MOCK_URL" >&2; exit 2; }
  log="$(mktemp)"
  (cd "$here" && exec "$tsx" --conditions=@effect-bybit/source src/bin.ts --port 0) >"$log" 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$log"' EXIT
  for _ in $(seq 1 200); do
    url="$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$log")"
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 2; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "curl-cancel: the mock server did not start" >&2; cat "$log" >&2; exit 2; }
  echo "curl-cancel: started the mock exchange at $url" >&2
fi

# Milliseconds since the epoch (GNU date; elsewhere seconds * 1000).
timestamp="$(date +%s%3N)"
case "$timestamp" in *N) timestamp="$(( $(date +%s) * 1000 ))" ;; esac

body="{\"id\":\"$id\"}"
payload="$timestamp$api_key$recv_window$body"
signature="$(printf '%s' "$payload" | openssl dgst -sha256 -hmac "$api_secret" | sed 's/^.*= //')"

response="$(curl -sS -X POST "$url/v5/asset/withdraw/cancel" \
  -H "X-BAPI-API-KEY: $api_key" \
  -H "X-BAPI-TIMESTAMP: $timestamp" \
  -H "X-BAPI-RECV-WINDOW: $recv_window" \
  -H "X-BAPI-SIGN: $signature" \
  -H "Content-Type: application/json" \
  --data-raw "$body")"

printf '%s\n' "$response"
case "$response" in *'"retCode":0,'*) exit 0 ;; *) exit 1 ;; esac
