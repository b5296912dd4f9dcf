#!/usr/bin/env bash
# A local authority publishing for many schools (issue 17, goal 5): `gen_la.py` makes the
# demo's shared policies, charter and guides published for N schools; for each N this times
# a cold build (every PDF compiled, no page records) and then a build with nothing changed
# (PDFs from the cache, pages carried over), and prints how each grows with N.
#
#   bash benches/la.sh                   # N = 50 100 200 400
#   SCHOOLS="50 400" RUNS=3 POLICYPRESS=/path/to/policypress bash benches/la.sh
#
# A manual benchmark: the cold build of 400 schools compiles about 5,000 PDFs. Builds the
# release binary unless POLICYPRESS names one (see lib.sh). Goals: cold at most 60 s with
# both cores busy, unchanged at most 2 s, peak memory at most 1.5 GB, growth linear.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}"
SCHOOLS="${SCHOOLS:-50 100 200 400}"
RUNS="${RUNS:-2}"
TODAY="${TODAY:-2026-11-23}"
source "$REPO/benches/lib.sh"
policypress_binary
log "$("$PP" --version); $(nproc) cores; load average $(loadavg)"

rows=()
for n in $SCHOOLS; do
    work="$BENCH_DIR/pp-la-$n"
    python3 "$REPO/benches/gen_la.py" --schools "$n" --dir "$work/site" >&2
    logs="$work/logs"; mkdir -p "$logs"
    out="$work/out/public"
    clean_out "$out"
    rm -rf "$work/site/.policypress"
    settle
    timed "cold-$n" "$logs/cold" -- "$PP" build --today "$TODAY" --root "$work/site" --out "$out"
    summary_cold="$(grep '^Built ' "$logs/cold.log")"
    grep -q '(0 compiled)' <<<"$summary_cold" && { echo "error: the cold build compiled no PDF: $summary_cold" >&2; exit 1; }
    cpu_cold=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$logs/cold.time")
    for r in $(seq 1 "$RUNS"); do
        settle
        timed "same-$n" "$logs/same-$r" -- "$PP" build --today "$TODAY" --root "$work/site" --out "$out"
    done
    summary_same="$(grep '^Built ' "$logs/same-1.log")"
    grep -q '(0 compiled)' <<<"$summary_same" || { echo "error: a build with nothing changed compiled PDFs: $summary_same" >&2; exit 1; }
    pages=$(sed -n 's/^Built \([0-9]*\) pages.*/\1/p' <<<"$summary_cold")
    pdfs=$(sed -n 's/.* and \([0-9]*\) PDFs.*/\1/p' <<<"$summary_cold")
    carried=$(sed -n 's/.*(\([0-9]*\) carried over).*/\1/p' <<<"$summary_same")
    rows+=("$(printf '| %d | %s | %s | %.1f | %.1f | %s | %s | %.2f | %.2f | %s | %s |' \
        "$n" "$pages" "$pdfs" "${WALL[cold-$n]}" "${USR[cold-$n]}" "$cpu_cold" "$(mb "${RSS[cold-$n]}")" \
        "${WALL[same-$n]}" "${USR[same-$n]}" "$(mb "${RSS[same-$n]}")" "${carried:-0}")")
done
echo
printf '| schools | pages | PDFs | cold wall s | cold user s | cold CPU | cold peak MB | unchanged wall s (best of %s) | user s | peak MB | pages carried over |\n' "$RUNS"
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
printf '%s\n' "${rows[@]}"
