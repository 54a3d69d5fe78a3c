"""Every number a notebook's prose quotes is shown by that notebook (issue 19, A.12).

The README promises that every number an answer quotes is printed. This test reads each
``notebooks/*.ipynb`` and fails when its prose quotes a number that nothing in the same
notebook shows. Run it as a script for the full list (cell index, number, context)::

    .venv/bin/python tests/test_prose_numbers.py            # every notebook
    .venv/bin/python tests/test_prose_numbers.py notebooks/06_training.ipynb

**Prose** is every markdown cell, folded ``<details>`` answers included, TeX (``$…$``) and
inline code included. **Evidence** is, in the same notebook: every code cell's source (so an
input set in code, ``T = 50``, backs "T = 50"), every text output (stream text, and the
``text/plain``, ``text/html``, ``text/markdown``, ``text/latex`` of ``execute_result`` and
``display_data``), and every image's alt text (``outputs[k].metadata["image/png"]["alt"]``).
Error outputs are not evidence, nor is the ``text/plain`` repr of a widget (the reader sees
the widget, not ``FigureStepper(children=…)``). Raw cells are neither. Evidence anywhere in
the notebook counts, also in a cell after the sentence (the report notes those cases).

**Which prose numbers are checked** (after reading ``−`` as ``-``, ``10⁻⁴`` as ``10^{-4}``,
``\\frac{1}{6}`` as ``1/6``, ``9,000`` / ``9 000`` / ``10\\,000`` as ``9000``):

- a decimal, ``0.56``, ``1.10``, ``-0.1``;
- a number in scientific notation, ``3e-4``, ``3·10⁻⁴``, ``3 \\times 10^{-4}``,
  ``$3 \\cdot 10^{-4}$``, and a bare power of ten, ``10^{-7}``, ``1e-30``;
- a fraction of two integers, ``1/6``;
- a percentage, ``0.2 %``, ``5%``;
- an integer of two or more digits, ``450×``, ``26–38``, ``1200 steps``.

Not checked: one-digit integers ("two steps", "Step 2", "ln V ≈ 4"), numbers written in
words ("a few hundred times": not checkable), digits inside a word or name (``h_1``,
``x_{t-1}``, ``W2``, ``02_state_gradient``, ``3rd``, ``A.12``), subscripts, exponents of
anything but 10 (``e^{-8}``, ``0.5^{99}``: the base ``0.5`` is still checked), link
targets, URLs, HTML tags and comments, a heading's section number (``# 3 · …``), years in a
citation ("Gers et al. (2000)", "1997"), and versions and licences ("Python 3.10",
"CC BY 4.0"). A number inside inline code is exempt when the code span's whole text
(``seed=3``) appears in a code cell; otherwise it is checked like any other.

**When a number is backed**: some evidence number, taken without its sign, equals it after
rounding to the digits the prose gives:

- decimal with d decimals: the evidence rounds to it at d decimals (prose ``0.56`` is backed
  by ``0.5614`` or ``0.56``; prose ``0.6`` by ``0.56``; prose ``0.561`` is *not* backed by
  a printed ``0.56``: the prose claims more than was shown);
- scientific notation with s significant digits in the mantissa: the evidence rounds to it
  at s significant digits (``3·10⁻⁴`` is backed by ``3.1e-04``, ``2.6e-3`` by ``0.0026``);
- a bare power of ten, ``10^n`` or ``1e<n>``: an order of magnitude, backed by evidence
  within half a decade (``10^{-30}`` by ``7.9e-31``);
- an integer: significant up to its last non-zero digit, and to at least two digits
  (``450×`` is backed by ``451.3``, ``38`` by ``38`` or ``37.6``, ``50`` by ``50.4`` but
  not ``47``, ``1200`` by ``1200`` or ``1.2e3``);
- a fraction p/q: the same ``p/q`` in the evidence, or a number equal to p/q at two
  significant digits (``1/6`` by ``0.167`` or ``0.17``, not by ``0.16`` or ``0.29``);
- a percentage: the number itself (``0.2 %`` by ``0.2``) or the fraction it stands for,
  with two more decimals (``0.2 %`` by ``0.002`` or ``0.0021``).

**Exempt** (exact constants that the prose derives, not claims about a run):

(a) ``EXACT_CONSTANTS`` below: a short list, each entry with the reason it is exact;
(b) markup, for one cell: an HTML comment anywhere in the markdown cell,

    ``<!-- exact: 1/6, 0.167 -->``

lists numbers of that cell, written as in the prose (read the same way: ``1/4``,
``3·10⁻⁴``, ``0.25``), that the test must not check anywhere in that cell. The comment
renders as nothing on GitHub, in JupyterLab and in ``make site``. Use it for a derived
exact value ("the mean's error is 1/6 ≈ 0.167") or a setting the prose states, never for a
measured result: print that instead.

**Limits.** The test catches numbers that nothing shows, not numbers shown for something
else: a low-precision ``0.6`` is backed by any shown number from 0.55 to 0.65 anywhere in
the notebook. Numbers in words ("a few hundred times", "tens to hundreds") and what a
sentence says about a number are for the reader. A failure's context is the cell as the
test reads it (``−`` as ``-``, ``10⁻⁴`` as ``10^{-4}``, ``9,000`` as ``9000``).
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# (a) Exact constants: what the prose derives, valid for every run. The key is the number as
# the checker reads it (after normalising, see `normalise`); the value says why it is exact.
EXACT_CONSTANTS = {
    "1/4": "the largest slope of σ, σ'(0) = 1/4 (03, 05)",
}

# (b) The per-cell markup.
EXACT_MARKUP = re.compile(r"<!--\s*exact\s*:(?P<numbers>.*?)-->", re.S | re.I)

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")

# ---------------------------------------------------------------------------------------
# Reading numbers the way a reader does
# ---------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺·", "0123456789-+.")
_SUPER_RUN = re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+(?:·[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)")
# Minus signs read as "-"; an en dash (26–38) stays a range.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " "})


def normalise(text: str) -> str:
    """Text with one spelling per number: ``-`` for minus, ``10^{-4}`` for ``10⁻⁴``, …"""
    text = text.translate(_MINUS)
    text = re.sub(r"(?<=\d)[\u2009\u202f\u00a0](?=\d{3}(?!\d))", "", text)  # 9 000 (thin space)
    text = text.translate(_SPACES)
    text = _SUPER_RUN.sub(lambda m: "^{" + m.group(1).translate(_SUPERSCRIPTS) + "}", text)
    # TeX: \frac{1}{6} -> 1/6, thin spaces and braces around a bare number.
    text = re.sub(r"\\[dt]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}", r"\1/\2", text)
    text = re.sub(r"\\frac\s*(\d)(\d)", r"\1/\2", text)
    text = re.sub(r"(?<=\d)\\[,;! ]\s*(?=\d{3}(?!\d))", "", text)  # 10\,000
    text = re.sub(r"(?<=\d)\{,\}(?=\d)", ".", text)  # 0{,}5 (decimal comma in TeX)
    # Thousands separators: 9,000 (only groups of exactly three digits; not "1, 000").
    text = re.sub(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d.]|,\d)",
                  lambda m: m.group(1) + m.group(2).replace(",", ""), text)
    text = re.sub(r"(?<=\d)_(?=\d{3})", "", text)  # 1_000 in code
    return text


# A number, read left to right; the first alternative that fits wins.
_MANT = r"(?P<mant>\d+(?:\.\d+)?|\.\d+)"
_EXP = r"\^\s*\{?\s*(?P<exp>[-+]?\s*\d+(?:\.\d+)?)\s*\}?"
NUMBER = re.compile(
    r"(?<![\w.])(?:"
    # 3·10^{-4}, 3 \cdot 10^{-4}, 3 \times 10^{-4}, 3 × 10^-4, 3*10**-4
    rf"{_MANT}\s*(?:·|\\cdot|\\times|×|\*|x)\s*10(?:\s*{_EXP}|\*\*\(?(?P<exp2>[-+]?\d+)\)?)"
    # 10^{-4}, 10^-4, 10**-4
    rf"|(?P<ten>10)(?:\s*{_EXP.replace('exp', 'texp')}|\*\*\(?(?P<texp2>[-+]?\d+)\)?)"
    # 3e-4, 3.1e-04, 1E+2
    r"|(?P<emant>\d+(?:\.\d+)?|\.\d+)[eE](?P<eexp>[-+]?\d+)"
    # 1/6 (not a date, not a path, not part of a longer ratio)
    r"|(?P<num>\d+)\s*/\s*(?P<den>\d+)(?![\d./])"
    # 0.56, .05, 1200
    r"|(?P<plain>\d+\.\d+|\.\d+|\d+)"
    r")(?P<pct>\s*(?:%|\\%|percent))?"
)


@dataclass
class Number:
    """One number as written: its value and the interval of values that back it."""

    text: str
    value: float
    kind: str  # "decimal", "scientific", "power", "fraction", "integer"
    low: float
    high: float
    percent: bool = False
    alternatives: list = field(default_factory=list)  # more (low, high) intervals

    def intervals(self):
        return [(self.low, self.high), *self.alternatives]


def _half_unit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals)


def _interval(centre: float, half: float):
    slack = 1e-9 * max(abs(centre), half)  # printed 0.555 rounds to 0.56 or 0.55: take both
    return abs(centre) - half - slack, abs(centre) + half + slack


def parse(match: re.Match) -> Number | None:
    """The Number a NUMBER match stands for, with the interval that backs it."""
    g = match.groupdict()
    text = match.group(0).strip()
    if g["mant"] is not None:
        mantissa, exponent = g["mant"], float((g["exp"] or g["exp2"]).replace(" ", ""))
        value = float(mantissa) * 10 ** exponent
        digits = len(mantissa.replace(".", "").lstrip("0")) or 1
        if mantissa == "1":
            return _power(text, exponent)
        half = 0.5 * 10 ** (math.floor(math.log10(value)) - digits + 1)
        return Number(text, value, "scientific", *_interval(value, half))
    if g["ten"] is not None:
        return _power(text, float((g["texp"] or g["texp2"]).replace(" ", "")))
    if g["emant"] is not None:
        mantissa, exponent = g["emant"], int(g["eexp"])
        value = float(mantissa) * 10.0 ** exponent
        if float(mantissa) == 0:
            return Number(text, 0.0, "scientific", 0.0, 0.0)
        if re.fullmatch(r"1(\.0*)?", mantissa) and "." not in mantissa:
            return _power(text, exponent)
        digits = len(mantissa.replace(".", "").lstrip("0")) or 1
        half = 0.5 * 10 ** (math.floor(math.log10(value)) - digits + 1)
        return Number(text, value, "scientific", *_interval(value, half))
    if g["num"] is not None:
        den = int(g["den"])
        if den == 0:
            return None
        value = int(g["num"]) / den
        # Two significant digits: 1/6 is backed by 0.167 or 0.17, not by 0.16.
        half = 0.5 * 10 ** (math.floor(math.log10(value)) - 1) if value else 0.0
        return Number(f"{g['num']}/{g['den']}", value, "fraction", *_interval(value, half))
    plain = g["plain"]
    value = float(plain)
    if "." in plain:
        decimals = len(plain.split(".")[1])
        number = Number(text, value, "decimal", *_interval(value, _half_unit(decimals)))
    else:
        # Significant up to the last non-zero digit, and to at least two digits: 450 stands
        # for 445 to 455, 50 for 49.5 to 50.5, 9000 for 8950 to 9050.
        zeros = len(plain) - len(plain.rstrip("0")) if value else 0
        zeros = max(0, min(zeros, len(plain.lstrip("0")) - 2))
        number = Number(text, value, "integer", *_interval(value, 0.5 * 10 ** zeros))
        decimals = -zeros
    if g["pct"]:
        number.percent = True
        number.alternatives.append(_interval(value / 100, _half_unit(decimals + 2)))
    return number


def _power(text: str, exponent: float) -> Number:
    """10^n claims an order of magnitude: anything within half a decade backs it."""
    return Number(text, 10 ** exponent, "power", 10 ** (exponent - 0.5), 10 ** (exponent + 0.5))


# ---------------------------------------------------------------------------------------
# Prose: which numbers are claims
# ---------------------------------------------------------------------------------------

# Spans that hold digits but no claim; each is blanked (same length) before numbers are read.
NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.S),  # HTML comments (the exact: markup included)
    re.compile(r"<[^<>\n]+>"),  # HTML tags and their attributes
    re.compile(r"\]\([^)\s]*\)"),  # markdown link targets
    re.compile(r"https?://\S+"),  # bare URLs
    re.compile(r"^\s{0,3}#{1,6}\s*[\d.]+(?=\s)", re.M),  # a heading's section number
    re.compile(r"_\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|_\s*[\w-]+"),  # subscripts, snake_case
    re.compile(r"(?<!\b10)(?<!\d10)\s*\^\s*(?:\{[^{}]*\}|-?[\w.]+)"),  # exponents of all but 10
    re.compile(r"(?<=[\w)\]])(?<!\b10)\*\*\(?[-+]?\d+(?:\.\d+)?\)?"),  # x**2, not **bold**
    # Citation years: "(1997)", "et al. 2000", "Hochreiter & Schmidhuber 1997", "2013)".
    re.compile(r"(?:\(|\bal\.,?\s*|[A-Z][a-z]+,?\s+)(?:19|20)\d\d[a-z]?\b(?=[),;:.\s]|$)"),
    re.compile(r"\b(?:19|20)\d\d(?=\))"),
    re.compile(r"\b(?:19|20)\d\d-\d\d(?:-\d\d)?\b"),  # dates, 2024-05-01
    re.compile(r"(?:©|\(c\)|(?i:copyright))\s*(?:19|20)\d\d\b"),  # a copyright year, © 2026
    # References, not quantities: "notebook 05", "question 3", "issue 19", "figure 2.1".
    re.compile(r"(?i)\b(?:notebooks?|questions?|exercises?|sections?|figures?|fig\.|"
               r"chapters?|lessons?|tables?|equations?|eq\.|issues?|parts?|cells?)\s+"
               r"\d+(?:\.\d+)*"),
    # Versions and licences.
    re.compile(r"(?i)\b(?:python|numpy|jupyter(?:lab)?|matplotlib|pytorch|torch|ipywidgets|"
               r"nbformat|nbgrader|version)\s*[<>=~]*\s*\d+(?:\.\d+)*\+?"),
    re.compile(r"\bv\d+(?:\.\d+)+\b"),  # v1.2
    re.compile(r"(?i)\b(?:cc[- ]by(?:-[a-z]+)*|apache(?:[- ]license)?,?(?: version)?|"
               r"gpl-?v?|lgpl-?v?|agpl-?v?|bsd-?)\s*\d+(?:\.\d+)*(?:-clause)?"),
    re.compile(r"(?i)\b(?:wcag|aa|html|python)\s*\d+(?:\.\d+)*"),
]
# Digits glued to letters are names, not numbers: 3rd, 2D, x1, 02_state_gradient.
GLUED = re.compile(r"[A-Za-z_]")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def _blank(text: str, span) -> str:
    start, end = span
    return text[:start] + "".join(c if c == "\n" else " " for c in text[start:end]) + text[end:]


@dataclass
class Claim:
    """A number the prose quotes, where it stands."""

    cell: int
    number: Number
    context: str


def exact_listed(source: str) -> set[float]:
    """Values listed by the cell's ``<!-- exact: … -->`` comments."""
    values = set()
    for markup in EXACT_MARKUP.finditer(source):
        for item in re.split(r"[,;]", markup.group("numbers")):
            match = NUMBER.search(normalise(item.strip()))
            if match and (number := parse(match)):
                values.add(round(number.value, 12))
    return values


