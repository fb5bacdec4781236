"""Checking paper records: schema, configured terms, identifiers and duplicates, all problems at once."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from litatlas.load.fastschema import DATE_FORMAT, compile_schema
from litatlas.load.recordcache import RecordCache
from litatlas.load.schema import record_schema
from litatlas.load.yamlsource import Located, load_bytes, read_bytes
from litatlas.model.config import AtlasConfig
from litatlas.model.problems import Problem, field_path
from litatlas.model.record import Record, normalise
from litatlas.model.text import DOI, IDENTIFIER, PMCID, PMID, URL, in_sentence, title_key

if TYPE_CHECKING:
    import jsonschema

# Publishers whose articles are deposited in PubMed Central as a rule: a record with such a DOI and
# no PMCID probably misses one (a warning, since embargoes and exceptions exist).
PMC_DEPOSITING_DOI_PREFIXES = {
    "10.1371/": "PLOS",
    "10.1186/": "BioMed Central",
    "10.3389/": "Frontiers",
    "10.7554/": "eLife",
    "10.1038/s41467": "Nature Communications",
    "10.1038/s41598": "Scientific Reports",
}
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
MAX_SENTENCES = 3


class Checker:
    """Everything a record is checked with, made once per configuration: schema, compiled pre-check, validator."""

    def __init__(self, config: AtlasConfig) -> None:
        self.config = config
        self.schema = record_schema(config)
        # A compiled yes/no check with jsonschema's semantics; records it rejects go through jsonschema.
        self.precheck = compile_schema(self.schema, DATE_FORMAT) or (lambda instance: False)
        self._validator: jsonschema.Draft202012Validator | None = None

    @property
    def validator(self) -> jsonschema.Draft202012Validator:
        if self._validator is None:
            import jsonschema  # imported on the first record the pre-check rejects: valid atlases never pay for it

            jsonschema.Draft202012Validator.check_schema(self.schema)
            self._validator = jsonschema.Draft202012Validator(
                self.schema, format_checker=jsonschema.FormatChecker(formats=["date"])
            )
        return self._validator


def record_files(paths: Iterable[Path], skip: Iterable[str] = ("atlas.yml",)) -> list[Path]:
    """Expand folders into their record files (*.yml, *.yaml), skipping the atlas configuration."""
    found: list[Path] = []
    skip = set(skip)
    for path in paths:
        if path.is_dir():
            with os.scandir(path) as entries:  # scandir knows each entry's type without a stat() per file
                names = sorted(e.name for e in entries if Path(e.name).suffix in (".yml", ".yaml") and e.is_file())
            found.extend(path / name for name in names if name not in skip)
        else:
            found.append(path)
    return found


def validate_files(
    files: list[Path], checker: Checker, root: Path, today: dt.date | None = None, cache: RecordCache | None = None
) -> tuple[list[Record], list[Problem]]:
    """Load and check every file; returns the valid records and all problems found.

    With a cache, a file whose bytes were checked before (with the same code, schema, vocabulary and date)
    is not parsed again: its record and problems come from the cache.
    """
    today = today or dt.date.today()
    cache = cache or RecordCache(None, "")  # no file: nothing stored, nothing kept
    checked: list[tuple[Record, bool]] = []
    problems: list[Problem] = []
    for path in files:
        display = _display(path, root)
        # Under `mkdocs serve` a file whose stat did not change is not read again.
        stat = _stat(path) if cache.seen is not None else None
        digest = cache.known_digest(display, stat) if stat is not None else None
        cached = cache.get(display, digest) if digest is not None else None
        if cached is None:
            when = time.time_ns()
            raw, found = read_bytes(path, display)
            if raw is None:
                problems.extend(found)
                continue
            digest = RecordCache.digest(raw)
            if stat is not None:
                cache.read(display, stat, digest, when)
            cached = cache.get(display, digest)
        if cached is not None:
            record, found = cached
        else:
            record, found = _check_file(raw, path.stem, display, checker, today)
            cache.put(display, digest, record, found)
        problems.extend(found)
        if record is not None:
            record.digest = digest
            checked.append((record, any(p.severity == "error" for p in found)))
    # Records with errors still take part in the duplicate check, so all problems show at once.
    duplicates = check_duplicates([record for record, _ in checked])
    problems.extend(duplicates)
    refused = {p.path for p in duplicates}
    valid = [record for record, has_error in checked if not has_error and record.path not in refused]
    for record in valid:
        # Lines of list items and nested values only serve the checks above; a field's own line stays (issue 7: memory).
        record.lines = {path: line for path, line in record.lines.items() if len(path) <= 1}
    return valid, problems


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _check_file(
    raw: bytes, record_id: str, display: str, checker: Checker, today: dt.date
) -> tuple[Record | None, list[Problem]]:
    located, problems = load_bytes(raw, display)
    if located is None:
        return None, problems
    record, found = check_record(located, record_id, display, checker, today)
    return record, problems + found


def _display(path: Path, root: Path) -> str:
    # Each folder is resolved once (not every file: two filesystem walks per record at 10,000 records).
    folder = _folder_display(str(path.parent), str(root))
    return path.as_posix() if folder is None else folder + path.name


@lru_cache(maxsize=256)
def _folder_display(folder: str, root: str) -> str | None:
    """'records/' for a folder under the root, '' for the root itself, None for a folder outside it."""
    try:
        relative = Path(folder).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative + "/"


def check_record(
    located: Located, record_id: str, display: str, checker: Checker, today: dt.date
) -> tuple[Record | None, list[Problem]]:
    problems: list[Problem] = []

    def report(path: tuple[Any, ...], message: str, severity: str = "error") -> None:
        where = field_path(path)
        problems.append(Problem(display, located.line(path), where, message, severity))  # type: ignore[arg-type]

    data = located.value
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        report((), f"a record must be a mapping of fields, not {kind}")
        return None, problems
    if not IDENTIFIER.match(record_id):
        problems.append(
            Problem(
                display,
                1,
                "id",
                f"file name {record_id!r} must be lower-case words joined by hyphens, e.g. smith-2007-walking-trial.yml",
            )
        )
    plain = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in data.items()}
    reported: set[tuple[tuple[Any, ...], str]] = set()
    # jsonschema (about 50x slower) only for the rare record that the compiled pre-check rejects.
    errors = () if checker.precheck(plain) else checker.validator.iter_errors(plain)
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # One problem per unknown field, at that field's own line (the error itself points at the record).
            allowed = error.schema.get("properties", {})
            for name in (k for k in error.instance if k not in allowed):
                problems.append(Problem(display, located.line((*path, name)), field_path(path), _unknown_field(name, allowed)))
            continue
        message = _schema_message(error)
        # `required` yields one error per missing field, each worded with all of them: print it once.
        if (path, message) not in reported:
            reported.add((path, message))
            report(path, message)
    if any(p.severity == "error" for p in problems) and not isinstance(data.get("title"), str):
        return None, problems
    record = Record(record_id, display, normalise(plain, checker.config.multi_fields), located.line(()), located.lines)
    _check_terms(record, checker.config, report)
    _check_identifiers(record, checker, report, today)
    _check_text(record, checker.config, report)
    return record, problems


def _schema_message(error: jsonschema.ValidationError) -> str:
    kind, value, expected = error.validator, error.instance, error.validator_value
    if kind == "required":
        missing = [f for f in expected if isinstance(value, dict) and f not in value]
        return f"missing required field {', '.join(repr(m) for m in missing)}"
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        return "; ".join(_unknown_field(name, allowed) for name in extra)
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = {
            "string": "text",
            "integer": "a whole number",
            "array": "a list",
            "object": "a mapping",
            "boolean": "true or false",
        }
        got = _yaml_kind(value)
        hint = (
            " (YAML read it as something else: put the value in quotes)"
            if "string" in wanted and got in ("true or false", "a number", "empty")
            else ""
        )
        return f"must be {' or '.join(names.get(w, w) for w in wanted)}, not {got}{hint}"
    if kind == "oneOf":
        return f"must be an id or a list of ids, not {_yaml_kind(value)}"
    if kind in ("minLength", "maxLength"):
        return f"text is {len(value)} characters; {'at least' if kind == 'minLength' else 'at most'} {expected} allowed"
    if kind in ("minItems", "maxItems"):
        return f"list has {len(value)} items; {'at least' if kind == 'minItems' else 'at most'} {expected} allowed"
    if kind == "format":
        return f"{_short(value)} is not a valid {expected} (write YYYY-MM-DD)"
    if kind in ("minimum", "maximum"):
        return f"{value} is {'below the minimum' if kind == 'minimum' else 'above the maximum'} {expected}"
    return error.message if len(error.message) < 200 else error.message[:200] + "…"


def _unknown_field(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _check_terms(record: Record, config: AtlasConfig, report: Any) -> None:
    for field in config.term_fields:
        value = record.get(field.id)
        if value is None:
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, str):
                continue
            message = field.check_term(item, config.path)
            if message:
                path = (field.id, index) if (field.id, index) in record.lines else (field.id,)
                report(path, message)
        if len(set(map(str, items))) != len(items):
            report((field.id,), "the same id is listed twice")
    verdict = config.verdict_field
    kind = record.get("type")
    if verdict is not None and isinstance(kind, str) and not config.primary_type(kind):
        unmeasured = [t.id for t in verdict.terms if t.polarity == "none"]
        if unmeasured and record.get(verdict.id) not in (None, *unmeasured):
            label = config.type_field.label_of(kind).lower()
            measured = in_sentence(verdict.label)
            report((verdict.id,), f"a {label} does not measure the {measured} itself: use {unmeasured[0]}", "warning")
    for field in config.fields:
        if field.kind != "identifier" or record.get(field.id) is None:
            continue
        pattern = field.compiled_pattern
        value = record.get(field.id)
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, str) and pattern is not None and not pattern.fullmatch(item):
                path = (field.id, index) if isinstance(value, list) else (field.id,)
                example = f" such as {field.example}" if field.example else ""
                report(path, f"{_short(item)} is not a {field.label.lower()}{example}")


def _check_identifiers(record: Record, checker: Checker, report: Any, today: dt.date) -> None:
    doi, pmid, pmcid, url = record.get("doi"), record.get("pmid"), record.get("pmcid"), record.get("url")
    if isinstance(doi, str) and not DOI.match(doi):
        if doi.lower().startswith(("https://doi.org/", "http://dx.doi.org/", "doi:")):
            report(("doi",), "write the bare DOI (10.xxxx/...) without the resolver or 'doi:' prefix")
        else:
            report(("doi",), f"{_short(doi)} is not a DOI: it starts 10.NNNN/ and has no spaces")
    if isinstance(pmid, str) and not PMID.match(pmid):
        report(("pmid",), f"{_short(pmid)} is not a PMID: digits only")
    if isinstance(pmcid, str) and not PMCID.match(pmcid):
        report(("pmcid",), f"{_short(pmcid)} is not a PMCID: PMC followed by digits")
    if isinstance(url, str) and not URL.match(url):
        report(("url",), "must be an http:// or https:// address with no spaces or quotes")
    if isinstance(doi, str) and not pmcid:
        publisher = next((name for prefix, name in PMC_DEPOSITING_DOI_PREFIXES.items() if doi.lower().startswith(prefix)), None)
        if publisher:
            report(
                ("doi",),
                f"{publisher} articles are normally in PubMed Central: add the pmcid (PMC...) if the paper has one",
                "warning",
            )
    year = record.get("year")
    if isinstance(year, int) and not isinstance(year, bool) and not 1900 <= year <= today.year:
        report(("year",), f"{year} is outside 1900-{today.year}")
    sources = record.get("sources")
    known_fields = checker.schema["properties"]
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict):
            continue
        address = source.get("url")
        if isinstance(address, str) and not URL.match(address):
            report(("sources", index, "url"), "must be an http:// or https:// address with no spaces or quotes")
        for position, name in enumerate(source.get("fields") or []):
            if isinstance(name, str) and name not in known_fields:
                report(("sources", index, "fields", position), _unknown_field(name, known_fields))
    if not doi and not pmid and not record.get("no_identifier_reason"):
        report((), "needs a doi or a pmid; if the paper has neither, say why in no_identifier_reason")
    added = record.get("added")
    if isinstance(added, str):
        try:
            if dt.date.fromisoformat(added) > today:
                report(("added",), f"{added} is in the future")
        except ValueError:
            pass


def _check_text(record: Record, config: AtlasConfig, report: Any) -> None:
    summary = record.get("summary")
    if isinstance(summary, str) and len(SENTENCE_END.findall(summary.strip())) > MAX_SENTENCES:
        report(("summary",), f"keep the summary to {MAX_SENTENCES} sentences or fewer", "warning")
    findings = record.get("findings")
    primary = config.primary_type(str(record.get("type")))
    if primary and isinstance(findings, list) and not 2 <= len(findings) <= 4:
        report(("findings",), "give 2-4 short findings", "warning")


def check_duplicates(records: list[Record]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Record] = {}
    for record in records:
        keys = [("id", record.id), ("title", title_key(record.title))]
        if isinstance(record.get("doi"), str):
            keys.append(("doi", record["doi"].lower()))
        if record.get("pmid"):
            keys.append(("pmid", str(record["pmid"])))
        for kind, key in keys:
            other = seen.setdefault((kind, key), record)
            if other is not record:
                field_name = kind if kind != "id" else "id"
                line = record.lines.get((kind,), record.line) if kind != "id" else 1
                problems.append(
                    Problem(record.path, line, field_name, f"same {kind} as {other.path}: the paper is already in the atlas")
                )
    return problems
