"""A validated paper record and the derived values that pages need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LIST_FIELDS = ("cancer_types", "msc_source", "species", "models", "payload", "route", "timing")
TEXT_NUMBER_FIELDS = ("volume", "issue", "pages", "pmid")


@dataclass
class Record:
    """One paper, with fields normalised: id lists are lists, numbers-as-text are text."""

    id: str
    path: str
    data: dict[str, Any]
    line: int = 1
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def list(self, key: str) -> list[str]:
        value = self.data.get(key)
        return list(value) if isinstance(value, list) else []

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
        head, _, tail = first.rpartition(" ")
        return head if head and tail.isupper() and len(tail) <= 4 else first

    @property
    def added(self) -> str:
        return self.data.get("added", "")


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Turn one-id strings into lists and numbers-as-text into text, so pages see one shape."""
    out = dict(data)
    for key in LIST_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    for key in TEXT_NUMBER_FIELDS:
        if isinstance(out.get(key), int) and not isinstance(out.get(key), bool):
            out[key] = str(out[key])
    return out