def prose_claims(cell_index: int, source: str, code_text: str) -> list[Claim]:
    """The numbers one markdown cell quotes, minus what is exempt."""
    exempt = exact_listed(source)
    exempt |= {round(parse(NUMBER.search(k)).value, 12) for k in EXACT_CONSTANTS}
    text = normalise(source)
    # Code blocks, and inline code whose text is in a code cell: inputs set in code.
    code_squashed = re.sub(r"\s+", "", normalise(code_text))
    spans = [m.span() for m in FENCE.finditer(text)]
    spans += [m.span() for m in INLINE_CODE.finditer(text)
              if re.sub(r"\s+", "", m.group(2)) in code_squashed]
    spans += [m.span() for pattern in NOT_PROSE for m in pattern.finditer(text)]
    for span in spans:
        text = _blank(text, span)
    claims = []
    normalised = normalise(source)
    for match in NUMBER.finditer(text):
        start, end = match.span()
        if end < len(text) and GLUED.match(text[end]) and not match.group("pct"):
            # 3rd, 2D, 12th: a name. But 450x and 3e-4 are numbers (handled by NUMBER).
            if not (text[end] == "x" and (end + 1 == len(text) or not text[end + 1].isalpha())):
                continue
        number = parse(match)
        if number is None:
            continue
        if number.kind == "integer" and len(match.group("plain").lstrip("0") or "0") < 2 \
                and not number.percent:
            continue  # one-digit integers: "Step 2", "two steps", "ln V ≈ 4"
        if number.kind == "integer" and match.group("plain").startswith("0"):
            continue  # notebook numbers: "notebook 05"
        if round(number.value, 12) in exempt:
            continue
        claims.append(Claim(cell_index, number, _context(normalised, start, end)))
    return claims


