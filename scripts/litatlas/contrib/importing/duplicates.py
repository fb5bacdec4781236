"""Find a record that already holds a reference: same DOI, PMID or normalised title."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litatlas.load.validate import record_files
from litatlas.load.yamlsource import load_file
from litatlas.model.text import title_key as _validator_title_key

from .reference import Reference, normalise_doi

__all__ = ["Duplicate", "RecordIndex", "iter_records", "title_key"]


def title_key(title: str | None) -> str:
    """Title reduced for comparison: case, accents, punctuation and spaces dropped.

    The same key as `litatlas validate` uses, so import refuses exactly what validation would flag:
    'Carcinoma-Associated Fibroblast-Like ...' and 'Carcinoma Associated Fibroblast Like ...' match.
    """
    return _validator_title_key(title or "")


def _doi_key(doi: Any) -> str:
    return (normalise_doi(str(doi)) or "").casefold() if doi else ""


def _pmid_key(pmid: Any) -> str:
    text = str(pmid).strip() if pmid is not None else ""
    return text.lstrip("0") if text.isdigit() else ""


@dataclass(frozen=True)
class Duplicate:
    """Where a reference already lives and which identifier matched."""

    where: str
    reason: str


@dataclass
class RecordIndex:
    """Identifiers of known records (existing files and references planned in the same batch)."""

    by_doi: dict[str, str] = field(default_factory=dict)
    by_pmid: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)
    #: Record files that could not be read; the validator reports them, import only skips them.
    unreadable: list[str] = field(default_factory=list)

    def add(self, where: str, doi: Any = None, pmid: Any = None, title: Any = None) -> None:
        """Remember a record (or planned record) under its identifiers; the first one wins."""
        if _doi_key(doi):
            self.by_doi.setdefault(_doi_key(doi), where)
        if _pmid_key(pmid):
            self.by_pmid.setdefault(_pmid_key(pmid), where)
        if isinstance(title, str) and title_key(title):
            self.by_title.setdefault(title_key(title), where)

    def add_reference(self, where: str, ref: Reference) -> None:
        self.add(where, ref.doi, ref.pmid, ref.title)

    def find(self, ref: Reference) -> Duplicate | None:
        """The known record `ref` duplicates, checked by DOI, then PMID, then title."""
        if _doi_key(ref.doi) in self.by_doi:
            return Duplicate(self.by_doi[_doi_key(ref.doi)], f"DOI {ref.doi}")
        if _pmid_key(ref.pmid) in self.by_pmid:
            return Duplicate(self.by_pmid[_pmid_key(ref.pmid)], f"PMID {ref.pmid}")
        if title_key(ref.title) in self.by_title:
            return Duplicate(self.by_title[title_key(ref.title)], "title")
        return None

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, dict[str, Any]]]) -> RecordIndex:
        index = cls()
        for where, data in records:
            index.add(where, data.get("doi"), data.get("pmid"), data.get("title"))
        return index

    @classmethod
    def from_folder(cls, records_dir: str | Path) -> RecordIndex:
        """Index every record file of a records folder."""
        unreadable: list[str] = []
        index = cls.from_records(iter_records(records_dir, unreadable))
        index.unreadable = unreadable
        return index


def iter_records(records_dir: str | Path, unreadable: list[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, data) of each record file, read by the validator's safe YAML loader.

    Records that do not load are listed in `unreadable` and skipped: a broken neighbour must not
    stop an import, and `litatlas validate` is the place that reports it. Records that load but
    fail validation still count: a half-curated record already holds its paper.
    """
    folder = Path(records_dir)
    if not folder.is_dir():
        return
    for path in record_files([folder]):
        located, _problems = load_file(path, str(path))
        if located is None:
            if unreadable is not None:
                unreadable.append(str(path))
            continue
        if isinstance(located.value, dict):
            yield str(path), located.value
