#!/usr/bin/env bash
# Check benchmark: `policypress check` against `policypress build` on a site with photos.
#
#   bash benches/check.sh [N]      (default 10000 pages)
#
# A manual benchmark, not a test. The site: N synthetic pages (gen_site.py), PHOTOS real
# photos with location and name metadata in static/photos/ (default 1000), alt text on the
# pages that show them, consent entries in content/images.toml, and a roster imported from a
# generated CSV of PUPILS fictional names (default 600; the CSV stays in the work folder,
# outside the site, and is deleted after the import). Goal: check, which makes everything a build makes but writes and minifies nothing, takes
# under 0.6 of a build (see benches/README.md).
# Environment: CARGO_TARGET_DIR, POLICYPRESS, BENCH_DIR (default /tmp), RUNS (default 3),
# SETTLE, PHOTOS, PUPILS, TODAY (default 2026-11-23).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp}"
RUNS="${RUNS:-3}"
PHOTOS="${PHOTOS:-1000}"
PUPILS="${PUPILS:-600}"
TODAY="${TODAY:-2026-11-23}"
N="${1:-10000}"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 10 ] || { echo "error: page count '$N' must be a whole number >= 10" >&2; exit 2; }
# shellcheck source=benches/lib.sh
. "$REPO/benches/lib.sh"

policypress_binary
LOAD_START="$(loadavg)"
log "machine: $(nproc) cores, load average at start: $LOAD_START; settle time ${SETTLE}s"

WORK="$BENCH_DIR/pp-check-$N"
SITE="$WORK/policypress"
OUT="$WORK/out/public"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
log "N=$N: generating the site ($PHOTOS photos, $PUPILS pupils) in $WORK"
clean_out "$OUT"
python3 "$REPO/benches/gen_site.py" --pages "$N" --dir "$WORK" --photos "$PHOTOS" --pupils "$PUPILS" --no-hugo >&2
# The roster key of this run, beside the site (never inside it), for the import and every run.
export POLICYPRESS_ROSTER_KEY_FILE="$WORK/roster.key"
rm -f "$POLICYPRESS_ROSTER_KEY_FILE"
"$PP" roster import "$WORK/pupils.csv" --root "$SITE" >"$LOGS/roster.log"
rm -f "$WORK/pupils.csv"
log "$(head -n 1 "$LOGS/roster.log")"
LAST_DELETE="$EPOCHSECONDS"

# The first build compiles every PDF into the site's cache (.policypress/); the timed builds
# reuse them, as every build after a school's first does. It is reported on its own row.
clean_out "$OUT"
settle
timed first "$LOGS/build-first" -- "$PP" build --root "$SITE" --out "$OUT" --today "$TODAY"
grep -q '^Built ' "$LOGS/build-first.log" || { echo "error: build did not report 'Built ...':" >&2; cat "$LOGS/build-first.log" >&2; exit 1; }

for r in $(seq 1 "$RUNS"); do
    # check writes nothing, so it needs no clean-up or settle time of its own.
    sync
    timed check "$LOGS/check-$r" -- "$PP" check --root "$SITE" --today "$TODAY"
    clean_out "$OUT"
    settle
    timed build "$LOGS/build-$r" -- "$PP" build --root "$SITE" --out "$OUT" --today "$TODAY"
    grep -q '^Built ' "$LOGS/build-$r.log" || { echo "error: build did not report 'Built ...':" >&2; cat "$LOGS/build-$r.log" >&2; exit 1; }
done

# What the last build published: every photo, and none of the fixtures' metadata.
FILES="$(find "$OUT" -type f | wc -l)"
PUBLISHED_PHOTOS="$(find "$OUT/photos" -type f 2>/dev/null | wc -l)"
# Text the fixtures carry in their metadata (place and person names, GPS tag names in XMP/PNG text).
LEAKS="$(grep -rlE 'Exampleton|Zorblax|Quimby|GPSLatitude' "$OUT/photos" 2>/dev/null | wc -l || true)"
EXIF_NOTE=""
if command -v exiftool >/dev/null; then
    EXIF_LEFT="$(exiftool -q -q -r -if '$GPSLatitude or $Location or $City or $Artist or $ImageDescription' -p '$FileName' "$OUT/photos" 2>/dev/null | wc -l || true)"
    EXIF_NOTE="; exiftool finds GPS/place/person fields in $EXIF_LEFT"
fi
WARNINGS="$(grep -cE '^warning' "$LOGS/check-1.log" || true)"
clean_out "$OUT"
# A leak is a failure, not a figure: the benchmark exits 1 after printing its table.
FAILED=""
[ "$LEAKS" -eq 0 ] || FAILED="$FAILED $LEAKS published photo(s) still hold the fixtures' metadata text;"
[ "${EXIF_LEFT:-0}" -eq 0 ] || FAILED="$FAILED exiftool finds GPS, place or person fields in $EXIF_LEFT published photo(s);"
[ "$PUBLISHED_PHOTOS" -ge "$PHOTOS" ] || FAILED="$FAILED only $PUBLISHED_PHOTOS of $PHOTOS photos were published;"
command -v exiftool >/dev/null || EXIF_NOTE="; exiftool is not installed (apt-get install libimage-exiftool-perl), so only the grep ran"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
WALL_RATIO="$(ratio "${WALL[check]}" "${WALL[build]}")"
CPU_RATIO="$(ratio "$(awk -v u="${USR[check]}" -v s="${SYS[check]}" 'BEGIN { print u + s }')" \
                   "$(awk -v u="${USR[build]}" -v s="${SYS[build]}" 'BEGIN { print u + s }')")"
GOAL="$(awk -v r="$WALL_RATIO" 'BEGIN { print (r < 0.6) ? "met" : "NOT met" }')"

echo
echo "PolicyPress: $("$PP" --version)"
echo "Machine: $(nproc) cores; load average at start: $LOAD_START, now: $(loadavg)"
echo "Site: $N pages, $PHOTOS photos with metadata, $(grep -c '^\[\[image\]\]' "$SITE/content/images.toml") images.toml entries, roster of $PUPILS pupils; --today $TODAY"
echo "Build output: $FILES files, $PUBLISHED_PHOTOS photos; files still holding fixture metadata text: $LEAKS$EXIF_NOTE"
echo "check: $(tail -n 1 "$LOGS/check-1.log")"
echo
echo "| N | command | wall s (best of $RUNS) | user s | sys s | peak RSS MB |"
echo "| ---: | --- | ---: | ---: | ---: | ---: |"
for c in check build; do
    echo "| $N | \`policypress $c\` | ${WALL[$c]} | ${USR[$c]} | ${SYS[$c]} | $(mb "${RSS[$c]}") |"
done
echo "| $N | \`policypress build\`, first (compiles the PDFs; not in the ratio) | ${WALL[first]} | ${USR[first]} | ${SYS[first]} | $(mb "${RSS[first]}") |"
echo "| $N | **check/build** | **$WALL_RATIO** (goal < 0.6: $GOAL) | CPU (user+sys): $CPU_RATIO | | $(ratio "${RSS[check]}" "${RSS[build]}") |"
echo
echo "Logs: $LOGS (check printed $WARNINGS warning line(s))"
if [ -n "$FAILED" ]; then
    echo "error:$FAILED the image stripper let metadata through" >&2
    exit 1
fi