def _context(normalised: str, start: int, end: int, width: int = 60) -> str:
    """About `width` characters of the normalised cell around a number, on one line."""
    half = max(10, (width - (end - start)) // 2)
    return re.sub(r"\s+", " ", normalised[max(0, start - half): end + half]).strip()


# ---------------------------------------------------------------------------------------
# Evidence: what the notebook shows
# ---------------------------------------------------------------------------------------


def evidence_texts(nb) -> list[tuple[int, str, bool]]:
    """(cell index, text, is code) for every code source, text output and alt text."""
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        texts.append((index, cell.source, True))
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                texts.append((index, _joined(output.get("text", "")), False))
            elif kind in ("execute_result", "display_data"):
                data = output.get("data", {})
                for mime in TEXT_MIMES:
                    if mime in data and not (mime == "text/plain" and WIDGET_MIME in data):
                        texts.append((index, _joined(data[mime]), False))
                for mime, meta in (output.get("metadata") or {}).items():
                    if mime.startswith("image/") and isinstance(meta, dict) and meta.get("alt"):
                        texts.append((index, meta["alt"], False))
    return texts


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


EVIDENCE_NUMBER = re.compile(
    r"(?P<sci>(?:\d+(?:\.\d+)?|\.\d+)\s*(?:·|\\cdot|\\times|×|\*)\s*10\s*(?:\^\s*\{?\s*"
    r"(?P<exp>[-+]?\s*\d+)\s*\}?|\*\*\s*\(?(?P<exp2>[-+]?\d+)\)?))"
    r"|(?P<ten>(?<![\d.])10\s*(?:\^\s*\{?\s*(?P<texp>[-+]?\s*\d+(?:\.\d+)?)\s*\}?|"
    r"\*\*\s*\(?(?P<texp2>[-+]?\d+(?:\.\d+)?)\)?))"
    r"|(?P<plain>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)(?P<pct>\s*%)?"
    r"|(?P<frac>\d+\s*/\s*\d+)"
)


class Evidence:
    """The absolute values a notebook shows, each with the first cell that shows it.

    Outputs and alt texts back a prose number after rounding; a code cell's source backs
    only the same value (an input set in code is quoted as set: ``T = 50``, ``lr = 3e-4``).
    """

    def __init__(self, shown: dict, coded: dict, fractions: dict):
        self.values = sorted(shown)
        self.cells = [shown[v] for v in self.values]
        self.coded = coded
        self.fractions = fractions

    @classmethod
    def of(cls, nb) -> Evidence:
        shown: dict[float, int] = {}
        coded: dict[float, int] = {}
        fractions: dict[str, int] = {}
        for cell, raw, is_code in evidence_texts(nb):
            found = coded if is_code else shown
            for value, fraction in _evidence_numbers(normalise(raw)):
                value = abs(value)
                if math.isfinite(value) and cell < found.get(value, math.inf):
                    found[value] = cell
                if fraction:
                    fractions.setdefault(fraction, cell)
        return cls(shown, coded, fractions)

    def first_cell(self, number: Number) -> int | None:
        """The first cell whose evidence backs `number`, or None."""
        cells = []
        if number.kind == "fraction" and number.text in self.fractions:
            cells.append(self.fractions[number.text])
        exact = [abs(number.value)] + ([abs(number.value) / 100] if number.percent else [])
        cells += [c for value, c in self.coded.items()
                  if any(math.isclose(value, e, rel_tol=1e-9, abs_tol=1e-300) for e in exact)]
        for low, high in number.intervals():
            i = bisect.bisect_left(self.values, low)
            j = bisect.bisect_right(self.values, high)
            if i < j:
                cells.append(min(self.cells[i:j]))
        return min(cells) if cells else None


def _evidence_numbers(text: str):
    """(value, fraction text or None) for every number in an evidence text."""
    for m in EVIDENCE_NUMBER.finditer(text):
        if m.group("sci"):
            mantissa = float(re.match(r"[\d.]+", m.group("sci")).group(0))
            exp = (m.group("exp") or m.group("exp2")).replace(" ", "")
            yield mantissa * 10.0 ** int(exp), None
        elif m.group("ten"):
            exp = (m.group("texp") or m.group("texp2")).replace(" ", "")
            yield 10.0 ** float(exp), None
            yield 10.0, None
        elif m.group("plain"):
            try:
                value = float(m.group("plain"))
            except ValueError:
                continue
            yield value, None
            if m.group("pct"):
                yield value / 100, None
        else:
            num, den = (int(p) for p in m.group("frac").split("/"))
            yield num, None
            yield den, None
            if den:
                yield num / den, f"{num}/{den}"


# ---------------------------------------------------------------------------------------
# One notebook
# ---------------------------------------------------------------------------------------


@dataclass
class Finding:
    cell: int
    number: str
    context: str
    backed_in: int | None  # the first cell that backs it; None: nothing does

    def __str__(self):
        return f"cell {self.cell:>2}  {self.number:<12} …{self.context}…"


def check_notebook(nb) -> list[Finding]:
    """Every number the prose quotes, each with the first cell that backs it (or None)."""
    evidence = Evidence.of(nb)
    code_text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    findings = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for claim in prose_claims(index, cell.source, code_text):
            findings.append(Finding(index, claim.number.text, claim.context,
                                    evidence.first_cell(claim.number)))
    return findings


def unbacked(path) -> list[Finding]:
    """The prose numbers of the notebook at `path` that nothing in it shows."""
    return [f for f in check_notebook(nbformat.read(path, as_version=4)) if f.backed_in is None]


# ---------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------


def fixture_notebook():
    """A tiny notebook with one number of each kind the checker must handle.

    Built here rather than stored as an .ipynb: `pytest` runs with ``--nbval``, which would
    collect any notebook under tests/ and execute it.
    """
    new = nbformat.v4
    printed = new.new_code_cell("print(ratio, slope)", execution_count=1, outputs=[
        new.new_output("stream", name="stdout", text="ratio 0.5614 slope 3.1e-04\n")])
    figure = new.new_code_cell("show()", execution_count=2, outputs=[
        new.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
                       metadata={"image/png": {"alt": "Bars of heights 12.5 and 47."}})])
    setting = new.new_code_cell("T = 50\nlr = 0.05", execution_count=3, outputs=[])
    return new.new_notebook(cells=[
        new.new_markdown_cell("# 1 · A fixture, Python 3.10, cited (Gers et al., 2000)"),
        printed,
        new.new_markdown_cell(
            "The ratio is 0.56, roughly 0.6 per step. The slope falls to $3 \\cdot 10^{-4}$, "
            "or 3·10⁻⁴, never below $10^{-4}$. The bars are 12.5 and 47 high."),
        figure,
        setting,
        new.new_markdown_cell(
            "With $T = 50$ steps and `lr = 0.05`, the loss falls by 0.731. "
            "<details><summary>Answer</summary>It ends near 2.5e-3.</details>"),
        new.new_markdown_cell(
            "The gate's slope is $e^{-8}$ times 0.125 <!-- exact: 0.125 -->, and $h_{12}$ "
            "(step 14) follows $0.5^{99}$, as notebook 05 says."),
    ])


