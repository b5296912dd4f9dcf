#!/usr/bin/env bash
# Build benchmark: PolicyPress against Hugo on the same synthetic pages.
#
#   bash benches/build.sh [N...]      (default: 1000 10000)
#
# A manual benchmark, not a test: it installs packages (hugo, time) when missing.
# Environment: CARGO_TARGET_DIR (where the release binary is built), POLICYPRESS (use this
# binary instead of building), BENCH_DIR (parent of the work folders, default /tmp), RUNS (timed
# runs per tool, default 3), SETTLE (seconds between a big delete and the next run).
set -euo pipefail
export LC_NUMERIC=C   # "." as the decimal point in $EPOCHREALTIME and awk

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}"
RUNS="${RUNS:-3}"
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 10 ] || { echo "error: page count '$n' must be a whole number >= 10" >&2; exit 2; }
done

log() { echo "==> $*" >&2; }

# --- tools ---------------------------------------------------------------------------------
apt_install() {
    local SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root (or sudo) to install $*" >&2; exit 1; }
        SUDO=sudo
    fi
    log "installing $*"
    # Try with the current package lists first; update them only if that fails.
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >/dev/null; then
        $SUDO apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >/dev/null
    fi
}
command -v hugo >/dev/null || apt_install hugo
[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null || apt_install python3

# --- PolicyPress release binary ------------------------------------------------------------
if [ -n "${POLICYPRESS:-}" ]; then
    PP="$POLICYPRESS"   # a binary given by the caller: no build
    log "using $PP (POLICYPRESS is set; not building)"
else
    TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
    case "$TARGET" in /*) ;; *) TARGET="$PWD/$TARGET" ;; esac
    LOCKED=()
    if git -C "$REPO" ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then LOCKED=(--locked); fi
    log "cargo build --release ${LOCKED[*]} (target: $TARGET)"
    (cd "$REPO" && CARGO_TARGET_DIR="$TARGET" cargo build --release "${LOCKED[@]}" --bin policypress)
    PP="$TARGET/release/policypress"
fi
[ -x "$PP" ] || { echo "error: $PP was not built" >&2; exit 1; }

# --- timing helpers ------------------------------------------------------------------------
# On this machine, creating thousands of files soon after deleting thousands costs seconds of
# system time (perf: ext4's inode allocator, find_inode_bit -> recently_deleted, which skips
# inodes freed within dirty_expire_centisecs, 30 s). Every run therefore starts from an empty
# output folder, SETTLE seconds after the last delete (default: that window + 5 s), after a
# `sync`. This reduces the skew but does not remove it: compare the sys column across runs.
SETTLE="${SETTLE:-$(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 5 ))}"
LAST_DELETE=0

# Removes an output dir and any temporary/old trees PolicyPress leaves beside it, after
# waiting for a detached `__remove-tree` to finish.
clean_out() {
    local out="$1" parent name i
    parent="$(dirname "$out")"
    name="$(basename "$out")"
    for i in $(seq 1 120); do
        compgen -G "$parent/.$name.old-*" >/dev/null || break
        sleep 1
    done
    if [ -e "$out" ] || compgen -G "$parent/.$name.*" >/dev/null; then
        rm -rf "$out" "$parent/.$name".tmp-* "$parent/.$name".old-*
        LAST_DELETE="${EPOCHSECONDS}"
    fi
    mkdir -p "$parent"
}

settle() {
    sync
    local wait=$(( LAST_DELETE + SETTLE - EPOCHSECONDS ))
    if [ "$wait" -gt 0 ]; then sleep "$wait"; fi
    sleep 1
}

# time_run LOGPREFIX -- command...  ->  prints "wall_s rss_kb user_s sys_s"; exits on failure.
time_run() {
    local prefix="$1"; shift 2
    local rc=0 t0 t1
    t0="$EPOCHREALTIME"
    /usr/bin/time -v -o "$prefix.time" "$@" >"$prefix.log" 2>&1 || rc=$?
    t1="$EPOCHREALTIME"
    if [ "$rc" -ne 0 ]; then
        echo "error: '$*' exited with $rc; its output ($prefix.log):" >&2
        head -n 60 "$prefix.log" >&2
        return 1
    fi
    # Wall time from bash's clock (ms resolution; time -v rounds to 10 ms); RSS and CPU from time -v.
    awk -F': ' -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
        /Maximum resident set size/ { rss = $2 }
        /User time \(seconds\)/ { u = $2 }
        /System time \(seconds\)/ { s = $2 }
        END { printf "%.3f %d %.2f %.2f\n", w, rss, u, s }' "$prefix.time"
}

# A fixed day, so the synthetic policies (approved in 2026, reviewed yearly) are never overdue
# whatever day the benchmark runs on.
TODAY=2026-11-23

declare -A WALL RSS USR SYS FILES RUNS_OF

# one_run KEY RUN OUT SRC -- command...: one timed run of the row KEY (such as "1000,hugo");
# keeps the best wall time with the CPU times of that same run, and the largest RSS of the
# row's own runs (never of another row's).
one_run() {
    local key="$1" r="$2" out="$3" src="$4"; shift 4
    local result wall rss usr sys tag="${key//,/-}"
    # KEEP_OUT=1: into the last build's folder, as a school rebuilds (pages carried over).
    if [ "${KEEP_OUT:-0}" != 1 ]; then clean_out "$out"; fi
    if [ -e "$src/resources" ]; then rm -rf "$src/resources"; LAST_DELETE="$EPOCHSECONDS"; fi
    rm -f "$src/.hugo_build.lock"
    settle
    result="$(time_run "$LOGS/$tag-$r" "$@")" || exit 1
    read -r wall rss usr sys <<<"$result"
    log "$key run $r: ${wall}s wall, ${usr}s user, ${sys}s sys, $((rss / 1024)) MB RSS"
    if [ -z "${WALL[$key]:-}" ] || awk -v a="$wall" -v b="${WALL[$key]}" 'BEGIN { exit !(a < b) }'; then
        WALL[$key]="$wall"; USR[$key]="$usr"; SYS[$key]="$sys"
    fi
    if [ "$rss" -gt "${RSS[$key]:-0}" ]; then RSS[$key]="$rss"; fi
    FILES[$key]="$(find "$out" -type f | wc -l)"
    RUNS_OF[$key]=$(( ${RUNS_OF[$key]:-0} + 1 ))
    LAST_LOG="$LOGS/$tag-$r.log"
}

# expect_built LOG WHAT: the build said "Built …" and WHAT (such as "(0 compiled)").
expect_built() {
    grep -q '^Built ' "$1" && grep -q -- "$2" "$1" || {
        echo "error: policypress did not report 'Built …' with '$2':" >&2; cat "$1" >&2; exit 1
    }
}

# --- the runs ----------------------------------------------------------------------------------
# A. Like for like: the same ordinary pages (HTML: none makes a PDF; only the generated
#    accessibility statement has one, compiled in every run as the cache is emptied) for both
#    tools, alternating, so both see the same machine.
# B. PolicyPress alone (Hugo makes no PDFs): policies and guides with their PDFs, once with an
#    empty PDF cache (every PDF compiled), then RUNS times with the cache the first run filled
#    (nothing changed: "0 compiled").
log "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg); settle time ${SETTLE}s"
for n in "${SIZES[@]}"; do
    WORK="$BENCH_DIR/pp-bench-$n"
    LOGS="$WORK/logs"
    mkdir -p "$LOGS"
    log "N=$n: generating the ordinary-page sites (PolicyPress and Hugo) in $WORK/html"
    python3 "$REPO/benches/gen_site.py" --pages "$n" --mix ordinary --dir "$WORK/html" >&2
    LAST_DELETE="$EPOCHSECONDS"   # the generator replaces any earlier sites
    for r in $(seq 1 "$RUNS"); do
        rm -rf "$WORK/html/policypress/.policypress"
        one_run "$n,html,policypress" "$r" "$WORK/out/policypress/public" "$WORK/html/policypress" -- \
            "$PP" build --today "$TODAY" --root "$WORK/html/policypress" --out "$WORK/out/policypress/public"
        expect_built "$LAST_LOG" "pages"
        # Ordinary pages make no PDF: only the generated accessibility statement has one.
        grep '^Built ' "$LAST_LOG" | grep -q "PDFs" && { echo "error: the ordinary pages made PDFs:" >&2; cat "$LAST_LOG" >&2; exit 1; }
        one_run "$n,html,hugo" "$r" "$WORK/out/hugo/public" "$WORK/html/hugo" -- \
            hugo --quiet --minify --source "$WORK/html/hugo" --destination "$WORK/out/hugo/public"
    done
    log "N=$n: generating the policies-and-guides site in $WORK/pdf"
    python3 "$REPO/benches/gen_site.py" --pages "$n" --no-hugo --dir "$WORK/pdf" >&2
    LAST_DELETE="$EPOCHSECONDS"
    rm -rf "$WORK/pdf/policypress/.policypress"
    one_run "$n,pdf,first" 1 "$WORK/out/policypress/public" "$WORK/pdf/policypress" -- \
        "$PP" build --today "$TODAY" --root "$WORK/pdf/policypress" --out "$WORK/out/policypress/public"
    expect_built "$LAST_LOG" "compiled"
    grep -q "(0 compiled)" "$LAST_LOG" && { echo "error: the first build compiled no PDF" >&2; exit 1; }
    for r in $(seq 1 "$RUNS"); do
        one_run "$n,pdf,cached" "$r" "$WORK/out/policypress/public" "$WORK/pdf/policypress" -- \
            "$PP" build --today "$TODAY" --root "$WORK/pdf/policypress" --out "$WORK/out/policypress/public"
        expect_built "$LAST_LOG" "(0 compiled)"
    done
    # The same once more, into the folder the last run wrote: its pages are carried over.
    for r in $(seq 1 "$RUNS"); do
        KEEP_OUT=1 one_run "$n,pdf,same" "$r" "$WORK/out/policypress/public" "$WORK/pdf/policypress" -- \
            "$PP" build --today "$TODAY" --root "$WORK/pdf/policypress" --out "$WORK/out/policypress/public"
        expect_built "$LAST_LOG" "(0 compiled)"
        expect_built "$LAST_LOG" "carried over"
    done
    clean_out "$WORK/out/policypress/public"
    clean_out "$WORK/out/hugo/public"
done

# --- report ----------------------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
row() { # row KEY LABEL
    echo "| $2 | ${FILES[$1]} | ${RUNS_OF[$1]} | ${WALL[$1]} | ${USR[$1]} | ${SYS[$1]} | $(mb "${RSS[$1]}") |"
}

echo
echo "PolicyPress: $("$PP" --version) (build --today $TODAY)"
echo "Hugo: $(hugo version)"
echo "Machine: $(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Each row: files written, how many runs, the best wall time of those runs with the user and"
echo "system CPU of that same run, and the peak RSS of the row's own runs (/usr/bin/time -v)."
echo "Every run writes into an empty output folder, but the last row's (into the one before's)."
for n in "${SIZES[@]}"; do
    echo
    echo "N = $n pages of about 8 KB"
    echo
    echo "| what is measured | files | runs | wall s (best) | user s | sys s | peak RSS MB |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    row "$n,html,policypress" "A. PolicyPress, ordinary pages, HTML (and the accessibility statement, 1 PDF a run)"
    row "$n,html,hugo" "A. Hugo --minify, the same pages, HTML only"
    echo "| **A. PolicyPress/Hugo (like for like)** | | | $(ratio "${WALL[$n,html,policypress]}" "${WALL[$n,html,hugo]}") | $(ratio "${USR[$n,html,policypress]}" "${USR[$n,html,hugo]}") | $(ratio "${SYS[$n,html,policypress]}" "${SYS[$n,html,hugo]}") | $(ratio "${RSS[$n,html,policypress]}" "${RSS[$n,html,hugo]}") |"
    row "$n,pdf,first" "B. PolicyPress, policies and guides, first build (every PDF compiled; no Hugo equivalent)"
    row "$n,pdf,cached" "B. PolicyPress, the same, nothing changed (PDFs from the cache; no Hugo equivalent)"
    row "$n,pdf,same" "B. PolicyPress, the same, nothing changed, into the last build's folder (pages carried over)"
done
