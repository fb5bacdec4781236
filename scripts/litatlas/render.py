"""Render an atlas into Markdown pages held in memory: {docs-relative path: Markdown}."""

from __future__ import annotations

import functools
import heapq
import posixpath
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from litatlas import markup
from litatlas.atlas import CONTRIBUTE_PAGE, Atlas
from litatlas.records import Record
from litatlas.vocabulary import Term

ROWS_PER_PAGE = 200  # keeps browse pages under ~150 KB of HTML whatever the atlas size
TOPIC_SECTION_ROWS = 50  # newest papers shown per sub-topic; the rest are one click away
RELATED_LIMIT = 5
NEWEST_LIMIT = 5


@dataclass(frozen=True)
class Facet:
    """A browse dimension: a record field, its pages' folder and how its values are named."""

    field: str
    folder: str
    title: str
    singular: str


FACETS = (
    Facet("cancer_types", "cancer-types", "Cancer types", "Cancer type"),
    Facet("molecules", "molecules", "Molecules", "Molecule"),
    Facet("msc_source", "msc-sources", "MSC sources", "MSC source"),
    Facet("species", "species", "Species", "Species"),
    Facet("models", "models", "Models", "Model"),
    Facet("payload", "payloads", "Delivery payloads", "Payload"),
    Facet("effect", "effects", "Effects", "Effect"),
    Facet("year", "years", "Years", "Year"),
)
FACET_BY_FIELD = {f.field: f for f in FACETS}


@dataclass
class Group:
    """The records that share one value of a facet."""

    slug: str
    label: str
    description: str
    records: list[Record]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process: `mkdocs serve` rebuilds skip recompiling them.

    Jinja keys a template by name and file and checks its source, so an edited template is compiled anew.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


BYTECODE_CACHE = MemoryBytecodeCache()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("litatlas", "templates"),
        bytecode_cache=BYTECODE_CACHE,
        # Output is Markdown, not HTML: finalize escapes every printed value for Markdown and HTML alike.
        autoescape=False,  # noqa: S701
        finalize=markup.finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(link=markup.link, safe=Markup, markup_text=markup.text)
    return env


