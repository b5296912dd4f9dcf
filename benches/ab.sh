#!/usr/bin/env bash
# Two PolicyPress binaries on the same sites, run alternately: the way to measure a change
# (an allocator, a profile setting) on a 2-core machine whose speed drifts between runs.
#
#   BEFORE=/path/a AFTER=/path/b bash benches/ab.sh [N]     (default N = 10000)
#
# Generates, with gen_site.py (seeded), the N-page ordinary site of build.sh's row A and the
# policies-and-guides site of its row B, then for each of RUNS rounds (default 3) runs both
# binaries, one after the other (the order swapped every round): A (HTML only, empty PDF
# cache), B with every PDF compiled (each binary with its own, emptied, PDF cache), and B
# with nothing changed (PDFs from that binary's cache). Every run writes into an empty
# folder after the settle wait of build.sh. Prints every run, then per row the best wall
# time of each binary with that run's CPU times, the peak RSS of its runs, and after/before.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}"
RUNS="${RUNS:-3}"
N="${1:-10000}"
source "$REPO/benches/lib.sh"
for v in BEFORE AFTER; do
    [ -x "${!v:-}" ] || { echo "error: set $v to a policypress binary" >&2; exit 2; }
done
[ -x /usr/bin/time ] || apt_install time

WORK="$BENCH_DIR/pp-ab-$N"
mkdir -p "$WORK/logs"
log "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg); settle time ${SETTLE}s"
log "before: $BEFORE ($("$BEFORE" --version))"
log "after:  $AFTER ($("$AFTER" --version))"
if [ ! -f "$WORK/html/policypress/site.toml" ]; then
    python3 "$REPO/benches/gen_site.py" --pages "$N" --mix ordinary --no-hugo --dir "$WORK/html" >&2
fi
if [ ! -f "$WORK/pdf/policypress/site.toml" ]; then
    python3 "$REPO/benches/gen_site.py" --pages "$N" --no-hugo --dir "$WORK/pdf" >&2
fi

# build WHO BIN SITE CACHE KEY RUN: one timed build of SITE by BIN into an empty folder,
# with the PDF cache CACHE (a folder of WHO's own) in place of the site's.
build() {
    local who="$1" bin="$2" site="$3" cache="$4" key="$5" run="$6" out="$WORK/out"
    clean_out "$out"
    rm -rf "$site/.policypress"
    if [ -d "$cache" ]; then mkdir -p "$site/.policypress" && mv "$cache" "$site/.policypress/pdf-cache"; fi
    settle
    timed "$key,$who" "$WORK/logs/$key-$who-$run" -- "$bin" build --today 2026-11-23 --root "$site" --out "$out"
    if [ -d "$site/.policypress/pdf-cache" ]; then mv "$site/.policypress/pdf-cache" "$cache"; fi
}

for run in $(seq 1 "$RUNS"); do
    order=(before after)
    if [ $((run % 2)) -eq 0 ]; then order=(after before); fi
    for who in "${order[@]}"; do
        bin="$BEFORE"; [ "$who" = after ] && bin="$AFTER"
        build "$who" "$bin" "$WORK/html/policypress" /nonexistent A "$run"
        rm -rf "$WORK/cache-$who"
        build "$who" "$bin" "$WORK/pdf/policypress" "$WORK/cache-$who" B-first "$run"
        build "$who" "$bin" "$WORK/pdf/policypress" "$WORK/cache-$who" B-cached "$run"
    done
done

echo
echo "N = $N pages; $RUNS rounds, the two binaries alternately; best wall time with that run's CPU"
echo
echo "| row | before wall s | user s | sys s | RSS MB | after wall s | user s | sys s | RSS MB | after/before wall | user |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for key in A B-first B-cached; do
    b="$key,before" a="$key,after"
    printf '| %s | %s | %s | %s | %d | %s | %s | %s | %d | %s | %s |\n' "$key" \
        "${WALL[$b]}" "${USR[$b]}" "${SYS[$b]}" $(( RSS[$b] / 1024 )) \
        "${WALL[$a]}" "${USR[$a]}" "${SYS[$a]}" $(( RSS[$a] / 1024 )) \
        "$(awk -v a="${WALL[$a]}" -v b="${WALL[$b]}" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="${USR[$a]}" -v b="${USR[$b]}" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "(A: ordinary pages, HTML only. B-first: policies and guides, every PDF compiled. B-cached: the same, nothing changed.)"