def test_the_checker_reads_the_fixture(tmp_path):
    findings = check_notebook(fixture_notebook())
    found = {(f.cell, f.number): f.backed_in for f in findings}
    # Backed: fewer digits than printed, scientific notation, an alt text, a code input.
    assert found[(2, "0.56")] == 1 and found[(2, "0.6")] == 1
    assert found[(2, "3 \\cdot 10^{-4}")] == 1 and found[(2, "3·10^{-4}")] == 1
    assert found[(2, "10^{-4}")] == 1
    assert found[(2, "12.5")] == 3 and found[(2, "47")] == 3
    assert found[(5, "50")] == 4
    # Not checked: the heading's section number, the version, the citation year, the
    # exempt 0.125, e^{-8}'s exponent, the subscript, a one-digit number, the notebook
    # number, and the inline code set in a code cell (its 0.05 is also in the code).
    numbers = {f.number for f in findings}
    assert not numbers & {"1", "3.10", "2000", "0.125", "8", "-8", "99", "05", "0.05"}, numbers
    # Not backed, each reported: in the prose, in a folded answer, a base, a step number.
    expected = [(5, "0.731"), (5, "2.5e-3"), (6, "14"), (6, "0.5")]
    assert [(f.cell, f.number) for f in findings if f.backed_in is None] == expected
    # The same through a file, as the per-notebook test reads it.
    path = tmp_path / "fixture.ipynb"
    nbformat.write(fixture_notebook(), path)
    assert [(f.cell, f.number) for f in unbacked(path)] == expected


