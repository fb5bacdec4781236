"""Find a project from the folder holding mkdocs.yml, and read its litatlas settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from litatlas.model.errors import UsageError
from litatlas.model.settings import Settings

CONFIG_NAME = "mkdocs.yml"
PLUGIN_NAME = "litatlas"
ATLAS_CONFIG = "atlas.yml"  # in the records folder, unless the plugin's `config` option says otherwise


class ProjectNotFound(UsageError):
    pass


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its !!python and !ENV tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def find_root(start: Path) -> Path:
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectNotFound(f"no {CONFIG_NAME} in {start} or any folder above it; run litatlas inside an atlas project")


def settings_from_config(root: Path, config: dict[str, Any], options: dict[str, Any] | None = None) -> Settings:
    """Settings from an mkdocs config mapping and the plugin's options (defaults where absent)."""
    if options is None:
        options = plugin_options(config)
    edit_uri = str(config.get("edit_uri") or "")
    parts = [p for p in edit_uri.split("/") if p]
    branch = parts[1] if len(parts) >= 2 and parts[0] in ("edit", "blob") else "main"
    records_dir = root / str(options.get("records") or "records")
    config_option = options.get("config")
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else getattr(theme, "get", lambda _k: None)("language")
    return Settings(
        root=root,
        records_dir=records_dir,
        config_path=root / str(config_option) if config_option else records_dir / ATLAS_CONFIG,
        docs_dir=root / str(config.get("docs_dir") or "docs"),
        repo_url=str(config.get("repo_url") or ""),
        edit_branch=branch,
        edit_uri=edit_uri,
        site_name=str(config.get("site_name") or ""),
        site_url=str(config.get("site_url") or ""),
        use_directory_urls=config.get("use_directory_urls") is not False,
        language=str(language or "en"),
    )


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
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
