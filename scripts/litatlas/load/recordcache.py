"""A cache of checked records keyed by each file's bytes: unchanged records are not parsed and checked again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from litatlas import __version__
from litatlas.model.problems import Problem
from litatlas.model.record import Record

CACHE_FOLDER = ".litatlas_cache"
CACHE_FILE = "records.json"
FORMAT = 2
# The modules whose code decides what a record loads and checks to: a change to any of them empties the cache.
_CHECKING_MODULES = (
    "load/configfile.py",
    "load/fastschema.py",
    "load/schema.py",
    "load/validate.py",
    "load/yamlsource.py",
    "model/config.py",
    "model/problems.py",
    "model/record.py",
    "model/text.py",
)


def enabled() -> bool:
    """LITATLAS_CACHE=off (or 0, no, false) turns the cache off, e.g. to time a cold build."""
    return os.environ.get("LITATLAS_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def context_key(*parts: bytes | str) -> str:
    """What every entry depends on besides its own file: checking code, the configuration, the date of the check."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{__version__}\0".encode())
    package = resources.files("litatlas")
    for name in _CHECKING_MODULES:
        digest.update(package.joinpath(*name.split("/")).read_bytes())
    for part in parts:
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return digest.hexdigest()


# A file modified less than this before it was read is read again next time (see RecordCache.known_digest).
RACY_NS = 2_000_000_000


class RecordCache:
    """{(display path, content digest): (record or None, problems)}, stored as JSON beside the project.

    JSON, not pickle: loading the cache never runs code, whoever wrote the file.
    """

    def __init__(self, path: Path | None, context: str) -> None:
        self.path = path
        self.context = context
        self._stored: dict[str, Any] = {}
        self._used: dict[str, Any] = {}
        self._changed = False
        self._made: dict[str, tuple[Record | None, list[Problem]]] = {}  # entries already turned into records
        # Kept in memory across `mkdocs serve` rebuilds: display path -> (stat of the file, its digest, read when).
        self.seen: dict[str, tuple[tuple[int, int, int], str, int]] | None = None
        if path is not None:
            self._stored = _read(path, context)

    @classmethod
    def for_project(cls, root: Path, context: str) -> RecordCache:
        return cls(root / CACHE_FOLDER / CACHE_FILE if enabled() else None, context)

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def get(self, display: str, digest: str) -> tuple[Record | None, list[Problem]] | None:
        key = f"{display}\0{digest}"
        entry = self._stored.get(key)
        if entry is None:
            return None
        result = self._made.get(key)
        if result is None:
            try:
                result = _record(entry.get("record")), [Problem(*p) for p in entry["problems"]]
            except (TypeError, KeyError, ValueError, AttributeError):
                return None  # an entry this code cannot read is simply not used
            self._made[key] = result
        self._used[key] = entry
        return result

    def put(self, display: str, digest: str, record: Record | None, problems: list[Problem]) -> None:
        if self.path is None:
            return
        entry = {
            "record": _entry(record) if record is not None else None,
            "problems": [[p.path, p.line, p.field, p.message, p.severity] for p in problems],
        }
        try:
            faithful = json.loads(json.dumps(entry)) == entry
        except (TypeError, ValueError):
            faithful = False
        if not faithful:
            return  # e.g. a broken record with a date or a number as a nested key: checked afresh each time
        self._used[f"{display}\0{digest}"] = entry
        self._changed = True

    def known_digest(self, display: str, stat: os.stat_result) -> str | None:
        """The digest of a file read before whose stat is the same (serve rebuilds), without reading it again.

        As git does with its index, a file whose modification time is not clearly older than the moment it was
        read is read again: a change within the same tick of a coarse clock must not go unseen.
        """
        if self.seen is None:
            return None
        known = self.seen.get(display)
        if known is None or known[0] != (stat.st_mtime_ns, stat.st_size, stat.st_ino):
            return None
        return known[1] if stat.st_mtime_ns < known[2] - RACY_NS else None

    def read(self, display: str, stat: os.stat_result, digest: str, when_ns: int) -> None:
        if self.seen is not None:
            self.seen[display] = ((stat.st_mtime_ns, stat.st_size, stat.st_ino), digest, when_ns)

    def next_run(self) -> None:
        """Keep this cache in memory for another check of the same project (`mkdocs serve` rebuilds).

        The entries used by this run become what the next one looks up; records already made are handed out
        again as they are (pages never change a record).
        """
        self._stored, self._used = {**self._stored, **self._used}, {}
        self._made = {key: made for key, made in self._made.items() if key in self._stored}
        if self.seen is None:
            self.seen = {}

    def save(self, everything: bool = False) -> None:
        """Keep the entries of this run only (deleted and edited records drop out); written atomically.

        `everything` keeps every entry known (after `next_run`, at the end of `mkdocs serve`)."""
        if everything:
            self._used, self._changed = {**self._stored, **self._used}, True
        if self.path is None or not (self._changed or len(self._used) != len(self._stored)):
            return
        # A read-only checkout builds just as well, only without the cache: OSError leaves it unwritten.
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# made by litatlas: the record cache is never committed\n*\n", encoding="utf-8")
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            text = json.dumps({"format": FORMAT, "context": self.context, "entries": self._used}, separators=(",", ":"))
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)


def _read(path: Path, context: str) -> dict[str, Any]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("context") != context:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


def _entry(record: Record) -> dict[str, Any]:
    # Only a field's own line is kept (list items' lines serve the checks, which are done); the record's
    # own line, at key (), is `line`.
    lines = {key[0]: line for key, line in record.lines.items() if len(key) == 1}
    return {"id": record.id, "path": record.path, "data": record.data, "line": record.line, "lines": lines}


def _record(entry: dict[str, Any] | None) -> Record | None:
    if entry is None:
        return None
    lines = {(): entry["line"], **{(key,): line for key, line in entry["lines"].items()}}
    return Record(entry["id"], entry["path"], entry["data"], entry["line"], lines)
