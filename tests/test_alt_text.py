"""The stills' words (lstm_core.figures.alt_text): made apart from the drawing, from the numbers drawn."""

import ast
import inspect

import numpy as np
import pytest

from lstm_core.figures import alt_text, frameworks, stills
from lstm_core.figures.labels import STEP_GRADS
from lstm_core.params import GATE_ORDER

PLOTS = [(module, name) for module in (stills, frameworks) for name in dir(module) if name.startswith("plot_")]


def _strings(function) -> list[str]:
    """Every string constant in ``function``'s body, f-strings' literal parts included, docstring excepted."""
    tree = ast.parse(inspect.getsource(function).lstrip())
    body = tree.body[0].body[1:] if ast.get_docstring(tree.body[0]) else tree.body[0].body
    return [node.value for statement in body for node in ast.walk(statement)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


@pytest.mark.parametrize(("module", "name"), PLOTS, ids=[name for _, name in PLOTS])
def test_a_plot_function_draws_and_takes_its_words_from_alt_text_or_its_panels(module, name):
    source = inspect.getsource(getattr(module, name))
    described = source.split("return describe(fig, ")[-1]
    assert described.startswith((f"alt_text.{name.removeprefix('plot_')}(", "panel.describe(data))")), described[:60]
    sentences = [text for text in _strings(getattr(module, name))  # a title or label on the picture is no sentence
                 if len(text.split()) >= 4 and (text.rstrip().endswith(".") or ". " in text)]
    assert not sentences, f"{name} writes sentences of its own: {sentences}"


def test_every_still_has_its_words_here():
    described = {name.removeprefix("plot_") for _, name in PLOTS}
    by_a_panel = {"forward_history", "gradient_flow", "gate_gradient_heatmap"}  # one panel: its describe() says it
    assert described - by_a_panel <= set(alt_text.__all__)


def test_the_keep_bias_sweep_names_the_largest_keep_gradient_and_its_bias():
    norms = np.ones((3, 4))
    norms[:, GATE_ORDER.index("f")] = [0.5, 4.0, 2.0]
    text = alt_text.keep_bias_sweep([-1.0, 0.0, 1.0], norms, [0.1, 0.25, 0.2])
    assert "δZ_f goes from 0.5 to 2, largest 4 at b_f = 0." in text
    assert "from 0.1 through 0.25 to 0.2" in text


def test_the_weight_sum_names_its_largest_entry_by_block_and_column():
    H, D, T = 2, 3, 4
    running = np.zeros((T, 4 * H, D + H))
    running[0, 2 * H + 1, D + 1] = -7.0  # block f, the second column of h_{t-1}
    text = alt_text.weight_accumulation(running, (4, 1), D)
    assert "largest entry in size is -7, in block f, h_{t-1} column 2" in text
    assert "steps 4 to 4, 1 to 4" in text


def test_runs_count_the_runs_that_stopped_and_where_the_others_ended():
    text = alt_text.runs({"stable": [[1.0, 0.2, 0.1], [1.0, 0.6, 0.4]], "exploding": [[1.0, 1e9]]}, "loss")
    assert "stable: 0 of 2 runs stopped early, the others ended near 0.4 (median)" in text
    assert "exploding: 1 of 1 runs stopped early." in text


def test_training_curves_count_the_steps_above_a_line_only_when_each_step_is_drawn():
    curves = {"run": [3.0, 0.5, 2.0, 0.1]}
    assert "2 steps above the line" in alt_text.training_curves(curves, "loss", True, 2, (1.0, "threshold"), {})
    assert "above the line" not in alt_text.training_curves(curves, "loss", True, 1, (1.0, "threshold"), {})


def test_temperatures_name_the_likeliest_character_at_each_temperature():
    cold, warm = np.array([0.9, 0.05, 0.05]), np.array([0.3, 0.4, 0.3])
    text = alt_text.temperatures({0.5: cold, 2.0: warm}, ["a", "␣", "⏎"], np.array([0, 1]))
    assert "At τ = 0.5 the likeliest, 'a', has 0.9 and the 2 shown together 0.95" in text
    assert "at τ = 2 the likeliest, '␣', has 0.4" in text


def test_the_backward_step_says_every_size_it_is_given_by_the_label_tables_names():
    assert "Norms" not in alt_text.backward_step(None)
    text = alt_text.backward_step({"ds": 0.25, "dz_f": 3.0, "unknown": 1.0})
    assert text.endswith(f"{STEP_GRADS['ds']} 0.25, {STEP_GRADS['dz_f']} 3.")


def test_gradcheck_counts_what_passes_and_names_the_worst():
    text = alt_text.gradcheck({"W": 1e-10, "b": 3e-3, "h0": 0.0}, 1e-7)
    assert "2 of 3 below it; the largest is 0.003, for b." in text


def test_describe_stores_the_words_in_one_spaced_line_for_ipython():
    class Figure:
        pass

    fig = alt_text.describe(Figure(), "two\n   lines ")
    assert alt_text.description(fig) == "two lines"
    assert fig._repr_mimebundle_() == ({}, {"image/png": {"alt": "two lines"}})
