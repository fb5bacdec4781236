"""Problems found in records, and how they are reported (text, GitHub annotations, JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one line of one file."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


def field_path(path: tuple[object, ...], root: str = "record") -> str:
    """('sources', 1, 'url') -> 'sources[1].url': where in a file a problem is, as messages name it."""
    if not path:
        return root
    name = str(path[0])
    for part in path[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def summary_line(problems: list[Problem], checked: int) -> str:
    """One line such as '3 errors in 2 files (40 records checked)'."""
    errs = errors(problems)
    warns = [p for p in problems if p.severity == "warning"]
    files_with_errors = len({p.path for p in errs})
    if not problems:
        return f"{checked} record{'s' if checked != 1 else ''} checked, no problems"
    parts = []
    if errs:
        parts.append(f"{_plural(len(errs), 'error')} in {_plural(files_with_errors, 'file')}")
    if warns:
        parts.append(_plural(len(warns), "warning"))
    return f"{', '.join(parts)} ({_plural(checked, 'record')} checked)"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def github_escape(text: str, *, property_value: bool = False) -> str:
    # GitHub workflow commands: data and properties need %, CR, LF (and : , in properties) encoded.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_problems(problems: list[Problem], fmt: str, checked: int, summary: str | None = None) -> str:
    """Render problems in one of the output formats: text, github or json; `summary` replaces the last line."""
    ordered = sorted(problems, key=lambda p: (p.path, p.line, p.field, p.message))
    if fmt == "json":
        return json.dumps(
            {
                "problems": [asdict(p) for p in ordered],
                "errors": len(errors(ordered)),
                "warnings": len(ordered) - len(errors(ordered)),
                "checked": checked,
            },
            indent=2,
            ensure_ascii=False,
        )
    lines = []
    for p in ordered:
        if fmt == "github":
            file = github_escape(p.path, property_value=True)
            title = github_escape(p.field, property_value=True)
            lines.append(f"::{p.severity} file={file},line={p.line},title={title}::{github_escape(p.message)}")
        else:
            lines.append(str(p))
    lines.append(summary if summary is not None else summary_line(ordered, checked))
    return "\n".join(lines)
