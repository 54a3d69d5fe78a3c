"""Give every notebook cell a slide type, so each notebook plays as a slideshow (RISE).

    python tools/slides.py notebooks/*.ipynb          # split notes off, fill in missing slide types
    python tools/slides.py --reset notebooks/*.ipynb  # the same, recomputing every slide type

First, a Markdown cell with prose *before* a ``#`` or ``##`` heading is split in two:
the prose (typically a note on the figure just shown) and the heading with everything
after it. Otherwise the note would open the next topic's slide, away from its figure.
The heading part keeps the cell's id and metadata; the note gets a new id.

Then the rules read the cells in order:

- a Markdown cell with a ``#`` or ``##`` heading starts a new slide;
- a ``###`` heading, or prose after a figure or widget, starts a sub-slide;
- but prose after a figure that is the last thing before the next ``#``/``##`` heading
  (or the end) is a note on that figure: a fragment, on the figure's slide;
- other prose is a fragment (it appears on the next click);
- a code cell right after its prose stays on that slide (``-``), other code is a fragment;
- the setup cell (only imports and settings) is skipped.

A cell that already has a slide type keeps it (unless ``--reset``), so a hand-made
choice survives; running the tool twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys

import nbformat

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
_SETUP_LINE = re.compile(r"^\s*(#.*|import .*|from \S+ import .*|\w+\(\)\s*(#.*)?"
                         r"|np\.set_printoptions\(.*\)\s*(#.*)?)?$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")


def is_setup(source: str) -> bool:
    """Only imports and one-line settings: nothing a class needs to see."""
    lines = source.splitlines()
    return any(line.strip().startswith(("import ", "from ")) for line in lines) and all(
        _SETUP_LINE.match(line) for line in lines)


def headings(source: str) -> list[tuple[int, int]]:
    """``(line number, level)`` of each Markdown heading (``#`` … ``######``) in ``source``,
    leaving out ``#`` lines inside fenced code blocks."""
    found, fence = [], None
    for number, line in enumerate(source.splitlines()):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
        else:
            heading = _HEADING.match(line)
            if heading:
                found.append((number, len(heading.group(1))))
    return found


def _has_heading(source: str, levels: range) -> bool:
    return any(level in levels for _, level in headings(source))


def starts_with_heading(source: str) -> bool:
    """Whether the first non-blank line of ``source`` is a ``#`` or ``##`` heading."""
    lines = source.splitlines()
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    return first is not None and any(number == first and level <= 2 for number, level in headings(source))


def split_point(source: str) -> int | None:
    """The line number of the first ``#``/``##`` heading of ``source`` if prose comes before it, else None."""
    first = next((number for number, level in headings(source) if level <= 2), None)
    if first is None or not "".join(source.splitlines()[:first]).strip():
        return None
    return first


def _new_id(cell, note: str, taken: set) -> str:
    """A new cell id (nbformat 4.5), made from the split cell's id so that it is reproducible."""
    seed = f"{cell.get('id', '')}\n{note}"
    for attempt in range(1000):
        candidate = hashlib.sha1(f"{seed}\n{attempt}".encode()).hexdigest()[:8]
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free cell id")  # pragma: no cover


def split_notes(nb) -> int:
    """Split each Markdown cell that has prose before a ``#``/``##`` heading into the prose
    and the heading part (which keeps the cell's id and metadata); return how many were split."""
    taken = {cell.get("id") for cell in nb.cells}
    cells, splits = [], 0
    for cell in nb.cells:
        point = split_point(cell.source) if cell.cell_type == "markdown" else None
        if point is None:
            cells.append(cell)
            continue
        lines = cell.source.splitlines(keepends=True)
        note, rest = "".join(lines[:point]).strip("\n").rstrip(), "".join(lines[point:])
        new = nbformat.v4.new_markdown_cell(note)
        if "id" in cell:
            new["id"] = _new_id(cell, note, taken)
            taken.add(new["id"])
        else:  # a notebook older than nbformat 4.5 has no cell ids
            del new["id"]
        attachments = cell.get("attachments") or {}
        used = {name: data for name, data in attachments.items() if f"attachment:{name}" in note}
        if used:
            new["attachments"] = used
            kept = {name: data for name, data in attachments.items() if f"attachment:{name}" in rest}
            cell["attachments"] = kept
            if not kept:
                del cell["attachments"]
        cell.source = rest
        cells += [new, cell]
        splits += 1
    nb.cells = cells
    return splits


def _shows_picture(cell) -> bool:
    return any(key.startswith(("image/", "application/vnd.jupyter.widget-view"))
               for output in cell.get("outputs", []) for key in output.get("data", {}))


def _ends_a_section(following) -> bool:
    """Whether the cell after this one starts a new slide with its heading (or there is none)."""
    return following is None or (following.cell_type == "markdown" and starts_with_heading(following.source))


def slide_type(cell, previous, following=None) -> str:
    """The slide type the rules give ``cell``, which follows ``previous`` (None for the first)
    and comes before ``following`` (None for the last)."""
    source = cell.source
    if cell.cell_type == "markdown":
        if previous is None or _has_heading(source, range(1, 3)):
            return "slide"
        if _has_heading(source, range(3, 4)):
            return "subslide"
        if _shows_picture(previous) and not _ends_a_section(following):
            return "subslide"
        return "fragment"
    if cell.cell_type == "code":
        if is_setup(source):
            return "skip"
        return "-" if previous is not None and previous.cell_type == "markdown" else "fragment"
    return "-"


def apply(nb, reset: bool = False) -> int:
    """Split notes off headings, then set missing (or, with ``reset``, all) slide types in
    ``nb``; return how many cells were split or changed their slide type."""
    changed = split_notes(nb)
    for k, cell in enumerate(nb.cells):
        slideshow = cell.metadata.setdefault("slideshow", {})
        if reset or slideshow.get("slide_type") not in SLIDE_TYPES:
            previous = nb.cells[k - 1] if k > 0 else None
            following = nb.cells[k + 1] if k + 1 < len(nb.cells) else None
            new = slide_type(cell, previous, following)
            if slideshow.get("slide_type") != new:
                slideshow["slide_type"] = new
                changed += 1
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
            print(f"{path}: {changed} cells split or given a slide type")
    return 0


if __name__ == "__main__":
    sys.exit(main())
