#!/usr/bin/env bash
# The benchmarks of bench/README.md, side by side in one run, medians of several runs:
#
#   1. `consolidate build` (load, validate, merge, render, typeset, write) against typesetting
#      alone: the `typst` Python package compiling the same generated out/report.typ with the
#      same fonts, the same PDF standards and no system fonts;
#   2. `consolidate validate` against `taplo check --schema` with the shipped schema;
#   3. a warm rebuild in `consolidate watch` after one region changes, against a cold build;
#   4. the peak memory of `consolidate build` at the largest size.
#
#     bash bench/run.sh [SIZES...]        (default: 7 100 1000)
#
# Needs: hyperfine and /usr/bin/time (apt-get install hyperfine time), npm (for @taplo/cli),
# python3 with `pip install typst`. Writes target/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-7 100 1000}")
read -r -a sizes <<<"${sizes[*]}"
work=$PWD/target/bench
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/consolidate
mkdir -p "$work"
cargo build --release --quiet
if [ ! -x "$work/taplo/node_modules/.bin/taplo" ]; then
  npm install --silent --prefix "$work/taplo" @taplo/cli@0.7.0 >/dev/null
fi
taplo=$work/taplo/node_modules/.bin/taplo
schema="file://$PWD/schema/submission.schema.json"
python3 -c "import typst" 2>/dev/null || pip install --quiet typst
results=$work/results.md
: >"$results"

runs_for() { case $1 in 7) echo 10 ;; 100) echo 5 ;; *) echo 3 ;; esac; }
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' '.join(f\"{x['median']:.4f}\" for x in r))" "$1"; }

for n in "${sizes[@]}"; do
  project=$work/project-$n
  python3 bench/generate.py "$n" "$project"
  runs=$(runs_for "$n")
  # One build first: it writes out/report.typ, which the peer typesets on its own.
  "$bin" --root "$project" build --quiet
  cp templates/style.typ "$project/out/style.typ"
  cat >"$work/typst-$n.py" <<PY
import typst
typst.compile("$project/out/report.typ", output="$work/typst-$n.pdf", root="$project/out",
              font_paths=["$PWD/fonts"], ignore_system_fonts=True,
              pdf_standards=["a-2a", "ua-1"], timestamp=1373846400)
PY
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/build-$n.json" \
    -n build "$bin --root $project build --quiet --out $work/out-$n" \
    -n typst "python3 $work/typst-$n.py" >/dev/null
  read -r ours peer <<<"$(median "$work/build-$n.json")"
  echo "| $n | build vs typesetting alone | ${ours} s | ${peer} s | $(python3 -c "print(f'{$ours/$peer:.2f}')")× | ≤ 1.10× |" >>"$results"

  hyperfine --warmup 1 --runs "$runs" --export-json "$work/validate-$n.json" \
    -n validate "$bin --root $project validate --format json >/dev/null" \
    -n taplo "RUST_LOG=warn $taplo check --schema $schema $project/regions/*.toml" >/dev/null
  read -r ours peer <<<"$(median "$work/validate-$n.json")"
  echo "| $n | validate vs taplo check --schema | ${ours} s | ${peer} s | $(python3 -c "print(f'{$peer/$ours:.1f}')")× faster | ≥ 5× |" >>"$results"

  # Warm rebuilds while watch runs (watch reports each rebuild's time), for two kinds of edit
  # to one region: a wording fix (one word capitalised, five times), and a new entry (five
  # times), which moves every later page and so makes Typst lay most pages out again.
  # The wording fix appends a word to the consultation's title, which every edit can find.
  read -r cold _ <<<"$(median "$work/build-$n.json")"
  for kind in wording entry; do
    log=$work/watch-$n-$kind.log
    python3 bench/generate.py "$n" "$project"
    "$bin" --root "$project" watch --out "$work/watch-out-$n" 2>"$log" &
    watcher=$!
    until grep -q "^rebuilt" "$log"; do sleep 0.2; done
    regions=("$project"/regions/*.toml)
    region=${regions[0]}
    i=0
    for word in workers rights migrants women governments; do
      i=$((i + 1))
      if [ "$kind" = wording ]; then
        sed -i "0,/^title = \"\(.*\)\"/s//title = \"\\1 ($word)\"/" "$region"
      else
        sed -i "0,/^issues = \[/s//issues = [\"Benchmark edit $i\", /" "$region"
      fi
      until [ "$(grep -c '^rebuilt\|^build failed' "$log")" -gt "$i" ]; do sleep 0.2; done
    done
    kill "$watcher"; wait "$watcher" 2>/dev/null || true
    warm=$(grep '^rebuilt' "$log" | tail -n +2 | sed 's/.* in \([0-9.]*\) s.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "| $n | warm rebuild in watch ($kind edit) vs cold build | ${warm} s | ${cold} s | $(python3 -c "print(f'{$warm/$cold:.2f}')")× | ≤ 0.3× |" >>"$results"
  done
  python3 bench/generate.py "$n" "$project"   # undo the edits
done

largest=${sizes[${#sizes[@]}-1]}
/usr/bin/time -v "$bin" --root "$work/project-$largest" build --quiet --out "$work/mem-out" 2>"$work/time.txt"
peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
echo "| $largest | peak memory of build | $((peak / 1024)) MB | | | ≤ 1 GB |" >>"$results"

{
  echo "| submissions | comparison | consolidate | peer | ratio | goal |"
  echo "|---|---|---|---|---|---|"
  cat "$results"
} | tee "$results.tmp"
mv "$results.tmp" "$results"
