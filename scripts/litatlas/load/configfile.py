"""Read and check the atlas configuration file: every mistake reported as path:line: where: what is wrong."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Callable

from litatlas.load.yamlsource import Located, load_file
from litatlas.model.config import (
    BUILT_IN,
    CHART_KINDS,
    KINDS,
    POLARITIES,
    TERM_KINDS,
    AtlasConfig,
    Chart,
    Field,
    Matrix,
    Query,
    Screening,
    Term,
    Topic,
    Verdict,
)
from litatlas.model.problems import Problem, field_path
from litatlas.model.text import FIELD_NAME, IDENTIFIER, slug

Path_ = tuple[Any, ...]

TOP_KEYS = (
    "site",
    "publication_types",
    "topics",
    "fields",
    "verdict",
    "evidence",
    "conflicts",
    "abbreviations",
    "screening",
    "status",
)
SITE_KEYS = ("title", "subject", "contact")
SCREENING_KEYS = ("queries", "exclusion_reasons", "days")
QUERY_KEYS = ("id", "label", "term")
STATUS_KEYS = ("trials_field",)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TERM_KEYS = ("id", "label", "description", "synonyms", "reserved")
FIELD_KEYS = (
    "id",
    "label",
    "plural",
    "kind",
    "description",
    "required",
    "terms",
    "browse",
    "slug",
    "filter",
    "column",
    "column_limit",
    "search",
    "download",
    "group_label",
    "max_items",
    "max_length",
    "minimum",
    "maximum",
    "integer",
    "unit",
    "pattern",
    "link",
    "example",
)
# Which settings go with which kinds of field.
ONLY_FOR: dict[str, tuple[str, ...]] = {
    "terms": TERM_KINDS,
    "group_label": TERM_KINDS,
    "browse": ("term", "terms", "list"),
    "slug": ("term", "terms", "list"),
    "filter": ("term", "terms", "list"),
    "max_items": ("terms", "list"),
    "max_length": ("text", "list", "identifier"),
    "minimum": ("number",),
    "maximum": ("number",),
    "integer": ("number",),
    "unit": ("number",),
    "pattern": ("identifier",),
    "link": ("identifier",),
    "example": ("identifier",),
}
VERDICT_KEYS = ("field", "question", "balance", "pro", "anti")
EVIDENCE_KEYS = ("matrices", "balances", "charts")
MATRIX_KEYS = ("rows", "columns", "title", "caption")
CHART_KEYS = ("kind", "field", "title")
CONFLICT_KEYS = ("by", "context")
# URL parameters the filter script uses itself, and those Material's search uses.
RESERVED_PARAMS = ("topic", "from", "to", "text", "sort", "order", "q", "h")
_PARAM = re.compile(r"^[a-z][a-z0-9-]*$")


def load_config(path: Path, display: str) -> tuple[AtlasConfig | None, list[Problem]]:
    """The configuration, or None with the problems that stop it from being used."""
    located, problems = load_file(path, display)
    if located is None:
        if problems and "cannot read file" in problems[0].message:
            problems = [Problem(display, 1, "file", f"no atlas configuration here ({problems[0].message}); see `litatlas init`")]
        return None, problems
    reader = _Reader(located, display)
    config = reader.read()
    return (config if not reader.problems else None), problems + reader.problems


class _Reader:
    def __init__(self, located: Located, display: str) -> None:
        self.located = located
        self.display = display
        self.problems: list[Problem] = []

    # ----- reporting and small readers

    def fail(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.display, self.located.line(path), field_path(path, "config"), message))

    def mapping(self, value: Any, path: Path_, allowed: tuple[str, ...], what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"{what} must be a mapping of {', '.join(allowed[:4])}, ...")
            return None
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(allowed)}"
                if value[key] is None and " " in str(key):
                    # {description: Cells, cultured or not} is read as two keys: the text after the comma is a key.
                    hint = ": YAML split unquoted text at a comma; put the text before it in quotes"
                self.fail((*path, key), f"unknown setting {key!r}{hint}")
        return value

    def text(self, data: dict[str, Any], key: str, path: Path_, *, required: bool = False, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path if key not in data else (*path, key), f"missing {key!r} (text)")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail((*path, key), "must be text (put it in quotes if YAML read it as something else)")
            return default
        return value.strip()

    def flag(self, data: dict[str, Any], key: str, path: Path_, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail((*path, key), "must be true or false")
            return default
        return value

    def whole(self, data: dict[str, Any], key: str, path: Path_, default: int, minimum: int = 1) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail((*path, key), f"must be a whole number of at least {minimum}")
            return default
        return value

    def number(self, data: dict[str, Any], key: str, path: Path_) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail((*path, key), "must be a number")
            return None
        return value

    def items(self, data: dict[str, Any], key: str, path: Path_, *, required: bool = True) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path if key not in data else (*path, key), f"missing list {key!r}")
            return []
        if not isinstance(value, list):
            self.fail((*path, key), "must be a list")
            return []
        if required and not value:
            self.fail((*path, key), "must list at least one entry")
        return value

    def ids(self, data: dict[str, Any], key: str, path: Path_, check: Callable[[str, Path_], bool]) -> tuple[str, ...]:
        found = []
        for i, value in enumerate(self.items(data, key, path, required=False)):
            if not isinstance(value, str):
                self.fail((*path, key, i), "must be a field id")
            elif check(value, (*path, key, i)):
                found.append(value)
        return tuple(found)

    # ----- the file

    def read(self) -> AtlasConfig | None:
        data = self.mapping(self.located.value, (), TOP_KEYS, "the atlas configuration")
        if data is None:
            return None
        site = self.mapping(data.get("site"), ("site",), SITE_KEYS, "site") if "site" in data else None
        if site is None and "site" not in data:
            self.fail((), "missing 'site' (title and subject of the atlas)")
        title = self.text(site or {}, "title", ("site",), required=site is not None)
        subject = self.text(site or {}, "subject", ("site",))
        contact = self.text(site or {}, "contact", ("site",))
        if contact and not _EMAIL.match(contact):
            self.fail(("site", "contact"), "must be an e-mail address (the web services ask for a contact)")
        seen: dict[tuple[str, str], int] = {}
        types = self.terms(data, "publication_types", (), seen, extra=("primary",))
        topics = self.topics(data, seen)
        fields = self.fields(data, seen)
        by_id = {f.id: f for f in fields}
        verdict = self.verdict(data, by_id)
        if verdict is not None:
            self.check_polarities(data, fields, verdict)
        matrices, balances, charts = self.evidence(data, by_id, verdict)
        conflicts_by, context = self.conflicts(data, by_id, verdict)
        abbreviations = self.abbreviations(data)
        screening = self.screening(data, seen)
        trials_field = self.status(data, by_id)
        if self.problems:
            return None
        return AtlasConfig(
            title=title,
            subject=subject,
            fields=tuple(fields),
            topics=tuple(topics),
            publication_types=tuple(types),
            verdict=verdict,
            matrices=matrices,
            balances=balances,
            charts=charts,
            conflicts_by=conflicts_by,
            context=context,
            abbreviations=abbreviations,
            contact=contact,
            screening=screening,
            trials_field=trials_field,
            path=self.display,
        )

    def terms(
        self,
        data: dict[str, Any],
        key: str,
        path: Path_,
        seen: dict[tuple[str, str], int],
        namespace: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> list[Term]:
        out = []
        for i, raw in enumerate(self.items(data, key, path)):
            term = self.term(raw, (*path, key, i), seen, namespace or key, extra)
            if term is not None:
                out.append(term)
        return out

    def term(
        self, raw: Any, path: Path_, seen: dict[tuple[str, str], int], namespace: str, extra: tuple[str, ...] = ()
    ) -> Term | None:
        data = self.mapping(raw, path, (*TERM_KEYS, *extra), "a term")
        if data is None:
            return None
        term_id = data.get("id")
        if not isinstance(term_id, str) or not IDENTIFIER.match(term_id):
            self.fail((*path, "id") if "id" in data else path, "id must be lower-case words joined by hyphens")
            return None
        label = self.text(data, "label", path, required=True)
        if not label:
            return None
        line = self.located.line((*path, "id"))
        if (namespace, term_id) in seen:
            self.fail((*path, "id"), f"id {term_id!r} is used twice (first on line {seen[(namespace, term_id)]})")
            return None
        seen[(namespace, term_id)] = line
        synonyms = data.get("synonyms") or []
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            self.fail((*path, "synonyms"), "synonyms must be a list of text")
            synonyms = []
        polarity = data.get("polarity", "")
        if "polarity" in data and polarity not in POLARITIES:
            # Kept as written (the configuration is refused anyway), so it is not also reported as missing.
            self.fail((*path, "polarity"), f"polarity must be one of {', '.join(POLARITIES)}")
        return Term(
            id=term_id,
            label=label,
            description=self.text(data, "description", path),
            synonyms=tuple(synonyms),
            reserved=self.flag(data, "reserved", path),
            polarity=str(polarity),
            group=self.text(data, "group", path),
            primary=self.flag(data, "primary", path, default=True),
        )

    def topics(self, data: dict[str, Any], seen: dict[tuple[str, str], int]) -> list[Topic]:
        topics = []
        for i, raw in enumerate(self.items(data, "topics", ())):
            path = ("topics", i)
            head = self.term(raw, path, seen, "topics", extra=("subtopics",))
            if head is None:
                continue
            subs = self.terms(raw, "subtopics", path, seen, namespace="subtopics")
            topics.append(Topic(**vars(head), subtopics=tuple(subs)))
        return topics

    def fields(self, data: dict[str, Any], seen: dict[tuple[str, str], int]) -> list[Field]:
        fields: list[Field] = []
        params: dict[str, int] = {}
        slugs: dict[str, int] = {}
        for i, raw in enumerate(self.items(data, "fields", (), required=False)):
            made = self.field(raw, ("fields", i), seen, {f.id for f in fields})
            if made is None:
                continue
            line = self.located.line(("fields", i))
            if made.filter:
                if made.filter in params:
                    self.fail(
                        ("fields", i, "filter"), f"filter {made.filter!r} is used twice (first on line {params[made.filter]})"
                    )
                params.setdefault(made.filter, line)
            if made.browse:
                if made.slug in slugs:
                    self.fail(
                        ("fields", i, "slug"), f"browse folder {made.slug!r} is used twice (first on line {slugs[made.slug]})"
                    )
                slugs.setdefault(made.slug, line)
            fields.append(made)
        if "years" in slugs:
            self.fail(("fields",), "the browse folder 'years' is the atlas's own (papers by year): choose another slug")
        return fields

    def field(self, raw: Any, path: Path_, seen: dict[tuple[str, str], int], taken: set[str]) -> Field | None:
        data = self.mapping(raw, path, FIELD_KEYS, "a field")
        if data is None:
            return None
        field_id = data.get("id")
        if not isinstance(field_id, str) or not FIELD_NAME.match(field_id):
            self.fail((*path, "id") if "id" in data else path, "id must be a lower-case name such as outcome_measures")
            return None
        if field_id in BUILT_IN:
            self.fail((*path, "id"), f"{field_id!r} is a built-in record field; give this field another id")
            return None
        if field_id in taken:
            self.fail((*path, "id"), f"field {field_id!r} is declared twice")
            return None
        kind = data.get("kind")
        if kind not in KINDS:
            close = difflib.get_close_matches(str(kind), KINDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.fail((*path, "kind") if "kind" in data else path, f"kind must be one of {', '.join(KINDS)}{hint}")
            return None
        for key, kinds in ONLY_FOR.items():
            if key in data and kind not in kinds:
                self.fail((*path, key), f"{key!r} does not apply to a field of kind {kind!r} (only {', '.join(kinds)})")
        label = self.text(data, "label", path, required=True) or field_id
        plural = self.text(data, "plural", path, default=label)
        terms: list[Term] = []
        if kind in TERM_KINDS:
            terms = self.terms(data, "terms", path, seen, namespace=f"field:{field_id}", extra=("polarity", "group"))
        column = data.get("column", False)
        if column is True:
            column = plural
        elif column is not False and (not isinstance(column, str) or not column.strip()):
            self.fail((*path, "column"), "must be true, false or the column's header text")
            column = ""
        param = data.get("filter", "")
        if param is True:
            param = slug(label)
        if param and (not isinstance(param, str) or not _PARAM.match(param)):
            self.fail((*path, "filter"), "must be true, false or a lower-case URL parameter name such as 'population'")
            param = ""
        elif param in RESERVED_PARAMS:
            self.fail((*path, "filter"), f"{param!r} is a parameter the site uses itself; choose another name")
            param = ""
        folder = self.text(data, "slug", path, default=slug(plural))
        if not IDENTIFIER.match(folder):
            self.fail((*path, "slug"), "must be lower-case words joined by hyphens")
        pattern = self.text(data, "pattern", path)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail((*path, "pattern"), f"not a regular expression: {exc}")
        elif kind == "identifier":
            self.fail(path, "an identifier field needs a 'pattern' (a regular expression its values match)")
        link = self.text(data, "link", path)
        if link and (not link.startswith(("https://", "http://")) or "{value}" not in link):
            self.fail((*path, "link"), "must be an http(s) address with {value} where the identifier goes")
        minimum, maximum = self.number(data, "minimum", path), self.number(data, "maximum", path)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.fail((*path, "maximum"), "must not be smaller than minimum")
        return Field(
            id=field_id,
            label=label,
            plural=plural,
            kind=kind,
            description=self.text(data, "description", path),
            required=self.flag(data, "required", path),
            terms=tuple(terms),
            browse=self.flag(data, "browse", path),
            slug=folder,
            filter=param if isinstance(param, str) else "",
            column=column or "",
            column_limit=self.whole(data, "column_limit", path, 0, minimum=0),
            search=self.flag(data, "search", path),
            download=self.flag(data, "download", path, default=True),
            group_label=self.text(data, "group_label", path),
            max_items=self.whole(data, "max_items", path, 30),
            max_length=self.whole(data, "max_length", path, 200),
            minimum=minimum,
            maximum=maximum,
            integer=self.flag(data, "integer", path),
            unit=self.text(data, "unit", path),
            pattern=pattern,
            link=link,
            example=self.text(data, "example", path),
        )

    def verdict(self, data: dict[str, Any], fields: dict[str, Field]) -> Verdict | None:
        if "verdict" not in data:
            return None
        raw = self.mapping(data["verdict"], ("verdict",), VERDICT_KEYS, "verdict")
        if raw is None:
            return None
        field_id = self.text(raw, "field", ("verdict",), required=True)
        found = fields.get(field_id)
        if field_id and found is None:
            self.fail(("verdict", "field"), _unknown_field(field_id, fields))
            return None
        if found is not None and found.kind != "term":
            self.fail(("verdict", "field"), f"the verdict field must be of kind 'term' (one value per paper), not {found.kind!r}")
            return None
        if not field_id:
            return None
        return Verdict(
            field=field_id,
            question=self.text(raw, "question", ("verdict",)),
            balance=self.text(raw, "balance", ("verdict",), default="Balance of evidence"),
            pro=self.text(raw, "pro", ("verdict",), default="for"),
            anti=self.text(raw, "anti", ("verdict",), default="against"),
        )

    def check_polarities(self, data: dict[str, Any], fields: list[Field], verdict: Verdict) -> None:
        positions = {item.get("id"): i for i, item in enumerate(data["fields"]) if isinstance(item, dict)}
        for field_ in fields:
            i = positions[field_.id]
            for j, term in enumerate(field_.terms):
                if field_.id == verdict.field and not term.polarity:
                    self.fail(
                        ("fields", i, "terms", j),
                        f"term {term.id!r} of the verdict field needs a polarity ({', '.join(POLARITIES)})",
                    )
                elif field_.id != verdict.field and term.polarity:
                    self.fail(("fields", i, "terms", j, "polarity"), "only terms of the verdict field have a polarity")
        if verdict.field in {f.id for f in fields}:
            polarities = {t.polarity for f in fields if f.id == verdict.field for t in f.terms}
            if not {"pro", "anti"} <= polarities:
                self.fail(
                    ("verdict", "field"),
                    "the verdict needs at least one 'pro' and one 'anti' term to set papers against each other",
                )

    def _field_ref(self, fields: dict[str, Field], kinds: tuple[str, ...]) -> Callable[[str, Path_], bool]:
        def check(value: str, path: Path_) -> bool:
            found = fields.get(value)
            if found is None:
                self.fail(path, _unknown_field(value, fields))
                return False
            if found.kind not in kinds:
                self.fail(path, f"field {value!r} is of kind {found.kind!r}; this needs one of {', '.join(kinds)}")
                return False
            return True

        return check

    def evidence(
        self, data: dict[str, Any], fields: dict[str, Field], verdict: Verdict | None
    ) -> tuple[tuple[Matrix, ...], tuple[str, ...], tuple[Chart, ...]]:
        if "evidence" not in data:
            return (), (), ()
        raw = self.mapping(data["evidence"], ("evidence",), EVIDENCE_KEYS, "evidence")
        if raw is None:
            return (), (), ()
        grouping = self._field_ref(fields, ("term", "terms", "list"))
        matrices = []
        for i, item in enumerate(self.items(raw, "matrices", ("evidence",), required=False)):
            path = ("evidence", "matrices", i)
            spec = self.mapping(item, path, MATRIX_KEYS, "a matrix")
            if spec is None:
                continue
            rows = self.text(spec, "rows", path, required=True)
            columns = self.text(spec, "columns", path, required=True)
            ok = bool(rows and columns)
            ok = ok and grouping(rows, (*path, "rows")) & grouping(columns, (*path, "columns"))
            if ok and rows == columns:
                self.fail((*path, "columns"), "rows and columns must be different fields")
                ok = False
            if ok:
                title, caption = self.text(spec, "title", path), self.text(spec, "caption", path)
                matrices.append(Matrix(rows, columns, title, caption))
        balances = self.ids(raw, "balances", ("evidence",), grouping)
        if balances and verdict is None:
            self.fail(("evidence", "balances"), "balances need a verdict (which terms are for and which against)")
        charts = []
        for i, item in enumerate(self.items(raw, "charts", ("evidence",), required=False)):
            path = ("evidence", "charts", i)
            spec = self.mapping(item, path, CHART_KEYS, "a chart")
            if spec is None:
                continue
            kind = spec.get("kind")
            if kind not in CHART_KINDS:
                self.fail((*path, "kind") if "kind" in spec else path, f"kind must be one of {', '.join(CHART_KINDS)}")
                continue
            field_id = self.text(spec, "field", path, required=kind != "years")
            if kind == "years" and field_id:
                self.fail((*path, "field"), "a years chart counts every paper by year and verdict: it takes no field")
                continue
            if field_id and not grouping(field_id, (*path, "field")):
                continue
            charts.append(Chart(kind, field_id, self.text(spec, "title", path)))
        return tuple(matrices), balances, tuple(charts)

    def screening(self, data: dict[str, Any], seen: dict[tuple[str, str], int]) -> Screening | None:
        if "screening" not in data:
            return None
        raw = self.mapping(data["screening"], ("screening",), SCREENING_KEYS, "screening")
        if raw is None:
            return None
        queries = []
        ids: set[str] = set()
        for i, item in enumerate(self.items(raw, "queries", ("screening",))):
            path = ("screening", "queries", i)
            spec = self.mapping(item, path, QUERY_KEYS, "a query")
            if spec is None:
                continue
            query_id = spec.get("id")
            if not isinstance(query_id, str) or not IDENTIFIER.match(query_id):
                self.fail((*path, "id") if "id" in spec else path, "id must be lower-case words joined by hyphens")
                continue
            if query_id in ids:
                self.fail((*path, "id"), f"query {query_id!r} is declared twice")
            ids.add(query_id)
            term = self.text(spec, "term", path, required=True)
            queries.append(Query(query_id, self.text(spec, "label", path, default=query_id), term))
        reasons = self.terms(raw, "exclusion_reasons", ("screening",), seen, namespace="exclusion_reasons")
        days = self.whole(raw, "days", ("screening",), 30)
        return Screening(tuple(queries), tuple(reasons), days)

    def status(self, data: dict[str, Any], fields: dict[str, Field]) -> str:
        if "status" not in data:
            return ""
        raw = self.mapping(data["status"], ("status",), STATUS_KEYS, "status")
        if raw is None:
            return ""
        field_id = self.text(raw, "trials_field", ("status",))
        if field_id and self._field_ref(fields, ("identifier",))(field_id, ("status", "trials_field")):
            return field_id
        return ""

    def abbreviations(self, data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        raw = data.get("abbreviations")
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.fail(("abbreviations",), f"must be {_abbreviations_doc()}")
            return ()
        pairs = []
        for phrase, short in raw.items():
            if not isinstance(short, str) or not IDENTIFIER.match(short):
                self.fail(("abbreviations", phrase), "the short form must be lower-case letters and digits, such as 'rct'")
            else:
                pairs.append((str(phrase), short))
        return tuple(pairs)

    def conflicts(
        self, data: dict[str, Any], fields: dict[str, Field], verdict: Verdict | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if "conflicts" not in data:
            return (), ()
        raw = self.mapping(data["conflicts"], ("conflicts",), CONFLICT_KEYS, "conflicts")
        if raw is None:
            return (), ()
        if verdict is None:
            self.fail(("conflicts",), "the conflicting-evidence view needs a verdict (which terms are for and which against)")
        by = self.ids(raw, "by", ("conflicts",), self._field_ref(fields, ("term", "terms", "list")))
        context = self.ids(raw, "context", ("conflicts",), self._field_ref(fields, KINDS))
        return by, context


def _abbreviations_doc() -> str:
    return "a mapping of phrases to the short word record ids use instead, e.g. 'randomised controlled trial: rct'"


def _unknown_field(name: str, fields: dict[str, Field]) -> str:
    close = difflib.get_close_matches(name, list(fields), n=1)
    return f"no field {name!r} is declared" + (f" (did you mean {close[0]!r}?)" if close else "")
