"""The pages of ``make site`` in headless Chromium: WCAG 2.1 AA, offline, described figures.

The site is built once per session into a temporary folder; one browser (conftest's)
opens every page from there, as a student would from a USB stick:

- axe-core (``axe-playwright-python``, which bundles it) finds no violation of impact
  "serious" or "critical" of the WCAG 2.0/2.1 A and AA rules and axe's best practices;
- with every request that leaves the folder blocked, nothing is asked of the network,
  and the maths is drawn (MathML laid out by the browser, no raw TeX left in the text);
- every figure's ``<img alt>`` is a real description, not nbconvert's placeholder: this
  one fails, naming each figure, until the notebooks store their descriptions in
  ``output.metadata["image/png"]["alt"]``.

A notebook made here shows that such a description reaches the page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = ["index.html", "notation.html"] + [f"{path.stem}.html" for path in NOTEBOOKS]  # notation: docs/notation.md
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}
MIN_ALT_WORDS = 4  # a description is at least a short sentence

# The visible prose of a page, without code (whose strings may hold backslashes and $).
PROSE = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, math').forEach(e => e.remove());
    return copy.innerText;
}"""
# Each <math> is laid out by the browser as maths (not as unknown inline text) and has a size.
MATHS_DRAWN = """() => [...document.querySelectorAll('math')].map(m => {
    const box = m.getBoundingClientRect();
    return getComputedStyle(m).display.includes('math') && box.width > 0 && box.height > 0;
})"""


def _site_tool():
    return load_tool("site")


@pytest.fixture(scope="session")
def axe():
    """axe-core, as ``axe-playwright-python`` bundles it; missing, it skips (fails under CI)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        message = "axe-playwright-python is not installed: `pip install -e .[test]`"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(message)
    return Axe()


@pytest.fixture(scope="session")
def site_tool():
    return _site_tool()


@pytest.fixture(scope="session")
def site(site_tool, tmp_path_factory):
    """``make site``, once, into a temporary folder: (folder, the build's result)."""
    out = tmp_path_factory.mktemp("site")
    return out, site_tool.build(out)


def _open_offline(page, url: str) -> list[str]:
    """Open ``url`` with every request outside file:, data: and this machine blocked;
    return the requests that were blocked."""
    blocked = []

    def route(request_route):
        url = request_route.request.url
        if (url.startswith(("file:", "data:", "blob:", "about:"))
                or re.match(r"https?://(localhost|127\.0\.0\.1)[:/]", url)):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)  # late scripts would ask now
    return blocked


@pytest.mark.parametrize("name", PAGES)
def test_site_page_has_no_serious_axe_violation(site, axe, page, name):
    out, _ = site
    _open_offline(page, (out / name).as_uri())
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    serious = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}: "
                       f"{v['nodes'][0].get('failureSummary', '')})" for v in serious)
    assert not serious, f"{name}: axe-core finds\n{report}"


@pytest.mark.parametrize("name", PAGES)
def test_site_page_works_offline_with_its_maths_drawn(site, page, name):
    out, _ = site
    blocked = _open_offline(page, (out / name).as_uri())
    assert not blocked, f"{name} asks the network for {blocked}"
    assert page.evaluate("document.documentElement.lang") == "en"
    title = page.title()
    assert title and title != Path(name).stem and not re.search(r"[$\\]", title), f"{name}: <title> is {title!r}"
    assert page.locator("main").count() == 1 and page.locator("h1").count() >= 1, name

    prose = page.evaluate(PROSE)
    raw_tex = re.findall(r"\$[^$\n]{0,40}|\\[A-Za-z]+", prose)
    assert not raw_tex, f"{name}: raw TeX in the visible text: {raw_tex[:5]}"
    drawn = page.evaluate(MATHS_DRAWN)
    if name != "index.html":
        assert drawn, f"{name}: no equation on the page"
        assert all(drawn), f"{name}: {drawn.count(False)} of {len(drawn)} equations not drawn as maths"


