"""Every notebook in real JupyterLab, in a real (headless) Chromium, as a student meets it.

For each notebook in notebooks/: open it, clear the stored outputs, Run > Run All Cells,
and wait until every cell has run. Then: no cell shows an error, every
widget rendered as controls and a figure (not as text such as ``IntSlider(...)``), and in
each time stepper pressing Play and dragging the slider both change the figure. A
screenshot of each notebook, at its stepper, goes to tests/browser/screenshots/.

One notebook also opens as a slideshow (jupyterlab-rise) and moves to its next slide.

The waits hold on a busy machine (conftest's ``budget``: limits in seconds on a quiet
machine, scaled by the slowdown measured before the test). Running the notebook has no
limit at all while it makes progress: it fails when the kernel dies, or when nothing has
changed for QUIET_S (scaled) — no cell finished, no output grew, and the kernel used no CPU
time while busy — and after HANG_GUARD_S only against a hang.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Seconds on a quiet machine, each scaled by the measured slowdown (conftest's ``budget``).
QUIET_S = 60  # a notebook's run fails when nothing at all has changed for this long
KERNEL_START_S = 90  # a notebook's kernel starts, or is replaced once, and is idle
FIGURE_S = 15  # one figure update after a control moved
HANG_GUARD_S = 1800  # only against a hang: a run still making progress is never stopped before
# The kernel's states after which its cells will never finish.
KERNEL_GONE = ("dead", "autorestarting", "restarting", "terminating")
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


def _get(url: str, budget, retry_s: float = 10.0, pause_s: float = 0.25):
    """GET a Jupyter REST endpoint, asking again while the server answers 500.

    While a kernel is still starting, jupyter_server's kernel model lacks ``last_activity``
    and ``execution_state``, so listing kernels or sessions then fails with a 500 (the same
    as jupyter-server/enterprise_gateway#1395). The answer a moment later is the real one.
    """
    deadline = time.monotonic() + budget(retry_s)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=budget(10)) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code < 500 or time.monotonic() > deadline:
                raise
            time.sleep(pause_s)


def _wait_for_one_steady_kernel(url: str, path: str, budget, steady_s: float = 1.5) -> None:
    """Wait until the notebook has had one and the same kernel for ``steady_s`` (scaled) seconds.

    Soon after a page load on a fresh server, JupyterLab (4.6 here) now and then starts a
    second kernel for the notebook it opens and shuts the first one down, about a second
    after the first one reported idle (longer on a busy machine). Cells sent to the first
    kernel then stay ``[*]`` forever. Running the notebook only once its kernel has settled
    avoids that.
    """
    steady_s, timeout_s = budget(steady_s), budget(KERNEL_START_S)
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        sessions = [s["kernel"]["id"] for s in _get(f"{url}/api/sessions", budget)
                    if s["path"] == path and s.get("kernel")]
        kernels = [k["id"] for k in _get(f"{url}/api/kernels", budget) if k["execution_state"] == "idle"]
        state = (sessions, kernels)
        if state != last:
            last, since = state, time.monotonic()
        elif len(sessions) == 1 and kernels == sessions and time.monotonic() - since >= steady_s:
            return
        time.sleep(0.25)
    pytest.fail(f"{path}: no single steady, idle kernel within {timeout_s:.0f} s (sessions, kernels: {last})")


def _shut_down_kernels(url: str, budget) -> None:
    for session in _get(f"{url}/api/sessions", budget):
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=budget(30)).close()


@pytest.fixture
def lab(lab_server, warm_lab, budget):
    yield lab_server
    _shut_down_kernels(lab_server, budget)  # one notebook's kernel at a time on a 2-core machine


# What the notebook shows of its run: the kernel's status, every code cell's prompt, and
# how many outputs, with how much text (a progress bar's text grows too).
RUN_STATE = """() => {
    const status = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
    const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
    return {status: status ? status.dataset.status : null,
            prompts: [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                .map(e => e.textContent.trim()),
            outputs: outputs.length, text: outputs.reduce((n, e) => n + e.textContent.length, 0)};
}"""


_kernel_pids: dict[str, str] = {}  # kernel id -> its process id


def _kernel_cpu_s(url: str, path: str, budget) -> float | None:
    """CPU seconds the notebook's kernel process has used (Linux's /proc), or None if unknown."""
    ids = [s["kernel"]["id"] for s in _get(f"{url}/api/sessions", budget) if s["path"] == path and s.get("kernel")]
    if len(ids) != 1 or not os.path.isdir("/proc"):
        return None
    known = _kernel_pids.get(ids[0])
    for pid in [known] if known else filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f"kernel-{ids[0]}.json".encode() not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            _kernel_pids[ids[0]] = pid
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except (OSError, IndexError, ValueError):
            continue
    return None


def _wait_until_all_cells_ran(page, url: str, path: str, code_cells: int, budget) -> float:
    """Wait until the kernel is idle and every code cell shows ``[n]:``; return the seconds it took.

    No limit while the run makes progress: a cell finishes, an output appears or grows, or
    the kernel is busy and using CPU time. Fails at once when the kernel is gone, after
    QUIET_S (scaled) with no progress at all (a kernel that waits on nothing, cells sent to
    a kernel that was replaced), and after HANG_GUARD_S only against a hang.
    """
    quiet_s = budget(QUIET_S)
    start = last_change = time.monotonic()
    last = None
    while True:
        state = page.evaluate(RUN_STATE)
        prompts, status = state["prompts"], state["status"]
        ran = sum(bool(re.fullmatch(r"\[\d+\]:", p)) for p in prompts)
        if status == "idle" and len(prompts) == code_cells and ran == code_cells:
            return time.monotonic() - start
        if status in KERNEL_GONE:
            pytest.fail(f"{path}: the kernel is {status} after {ran} of {code_cells} cells")
        cpu = _kernel_cpu_s(url, path, budget) if status == "busy" else None
        progress = (status, tuple(prompts), state["outputs"], state["text"], cpu)
        now = time.monotonic()
        if progress != last:
            last, last_change = progress, now
        elif now - last_change > quiet_s:
            waiting = next((k + 1 for k, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)), None)
            pytest.fail(f"{path}: nothing changed for {quiet_s:.0f} s (kernel {status}, {ran} of {code_cells} "
                        f"cells ran, code cell {waiting} shows {prompts[waiting - 1] if waiting else None!r})")
        if now - start > HANG_GUARD_S:
            pytest.fail(f"{path}: still running after {HANG_GUARD_S} s ({ran} of {code_cells} cells ran)")
        time.sleep(0.5)


def _run_all(page, budget, attempts: int = 2) -> None:
    """Run > Run All Cells, until the first cell has started (a student would click again)."""
    started = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                     .some(e => /^\\[(\\*|\\d+)\\]:$/.test(e.textContent.trim()))"""
    for _ in range(attempts):
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(started, timeout=budget.ms(10))
            return
        except Exception:  # playwright's TimeoutError: nothing started, try again
            pass
    pytest.fail(f"Run All Cells started no cell in {attempts} attempts of {budget(10):.0f} s")


def _settled_src(image, budget, quiet_s: float = 0.4, timeout_s: float = FIGURE_S) -> str:
    """The image's ``src`` once it has stopped changing (updates arrive asynchronously)."""
    quiet_s, timeout_s = budget(quiet_s), budget(timeout_s)
    deadline = time.monotonic() + timeout_s
    src, since = image.get_attribute("src"), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = image.get_attribute("src")
        if now != src:
            src, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return src
    pytest.fail(f"the figure kept changing for {timeout_s:.0f} s")


def _wait_for_new_figure(page, stepper, old_src: str, what: str, budget) -> None:
    """Until the stepper's figure has another ``src``: the kernel sent a new PNG, or (a stepper with
    frames) the browser swapped in another ``<img>``."""
    try:
        page.wait_for_function("([stepper, old]) => { const img = stepper.querySelector('img.widget-image');"
                               " return img !== null && img.getAttribute('src') !== old; }",
                               arg=[stepper.element_handle(), old_src], timeout=budget.ms(FIGURE_S))
    except Exception as error:  # playwright's TimeoutError, reported as what a student sees
        pytest.fail(f"{what} did not change the figure within {budget(FIGURE_S):.0f} s ({error})")


def _picture(image) -> bytes:
    """A screenshot of the stepper's figure. While the kernel fills a stepper's frames, the page
    swaps the ``<img>`` it shows, so the one found can leave the page before the screenshot is
    taken: then it is found again (``image`` is a locator)."""
    tries = 0
    while True:
        try:
            return image.screenshot()
        except Exception as error:  # playwright's Error
            tries += 1
            if "not attached" not in str(error) or tries == 10:
                raise


def _check_stepper(page, stepper, name: str, budget) -> None:
    image = stepper.locator("img.widget-image").first  # found anew at each use: frames swap the <img>
    readout = stepper.locator(".widget-slider .widget-readout").first
    stepper.scroll_into_view_if_needed()
    page.wait_for_function("s => (s.querySelector('img.widget-image')?.getAttribute('src') || '').length > 0",
                           arg=stepper.element_handle())
    start_value = readout.inner_text()
    before_src = _settled_src(image, budget)
    before_png = _picture(image)

    # Play: the time step moves and the figure follows.
    stepper.locator(".widget-play button:has(i.fa-play)").click()
    _wait_for_new_figure(page, stepper, before_src, f"{name}: pressing Play", budget)
    assert readout.inner_text() != start_value, f"{name}: Play did not move the slider"
    stepper.locator(".widget-play button:has(i.fa-stop)").click()
    page.wait_for_function("([r, v]) => r.textContent.trim() === v",
                           arg=[readout.element_handle(), start_value], timeout=budget.ms(FIGURE_S))

    # The slider: drag its handle to the middle of the track, as a hand on a mouse would.
    before_src = _settled_src(image, budget)
    handle = stepper.locator(".widget-slider .noUi-handle").first.bounding_box()
    track = stepper.locator(".widget-slider .noUi-target").first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] / 2, track["y"] + track["height"] / 2, steps=8)
    page.mouse.up()
    _wait_for_new_figure(page, stepper, before_src, f"{name}: dragging the slider 'step t'", budget)
    assert readout.inner_text() != start_value, f"{name}: the slider did not move"
    _settled_src(image, budget)
    assert _picture(image) != before_png, f"{name}: the figure looks the same after moving the slider"
    # The line of text under the figure says the step the slider now shows.
    status = stepper.locator("[role=status]")
    page.wait_for_function("([s, r]) => s.textContent.startsWith('t = ' + r.textContent.trim() + ':') || "
                           "s.textContent.startsWith('t = ' + r.textContent.trim() + ',')",
                           arg=[status.element_handle(), readout.element_handle()], timeout=budget.ms(FIGURE_S))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab_and_its_steppers_move(lab, page, screenshots, budget, request, path):
    nb = _stored(path)
    # On a fresh server JupyterLab may ask which kernel to start; a student picks the default.
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    page.add_locator_handler(dialog, lambda: dialog.locator(".jp-mod-accept").click())
    page.goto(f"{lab}/lab/workspaces/{path.stem}/tree/notebooks/{path.name}")  # a fresh workspace each
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=budget.ms(KERNEL_START_S))  # the kernel has started
    _wait_for_one_steady_kernel(lab, f"notebooks/{path.name}", budget)
    _menu(page, "Edit", "Clear Outputs of All Cells")  # so that what we check is this run's
    _run_all(page, budget)
    took = _wait_until_all_cells_ran(page, lab, f"notebooks/{path.name}", _code_cells(nb), budget)
    request.node.user_properties.append(("Run All Cells", f"{took:.0f} s at slowdown x{budget.factor:.1f}"))

    errors = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"{path.name}: a cell shows an error:\n" + "\n".join(errors.all_inner_texts())

    widgets = page.locator(".jp-Notebook .jp-OutputArea-output:has(> .jupyter-widgets)")
    expected = _widget_outputs(nb)
    try:
        page.wait_for_function("n => document.querySelectorAll('.jp-Notebook .jp-OutputArea-output > .jupyter-widgets')"
                               ".length >= n", arg=expected, timeout=budget.ms(FIGURE_S))
    except Exception:  # playwright's TimeoutError: reported below, with what the outputs show instead
        pass
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output")
    as_text = [text for text in outputs.all_inner_texts() if WIDGET_AS_TEXT.search(text)]
    assert not as_text, f"{path.name}: widgets shown as text, not rendered: {as_text}"
    assert widgets.count() == expected, f"{path.name}: {widgets.count()} widgets rendered, {expected} stored"
    steppers = page.locator(".jp-Notebook .jp-OutputArea-output > .widget-vbox:has(.widget-play)")
    for k in range(steppers.count()):
        _check_stepper(page, steppers.nth(k), f"{path.stem}, stepper {k + 1}", budget)

    if steppers.count():
        steppers.first.scroll_into_view_if_needed()
        page.mouse.move(0, 0)
    page.screenshot(path=str(screenshots / f"{path.stem}.png"))


