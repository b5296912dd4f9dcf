#!/usr/bin/env bash
# The dev profile's `opt-level` for dependencies, weighed: for each level, a fresh clone with
# an empty target folder compiles the tests (`cargo build --tests --bins`, as `.ci/run`'s
# first cargo step does), then runs the whole suite (`cargo test`, nothing left to compile).
# Prints both times per level: a higher level costs compile time and saves test time (the
# tests build sites and compile PDFs with Typst, which is slow unoptimised).
#
#   bash benches/dev_profile.sh           # levels 0 and 1 (Cargo.toml has 1)
#   LEVELS="0 1 2" bash benches/dev_profile.sh
#
# A manual benchmark: each level compiles everything from nothing (about a quarter of an hour
# on two cores) and runs the suite with the checkers `.ci/run` installs (run that first once).
# The level is given with `cargo --config`, so Cargo.toml is not edited.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEVELS="${LEVELS:-0 1}"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/pp-dev-profile.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
git clone -q "$REPO" "$WORK/clone"
cd "$WORK/clone"
if [ -d "$REPO/tests/tools/node_modules" ]; then
    npm ci --prefix tests/tools --no-audit --no-fund --silent >/dev/null
fi
echo "==> $(git log --oneline -1); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
export CI=true   # every check runs, none is skipped for want of its tool
rows=()
for level in $LEVELS; do
    export CARGO_TARGET_DIR="$WORK/target-$level"
    config=(--config "profile.dev.package.\"*\".opt-level=$level")
    echo "==> opt-level $level: compiling" >&2
    t0=$EPOCHSECONDS
    cargo "${config[@]}" build --tests --bins >"$WORK/build-$level.log" 2>&1 || { tail -20 "$WORK/build-$level.log"; exit 1; }
    t1=$EPOCHSECONDS
    echo "==> opt-level $level: testing" >&2
    status=passed
    cargo "${config[@]}" test >"$WORK/test-$level.log" 2>&1 || status=FAILED
    t2=$EPOCHSECONDS
    if grep -q '^ *Compiling ' "$WORK/test-$level.log"; then
        echo "warning: cargo test compiled again at opt-level $level" >&2
    fi
    size=$(du -sm "$CARGO_TARGET_DIR" | cut -f1)
    # The slowest test binaries, for where the level matters.
    slow=$(awk '/Running /{name=$2} /^test result:/{print $NF, name}' "$WORK/test-$level.log" \
        | sed 's/s / /' | sort -rn | head -3 | awk '{printf "%s %.0f s, ", $2, $1}' | sed 's/, $//')
    b=$((t1 - t0)); t=$((t2 - t1)); s=$((t2 - t0))
    rows+=("$(printf '| %s | %d:%02d | %d:%02d (%s) | %d:%02d | %s | %s |' "$level" $((b / 60)) $((b % 60)) $((t / 60)) $((t % 60)) "$status" $((s / 60)) $((s % 60)) "$size" "$slow")")
    rm -rf "$CARGO_TARGET_DIR"
done
printf '| dependencies opt-level | compile (build --tests --bins) | cargo test | both | target MB | slowest test binaries |\n'
printf '| ---: | ---: | ---: | ---: | ---: | --- |\n'
printf '%s\n' "${rows[@]}"
