#!/usr/bin/env python3
"""Generate a synthetic PolicyPress site and the equivalent Hugo site for benchmarks/build.sh.

    python3 benches/gen_site.py --pages N --dir DIR [--seed S] [--photos P] [--pupils K] [--no-hugo]

writes DIR/policypress (site.toml, one school, N Markdown pages) and DIR/hugo (hugo.toml, the
same Markdown bodies with Hugo front matter and plain links, and a minimal layout).

With --photos P, the PolicyPress site also gets P small real photos with metadata in
static/photos/ (copies of the JPEG, PNG and WebP fixtures in tests/fixtures/images/, round-robin:
EXIF GPS, XMP and IPTC places, text fields naming a fictional person), one image with alt text on
P evenly spread pages, and content/images.toml with consent entries for every 100th photo and
two decorative ones. With --pupils K it writes DIR/pupils.csv, a pupil export of K fictional
names ("Testname Fakesurname1") for `policypress roster import`; outside the site, so the build
never sees it. --no-hugo skips the Hugo site.

Pages are split 10% policies, 60% parent guides (with `bands`), 30% ordinary pages in ten
sub-folders (with --mix ordinary, every page is an ordinary page: HTML only, no PDFs). Each page is about 8 KB: sections (`##`/`###`), paragraphs, lists, a table, a few
links to other generated pages and a school variable. Every name is fictional. The output
depends only on N and the seed.
"""

import argparse
import os
import random
import shutil

SCHOOL_NAME = "Larkfield Bench Primary School"
DSL_NAME = "Mx Quill Placeholder"
BANDS = ["eyfs", "years-1-2", "years-3-4", "years-5-6"]
AREAS = 10  # ordinary pages go in content/area-00 .. area-09
TARGET_BYTES = 8 * 1024

WORDS = (
    "pupils staff parents carers governors school device tablet laptop password account app "
    "website filter monitoring report concern adult trusted safe online screen time sleep "
    "message chat group photo video share privacy setting review policy guidance lesson class "
    "teacher support risk harm content contact conduct commerce behaviour respect kind honest "
    "careful check ask tell help record incident response training update network email "
    "profile game stream comment post friend request block mute consent image location "
    "family home routine rule agreement charter wellbeing balance learning curriculum digital "
    "citizenship responsible secure backup software hardware access login guest visitor "
    "classroom library hall office weekly termly annually clearly calmly quickly always never "
    "usually together carefully openly regularly every each any some many most few our their"
).split()

TOPICS = [
    "Digital Wellbeing", "Screen Time", "Group Chats", "Online Gaming", "Passwords",
    "Sharing Photos", "Video Calls", "Social Media", "Smart Speakers", "Streaming",
    "Search Engines", "Online Friends", "Cyberbullying", "Privacy Settings", "App Stores",
    "School Email", "Remote Learning", "Home Devices", "Location Sharing", "In-App Purchases",
]

HEADINGS = [
    "Purpose", "Scope", "Roles and responsibilities", "Teaching and learning",
    "Filtering and monitoring", "Reporting a concern", "Devices in school", "Devices at home",
    "Working with families", "Training for staff", "Keeping records", "Reviewing this document",
    "Useful settings", "Talking with your child", "Warning signs", "Agreeing family rules",
    "Age ratings", "Privacy and data", "Images and video", "Messaging", "Getting help",
    "Out of school hours", "Visitors and volunteers", "Managing incidents",
]

SUBHEADINGS = [
    "What we expect", "What we do", "What you can do", "Examples", "Questions to ask",
    "In the classroom", "At home", "Further steps", "Who to contact", "Key points",
    "Younger children", "Older children", "Checklist", "Background",
]