class Deferred:
    """A generated file that is made (or unpacked) only when it is read, and not kept: see render_deferred()."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __call__(self) -> str:
        return self._make()

    @classmethod
    def packed(cls, content: str) -> Deferred:
        """Already made: held zlib-compressed (a tenth of the memory for the big downloads) until read."""
        data = zlib.compress(content.encode("utf-8"), 1)
        return cls(lambda: zlib.decompress(data).decode("utf-8"))


Content = str | Deferred


class Renderer:
    """Builds every generated page from one atlas; indexes are computed once per build.

    With `defer`, paper pages are made when they are read and the big downloads are held compressed,
    so a build at 10,000 records never holds every generated file at once (issue 7: memory).
    """

    def __init__(self, atlas: Atlas, defer: bool = False) -> None:
        self.atlas = atlas
        self.defer = defer
        self.vocabulary = atlas.vocabulary
        self.records = atlas.records
        self.env = _environment()
        self._labels: dict[tuple[str, str, int | None], Markup] = {}
        self._facet_link_cache: dict[tuple[str, str, str], Markup] = {}

    # ----- indexes (computed once, shared by all pages)

    @cached_property
    def by_subtopic(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            for sub in record.list("topics"):
                index[sub].append(record)
        return index

    @cached_property
    def by_headline(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = {topic.id: [] for topic in self.vocabulary.topics}
        headline_of = self.vocabulary.headline_of
        for record in self.records:
            for topic_id in {headline_of[s].id for s in record.list("topics") if s in headline_of}:
                index[topic_id].append(record)
        return index

    @cached_property
    def groups(self) -> dict[str, dict[str, Group]]:
        """facet field -> value slug -> group, for every browse facet."""
        result: dict[str, dict[str, Group]] = {}
        for facet in FACETS:
            members: dict[str, list[Record]] = defaultdict(list)
            spellings: dict[str, Counter[str]] = defaultdict(Counter)
            for record in self.records:
                for value in self._values(record, facet.field):
                    key = markup.slug(value) if facet.field == "molecules" else value
                    if not members[key] or members[key][-1] is not record:
                        members[key].append(record)
                    spellings[key][value] += 1
            groups = {}
            for key, recs in members.items():
                label, description = self._term_label(facet, key, spellings[key])
                groups[key] = Group(key, label, description, recs)
            result[facet.field] = dict(sorted(groups.items(), key=lambda kv: self._group_order(facet, kv[1])))
        return result

    def _group_order(self, facet: Facet, group: Group) -> tuple[Any, ...]:
        if facet.field == "year":
            return (-int(group.slug),)
        if facet.field == "molecules":
            return (-len(group.records), group.label.casefold())
        terms = list(self.vocabulary.terms(facet.field)) if facet.field in ("effect",) else []
        if terms:
            return (terms.index(group.slug) if group.slug in terms else len(terms),)
        return (-len(group.records), group.label.casefold())

    @staticmethod
    def _values(record: Record, field_name: str) -> list[str]:
        value = record.get(field_name)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)]

    def _term_label(self, facet: Facet, key: str, spellings: Counter[str]) -> tuple[str, str]:
        if facet.field == "molecules":
            return spellings.most_common(1)[0][0], ""
        if facet.field == "year":
            return key, ""
        term = self.vocabulary.terms(facet.field).get(key)
        return (term.label, term.description) if term else (key, "")

    @cached_property
    def related(self) -> Callable[[Record], list[Record]]:
        # Only the newest members of each value are candidates, so a huge cancer type costs no more
        # than a small one: related papers stay a short, cheap list at any atlas size.
        candidates_per_key = 30
        by_key: dict[tuple[str, str], list[str]] = {}
        for field_name in ("molecules", "cancer_types"):
            for key, group in self.groups[field_name].items():
                by_key[(field_name, key)] = [rec.id for rec in group.records[:candidates_per_key]]
        by_id = {rec.id: rec for rec in self.records}
        order = {rec.id: (-rec.year, rec.id) for rec in self.records}  # computed once, not per comparison
        slug = markup.slug
        values = Renderer._values  # not self: a closure over self is a reference cycle that only the cyclic GC frees

        def related(record: Record) -> list[Record]:
            scores: dict[str, int] = {}
            get = scores.get
            for value in values(record, "molecules"):
                for other in by_key.get(("molecules", slug(value)), ()):
                    scores[other] = get(other, 0) + 2
            for value in values(record, "cancer_types"):
                for other in by_key.get(("cancer_types", value), ()):
                    scores[other] = get(other, 0) + 1
            scores.pop(record.id, None)
            best = heapq.nsmallest(RELATED_LIMIT, scores.items(), key=lambda item: (-item[1], order[item[0]]))
            return [by_id[other] for other, _ in best]

        return related

    # ----- helpers for templates

    def rel(self, here: str, target: str) -> str:
        """Relative Markdown link from page `here` to page `target` (both docs-relative .md paths)."""
        target_path, _, anchor = target.partition("#")
        path = _relative(target_path, posixpath.dirname(here)) if target_path else ""
        return path + (f"#{anchor}" if anchor else "")

    def paper_path(self, record: Record) -> str:
        return f"papers/{record.id}.md"

    def facet_path(self, field_name: str, key: str | None = None, page: int = 1) -> str:
        facet = FACET_BY_FIELD[field_name]
        if key is None:
            return f"browse/{facet.folder}.md"
        return f"browse/{facet.folder}/{markup.slug(key) if field_name == 'molecules' else key}{_page_suffix(page)}.md"

    def facet_links(self, here: str, record: Record, field_name: str) -> Markup:
        folder = posixpath.dirname(here)
        return Markup(", ").join(self._facet_link(folder, field_name, value) for value in self._values(record, field_name))

    def _facet_link(self, folder: str, field_name: str, value: str) -> Markup:
        # Every paper page sits in papers/, so a value's link is the same on all of them: made once.
        cache_key = (folder, field_name, value)
        made = self._facet_link_cache.get(cache_key)
        if made is None:
            key = markup.slug(value) if field_name == "molecules" else value
            group = self.groups.get(field_name, {}).get(key)
            label = group.label if group and field_name != "molecules" else value
            target = _relative(self.facet_path(field_name, value), folder)
            made = self._facet_link_cache[cache_key] = markup.link(label, target)
        return made

    def paper_rows(self, here: str, records: Iterable[Record], start: int = 1) -> Markup:
        """The rows of a paper table (see _macros.md.j2): built here, not in Jinja, as they are most of a list page."""
        folder = posixpath.dirname(here)
        rows = []
        for number, record in enumerate(records, start=start):
            title = markup.link(record.title, _relative(self.paper_path(record), folder))
            author = markup.text(record.first_author_surname)
            cells = (
                self.labels(record, "cancer_types"),
                self.labels(record, "msc_source"),
                self.labels(record, "models", 2),
                self.labels(record, "molecules", 4),
            )
            rows.append(f"| {number} | {record.year} | {author} | {title} | {' | '.join(cells)} |")
        return Markup("\n".join(rows))  # noqa: S704 - every cell escaped above or by labels()

    def labels(self, record: Record, field_name: str, limit: int | None = None) -> Markup:
        # A record's cells are the same in every table it appears in (about ten per record): made once.
        key = (record.id, field_name, limit)
        cached = self._labels.get(key)
        if cached is None:
            cached = self._labels[key] = self._make_labels(record, field_name, limit)
        return cached

    def _make_labels(self, record: Record, field_name: str, limit: int | None) -> Markup:
        values = self._values(record, field_name)
        shown = values[:limit] if limit else values
        names = [self.vocabulary.label(field_name, v) if field_name in _VOCAB_FIELDS else v for v in shown]
        more = len(values) - len(shown)
        out = Markup(", ").join(markup.text(n) for n in names)
        return out + Markup(f", +{more}") if more > 0 else out  # noqa: S704 - a number

    def subtopic_links(self, here: str, record: Record) -> Markup:
        links = []
        for sub in record.list("topics"):
            topic = self.vocabulary.headline_of.get(sub)
            if topic is None:
                continue
            label = self.vocabulary.lists["subtopics"][sub].label
            links.append(markup.link(label, self.rel(here, f"topics/{topic.id}.md#{sub}")))
        return Markup(", ").join(links)

    @staticmethod
    def join(values: Iterable[object]) -> Markup:
        return Markup(", ").join(markup.text(v) for v in values)

    def citation(self, record: Record) -> Markup:
        return markup.text(citation_text(record))

    def later(self, make: Callable[[], str]) -> Content:
        return Deferred(make) if self.defer else make()

    def kept(self, content: str) -> Content:
        return Deferred.packed(content) if self.defer else content

    def _context(self, here: str, **extra: Any) -> dict[str, Any]:
        return {
            "here": here,
            "r": self,
            "vocabulary": self.vocabulary,
            "rel": lambda target: self.rel(here, target),
            "paper_link": lambda rec: markup.link(rec.title, self.rel(here, self.paper_path(rec))),
            **extra,
        }

    def _render(self, template: str, here: str, **extra: Any) -> str:
        return self.env.get_template(template).render(self._context(here, **extra))

    # ----- pages

    def pages(self) -> dict[str, Content]:
        pages: dict[str, Content] = {}
        pages["index.md"] = self.home()
        if CONTRIBUTE_PAGE in self.atlas.intros:
            pages[CONTRIBUTE_PAGE] = self.atlas.intros[CONTRIBUTE_PAGE]
        for topic in self.vocabulary.topics:
            pages[f"topics/{topic.id}.md"] = self.topic_page(topic)
        pages.update(self.paginated("browse/all", "All papers", self.records, intro="Every paper in the atlas, newest first."))
        pages["browse/index.md"] = self._render("browse_home.md.j2", "browse/index.md", facets=FACETS, groups=self.groups)
        for facet in FACETS:
            pages[self.facet_path(facet.field)] = self._render(
                "facet_index.md.j2", self.facet_path(facet.field), facet=facet, groups=self.groups[facet.field]
            )
            for key, group in self.groups[facet.field].items():
                base = self.facet_path(facet.field, key)[: -len(".md")]
                pages.update(
                    self.paginated(base, f"{facet.singular}: {group.label}", group.records, intro=group.description, facet=facet)
                )
        for record in self.records:
            pages[self.paper_path(record)] = self.later(functools.partial(self.paper_page, record))
        for builder in extra_builders():
            pages.update(builder(self))
        return pages

    def home(self) -> str:
        counts = [(topic, len(self.by_headline[topic.id])) for topic in self.vocabulary.topics]
        newest = sorted(self.records, key=lambda rec: (rec.added, rec.id), reverse=True)[:NEWEST_LIMIT]
        return self._render(
            "home.md.j2",
            "index.md",
            intro=self.atlas.intros.get("index.md", ""),
            counts=counts,
            newest=newest,
            total=len(self.records),
        )

    def topic_page(self, topic: Any) -> str:
        here = f"topics/{topic.id}.md"
        sections = [(sub, self.by_subtopic.get(sub.id, [])) for sub in topic.subtopics]
        return self._render(
            "topic.md.j2",
            here,
            topic=topic,
            intro=self.atlas.intros.get(here, ""),
            sections=sections,
            total=len(self.by_headline[topic.id]),
            section_rows=TOPIC_SECTION_ROWS,
        )

    def paper_page(self, record: Record) -> str:
        from litatlas.exports import paper_citation  # a feature module that imports this one

        here = self.paper_path(record)
        effect = self.vocabulary.terms("effect").get(record.get("effect", ""))
        return self._render(
            "paper.md.j2",
            here,
            rec=record,
            effect=effect,
            related=self.related(record),
            classification=self.classification(here, record),
            citation=self.citation(record),
            cite=paper_citation(self, record),
            links=identifier_links(record),
            sources=source_links(record),
            edit_url=self.atlas.settings.record_source_url(f"{record.id}{_suffix(record)}", edit=True),
            correction_url=self.atlas.settings.correction_url(record.id),
            source_url=self.atlas.settings.record_source_url(f"{record.id}{_suffix(record)}"),
        )

    def classification(self, here: str, record: Record) -> list[tuple[str | Markup, Markup]]:
        """The rows of a paper page's Classification table: (label, escaped value), fields without a value left out."""
        rows = [("Effect on the tumour", self.facet_links(here, record, "effect")), ("Topics", self.subtopic_links(here, record))]
        for field_name, label in _CLASSIFICATION_LINKED:
            if record.get(field_name):
                rows.append((label, self.facet_links(here, record, field_name)))
        for field_name, label in (("route", "Route"), ("timing", "Timing")):
            if record.get(field_name):
                rows.append((label, self.labels(record, field_name)))
        if record.get("ratio"):
            rows.append((Markup("MSC:tumour ratio or dose"), markup.text(record["ratio"])))  # a fixed label
        if record.get("molecules"):
            rows.append(("Molecules", self.facet_links(here, record, "molecules")))
        rows.append(("Year", self.facet_links(here, record, "year")))
        return rows

    def paginated(
        self, base: str, title: str, records: list[Record], intro: str = "", facet: Facet | None = None
    ) -> dict[str, str]:
        chunks = [records[i : i + ROWS_PER_PAGE] for i in range(0, len(records), ROWS_PER_PAGE)] or [[]]
        pages = {}
        for number, chunk in enumerate(chunks, start=1):
            here = f"{base}{_page_suffix(number)}.md"
            pager = [(n, self.rel(here, f"{base}{_page_suffix(n)}.md")) for n in range(1, len(chunks) + 1)]
            pages[here] = self._render(
                "list.md.j2",
                here,
                title=title,
                intro=intro,
                records=chunk,
                total=len(records),
                number=number,
                pager=pager if len(chunks) > 1 else [],
                first_index=(number - 1) * ROWS_PER_PAGE + 1,
                facet=facet,
            )
        return pages


