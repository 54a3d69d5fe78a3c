"""The stepper (lstm_core.figures.stepper): panels through their declared interface, a readout from their words."""

import ipywidgets
import numpy as np
import pytest

from lstm_core.figures.explosions import WarningText
from lstm_core.figures.stepper import FigureStepper, stepper_figure


class Dot:
    """The smallest panel: one point at (x, x²), and the words for it."""

    def __init__(self, ax):
        self.ax = ax
        self.point = ax.plot([0.0], [0.0], "o")[0]
        self.moving = [self.point]
        ax.set_xlim(-3, 3)
        ax.set_ylim(0, 9)

    def scenery(self):
        return {}

    def update(self, x):
        self.point.set_data([x], [x * x])

    def describe(self, x):
        return f"x = {x}, x² = {x * x}"


def _stepper(**kwargs):
    figure = stepper_figure(4, 3)
    controls = {"x": ipywidgets.IntSlider(value=1, min=-3, max=3, description="x")}
    panels = {"dot": Dot(figure.add_subplot()), "warning": WarningText(figure)}

    def compute(setting):
        return {"dot": setting["x"], "warning": "⚠ below zero\nmore words" if setting["x"] < 0 else None}

    return FigureStepper(figure, controls, [["x"]], panels, compute, **{"readout": ["dot", "warning"], **kwargs})


def test_a_stepper_updates_its_panels_and_says_what_they_show():
    stepper = _stepper()
    assert stepper.readout_text == "x = 1, x² = 1"
    stepper.controls["x"].value = -2
    assert stepper.panels["dot"].point.get_xdata()[0] == -2
    assert stepper.readout_text == "x = -2, x² = 4 ⚠ below zero"  # the warning's first line
    assert 'role="status"' in stepper.readout.value and "below zero" in stepper.readout.value


def test_a_stepper_takes_only_panels_and_reads_out_only_its_panels():
    figure = stepper_figure(4, 3)
    with pytest.raises(TypeError, match="panels\\['line'\\] must be a Panel"):
        FigureStepper(figure, {}, [], {"line": figure.add_subplot().plot([0], [0])[0]}, lambda setting: {}, [])
    with pytest.raises(ValueError, match="readout must name panels"):
        _stepper(readout=["dot", "legend"])


def test_the_picture_follows_the_controls_exactly():
    stepper = _stepper()
    for x in (3, -1, 0):
        stepper.controls["x"].value = x
        blitted = np.asarray(stepper.renderer.canvas.buffer_rgba()).copy()
        stepper.redraw(full=True)
        np.testing.assert_array_equal(blitted, np.asarray(stepper.renderer.canvas.buffer_rgba()))
