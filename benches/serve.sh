#!/usr/bin/env bash
# Live-preview benchmark: how long `policypress serve` takes to show an edit, against a build.
#
#   bash benches/serve.sh [N]      (default 10000 pages)
#
# A manual benchmark, not a test. Generates the N-page site (gen_site.py, no photos), times a
# full `policypress build` of it (best of RUNS), then runs serve_latency.py: serve on a free
# port with the event stream open, EDITS one-page edits and template edits
# (templates/page.html and templates/guide.html, TEMPLATE_EDITS changes each after creating
# them), SIGINT at the end. Goal: a one-page edit shows in under 2% of a full build's time.
# Environment: CARGO_TARGET_DIR, POLICYPRESS, BENCH_DIR (default /tmp), RUNS (default 3),
# SETTLE, EDITS (default 10), TEMPLATE_EDITS (default 3), TODAY (default 2026-11-23).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}"
RUNS="${RUNS:-3}"
EDITS="${EDITS:-10}"
TEMPLATE_EDITS="${TEMPLATE_EDITS:-3}"
TODAY="${TODAY:-2026-11-23}"
N="${1:-10000}"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 10 ] || { echo "error: page count '$N' must be a whole number >= 10" >&2; exit 2; }
# shellcheck source=benches/lib.sh
. "$REPO/benches/lib.sh"

policypress_binary
LOAD_START="$(loadavg)"
log "machine: $(nproc) cores, load average at start: $LOAD_START; settle time ${SETTLE}s"

WORK="$BENCH_DIR/pp-serve-$N"
SITE="$WORK/policypress"
OUT="$WORK/out/public"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
clean_out "$OUT"
log "N=$N: generating the site in $WORK"
python3 "$REPO/benches/gen_site.py" --pages "$N" --dir "$WORK" --no-hugo >&2
LAST_DELETE="$EPOCHSECONDS"

# (c) the full build, first, so it builds the site exactly as generated.
for r in $(seq 1 "$RUNS"); do
    clean_out "$OUT"
    settle
    timed build "$LOGS/build-$r" -- "$PP" build --root "$SITE" --out "$OUT" --today "$TODAY"
    grep -q '^Built ' "$LOGS/build-$r.log" || { echo "error: build did not report 'Built ...':" >&2; cat "$LOGS/build-$r.log" >&2; exit 1; }
done
FILES="$(find "$OUT" -type f | wc -l)"
clean_out "$OUT"
settle

# (a), (b): serve.
LOAD_SERVE="$(loadavg)"
rc=0
python3 "$REPO/benches/serve_latency.py" --pp "$PP" --site "$SITE" --today "$TODAY" \
    --edits "$EDITS" --template-edits "$TEMPLATE_EDITS" --build-seconds "${WALL[build]}" \
    --json "$LOGS/serve.json" >"$LOGS/serve.md" || rc=$?

echo
echo "PolicyPress: $("$PP" --version)"
echo "Machine: $(nproc) cores; load average at start: $LOAD_START, when serve started: $LOAD_SERVE, now: $(loadavg)"
echo "Site: $N pages; --today $TODAY"
echo
echo "| N | command | files written | wall s (best of $RUNS) | user s | sys s | peak RSS MB |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
echo "| $N | \`policypress build\` | $FILES | ${WALL[build]} | ${USR[build]} | ${SYS[build]} | $(mb "${RSS[build]}") |"
cat "$LOGS/serve.md"
echo
echo "Logs: $LOGS"
if [ "$rc" -ne 0 ]; then echo "serve_latency.py exited with $rc (see Problems above)" >&2; fi
exit "$rc"