# Fixture images that PolicyPress can strip (JPEG, PNG, WebP), all with metadata to remove.
PHOTO_FIXTURES = [
    "jpeg/gps.jpg", "png/gps.png", "webp/gps.webp", "jpeg/text.jpg", "jpeg/xmp.jpg",
    "png/xmp.png", "webp/xmp.webp", "jpeg/iptc.jpg", "png/text.png", "webp/text.webp",
    "jpeg/rotated.jpg", "png/im-exif.png", "png/raw-profile.png", "jpeg/garden.jpg",
]
FIXTURES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "images")

ALT_TEXTS = [
    "A class reading together in the library", "Pupils using tablets in a lesson",
    "The school garden in spring", "Children planting seeds", "A display about staying safe online",
    "The computing suite", "Pupils working in pairs at a laptop", "The hall set out for assembly",
    "A poster of our online safety charter", "Parents at a workshop about screen time",
]

FORENAMES = ["Testname", "Samplina", "Fictivo", "Placida", "Dummond", "Mockery", "Exemplar", "Notareal"]


def photo_name(k):
    ext = os.path.splitext(PHOTO_FIXTURES[k % len(PHOTO_FIXTURES)])[1]
    return f"photos/p-{k + 1:04d}{ext}"


def photo_pages(n, photos):
    """Page index -> the photos (indexes) shown on it: spread evenly over the pages."""
    pages = {}
    for k in range(photos):
        pages.setdefault(k * n // photos, []).append(k)
    return pages


def write_photos(site, photos):
    for k in range(photos):
        dest = os.path.join(site, "static", photo_name(k))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(FIXTURES_DIR, PHOTO_FIXTURES[k % len(PHOTO_FIXTURES)]), dest)


def images_toml(photos):
    out = []
    for k in range(0, photos, 100):
        out += [
            "[[image]]",
            f'file = "{photo_name(k)}"',
            "pupils = true",
            f'consent = "C-2026-{k // 100 + 1:03d}"',
            'consent_expires = "2027-07-31"',
            "",
        ]
    for k in range(50, photos, 500)[:2]:
        out += ["[[image]]", f'file = "{photo_name(k)}"', "decorative = true", ""]
    return "\n".join(out)


def pupils_csv(count):
    lines = ["Forename,Surname,Preferred forename,Year"]
    for k in range(count):
        fore = FORENAMES[k % len(FORENAMES)]
        sur = f"Fakesurname{k + 1}"
        if k % 17 == 0:
            sur += f"-Madeupson{k + 1}"
        pref = f"Nick{FORENAMES[(k + 3) % len(FORENAMES)]}" if k % 11 == 0 else ""
        lines.append(f"{fore},{sur},{pref},{k % 7}")
    return "\n".join(lines) + "\n"


def page_paths(n, mix="policies"):
    """Source paths (relative to content/) of the n pages, in order."""
    n_pol = n // 10 if mix == "policies" else 0
    n_gui = n * 6 // 10 if mix == "policies" else 0
    paths = []
    for i in range(n):
        if i < n_pol:
            paths.append(f"policies/p-{i:05d}.md")
        elif i < n_pol + n_gui:
            paths.append(f"guides/g-{i:05d}.md")
        else:
            paths.append(f"area-{i % AREAS:02d}/t-{i:05d}.md")
    return paths


def sentence(rng, lo=8, hi=18):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng, links, with_var=False):
    parts = [sentence(rng) for _ in range(rng.randint(4, 7))]
    if with_var:
        parts.insert(1, "At {{ school.name }} this applies to every class.")
    if links:
        parts.insert(rng.randint(1, len(parts)), links.pop())
    return " ".join(parts)


