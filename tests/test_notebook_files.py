"""The stored notebooks work without a kernel: as slides, on a code-hosting site, as HTML."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def _tool(name):
    return load_tool(name)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_a_slide_type(path):
    nb = json.loads(path.read_text())
    missing = [i for i, cell in enumerate(nb["cells"])
               if cell["metadata"].get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"{path.name}: cells {missing} have no slide type; run `make notebooks` (tools/slides.py)"
    assert nb["cells"][0]["metadata"]["slideshow"]["slide_type"] == "slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_metadata_has_a_state_key(path):
    """GitHub refuses to render a notebook whose widget metadata has no ``state``."""
    widgets = json.loads(path.read_text())["metadata"].get("widgets")
    if widgets is None:
        return
    state = widgets.get("application/vnd.jupyter.widget-state+json")
    assert state is not None and "state" in state, f"{path.name}: metadata.widgets without a 'state' key"


def test_slide_tool_follows_its_rules_and_is_idempotent():
    slides = _tool("slides")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import numpy as np\nfrom lstm_core.figures import stills\n\n"
                                  "use_course_style()   # fonts"),
        nbformat.v4.new_markdown_cell("Some prose."),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("print(x)"),
        nbformat.v4.new_markdown_cell("## A section"),
        nbformat.v4.new_markdown_cell("### A subsection"),
    ])
    assert slides.apply(nb) == 7
    types = [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells]
    assert types == ["slide", "skip", "fragment", "-", "fragment", "slide", "subslide"]
    assert slides.apply(nb) == 0
    nb.cells[2].metadata["slideshow"]["slide_type"] = "slide"  # a choice made by hand survives
    assert slides.apply(nb) == 0 and nb.cells[2].metadata["slideshow"]["slide_type"] == "slide"
    assert slides.apply(nb, reset=True) == 1


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``(out, the Site)``: the course's static site, built once for the tests that read it."""
    out = tmp_path_factory.mktemp("site")
    return out, _tool("site").build(out)


def test_static_site_has_every_notebook_with_its_figures(site):
    tmp_path, pages = site
    assert [page.stem for page in pages] == [path.stem for path in NOTEBOOKS]
    index = (tmp_path / "index.html").read_text()
    for path in NOTEBOOKS:
        assert f'href="{path.stem}.html"' in index
        nb = json.loads(path.read_text())
        figures = sum("image/png" in output.get("data", {})
                      for cell in nb["cells"] for output in cell.get("outputs", []))
        page = (tmp_path / f"{path.stem}.html").read_text()
        assert figures > 0, path.name
        assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)) == figures, path.name
        assert "Traceback" not in page


