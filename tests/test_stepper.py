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


# ------------------------------------------------------------ frames: every step in the browser


def _pixels(png: bytes) -> np.ndarray:
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)).convert("RGB"))


def _framed():
    """A stepper whose slider "x" the browser keeps as frames, with another control, "y"."""
    figure = stepper_figure(4, 3)
    controls = {"x": ipywidgets.IntSlider(value=1, min=1, max=4, description="x"),
                "y": ipywidgets.IntSlider(value=0, min=0, max=2, description="y")}
    panels = {"dot": Dot(figure.add_subplot())}
    return FigureStepper(figure, controls, [["x", "y"]], panels,
                         lambda setting: {"dot": setting["x"] + setting["y"] / 4}, ["dot"], frames="x")


def test_frames_link_the_slider_to_a_stack_of_pictures_in_the_browser():
    stepper = _framed()
    frames = stepper.frames
    assert stepper.children[-2] is frames.stack
    assert frames.link.source == (stepper.controls["x"], "value")
    assert frames.link.target == (frames.stack, "selected_index")
    # the stack counts from 0, the slider from 1: index x shows the picture of x (index 0 never shows)
    assert len(frames.stack.children) == 5 and frames.stack.children[1] is frames.image(1) is stepper.image
    # each picture a data: URL (the browser decodes it in place), its PNG at hand for Python
    assert frames.image(1).format == "url" and bytes(frames.image(1).value).startswith(b"data:image/png;base64,")
    assert stepper.png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="frames must name one of the controls"):
        FigureStepper(stepper_figure(4, 3), {}, [], {}, lambda setting: {}, [], frames="t")
    stops = ipywidgets.SelectionSlider(options=[("ten", 10), ("twenty", 20)], value=20)
    by_index = FigureStepper(stepper_figure(4, 3), {"T": stops}, [["T"]], {}, lambda setting: {}, [], frames="T").frames
    assert by_index.position == 1 and by_index.value_at(1) == 20 and by_index.position_of(10) == 0
    assert frames.value_at(3) == 3 == frames.position_of(3)  # an IntSlider's value is its position
    below_zero = ipywidgets.IntSlider(value=0, min=-1, max=2)
    with pytest.raises(ValueError, match="an IntSlider from 0 or more"):
        FigureStepper(stepper_figure(4, 3), {"x": below_zero}, [], {}, lambda setting: {}, [], frames="x")


def test_a_frame_is_never_a_picture_of_other_controls():
    stepper = _framed()
    frames, x = stepper.frames, stepper.controls["x"]
    children = lambda: frames.stack.children[x.min:]  # noqa: E731 - the values 1 … 4
    # before the kernel fills them, the other values show the one picture drawn: the only Image there is
    assert all(child is frames.image(1) for child in children())
    assert len({child.model_id for child in frames.stack.children if isinstance(child, ipywidgets.Image)}) == 1
    stepper.fill_frames()
    assert list(children()) == [frames.image(v) for v in range(1, 5)]
    first = {v: frames.png(v) for v in frames.values}
    stepper.controls["y"].value = 2  # every frame is now stale: all show the new picture of x = 1
    assert frames.png(1) != first[1]
    assert all(child is frames.image(1) for child in children())
    x.value = 3  # drawn on demand, shown at its own index, and where a picture is stale: the last one drawn
    assert frames.stack.children[3] is frames.image(3) is stepper.image
    assert [frames.stack.children[v] for v in (2, 4)] == [frames.image(3)] * 2


def test_filled_frames_are_the_pictures_the_slider_would_draw():
    stepper, on_demand = _framed(), _framed()
    for each in (stepper, on_demand):
        each.controls["y"].value = 1
    stepper.fill_frames()
    assert stepper.readout_text == "x = 1.25, x² = 1.5625"  # filling leaves the panels and readout as they were
    assert stepper.panels["dot"].point.get_xdata()[0] == 1.25
    for v in stepper.frames.values:  # the other stepper draws each when its slider gets there
        on_demand.controls["x"].value = v
        assert stepper.frames.png(v) == on_demand.png, f"x = {v}"
        np.testing.assert_array_equal(_pixels(stepper.frames.png(v)), _pixels(on_demand.png))


def test_the_kernel_fills_frames_only_while_no_cell_runs(monkeypatch):
    """when_idle's steps run from the event loop, and wait while cells keep running."""
    import asyncio

    import IPython

    from lstm_core.figures import frames

    class Loop:  # a stand-in for the kernel's event loop: callbacks run when the test says
        def __init__(self):
            self.queue = []

        def call_later(self, delay, callback, *args):
            self.queue.append((callback, args))

        def call_soon(self, callback, *args):
            self.queue.append((callback, args))

        def run_one(self):
            callback, args = self.queue.pop(0)
            callback(*args)

    class Shell:
        execution_count = 5

    loop, shell, steps = Loop(), Shell(), []
    monkeypatch.setattr(asyncio, "get_running_loop", lambda: loop)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert frames.when_idle(lambda: steps.append(1) or len(steps) < 3)
    shell.execution_count = 6  # a cell ran: the next tick only waits again
    loop.run_one()
    assert steps == [] and len(loop.queue) == 1
    while loop.queue:
        loop.run_one()
    assert steps == [1, 1, 1]  # three steps, the last of which said it was done


def test_no_kernel_no_idle_work():
    from lstm_core.figures.frames import when_idle

    assert when_idle(lambda: True) is False  # no running event loop here: nothing scheduled


def test_filling_leaves_the_panels_at_the_controls_values_even_when_a_frame_fails():
    stepper = _framed()
    assert stepper._fill_one()  # one frame drawn, more to come
    assert stepper.panels["dot"].point.get_xdata()[0] == 1  # redraw() now would draw x = 1, as shown
    compute = stepper._compute

    def fails_at_3(setting):
        if setting["x"] == 3:
            raise FloatingPointError("a frame that cannot be drawn")
        return compute(setting)

    stepper._compute = fails_at_3
    with pytest.raises(FloatingPointError):
        while stepper._fill_one():
            pass
    assert stepper._filling is False and stepper.panels["dot"].point.get_xdata()[0] == 1
