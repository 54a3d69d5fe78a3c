"""tools/slides.py: a note on a figure stays with its figure, and every slide opens with a heading."""

import copy
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDES = load_tool("slides")
new = nbformat.v4

NOTE = "*Notice: the curve falls.*"
HEADING = "## Next topic\n\nNew prose."


def _figure_cell():
    """A code cell whose stored output is a picture."""
    cell = new.new_code_cell("plt.show()")
    cell.outputs = [new.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]
    return cell


def _lesson(note_and_heading=f"{NOTE}\n\n{HEADING}"):
    heading = new.new_markdown_cell(note_and_heading, metadata={"tags": ["keep-me"]})
    return new.new_notebook(cells=[new.new_markdown_cell("# Title"), new.new_markdown_cell("About the figure:"),
                                   _figure_cell(), heading, new.new_code_cell("x = 1")])


def _types(nb):
    return [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells]


def test_prose_before_a_heading_is_split_off():
    nb = _lesson()
    heading_id = nb.cells[3].id
    SLIDES.apply(nb)
    assert [cell.source for cell in nb.cells[3:5]] == [NOTE, HEADING]
    note, heading = nb.cells[3], nb.cells[4]
    assert heading.id == heading_id and heading.metadata["tags"] == ["keep-me"]  # the heading part keeps the cell
    assert note.id != heading_id and "tags" not in note.metadata
    nbformat.validate(nb)  # ids are valid and unique (nbformat 4.5)
    assert len({cell.id for cell in nb.cells}) == len(nb.cells)


def test_note_is_a_fragment_on_its_figures_slide_and_the_heading_starts_a_slide():
    nb = _lesson()
    SLIDES.apply(nb)
    assert _types(nb) == ["slide", "fragment", "-", "fragment", "slide", "-"]


def test_prose_after_a_figure_that_does_not_end_the_section_is_still_a_subslide():
    nb = _lesson()
    nb.cells.insert(3, new.new_markdown_cell("More about the figure, and then code:"))
    nb.cells.insert(4, new.new_code_cell("y = 2"))
    SLIDES.apply(nb)
    assert _types(nb)[3:] == ["subslide", "-", "fragment", "slide", "-"]


def test_a_note_with_a_subheading_is_a_subslide():
    nb = _lesson(f"### A detail\n\n{NOTE}\n\n{HEADING}")
    SLIDES.apply(nb)
    assert nb.cells[3].source == f"### A detail\n\n{NOTE}" and _types(nb)[3:5] == ["subslide", "slide"]


def test_an_existing_slide_type_survives_the_split():
    nb = _lesson()
    nb.cells[3].metadata["slideshow"] = {"slide_type": "subslide"}  # chosen by hand
    SLIDES.apply(nb)
    assert _types(nb)[3:5] == ["fragment", "subslide"]


def test_split_is_idempotent_and_reproducible():
    nb, twin = _lesson(), _lesson()
    twin.cells[3].id = nb.cells[3].id
    assert SLIDES.apply(nb) == 1 + 6  # one split, then a slide type for each of the six cells
    once = copy.deepcopy(nb)
    assert SLIDES.apply(nb) == 0 and nb == once
    assert SLIDES.apply(nb, reset=True) == 0 and nb == once
    SLIDES.apply(twin)
    assert twin.cells[3].id == nb.cells[3].id  # the new id does not depend on chance


def test_no_split_without_prose_before_the_heading():
    for source in ("## Heading\n\nprose", "\n\n## Heading\n\nprose\n\n## Another", "Just prose.",
                   "Prose and a sub-heading:\n\n### Detail", "Code:\n\n```python\n# a comment, not a heading\n```"):
        nb = new.new_notebook(cells=[new.new_markdown_cell("# Title"), new.new_markdown_cell(source)])
        SLIDES.apply(nb)
        assert [cell.source for cell in nb.cells] == ["# Title", source]


def test_only_the_first_heading_splits():
    nb = new.new_notebook(cells=[new.new_markdown_cell("# Title"),
                                 new.new_markdown_cell("Note.\n\n## One\n\ntext\n\n## Two\n\nmore")])
    SLIDES.apply(nb)
    assert [cell.source for cell in nb.cells] == ["# Title", "Note.", "## One\n\ntext\n\n## Two\n\nmore"]


def test_a_notebook_without_cell_ids_gets_none():
    nb = _lesson()
    nb.nbformat_minor = 4
    for cell in nb.cells:
        del cell["id"]
    SLIDES.apply(nb)
    assert len(nb.cells) == 6 and not any("id" in cell for cell in nb.cells)
    nbformat.validate(nb)


def test_the_tool_rewrites_a_file_once(tmp_path):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(_lesson(), path)
    assert SLIDES.main([str(path)]) == 0
    first = path.read_text()
    assert SLIDES.main([str(path)]) == 0 and path.read_text() == first
    assert [cell.source for cell in nbformat.read(path, as_version=4).cells][3:5] == [NOTE, HEADING]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_opens_with_a_heading(path):
    """A ``slide`` cell begins with its heading: no note on the previous figure opens it
    (run ``python tools/slides.py`` on the notebook to split such cells)."""
    nb = nbformat.read(path, as_version=4)
    wrong = []
    for k, cell in enumerate(nb.cells[1:], start=1):
        if cell.metadata.get("slideshow", {}).get("slide_type") != "slide":
            continue
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        if not first.lstrip().startswith("#"):
            wrong.append((k, first[:60]))
    assert not wrong, f"{path.name}: slides that do not open with a heading: {wrong}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_title_slide_reads_from_the_back_row(path):
    """A title and a one-line promise, about 40 words at most, and no code cell shown on it."""
    cells = nbformat.read(path, as_version=4).cells
    title = cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    assert len(title.source.split()) <= 42, f"{path.name}: the title slide has {len(title.source.split())} words"
    on_title_slide = []
    for cell in cells[1:]:
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind in ("slide", "subslide"):
            break
        if kind != "skip" and kind != "notes":
            on_title_slide.append(cell)
    assert not [cell for cell in on_title_slide if cell.cell_type == "code"], f"{path.name}: code on the title slide"
    assert sum(len(cell.source.split()) for cell in on_title_slide) + len(title.source.split()) <= 42
