"""Build the course as static HTML, for reading without a kernel: ``make site``.

    python tools/site.py [OUT]        # default: site/

Every notebook in ``notebooks/`` becomes ``OUT/<name>.html`` with its stored outputs
(the still figures are embedded as PNG), the course's notation ``docs/notation.md``
becomes ``OUT/notation.html``, and ``OUT/index.html`` links them in order. Nothing is
executed: the pages show what the committed notebooks hold. A relative link between
these files (``../docs/notation.md#references`` in a notebook, ``02_state_gradient.ipynb``,
``../notebooks/05_why_lstm.ipynb`` in the notation) points at the page made from its
target, so it works on the site as it does in the repository.

The pages are meant to meet WCAG 2.1 AA and to work from a folder with no network
(tests/browser/test_site.py checks both):

- The maths is rendered here, once: every ``$…$`` and ``$$…$$`` of the markdown becomes
  MathML (``latex2mathml``), which the browser draws itself. No MathJax, no require.js,
  no widget manager and no font is fetched from anywhere.
- Code is highlighted with an accessible pygments style (``accessible-pygments``), and
  the ``In [n]:``/``Out[n]:`` prompts are dark enough to read.
- Each figure's ``<img alt>`` is the description stored in its output's metadata,
  ``output.metadata["image/png"]["alt"]``; figures without one are listed when the site
  is built (``Site.undescribed``), so they can be described.
- Every page has ``lang="en"``, the notebook's first heading as its ``<title>`` and a
  ``<main>`` landmark; the index has a heading structure and plain-text link names.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from urllib.parse import unquote

import nbformat
from jinja2 import DictLoader, pass_context
from latex2mathml.converter import convert as tex_to_mathml
from latex2mathml.symbols_parser import convert_symbol
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
DOC_PAGES = ("notation.md",)  # markdown pages of docs/, each written as OUT/<stem>.html
#: the licences every page links to: the content's as a page, the code's as plain text
LICENCES = {ROOT / "LICENSE-CONTENT.md": "LICENSE-CONTENT.html", ROOT / "LICENSE": "LICENSE.txt"}
CODE_STYLE = "a11y-high-contrast-light"  # accessible-pygments; every colour ≥ 4.5:1 on its white
PLACEHOLDER_ALT = "No description has been provided for this image"  # nbconvert's, for a figure without one
KERNEL_NOTE = ("An interactive figure (sliders and a Play button) is here in the notebook; it needs a "
               "running kernel (<code>make lab</code>). The still figures below show the same lesson.")

# The site's own styling, after JupyterLab's: dark prompts, readable maths, a back link.
SITE_CSS = """
:root {
  --jp-cell-prompt-not-active-opacity: 1;
  --jp-cell-prompt-not-active-font-color: #3b3b3b;  /* In [n]: and Out[n]:, 11:1 on white */
}
.jp-InputArea-editor, .jp-InputArea-editor .highlight { background: #ffffff; }
.jp-InputArea-editor { border: 1px solid #767676; }
.jp-RenderedHTMLCommon a, .site-nav a { color: #0b57a4; }
/* a link inside prose is underlined, not told by its colour alone (WCAG 1.4.1; the lab's is not) */
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
math { font-size: 1.1em; }
math[display="block"] { margin: 0.6em 0; overflow-x: auto; overflow-y: hidden; }
menclose[notation="box"] { border: 1px solid currentColor; padding: 0.15em 0.3em; }
mtd[columnalign="right"] { text-align: right; }
mtd[columnalign="left"] { text-align: left; padding-right: 2em; }
.site-nav { max-width: 1100px; margin: 0.8rem auto 0; padding: 0 1rem; font-size: 1rem; }
.site-note { border-left: 4px solid #0b57a4; padding: 0.4em 0.8em; margin: 0.4em 0; color: #1a1a1a;
             font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1); }
"""

# The lab template, less everything it would fetch from the network: require.js, MathJax,
# mermaid and the widget manager (from CDNs). Widgets need a kernel; a note says so.
TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.site_css }}</style>{%- endblock html_head_css -%}

{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<nav class="site-nav" aria-label="Course"><a href="index.html">All notebooks of the course</a> ·
<a href="notation.html">Notation and references</a></nav>
<main>
{%- endblock body_header -%}

{%- block footer -%}
</html>
{%- endblock footer -%}

{%- block data_widget_view scoped -%}
{%- if output.data.get('text/plain', '').startswith('FigureStepper') -%}
<div class="jp-OutputArea-output {{ extra_class }}"><p class="site-note">{{ resources.kernel_note }}</p></div>
{%- endif -%}
{#- any other widget (a progress bar) means nothing without its kernel: left out -#}
{%- endblock data_widget_view -%}

{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{%- set alt = output | get_metadata('alt', 'image/png') -%}
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- if alt %} alt="{{ alt | escape_html }}"{% endif %}
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif %}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif %}
>
</div>
{%- endblock data_png %}
"""

# --- TeX as plain text, for <title> and link names -------------------------------------

_TEX_WORDS = {"text", "mathrm", "operatorname", "mathbf", "mathit", "boxed", "textrm", "mbox"}
_TEX_SPACES = {",", ";", ":", " ", "quad", "qquad"}
_TEX_DROPPED = {"!", "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle"}


def _tex_command(match: re.Match) -> str:
    name = match.group(1)
    if name in _TEX_WORDS or name in _TEX_DROPPED:
        return ""
    if name in _TEX_SPACES:
        return " "
    code = convert_symbol("\\" + name)
    if code:  # a Greek letter joins what follows (δS_t); an operator keeps its spaces (a ≤ b)
        symbol = chr(int(code, 16))
        return symbol if symbol.isalpha() else symbol + match.group(2)
    return name + match.group(2)  # \tanh, \min, \ln ...: the name itself


def tex_to_text(tex: str) -> str:
    """TeX as plain text: ``\\delta S_t`` -> ``δS_t``, ``W^{T}`` -> ``W^T``."""
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", tex)
    text = re.sub(r"\\([A-Za-z]+|[^A-Za-z])(\s*)", _tex_command, text)
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def plain(markdown: str) -> str:
    """A line of markdown as plain text: maths as text, no emphasis or code marks."""
    parts = re.split(r"\$\$?(.+?)\$\$?", markdown)  # prose, maths, prose, ...
    return "".join(tex_to_text(part) if k % 2 else re.sub(r"`|(?<!\w)[*_]+|[*_]+(?!\w)", "", part)
                   for k, part in enumerate(parts)).strip()


def title(nb, fallback: str) -> str:
    """The notebook's first heading, as plain text (no ``#`` marks, no TeX)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return plain(line.lstrip("#").strip())
    return fallback


# --- the maths as MathML ---------------------------------------------------------------

_ALIGNED = re.compile(r"\\begin\{(aligned|align\*?|split)\}(.*?)\\end\{\1\}", re.S)


def _aligned_as_array(match: re.Match) -> str:
    """``aligned`` as an ``array`` of right- and left-aligned column pairs (latex2mathml
    knows ``array`` but not ``aligned``); ``{}`` keeps ``&=`` a relation, not a prefix."""
    body = match.group(2)
    columns = 1 + max(row.count("&") for row in re.split(r"\\\\", body))
    spec = ("rl" * columns)[:columns]
    return f"\\begin{{array}}{{{spec}}}" + body.replace("&", "&{}") + "\\end{array}"


def mathml(tex: str, display: str = "inline") -> str:
    """One formula as MathML."""
    tex = re.sub(r"(?<!\\)\\\n", r"\\ ", tex)  # a backslash ending a line is a space, as in TeX
    out = tex_to_mathml(_ALIGNED.sub(_aligned_as_array, tex), display=display)
    return out.replace('<mspace width="negativethinmathspace" />', "")  # \! : MathML has no negative space


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, writing each formula as MathML instead of TeX for
    MathJax. Code spans and code blocks are left alone: the parser hands over only maths."""

    def block_math(self, body: str) -> str:
        return mathml(body, display="block")

    def inline_math(self, body: str) -> str:
        return mathml(body, display="inline")

    def latex_environment(self, name: str, body: str) -> str:
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display="block")

    def heading(self, text: str, level: int, **attrs) -> str:
        # nbconvert's anchor (ElementTree) would mangle MathML's namespace; an id is enough.
        words = re.sub(r"<[^>]+>", "", text)
        anchor = re.sub(r"[^\w\-]+", "-", html.unescape(words)).strip("-")
        return f'<h{level} id="{html.escape(anchor)}">{text}</h{level}>\n'


class SiteExporter(HTMLExporter):
    """The lab template, offline and accessible (see the module's docstring)."""

    def __init__(self, **kw):
        config = Config({"CSSHTMLHeaderPreprocessor": {"style": CODE_STYLE}})
        super().__init__(config=config, extra_loaders=[DictLoader({"site.html.j2": TEMPLATE})],
                         template_file="site.html.j2", **kw)

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(escape=False, attachments=cell.get("attachments", {}),
                                  embed_images=self.embed_images, **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources["site_css"] = SITE_CSS
        resources["kernel_note"] = KERNEL_NOTE
        return resources


# --- links between the course's files ----------------------------------------------------

_LINK = re.compile(r"""\b(href|src)=(["'])(.*?)\2""", re.S)
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*:|//|#)")  # http:, https:, mailto:, data:, //host, #anchor


def site_target(link: str, source_dir: Path, pages: dict[Path, str]) -> str | None:
    """The site's page for a relative ``link`` written in a file of ``source_dir``, with
    its ``#anchor``; None if the link is a URL or its target has no page (``pages`` maps
    each source file, resolved, to the name of its page)."""
    if not link or _URL.match(link) or link.startswith("/"):
        return None
    path, hash_, anchor = link.partition("#")
    page = pages.get((source_dir / unquote(html.unescape(path))).resolve())
    return None if page is None else page + hash_ + anchor


def rewrite_links(page_html: str, source_dir: Path, pages: dict[Path, str]) -> str:
    """``page_html`` with each ``href``/``src`` that names a source file of the site
    (``../docs/notation.md``, ``03_gate_gradients.ipynb``) pointing at its page instead."""
    def replace(match: re.Match) -> str:
        target = site_target(match.group(3), source_dir, pages)
        if target is None:
            return match.group(0)
        return f"{match.group(1)}={match.group(2)}{html.escape(target)}{match.group(2)}"

    return _LINK.sub(replace, page_html)


def github_anchor(heading_html: str) -> str:
    """A heading's anchor as a code-hosting site makes it for a markdown file, so that
    ``notation.md#what-δ-means`` finds the same heading on the site: the heading's text,
    lower case, without punctuation, spaces as ``-``."""
    words = html.unescape(re.sub(r"<[^>]+>", "", heading_html)).strip().lower()
    return re.sub(r"[^\w\- ]", "", words).replace(" ", "-")


class DocRenderer(MathMLRenderer):
    """The renderer of a markdown page of ``docs/``: maths as MathML, and heading anchors
    as a code-hosting site gives them, so links into the page work in both places."""

    def heading(self, text: str, level: int, **attrs) -> str:
        return f'<h{level} id="{html.escape(github_anchor(text))}">{text}</h{level}>\n'


DOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <style>
    body {{ font: 1.05rem/1.6 system-ui, sans-serif; max-width: 72rem; margin: 1rem auto 3rem; padding: 0 1rem;
            color: #1a1a1a; background: #ffffff; }}
    a {{ color: #0b57a4; }}
    code {{ font-size: 0.92em; background: #f2f2f2; padding: 0 0.15em; }}
    table {{ border-collapse: collapse; margin: 0.8em 0; }}
    th, td {{ border: 1px solid #767676; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
    th {{ background: #f2f2f2; }}
    math {{ font-size: 1.1em; }}
    li {{ margin: 0.3em 0; }}
  </style>
</head>
<body>
<nav aria-label="Course"><a href="index.html">All notebooks of the course</a> · \
<a href="notation.html">Notation and references</a></nav>
<main>
{body}
</main>
</body>
</html>
"""


def doc_title(markdown: str, fallback: str) -> str:
    """A markdown page's first heading, as plain text."""
    for line in markdown.splitlines():
        if line.startswith("#"):
            return plain(line.lstrip("#").strip())
    return fallback


def doc_page(path: Path, pages: dict[Path, str]) -> tuple[str, str]:
    """A markdown page of ``docs/`` as a whole HTML page, and its title."""
    markdown = path.read_text(encoding="utf-8")
    body = MarkdownWithMath(renderer=DocRenderer(escape=False)).render(markdown)
    name = doc_title(markdown, path.stem)
    page = DOC_PAGE.format(title=html.escape(name), body=rewrite_links(body, path.parent, pages))
    return page, name


# --- the site ---------------------------------------------------------------------------

class Site(list):
    """The notebooks' pages written, in order; ``docs`` the pages made from ``docs/``
    (``notation.html``); ``undescribed`` names each figure that has no description in its
    output's metadata (and so shows nbconvert's placeholder)."""

    def __init__(self, pages=(), undescribed=(), docs=()):
        super().__init__(pages)
        self.undescribed = list(undescribed)
        self.docs = list(docs)


def undescribed_images(nb, name: str) -> list[str]:
    """Where ``nb`` has a PNG output without ``metadata["image/png"]["alt"]``."""
    missing = []
    for i, cell in enumerate(nb.cells):
        for j, output in enumerate(cell.get("outputs", [])):
            if "image/png" in output.get("data", {}):
                alt = output.get("metadata", {}).get("image/png", {})
                alt = alt.get("alt", "") if isinstance(alt, dict) else ""
                if not str(alt).strip():
                    missing.append(f"{name}: cell {i}, output {j}")
    return missing


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>lstm-backprop: backpropagation through an LSTM</title>
  <style>
    body {{ font: 1.2rem/1.6 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem;
            color: #1a1a1a; background: #ffffff; }}
    a {{ color: #0b57a4; }}
    li {{ margin: 0.3em 0; }}
  </style>
</head>
<body>
<main>
  <h1>Backpropagation through an LSTM</h1>
  <p>The course's notebooks with their stored outputs. The sliders need a running kernel
  (<code>make lab</code>); each notebook shows the same lessons as still figures too.</p>
  <h2>The notebooks, in order</h2>
  <ol>
{items}
  </ol>
{docs}  <h2>Reading these pages</h2>
  <p>They need no network and no kernel: open <code>index.html</code> from a folder or a
  USB stick. The equations are MathML, which the browser draws and screen readers read.</p>
</main>
</body>
</html>
"""


def build(out: Path, notebooks: Path = NOTEBOOKS, docs: Path = DOCS) -> Site:
    """Write one page per notebook, the pages of ``docs/`` and an index into ``out``;
    return the notebooks' pages in order (and the others as ``.docs``)."""
    out.mkdir(parents=True, exist_ok=True)
    notebooks, docs = Path(notebooks).resolve(), Path(docs).resolve()
    paths = sorted(notebooks.glob("*.ipynb"))
    doc_paths = [docs / name for name in DOC_PAGES if (docs / name).exists()]
    pages = {path: f"{path.stem}.html" for path in paths + doc_paths}  # source file -> its page
    pages.update(LICENCES)
    exporter = SiteExporter()
    entries, undescribed = [], []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        name = title(nb, path.stem)
        nb.metadata["title"] = name  # the template's <title>
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        page = out / pages[path]
        page.write_text(rewrite_links(body, path.parent, pages), encoding="utf-8")
        entries.append((page, name))
        undescribed += undescribed_images(nb, path.name)
    doc_entries = []
    for path in doc_paths:
        body, name = doc_page(path, pages)
        page = out / pages[path]
        page.write_text(body, encoding="utf-8")
        doc_entries.append((page, name))
    for path, name in LICENCES.items():  # the licences the notebooks' last cells link to
        text = doc_page(path, pages)[0] if path.suffix == ".md" else path.read_text(encoding="utf-8")
        (out / name).write_text(text, encoding="utf-8")
    items = "\n".join(f'    <li><a href="{page.name}">{html.escape(name)}</a></li>' for page, name in entries)
    doc_links = "".join(f'  <p><a href="{page.name}">{html.escape(name)}</a>: every symbol with its name in the code '
                        "and in the texts students read next, and the course's references.</p>\n"
                        for page, name in doc_entries)
    docs_section = f"  <h2>Notation and references</h2>\n{doc_links}" if doc_links else ""
    (out / "index.html").write_text(INDEX.format(items=items, docs=docs_section), encoding="utf-8")
    return Site([page for page, _ in entries], undescribed, [page for page, _ in doc_entries])


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "site"
    site = build(out)
    print(f"{len(site)} notebooks and {', '.join(page.name for page in site.docs)} -> {out / 'index.html'}")
    if site.undescribed:
        print(f"{len(site.undescribed)} figures have no description (output.metadata['image/png']['alt']):",
              *site.undescribed, sep="\n  ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
