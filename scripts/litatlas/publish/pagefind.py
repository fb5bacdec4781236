"""The static Pagefind search index: papers as custom records from their data, prose pages from their article."""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from html import escape
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterable

from litatlas.model.config import AtlasConfig
from litatlas.model.errors import LitatlasError
from litatlas.model.record import Record
from litatlas.publish.searchrules import excluded

# Where the index goes inside site/; the script that puts a search box on it is routes.SEARCH_SCRIPT.
OUTPUT = "pagefind"
# Papers per Pagefind bundle. The binary's memory grows with the bundle it writes (630 MB for 10,000 papers in
# one); a bigger atlas gets one bundle per part, written one after the other by binaries of their own, listed
# in PARTS_FILE of the main bundle; the search box merges them (Pagefind's mergeIndex).
PART_SIZE = 4000
PARTS_FILE = "litatlas-parts.json"
AUTHORS_INDEXED = 10
# Parts of a prose page that are not prose: permalink anchors and the paper tables of topic pages
# (search.mark_tables marks those; each paper has its own record).
EXCLUDE_SELECTORS = ["[data-search-exclude]", ".headerlink"]
_H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)


def search_script() -> str:
    return resources.files("litatlas.site").joinpath("assets/litatlas-search.js").read_text(encoding="utf-8")


def paper_record(record: Record, url: str, config: AtlasConfig | None = None, language: str = "en") -> dict[str, Any]:
    """A Pagefind custom record for one paper: the fields readers search, as plain text (never markup).

    `url` is site-relative ("papers/x/"); in the index it starts with "/", and Pagefind prefixes it with the
    site's path that the search box gives it, so the index does not depend on where the site is served.
    """
    authors = record.list("authors")
    names = ", ".join(authors[:AUTHORS_INDEXED]) + (" et al." if len(authors) > AUTHORS_INDEXED else "")
    journal = str(record.get("journal") or "")
    byline = " ".join(part for part in (f"{names}." if names else "", journal, f"{record.year}.") if part)
    parts = [f"{record.title}.", byline, str(record.get("summary") or "")]
    for field in config.fields if config else ():
        values = record.values(field.id) if field.search else []
        if values:
            parts.append(
                f"{field.plural if len(values) > 1 else field.label}: " + ", ".join(field.label_of(v) for v in values) + "."
            )
    return {
        "url": "/" + url.lstrip("/"),
        "content": " ".join(p.strip() for p in parts if p.strip()),
        "language": language,
        "meta": {"title": record.title},
    }


def indexed_page(rel: str, meta: dict[str, Any] | None) -> bool:
    """Whether a Markdown page goes into the index: not a page that lists papers, not one that opts out."""
    if excluded(rel):
        return False
    search = (meta or {}).get("search")
    return not (isinstance(search, dict) and search.get("exclude"))


def page_document(url: str, title: str, article_html: str, language: str = "en") -> dict[str, Any]:
    """A prose page as Pagefind reads it: only the article (the page frame, navigation and footer stay out)."""
    heading = "" if _H1.search(article_html) else f"<h1>{escape(title, quote=False)}</h1>"
    html = f'<!doctype html><html lang="{escape(language)}"><body><article>{heading}{article_html}</article></body></html>'
    return {"url": "/" + url.lstrip("/"), "html": html}


