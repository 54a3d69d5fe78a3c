"""The course's notation (docs/notation.md): a transpose is ``^\\top``.

``T`` is the sequence length, so a transpose written ``W^T`` or ``W^{T}`` reads as "W to
the power T". In TeX the transpose is ``W^\\top`` (rendered ᵀ); plain text may use ᵀ.
Upper limits of sums and products, ``\\sum_{t=1}^{T}``, are the sequence length and stay.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOURCES = sorted((ROOT / "lstm_core").rglob("*.py"))
NOTATION = ROOT / "docs" / "notation.md"

TRANSPOSE_AS_T = re.compile(r"\^(?:T|\{T\})(?![A-Za-z_])")
UPPER_LIMIT = re.compile(r"\\(?:sum|prod)\s*_(?:\{[^{}]*\}|\w)\s*\^(?:T|\{T\})")


def transposes_written_as_T(text: str) -> list[str]:
    """Each ``^T`` or ``^{T}`` in ``text`` that is not the upper limit of a sum or product,
    with a little context."""
    text = UPPER_LIMIT.sub("", text)
    return [text[max(0, m.start() - 25):m.end() + 10] for m in TRANSPOSE_AS_T.finditer(text)]


def test_the_check_tells_a_transpose_from_a_length():
    assert len(transposes_written_as_T(r"$\delta I_t = W^T \delta Z_t$, $I_t^{T}$, Wh^T.")) == 3
    assert not transposes_written_as_T(r"$W^\top$, $\sum_{t=1}^{T} \delta Z_t$, $\prod_t^T f_t$, Wᵀ, "
                                       r"$h_T$, $x^{T-1}$, $a^{Tb}$, s^T_max, W.T @ dz")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_write_the_transpose_as_top(path):
    nb = nbformat.read(path, as_version=4)
    found = []
    for k, cell in enumerate(nb.cells):
        texts = [cell.source] + [output.get("metadata", {}).get("image/png", {}).get("alt", "")
                                 for output in cell.get("outputs", [])]
        found += [(k, hit) for text in texts for hit in transposes_written_as_T(text)]
    assert not found, f"{path.name}: a transpose written ^T (T is the sequence length), use ^\\top: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_package_writes_the_transpose_as_top(path):
    found = transposes_written_as_T(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: a transpose written ^T, use ^\\top (TeX) or ᵀ (text): {found}"


def test_the_notation_file_writes_the_transpose_as_top():
    found = transposes_written_as_T(NOTATION.read_text(encoding="utf-8"))
    assert not found, f"docs/notation.md: a transpose written ^T, use ^\\top (TeX) or ᵀ (text): {found}"
