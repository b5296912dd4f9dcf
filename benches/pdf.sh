#!/usr/bin/env bash
# PDF benchmark: PolicyPress's print PDFs per second, and one policy against headless
# Chromium's print-to-PDF.
#
#   bash benches/pdf.sh
#
# A manual benchmark, not a test. Environment: CARGO_TARGET_DIR (where the release binary is
# built), POLICYPRESS (use this binary instead of building), BENCH_DIR (work folder parent,
# default /tmp), RUNS (timed runs of each measurement, default 3; the best is kept),
# CHROMIUM (default: chromium), SCHOOLS (schools in the synthetic site, default 20).
#
# 1. The demo site (the repository's site.toml, content/, themes/, static/): a cold build
#    (empty PDF cache) and a warm one (nothing changed: no PDF compiled). PDF time is the
#    difference; PDFs/s = PDFs / PDF time, and also PDFs / whole cold build.
# 2. A synthetic federation of $SCHOOLS schools with the demo's documents, each school with
#    six classes: the same measurements.
# 3. One policy: a site with only the demo's online-safety policy, built cold by PolicyPress
#    (the whole build: load, check, HTML, PDF, write), against Chromium printing the built
#    HTML page to PDF (`chromium --headless --no-sandbox --disable-gpu --print-to-pdf`, the
#    page served from 127.0.0.1). Both times include starting the program.
set -euo pipefail
export LC_NUMERIC=C

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}/pp-pdf-bench"
RUNS="${RUNS:-3}"
SCHOOLS="${SCHOOLS:-20}"
CHROMIUM="${CHROMIUM:-chromium}"
TODAY="2026-11-23"

log() { echo "==> $*" >&2; }

if [ -n "${POLICYPRESS:-}" ]; then
    PP="$POLICYPRESS"
