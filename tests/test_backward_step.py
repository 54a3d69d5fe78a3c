"""One complete backward step, in one place (lstm_core.figures.backward_step, stills.plot_backward_step):
the diagram reads without overlaps, says in words what it draws, and shows the numbers of a real step."""

import numpy as np
import pytest
from course_tools import contrast
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import lstm_core as lc
from lstm_core.figures import stills
from lstm_core.figures.alt_text import number
from lstm_core.params import gate_slice


def one_step(batch=None, seed=0):
    """A real step of a small LSTM: its params, StepTrace, StepGrads and the loss's direct term g_t."""
    D, H = 3, 4
    params = lc.init_params(D, H, seed=seed)
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    step = lc.lstm_step_forward(params, rng.standard_normal(lead + (D,)), rng.standard_normal(lead + (H,)),
                                rng.standard_normal(lead + (H,)))
    dh_loss = rng.standard_normal(lead + (H,))
    dh_next = rng.standard_normal(lead + (H,))
    grads = lc.lstm_step_backward(params, step, dh_loss + dh_next, ds_via_next=rng.standard_normal(lead + (H,)))
    return params, step, grads, dh_loss


def schematic():
    return stills.plot_backward_step()


def with_numbers():
    _, _, grads, dh_loss = one_step()
    return stills.plot_backward_step(grads, dh_loss)


def with_a_batch_and_no_split():
    return stills.plot_backward_step(one_step(batch=5)[2])


VARIANTS = [schematic, with_numbers, with_a_batch_and_no_split]


def drawn(make):
    """The figure, drawn, and its one axes."""
    fig = make()
    fig.canvas.draw()
    (ax,) = fig.axes
    return fig, ax


def shown_texts(ax):
    return [text for text in ax.texts if text.get_visible() and text.get_text()]


def texts_by_content(ax):
    return {text.get_text(): text for text in shown_texts(ax)}


# --- it builds, and describes itself -----------------------------------------------


@pytest.mark.parametrize("make", VARIANTS)
def test_the_figure_builds_and_has_a_title(make):
    fig, ax = drawn(make)
    assert ax.get_title()
    assert len(shown_texts(ax)) >= 20


def test_the_schematic_needs_no_numbers():
    _, ax = drawn(schematic)
    assert not any("‖" in text.get_text() for text in shown_texts(ax))


@pytest.mark.parametrize("make", VARIANTS)
def test_the_description_walks_through_the_flow_in_words(make):
    fig = make()
    text = fig.description
    for symbol in ("δh_t", "g_t", "path 1", "path 2", "δS_t", "δa_t", "δi_t", "δf_t", "δo_t", "δZ_t", "Wᵀ",
                   "δx_t", "W_hᵀ δZ_t", "δS_t ⊙ f_t", "δW", "δb", "step t-1"):
        assert symbol in text, symbol
    assert text.endswith(".") and "^T" not in text and "nan" not in text.split()
    assert "{" not in text.replace("_{t-1}", "").replace("_{t+1}", ""), text
    # IPython stores it as the PNG's alt text
    assert fig._repr_mimebundle_()[1]["image/png"]["alt"] == text


def test_the_description_gives_the_numbers_of_the_step_drawn():
    _, _, grads, dh_loss = one_step()
    text = stills.plot_backward_step(grads, dh_loss).description
    assert f"δS_t {number(np.linalg.norm(grads.ds))}" in text
    assert f"W_hᵀ δZ_t {number(np.linalg.norm(grads.dh_prev))}" in text
    assert f"δh_next {number(np.linalg.norm(grads.dh - dh_loss))}" in text


# --- it reads: inside the axes, nothing on top of anything -------------------------


@pytest.mark.parametrize("make", VARIANTS)
def test_every_label_is_inside_the_axes(make):
    fig, ax = drawn(make)
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in shown_texts(ax):
        box = text.get_window_extent(renderer)
        assert (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1), \
            f"{text.get_text()!r} reaches outside the axes"
    title = ax.title.get_window_extent(renderer)
    assert title.y1 <= fig.bbox.y1 and 0 <= title.x0 and title.x1 <= fig.bbox.x1


@pytest.mark.parametrize("make", VARIANTS)
def test_no_two_labels_overlap(make):
    fig, ax = drawn(make)
    renderer = fig.canvas.get_renderer()
    texts = shown_texts(ax)
    boxes = [text.get_window_extent(renderer) for text in texts]
    for k, (text, box) in enumerate(zip(texts, boxes)):
        for other, other_box in zip(texts[k + 1:], boxes[k + 1:]):
            assert not box.overlaps(other_box), f"{text.get_text()!r} overlaps {other.get_text()!r}"


