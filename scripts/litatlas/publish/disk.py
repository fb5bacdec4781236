"""Write the generated pages to disk as a complete docs folder that a plain `mkdocs build` can use."""

from __future__ import annotations

import shutil
from pathlib import Path

from litatlas.model.errors import UsageError

# Theme overrides every litatlas site uses (escaped page titles, the Pagefind search box, accessibility fixes):
# the plugin puts them in front of Material's templates; a build without the plugin names them as custom_dir.
THEME_DIR = Path(__file__).resolve().parent / "theme"


class UnsafeOutput(UsageError):
    pass


def check_output_dir(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that is, or holds, or sits inside a folder we must never write into."""
    target = out.resolve()
    for folder in protected:
        guarded = folder.resolve()
        if target == guarded or guarded.is_relative_to(target) or target.is_relative_to(guarded):
            raise UnsafeOutput(f"refusing to write into {out}: it overlaps {folder}, which holds hand-written files or records")


def write_pages(pages: dict[str, str], out: Path, docs_dir: Path | None = None) -> list[Path]:
    """Copy the hand-written docs (when given), then write the generated pages over their intros."""
    written = []
    out.mkdir(parents=True, exist_ok=True)
    if docs_dir is not None and docs_dir.is_dir():
        shutil.copytree(docs_dir, out, dirs_exist_ok=True)
    for rel, content in pages.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
