#!/usr/bin/env bash
# Serves the demo on a free loopback port, posts a hostile article through
# the API (script and event-handler payloads in its title, text and outlet),
# and runs the browser test in headless Chromium.
# Needs: chromium (apt-get install -y chromium), node and npm; installs
# playwright-core here with npm when missing. Screenshots: ./screenshots/.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${PARALLAX_BIN:-../../../target/debug/parallax}
DATA=$(mktemp -d)
"$BIN" --data-dir "$DATA" ingest -q ../../../demo/corpus.jsonl
PORT=${PORT:-18080}
TOKEN=browser-test-token
PARALLAX_WRITE_TOKEN=$TOKEN "$BIN" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do grep -q "serving" "$DATA/serve.log" && break; sleep 0.1; done
cat "$DATA/serve.log"
S='<script>alert(1)</script>'
I='<img src=x onerror=alert(2)>'
HOSTILE=$(python3 -c 'import json,sys; s,i=sys.argv[1:]; print(json.dumps({"id":"evil-1","url":"javascript:alert(3)","title":f"Port Velna blast {s} {i}","outlet":f"Evil {s} Outlet {i}","authors":[i],"published":"2026-03-11T20:00:00+01:00","text":f"The explosion at the Port Velna fertiliser plant killed {s} workers, {i} said the union.\n\n\"We warned them {s}\" said Ines Falk {i}.\n\nThe Halvard plant {i} had not been inspected, according to {s} officials."}))' "$S" "$I")
EVIL=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data "$HOSTILE" "http://127.0.0.1:$PORT/api/v1/articles")
echo "posted the hostile article: $EVIL"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent
EVIL_STORY=$(echo "$EVIL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["added"][0]["story"])') \
EVIL_ARTICLE=$(echo "$EVIL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["added"][0]["id"])') \
BASE="http://127.0.0.1:$PORT" node smoke.mjs