@pytest.mark.parametrize("prose, checked", [
    ("a clipped run peaks at 26–38", ["26", "38"]),
    ("about 450× smaller, a 450-fold drop, 450x", ["450", "450", "450"]),
    ("falls from $1/4$ to $e^{-8} \\approx 3 \\cdot 10^{-4}$", ["3 \\cdot 10^{-4}"]),
    ("$0.5^{99} \\approx 10^{-30}$, or 0.5⁹⁹ ≈ 1e-30", ["0.5", "10^{-30}", "0.5", "1e-30"]),
    ("ln V ≈ 4 at step 2 of notebook 05, question 12, issue 19", []),
    ("mean keep gate 0.50, 0.2 % below 0.05", ["0.50", "0.2 %", "0.05"]),
    ("$T = 50$, $H = 16$ and $h_{12}$, `W_2`, 3rd, 2D", ["50", "16"]),
    ("Python 3.10, CC BY 4.0, Hochreiter & Schmidhuber 1997, (Gers et al., 2000)", []),
    ("## 2.3 The keep gate\n[see](../docs/notation_2024.md) <img width=\"400\">", []),
    ("−1.4·10⁻³ and 9,000 characters", ["1.4·10^{-3}", "9000"]),
])
def test_what_counts_as_a_claim(prose, checked):
    assert [c.number.text.lstrip("-") for c in prose_claims(0, prose, "")] == checked


