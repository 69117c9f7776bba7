#!/usr/bin/env bash
# Validating N realistic submissions (default 1,000): `consolidate validate` against
# `taplo check --schema` with the shipped schema, on the same files, side by side in one
# hyperfine run. Prints the medians and their ratio.
#
#     bash bench/validate.sh [N]
#
# Needs: hyperfine (apt-get install hyperfine), npm (for @taplo/cli), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
work=target/bench
mkdir -p "$work"
cargo build --release --quiet
python3 bench/generate.py "$n" "$work/validate-$n"
if [ ! -x "$work/taplo/node_modules/.bin/taplo" ]; then
  npm install --silent --prefix "$work/taplo" @taplo/cli@0.7.0 >/dev/null
fi
taplo="$work/taplo/node_modules/.bin/taplo"
schema="file://$PWD/schema/submission.schema.json"
hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/validate-$n.json" \
  -n "consolidate validate" "${CARGO_TARGET_DIR:-target}/release/consolidate --root $work/validate-$n validate --format json >/dev/null" \
  -n "taplo check --schema" "RUST_LOG=warn $taplo check --schema $schema $work/validate-$n/regions/*.toml"
python3 - "$work/validate-$n.json" "$n" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, peer = results["consolidate validate"]["median"], results["taplo check --schema"]["median"]
print(f"\n{sys.argv[2]} files: consolidate validate median {ours:.3f} s, "
      f"taplo check --schema median {peer:.3f} s: consolidate is {peer / ours:.1f}x faster")
PY
