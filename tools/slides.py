"""Give every notebook cell a slide type, so each notebook plays as a slideshow (RISE).

    python tools/slides.py notebooks/*.ipynb          # fill in missing slide types
    python tools/slides.py --reset notebooks/*.ipynb  # recompute them all from the rules

The rules read the cells in order:

- a Markdown cell with a ``#`` or ``##`` heading starts a new slide;
- a ``###`` heading, or prose after a figure or widget, starts a sub-slide;
- other prose is a fragment (it appears on the next click);
- a code cell right after its prose stays on that slide (``-``), other code is a fragment;
- the setup cell (only imports and settings) is skipped.

A cell that already has a slide type keeps it (unless ``--reset``), so a hand-made
choice survives; running the tool twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import re
import sys

import nbformat

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
_SETUP_LINE = re.compile(r"^\s*(#.*|import .*|from \S+ import .*|\w+\(\)\s*(#.*)?|np\.set_printoptions\(.*\)\s*(#.*)?)?$")


def is_setup(source: str) -> bool:
    """Only imports and one-line settings: nothing a class needs to see."""
    lines = source.splitlines()
    return any(line.strip().startswith(("import ", "from ")) for line in lines) and all(
        _SETUP_LINE.match(line) for line in lines)


def _shows_picture(cell) -> bool:
    return any(key.startswith(("image/", "application/vnd.jupyter.widget-view"))
               for output in cell.get("outputs", []) for key in output.get("data", {}))


def slide_type(cell, previous) -> str:
    """The slide type the rules give ``cell``, which follows ``previous`` (None for the first)."""
    source = cell.source
    if cell.cell_type == "markdown":
        if previous is None or re.search(r"^#{1,2} ", source, re.M):
            return "slide"
        if re.search(r"^### ", source, re.M) or _shows_picture(previous):
            return "subslide"
        return "fragment"
    if cell.cell_type == "code":
        if is_setup(source):
            return "skip"
        return "-" if previous is not None and previous.cell_type == "markdown" else "fragment"
    return "-"


def apply(nb, reset: bool = False) -> int:
    """Set missing (or, with ``reset``, all) slide types in ``nb``; return how many changed."""
    changed = 0
    previous = None
    for cell in nb.cells:
        slideshow = cell.metadata.setdefault("slideshow", {})
        if reset or slideshow.get("slide_type") not in SLIDE_TYPES:
            new = slide_type(cell, previous)
            if slideshow.get("slide_type") != new:
                slideshow["slide_type"] = new
                changed += 1
        previous = cell
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--reset", action="store_true", help="recompute every slide type from the rules")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        changed = apply(nb, reset=args.reset)
        if changed:
            nbformat.write(nb, path)
            print(f"{path}: {changed} slide types set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