def test_a_notebook_opens_as_a_slideshow(lab, page, screenshots, budget):
    """jupyterlab-rise shows the first notebook as slides: one per "slide" cell; → moves on
    to the next slide or sub-slide, whichever the notebook has next."""
    path = NOTEBOOKS[0]
    kinds = [cell["metadata"].get("slideshow", {}).get("slide_type") for cell in _stored(path)["cells"]]
    slides = kinds.count("slide")
    after_first = next(kind for kind in kinds[1:] if kind in ("slide", "subslide"))
    page.goto(f"{lab}/rise/notebooks/{path.name}")
    page.wait_for_function("n => document.querySelectorAll('.reveal .slides > section').length === n",
                           arg=slides, timeout=budget.ms(KERNEL_START_S))
    # [slide, sub-slide] shown: a slide with sub-slides is a <section> of <section>s
    present = """() => {
        const slides = [...document.querySelectorAll('.reveal .slides > section')];
        const h = slides.findIndex(s => s.classList.contains('present'));
        const subs = h < 0 ? [] : [...slides[h].querySelectorAll(':scope > section')];
        return JSON.stringify([h, Math.max(0, subs.findIndex(s => s.classList.contains('present')))]);
    }"""
    page.wait_for_function(f"() => ({present})() === '[0,0]'")
    title = page.locator(".reveal .slides > section.present h1").first.inner_text()
    assert title.startswith(next(line.lstrip("# ") for line in _stored(path)["cells"][0]["source"]).strip()[:10])
    page.screenshot(path=str(screenshots / f"{path.stem}-slideshow.png"))
    # Readable from the back row: the title slide's promise, under its title, as drawn on the
    # screen (reveal.js may scale the slide, so the size is the rendered one, not the CSS one).
    sizes = page.evaluate("""() => {
        const slide = document.querySelector('.reveal .slides > section.present');
        const onScreen = el => parseFloat(getComputedStyle(el).fontSize)
                                * el.getBoundingClientRect().width / el.offsetWidth;
        const promise = slide.querySelector('h3'), title = slide.querySelector('h1');
        return {promise: promise ? onScreen(promise) : 0, title: title ? onScreen(title) : 0};
    }""")
    assert sizes["promise"] >= 20, f"the title slide's promise is too small to read from the back: {sizes}"
    assert sizes["title"] <= 3 * sizes["promise"], f"the title dwarfs its promise: {sizes}"
    page.locator(".reveal").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    expected = "[0,1]" if after_first == "subslide" else "[1,0]"
    page.wait_for_function(f"e => ({present})() === e", arg=expected, timeout=budget.ms(FIGURE_S))
