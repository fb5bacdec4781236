"""The MkDocs adapter: the only module that imports MkDocs; adds the generated pages on every build."""

from __future__ import annotations

import gc
import logging
import time
import zlib
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from litatlas.atlas import intro_paths, load_atlas
from litatlas.pagefind_index import (
    SCRIPT_PATH,
    Indexer,
    digest,
    indexed_page,
    page_document,
    paper_record,
    search_script,
)
from litatlas.project import Settings, settings_from_config
from litatlas.render import BYTECODE_CACHE, Deferred, render_deferred, render_pages
from litatlas.search import excluded, mark_tables

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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup also makes MkDocs keep this object across `mkdocs serve` rebuilds, which the
        # incremental rebuild needs: under `mkdocs serve --dirty`, pages whose Markdown did not change
        # since the previous build are not converted and written again (issue 7: edit-to-preview).
        self._command = command
        self._incremental = command == "serve" and dirty
        self._previous: dict[str, int] = {}
        self._fingerprint: tuple[int, ...] | None = None
        # Search: the prose pages indexed (kept across `--dirty` rebuilds, which convert only changed pages)
        # and the digest of what the last Pagefind index was made from.
        self._search_pages: dict[str, dict[str, Any]] = {}
        self._search_digest: str | None = None

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
        self._search_records: list[dict[str, Any]] | None = None  # no index from the records of an earlier build
        if atlas is None:
            return files
        one_shot = getattr(self, "_command", "") == "build"
        if one_shot:
            gc.freeze()  # the records live until rendering ends: the collector need not scan them again and again
        # `mkdocs build`: paper pages are made when MkDocs reads them, not all held at once (memory).
        pages = render_deferred(atlas) if one_shot else render_pages(atlas)
        for rel in intro_paths(atlas.vocabulary):
            existing = files.get_file_from_path(rel)
            if existing is not None:
                files.remove(existing)
        incremental = getattr(self, "_incremental", False)
        fingerprint = _fingerprint(config) if incremental else None
        unchanged_since = self._previous if incremental and fingerprint == self._fingerprint else {}
        digests: dict[str, int] = {}
        for rel, content in pages.items():
            # Data files (JSON, CSV, BibTeX...) are only copied: UTF-8 bytes take half the memory of text.
            if isinstance(content, Deferred):
                file = DeferredFile.made_by(config, rel, content, as_bytes=not rel.endswith(".md"))
            else:
                data = content.encode("utf-8") if not rel.endswith(".md") else content
                file = File.generated(config, rel, content=data)
            files.append(file)
            if incremental:
                digests[rel] = hash(content)
                if unchanged_since.get(rel) == digests[rel]:
                    file.is_modified = _unchanged  # MkDocs skips it in a dirty build: its output is still there
            if rel.startswith("papers/"):
                self._edit_urls[rel] = settings.record_source_url(rel[len("papers/") :].removesuffix(".md") + ".yml", edit=True)
            elif rel in atlas.intros:
                self._edit_urls[rel] = _docs_edit_url(config, rel)
            else:
                self._edit_urls[rel] = None
        if incremental:
            self._previous, self._fingerprint = digests, fingerprint
            self._rebuilt: set[str] = set()
            self._page_urls = {file.url for file in files.documentation_pages()}
        # One Pagefind record per paper, from its data; indexed after the build (see litatlas.pagefind_index).
        self._search_language = str(config.theme["language"] or "en") if config.theme else "en"
        self._search_records = [
            paper_record(rec, url, atlas.vocabulary, self._search_language)
            for rec in atlas.records
            if (url := _page_url(files, f"papers/{rec.id}.md")) is not None
        ]
        if files.get_file_from_path(SCRIPT_PATH) is None:
            files.append(File.generated(config, SCRIPT_PATH, content=search_script().encode("utf-8")))
        if incremental:
            sources = {file.src_uri for file in files.documentation_pages()}
            self._search_pages = {src: doc for src, doc in self._search_pages.items() if src in sources}
        else:
            self._search_pages = {}
        self._close_indexer()
        if one_shot:
            # The Pagefind binary indexes the papers on the second core while MkDocs converts the pages.
            self._indexer = Indexer(self._search_records, self._search_language)
            del atlas, pages
            gc.freeze()  # what is left lives until the build ends (files, configuration, theme)
        return files

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        if getattr(self, "_incremental", False) and env.bytecode_cache is None:
            env.bytecode_cache = BYTECODE_CACHE  # the theme's templates too are compiled once per `mkdocs serve`
        return env

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        rel = page.file.src_uri
        if excluded(rel) and rel in getattr(self, "_edit_urls", {}) and "search" not in page.meta:
            page.meta["search"] = {"exclude": True}  # what `litatlas build --out` writes as front matter
        return markdown

    @event_priority(-100)  # last, after any other plugin has seen the HTML
    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        rel = page.file.src_uri
        if rel not in getattr(self, "_edit_urls", {}):
            return html
        # MkDocs converts every page before it writes any, and holds all their Markdown and HTML meanwhile
        # (at 10,000 papers, ~250 MB of HTML). A generated page's Markdown is not needed once converted (the
        # title comes from the HTML), and its HTML is kept compressed until the page is written.
        page.markdown = ""
        page.file.content_string = ""
        html = mark_tables(rel, html)
        if not hasattr(self, "_packed"):
            self._packed: dict[str, bytes] = {}
        self._packed[rel] = zlib.compress(html.encode("utf-8"), 1)
        return ""

    @event_priority(100)  # first: the search plugin and the theme read the page's HTML
    def on_page_context(self, context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
        packed = getattr(self, "_packed", {}).pop(page.file.src_uri, None)
        if packed is not None:
            page.content = zlib.decompress(packed).decode("utf-8")
        if getattr(self, "_incremental", False):
            self._rebuilt.add(page.url)  # only pages MkDocs rebuilds get here
        rel = page.file.src_uri
        if rel in getattr(self, "_edit_urls", {}):
            # Generated pages have no file under docs/: point "edit" at the record or intro instead.
            page.edit_url = self._edit_urls[rel] or None
        return context

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        # Prose pages go into the search index as their article; a `--dirty` rebuild sees only changed pages.
        search_pages = getattr(self, "_search_pages", None)
        if search_pages is not None:
            if indexed_page(page.file.src_uri, page.meta):
                document = page_document(page.url, page.title or "", page.content or "", self._search_language)
                search_pages[page.file.src_uri] = document
            else:
                search_pages.pop(page.file.src_uri, None)
        if page.file.src_uri in getattr(self, "_edit_urls", {}):
            page.content = ""  # written: the HTML need not stay in memory until the build ends
        return output

    def on_post_build(self, config: Any) -> None:
        records = getattr(self, "_search_records", None)
        if records is None:  # the records did not load: the build has failed already
            return
        pages = [self._search_pages[src] for src in sorted(self._search_pages)]
        site = Path(config.site_dir)
        start = time.perf_counter()
        indexer, self._indexer = getattr(self, "_indexer", None), None
        made_from = None
        if indexer is None:  # `mkdocs serve`: the index is made at the end, and only when its text changed
            made_from = digest(records, pages)
            if made_from == getattr(self, "_search_digest", None) and (site / "pagefind" / "pagefind.js").is_file():
                return  # no searchable text changed since the last build: the index on disk is still right
            indexer = Indexer(records, self._search_language, background=False)
        count = indexer.finish(pages, site)
        self._search_digest = made_from
        log.info(f"Pagefind search index: {count} entries ({time.perf_counter() - start:.2f} s at the end of the build)")

    def on_build_error(self, *, error: Exception) -> None:
        self._close_indexer()

    def _close_indexer(self) -> None:
        indexer, self._indexer = getattr(self, "_indexer", None), None
        if indexer is not None:
            indexer.close()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        settings = self._settings(config)
        server.watch(str(settings.records_dir))
        if not settings.vocabulary_path.is_relative_to(settings.records_dir):
            server.watch(str(settings.vocabulary_path))
        return server


class DeferredFile(File):
    """A generated file whose content is made each time MkDocs reads or copies it (once per build), never kept."""

    _make: Deferred | None = None
    _value: str | bytes | None = None
    _as_bytes = False

    @classmethod
    def made_by(cls, config: Any, rel: str, make: Deferred, *, as_bytes: bool) -> DeferredFile:
        file = cls.generated(config, rel, content="")
        file._value, file._make, file._as_bytes = None, make, as_bytes
        return file

    @property  # type: ignore[override] - MkDocs reads `_content` for the page source and when copying
    def _content(self) -> str | bytes | None:
        if self._value is not None or self._make is None:
            return self._value
        text = self._make()
        return text.encode("utf-8") if self._as_bytes else text

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._value = value  # e.g. "" once the plugin has converted the page

    def is_modified(self) -> bool:
        return True  # File.is_modified would make the content just to see that it exists


def _unchanged() -> bool:
    return False


def _fingerprint(config: Any) -> tuple[int, ...]:
    """What makes every page stale when it changes: the configuration and the theme overrides."""
    paths = [Path(config.config_file_path)]
    custom_dir = config.theme.custom_dir if config.theme else None
    if custom_dir:
        paths += sorted(Path(custom_dir).rglob("*"))
    return tuple(path.stat().st_mtime_ns for path in paths if path.exists())


def _page_url(files: Files, rel: str) -> str | None:
    file = files.get_file_from_path(rel)
    return file.url if file is not None else None


def _docs_edit_url(config: Any, rel: str) -> str | None:
    repo_url, edit_uri = config.get("repo_url"), config.get("edit_uri")
    if not repo_url or not edit_uri:
        return None
    return repo_url.rstrip("/") + "/" + edit_uri.strip("/") + "/" + rel
