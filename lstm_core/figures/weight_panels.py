"""The weight gradient as the backward pass adds it up: each step's share ``δZ_t I_tᵀ`` as a bar,
faded until the pass reaches it (:class:`Contributions`, a :class:`~lstm_core.figures.panel.Panel`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .panel import StillScenery
from .style import PATH_COLORS


@dataclass(frozen=True)
class Reached:
    """The step ``t`` the backward pass has reached, and the largest gap of its running sum to ``δW``."""

    t: int
    gap: float


class Contributions(StillScenery):
    """The size of each step's contribution ``‖δZ_t I_t^\\top‖``, (T,), as bars; those not yet added are faded."""

    def __init__(self, ax, sizes):
        self.ax, self.sizes = ax, np.asarray(sizes, dtype=float).copy()
        T = len(self.sizes)
        self.bars = ax.bar(np.arange(1, T + 1), self.sizes, color=PATH_COLORS["via_next"])
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("$\\|\\delta Z_t I_t^\\top\\|$")
        ax.set_title("each step's contribution (the faded ones are not added yet)")
        self.done = ax.text(0.99, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=12)
        self.moving = [*self.bars, self.done]

    def update(self, data: Reached) -> None:
        for j, bar in enumerate(self.bars):
            bar.set_alpha(1.0 if j >= data.t - 1 else 0.2)
        self.done.set_text("sum complete: equals δW" if data.t == 1 else
                           f"still missing steps 1 … {data.t - 1}: largest gap to δW {data.gap:.2g}")

    def describe(self, data: Reached) -> str:
        t, T = data.t, len(self.sizes)
        return (f"t = {t}: adds δZ_{t} I_{t}ᵀ, of size {self.sizes[t - 1]:.2g}; "
                + ("the sum over all steps is complete and equals δW" if t == 1 else
                   f"the sum over t = {t} … {T} still misses steps 1 … {t - 1} (largest gap to δW {data.gap:.2g})"))


__all__ = ["Contributions", "Reached"]
