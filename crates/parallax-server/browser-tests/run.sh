#!/usr/bin/env bash
# Serves the demo on a free loopback port and runs the browser smoke test.
# Needs: chromium (apt-get install -y chromium), node, and `npm install` here.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${PARALLAX_BIN:-../../../target/debug/parallax}
DATA=$(mktemp -d)
"$BIN" --data-dir "$DATA" ingest -q ../../../demo/corpus.jsonl
PORT=${PORT:-18080}
"$BIN" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do grep -q "serving" "$DATA/serve.log" && break; sleep 0.1; done
cat "$DATA/serve.log"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund
BASE="http://127.0.0.1:$PORT" node smoke.mjs
