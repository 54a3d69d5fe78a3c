"""Values too large to draw: clipped, and said so on the figure instead.

Sizes that are not finite, or larger than :data:`EXPLODED`, are not drawn: the panels
clip them, and :class:`WarningText` says on the figure that the values exploded.
"""

from __future__ import annotations

import numpy as np

from .style import WARNING_COLOR

#: sizes above this are reported as an explosion rather than drawn
EXPLODED = 1e6


def explosion_message(values, what: str = "gradient", limit: float = EXPLODED) -> str | None:
    """None if every entry of ``values`` is finite and at most ``limit`` in size, else a warning.

    ``values`` has time on axis 0 (entry k is step t = k + 1); the warning names the steps.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return None
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(values) <= limit)  # also true for inf and nan
    if not bad.any():
        return None
    steps = np.flatnonzero(bad.reshape(len(values), -1).any(axis=1)) + 1
    where = f"t = {steps[0]}" if len(steps) == 1 else f"t = {steps[0]} … {steps[-1]}"
    overflow = ", some overflowed to inf or nan" if not np.all(np.isfinite(values)) else ""
    return (f"⚠ The {what} exploded.\nAt {where} sizes exceed {limit:.0e}{overflow}.\n"
            "Nothing is drawn: the numbers would be meaningless.")


def clip_exploded(values, limit=EXPLODED):
    """``values`` with nan as 0 and every size above ``limit`` (inf too) cut to ``limit`` (a new array)."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=limit, neginf=-limit)
    return np.clip(values, -limit, limit)


class WarningText:
    """A red message in the middle of a figure, shown only when there is something to say.

    Data: the message (None: nothing to say).
    """

    def __init__(self, fig, y: float = 0.5):
        self.text = fig.text(0.5, y, "", ha="center", va="center", color=WARNING_COLOR,
                             fontsize=15, fontweight="bold", visible=False, zorder=10, linespacing=1.6,
                             bbox=dict(facecolor="white", edgecolor=WARNING_COLOR, lw=2, boxstyle="round,pad=0.6"))
        self.moving = [self.text]

    def scenery(self) -> dict:
        return {}

    def update(self, message: str | None) -> None:
        self.text.set_text(message or "")
        self.text.set_visible(bool(message))

    def describe(self, message: str | None) -> str:
        """The message's first line (the warning itself), or nothing."""
        return message.splitlines()[0] if message else ""


__all__ = ["EXPLODED", "WarningText", "clip_exploded", "explosion_message"]
