"""The project stands alone: no file of it refers to a path outside the repository.

A course handed out as a folder (or a clone) must not point at a file that only its
developers' machines hold. So every text file of the project (what git tracks, plus new
files not yet committed and not ignored) is read, and this test fails on

- a path into the developers' machines: anything under their work folder, or their
  shared folder beside the repository (``WORK`` and ``SHARED`` below);
- a relative link (markdown ``[text](path)`` or ``![alt](path)``, HTML ``src=``/``href=``)
  that, resolved from the folder of the file it is written in, lands outside the
  repository's root. ``../docs/notation.md`` written in ``notebooks/01_forward_pass.ipynb``
  is inside; a link two folders up from a notebook is not. URLs (``https:``, ``mailto:``,
  ``#anchor``) are not paths.

(This file spells those paths in pieces, so that it does not name them itself.)

The links of the course's prose (markdown files and notebooks) must also lead somewhere:
a relative link to a file of the repository names a file that exists, and a link into
``docs/`` with an ``#anchor`` names a heading of that page. ``docs/notation.md``, the
course's notation, exists and holds the map from our names to those of other texts.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".toml", ".yml", ".yaml", ".cfg", ".txt"}
TEXT_NAMES = {"Makefile", ".gitignore"}
TEXT_PATHS = {".ci/run"}
PROSE_SUFFIXES = {".md", ".ipynb"}  # the files whose links a reader follows

# The developers' folders: their work folder anywhere (also under /tmp), their shared one.
WORK = "/" + "work/"
SHARED = ".." + "/shared"
OUTSIDE_ABSOLUTE = re.compile(re.escape(WORK) + r"|(?<![\w.])" + re.escape(SHARED) + r"\b")
URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s\"'<>)]*", re.I)
# [text](target) and ![alt](target); the target has no space, quote or bracket, so that a
# string built in code ("[x](" + name + ")") is not read as a link.
MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^\s()<>\"'`]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|//|#)")  # https:, mailto:, data:, //host, #anchor


# --------------------------------------------------------------------------- the checker


def links(text: str) -> list[str]:
    """Every link target written in ``text``: markdown links and HTML src/href."""
    found = [m.group(1) for m in MARKDOWN_LINK.finditer(text)]
    found += [m.group(1) if m.group(1) is not None else m.group(2) for m in HTML_LINK.finditer(text)]
    return found


def is_url(target: str) -> bool:
    return bool(URL.match(target.strip()))


def resolve(target: str, folder: PurePosixPath) -> PurePosixPath | None:
    """Where a relative link written in ``folder`` (relative to the root) leads, relative
    to the root, without its ``#anchor`` or ``?query``; None if it leads above the root.
    An absolute path (``/etc/x``) leads outside too."""
    path = unquote(re.split(r"[#?]", target.strip(), maxsplit=1)[0])
    if path.startswith("/"):
        return None
    parts: list[str] = []
    for part in (folder / path).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def outside_references(text: str, folder: PurePosixPath) -> list[str]:
    """What ``text``, written in a file of ``folder``, refers to outside the repository."""
    found = [m.group(0) for m in OUTSIDE_ABSOLUTE.finditer(URL_IN_TEXT.sub(" ", text))]
    for target in links(text):
        if target and not is_url(target) and resolve(target, folder) is None:
            found.append(target)
    return found


def test_the_checker_tells_inside_from_outside_and_from_urls():
    notebooks = PurePosixPath("notebooks")
    inside = "See [the notation](../docs/notation.md#references) and <a href='02_state_gradient.ipynb'>02</a>."
    up2 = "../" + "../"
    outside = f"See [my notes]({up2}notes.md) and <img src='{up2}figure.png'>."
    urls = ("[Olah](https://colah.github.io/posts/2015-08-Understanding-LSTMs/), [mail](mailto:a@b.c), "
            "[up](#references), <a href=\"http://example.org/a/../../b\">x</a>")
    developers = f"read {WORK}notes/draft.md, or {SHARED}/drafts/"
    assert outside_references(inside, notebooks) == []
    assert outside_references(outside, notebooks) == [f"{up2}notes.md", f"{up2}figure.png"]
    assert outside_references(urls, notebooks) == []
    assert len(outside_references(developers, PurePosixPath("."))) == 2
    assert outside_references("[root](" + "../README.md)", PurePosixPath(".")) == ["../README.md"]
    assert outside_references("[root](" + "/etc/passwd)", notebooks) == ["/etc/passwd"]
    assert resolve("../docs/notation.md#what-%CE%B4-means", notebooks) == PurePosixPath("docs/notation.md")
    assert links('text = "[x](" + name + ")"') == []  # a link built in code is not a link


# ------------------------------------------------------------------------ the project


def project_files() -> list[PurePosixPath]:
    """The project's text files: tracked by git, or new and not ignored."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the project's files are those git tracks")
    files = sorted({PurePosixPath(name) for name in listed.decode().split("\0") if name})
    return [path for path in files
            if (path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES or str(path) in TEXT_PATHS)
            and (ROOT / path).is_file()]


