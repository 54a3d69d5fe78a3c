"""Every notebook in real JupyterLab, in a real (headless) Chromium, as a student meets it.

For each notebook in notebooks/: open it, clear the stored outputs, Run > Run All Cells,
and wait (with a timeout) until every cell has run. Then: no cell shows an error, every
widget rendered as controls and a figure (not as text such as ``IntSlider(...)``), and in
each time stepper pressing Play and dragging the slider both change the figure. A
screenshot of each notebook, at its stepper, goes to tests/browser/screenshots/.

One notebook also opens as a slideshow (jupyterlab-rise) and moves to its next slide.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT_MS = 180_000  # the whole notebook; a stuck kernel fails here instead of hanging
FIGURE_TIMEOUT_MS = 15_000  # one figure update after a control moved
WIDGET_AS_TEXT = re.compile(r"\b(IntSlider|FloatSlider|FloatLogSlider|Play|VBox|HBox|Image|FigureStepper|"
                            r"ToggleButtons|Dropdown)\(|Error displaying widget|Loading widget")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _stored(path: Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb: dict) -> int:
    return sum(cell["cell_type"] == "code" for cell in nb["cells"])


def _widget_outputs(nb: dict) -> int:
    return sum(WIDGET_VIEW in output.get("data", {}) for cell in nb["cells"] for output in cell.get("outputs", []))


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel").get_by_text(menu, exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def _get(url: str, attempts: int = 40, pause_s: float = 0.25):
    """GET a Jupyter REST endpoint, asking again while the server answers 500.

    While a kernel is still starting, jupyter_server's kernel model lacks ``last_activity``
    and ``execution_state``, so listing kernels or sessions then fails with a 500 (the same
    as jupyter-server/enterprise_gateway#1395). The answer a moment later is the real one.
    """
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == attempts - 1:
                raise
            time.sleep(pause_s)


def _wait_for_one_steady_kernel(url: str, path: str, steady_s: float = 3.0, timeout_s: float = 90.0) -> None:
    """Wait until the notebook has had one and the same kernel for ``steady_s`` seconds.

    Soon after a page load on a fresh server, JupyterLab (4.6 here) now and then starts a
    second kernel for the notebook it opens and shuts the first one down, about a second
    after the first one reported idle. Cells sent to the first kernel then stay ``[*]``
    forever. Running the notebook only once its kernel has settled avoids that.
    """
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        sessions = [s["kernel"]["id"] for s in _get(f"{url}/api/sessions") if s["path"] == path and s.get("kernel")]
        kernels = [k["id"] for k in _get(f"{url}/api/kernels") if k["execution_state"] == "idle"]
        state = (sessions, kernels)
        if state != last:
            last, since = state, time.monotonic()
        elif len(sessions) == 1 and kernels == sessions and time.monotonic() - since >= steady_s:
            return
        time.sleep(0.25)
    pytest.fail(f"{path}: no single steady, idle kernel within {timeout_s:.0f} s (sessions, kernels: {last})")


def _shut_down_kernels(url: str) -> None:
    for session in _get(f"{url}/api/sessions"):
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture
def lab(lab_server, warm_lab):
    yield lab_server
    _shut_down_kernels(lab_server)  # one notebook's kernel at a time on a 2-core machine


def _wait_until_all_cells_ran(page, code_cells: int) -> None:
    page.wait_for_function(
        """(n) => {
            const status = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                .map(e => e.textContent.trim());
            return status && status.dataset.status === 'idle' && prompts.length === n
                && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
        }""", arg=code_cells, timeout=RUN_TIMEOUT_MS, polling=250)


def _run_all(page, attempts: int = 2) -> None:
    """Run > Run All Cells, until the first cell has started (a student would click again)."""
    started = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                     .some(e => /^\\[(\\*|\\d+)\\]:$/.test(e.textContent.trim()))"""
    for attempt in range(attempts):
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(started, timeout=10_000)
            return
        except Exception:  # playwright's TimeoutError: nothing started, try again
            pass
    pytest.fail(f"Run All Cells started no cell in {attempts} attempts of 10 s")


def _settled_src(image, quiet_s: float = 0.6, timeout_s: float = 15.0) -> str:
    """The image's ``src`` once it has stopped changing (updates arrive asynchronously)."""
    deadline = time.monotonic() + timeout_s
    src, since = image.get_attribute("src"), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = image.get_attribute("src")
        if now != src:
            src, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return src
    pytest.fail("the figure kept changing for 15 s")


def _wait_for_new_figure(page, image, old_src: str, what: str) -> None:
    try:
        page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                               arg=[image.element_handle(), old_src], timeout=FIGURE_TIMEOUT_MS)
    except Exception as error:  # playwright's TimeoutError, reported as what a student sees
        pytest.fail(f"{what} did not change the figure within {FIGURE_TIMEOUT_MS / 1000:.0f} s ({error})")