def _relative_links(page_html: str) -> list[str]:
    links = re.findall(r"""\b(?:href|src)=["']([^"']*)["']""", page_html)
    return [link for link in links if link and not re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*:|//|#)", link)]


def test_static_site_has_the_notation_page_and_every_link_resolves(site):
    """docs/notation.md becomes notation.html, its maths MathML; the index and every
    notebook page link it; every relative link of every page names a page of the site
    (``../docs/notation.md`` in a notebook becomes ``notation.html``), and an #anchor
    into the notation names one of its headings."""
    from html import unescape
    from urllib.parse import unquote

    tmp_path, built = site
    assert [page.name for page in built.docs] == ["notation.html"]
    notation = (tmp_path / "notation.html").read_text()
    assert '<html lang="en">' in notation and "<main>" in notation and "<title>The course" in notation
    assert notation.count("<math") > 50 and "merror" not in notation
    prose = re.sub(r"<math\b.*?</math>|<code>.*?</code>", "", notation, flags=re.S)
    assert "$" not in prose and not re.search(r"\\[A-Za-z]+", prose), "TeX left on the notation page"
    for name in ("weight_ih_l0", "recurrent_kernel", "next_c", "References"):
        assert name in notation, name
    assert 'href="notation.html"' in (tmp_path / "index.html").read_text()
    ids = {unescape(i) for i in re.findall(r'\bid="([^"]*)"', notation)}
    for page in sorted(tmp_path.glob("*.html")):
        text = page.read_text()
        if page.name != "notation.html":
            assert 'href="notation.html"' in text, f"{page.name} does not link the notation"
        for link in _relative_links(text):
            path, _, anchor = unescape(link).partition("#")
            assert (tmp_path / unquote(path)).is_file(), f"{page.name}: link to {link}, which the site lacks"
            if path == "notation.html" and anchor:
                assert unquote(anchor) in ids, f"{page.name}: {link} names no heading of the notation"


def test_static_site_turns_links_between_the_course_files_into_links_between_pages(tmp_path):
    """A notebook's link to ../docs/notation.md#references and to another notebook, and
    the notation's link to a notebook, lead to the pages made from them."""
    notebooks, docs = tmp_path / "notebooks", tmp_path / "docs"
    notebooks.mkdir()
    docs.mkdir()
    link = "[the notation](../docs/notation.md#references), [next](01_b.ipynb), [web](https://example.org/a.md)"
    for stem, text in (("00_a", f"# A\n\nSee {link}."), ("01_b", "# B\n\n<a href=\"00_a.ipynb#A\">back</a>")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
        nbformat.write(nb, notebooks / f"{stem}.ipynb")
    (docs / "notation.md").write_text("# Notation\n\n$\\delta h_t = g_t$\n\n## What δ means\n\n## References\n\n"
                                      "[notebook 01](../notebooks/01_b.ipynb), [up](#what-δ-means)\n")
    built = _tool("site").build(tmp_path / "site", notebooks, docs)
    assert [page.name for page in built] == ["00_a.html", "01_b.html"]
    assert [page.name for page in built.docs] == ["notation.html"]
    site = tmp_path / "site"
    a = (site / "00_a.html").read_text()
    assert 'href="notation.html#references"' in a and 'href="01_b.html"' in a
    assert 'href="https://example.org/a.md"' in a
    assert 'href="00_a.html#A"' in (site / "01_b.html").read_text()
    notation = (site / "notation.html").read_text()
    assert 'href="01_b.html"' in notation and 'id="references"' in notation and 'id="what-δ-means"' in notation
    assert "<math" in notation and "<title>Notation</title>" in notation


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_stored_figure_carries_its_description(path):
    """The text alternative of each still figure is stored with its image (``make notebooks``)."""
    nb = nbformat.read(path, as_version=4)
    for k, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert len(alt) >= 60 and alt.endswith("."), f"{path.name}, cell {k}: figure without a description"


def test_static_site_loads_nothing_from_the_network(site):
    """No script, style sheet or font from a CDN: the pages work from a folder offline
    (tests/browser/test_site.py opens them with the network blocked)."""
    tmp_path, _ = site
    for page in sorted(tmp_path.glob("*.html")):
        text = page.read_text()
        assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)=["']?(https?:)?//""", text), page.name
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), page.name
        assert "MathJax" not in text and "require.js" not in text, page.name
        assert '<html lang="en">' in text, page.name


def test_every_formula_of_the_notebooks_becomes_mathml():
    """Each $…$ and $$…$$ of every notebook, and of docs/notation.md, converts to
    well-formed MathML with no TeX left in it: no command the converter did not know, no
    stray & or $."""
    from xml.etree import ElementTree

    site = _tool("site")
    formulas = 0
    sources = [(path, cell.source) for path in NOTEBOOKS
               for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
    notation = ROOT / "docs" / "notation.md"
    sources.append((notation, notation.read_text(encoding="utf-8")))
    for path, source in sources:
        rendered = site.MarkdownWithMath(renderer=site.MathMLRenderer(escape=False)).render(source)
        for math in re.findall(r"<math\b.*?</math>", rendered, re.S):
            formulas += 1
            text = "".join(ElementTree.fromstring(math).itertext())
            assert not re.search(r"[\\$&]", text), f"{path.name}: TeX left in {text!r}"
            assert "merror" not in math, f"{path.name}: {math[:200]}"
        prose = re.sub(r"<math\b.*?</math>|<code>.*?</code>|<pre\b.*?</pre>", "", rendered, flags=re.S)
        assert "$" not in prose, f"{path.name}: maths left unconverted in {source[:80]!r}"
    assert formulas > 300


def test_maths_in_code_is_left_alone_and_titles_are_plain_text():
    site = _tool("site")
    rendered = site.MarkdownWithMath(renderer=site.MathMLRenderer(escape=False)).render(
        "Cost $\\delta S_t$; in code `echo $HOME` and\n\n```\nx = \"$5\"\n```\n")
    assert rendered.count("<math") == 1
    assert "<code>echo $HOME</code>" in rendered and "x = &quot;$5&quot;" in rendered
    assert site.plain("3 · From $\\delta S_t$ and $\\delta h_t$ to **the** gates") == \
        "3 · From δS_t and δh_t to the gates"
    assert site.plain("Back: $\\delta I_t = W^T \\delta Z_t$") == "Back: δI_t = W^T δZ_t"
    assert site.tex_to_text("\\operatorname{clip}(g) \\le \\frac{c}{\\|g\\|}") == "clip(g) ≤ c/‖g‖"
