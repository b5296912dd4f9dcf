# Helpers shared by check.sh and serve.sh (sourced, not run). Expects REPO and BENCH_DIR set.
# Same tool setup, binary build and timing method as build.sh.

export LC_NUMERIC=C   # "." as the decimal point in $EPOCHREALTIME and awk

log() { echo "==> $*" >&2; }

apt_install() {
    local SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root (or sudo) to install $*" >&2; exit 1; }
        SUDO=sudo
    fi
    log "installing $*"
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >/dev/null; then
        $SUDO apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >/dev/null
    fi
}

# Sets PP to the release binary: $POLICYPRESS as given, or built with cargo.
policypress_binary() {
    [ -x /usr/bin/time ] || apt_install time
    command -v python3 >/dev/null || apt_install python3
    if [ -n "${POLICYPRESS:-}" ]; then
        PP="$POLICYPRESS"
        log "using $PP (POLICYPRESS is set; not building)"
    else
        local target="${CARGO_TARGET_DIR:-$REPO/target}" locked=()
        case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
        if git -C "$REPO" ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then locked=(--locked); fi
        log "cargo build --release ${locked[*]} (target: $target)"
        (cd "$REPO" && CARGO_TARGET_DIR="$target" cargo build --release "${locked[@]}" --bin policypress)
        PP="$target/release/policypress"
    fi
    [ -x "$PP" ] || { echo "error: $PP was not built" >&2; exit 1; }
}

# See build.sh: creating thousands of files soon after deleting thousands costs seconds of
# system time in ext4's inode allocator, so every build starts SETTLE seconds after the last
# big delete.
SETTLE="${SETTLE:-$(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 5 ))}"
LAST_DELETE=0

# clean_out OUT: waits for a detached `__remove-tree` of an earlier build to finish, then
# removes OUT, any temporary/old trees beside it and its manifest (`.OUT.manifest`).
clean_out() {
    local out="$1" parent name i
    parent="$(dirname "$out")"
    name="$(basename "$out")"
    for i in $(seq 1 120); do
        compgen -G "$parent/.$name.old-*" >/dev/null || break
        sleep 1
    done
    if [ -e "$out" ] || compgen -G "$parent/.$name.*" >/dev/null; then
        rm -rf "$out" "$parent/.$name".tmp-* "$parent/.$name".old-* "$parent/.$name.manifest"
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

# time_run LOGPREFIX -- command...  ->  prints "wall_s rss_kb user_s sys_s"; returns 1 (after
# showing the command's output) when it fails.
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
    awk -F': ' -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
        /Maximum resident set size/ { rss = $2 }
        /User time \(seconds\)/ { u = $2 }
        /System time \(seconds\)/ { s = $2 }
        END { printf "%.3f %d %.2f %.2f\n", w, rss, u, s }' "$prefix.time"
}

# Best wall time (with that run's CPU times) and largest RSS, per key.
declare -A WALL RSS USR SYS

# timed KEY LOGPREFIX -- command...: one run of `time_run`, kept in the tables above.
timed() {
    local key="$1" prefix="$2"; shift 2
    local result wall rss usr sys
    result="$(time_run "$prefix" "$@")" || exit 1
    read -r wall rss usr sys <<<"$result"
    log "$key: ${wall}s wall, ${usr}s user, ${sys}s sys, $((rss / 1024)) MB RSS"
    if [ -z "${WALL[$key]:-}" ] || awk -v a="$wall" -v b="${WALL[$key]}" 'BEGIN { exit !(a < b) }'; then
        WALL[$key]="$wall"; USR[$key]="$usr"; SYS[$key]="$sys"
    fi
    if [ "$rss" -gt "${RSS[$key]:-0}" ]; then RSS[$key]="$rss"; fi
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
