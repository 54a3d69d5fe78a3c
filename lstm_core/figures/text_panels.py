"""A passage of text as a character model reads it: each character on a background coloured by
one value (:class:`TextColors`), and that value along the passage (:class:`ValueAlongText`).

The picture is Karpathy, Johnson and Fei-Fei's, "Visualizing and Understanding Recurrent
Networks" (2015). Both follow :class:`~lstm_core.figures.panel.Panel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .explosions import clip_exploded
from .panel import StillScenery
from .scales import nice_limit, symmetric_limit
from .style import DIVERGING, STATE_COLORS


def _light(cmap: str, low: float, high: float) -> ListedColormap:
    """The part of ``cmap`` from ``low`` to ``high``: light enough that black text on it
    keeps a contrast of at least 4.5 : 1 (WCAG AA)."""
    return ListedColormap(mpl.colormaps[cmap](np.linspace(low, high, 256)), name=f"{cmap}_light")


#: the backgrounds of :class:`TextColors`: a cell state (blue below 0, red above) and a gate (0 … 1)
TEXT_STATE_CMAP = _light(DIVERGING, 0.2, 0.8)
TEXT_GATE_CMAP = _light("Greens", 0.0, 0.7)
NEWLINE = "⏎"


def text_grid(text: str, width: int = 60) -> np.ndarray:
    """(T, 2) the row and column of each character when ``text`` is laid out in lines of at
    most ``width`` characters; a newline sits at the end of its line (drawn as ⏎)."""
    places, row, column = [], 0, 0
    for char in text:
        if column == width:
            row, column = row + 1, 0
        places.append((row, column))
        if char == "\n":
            row, column = row + 1, 0
        else:
            column += 1
    return np.array(places, dtype=int).reshape(-1, 2)


def text_rows(text: str, width: int = 60) -> int:
    """How many lines :func:`text_grid` lays ``text`` out in."""
    return int(text_grid(text, width)[:, 0].max()) + 1


def labelled_units(units) -> list[tuple[str, int]]:
    """``units`` (unit indices, or ``(label, index)`` pairs) as ``(label, index)`` pairs;
    a bare index ``j`` is labelled ``"unit j+1"``."""
    return [(f"unit {u + 1}", int(u)) if isinstance(u, (int, np.integer)) else (str(u[0]), int(u[1]))
            for u in units]


@dataclass(frozen=True)
class TextValues:
    """(T,) one value per character; ``kind`` ``"state"`` (blue < 0 < red on ``±limit``) or
    ``"gate"`` (white 0 to green 1); the colour bar's ``label``; ``t``, the character to box (None: none);
    the ``title`` (for a panel built without one)."""

    values: np.ndarray
    kind: str = "state"
    limit: float | None = None
    label: str = ""
    t: int | None = None
    title: str | None = None


class TextColors(StillScenery):
    """A passage of text, each character on a background coloured by one value; a box marks step t.

    Only the box moves from frame to frame: the colours and the characters over them are
    the panel's scenery, repainted when the colours change.
    """

    def __init__(self, ax, text: str, width: int = 60, title: str | None = None, fontsize: float = 14):
        self.ax, self.text = ax, text
        self.places = text_grid(text, width)
        rows = int(self.places[:, 0].max()) + 1
        self._grid = np.full((rows, width), np.nan)
        # interpolation "none": Agg scales the cells itself, the pixels of "nearest" in a third of the time
        self.image = ax.imshow(self._grid, cmap=TEXT_STATE_CMAP, vmin=-1, vmax=1, aspect="auto",
                               interpolation="none", zorder=1)
        self.characters = [ax.text(column, row, NEWLINE if char == "\n" else char, ha="center", va="center",
                                   family="monospace", fontsize=fontsize, color="black", zorder=2,
                                   in_layout=False)  # inside the axes: the layout need not measure each one
                           for (row, column), char in zip(self.places, text)]
        self.cursor = ax.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="black", lw=2.5, zorder=3,
                                             visible=False))
        self.colorbar = ax.figure.colorbar(self.image, ax=ax, fraction=0.03, pad=0.01, aspect=6)
        self.moving = [self.cursor]
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_axis_off()
        if title:
            ax.set_title(title)

    def scenery(self) -> dict:
        """The colours (and colour bar) and the title as they now are: a change repaints this axes and its
        colour bar."""
        key = (self._grid.tobytes(), self.image.get_cmap().name, self.image.get_clim(), self.colorbar.ax.get_ylabel(),
               self.ax.get_title())
        return {self.ax: key, self.colorbar.ax: key}

    def update(self, data: TextValues) -> None:
        """Colour each character by ``data.values`` and box character ``data.t``."""
        values = clip_exploded(np.asarray(data.values, dtype=float))
        if data.kind == "state":
            limit = data.limit if data.limit is not None else nice_limit(symmetric_limit(values))
            cmap, low, high = TEXT_STATE_CMAP, -limit, limit
        elif data.kind == "gate":
            cmap, low, high = TEXT_GATE_CMAP, 0.0, 1.0
        else:
            raise ValueError(f"kind must be 'state' or 'gate', got {data.kind!r}")
        grid = np.full_like(self._grid, np.nan)
        grid[self.places[:, 0], self.places[:, 1]] = values
        if not np.array_equal(grid, self._grid, equal_nan=True):
            self._grid = grid
            self.image.set_data(grid)
        if self.image.get_cmap() is not cmap or self.image.get_clim() != (low, high) \
                or self.colorbar.ax.get_ylabel() != data.label:
            self.image.set_cmap(cmap)
            self.image.set_clim(low, high)
            self.colorbar.update_normal(self.image)
            self.colorbar.set_label(data.label)
        self.cursor.set_visible(data.t is not None)
        if data.t is not None:
            row, column = self.places[data.t - 1]
            self.cursor.set_xy((column - 0.5, row - 0.5))
        if data.title is not None:
            self.ax.set_title(data.title)

    def describe(self, data: TextValues) -> str:
        values = np.asarray(data.values, dtype=float)
        high, low = int(np.argmax(values)), int(np.argmin(values))
        return (f"from {values[low]:.2g} (at {shown_char(self.text[low])!r}, character {low + 1}) to "
                f"{values[high]:.2g} (at {shown_char(self.text[high])!r}, character {high + 1})")


def shown_char(char: str) -> str:
    """A character as the figures show it: a newline as ⏎, a space as ␣, a tab as ⇥."""
    return {"\n": NEWLINE, " ": "␣", "\t": "⇥"}.get(char, char)


@dataclass(frozen=True)
class Along:
    """(T,) one value per character, the step ``t`` to mark, the y range, its label and the title."""

    values: np.ndarray
    t: int
    ylim: tuple[float, float]
    ylabel: str = ""
    title: str | None = None


class ValueAlongText(StillScenery):
    """One value over a passage, step by step (a line), with a dot at the current step."""

    def __init__(self, ax, T: int, title: str | None = None):
        self.ax = ax
        self.line = ax.plot([], [], color=STATE_COLORS["s"], lw=1.6)[0]
        self.cursor = ax.axvline(1, color="0.45", lw=1, ls=":")
        self.dot = ax.plot([], [], "o", color=STATE_COLORS["h"], ms=9, mec="black", zorder=4)[0]
        self.moving = [self.line, self.cursor, self.dot]
        ax.axhline(0, color="0.3", lw=0.8, zorder=0.5)
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("character $t$")
        if title:
            ax.set_title(title)

    def scenery(self) -> dict:
        return {self.ax: (self.ax.get_title(), self.ax.get_ylabel())}

    def update(self, data: Along) -> None:
        values = clip_exploded(np.asarray(data.values, dtype=float))
        self.line.set_data(np.arange(1, len(values) + 1), values)
        self.cursor.set_xdata([data.t, data.t])
        self.dot.set_data([data.t], [values[data.t - 1]])
        self.ax.set_ylim(*data.ylim)
        self.ax.set_ylabel(data.ylabel)
        if data.title is not None:
            self.ax.set_title(data.title)

    def describe(self, data: Along) -> str:
        return f"{data.ylabel} {np.asarray(data.values, dtype=float)[data.t - 1]:.2f} at character {data.t}"


__all__ = ["Along", "NEWLINE", "TEXT_GATE_CMAP", "TEXT_STATE_CMAP", "TextColors", "TextValues", "ValueAlongText",
           "labelled_units", "shown_char", "text_grid", "text_rows"]