else
    TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
    case "$TARGET" in /*) ;; *) TARGET="$PWD/$TARGET" ;; esac
    log "cargo build --release (target: $TARGET)"
    (cd "$REPO" && CARGO_TARGET_DIR="$TARGET" cargo build --release --bin policypress)
    PP="$TARGET/release/policypress"
fi
[ -x "$PP" ] || { echo "error: $PP was not built" >&2; exit 1; }

rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"

# seconds SITE [--cold]: best wall time of RUNS builds (cold: the PDF cache emptied first).
best_build() {
    local site="$1" mode="$2" best="" t0 t1 w r
    for r in $(seq 1 "$RUNS"); do
        if [ "$mode" = cold ]; then rm -rf "$site/.policypress"; fi
        rm -rf "$site/public" "$site"/.public.*
        t0="$EPOCHREALTIME"
        "$PP" build --root "$site" --today "$TODAY" >"$site.log" 2>&1 || { cat "$site.log" >&2; exit 1; }
        t1="$EPOCHREALTIME"
        w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$w"; fi
    done
    echo "$best"
}

pdf_count() { find "$1/public" -name '*.pdf' | wc -l; }

copy_demo() {
    mkdir -p "$1"
    cp -r "$REPO/site.toml" "$REPO/content" "$REPO/themes" "$REPO/static" "$1/"
}

measure_site() {
    local name="$1" site="$2" cold warm n
    cold="$(best_build "$site" cold)"
    grep -q "compiled)" "$site.log" || { cat "$site.log" >&2; exit 1; }
    n="$(pdf_count "$site")"
    warm="$(best_build "$site" warm)"
    grep -q "(0 compiled)" "$site.log" || { echo "error: the warm build compiled PDFs:" >&2; cat "$site.log" >&2; exit 1; }
    awk -v name="$name" -v n="$n" -v c="$cold" -v w="$warm" 'BEGIN {
        pdf = c - w; if (pdf <= 0) pdf = 0.001
        printf "| %s | %d | %.2f | %.2f | %.1f | %.1f |\n", name, n, c, w, n / c, n / pdf
    }'
}

# --- 1. the demo site ------------------------------------------------------------------------
log "demo site"
copy_demo "$BENCH_DIR/demo"

# --- 2. a synthetic federation ---------------------------------------------------------------
log "synthetic site with $SCHOOLS schools"
SYN="$BENCH_DIR/federation-$SCHOOLS"
copy_demo "$SYN"
rm -rf "$SYN/content/schools"
python3 - "$SYN" "$SCHOOLS" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
classes = ["Nursery Wren", "Reception Finch", "Year 1 Heron", "Year 3 Kestrel", "Year 5 Swift", "Year 6 Osprey"]
for i in range(1, n + 1):
    d = os.path.join(root, "content", "schools", f"school-{i:02d}")
    os.makedirs(d)
    with open(os.path.join(d, "school.toml"), "w") as f:
        f.write(f'''name = "Benchmark Fictional School {i}"
short_name = "School {i}"
email_domains = ["school{i}.sch.example"]
classes = {classes!r}

[contact]
address = "{i} Invented Street, Benchtown, BT{i} 1AA"
phone = "01632 96{i:04d}"
email = "office@school{i}.sch.example"

[roles.headteacher]
name = "Head Teacherfake {i}"

[roles.dsl]
name = "Safe Guardfake {i}"
email = "dsl@school{i}.sch.example"
phone = "01632 97{i:04d}"

[[roles.deputy_dsl]]
name = "Deputy Fakename {i}"

[roles.online_safety_lead]
name = "Lead Fakeperson {i}"
email = "onlinesafety@school{i}.sch.example"

[roles.safeguarding_governor]
name = "Gov Fakeperson {i}"

[roles.chair_of_governors]
name = "Chair Fakeperson {i}"
'''.replace("'", '"'))
EOF
# Demo pages written for one school only do not apply to the synthetic ones.
find "$SYN/content" -name '*.md' -exec grep -l '^schools = ' {} + 2>/dev/null | xargs -r rm -f

# --- 3. one policy against Chromium ----------------------------------------------------------
ONE="$BENCH_DIR/one-policy"
mkdir -p "$ONE/content/policies" "$ONE/content/schools"
cp "$REPO/site.toml" "$ONE/"
cp -r "$REPO/themes" "$ONE/"
cp "$REPO/content/contacts.toml" "$ONE/content/"
printf '+++\n+++\n\nOur online safety policy. Report a concern to {{ contact.ceop }}.\n' >"$ONE/content/index.md"
cp -r "$REPO/content/schools/riverbend" "$ONE/content/schools/"
cp "$REPO/content/policies/online-safety.md" "$ONE/content/policies/"
sed -i 's/@\/[^)]*)/https:\/\/example.org\/)/g' "$ONE/content/policies/online-safety.md"

echo
echo "PolicyPress: $("$PP" --version)"
echo "Machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS runs"
echo
echo "| site | PDFs | cold build s | warm build s (0 PDFs compiled) | PDFs/s (whole cold build) | PDFs/s (PDF time only = cold - warm) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
measure_site "demo" "$BENCH_DIR/demo"
measure_site "$SCHOOLS schools" "$SYN"

log "one policy: PolicyPress"
ours="$(best_build "$ONE" cold)"
ours_warm="$(best_build "$ONE" warm)"
ours_pdf="$(awk -v a="$ours" -v b="$ours_warm" 'BEGIN { printf "%.3f", a - b }')"
POLICY_PDF="$(find "$ONE/public" -name '*.pdf' | head -n 1)"
[ -n "$POLICY_PDF" ] || { echo "error: no policy PDF" >&2; cat "$ONE.log" >&2; exit 1; }
ours_pages="$(pdfinfo "$POLICY_PDF" 2>/dev/null | awk '/^Pages:/ { print $2 }')"

if command -v "$CHROMIUM" >/dev/null; then
    log "one policy: Chromium"
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ONE/public" >/dev/null 2>&1 &
    SERVER=$!
    trap 'kill "$SERVER" 2>/dev/null || true' EXIT
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
    URL="http://127.0.0.1:$PORT/policies/online-safety/"
    theirs=""
    for r in $(seq 1 "$RUNS"); do
        rm -f "$BENCH_DIR/chromium.pdf"
        t0="$EPOCHREALTIME"
        "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
            --user-data-dir="$BENCH_DIR/chromium-profile" --print-to-pdf="$BENCH_DIR/chromium.pdf" "$URL" >"$BENCH_DIR/chromium.log" 2>&1 || true
        t1="$EPOCHREALTIME"
        [ -s "$BENCH_DIR/chromium.pdf" ] || { echo "error: chromium wrote no PDF:" >&2; cat "$BENCH_DIR/chromium.log" >&2; exit 1; }
        w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
        if [ -z "$theirs" ] || awk -v a="$w" -v b="$theirs" 'BEGIN { exit !(a < b) }'; then theirs="$w"; fi
    done
    kill "$SERVER" 2>/dev/null || true
    their_pages="$(pdfinfo "$BENCH_DIR/chromium.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')"
    echo
    echo "| one policy (online-safety.md) | wall s | pages |"
    echo "| --- | ---: | ---: |"
    echo "| PolicyPress: whole cold build, program start to PDF written (load, check, HTML, PDF/UA, write) | $ours | $ours_pages |"
    echo "| Chromium --print-to-pdf of the served page, program start to PDF written | $theirs | $their_pages |"
    echo "| PolicyPress: the PDF's share of a build (cold build - warm build; no start-up) | $ours_pdf | $ours_pages |"
    awk -v a="$ours" -v p="$ours_pdf" -v b="$theirs" 'BEGIN {
        printf "\nLike for like (both whole programs, start-up included): PolicyPress is %.1f× faster than Chromium.\n", b / a
        printf "Not like for like: Chromium start to finish against the PDF'"'"'s share of a PolicyPress build (no start-up): %.1f×.\n", b / p
    }'
else
    echo
    echo "PolicyPress, one policy, whole cold build: ${ours}s ($ours_pages pages); $CHROMIUM not found, no comparison."
fi
