#!/usr/bin/env bash
# The README's two commands, as a new user runs them: a fresh clone, an empty target folder,
# `cargo run -- build`, then `cargo test`. Prints how long each took, the total against the
# goal (at most half of the 35 minutes they took before, issue 18), and any dependency the
# second compiled again that the first had compiled.
#
#   bash benches/first_run.sh            # clones this repository's HEAD into a temporary folder
#
# A manual benchmark: it compiles everything from nothing (about a quarter of an hour on two
# cores) and runs the whole test suite, which needs the checkers .ci/run installs.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/pp-first-run.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
git clone -q "$REPO" "$WORK/clone"
cd "$WORK/clone"
unset CARGO_TARGET_DIR   # the clone's own target/, as on a new machine
echo "==> $(git log --oneline -1); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
t0=$EPOCHSECONDS
cargo run -- build >"$WORK/run.log" 2>&1 || { tail -20 "$WORK/run.log"; exit 1; }
t1=$EPOCHSECONDS
cargo test >"$WORK/test.log" 2>&1 || { grep -E "FAILED|panicked" "$WORK/test.log" | head; echo "error: cargo test failed" >&2; exit 1; }
t2=$EPOCHSECONDS
compiled() { sed -n 's/^ *Compiling \([^ ]*\) v\([^ ]*\).*/\1 v\2/p' "$1" | sort -u; }
again=$(comm -12 <(compiled "$WORK/run.log" | grep -v '^policypress') <(compiled "$WORK/test.log" | grep -v '^policypress') || true)
run=$((t1 - t0)); test=$((t2 - t1)); total=$((t2 - t0))
printf '| step | minutes |\n| --- | ---: |\n'
printf '| `cargo run -- build` (compiles the program, builds the demo) | %d:%02d |\n' $((run / 60)) $((run % 60))
printf '| `cargo test` (compiles the tests, runs them all) | %d:%02d |\n' $((test / 60)) $((test % 60))
printf '| both | %d:%02d (goal: at most 17:30) |\n' $((total / 60)) $((total % 60))
echo
echo "crates cargo run compiled: $(compiled "$WORK/run.log" | grep -c .); cargo test compiled: $(compiled "$WORK/test.log" | grep -c .)"
if [ -n "$again" ]; then
    echo "compiled by both (a dependency built twice):"; echo "$again" | sed 's/^/  /'
else
    echo "no dependency compiled by both"
fi
grep '^Built ' "$WORK/run.log" || true
# Checks whose tools a new machine lacks say so and pass (outside CI): list them, since the
# time above does not include them.
skipped=$(grep -h '^skipped:' "$WORK/test.log" | sort | uniq -c || true)
if [ -n "$skipped" ]; then echo "skipped (their tools are not installed here):"; echo "$skipped"; fi
