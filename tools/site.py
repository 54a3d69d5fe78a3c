"""Build the course as static HTML, for reading without a kernel: ``make site``.

    python tools/site.py [OUT]        # default: site/

Every notebook in ``notebooks/`` becomes ``OUT/<name>.html`` with its stored outputs
(the still figures are embedded as PNG), and ``OUT/index.html`` links them in order.
Nothing is executed: the pages show what the committed notebooks hold.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def title(nb, fallback: str) -> str:
    """The notebook's first heading, without its ``#`` marks."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def build(out: Path, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """Write one page per notebook and an index into ``out``; return the pages in order."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()  # the default "lab" template, with embedded images
    entries = []
    for path in sorted(notebooks.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        page = out / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        entries.append((page, title(nb, path.stem)))
    items = "\n".join(f'    <li><a href="{page.name}">{html.escape(name)}</a></li>' for page, name in entries)
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>lstm-backprop: backpropagation through an LSTM</title>
  <style>body {{ font: 1.2rem/1.6 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; }}</style>
</head>
<body>
  <h1>Backpropagation through an LSTM</h1>
  <p>The course's notebooks with their stored outputs. The sliders need a running kernel
  (<code>make lab</code>); each notebook shows the same lessons as still figures too.</p>
  <ol>
{items}
  </ol>
</body>
</html>
""", encoding="utf-8")
    return [page for page, _ in entries]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "site"
    pages = build(out)
    print(f"{len(pages)} notebooks -> {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
