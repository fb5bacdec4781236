"""The MkDocs adapter, the only module that imports MkDocs: event wiring over one BuildState."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from litatlas.load.project import settings_from_config
from litatlas.model.settings import Settings
from litatlas.publish.disk import THEME_DIR
from litatlas.publish.pagefind import PART_SIZE
from litatlas.publish.state import BuildState, GeneratedFile
from litatlas.site.context import BYTECODE_CACHE, Deferred

log = logging.getLogger("mkdocs.plugins.litatlas")

DIRTY_WARNING = "A 'dirty' build is being performed"


class LitatlasConfig(Config):
    records = config_options.Type(str, default="records")
    config = config_options.Optional(config_options.Type(str))
    # Papers per search-index bundle: the Pagefind binary's memory grows with the bundle it writes.
    search_part_size = config_options.Type(int, default=PART_SIZE)


class _ExplainDirty(logging.Filter):
    """Under `mkdocs serve --dirty` MkDocs warns that navigation may be stale; litatlas rebuilds every page
    whose content changed, so the warning does not apply: it is replaced by one line saying so."""

    told = False

    def filter(self, record: logging.LogRecord) -> bool:
        if DIRTY_WARNING not in record.getMessage():
            return True
        if not self.told:
            self.told = True
            log.info(
                "Incremental preview: litatlas compares every generated page with the previous build and rebuilds what changed."
            )
        return False


class LitatlasPlugin(BasePlugin[LitatlasConfig]):
    """Loads, validates and renders the records in memory; nothing is written into docs/."""

    def __init__(self) -> None:
        super().__init__()
        self.state = BuildState()

    def _settings(self, config: Any) -> Settings:
        root = Path(config.config_file_path).resolve().parent
        options = {"records": self.config.records, "config": self.config.config}
        return settings_from_config(root, dict(config), options)

    def on_config(self, config: Any) -> Any:
        # The shared theme overrides go after the atlas's own custom_dir (which can still override them).
        if config.theme is not None and str(THEME_DIR) not in config.theme.dirs:
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, str(THEME_DIR))
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup also makes MkDocs keep this object across `mkdocs serve` rebuilds, which the
        # incremental preview needs.
        self.state = BuildState(command, dirty)
        if self.state.incremental:
            logging.getLogger("mkdocs.commands.build").addFilter(_ExplainDirty())

    def on_files(self, files: Files, config: Any) -> Files:
        nav_paths = _nav_paths(config.nav)
        self.state.search_part_size = max(1, self.config.search_part_size)
        theme_language = config.theme["language"] if config.theme else None
        made = self.state.generate(self._settings(config), _fingerprint(config), nav_paths, str(theme_language or "en"))
        for problem in made.problems:
            # A record error is logged as a warning so `mkdocs build --strict` fails with its path:line;
            # validator warnings (advice such as a likely missing PMCID) stay informational.
            (log.warning if problem.severity == "error" else log.info)(str(problem))
        for path in made.replaces + [generated.path for generated in made.files]:
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
        written = {}
        for generated in made.files:
            file = _file(config, generated)
            files.append(file)
            written[file.src_uri] = file.abs_dest_path
            if generated.unchanged:
                file.is_modified = _unchanged  # MkDocs skips it in a dirty build: its output is still there
        self.state.outputs(written)
        self.state.forget_search_pages({file.src_uri for file in files.documentation_pages()})
        if self.state.summary:
            log.info(self.state.summary)
        return files

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        # Every page has been read and converted: the raw HTML links of generated pages can be checked, as
        # MkDocs checked the Markdown ones (a warning, so `--strict` fails).
        for line in self.state.broken_links({file.src_uri for file in files}):
            log.warning(line)
        if self.state.incremental and env.bytecode_cache is None:
            env.bytecode_cache = BYTECODE_CACHE  # the theme's templates too are compiled once per `mkdocs serve`
        return env

    @event_priority(-100)  # last: other plugins see the page as written
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        return self.state.markdown(page.file.src_uri, markdown, page.meta)

    @event_priority(-100)  # last, after any other plugin has seen the HTML
    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        kept = self.state.converted(page.file.src_uri, html)
        if kept is None:
            return html
        page.markdown = ""
        page.file.content_string = ""
        return kept

    @event_priority(100)  # first: the theme reads the page's HTML
    def on_page_context(self, context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
        path = page.file.src_uri
        html = self.state.html(path)
        if html is not None:
            page.content = html
        if path in self.state.edit_urls:
            # Generated pages have no file under docs/: "edit" leads to the record or the intro instead.
            page.edit_url = self.state.edit_urls[path]
        return context

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        self.state.written(page.file.src_uri, page.url, page.title or "", page.content or "", page.meta)
        if page.file.src_uri in self.state.generated:
            page.content = ""  # written: the HTML need not stay in memory until the build ends
        return output

    def on_post_build(self, config: Any) -> None:
        self.state.remove_stale(Path(config.site_dir))
        message = self.state.finish(Path(config.site_dir))
        if message:
            log.info(message)

    def on_build_error(self, *, error: Exception) -> None:
        self.state.close_indexer()

    def on_shutdown(self) -> None:
        self.state.close()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        settings = self._settings(config)
        server.watch(str(settings.records_dir))
        if not settings.config_path.is_relative_to(settings.records_dir):
            server.watch(str(settings.config_path))
        return server


class DeferredFile(File):
    """A generated file whose content is made each time MkDocs reads or copies it (once per build), never kept."""

    _make: Deferred | None = None
    _value: str | bytes | None = None
    _as_bytes = False

    @classmethod
    def made_by(cls, config: Any, path: str, make: Deferred, *, as_bytes: bool, inclusion: InclusionLevel) -> DeferredFile:
        file = cls.generated(config, path, content="", inclusion=inclusion)
        file._value, file._make, file._as_bytes = None, make, as_bytes
        return file

    @property  # type: ignore[override] - MkDocs reads `_content` for the page source and when copying
    def _content(self) -> str | bytes | None:
        if self._value is not None or self._make is None:
            return self._value
        return self._make.encoded() if self._as_bytes else self._make()

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._value = value  # e.g. "" once the plugin has converted the page

    def is_modified(self) -> bool:
        return True  # File.is_modified would make the content just to see that it exists


def _file(config: Any, generated: GeneratedFile) -> File:
    # Pages the configured navigation leaves out are marked so: builds do not list them one by one. (Without a
    # `nav`, MkDocs makes the navigation from every page, and no page is left out.)
    inclusion = InclusionLevel.UNDEFINED if generated.in_nav or config.nav is None else InclusionLevel.NOT_IN_NAV
    page = generated.path.endswith(".md")
    if isinstance(generated.content, Deferred):
        return DeferredFile.made_by(config, generated.path, generated.content, as_bytes=not page, inclusion=inclusion)
    # Data files (JSON, CSV, BibTeX...) are only copied: UTF-8 bytes take half the memory of text.
    content = generated.content if page else generated.content.encode("utf-8")
    return File.generated(config, generated.path, content=content, inclusion=inclusion)


def _unchanged() -> bool:
    return False


def _nav_paths(nav: Any) -> set[str]:
    """Every page path the configured navigation names."""
    found: set[str] = set()
    pending = [nav]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _fingerprint(config: Any) -> tuple[int, ...]:
    """What makes every page stale when it changes: the configuration and the theme overrides."""
    paths = [Path(config.config_file_path)]
    custom_dir = config.theme.custom_dir if config.theme else None
    if custom_dir:
        paths += sorted(Path(custom_dir).rglob("*"))
    return tuple(path.stat().st_mtime_ns for path in paths if path.exists())
