#!/usr/bin/env python3
"""A local authority's site: the demo federation's shared policies, charter and guides,
published for N schools (issue 17, goal 5).

    python3 benches/gen_la.py --schools 400 --dir /tmp/pp-la-400

Copies the repository's demo site (site.toml, content/, themes/, static/) into DIR and
writes N schools under content/schools/: the demo's two (riverbend, a primary with a
nursery, four bands and twelve classes; hillside, an infant school with two bands, six
classes, its own page and its own copy of a shared guide) and N - 2 more made from them in
turn, each with its own fictional name, town, address, e-mail domain, website and phone
numbers (Ofcom's drama range 01632 960000-960999), so every page and PDF is a school's own.
The shared documents name the schools through variables ({{ school.name }}, {{ dsl }}, ...).
Every name is fictional.
"""

import argparse
import itertools
import pathlib
import re
import shutil

REPO = pathlib.Path(__file__).resolve().parent.parent

FIRST = ["Alder", "Bram", "Cress", "Dun", "Elm", "Fern", "Gorse", "Heath", "Ivy", "Juniper",
         "Kestrel", "Lark", "Moss", "Nettle", "Osier", "Plover", "Quill", "Rush", "Sedge",
         "Teasel", "Umber", "Vetch", "Wren", "Yarrow"]
SECOND = ["brook", "field", "ford", "ham", "ley", "mere", "stead", "ton", "wick", "worth"]
PREFIX = ["", "Upper ", "Lower ", "East "]


def towns():
    for prefix, first, second in itertools.product(PREFIX, FIRST, SECOND):
        yield f"{prefix}{first}{second}"


def slug_of(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def phones():
    for n in range(960000, 961000):
        yield f"01632 {n}"


def copy_demo(dest):
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.toml", dest / "site.toml")
    for part in ["content", "themes", "static"]:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".policypress"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schools", type=int, default=400)
    ap.add_argument("--dir", type=pathlib.Path, required=True)
    args = ap.parse_args()
    if args.schools < 2:
        ap.error("--schools must be at least 2 (the demo's own two)")
    if args.dir.exists():
        shutil.rmtree(args.dir)
    copy_demo(args.dir)
    schools = args.dir / "content" / "schools"
    templates = {
        "riverbend": ("Riverbend", (REPO / "content/schools/riverbend")),
        "hillside": ("Hillside", (REPO / "content/schools/hillside")),
    }
    # The demo's own phone numbers are not given to another school, nor the starter site's
    # example (which `check` refuses as a placeholder).
    used = {"01632 960100", "01632 960000"}
    for folder in templates.values():
        used.update(re.findall(r"01632 9\d{5}", (folder[1] / "school.toml").read_text()))
    free = (p for p in phones() if p not in used)
    names = towns()
    for k in range(args.schools - 2):
        model = "riverbend" if k % 2 == 0 else "hillside"
        old_town, folder = templates[model]
        town = next(names)
        slug = slug_of(town)
        dest = schools / slug
        shutil.copytree(folder, dest)
        for path in dest.rglob("*"):
            if not path.is_file():
                continue
            text = path.read_text()
            text = text.replace(old_town, town).replace(model, slug)
            # Each number of the model school becomes one of this school's own.
            text = re.sub(r"01632 9\d{5}", lambda _m: next(free), text)
            # Postcodes: RB1 2CD -> RB<k> 2CD, still fictional and distinct.
            text = re.sub(r"\bRB\d+ (\d[A-Z]{2})\b", lambda m: f"ZZ{k % 99 + 1} {m.group(1)}", text)
            path.write_text(text)
    print(f"{args.schools} schools in {args.dir}")


if __name__ == "__main__":
    main()
