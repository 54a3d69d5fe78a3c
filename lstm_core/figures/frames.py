"""Every step of a stepper as a picture in the browser, so that the slider ``t`` moves without the kernel.

A kernel round trip (the slider's new value to the kernel, the figure drawn, the PNG back)
takes longer than a hand dragging a slider should wait. :class:`BrowserFrames` keeps one
``ipywidgets.Image`` per position of a slider (an ``IntSlider`` counting from 0 or more
by one, or a ``SelectionSlider``) in an ``ipywidgets.Stack``, and links the slider to the
stack in the browser (``jslink``): moving the slider shows another picture at once, with
no message to the kernel on the way. Each picture is a ``data:`` URL, which the browser
decodes where it is: in a trial, a swapped-in picture was painted sooner than from the
``blob:`` URL of an ``Image`` of PNG bytes (median 22 against 40 ms from key to paint).

A picture is *fresh* when it was drawn with the other controls as they are now. The
kernel draws the picture of the slider's value on demand, and the others while it is
idle (:func:`when_idle`: no cell has started for a moment), the nearest first. Until a
position's picture is fresh, the kernel points the stack there at the last picture it drew
on demand: the right controls at another step, never a picture of other controls. (In the
browser, moving the slider right after another control shows the old pictures until that
message arrives, as any widget shows its last state until the kernel's answer.)
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable

import ipywidgets as widgets

#: how long no cell must have run before idle work starts, in seconds
IDLE_S = 0.3
#: what a picture's URL starts with
DATA_URL = b"data:image/png;base64,"


class BrowserFrames:
    """One picture per position of ``control``, shown by the browser as the slider moves.

    A position is the stack's index: an ``IntSlider``'s value (from 0 or more, by one), or
    a ``SelectionSlider``'s ``index``. ``layout`` is each picture's layout. ``stack`` is the
    widget to show; ``image(position)`` the ``Image`` of one position (its value a ``data:``
    URL), ``png(position)`` its PNG, ``value_at(position)`` the control's value there.
    """

    def __init__(self, control: widgets.IntSlider | widgets.SelectionSlider, layout: dict):
        if isinstance(control, widgets.SelectionSlider):
            self._trait, self.values = "index", range(len(control.options))
        elif isinstance(control, widgets.IntSlider):
            if control.min < 0 or control.step != 1:  # the slider's value is the stack's index
                raise ValueError(f"frames need an IntSlider from 0 or more by steps of 1, got min={control.min}, "
                                 f"step={control.step}")
            self._trait, self.values = "value", range(control.min, control.max + 1)
        else:
            raise TypeError(f"frames need an IntSlider or a SelectionSlider, got {type(control).__name__}")
        self.control = control
        self._layout = widgets.Layout(**layout)  # one for all the pictures
        self._images: dict[int, widgets.Image] = {}  # position -> its Image, made when first drawn
        self._below = [widgets.Box() for _ in range(self.values.start)]  # the stack counts from 0: never shown
        self._drawn: dict[int, object] = {}  # position -> the setting its picture shows
        self._shown = self.position  # the picture that a position without a fresh one shows
        self.stack = widgets.Stack(children=self._children(None), selected_index=self.position)
        self.link = widgets.jslink((control, self._trait), (self.stack, "selected_index"))

    @property
    def position(self) -> int:
        """The slider's position now."""
        return getattr(self.control, self._trait)

    def value_at(self, position: int):
        """The slider's value at ``position``."""
        return self.control._options_values[position] if self._trait == "index" else position

    def position_of(self, value) -> int:
        """The position where the slider has ``value``."""
        return self.control._options_values.index(value) if self._trait == "index" else value

    def image(self, position: int) -> widgets.Image:
        """The ``Image`` of ``position`` (made at the first ask: a position never drawn has none in the browser)."""
        if position not in self._images:
            self._images[position] = widgets.Image(format="url", layout=self._layout)
        return self._images[position]

    def png(self, position: int) -> bytes:
        """The PNG of ``position``'s picture (empty before one is drawn)."""
        return base64.b64decode(bytes(self.image(position).value)[len(DATA_URL):])

    def fresh(self, position: int, setting) -> bool:
        """Whether ``position``'s picture shows ``setting`` (the other controls' values)."""
        return position in self._drawn and self._drawn[position] == setting

    def stale(self, setting) -> list[int]:
        """The positions whose picture does not show ``setting``, the nearest to the slider first."""
        return sorted((p for p in self.values if not self.fresh(p, setting)), key=lambda p: abs(p - self.position))

    def put(self, position: int, png: bytes, setting, shown: bool = False) -> None:
        """``position``'s picture, drawn with ``setting``; ``shown``: also show it wherever a picture is stale."""
        self.image(position).value = DATA_URL + base64.b64encode(png)
        self._drawn[position] = setting
        if shown:
            self._shown = position

    def show(self, setting) -> None:
        """Point every position at its own picture if fresh, else at the last one drawn on demand."""
        children = self._children(setting)
        if children != self.stack.children:
            self.stack.children = children

    def _children(self, setting) -> tuple:
        shown = self.image(self._shown)
        return (*self._below, *(self._images[p] if self.fresh(p, setting) else shown for p in self.values))


def when_idle(step: Callable[[], bool], idle_s: float = IDLE_S) -> bool:
    """Call ``step()`` from the kernel's event loop, again and again while it returns True, but
    only while no cell runs: checked every ``idle_s``, a step runs only if no cell started
    since the last check (a cell blocks the loop while it runs).

    Each call should be short (one picture): messages from the browser are handled between
    calls. Outside a running kernel (no event loop, or not IPython) nothing is scheduled and
    this returns False.
    """
    try:
        loop = asyncio.get_running_loop()
        from IPython import get_ipython
    except (RuntimeError, ImportError):
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def tick(count: int) -> None:
        if shell.execution_count != count:  # a cell ran since the last call: wait until none has for a while
            loop.call_later(idle_s, tick, shell.execution_count)
        elif step():
            loop.call_soon(tick, count)

    loop.call_later(idle_s, tick, shell.execution_count)
    return True


__all__ = ["IDLE_S", "BrowserFrames", "when_idle"]