def digest(records: Iterable[dict[str, Any]], pages: Iterable[dict[str, Any]]) -> str:
    """What the index is made from: unchanged, the index written last time is still right (`mkdocs serve`)."""
    hasher = hashlib.blake2b(digest_size=16)
    for item in (*records, *pages):
        hasher.update(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return hasher.hexdigest()


def write_index(
    records: list[dict[str, Any]], pages: list[dict[str, Any]], site_dir: Path, language: str = "en", part_size: int = PART_SIZE
) -> int:
    """Index the records and pages with the Pagefind binary and write the bundle to site_dir/pagefind/.

    Returns the number of entries indexed.
    """
    return Indexer(records, language, background=False, part_size=part_size).finish(pages, site_dir)


class Indexer:
    """A Pagefind index being made: the paper records first (in a thread, if `background`), pages at the end.

    `mkdocs build` starts one as soon as the records are known, so the Pagefind binary indexes them on the
    second core while MkDocs (one core) converts and writes the pages; only the prose pages and the writing
    of the main bundle are left for the end of the build. Up to `part_size` papers go into the main bundle
    with the pages; more are indexed in parts of `part_size`, one binary at a time, each part a bundle of
    its own inside the main one (so no binary ever holds more than one part).
    """

    def __init__(
        self, records: list[dict[str, Any]], language: str = "en", background: bool = True, part_size: int = PART_SIZE
    ) -> None:
        self._count = len(records)
        self._config = {"force_language": language, "exclude_selectors": EXCLUDE_SELECTORS, "root_selector": "article"}
        self._parts_dir: Path | None = None
        self._parts: list[str] = []
        self._parts_error: BaseException | None = None
        self._parts_thread: threading.Thread | None = None
        self._service: _Service | None = None
        self._pending: list[int] = []
        if len(records) > part_size:
            # Every paper in a part; the main bundle (made at the end) holds the prose pages only.
            chunks = [records[i : i + part_size] for i in range(0, len(records), part_size)]
            self._parts_dir = Path(tempfile.mkdtemp(prefix="litatlas-pagefind-parts-"))
            if background:
                self._parts_thread = threading.Thread(target=self._write_parts, args=(chunks,), name="pagefind-parts")
                self._parts_thread.daemon = True
                self._parts_thread.start()
            else:
                self._write_parts(chunks)
            return
        self._service, self._index_id = self._new_index()
        try:
            self._pending = self._service.send(
                [{"type": "AddRecord", "index_id": self._index_id, **record} for record in records], background
            )
        except BaseException:
            self.close()
            raise

    def _new_index(self) -> tuple[_Service, str]:
        service = _Service()
        service.start()
        try:
            (new_index,) = service.wait(service.send([{"type": "NewIndex", "config": self._config}]))
        except BaseException:
            service.stop()
            raise
        return service, new_index["index_id"]

    def _write_parts(self, chunks: list[list[dict[str, Any]]]) -> None:
        assert self._parts_dir is not None
        try:
            for number, chunk in enumerate(chunks, start=1):
                service, index_id = self._new_index()
                try:
                    name = f"part-{number}"
                    service.send([{"type": "AddRecord", "index_id": index_id, **record} for record in chunk])
                    write = {"type": "WriteFiles", "index_id": index_id, "output_path": str(self._parts_dir / name)}
                    service.wait(service.send([write]))
                    self._parts.append(name)
                finally:
                    service.stop()
        except BaseException as exc:  # noqa: BLE001 - handed to finish(), which raises it in the build's thread
            self._parts_error = exc

    def finish(self, pages: list[dict[str, Any]], site_dir: Path) -> int:
        """Add the pages, write the bundle to site_dir/pagefind/ and stop the binary; the number of entries.

        The bundle is written next to the old one and swapped in, so a browser of `mkdocs serve` never sees
        half an index.
        """
        out = site_dir / OUTPUT
        staging = site_dir / f".{OUTPUT}-new"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            if self._parts_thread is not None:
                self._parts_thread.join()
            if self._parts_error is not None:
                raise self._parts_error
            if self._service is None:
                self._service, self._index_id = self._new_index()
            add = {"type": "AddFile", "index_id": self._index_id, "file_path": None}
            pending = self._pending + self._service.send([{**add, "url": p["url"], "file_contents": p["html"]} for p in pages])
            self._service.wait(pending)  # every entry is in before the bundle is written
            write = {"type": "WriteFiles", "index_id": self._index_id, "output_path": str(staging.resolve())}
            self._service.wait(self._service.send([write]))
            for name in self._parts:
                assert self._parts_dir is not None
                shutil.move(str(self._parts_dir / name), str(staging / name))
            # Always written (an empty list for one bundle): the search box asks for it and a 404 would be noise.
            parts = {"parts": [f"{name}/" for name in self._parts]}
            (staging / PARTS_FILE).write_text(json.dumps(parts) + "\n", encoding="utf-8")
        finally:
            self.close()
        old = site_dir / f".{OUTPUT}-old"
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
        return self._count + len(pages)

    def close(self) -> None:
        """Stop the binary (also when the build failed before finish) and drop unused parts."""
        if self._service is not None:
            self._service.stop()
            self._service = None
        if self._parts_dir is not None:
            if self._parts_thread is not None and self._parts_thread.is_alive():
                return  # the thread still writes there; a temporary folder is left behind, nothing else
            shutil.rmtree(self._parts_dir, ignore_errors=True)


def bundles(bundle: Path) -> list[Path]:
    """The main bundle and its parts (see PART_SIZE)."""
    listed = bundle / PARTS_FILE
    parts = json.loads(listed.read_text(encoding="utf-8"))["parts"] if listed.is_file() else []
    return [bundle, *(bundle / part for part in parts)]


def read_fragments(bundle: Path) -> list[dict[str, Any]]:
    """Every indexed page as Pagefind stored it (url, content, meta), in every part: for tests and the benchmark."""
    fragments = []
    for part in bundles(bundle):
        for path in sorted((part / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes())
            fragments.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return fragments


class PagefindError(LitatlasError):
    """The Pagefind binary is missing, stopped, or answered with an error."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # the binary comes with pagefind[bin]; a system-wide one also works
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        if found is None:
            raise PagefindError("the Pagefind binary is missing: pip install 'pagefind[bin]'") from exc
        return Path(found)
    return get_executable()


# The key of a message's body in Pagefind's --service protocol (its wire format, not a word of ours).
_BODY = "payload"


class _Service:
    """The Pagefind binary in `--service` mode, spoken to directly.

    The protocol is base64-encoded JSON messages, each ended by a comma, both ways. The `pagefind` Python
    package speaks it too, but its reader sleeps 0.1 s after every answer: 1,000 s for 10,000 papers. Here
    requests go down the pipe in one write and the answers into a temporary file, read when they are needed:
    no Python thread wakes for each answer, which during `mkdocs build` would take the interpreter lock from
    MkDocs thousands of times.
    """

    def __init__(self) -> None:
        self._next_id = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: IO[bytes] | None = None
        self._buffer = b""
        self._offset = 0  # how much of the answers file has been read
        self._received: dict[int, dict[str, Any]] = {}
        self._writers: list[threading.Thread] = []

    def start(self) -> None:
        # Two opens of one unlinked file: the binary writes through its own append-only handle, so reading
        # here (seek + read on our handle) never moves the offset its next answer is written at. One shared
        # handle lost answers whenever a read ran while the binary was still writing.
        fd, name = tempfile.mkstemp(prefix="litatlas-pagefind-")
        try:
            self._answers = os.fdopen(fd, "rb")
            with open(name, "ab") as writer:
                self._process = subprocess.Popen(
                    [str(_executable()), "--service"], stdin=subprocess.PIPE, stdout=writer, stderr=subprocess.DEVNULL
                )
        finally:
            os.unlink(name)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                assert process.stdin is not None
                process.stdin.close()  # the service ends at the end of its input
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        for writer in self._writers:
            writer.join(timeout=10)
        if self._answers is not None:
            self._answers.close()
            self._answers = None

    def send(self, requests: list[dict[str, Any]], background: bool = False) -> list[int]:
        """Write the requests (from a thread if `background`: the pipe holds only 64 KB); their message ids."""
        if self._process is None or self._process.stdin is None:
            raise PagefindError("the Pagefind binary is not running")
        ids = list(range(self._next_id + 1, self._next_id + 1 + len(requests)))
        self._next_id += len(requests)
        data = b"".join(
            base64.b64encode(json.dumps({"message_id": i, _BODY: p}, ensure_ascii=False).encode("utf-8")) + b","
            for i, p in zip(ids, requests)
        )
        stdin = self._process.stdin
        for writer in self._writers:
            writer.join()  # requests go down the pipe in order
        self._writers = []
        if background:
            writer = threading.Thread(target=_write, args=(stdin, data), name="pagefind-requests", daemon=True)
            writer.start()
            self._writers.append(writer)
        else:
            _write(stdin, data)
        return ids

    def wait(self, ids: list[int], timeout: float = 600) -> list[dict[str, Any]]:
        """The answers to these requests, in their order; raises on an error answer or a dead binary."""
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            self._collect()
            if all(i in self._received for i in ids):
                return [self._received[i] for i in ids]
            process = self._process
            if process is None or process.poll() is not None:
                self._collect()
                if all(i in self._received for i in ids):
                    return [self._received[i] for i in ids]
                raise PagefindError(f"the Pagefind binary stopped with {len(self._received)} answers")
            if time.monotonic() > deadline:
                raise PagefindError(f"no answer from the Pagefind binary in {timeout:.0f} s")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def _collect(self) -> None:
        if self._answers is None:
            return
        self._answers.seek(self._offset)
        chunk = self._answers.read()
        self._offset += len(chunk)
        self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b",")
        for message in messages:
            try:
                answer = json.loads(base64.b64decode(message))
            except ValueError:  # not a message (a log line): skipped
                continue
            body = answer.get(_BODY) or {}
            if body.get("type") == "Error":
                raise PagefindError(f"Pagefind: {body.get('message')}")
            if isinstance(answer.get("message_id"), int):
                self._received[answer["message_id"]] = body


def _write(stdin: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(OSError):  # the binary has stopped: wait() reports it
        stdin.write(data)
        stdin.flush()
