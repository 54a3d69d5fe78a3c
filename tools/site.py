"""Build the course as static HTML, for reading without a kernel: ``make site``.

    python tools/site.py [OUT]        # default: site/

Every notebook in ``notebooks/`` becomes ``OUT/<name>.html`` with its stored outputs
(the still figures are embedded as PNG), and ``OUT/index.html`` links them in order.
Nothing is executed: the pages show what the committed notebooks hold.

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

import nbformat
from jinja2 import DictLoader, pass_context
from latex2mathml.converter import convert as tex_to_mathml
from latex2mathml.symbols_parser import convert_symbol
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
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
<nav class="site-nav" aria-label="Course"><a href="index.html">All notebooks of the course</a></nav>
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


# --- the site ---------------------------------------------------------------------------

class Site(list):
    """The pages written, in order; ``undescribed`` names each figure that has no
    description in its output's metadata (and so shows nbconvert's placeholder)."""

    def __init__(self, pages=(), undescribed=()):
        super().__init__(pages)
        self.undescribed = list(undescribed)


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
  <h2>Reading these pages</h2>
  <p>They need no network and no kernel: open <code>index.html</code> from a folder or a
  USB stick. The equations are MathML, which the browser draws and screen readers read.</p>
</main>
</body>
</html>
"""


def build(out: Path, notebooks: Path = NOTEBOOKS) -> Site:
    """Write one page per notebook and an index into ``out``; return the pages in order."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = SiteExporter()
    entries, undescribed = [], []
    for path in sorted(Path(notebooks).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        name = title(nb, path.stem)
        nb.metadata["title"] = name  # the template's <title>
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        page = out / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        entries.append((page, name))
        undescribed += undescribed_images(nb, path.name)
    items = "\n".join(f'    <li><a href="{page.name}">{html.escape(name)}</a></li>' for page, name in entries)
    (out / "index.html").write_text(INDEX.format(items=items), encoding="utf-8")
    return Site([page for page, _ in entries], undescribed)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "site"
    site = build(out)
    print(f"{len(site)} notebooks -> {out / 'index.html'}")
    if site.undescribed:
        print(f"{len(site.undescribed)} figures have no description (output.metadata['image/png']['alt']):",
              *site.undescribed, sep="\n  ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
