#!/usr/bin/env bash
# WARC ingestion benchmark: generates a synthetic archive of fictional
# news pages (scripts/gen-warc.py) and ingests it with the release build
# under /usr/bin/time -v, reporting pages per second and peak memory.
#
#   scripts/bench-warc.sh [MB ...]        # default: 1000
#
# Several sizes (e.g. `scripts/bench-warc.sh 200 1000`) show how the peak
# RSS grows with the archive. Each archive is also read by the reader alone
# (the `read_warc` example of parallax-ingest: WARC records, HTTP parsing
# and extraction, no store), whose peak RSS must stay flat: it holds one
# record at a time. What `ingest` adds on top is the engine's own state,
# which grows with the articles stored (stories, term statistics, the
# copy-detection index).
#
# Set GZ=1 to write .warc.gz (one gzip member per record), KEEP=1 to keep
# the files, WORK=DIR to choose where they go (default: a temporary
# directory), and PARALLAX=path/to/parallax to use another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000)
target=${CARGO_TARGET_DIR:-target}
bin=${PARALLAX:-$target/release/parallax}
if [ -z "${PARALLAX:-}" ]; then
  cargo build --release -p parallax-cli >&2
fi
cargo build --release -p parallax-ingest --example read_warc >&2
reader=$target/release/examples/read_warc
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 2; }
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"/bench-*.warc* "$work"/data-*' EXIT
ext=warc
[ -n "${GZ:-}" ] && ext=warc.gz

report() { # summary.json time.log label file-MB
  python3 - "$@" <<'PY'
import json, re, sys
summary = json.load(open(sys.argv[1]))
if "articles" in summary:  # the reader alone
    summary = {"added": summary["articles"], "unchanged": 0, "failed": summary["errors"]}
time_log = open(sys.argv[2]).read()
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_log).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", time_log).group(1)
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
pages = summary["added"] + summary["unchanged"]
print(f"{sys.argv[3]:<22} {sys.argv[4] + ' MB':<10} {pages:>8} {summary['failed']:>8} {secs:>10.1f} "
      f"{pages / secs:>10.1f} {rss_kb / 1024:>9.0f} MB")
PY
}

printf '%-22s %-10s %8s %8s %10s %10s %12s\n' "run" "file" "pages" "failed" "seconds" "pages/s" "peak RSS"
for mb in "${sizes[@]}"; do
  warc="$work/bench-$mb.$ext"
  data="$work/data-$mb"
  rm -rf "$data"
  python3 scripts/gen-warc.py "$warc" --mb "$mb" 2>"$work/gen-$mb.log"
  size=$(du -m "$warc" | cut -f1)
  /usr/bin/time -v "$reader" "$warc" >"$work/read-$mb.json" 2>"$work/read-time-$mb.log" || true
  report "$work/read-$mb.json" "$work/read-time-$mb.log" "$mb MB, reader only" "$size"
  /usr/bin/time -v "$bin" --data-dir "$data" ingest "$warc" --quiet --json \
    >"$work/summary-$mb.json" 2>"$work/time-$mb.log" || true
  report "$work/summary-$mb.json" "$work/time-$mb.log" "$mb MB, ingest" "$size"
  rm -rf "$data"
  [ -n "${KEEP:-}" ] || rm -f "$warc"
done
