"""The atlas configuration: its fields and their terms, topics, verdict, evidence matrices and conflicts view."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from litatlas.model.text import fold_key, slug

KINDS = ("term", "terms", "list", "text", "number", "identifier")
MULTI_KINDS = ("terms", "list")
TERM_KINDS = ("term", "terms")
# How a verdict term stands to the atlas's question: for, against, both ways, measured without effect, not measured.
POLARITIES = ("pro", "anti", "both", "neutral", "none")
CHART_KINDS = ("years", "bars", "timeline")
# Record fields every atlas has, whatever its topic (the bibliography and the curation furniture).
BIBLIOGRAPHIC = (
    "title",
    "authors",
    "authors_incomplete",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "no_identifier_reason",
    "type",
)
CURATION = ("topics", "summary", "findings", "added", "curators", "notes", "sources")
BUILT_IN = BIBLIOGRAPHIC + CURATION


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    reserved: bool = False
    polarity: str = ""  # verdict terms only
    group: str = ""  # a term's group, shown on paper pages when the field names one (e.g. in vitro / in vivo)
    primary: bool = True  # publication types: False for reviews and protocols, which measure no verdict themselves


@dataclass(frozen=True)
class Topic(Term):
    subtopics: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Field:
    """A curated record field as the atlas declares it."""

    id: str
    label: str
    plural: str
    kind: str
    description: str = ""
    required: bool = False
    terms: tuple[Term, ...] = ()
    browse: bool = False
    slug: str = ""  # folder of its browse pages
    filter: str = ""  # URL parameter of its filter on "All papers", "" for none
    column: str = ""  # header of its column in paper tables, "" for none
    column_limit: int = 0
    search: bool = False
    download: bool = True
    group_label: str = ""  # e.g. "Evidence": the paper page lists the groups of the record's terms
    max_items: int = 30
    max_length: int = 200
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: str = ""
    pattern: str = ""
    link: str = ""  # identifier fields: address template with {value}
    example: str = ""

    @property
    def multi(self) -> bool:
        return self.kind in MULTI_KINDS

    @property
    def has_terms(self) -> bool:
        return self.kind in TERM_KINDS

    @cached_property
    def term_map(self) -> dict[str, Term]:
        return {term.id: term for term in self.terms}

    @cached_property
    def _synonyms(self) -> dict[str, str]:
        return {fold_key(s): t.id for t in self.terms for s in (*t.synonyms, t.label, t.id)}

    @cached_property
    def compiled_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    def key(self, value: object) -> str:
        """The key of a value in browse paths and filter links: a term id as it is, free text as a slug."""
        text = str(value)
        return slug(text) if self.kind == "list" else text

    def label_of(self, value: str) -> str:
        term = self.term_map.get(value)
        return term.label if term else value

    def check_term(self, value: str, config_path: str) -> str | None:
        """None when `value` is one of the field's term ids, else a message saying what to write."""
        if value in self.term_map:
            return None
        kind = self.label.lower()
        canonical = self._synonyms.get(fold_key(value))
        if canonical:
            return f"{value!r} is a synonym: write the {kind} id {canonical!r}"
        close = difflib.get_close_matches(value.lower(), list(self.term_map), n=3, cutoff=0.6)
        if close:
            hint = " or ".join(repr(c) for c in close)
            return f"unknown {kind} {value!r}; did you mean {hint}?"
        return f"unknown {kind} {value!r}; allowed ids are listed in {config_path}"


@dataclass(frozen=True)
class Verdict:
    """The field that answers the atlas's question, and the words for its two sides."""

    field: str
    question: str = ""
    balance: str = "Balance of evidence"
    pro: str = "for"
    anti: str = "against"


@dataclass(frozen=True)
class Matrix:
    rows: str
    columns: str
    title: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    kind: str
    field: str = ""
    title: str = ""


@dataclass(frozen=True)
class Query:
    """A saved PubMed search that `litatlas screen` runs."""

    id: str
    label: str
    term: str


@dataclass(frozen=True)
class Screening:
    """How new papers reach the curators: saved queries, the window of a first run, reasons to exclude a paper."""

    queries: tuple[Query, ...]
    reasons: tuple[Term, ...]
    days: int = 30

    @cached_property
    def reason_map(self) -> dict[str, Term]:
        return {reason.id: reason for reason in self.reasons}


@dataclass(frozen=True)
class AtlasConfig:
    title: str
    subject: str
    fields: tuple[Field, ...]
    topics: tuple[Topic, ...]
    publication_types: tuple[Term, ...]
    verdict: Verdict | None = None
    matrices: tuple[Matrix, ...] = ()
    balances: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    conflicts_by: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    abbreviations: tuple[tuple[str, str], ...] = ()  # phrases shortened in proposed record ids
    contact: str = ""  # e-mail the web services may write to (the User-Agent of screen, status and fetch)
    screening: Screening | None = None
    trials_field: str = ""  # identifier field holding ClinicalTrials.gov ids, checked by `litatlas status`
    path: str = "records/atlas.yml"

    @cached_property
    def type_field(self) -> Field:
        return Field(
            id="type",
            label="Publication type",
            plural="Publication types",
            kind="term",
            required=True,
            terms=self.publication_types,
            description="Publication type id from the atlas configuration.",
        )

    @cached_property
    def topics_field(self) -> Field:
        return Field(
            id="topics",
            label="Topic",
            plural="Topics",
            kind="terms",
            required=True,
            terms=tuple(sub for topic in self.topics for sub in topic.subtopics),
            filter="topic",
            max_items=20,
            description="Sub-topic ids from the atlas configuration.",
        )

    @cached_property
    def field_map(self) -> dict[str, Field]:
        """Every field with terms or a declaration: the curated ones, the publication type and the topics."""
        fields = {f.id: f for f in self.fields}
        fields["type"] = self.type_field
        fields["topics"] = self.topics_field
        return fields

    def field(self, field_id: str) -> Field:
        return self.field_map[field_id]

    @cached_property
    def term_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in (self.type_field, self.topics_field, *self.fields) if f.has_terms)

    @cached_property
    def multi_fields(self) -> tuple[str, ...]:
        return tuple(f.id for f in (self.topics_field, *self.fields) if f.multi)

    @cached_property
    def browse_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.browse)

    @cached_property
    def filter_fields(self) -> tuple[Field, ...]:
        """Fields with a filter, in URL order: the verdict, the topics, then the others as declared."""
        declared = [f for f in self.fields if f.filter]
        verdict = [f for f in declared if self.verdict and f.id == self.verdict.field]
        return tuple(verdict + [self.topics_field] + [f for f in declared if f not in verdict])

    @cached_property
    def column_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column)

    @cached_property
    def verdict_field(self) -> Field | None:
        return self.field_map.get(self.verdict.field) if self.verdict else None

    @cached_property
    def headline_of(self) -> dict[str, Topic]:
        return {sub.id: topic for topic in self.topics for sub in topic.subtopics}

    @cached_property
    def subtopics(self) -> dict[str, Term]:
        return {sub.id: sub for topic in self.topics for sub in topic.subtopics}

    def polarity_terms(self, polarity: str) -> list[Term]:
        field_ = self.verdict_field
        return [t for t in field_.terms if t.polarity == polarity] if field_ else []

    def primary_type(self, type_id: str) -> bool:
        term = self.type_field.term_map.get(type_id)
        return term.primary if term else True