def readable_texts(path: PurePosixPath) -> list[tuple[str, str]]:
    """(where, text) for each part of a file a reader sees: a notebook's cell sources, its
    text outputs and figure descriptions (not its images), any other file as it is."""
    raw = (ROOT / path).read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return [(str(path), raw)]
    nb = json.loads(raw)
    texts = [(f"{path} metadata", json.dumps({k: v for k, v in nb.get("metadata", {}).items() if k != "widgets"}))]
    for k, cell in enumerate(nb["cells"]):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        texts.append((f"{path}, cell {k}", source))
        for output in cell.get("outputs", []):
            parts = [output.get("text", "")]
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
            parts.append(json.dumps(output.get("metadata", {})))
            texts += [(f"{path}, cell {k} output", "".join(p) if isinstance(p, list) else p) for p in parts]
    return texts


def test_the_project_has_its_files():
    files = project_files()
    assert PurePosixPath("README.md") in files and PurePosixPath("docs/notation.md") in files
    assert any(path.suffix == ".ipynb" for path in files) and PurePosixPath(".ci/run") in files


def test_no_file_refers_to_a_path_outside_the_repository():
    found = []
    for path in project_files():
        for where, text in readable_texts(path):
            found += [f"{where}: {hit}" for hit in outside_references(text, path.parent)]
    assert not found, ("paths outside the repository (put what they name into the project, e.g. "
                       "docs/notation.md, and link it relatively):\n  " + "\n  ".join(found))


def github_anchors(markdown: str) -> set[str]:
    """The anchors a code-hosting site gives a markdown page's headings (as tools/site.py
    gives them on the site): lower case, punctuation dropped, spaces as ``-``."""
    anchors = set()
    for line in markdown.splitlines():
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            text = re.sub(r"[`*]", "", match.group(1)).strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return anchors


def test_links_of_the_course_lead_to_files_that_exist():
    """Relative links in markdown and notebooks name files (and folders) that exist; a
    link into docs/ with an #anchor names one of that page's headings."""
    broken = []
    for path in project_files():
        if path.suffix not in PROSE_SUFFIXES:
            continue
        for where, text in readable_texts(path):
            for target in links(text):
                if not target or is_url(target) or "{" in target:
                    continue
                resolved = resolve(target, path.parent)
                if resolved is None:
                    continue  # outside: the test above reports it
                if not (ROOT / resolved).exists():
                    broken.append(f"{where}: {target} (no {resolved})")
                    continue
                anchor = unquote(target.partition("#")[2])
                if anchor and resolved.parts[0] == "docs" and resolved.suffix == ".md":
                    if anchor not in github_anchors((ROOT / resolved).read_text(encoding="utf-8")):
                        broken.append(f"{where}: {target} (no heading #{anchor} in {resolved})")
    assert not broken, "links to nothing:\n  " + "\n  ".join(broken)


def test_the_notation_is_in_the_project_with_its_map_and_references():
    path = ROOT / "docs" / "notation.md"
    assert path.is_file(), "docs/notation.md, the course's notation, is missing"
    text = path.read_text(encoding="utf-8")
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "recurrent_kernel", "next_c", "Wx", "Wh",
                 "forget gate", "Gers", "Olah", "CS231n", "Keras", "Dive into Deep Learning"):
        assert name in text, f"docs/notation.md does not mention {name!r} (the map of names)"
    assert "C̃" in text or r"\tilde{C}" in text, "docs/notation.md lacks Olah's candidate C̃_t"
    for code in ("dh_loss", "ds_via_h", "ds_via_next", "ds_prev", "dh_prev", "dh_next", "dh0", "ds0"):
        assert f"`{code}`" in text, f"docs/notation.md does not name `{code}`"
    assert "BackPropagation through LSTM: A differential approach" in text and "Raman Shinde" in text
    assert "## References" in text and "references" in github_anchors(text)
    references = text.split("## References", 1)[1]
    for author in ("Hochreiter", "Gers", "Pascanu", "Olah", "Karpathy", "Greff"):
        assert author in references, f"docs/notation.md's references lack {author}"
    assert references.count("Where the course uses it") >= 7
