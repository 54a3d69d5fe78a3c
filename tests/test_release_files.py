"""A class can adopt the course: licences, a citation, a changelog and a version that agree.

The code is MIT (``LICENSE``), the content CC BY 4.0 (``LICENSE-CONTENT.md``); every notebook,
the students' copies and nbgrader's source end with a Markdown cell that says so.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from course_tools import load_tool

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
HOLDER = "the lstm-backprop contributors"


def test_the_code_is_mit_with_a_copyright_holder():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and f"Copyright (c) 2026 {HOLDER}" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and "LICENSE" in project.get("license-files", [])


def test_the_content_is_cc_by_4():
    text = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0" in text and "CC BY 4.0" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    assert HOLDER in text and "public domain" in text  # the Shakespeare excerpt is not ours to licence


def test_the_citation_names_the_contributors_and_this_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["authors"] == [{"name": "lstm-backprop contributors"}]  # an entity, no invented person
    assert citation["version"] == VERSION and citation["title"]
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}


def test_the_package_says_this_version():
    import lstm_core

    assert lstm_core.__version__ == VERSION


def test_the_changelog_starts_at_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", changelog, re.M)
    assert versions and versions[0] == VERSION, versions


def test_the_readme_points_at_every_file_a_lecturer_needs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("LICENSE", "LICENSE-CONTENT.md", "CITATION.cff", "CHANGELOG.md", "CONTRIBUTING.md"):
        assert f"]({name})" in readme, name
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for topic in ("docs/notation.md", "make notebooks", "make exercises", "make grading", "LSTM_CORE_NOISE_SEEDS"):
        assert topic in contributing, topic


def _says_both_licences(cell) -> bool:
    return (cell.cell_type == "markdown" and not cell.metadata.get("tags")
            and "CC BY 4.0" in cell.source and "MIT" in cell.source and "LICENSE-CONTENT.md" in cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_ends_with_its_licence(path):
    nb = nbformat.read(path, as_version=4)
    assert _says_both_licences(nb.cells[-1]), f"{path.name}: the last cell should be an untagged Markdown cell " \
                                              "naming CC BY 4.0 (LICENSE-CONTENT.md) and MIT"


def test_the_graded_notebooks_keep_the_licence():
    grading = load_tool("make_grading")
    for path in grading.make_exercises.lessons_with_exercises():
        assert _says_both_licences(grading.grading_notebook(path).cells[-1]), path.name


def test_the_outline_covers_every_notebook_its_minutes_and_the_graded_assignments():
    outline = (ROOT / "docs" / "outline.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        row = re.search(rf"^\| \[{path.stem[:2]} [^]]+\]\(\.\./notebooks/{path.name}\) \| (\d+) min \|", outline, re.M)
        assert row, f"docs/outline.md has no row for {path.name}"
        in_readme = re.search(rf"^\| {path.stem[:2]} [^|]+\| (\d+) min \|", readme, re.M)
        assert in_readme and in_readme.group(1) == row.group(1), f"{path.name}: the README and the outline differ"
    grading = load_tool("make_grading")
    total = 0
    for path in grading.make_exercises.lessons_with_exercises():
        assert f"`{grading.assignment_name(path)}`" in outline
        total += sum(grading.exercise_points(grading.grading_notebook(path)).values())
    assert f"{total} points in all" in outline
    for heading in ("## Prerequisites", "## A plan for two or three lectures", "## The graded assignments"):
        assert heading in outline
    assert "](docs/outline.md)" in readme