_CLASSIFICATION_LINKED = (
    ("cancer_types", "Cancer types"),
    ("msc_source", "MSC source"),
    ("species", "Species"),
    ("models", "Models"),
    ("payload", "Payload"),
)
_VOCAB_FIELDS = {"type", "effect", "topics", "cancer_types", "msc_source", "species", "models", "payload", "route", "timing"}


def _relative(target: str, base: str) -> str:
    """posixpath.relpath(target, base) for normalised docs-relative paths, without its filesystem calls."""
    if target.startswith("/") or base.startswith("/") or "." in (target[:1], base[:1]) or "/." in target + base:
        return posixpath.relpath(target, base or ".")
    parts, base_parts = target.split("/"), base.split("/") if base else []
    common = 0
    for a, b in zip(parts, base_parts):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."


def _page_suffix(number: int) -> str:
    return "" if number == 1 else f"-page-{number}"


def _suffix(record: Record) -> str:
    return "." + record.path.rsplit(".", 1)[-1] if "." in record.path else ".yml"


def author_list(record: Record, limit: int = 10) -> str:
    authors = record.list("authors")
    shown = authors if len(authors) <= limit else authors[: limit - 1]
    text = ", ".join(shown)
    if len(shown) < len(authors) or record.get("authors_incomplete"):
        text += ", et al."
    return text


