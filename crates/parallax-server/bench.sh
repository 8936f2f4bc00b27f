#!/usr/bin/env bash
# Load benchmark against loopback with wrk (apt-get install -y wrk): the
# demo store, the story page and /api/v1/stories, each for DURATION.
# Reports p50/p99 latency. Usage: bench.sh [release binary]
set -euo pipefail
cd "$(dirname "$0")"
BIN=${1:-../../target/release/parallax}
DURATION=${DURATION:-10s}
DATA=$(mktemp -d)
"$BIN" --data-dir "$DATA" ingest -q ../../demo/corpus.jsonl
PORT=${PORT:-18181}
start=$(date +%s%N)
"$BIN" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.01; done
echo "startup to first answer: $(( ($(date +%s%N) - start) / 1000000 )) ms"
cat "$DATA/serve.log"
STORY=$(curl -fs "http://127.0.0.1:$PORT/api/v1/stories?limit=1" | sed 's/.*"id":"\([^"]*\)".*/\1/')
for path in "/stories/$STORY" "/api/v1/stories" "/api/v1/stories/$STORY" "/search?q=fertiliser" "/"; do
  echo "== $path"
  wrk -t 2 -c 16 -d "$DURATION" --latency "http://127.0.0.1:$PORT$path" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors"
done
