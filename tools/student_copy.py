"""The student's own copy of the exercises: ``exercises/*.ipynb`` -> ``my-work/``.

``exercises/`` is tracked and regenerated (``make exercises``, ``make notebooks``,
``git pull``), so a student works in ``my-work/`` instead, which git ignores. Running this
again brings new and updated exercises without touching a notebook the student changed:

- a notebook not yet in ``my-work/`` is copied;
- one the student has not changed since it was copied is replaced by the new version;
- one the student changed is kept, and the line says where the new version is.

``my-work/.copied.json`` records the sha256 of each version copied, which is how an
unchanged notebook is told from a changed one. Standard library only, so it runs before
``make`` has installed anything.

    python3 tools/student_copy.py                  # exercises/ -> my-work/
    python3 tools/student_copy.py SRC DST          # any other pair of folders
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ".copied.json"

COPIED, UPDATED, CURRENT, KEPT = "copied", "updated", "current", "kept"


class Entry(NamedTuple):
    """What happened to one notebook: its name, one of the actions above, and the line to print."""

    name: str
    action: str
    message: str

    def __str__(self) -> str:
        return self.message


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so an interruption leaves the old file whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(path: Path) -> dict[str, str]:
    """The recorded hashes; an unreadable manifest counts as empty (every differing file is then kept)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (``exercises``), else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def copy_exercises(src: Path | str, dst: Path | str) -> list[Entry]:
    """Copy ``src/*.ipynb`` into ``dst``, never overwriting a notebook the student changed.

    Returns one ``Entry`` per notebook in ``src``, in name order. Files in ``dst`` that are
    not in ``src`` (the student's own) are left alone.
    """
    src, dst = Path(src), Path(dst)
    sources = sorted(src.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks in {src}")
    dst.mkdir(parents=True, exist_ok=True)
    manifest_path = dst / MANIFEST
    manifest = _read_manifest(manifest_path)
    report = []
    for source in sources:
        name, target = source.name, dst / source.name
        data = source.read_bytes()
        new = hashlib.sha256(data).hexdigest()
        if not target.exists():
            _write_atomically(target, data)
            manifest[name] = new
            report.append(Entry(name, COPIED, f"copied {name}"))
            continue
        have = sha256(target)
        if have == new:
            manifest[name] = new
            report.append(Entry(name, CURRENT, f"{name} is up to date"))
        elif manifest.get(name) == have:
            _write_atomically(target, data)
            manifest[name] = new
            report.append(Entry(name, UPDATED, f"updated {name} to the new version (you had not changed it)"))
        else:
            report.append(Entry(name, KEPT, f"kept your {name} (you changed it); "
                                            f"the new version is in {_shown(src)}/{name}"))
    _write_atomically(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=ROOT / "exercises", type=Path,
                        help="the handed-out notebooks (default: exercises/)")
    parser.add_argument("dst", nargs="?", default=ROOT / "my-work", type=Path,
                        help="the student's copy (default: my-work/)")
    args = parser.parse_args(argv)
    try:
        report = copy_exercises(args.src, args.dst)
    except OSError as error:
        print(f"student_copy: {error}", file=sys.stderr)
        return 1
    for entry in report:
        print(entry)
    print(f"Your notebooks are in {_shown(args.dst)}/: open them there (make lab, then go up one folder).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
