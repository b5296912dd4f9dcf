#!/usr/bin/env python3
"""Hand edits after `policypress import`, and how fast a 30-page policy imports.

    python3 benches/import.py                       # builds the release binary first
    POLICYPRESS=/path/to/policypress python3 benches/import.py

A manual benchmark (standard library only), not part of the test suite. For each Word
fixture of tests/fixtures/import/, it copies the fixture site the document belongs to
(`single` for Oak Lane's, `federation` for the federation's), imports the document into it,
runs `policypress check --format json`, and counts the errors `check` reports that the
site did not have before: each is a line a person must edit (a placeholder the template
left, a fact the document does not state) before the site builds. Then it makes a policy of
about 30 pages by repeating the body of lgfl-style-policy.docx (in a temporary folder) and
times its import (`--dry-run`, best of RUNS, default 5).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
CASES = [
    ("kent-style-aup.docx", "single"),
    ("lgfl-style-policy.docx", "single"),
    ("swgfl-style-policy.docx", "single"),
    ("federation-policy.docx", "federation"),
    ("appendices-policy.docx", "single"),
    ("libreoffice/key-style-policy.odt", "single"),
    ("libreoffice/lgfl-style-policy.odt", "single"),
    ("libreoffice/lgfl-style-policy.docx", "single"),
]
TODAY = "2026-11-23"
# lgfl-style-policy.docx is about 660 words; 14 copies are about 9,000 words, 30 A4 pages.
COPIES = 14


def binary():
    given = os.environ.get("POLICYPRESS")
    if given:
        return given
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "policypress")


def errors(pp, site):
    out = subprocess.run(
        [pp, "check", "--root", site, "--format", "json", "--today", TODAY],
        capture_output=True,
        text=True,
        env={**os.environ, "POLICYPRESS_ROSTER_KEY": "bench"},
    )
    found = json.loads(out.stdout or "[]")
    return {
        (f["rule"], f["file"], f["line"])
        for f in found
        if f["severity"] == "error" and f.get("allowed") is None
    }


def edits(pp, docx, site_name):
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        shutil.copytree(os.path.join(FIXTURES, site_name), site)
        before = errors(pp, site)
        subprocess.run(
            [pp, "import", "--root", site, os.path.join(FIXTURES, "import", docx)],
            check=True,
            capture_output=True,
        )
        after = errors(pp, site) - before
        return sorted(after)


def long_policy(path, copies):
    """lgfl-style-policy.docx with its body repeated `copies` times."""
    src = os.path.join(FIXTURES, "import", "lgfl-style-policy.docx")
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"].decode("utf-8")
    start = doc.index("<w:body>") + len("<w:body>")
    end = doc.rindex("<w:sectPr")
    body = doc[start:end]
    parts["word/document.xml"] = (doc[:start] + body * copies + doc[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def pages(words):
    return words / 300


def main():
    pp = binary()
    print("| document | site | hand edits | what |")
    print("| --- | --- | ---: | --- |")
    for docx, site in CASES:
        found = edits(pp, docx, site)
        what = ", ".join(f"{r} :{line}" for r, _, line in found) or "none"
        print(f"| {docx} | {site} | {len(found)} | {what} |")
    runs = int(os.environ.get("RUNS", "5"))
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "long-policy.docx")
        long_policy(big, COPIES)
        site = os.path.join(tmp, "site")
        shutil.copytree(os.path.join(FIXTURES, "single"), site)
        best = None
        cpu = None
        for _ in range(runs):
            t = time.perf_counter()
            before = os.times()
            out = subprocess.run(
                [pp, "import", "--dry-run", "--root", site, big],
                check=True,
                capture_output=True,
                text=True,
            )
            took = time.perf_counter() - t
            after = os.times()
            used = (after.children_user - before.children_user) + (
                after.children_system - before.children_system
            )
            best = took if best is None else min(best, took)
            cpu = used if cpu is None else min(cpu, used)
        with zipfile.ZipFile(big) as z:
            text = re.sub(r"<[^>]+>", " ", z.read("word/document.xml").decode("utf-8"))
        words = len(text.split())
        print()
        print(
            f"long policy: {words} words (about {pages(words):.0f} pages), "
            f"{os.path.getsize(big) // 1024} KB; import best of {runs}: {best * 1000:.0f} ms "
            f"wall, {cpu * 1000:.0f} ms CPU"
        )
        first = out.stdout.splitlines()[:2]
        print("\n".join(first))


if __name__ == "__main__":
    sys.exit(main())
