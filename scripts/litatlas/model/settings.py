"""Where a project's parts live and how its site is addressed: the same values whether MkDocs or the CLI runs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    root: Path
    records_dir: Path
    config_path: Path
    docs_dir: Path
    repo_url: str = ""
    edit_branch: str = "main"
    edit_uri: str = ""
    site_name: str = ""
    site_url: str = ""
    use_directory_urls: bool = True  # how page paths become URLs in raw HTML links and data files
    language: str = "en"

    @cached_property
    def records_rel(self) -> str:
        return self.display(self.records_dir)

    @property
    def curation_dir(self) -> Path:
        """Curators' working files beside the records: the pending list, the screening queue, the status file."""
        return self.root / "curation"

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the project when it is inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
