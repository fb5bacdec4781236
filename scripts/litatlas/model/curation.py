"""The curators' files beside the records: the screening queue with its decisions, and the status of papers and trials."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Crossref update types (`updated-by` of a work) and what the atlas makes of them.
RETRACTION_TYPES = ("retraction", "withdrawal", "removal", "partial_retraction")
CONCERN_TYPES = ("expression_of_concern",)
CORRECTION_TYPES = ("correction", "erratum", "corrigendum", "addendum", "clarification")


@dataclass
class Run:
    """One saved query run by `litatlas screen`: its date window and what it found."""

    date: str
    query: str
    start: str
    end: str
    identified: int
    duplicates: int

    @property
    def added(self) -> int:
        return self.identified - self.duplicates


@dataclass
class Candidate:
    """A paper a saved query found: its bibliography, and the curators' decision once made."""

    data: dict[str, Any]  # pmid, doi, title, authors, journal, year, volume, issue, pages, pmcid, type
    query: str
    found: str
    decision: str = ""  # "", "include" or "exclude"
    reason: str = ""
    record: str = ""  # the record written when it was included
    decided: str = ""
    note: str = ""
    line: int = 0

    @property
    def pmid(self) -> str:
        return str(self.data.get("pmid") or "")

    @property
    def title(self) -> str:
        return str(self.data.get("title") or "")

    def label(self) -> str:
        first = (self.data.get("authors") or ["anonymous"])[0]
        return f"{first} {self.data.get('year') or '????'} {self.title[:80]!r}"


@dataclass
class Queue:
    runs: list[Run] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def pending(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.decision]


@dataclass(frozen=True)
class Update:
    """A notice that changed a paper: a retraction, a correction or an expression of concern."""

    kind: str  # Crossref's type, e.g. "retraction"
    doi: str = ""
    date: str = ""
    source: str = ""  # e.g. "retraction-watch", "publisher"

    @property
    def retracts(self) -> bool:
        return self.kind in RETRACTION_TYPES

    @property
    def concern(self) -> bool:
        return self.kind in CONCERN_TYPES

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Trial:
    """A trial registration as ClinicalTrials.gov describes it."""

    id: str
    status: str = ""
    phases: tuple[str, ...] = ()
    last_update: str = ""

    @property
    def status_label(self) -> str:
        return self.status.replace("_", " ").capitalize()

    @property
    def phase_label(self) -> str:
        labels = {"EARLY_PHASE1": "Early phase 1", "NA": "Not applicable"}
        return ", ".join(labels.get(p, p.replace("PHASE", "Phase ")) for p in self.phases)


@dataclass
class Status:
    """What `litatlas status` last found, by record id (papers) and by registration id (trials)."""

    checked: str = ""
    papers: dict[str, tuple[Update, ...]] = field(default_factory=dict)
    trials: dict[str, Trial] = field(default_factory=dict)

    def retraction(self, record_id: str) -> Update | None:
        return next((u for u in self.papers.get(record_id, ()) if u.retracts), None)

    def is_retracted(self, record_id: str) -> bool:
        return self.retraction(record_id) is not None

    def notices(self, record_id: str) -> tuple[Update, ...]:
        """Corrections and expressions of concern (retractions are shown on their own)."""
        return tuple(u for u in self.papers.get(record_id, ()) if not u.retracts)
