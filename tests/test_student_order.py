"""Students derive, not copy.

In the students' notebooks (exercises/), no exercise's answer sits above it: not a line of
its solution, not a cell that computes the same quantity by hand. Each exercise has hints
in three collapsed steps, and every end-of-notebook question has a collapsed worked answer.
"""

import re
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[1]


MAKE = load_tool("make_exercises")
LESSONS = MAKE.lessons_with_exercises()
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: what computes each exercise's quantity by hand (code) or states its derived formula (Markdown):
#: none of it may come before the exercise in the student version (notebook 01's forward
#: equations are the definitions the student implements, so they may)
QUANTITY = {
    "lstm_step": [r"\* np\.tanh\(s", r"\ba\w* \* i\w* \+ f\w* \* s\w*", r"np\.split\(z\w*, 4\)"],
    "state_gradient": [r"1 - np\.tanh\(", r"1 - \\tanh\^2", r"\\delta S_\{t\+1\} \\odot f_\{t\+1\}",
                       r"\\partial S_\{t\+1\}/\\partial S_t = f_\{t\+1\}", r"\\partial h_t/\\partial S_t = o_t"],
    "gate_gradients": [r"\\delta S_t \\odot S_\{t-1\}", r"\\delta h_t \\odot \\tanh\(S_t\)",
                       r"ds \* (?:step\.)?s_prev", r"dh\w* \* np\.tanh\((?:step\.)?s\)", r"f_t\s*\(1 - f_t\)"],
    "input_gradient": [r"W\.T @", r"W\^\\top \\delta Z"],
    "weight_gradients": [r"np\.outer\(", r"\\delta Z_t(\s|\\,)*I_t\^\\top"],
    "sgd_update": [r"W - (lr|eta) \* [\w.]*dW", r"W - \\eta"],
    "gru_step_backward": [r"\bz \* dh\b|\bdh \* z\b", r"\(h_prev - n\)", r"\(h_\{t-1\} - n_t\)",
                          r"\(1 - n \*\* 2\)"],
    "backward_through_time": [r"reversed\(range\(", r"lstm_step_backward\(", r"\+ dh_next\b",
                              r"\\delta S_\{\\text\{next\}\} = \\delta S_"],
}


def _normalised(line: str) -> str:
    return re.sub(r"\s+", " ", line.split("#")[0]).strip()


def _solutions(nb) -> dict[str, list[str]]:
    """Each exercise's function name and the (normalised) lines of its solution."""
    found = {}
    for cell in nb.cells:
        if not MAKE.is_exercise(cell) or MAKE.is_paste(cell):  # a pasted function is its own notebook's exercise
            continue
        name = re.search(r"^def (\w+)", cell.source, re.M).group(1)
        inside, lines = False, []
        for line in cell.source.splitlines():
            marker = line.strip()
            if marker in (MAKE.BEGIN, MAKE.END):
                inside = marker == MAKE.BEGIN
            elif inside and len(_normalised(line)) >= 12 and not _normalised(line).startswith("return "):
                lines.append(_normalised(line))
        found[name] = lines
    return found


def _visible_text(cell) -> str:
    """What a student reads in a cell without opening anything: collapsed hints left out."""
    if "hints" in cell.metadata.get("tags", []):
        return re.sub(r"<details>.*?</details>", "", cell.source, flags=re.S)
    return cell.source


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def test_reveal_cells_move_below_the_check_of_the_next_exercise():
    new = nbformat.v4
    cells = [new.new_markdown_cell("question"), new.new_markdown_cell("derivation", metadata={"tags": ["reveal"]}),
             new.new_code_cell("by hand", metadata={"tags": ["reveal"]}),
             new.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    # hint: h\n    return 1\n    ### END SOLUTION"),
             new.new_code_cell("checks.check_f(f)"), new.new_markdown_cell("after")]
    order = [cell.source.split("\n")[0] for cell in MAKE.student_order(cells)]
    assert order == ["question", "def f():", "checks.check_f(f)", "derivation", "by hand", "after"]
    with pytest.raises(ValueError, match="reveal"):
        MAKE.student_order([new.new_markdown_cell("x", metadata={"tags": ["reveal"]})])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_solution_appears_above_its_exercise(path):
    lecture = nbformat.read(path, as_version=4)
    student = nbformat.read(ROOT / "exercises" / path.name, as_version=4)
    solutions = _solutions(lecture)
    assert solutions
    for name, lines in solutions.items():
        where = next(k for k, cell in enumerate(student.cells)
                     if cell.cell_type == "code" and re.search(rf"^def {name}\(", cell.source, re.M))
        for k, cell in enumerate(student.cells[:where]):
            text = _visible_text(cell)
            normalised = {_normalised(line) for line in text.splitlines()}
            copied = [line for line in lines if line in normalised]
            assert not copied, f"{path.name}: cell {k} shows {name}'s solution above it: {copied}"
            computed = [pattern for pattern in QUANTITY.get(name, []) if re.search(pattern, text)]
            assert not computed, f"{path.name}: cell {k} computes {name}'s quantity above it ({computed}):\n{text}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_exercise_has_hints_in_three_collapsed_steps(path):
    nb = nbformat.read(path, as_version=4)
    for k, cell in enumerate(nb.cells):
        if not MAKE.is_exercise(cell) or MAKE.is_paste(cell):  # a pasted function has its hints in its own notebook
            continue
        hints = [c for c in nb.cells[max(0, k - 3):k] if "hints" in _tags(c)]
        assert len(hints) == 1, f"{path.name}: cell {k} has no hints cell just above it"
        summaries = re.findall(r"<details>\s*<summary>(.*?)</summary>", hints[0].source, re.S)
        assert [s.split(":")[0].strip() for s in summaries] == ["Hint 1", "Hint 2", "Hint 3"], summaries
        assert hints[0].source.count("</details>") == 3
        assert MAKE.BEGIN not in hints[0].source


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_question_has_a_collapsed_answer(path):
    nb = nbformat.read(path, as_version=4)
    start = next(k for k, cell in enumerate(nb.cells)
                 if cell.cell_type == "markdown" and re.search(r"^## Try this", cell.source, re.M))
    questions = 0
    for k in range(start + 1, len(nb.cells)):
        cell = nb.cells[k]
        if "question" in _tags(cell):
            questions += 1
            assert re.match(r"\s*\d+\. ", cell.source), f"{path.name}: question cell {k} is not a numbered question"
            following = nb.cells[k + 1] if k + 1 < len(nb.cells) else None
            assert following is not None and "answer" in _tags(following), f"{path.name}: question {k} has no answer"
        elif cell.cell_type == "markdown" and "answer" not in _tags(cell):
            assert not re.search(r"^\s*\d+\. ", cell.source, re.M), f"{path.name}: cell {k} asks a question untagged"
        if "answer" in _tags(cell) and cell.cell_type == "markdown":
            assert cell.source.lstrip().startswith("<details>") and cell.source.rstrip().endswith("</details>")
    assert questions >= 2, f"{path.name}: {questions} questions"
    heading = nb.cells[start].source
    assert not re.search(r"^\s*\d+\. ", heading.split("## Try this", 1)[1], re.M), \
        "questions must be cells of their own"
