"""Prints, as JSON, the alternative text (/Alt) of every Figure in a PDF's structure tree.

Read with pikepdf (installed with PyPI `pdfua`, which .ci/run installs), not with our code:
tests/print.rs checks that an image's alt text from the Markdown reaches the tagged PDF.
Usage: python3 tests/tools/pdf_figures.py FILE.pdf
"""

import json
import sys

import pikepdf


def figures(node, out, depth=0):
    if depth > 200:
        return
    if isinstance(node, pikepdf.Array):
        for kid in node:
            figures(kid, out, depth + 1)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    kind = node.get("/S")
    if kind is not None and str(kind) == "/Figure":
        alt = node.get("/Alt")
        out.append(None if alt is None else str(alt))
    kids = node.get("/K")
    if kids is not None:
        figures(kids, out, depth + 1)


def main():
    with pikepdf.open(sys.argv[1]) as pdf:
        out = []
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            figures(root.get("/K"), out)
        print(json.dumps(out))


if __name__ == "__main__":
    main()