def make_body(rng, index, paths, photos=()):
    """The page's Markdown body (PolicyPress syntax), starting at `##`, showing `photos`."""
    n = len(paths)
    # Three links to other pages, one of them to a heading every page has.
    targets = [t for t in rng.sample(range(n), min(4, n)) if t != index][:3]
    links = []
    for k, t in enumerate(targets):
        anchor = "#overview" if k == 0 else ""
        links.append(f"See [{rng.choice(TOPICS).lower()}](@/{paths[t]}{anchor}) for more.")

    out = [paragraph(rng, links, with_var=True), ""]
    for k in photos:
        out += [f"![{ALT_TEXTS[k % len(ALT_TEXTS)]}](/{photo_name(k)})", ""]
    out += ["## Overview", "", paragraph(rng, links), ""]
    headings = rng.sample(HEADINGS, len(HEADINGS))
    table_done = False
    h = 0
    while sum(len(s) + 1 for s in out) < TARGET_BYTES - 600 and h < len(headings):
        out += [f"## {headings[h]}", "", paragraph(rng, links), ""]
        h += 1
        subs = rng.sample(SUBHEADINGS, rng.randint(1, 2))
        for sub in subs:
            out += [f"### {sub}", "", paragraph(rng, links), ""]
            if rng.random() < 0.5:
                out += [f"- {sentence(rng, 5, 12)}" for _ in range(rng.randint(3, 6))] + [""]
        if not table_done:
            out += ["| Who | What | When |", "| --- | --- | --- |"]
            for _ in range(4):
                out.append(
                    f"| {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} "
                    f"| {sentence(rng, 4, 8)} | {rng.choice(['Weekly', 'Termly', 'Annually', 'Daily'])} |"
                )
            out.append("")
            table_done = True
        else:
            out += [f"1. {sentence(rng, 5, 12)}" for _ in range(rng.randint(3, 5))] + [""]
    while links:  # any link not yet placed
        out += [links.pop(), ""]
    return "\n".join(out)


def title_for(rng, index, path):
    topic = rng.choice(TOPICS)
    if path.startswith("policies/"):
        return f"{topic} Policy {index}"
    if path.startswith("guides/"):
        return f"{topic}: a guide for parents ({index})"
    return f"{topic} notes {index}"


def pp_front(rng, index, path, title):
    lines = ["+++", f'title = "{title}"']
    if path.startswith("policies/"):
        lines += [
            f'version = "{rng.randint(1, 5)}.{rng.randint(0, 9)}"',
            'approved_by = "Full Governing Board"',
            f'approved = "2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"',
            'review_period = "1 year"',
            'owner = "dsl"',
        ]
    elif path.startswith("guides/"):
        bands = sorted(rng.sample(BANDS, rng.randint(1, 4)), key=BANDS.index)
        lines.append("bands = [" + ", ".join(f'"{b}"' for b in bands) + "]")
    lines.append("+++")
    return "\n".join(lines) + "\n\n"


def to_hugo_body(body, paths):
    """Rewrite `@/x/y.md#a` links to relative URLs and replace variables by text."""
    body = body.replace("{{ school.name }}", SCHOOL_NAME)
    out = []
    rest = body
    while True:
        i = rest.find("](@/")
        if i < 0:
            out.append(rest)
            break
        j = rest.index(")", i)
        target = rest[i + 4 : j]  # e.g. guides/g-00012.md#overview
        file, _, anchor = target.partition("#")
        url = "../../" + file[: -len(".md")] + "/" + (f"#{anchor}" if anchor else "")
        out.append(rest[:i] + "](" + url + ")")
        rest = rest[j + 1 :]
    return "".join(out)


SITE_TOML = """title = "Bench Federation: Online Safety"
base_url = "https://bench.example/"
description = "A synthetic site for build benchmarks."
"""

SCHOOL_TOML = f"""name = "{SCHOOL_NAME}"
short_name = "Larkfield"
email_domains = ["larkfield.sch.example"]

[contact]
address = "1 Example Row, Larkfield, LF1 2AB"
phone = "01632 960900"
email = "office@larkfield.sch.example"

[roles.headteacher]
name = "Mrs Ada Benchmark"

[roles.dsl]
name = "{DSL_NAME}"
email = "dsl@larkfield.sch.example"
"""

HUGO_TOML = """baseURL = "https://bench.example/"
title = "Bench Federation: Online Safety"
languageCode = "en-gb"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "404"]
"""

BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ .Site.Title }}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip-link" href="#main-content">Skip to main content</a>
<header class="site-header"><p class="site-title"><a href="/">{{ .Site.Title }}</a></p>
<nav class="site-nav" aria-label="Main"><ul>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></nav></header>
<main id="main-content" class="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><h2>""" + SCHOOL_NAME + """</h2>
<address><p>1 Example Row, Larkfield, LF1 2AB</p>
<ul><li>Phone: <a href="tel:01632960900">01632 960900</a></li>
<li>Email: <a href="mailto:office@larkfield.sch.example">office@larkfield.sch.example</a></li></ul>
</address><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"""

SINGLE = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<nav class="toc" aria-label="Contents">{{ .TableOfContents }}</nav>
<div class="prose">
{{ .Content }}
</div>
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="doc-list">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--seed", default="policypress-bench")
    ap.add_argument("--photos", type=int, default=0, help="photos with metadata in static/photos/")
    ap.add_argument("--pupils", type=int, default=0, help="write DIR/pupils.csv with this many pupils")
    ap.add_argument("--no-hugo", action="store_true", help="do not write the Hugo site")
    ap.add_argument(
        "--mix",
        choices=("policies", "ordinary"),
        default="policies",
        help="policies: 10%% policies, 60%% guides (both with PDFs), 30%% ordinary pages; "
        "ordinary: every page an ordinary page (HTML only, no PDFs, as Hugo makes)",
    )
    a = ap.parse_args()
    if a.pages < 10:
        ap.error("--pages must be at least 10")
    if a.photos < 0 or a.pupils < 0:
        ap.error("--photos and --pupils must not be negative")

    pp = os.path.join(a.dir, "policypress")
    hg = os.path.join(a.dir, "hugo")
    for d in (pp, hg):
        if os.path.exists(d):
            shutil.rmtree(d)
    hugo = not a.no_hugo

    write(os.path.join(pp, "site.toml"), SITE_TOML)
    write(os.path.join(pp, "content/schools/bench/school.toml"), SCHOOL_TOML)
    if hugo:
        write(os.path.join(hg, "hugo.toml"), HUGO_TOML)
        write(os.path.join(hg, "layouts/_default/baseof.html"), BASEOF)
        write(os.path.join(hg, "layouts/_default/single.html"), SINGLE)
        write(os.path.join(hg, "layouts/_default/list.html"), LIST)
    if a.photos:
        write_photos(pp, a.photos)
        write(os.path.join(pp, "content/images.toml"), images_toml(a.photos))
        if hugo:
            shutil.copytree(os.path.join(pp, "static"), os.path.join(hg, "static"))
    if a.pupils:
        write(os.path.join(a.dir, "pupils.csv"), pupils_csv(a.pupils))

    paths = page_paths(a.pages, a.mix)
    shown = photo_pages(a.pages, a.photos) if a.photos else {}
    total = 0
    for i, path in enumerate(paths):
        rng = random.Random(f"{a.seed}-{i}")  # per page: stable whatever N is
        title = title_for(rng, i, path)
        body = make_body(rng, i, paths, shown.get(i, ()))
        text = pp_front(rng, i, path, title) + body
        total += len(text.encode())
        write(os.path.join(pp, "content", path), text)
        if hugo:
            write(
                os.path.join(hg, "content", path),
                f'+++\ntitle = "{title}"\n+++\n\n' + to_hugo_body(body, paths),
            )
    extra = []
    if a.photos:
        extra.append(f"{a.photos} photos on {len(shown)} pages")
    if a.pupils:
        extra.append(f"{a.pupils} pupils in {os.path.join(a.dir, 'pupils.csv')}")
    print(
        f"generated {len(paths)} pages, {total / len(paths) / 1024:.1f} KB each on average"
        + "".join(f", {e}" for e in extra)
        + f", in {a.dir}" + ("" if hugo else " (no Hugo site)")
    )


if __name__ == "__main__":
    main()
