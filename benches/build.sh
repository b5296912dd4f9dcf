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

declare -A WALL RSS USR SYS FILES

# one_run N TOOL RUN OUT SRC -- command...: one timed run; keeps the best wall time (and the
# CPU times of that run) and the largest RSS.
one_run() {
    local n="$1" tool="$2" r="$3" out="$4" src="$5"; shift 5
    local result wall rss usr sys
    clean_out "$out"
    if [ -e "$src/resources" ]; then rm -rf "$src/resources"; LAST_DELETE="$EPOCHSECONDS"; fi
    rm -f "$src/.hugo_build.lock"
    settle
    result="$(time_run "$LOGS/$tool-$r" "$@")" || exit 1
    read -r wall rss usr sys <<<"$result"
    if [ "$tool" = policypress ] && ! grep -q '^Built ' "$LOGS/$tool-$r.log"; then
        echo "error: policypress did not report 'Built ...':" >&2; cat "$LOGS/$tool-$r.log" >&2; exit 1
    fi
    log "N=$n $tool run $r: ${wall}s wall, ${usr}s user, ${sys}s sys, $((rss / 1024)) MB RSS"
    if [ -z "${WALL[$n,$tool]:-}" ] || awk -v a="$wall" -v b="${WALL[$n,$tool]}" 'BEGIN { exit !(a < b) }'; then
        WALL[$n,$tool]="$wall"; USR[$n,$tool]="$usr"; SYS[$n,$tool]="$sys"
    fi
    if [ "$rss" -gt "${RSS[$n,$tool]:-0}" ]; then RSS[$n,$tool]="$rss"; fi
    FILES[$n,$tool]="$(find "$out" -type f | wc -l)"
}

# --- the runs (the two tools alternate, so both see the same machine) ------------------------
log "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg); settle time ${SETTLE}s"
for n in "${SIZES[@]}"; do
    WORK="$BENCH_DIR/pp-bench-$n"
    LOGS="$WORK/logs"
    mkdir -p "$LOGS"
    log "N=$n: generating sites in $WORK"
    python3 "$REPO/benches/gen_site.py" --pages "$n" --dir "$WORK" >&2
    LAST_DELETE="$EPOCHSECONDS"   # the generator replaces any earlier sites
    for r in $(seq 1 "$RUNS"); do
        one_run "$n" policypress "$r" "$WORK/out/policypress/public" "$WORK/policypress" -- \
            "$PP" build --root "$WORK/policypress" --out "$WORK/out/policypress/public"
        one_run "$n" hugo "$r" "$WORK/out/hugo/public" "$WORK/hugo" -- \
            hugo --quiet --minify --source "$WORK/hugo" --destination "$WORK/out/hugo/public"
    done
    clean_out "$WORK/out/policypress/public"
    clean_out "$WORK/out/hugo/public"
done

# --- report ----------------------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }

echo
echo "PolicyPress: $("$PP" --version)"
echo "Hugo: $(hugo version)"
echo "Machine: $(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| N | tool | files written | wall s (best of $RUNS) | user s | sys s | peak RSS MB |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for n in "${SIZES[@]}"; do
    for tool in policypress hugo; do
        echo "| $n | $tool | ${FILES[$n,$tool]} | ${WALL[$n,$tool]} | ${USR[$n,$tool]} | ${SYS[$n,$tool]} | $(mb "${RSS[$n,$tool]}") |"
    done
    echo "| $n | **PolicyPress/Hugo** | | $(ratio "${WALL[$n,policypress]}" "${WALL[$n,hugo]}") | $(ratio "${USR[$n,policypress]}" "${USR[$n,hugo]}") | $(ratio "${SYS[$n,policypress]}" "${SYS[$n,hugo]}") | $(ratio "${RSS[$n,policypress]}" "${RSS[$n,hugo]}") |"
done
