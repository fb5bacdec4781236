"""Where a project's parts live: found from the folder holding mkdocs.yml and its litatlas settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

CONFIG_NAME = "mkdocs.yml"
PLUGIN_NAME = "litatlas"


class ProjectNotFound(Exception):
    pass


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its !!python and !ENV tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Settings:
    """Paths and links a build needs; the same values whether MkDocs or the CLI runs it."""

    root: Path
    records_dir: Path
    vocabulary_path: Path
    docs_dir: Path
    repo_url: str = ""
    edit_branch: str = "main"
    site_name: str = ""
    site_url: str = ""
    use_directory_urls: bool = True  # how page paths become URLs in raw HTML links and data files

    @property
    def records_rel(self) -> str:
        return (
            self.records_dir.relative_to(self.root).as_posix()
            if self.records_dir.is_relative_to(self.root)
            else self.records_dir.as_posix()
        )

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def correction_url(self, record_id: str) -> str:
        """The "Report a correction" issue form of the repository, prefilled with the record id."""
        if not self.repo_url.startswith("https://github.com/"):
            return ""
        query = urlencode({"template": "correction.yml", "record": record_id, "title": f"Correction: {record_id}"})
        return f"{self.repo_url.rstrip('/')}/issues/new?{query}"

    def record_source_url(self, filename: str, *, edit: bool = False) -> str:
        """GitHub address of a record file, to view or to edit it."""
        if not self.repo_url.startswith(("https://", "http://")):
            return ""
        verb = "edit" if edit else "blob"
        return f"{self.repo_url.rstrip('/')}/{verb}/{self.edit_branch}/{self.records_rel}/{filename}"


def find_root(start: Path) -> Path:
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectNotFound(f"no {CONFIG_NAME} in {start} or any folder above it; run litatlas inside an atlas project")


def settings_from_config(root: Path, config: dict[str, Any], options: dict[str, Any] | None = None) -> Settings:
    """Settings from an mkdocs config mapping and the plugin's options (defaults where absent)."""
    if options is None:
        options = _plugin_options(config)
    edit_uri = str(config.get("edit_uri") or "edit/main/docs/")
    parts = [p for p in edit_uri.split("/") if p]
    branch = parts[1] if len(parts) >= 2 and parts[0] in ("edit", "blob") else "main"
    records_dir = root / str(options.get("records", "records"))
    return Settings(
        root=root,
        records_dir=records_dir,
        vocabulary_path=root / str(options.get("vocabulary", records_dir.relative_to(root) / "vocabulary.yml")),
        docs_dir=root / str(config.get("docs_dir") or "docs"),
        repo_url=str(config.get("repo_url") or ""),
        edit_branch=branch,
        site_name=str(config.get("site_name") or ""),
        site_url=str(config.get("site_url") or ""),
        use_directory_urls=config.get("use_directory_urls") is not False,
    )


def _plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    return {}


def read_config(path: Path) -> dict[str, Any]:
    """An mkdocs.yml as plain data, its !!python and !ENV tags read as empty values."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_TolerantLoader) or {}  # noqa: S506 - tags are neutralised


def load_settings(start: Path) -> Settings:
    root = find_root(start)
    return settings_from_config(root, read_config(root / CONFIG_NAME))
