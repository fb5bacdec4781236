"""A checked paper record, its fields normalised to one shape for the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litatlas.model.text import surname

# Bibliographic fields that YAML may read as numbers but records store as text.
TEXT_NUMBER_FIELDS = ("volume", "issue", "pages", "pmid")


@dataclass
class Record:
    """One paper, with fields normalised: id lists are lists, numbers-as-text are text."""

    id: str
    path: str
    data: dict[str, Any]
    line: int = 1
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, repr=False)
    digest: str = ""  # of the file's bytes: what pages made from this record depend on

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        return list(value) if isinstance(value, list) else []

    def values(self, key: str) -> list[str]:
        """Every value of a field as text: a list's items, a single value as a one-item list, none as []."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def year(self) -> int:
        return self.data["year"]

    @property
    def first_author(self) -> str:
        authors = self.list("authors")
        return authors[0] if authors else ""

    @property
    def first_author_surname(self) -> str:
        """'Karnoub AE' -> 'Karnoub'; a group name stays whole."""
        first = self.first_author
        return surname(first) if first else ""

    @property
    def added(self) -> str:
        return self.data.get("added", "")

    @property
    def filename(self) -> str:
        """The record's file name as it is saved ('karnoub-2007-....yml' or '.yaml')."""
        return self.path.rsplit("/", 1)[-1]


def normalise(data: dict[str, Any], multi_fields: tuple[str, ...]) -> dict[str, Any]:
    """Turn one-id strings of multi-valued fields into lists and numbers-as-text into text, so pages see one shape."""
    out = dict(data)
    for key in multi_fields:
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    for key in TEXT_NUMBER_FIELDS:
        if isinstance(out.get(key), int) and not isinstance(out.get(key), bool):
            out[key] = str(out[key])
    return out
