"""What one `mkdocs build` or `mkdocs serve` session keeps between MkDocs events, without importing MkDocs.

The MkDocs plugin is event wiring over one BuildState: it asks for the generated pages, hands each page's
HTML over as MkDocs converts it, and calls `finish` after the build to write the search index.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litatlas.load.atlas import intro_paths, load_atlas
from litatlas.load.recordcache import RecordCache
from litatlas.model.problems import Problem
from litatlas.model.settings import Settings
from litatlas.publish import slots
from litatlas.publish.pagefind import PART_SIZE, Indexer, digest, indexed_page, page_document, paper_record, search_script
from litatlas.publish.searchrules import excluded, mark_tables
from litatlas.site import routes
from litatlas.site.build import render_site
from litatlas.site.context import Content, Links, Memo


@dataclass
class GeneratedFile:
    """One generated file for MkDocs: its path, content, where its "edit" button leads, whether it changed."""

    path: str
    content: Content
    edit_url: str | None
    in_nav: bool = False
    unchanged: bool = False


@dataclass
class Generated:
    files: list[GeneratedFile]
    problems: list[Problem]
    replaces: list[str]  # hand-written pages that the generated ones take the place of


class BuildState:
    """The state of a build session. `mkdocs serve --dirty` keeps one across rebuilds (incremental preview)."""

    def __init__(self, command: str = "build", dirty: bool = False) -> None:
        self.command = command
        self.one_shot = command == "build"
        self.incremental = command == "serve" and dirty
        self.previous: dict[str, int] = {}  # path -> hash of the content of the previous build
        self.fingerprint: tuple[int, ...] | None = None
        self.generated: set[str] = set()
        self.edit_urls: dict[str, str | None] = {}
        self.search_records: list[dict[str, Any]] | None = None
        self.search_pages: dict[str, dict[str, Any]] = {}
        self.search_digest: str | None = None
        self.search_part_size = PART_SIZE  # papers per Pagefind bundle (the plugin's `search_part_size`)
        self.language = "en"
        self.indexer: Indexer | None = None
        self.packed: dict[str, bytes] = {}
        self.blocks: dict[str, list[str]] = {}  # raw HTML set aside while MkDocs converts a page
        self.memo = Memo() if self.incremental else None
        self.indexing: threading.Thread | None = None
        self.index_lock = threading.Lock()
        self.index_job: tuple[Any, ...] | None = None  # the newest index to write under `mkdocs serve`
        self.summary = ""
        self.output_files: dict[str, str] = {}  # generated source path -> output file, under `serve --dirty`
        self.stale: list[str] = []
        self.links = Links()
        self.record_cache: dict[str, RecordCache] = {}  # kept in memory across `mkdocs serve --dirty` rebuilds

    # ----- before MkDocs reads the pages

    def generate(self, settings: Settings, fingerprint: tuple[int, ...], nav_paths: set[str], language: str) -> Generated:
        """Load, check and render the atlas; the files to add, the record problems, the pages they replace."""
        self.close_indexer()
        self.search_records = None  # no index from the records of an earlier build
        atlas, problems = load_atlas(settings, keep=self.record_cache if self.incremental else None)
        self.edit_urls = {}
        self.generated = set()
        self.language = language
        if atlas is None:
            return Generated([], problems, [])
        if self.one_shot:
            gc.freeze()  # the records live until rendering ends: the collector need not scan them again and again
        # `mkdocs build`: paper pages are made when MkDocs reads them, not all held at once (memory).
        self.links = Links()
        pages = render_site(atlas, defer=self.one_shot, memo=self.memo, links=self.links)
        unchanged_since = self.previous if self.incremental and fingerprint == self.fingerprint else {}
        digests: dict[str, int] = {}
        files = []
        record_files = {routes.paper(record.id): record.filename for record in atlas.records}
        for path, content in pages.items():
            if path in record_files:
                edit_url = routes.record_source_url(settings, record_files[path], edit=True)
            elif path in atlas.intros:
                edit_url = routes.docs_edit_url(settings, path)
            else:
                edit_url = ""
            generated = GeneratedFile(path, content, edit_url or None, in_nav=path in nav_paths)
            if self.incremental:
                digests[path] = hash(content)
                generated.unchanged = unchanged_since.get(path) == digests[path]
            files.append(generated)
            self.edit_urls[path] = generated.edit_url
        self.generated = set(pages)
        if self.incremental:
            changed = sum(1 for f in files if not f.unchanged)
            reused = self.memo.reused if self.memo is not None else 0
            self.summary = f"{len(files)} generated files, {changed} changed; {reused} pages reused without rendering"
            self.previous, self.fingerprint = digests, fingerprint
        # One Pagefind record per paper, from its data; indexed after the build. Under `serve` the memo keeps a
        # record's entry while its file and the language are unchanged (the configuration and URLs are its
        # generation).
        self.search_records = []
        for rec in atlas.records:
            url = routes.page_url(routes.paper(rec.id), settings.use_directory_urls)
            make = functools.partial(paper_record, rec, url, atlas.config, language)
            self.search_records.append(self.memo.piece(("search", rec.id), (rec.digest, language), make) if self.memo else make())
        script = GeneratedFile(routes.SEARCH_SCRIPT, search_script(), None)
        script.unchanged = self.incremental and unchanged_since.get(routes.SEARCH_SCRIPT) == hash(script.content)
        if self.incremental:
            self.previous[routes.SEARCH_SCRIPT] = hash(script.content)
        files.append(script)
        replaces = intro_paths(atlas.config)
        if self.one_shot:
            self.search_pages = {}
            # The Pagefind binary indexes the papers on the second core while MkDocs converts the pages.
            self.indexer = Indexer(self.search_records, language, part_size=self.search_part_size)
            del atlas, pages
            gc.freeze()  # what is left lives until the build ends (files, configuration, theme)
        return Generated(files, problems, replaces)

    def outputs(self, written: dict[str, str]) -> None:
        """The files this build writes for generated pages (source path -> output path). Under `serve --dirty`
        MkDocs never empties the site folder: a page generated last time and not now (a deleted record's) is
        removed after the build, so the preview stops serving it."""
        if self.incremental:
            self.stale = sorted(set(self.output_files.values()) - set(written.values()))
            self.output_files = written

    def remove_stale(self, site_dir: Path) -> int:
        removed = 0
        root = site_dir.resolve()
        for output in self.stale:
            path = Path(output)
            if path.resolve().is_relative_to(root) and path.is_file():
                path.unlink()
                removed += 1
                with contextlib.suppress(OSError):  # a page's own folder (papers/<id>/), when it is now empty
                    path.parent.rmdir()
        self.stale = []
        return removed

    def broken_links(self, available: set[str]) -> list[str]:
        """Raw HTML links of the generated pages to pages the site does not have (once every page was read)."""
        return self.links.broken(available)

    def forget_search_pages(self, sources: set[str]) -> None:
        """Under `serve --dirty`, keep the search text of pages that still exist (unchanged ones are not converted)."""
        if self.incremental:
            self.search_pages = {src: doc for src, doc in self.search_pages.items() if src in sources}
        else:
            self.search_pages = {}

    # ----- while MkDocs converts and writes the pages

    def markdown(self, path: str, markdown: str, meta: dict[str, Any]) -> str:
        """A page's Markdown as MkDocs converts it: a generated page's raw HTML blocks set aside."""
        if path not in self.generated:
            return markdown
        if excluded(path) and "search" not in meta:
            meta["search"] = {"exclude": True}  # what `litatlas build --out` writes as front matter
        markdown, blocks = slots.stash(markdown)
        if blocks:
            self.blocks[path] = blocks
        return markdown

    def converted(self, path: str, html: str) -> str | None:
        """Keep a generated page's HTML compressed until it is written; None for pages that are not ours.

        MkDocs converts every page before it writes any and holds all their HTML meanwhile (at 10,000 papers,
        ~250 MB); a generated page's Markdown is not needed once converted.
        """
        if path not in self.generated:
            return None
        html = slots.restore(html, self.blocks.pop(path, []))
        self.packed[path] = zlib.compress(mark_tables(path, html).encode("utf-8"), 1)
        return ""

    def html(self, path: str) -> str | None:
        packed = self.packed.pop(path, None)
        return zlib.decompress(packed).decode("utf-8") if packed is not None else None

    def written(self, path: str, url: str, title: str, html: str, meta: dict[str, Any]) -> None:
        """A page went out: prose pages go into the search index as their article."""
        if indexed_page(path, meta):
            self.search_pages[path] = page_document(url, title, html, self.language)
        else:
            self.search_pages.pop(path, None)

    # ----- after the build

    def finish(self, site_dir: Path) -> str | None:
        """Write the Pagefind index; a line for the log, or None when nothing was written.

        Under `mkdocs serve` the index is made only when searchable text changed, and in the background: the
        browser reloads the edited page at once and the search box catches up a moment later.
        """
        records = self.search_records
        if records is None:  # the records did not load: the build has failed already
            return None
        pages = [self.search_pages[src] for src in sorted(self.search_pages)]
        indexer, self.indexer = self.indexer, None
        if indexer is not None:  # `mkdocs build`: the papers were indexed during the build
            start = time.perf_counter()
            count = indexer.finish(pages, site_dir)
            return f"Pagefind search index: {count} entries ({time.perf_counter() - start:.2f} s at the end of the build)"
        made_from = digest(records, pages)
        if made_from == self.search_digest and (site_dir / "pagefind" / "pagefind.js").is_file():
            return None  # no searchable text changed since the last build: the index on disk is still right
        self.search_digest = made_from
        if not self.incremental:
            count = Indexer(records, self.language, background=False, part_size=self.search_part_size).finish(pages, site_dir)
            return f"Pagefind search index: {count} entries"
        # The rebuild does not wait for an index still being written: the newest job runs when it is done.
        with self.index_lock:
            self.index_job = (records, pages, self.language, site_dir, self.search_part_size)
            if self.indexing is None or not self.indexing.is_alive():
                self.indexing = threading.Thread(target=self._index_jobs, name="pagefind-index", daemon=True)
                self.indexing.start()
        return f"Pagefind search index: {len(records) + len(pages)} entries, written in the background"

    def _index_jobs(self) -> None:
        """Write the Pagefind index of the newest build, again while newer builds have come meanwhile."""
        while True:
            with self.index_lock:
                job, self.index_job = self.index_job, None
                if job is None:
                    return
            _index(*job)

    def close(self) -> None:
        """At the end of `mkdocs serve`: let the index finish and keep the record cache on disk."""
        self.wait_for_index()
        for cache in self.record_cache.values():
            cache.save(everything=True)

    def wait_for_index(self) -> None:
        """Let the background index, and any queued after it, finish (before the process ends)."""
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def close_indexer(self) -> None:
        indexer, self.indexer = self.indexer, None
        if indexer is not None:
            indexer.close()


def _index(records: list[dict[str, Any]], pages: list[dict[str, Any]], language: str, site_dir: Path, part_size: int) -> None:
    """Make the Pagefind index in a background thread (`mkdocs serve`); a failure is logged, not raised."""
    log = logging.getLogger("mkdocs.plugins.litatlas")
    start = time.perf_counter()
    try:
        count = Indexer(records, language, background=False, part_size=part_size).finish(pages, site_dir)
    except Exception as exc:  # noqa: BLE001 - a thread has no caller to raise to
        log.warning(f"Pagefind search index not updated: {exc}")
    else:
        log.info(f"Pagefind search index written: {count} entries ({time.perf_counter() - start:.1f} s)")