def citation_text(record: Record) -> str:
    """'Karnoub AE, Dash AB, et al. Title. Nature. 2007;449(7162):557-563.' (NLM-like)."""
    parts = []
    authors = author_list(record)
    if authors:
        parts.append(authors.rstrip(".") + ".")
    parts.append(record.title.rstrip(".") + ".")
    source = ""
    if record.get("journal"):
        source = f"{record['journal']}. "
    source += str(record.year)
    if record.get("volume"):
        source += f";{record['volume']}"
        if record.get("issue"):
            source += f"({record['issue']})"
    if record.get("pages"):
        source += f":{record['pages']}"
    parts.append(source + ".")
    return " ".join(parts)


def identifier_links(record: Record) -> list[tuple[str, str, str]]:
    """(kind, label, url) for every identifier the record has; urls are built, never copied."""
    links = []
    if record.get("doi"):
        links.append(("DOI", record["doi"], markup.doi_url(record["doi"])))
    if record.get("pmid"):
        links.append(("PubMed", record["pmid"], markup.pubmed_url(record["pmid"])))
    if record.get("pmcid"):
        links.append(("PMC", record["pmcid"], markup.pmc_url(record["pmcid"])))
    if record.get("url"):
        links.append(("Publisher page", "link", markup.url(record["url"])))
    return links


