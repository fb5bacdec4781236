"""Load an atlas: settings, configuration, checked records and the hand-written intros they join."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from litatlas.load.configfile import load_config
from litatlas.load.curation import load_queue, load_status, queue_path, status_path
from litatlas.load.recordcache import RecordCache, context_key
from litatlas.load.validate import Checker, record_files, validate_files
from litatlas.model.atlas import Atlas
from litatlas.model.config import AtlasConfig
from litatlas.model.curation import Status
from litatlas.model.problems import Problem
from litatlas.model.record import Record
from litatlas.model.settings import Settings

INTRO_PAGES = ("index.md", "methods.md")
# The contributor guide lives at the repository root (where GitHub shows it) and on the site.
CONTRIBUTING = "CONTRIBUTING.md"
CONTRIBUTE_PAGE = "contribute.md"


def intro_paths(config: AtlasConfig) -> list[str]:
    """Hand-written pages that generated content is appended to (home and one per headline topic)."""
    return [*INTRO_PAGES, *(f"topics/{topic.id}.md" for topic in config.topics)]


def load_atlas(
    settings: Settings,
    files: list[Path] | None = None,
    today: dt.date | None = None,
    keep: dict[str, RecordCache] | None = None,
) -> tuple[Atlas | None, list[Problem]]:
    """The atlas and every problem found. With `keep` (a dict the caller holds across calls, as `mkdocs serve`
    does), the record cache stays in memory between calls and is written to disk only on the first one."""
    config, problems = load_config(settings.config_path, settings.display(settings.config_path))
    if config is None:
        return None, problems
    skip = [settings.config_path.name] if settings.config_path.parent.resolve() == settings.records_dir.resolve() else []
    paths = record_files(files if files is not None else [settings.records_dir], skip)
    today = today or dt.date.today()
    context = context_key(settings.config_path.read_bytes(), today.isoformat())
    cache = keep.get(context) if keep is not None else None
    first = cache is None
    if cache is None:
        cache = RecordCache.for_project(settings.root, context)
    records, found = validate_files(paths, Checker(config), settings.root, today, cache)
    if first:
        cache.save()
    if keep is not None:
        cache.next_run()
        keep.clear()
        keep[context] = cache
    problems.extend(found)
    records.sort(key=lambda r: (-r.year, r.first_author_surname.casefold(), r.id))
    status, found = load_status(status_path(settings), settings.display(status_path(settings)))
    problems.extend(found)
    problems.extend(retracted_citations(records, status))
    queue, found = load_queue(queue_path(settings), settings.display(queue_path(settings)), config)
    problems.extend(found)
    intros = {}
    for rel in intro_paths(config):
        page = settings.docs_dir / rel
        if page.is_file():
            intros[rel] = page.read_text(encoding="utf-8")
    contributing = settings.root / CONTRIBUTING
    if contributing.is_file():
        intros[CONTRIBUTE_PAGE] = contributing.read_text(encoding="utf-8")
    return Atlas(settings, config, records, intros, status, queue), problems


def retracted_citations(records: list[Record], status: Status) -> list[Problem]:
    """Warnings for notes that cite a retracted paper (by its record id, DOI or PMID) as support."""
    retracted = [r for r in records if status.is_retracted(r.id)]
    if not retracted:
        return []
    keys = {}
    for record in retracted:
        for key in (record.id, record.get("doi"), f"PMID {record.get('pmid')}" if record.get("pmid") else None):
            if key:
                keys[str(key).lower()] = record
    problems = []
    for record in records:
        notes = str(record.get("notes") or "").lower()
        for key, cited in keys.items():
            if cited is not record and key in notes:
                checked = f" (status checked {status.checked})" if status.checked else ""
                message = f"the notes cite {cited.id}, which was retracted{checked}: do not rest this record on it"
                problems.append(Problem(record.path, record.lines.get(("notes",), record.line), "notes", message, "warning"))
    return problems