def test_site_index_links_every_notebook_by_its_title_in_plain_text(site, page, site_tool):
    out, _ = site
    _open_offline(page, (out / "index.html").as_uri())
    assert page.locator("main h1").count() == 1 and page.locator("main h2").count() >= 1
    links = page.locator("main ol a")
    names = links.all_inner_texts()
    assert [links.nth(k).get_attribute("href") for k in range(links.count())] == [f"{p.stem}.html" for p in NOTEBOOKS]
    for path, name in zip(NOTEBOOKS, names):
        assert name == site_tool.title(nbformat.read(path, as_version=4), path.stem), path.name
        assert not re.search(r"[$\\{}]", name), f"link text with TeX: {name!r}"
    assert any("δ" in name for name in names)  # "From δS_t and δh_t ...", from "$\delta S_t$"


def test_site_notation_page_is_one_link_away_from_every_page(site, page):
    """docs/notation.md is a page of the site, with its name map and references, and each
    page links it; following the link opens it."""
    out, built = site
    assert [doc.name for doc in built.docs] == ["notation.html"]
    for name in PAGES:
        if name == "notation.html":
            continue
        _open_offline(page, (out / name).as_uri())
        link = page.locator('a[href^="notation.html"]').first
        assert link.count() == 1, f"{name} does not link the notation"
        link.click()
        page.wait_for_load_state("load")
        assert page.url.split("#")[0].endswith("/notation.html"), f"{name}: the link led to {page.url}"
    assert page.locator("main h1").count() == 1 and page.locator("#references").count() == 1
    assert page.locator("main table").count() >= 4
    assert page.locator("main table", has_text="weight_ih_l0").count() == 1


def _figures_without_description(page) -> list[str]:
    return page.evaluate(f"""() => [...document.querySelectorAll('img')].map((img, k) => {{
        const alt = (img.getAttribute('alt') || '').trim();
        const placeholder = alt === 'No description has been provided for this image';
        return (placeholder || alt.split(/\\s+/).length < {MIN_ALT_WORDS})
            ? `image ${{k + 1}}: alt=${{JSON.stringify(alt)}}` : null;
    }}).filter(x => x)""")


@pytest.mark.parametrize("name", PAGES)
def test_site_figures_have_alt_descriptions(site, page, name):
    out, built = site
    _open_offline(page, (out / name).as_uri())
    missing = _figures_without_description(page)
    undescribed = [entry for entry in built.undescribed if entry.startswith(name.replace(".html", ".ipynb"))]
    assert not missing, (f"{name}: {len(missing)} of {page.locator('img').count()} figures have no description; "
                         f"store one in output.metadata['image/png']['alt'] of {undescribed or missing}")


def test_site_alt_text_flows_from_output_metadata_into_the_page(site_tool, page, tmp_path):
    """A notebook made here: one described figure, one not; the description reaches the
    page's <img alt>, and the build names the figure that has none."""
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    described = "A line falling from 1 to 0.1 over ten steps: the \"gradient\" shrinks & fades at each step <back>."
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A $\\delta S_t$ test\n\nInline $\\delta h_t \\odot o_t$, code `$x$`."),
        nbformat.v4.new_code_cell("plot()", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                                   metadata={"image/png": {"alt": described}}),
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        ]),
    ])
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "00_tiny.ipynb")
    built = site_tool.build(tmp_path / "site", notebooks)
    assert built.undescribed == ["00_tiny.ipynb: cell 1, output 1"]

    blocked = _open_offline(page, (tmp_path / "site" / "00_tiny.html").as_uri())
    assert not blocked
    alts = page.evaluate("() => [...document.querySelectorAll('img')].map(img => img.alt)")
    assert alts == [described, "No description has been provided for this image"]
    assert _figures_without_description(page) == ['image 2: alt="No description has been provided for this image"']
    assert page.title() == "A δS_t test"
    assert page.locator("main h1 math").count() == 1 and page.locator("main p math").count() == 1
    assert page.locator("main p code").inner_text() == "$x$"  # a $ in code is left alone