def source_links(record: Record) -> list[tuple[str, str, str]]:
    """(host name, url, confirmed fields) of each page the record's facts were checked against."""
    links = []
    for source in record.get("sources") or []:
        address = markup.url(source["url"])
        host = urlsplit(source["url"]).hostname or source["url"]
        links.append((host.removeprefix("www."), address, ", ".join(source.get("fields") or [])))
    return links


def render_pages(atlas: Atlas) -> dict[str, str]:
    """Every generated file, keyed by docs-relative path: Markdown pages and also data files (JSON, BibTeX, ...)."""
    return Renderer(atlas).pages()  # type: ignore[return-value] - without defer every value is text


def render_deferred(atlas: Atlas) -> dict[str, Content]:
    """The same files, the paper pages made only when read (Deferred) and the big downloads held compressed."""
    return Renderer(atlas, defer=True).pages()


def extra_builders() -> list[Callable[[Renderer], dict[str, Content]]]:
    """Feature modules (exports, evidence map, feeds, ...): each `build(renderer)` returns more {path: content}.

    Imported here, lazily, because they import this module; they reuse the renderer's indexes.
    """
    from litatlas import evidence, exports, feeds, filtering

    builders: list[Callable[[Renderer], dict[str, Content]]] = []
    builders += [evidence.build, filtering.build]
    builders += [exports.build, feeds.build]
    return builders


def terms_in_use(atlas: Atlas) -> Iterable[Term]:
    used = {value for record in atlas.records for field_name in _VOCAB_FIELDS for value in Renderer._values(record, field_name)}
    for terms in atlas.vocabulary.lists.values():
        yield from (t for t in terms.values() if t.id in used)
