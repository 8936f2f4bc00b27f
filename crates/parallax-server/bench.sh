#!/usr/bin/env bash
# Load benchmark of `parallax serve` against loopback with wrk
# (apt-get install -y wrk), bounded in time.
#
#   bench.sh                 the demo store
#   bench.sh --articles N    a store of N generated articles (built once with
#                            `parallax-eval bench --articles N --data-dir
#                            $BENCH_DIR`, reused after)
#
# Reports the time to the first answer, then for each route p50/p99
# latency and requests/s: the story page and its JSON rotating over the
# 100 most recent stories (their views computed once first: the cold
# first-view times are reported too), /api/v1/stories, the front page and
# a search. Env: DURATION (default 10s), PORT, BENCH_DIR (default
# /tmp/parallax-bench), BIN_DIR (default target/release).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN_DIR=${BIN_DIR:-target/release}
BIN=$BIN_DIR/parallax
DURATION=${DURATION:-10s}
PORT=${PORT:-18181}
BENCH_DIR=${BENCH_DIR:-/tmp/parallax-bench}
N=""
if [ "${1:-}" = "--articles" ]; then N=$2; fi

if [ -n "$N" ]; then
  DATA=$BENCH_DIR/store-$N
  if [ ! -f "$DATA/parallax.db" ]; then
    "$BIN_DIR/parallax-eval" bench --articles "$N" --data-dir "$BENCH_DIR"
  fi
  CLEAN=""
else
  DATA=$(mktemp -d)
  "$BIN" --data-dir "$DATA" ingest -q demo/corpus.jsonl
  CLEAN=$DATA
fi
echo "store: $DATA ($("$BIN" --data-dir "$DATA" stories --json --limit 0 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo '?') stories)"

LOG=$(mktemp)
start=$(date +%s%N)
"$BIN" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$LOG" /tmp/parallax-bench-*.lua; [ -n "$CLEAN" ] && rm -rf "$CLEAN"' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.01; done
echo "start-up to first answer: $(( ($(date +%s%N) - start) / 1000000 )) ms"
cat "$LOG"

URL=http://127.0.0.1:$PORT
IDS=$(curl -fs "$URL/api/v1/stories?limit=100" | python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)["stories"]))')
# Cold first views (the first also waits for the clusterer's replay).
python3 - "$URL" $IDS <<'EOF'
import sys, time, urllib.request
url, ids = sys.argv[1], sys.argv[2:]
t = []
for i in ids:
    s = time.perf_counter()
    urllib.request.urlopen(f"{url}/stories/{i}").read()
    t.append((time.perf_counter() - s) * 1000)
first, rest = t[0], sorted(t[1:]) or [0]
print(f"cold story pages: first {first:.0f} ms (waits for the replay); next {len(rest)}: "
      f"p50 {rest[len(rest)//2]:.1f} ms, p99 {rest[min(len(rest)-1, int(len(rest)*0.99))]:.1f} ms, max {rest[-1]:.1f} ms")
EOF

rotate() { # $1: path prefix, $2: suffix -> a wrk script rotating over the stories
  local f=/tmp/parallax-bench-$RANDOM.lua
  {
    echo "local ids = {"
    for i in $IDS; do echo "\"$1$i$2\","; done
    echo "}"
    echo "local n = 0"
    echo "request = function() n = n + 1; return wrk.format(nil, ids[(n % #ids) + 1]) end"
  } > "$f"
  echo "$f"
}
run() { # $1: label, rest: wrk args
  local label=$1; shift
  echo "== $label"
  wrk -t 2 -c 16 -d "$DURATION" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors" || true
}
run "story pages (100 stories, rotating)" -s "$(rotate /stories/ "")" "$URL"
run "story JSON (100 stories, rotating)" -s "$(rotate /api/v1/stories/ "")" "$URL"
run "/api/v1/stories" "$URL/api/v1/stories"
run "/api/v1/stories?cursor=o1000" "$URL/api/v1/stories?cursor=o1000"
run "front page" "$URL/"
run "/search?q=fire" "$URL/search?q=fire"
echo "server RSS: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MB"}')"
