"""The MkDocs adapter: the only module that imports MkDocs; adds the generated pages on every build."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from litatlas.atlas import intro_paths, load_atlas
from litatlas.project import Settings, settings_from_config
from litatlas.render import render_pages

log = logging.getLogger("mkdocs.plugins.litatlas")


class LitatlasConfig(Config):
    records = config_options.Type(str, default="records")
    vocabulary = config_options.Optional(config_options.Type(str))


class LitatlasPlugin(BasePlugin[LitatlasConfig]):
    """Loads, validates and renders the records in memory; nothing is written into docs/."""

    def _settings(self, config: Any) -> Settings:
        root = Path(config.config_file_path).resolve().parent
        options = {"records": self.config.records}
        if self.config.vocabulary:
            options["vocabulary"] = self.config.vocabulary
        return settings_from_config(root, dict(config), options)

    def on_files(self, files: Files, config: Any) -> Files:
        settings = self._settings(config)
        atlas, problems = load_atlas(settings)
        for problem in problems:
            # A record error is logged as a warning so `mkdocs build --strict` fails with its path:line;
            # validator warnings (advice such as a likely missing PMCID) stay informational, as in
            # `litatlas validate` without --strict.
            if problem.severity == "error":
                log.warning(str(problem))
            else:
                log.info(str(problem))
        self._edit_urls: dict[str, str | None] = {}
        if atlas is None:
            return files
        pages = render_pages(atlas)
        for rel in intro_paths(atlas.vocabulary):
            existing = files.get_file_from_path(rel)
            if existing is not None:
                files.remove(existing)
        for rel, content in pages.items():
            files.append(File.generated(config, rel, content=content))
            if rel.startswith("papers/"):
                self._edit_urls[rel] = settings.record_source_url(rel[len("papers/") :].removesuffix(".md") + ".yml", edit=True)
            elif rel in atlas.intros:
                self._edit_urls[rel] = _docs_edit_url(config, rel)
            else:
                self._edit_urls[rel] = None
        return files

    def on_page_context(self, context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
        rel = page.file.src_uri
        if rel in getattr(self, "_edit_urls", {}):
            # Generated pages have no file under docs/: point "edit" at the record or intro instead.
            page.edit_url = self._edit_urls[rel] or None
        return context

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        settings = self._settings(config)
        server.watch(str(settings.records_dir))
        if not settings.vocabulary_path.is_relative_to(settings.records_dir):
            server.watch(str(settings.vocabulary_path))
        return server


def _docs_edit_url(config: Any, rel: str) -> str | None:
    repo_url, edit_uri = config.get("repo_url"), config.get("edit_uri")
    if not repo_url or not edit_uri:
        return None
    return repo_url.rstrip("/") + "/" + edit_uri.strip("/") + "/" + rel