@pytest.mark.parametrize("number, backed, not_backed", [
    ("0.56", [0.5614, 0.56, 0.555], [0.5651, 0.55]),
    ("0.561", [0.5614], [0.56]),
    ("3·10⁻⁴", [3.1e-4, 2.6e-4], [3.6e-4, 3e-5]),
    ("$2.6 \\times 10^{-3}$", [0.0026, 2.63e-3], [2.7e-3]),
    ("10^{-30}", [7.9e-31, 2e-30], [1e-31, 5e-30]),
    ("1e-30", [7.9e-31], [1e-29]),
    ("450×", [451.3, 449.0], [460.0]),
    ("1/6", [0.167, 0.1667, 0.17], [0.16, 0.29, 0.36]),
    ("0.2 %", [0.2, 0.002, 0.0021], [0.003, 0.3]),
    ("−1.4e-3", [1.4e-3, -1.44e-3], [1.5e-3]),
    ("9,000", [9000, 9040], [9100, 10161]),
    ("9\u2009000", [9000], [9100]),
])
def test_rounding_rules(number, backed, not_backed):
    parsed = parse(NUMBER.search(normalise(number)))
    inside = lambda v: any(low <= abs(v) <= high for low, high in parsed.intervals())  # noqa: E731
    assert all(inside(v) for v in backed), (parsed, backed)
    assert not any(inside(v) for v in not_backed), (parsed, not_backed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_quoted_number_is_shown(path):
    missing = unbacked(path)
    if missing:
        pytest.fail(
            f"{path.name}: the prose quotes numbers that nothing in the notebook prints, shows "
            "or sets. Print each, rewrite the sentence without it, or, for an exact constant, "
            "add <!-- exact: … --> to its cell (context as the test reads it):\n"
            + "\n".join(f"  {f}" for f in missing), pytrace=False)


def report(paths) -> str:
    """The unbacked numbers of each notebook; then, for information, the measured-looking
    numbers (not integers) that only a later cell backs."""
    lines, later_lines = [], []
    for path in paths:
        findings = check_notebook(nbformat.read(path, as_version=4))
        missing = [f for f in findings if f.backed_in is None]
        later = [f for f in findings if f.backed_in is not None and f.backed_in > f.cell
                 and not re.fullmatch(r"-?\d+", f.number)]
        lines.append(f"== {Path(path).name}: {len(missing)} unbacked "
                     f"(of {len(findings)} numbers checked)")
        lines += [f"  {f}" for f in missing]
        lines.append("")
        if later:
            later_lines.append(f"== {Path(path).name}")
            later_lines += [f"  {f}   [first backed in cell {f.backed_in}]" for f in later]
    if later_lines:
        lines += ["-- For information: backed only by a later cell (passes: the evidence is the",
                  "   whole notebook; integers, mostly settings described before their code cell,",
                  "   are left out)", *later_lines]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(sys.argv[1:] or NOTEBOOKS))
