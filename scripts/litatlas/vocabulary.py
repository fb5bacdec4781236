"""The vocabulary file: topics, sub-topics and the terms of every curated field, with synonyms."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litatlas.problems import Problem
from litatlas.yamlsource import Located, load_file

# Record field -> vocabulary list that holds its ids. "topics" takes sub-topic ids.
FIELD_LISTS: dict[str, str] = {
    "type": "publication_types",
    "effect": "effects",
    "topics": "subtopics",
    "cancer_types": "cancer_types",
    "msc_source": "msc_sources",
    "species": "species",
    "models": "models",
    "payload": "payloads",
    "route": "routes",
    "timing": "timings",
}
TERM_LISTS = [name for name in FIELD_LISTS.values() if name != "subtopics"]
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    reserved: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        return dict(self.extra).get(key, default)


@dataclass(frozen=True)
class Topic(Term):
    subtopics: tuple[Term, ...] = ()


@dataclass
class Vocabulary:
    topics: list[Topic] = field(default_factory=list)
    lists: dict[str, dict[str, Term]] = field(default_factory=dict)
    site: dict[str, str] = field(default_factory=dict)
    path: str = "records/vocabulary.yml"

    def __post_init__(self) -> None:
        self.headline_of: dict[str, Topic] = {}
        subtopics: dict[str, Term] = {}
        for topic in self.topics:
            for sub in topic.subtopics:
                subtopics[sub.id] = sub
                self.headline_of[sub.id] = topic
        self.lists["subtopics"] = subtopics
        self._synonyms = {
            name: {_fold(s): t.id for t in terms.values() for s in (*t.synonyms, t.label, t.id)}
            for name, terms in self.lists.items()
        }

    def terms(self, field_name: str) -> dict[str, Term]:
        return self.lists.get(FIELD_LISTS[field_name], {})

    def label(self, field_name: str, term_id: str) -> str:
        term = self.terms(field_name).get(term_id)
        return term.label if term else term_id

    def check(self, field_name: str, value: str) -> str | None:
        """None when `value` is a known id of the field, else a message saying what to write."""
        terms = self.terms(field_name)
        if value in terms:
            return None
        kind = FIELD_LISTS[field_name].replace("_", " ").rstrip("s")
        canonical = self._synonyms[FIELD_LISTS[field_name]].get(_fold(value))
        if canonical:
            return f"{value!r} is a synonym: write the {kind} id {canonical!r}"
        close = difflib.get_close_matches(value.lower(), list(terms), n=3, cutoff=0.6)
        if close:
            hint = " or ".join(repr(c) for c in close)
            return f"unknown {kind} {value!r}; did you mean {hint}?"
        return f"unknown {kind} {value!r}; allowed ids are listed in {self.path}"


def _fold(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.casefold()).strip()


def load_vocabulary(path: Path, display: str) -> tuple[Vocabulary | None, list[Problem]]:
    located, problems = load_file(path, display)
    if located is None:
        return None, problems
    reader = _Reader(located, display)
    vocabulary = reader.read()
    return (vocabulary if not reader.problems else None), problems + reader.problems


class _Reader:
    def __init__(self, located: Located, display: str) -> None:
        self.located = located
        self.display = display
        self.problems: list[Problem] = []
        self.seen_ids: dict[tuple[str, str], int] = {}

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        where = ".".join(str(p) for p in path) or "vocabulary"
        self.problems.append(Problem(self.display, self.located.line(path), where, message))

    def read(self) -> Vocabulary:
        data = self.located.value
        if not isinstance(data, dict):
            self.fail((), "the vocabulary must be a mapping of lists")
            return Vocabulary(path=self.display)
        topics = []
        for i, raw in enumerate(self._list(data, "topics")):
            topic = self._term(raw, ("topics", i), "subtopics")
            if topic is None:
                continue
            subs = tuple(
                t
                for j, s in enumerate(self._list(raw, "subtopics", ("topics", i)))
                if (t := self._term(s, ("topics", i, "subtopics", j), "subtopics")) is not None
            )
            topics.append(Topic(**vars(topic), subtopics=subs))
        lists = {}
        for name in TERM_LISTS:
            terms = [self._term(raw, (name, i), name) for i, raw in enumerate(self._list(data, name))]
            lists[name] = {t.id: t for t in terms if t is not None}
        site = data.get("site") if isinstance(data.get("site"), dict) else {}
        return Vocabulary(topics=topics, lists=lists, site={k: str(v) for k, v in site.items()}, path=self.display)

    def _list(self, data: dict[str, Any], key: str, parent: tuple[Any, ...] = ()) -> list[Any]:
        value = data.get(key)
        if value is None:
            if not parent:
                self.fail((key,), "missing list")
            else:
                self.fail((*parent, key), "a topic needs a list of subtopics")
            return []
        if not isinstance(value, list):
            self.fail((*parent, key), "must be a list")
            return []
        return value

    def _term(self, raw: Any, path: tuple[Any, ...], namespace: str) -> Term | None:
        if not isinstance(raw, dict):
            self.fail(path, "each term must be a mapping with id, label and description")
            return None
        term_id, label = raw.get("id"), raw.get("label")
        if not isinstance(term_id, str) or not _ID.match(term_id):
            self.fail((*path, "id"), "id must be lower-case words joined by hyphens")
            return None
        if not isinstance(label, str) or not label.strip():
            self.fail((*path, "label"), "label must be text")
            return None
        if (namespace, term_id) in self.seen_ids:
            self.fail((*path, "id"), f"id {term_id!r} is used twice (first on line {self.seen_ids[(namespace, term_id)]})")
            return None
        self.seen_ids[(namespace, term_id)] = self.located.line((*path, "id"))
        synonyms = raw.get("synonyms") or []
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            self.fail((*path, "synonyms"), "synonyms must be a list of text")
            synonyms = []
        known = {"id", "label", "description", "synonyms", "reserved", "subtopics"}
        extra = tuple((k, str(v)) for k, v in raw.items() if k not in known)
        return Term(
            id=term_id,
            label=label,
            description=str(raw.get("description") or ""),
            synonyms=tuple(synonyms),
            reserved=bool(raw.get("reserved", False)),
            extra=extra,
        )
