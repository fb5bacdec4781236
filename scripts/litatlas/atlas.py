"""Load an atlas: settings, vocabulary, validated records and the hand-written intros they join."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from litatlas.problems import Problem
from litatlas.project import Settings
from litatlas.recordcache import RecordCache, context_key
from litatlas.records import Record
from litatlas.validate import record_files, validate_files
from litatlas.vocabulary import Vocabulary, load_vocabulary

INTRO_PAGES = ("index.md",)
# The contributor guide lives at the repository root (where GitHub shows it) and on the site.
CONTRIBUTING = "CONTRIBUTING.md"
CONTRIBUTE_PAGE = "contribute.md"


@dataclass
class Atlas:
    settings: Settings
    vocabulary: Vocabulary
    records: list[Record]
    intros: dict[str, str] = field(default_factory=dict)


def intro_paths(vocabulary: Vocabulary) -> list[str]:
    """Hand-written pages that generated content is appended to (home and one per headline topic)."""
    return [*INTRO_PAGES, *(f"topics/{topic.id}.md" for topic in vocabulary.topics)]


def load_atlas(
    settings: Settings, files: list[Path] | None = None, today: dt.date | None = None
) -> tuple[Atlas | None, list[Problem]]:
    vocabulary, problems = load_vocabulary(settings.vocabulary_path, settings.display(settings.vocabulary_path))
    if vocabulary is None:
        return None, problems
    paths = record_files(files if files is not None else [settings.records_dir])
    today = today or dt.date.today()
    cache = RecordCache.for_project(settings.root, context_key(settings.vocabulary_path.read_bytes(), today.isoformat()))
    records, found = validate_files(paths, vocabulary, settings.root, today, cache)
    cache.save()
    problems.extend(found)
    records.sort(key=lambda r: (-r.year, r.first_author_surname.casefold(), r.id))
    intros = {}
    for rel in intro_paths(vocabulary):
        page = settings.docs_dir / rel
        if page.is_file():
            intros[rel] = page.read_text(encoding="utf-8")
    contributing = settings.root / CONTRIBUTING
    if contributing.is_file():
        intros[CONTRIBUTE_PAGE] = contributing.read_text(encoding="utf-8")
    return Atlas(settings, vocabulary, records, intros), problems
