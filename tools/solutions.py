"""The solution blocks of the lecture notebooks, parsed in one place.

A solution sits in a code cell between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers), with exactly one ``# hint: ...`` line inside::

    def state_gradient(dh, o, s, f, ds_after, f_after):
        ### BEGIN SOLUTION
        # hint: add the two paths
        ...
        ### END SOLUTION

``make_exercises`` replaces each block with ``raise NotImplementedError(hint)``;
``make_grading`` keeps it for nbgrader, with the hint moved above it.
"""

from __future__ import annotations

from dataclasses import dataclass

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "# hint:"


@dataclass(frozen=True)
class Block:
    """One solution block of a cell's lines: ``lines[begin]`` is its BEGIN marker, ``lines[end]``
    its END marker, ``lines[hint_line]`` its hint; ``indent`` is the BEGIN marker's."""

    begin: int
    end: int
    hint_line: int
    hint: str
    indent: str


def blocks(source: str, where: str = "a cell") -> list[Block]:
    """Every solution block of ``source``, checked: no block inside another, each closed, one hint each."""
    lines, found, begin = source.split("\n"), [], None
    for number, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise ValueError(f"{where}: {BEGIN} inside a solution block")
            begin = number
        elif marker == END:
            if begin is None:
                raise ValueError(f"{where}: {END} without {BEGIN}")
            hints = [k for k in range(begin + 1, number) if lines[k].strip().startswith(HINT)]
            if len(hints) != 1:
                raise ValueError(f"{where}: each solution needs exactly one '{HINT} ...' line")
            indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
            found.append(Block(begin, number, hints[0], lines[hints[0]].strip()[len(HINT):].strip(), indent))
            begin = None
    if begin is not None:
        raise ValueError(f"{where}: {BEGIN} without {END}")
    return found


def has_solution(source: str) -> bool:
    return any(line.strip() == BEGIN for line in source.split("\n"))


__all__ = ["BEGIN", "END", "HINT", "Block", "blocks", "has_solution"]