@pytest.mark.parametrize("make", VARIANTS)
def test_every_formula_fits_inside_its_box(make):
    fig, ax = drawn(make)
    renderer = fig.canvas.get_renderer()
    boxes = [patch.get_window_extent(renderer) for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    region = max(boxes, key=lambda box: box.width * box.height)  # the box around the whole of step t
    boxes = [box for box in boxes if box is not region]
    inside_a_box = 0
    for text in shown_texts(ax):
        extent = text.get_window_extent(renderer)
        anchor = ax.transData.transform(text.get_position())
        for box in boxes:
            if box.contains(*anchor):
                inside_a_box += 1
                assert (box.x0 < extent.x0 and extent.x1 < box.x1 and box.y0 < extent.y0 and extent.y1 < box.y1), \
                    f"{text.get_text()!r} spills out of its box"
    assert inside_a_box >= 12


@pytest.mark.parametrize("make", VARIANTS)
def test_labels_are_large_enough_to_project(make):
    _, ax = drawn(make)
    assert all(text.get_fontsize() >= 11 for text in shown_texts(ax))
    assert ax.title.get_fontsize() >= 11


def test_text_and_coloured_arrows_meet_wcag_aa_contrast():
    """Text 4.5:1 against every fill in the drawing; arrows 3:1 against step t's grey."""
    _, ax = drawn(with_numbers)
    fills = {to_rgb(patch.get_facecolor()) for patch in ax.patches
             if isinstance(patch, FancyBboxPatch) and patch.get_facecolor()[3] > 0} | {(1.0, 1.0, 1.0)}
    for text in shown_texts(ax):
        assert min(contrast(text.get_color(), fill) for fill in fills) >= 4.5, text.get_text()
    for arrow in (patch for patch in ax.patches if isinstance(patch, FancyArrowPatch)):
        assert contrast(arrow.get_edgecolor(), "0.96") >= 3.0, arrow.get_edgecolor()


def test_colour_is_not_the_only_carrier_of_meaning():
    """The paths and the gates, told apart by colour, are also named in words."""
    _, ax = drawn(schematic)
    words = " ".join(text.get_text() for text in shown_texts(ax))
    assert "path 1" in words and "path 2" in words
    for name in "aifo":
        assert f"\\delta {name}_t =" in words and f"\\delta Z_{name} =" in words


# --- the numbers are those of the step --------------------------------------------


def test_each_number_is_the_norm_of_its_gradient():
    params, step, grads, dh_loss = one_step()
    _, ax = drawn(lambda: stills.plot_backward_step(grads, dh_loss))
    texts = [text.get_text() for text in shown_texts(ax)]
    W = params.W
    dI = W.T @ grads.dz  # δI_t = Wᵀ δZ_t, straight from the equation
    H = grads.ds.shape[-1]
    expected = {
        "δS_t": grads.ds, "δh_t": grads.dh, "g_t": dh_loss, "δh_next": grads.dh - dh_loss,
        "path 1": grads.dh * step.o * (1 - np.tanh(step.s) ** 2), "path 2": grads.ds_via_next,
        "δa_t": grads.ds * step.i, "δo_t": grads.dh * np.tanh(step.s),
        "δZ_f": grads.ds * step.s_prev * step.f * (1 - step.f),
        "δI_t": dI, "W_hᵀ δZ_t": dI[-H:], "δS_t ⊙ f_t": grads.ds * step.f,
    }
    for name, values in expected.items():
        assert f"‖·‖ = {number(np.linalg.norm(values))}" in texts, name
    assert any(f"= {number(np.linalg.norm(np.outer(grads.dz, step.I)))}" in text for text in texts)
    np.testing.assert_allclose(grads.dz[gate_slice("f", H)], expected["δZ_f"])


def test_without_the_loss_direct_term_g_t_is_not_split():
    _, _, grads, _ = one_step()
    _, ax = drawn(lambda: stills.plot_backward_step(grads))
    numbers = [text for text in shown_texts(ax) if text.get_text().startswith("‖·‖")]
    assert len(numbers) == 16  # 11 of the 12 boxes (δW writes "this step"), path 1 and 2, δx_t, W_hᵀ δZ_t, δS_t ⊙ f_t


def test_asks_for_the_gradients_of_one_step():
    params, _, _, _ = one_step()
    trace = lc.lstm_forward(params, np.ones((3, 3)))
    with pytest.raises(TypeError, match="StepGrads"):
        stills.plot_backward_step(lc.lstm_backward(trace, np.ones((3, 4))))


def test_a_loss_gradient_of_the_wrong_shape_is_refused():
    _, _, grads, dh_loss = one_step()
    with pytest.raises(ValueError, match="dh_loss"):
        stills.plot_backward_step(grads, dh_loss[:2])
