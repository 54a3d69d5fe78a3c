"""The one interface of every plot panel, stills' and steppers' alike.

A panel draws its axes once, in ``__init__`` (labels, ticks, empty artists). Then:

- ``update(data)`` shows ``data`` by changing only the artists in ``moving``;
- ``describe(data)`` says in words and numbers what ``update(data)`` shows: the still
  figures' alt text and the steppers' readouts are made of these sentences;
- ``moving`` lists the artists ``update`` changes: all that a stepper repaints when a
  control moves (:mod:`lstm_core.figures.rendering`);
- ``scenery()`` maps each axes whose still part ``update`` can change (its colours, for
  instance) to a key of that part; the stepper repaints such an axes whole when its key
  changes. Most panels return ``{}``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Protocol, runtime_checkable

from matplotlib.artist import Artist


@runtime_checkable
class Panel(Protocol):
    """Draw once; then ``update(data)``; ``describe(data)`` says what it shows."""

    @property
    def moving(self) -> Sequence[Artist]: ...

    def scenery(self) -> dict[Any, Hashable]: ...

    def update(self, data) -> None: ...

    def describe(self, data) -> str: ...


class StillScenery:
    """A mixin for a panel on one axes, ``self.ax``, whose only still part that can change is its title.

    A title that changes with every frame is one of the panel's ``moving`` artists; any
    other (one that follows a rarely moved control, such as the unit shown) is scenery:
    when it changes, the stepper repaints the axes once.
    """

    def scenery(self) -> dict:
        return {} if self.ax.title in self.moving else {self.ax: self.ax.get_title()}


__all__ = ["Panel", "StillScenery"]