def _check_stepper(page, stepper, name: str) -> None:
    image = stepper.locator("img.widget-image")
    readout = stepper.locator(".widget-slider .widget-readout").first
    stepper.scroll_into_view_if_needed()
    page.wait_for_function("img => (img.getAttribute('src') || '').length > 0", arg=image.element_handle())
    start_value = readout.inner_text()
    before_src = _settled_src(image)
    before_png = image.screenshot()

    # Play: the time step moves and the figure follows.
    stepper.locator(".widget-play button:has(i.fa-play)").click()
    _wait_for_new_figure(page, image, before_src, f"{name}: pressing Play")
    assert readout.inner_text() != start_value, f"{name}: Play did not move the slider"
    stepper.locator(".widget-play button:has(i.fa-stop)").click()
    page.wait_for_function("([r, v]) => r.textContent.trim() === v",
                           arg=[readout.element_handle(), start_value], timeout=FIGURE_TIMEOUT_MS)

    # The slider: drag its handle to the middle of the track, as a hand on a mouse would.
    before_src = _settled_src(image)
    handle = stepper.locator(".widget-slider .noUi-handle").first.bounding_box()
    track = stepper.locator(".widget-slider .noUi-target").first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] / 2, track["y"] + track["height"] / 2, steps=8)
    page.mouse.up()
    _wait_for_new_figure(page, image, before_src, f"{name}: dragging the slider 'step t'")
    assert readout.inner_text() != start_value, f"{name}: the slider did not move"
    _settled_src(image)
    assert image.screenshot() != before_png, f"{name}: the figure looks the same after moving the slider"
    # The line of text under the figure says the step the slider now shows.
    status = stepper.locator("[role=status]")
    page.wait_for_function("([s, r]) => s.textContent.startsWith('t = ' + r.textContent.trim() + ':') || "
                           "s.textContent.startsWith('t = ' + r.textContent.trim() + ',')",
                           arg=[status.element_handle(), readout.element_handle()], timeout=FIGURE_TIMEOUT_MS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab_and_its_steppers_move(lab, page, screenshots, path):
    nb = _stored(path)
    # On a fresh server JupyterLab may ask which kernel to start; a student picks the default.
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    page.add_locator_handler(dialog, lambda: dialog.locator(".jp-mod-accept").click())
    page.goto(f"{lab}/lab/workspaces/{path.stem}/tree/notebooks/{path.name}")  # a fresh workspace each
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=RUN_TIMEOUT_MS)  # the kernel has started
    _wait_for_one_steady_kernel(lab, f"notebooks/{path.name}")
    _menu(page, "Edit", "Clear Outputs of All Cells")  # so that what we check is this run's
    _run_all(page)
    _wait_until_all_cells_ran(page, _code_cells(nb))

    errors = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"{path.name}: a cell shows an error:\n" + "\n".join(errors.all_inner_texts())

    widgets = page.locator(".jp-Notebook .jp-OutputArea-output:has(> .jupyter-widgets)")
    expected = _widget_outputs(nb)
    try:
        page.wait_for_function("n => document.querySelectorAll('.jp-Notebook .jp-OutputArea-output > .jupyter-widgets')"
                               ".length >= n", arg=expected, timeout=FIGURE_TIMEOUT_MS)
    except Exception:  # playwright's TimeoutError: reported below, with what the outputs show instead
        pass
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output")
    as_text = [text for text in outputs.all_inner_texts() if WIDGET_AS_TEXT.search(text)]
    assert not as_text, f"{path.name}: widgets shown as text, not rendered: {as_text}"
    assert widgets.count() == expected, f"{path.name}: {widgets.count()} widgets rendered, {expected} stored"
    steppers = page.locator(".jp-Notebook .jp-OutputArea-output > .widget-vbox:has(.widget-play)")
    for k in range(steppers.count()):
        _check_stepper(page, steppers.nth(k), f"{path.stem}, stepper {k + 1}")

    if steppers.count():
        steppers.first.scroll_into_view_if_needed()
        page.mouse.move(0, 0)
    page.screenshot(path=str(screenshots / f"{path.stem}.png"))


def test_a_notebook_opens_as_a_slideshow(lab, page, screenshots):
    """jupyterlab-rise shows the first notebook as slides: one per "slide" cell; → moves on."""
    path = NOTEBOOKS[0]
    slides = sum(cell["metadata"].get("slideshow", {}).get("slide_type") == "slide" for cell in _stored(path)["cells"])
    page.goto(f"{lab}/rise/notebooks/{path.name}")
    page.wait_for_function("n => document.querySelectorAll('.reveal .slides > section').length === n",
                           arg=slides, timeout=RUN_TIMEOUT_MS)
    present = "() => [...document.querySelectorAll('.reveal .slides > section')].findIndex(s => s.classList.contains('present'))"
    page.wait_for_function(f"() => ({present})() === 0")
    title = page.locator(".reveal .slides > section.present h1").first.inner_text()
    assert title.startswith(next(line.lstrip("# ") for line in _stored(path)["cells"][0]["source"]).strip()[:10])
    page.screenshot(path=str(screenshots / f"{path.stem}-slideshow.png"))
    page.locator(".reveal").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({present})() === 1", timeout=FIGURE_TIMEOUT_MS)
