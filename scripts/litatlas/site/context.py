"""The shared site context: the atlas, its indexes (computed once per build), templates, and helpers for pages."""

from __future__ import annotations

import functools
import heapq
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import jinja2
from markupsafe import Markup

from litatlas.model.atlas import Atlas
from litatlas.model.record import Record
from litatlas.model.text import finalize, h, in_sentence, md, md_link
from litatlas.site import citations, routes

RELATED_LIMIT = 5
T = TypeVar("T")


@dataclass
class Group:
    """The records that share one value of a field (or one year)."""

    key: str
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
        loader=jinja2.PackageLoader("litatlas.site", "templates"),
        bytecode_cache=BYTECODE_CACHE,
        # Output is Markdown, not HTML: finalize escapes every printed value for Markdown and HTML alike.
        autoescape=False,  # noqa: S701
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # attr: a value (an address) inside an HTML attribute of a raw HTML block.
    env.globals.update(link=md_link, safe=Markup, markup_text=md, attr=lambda value: Markup(h(value)))  # noqa: S704
    env.filters["sentence"] = in_sentence
    return env


class Deferred:
    """A generated file that is made (or unpacked) only when it is read, and not kept."""

    __slots__ = ("_encoded", "_make")

    def __init__(self, make: Callable[[], str], encoded: Callable[[], bytes] | None = None) -> None:
        self._make = make
        self._encoded = encoded

    def __call__(self) -> str:
        return self._make()

    def encoded(self) -> bytes:
        """The content as UTF-8, for files that are copied, not converted."""
        return self._encoded() if self._encoded is not None else self._make().encode("utf-8")

    @classmethod
    def packed(cls, content: str) -> Deferred:
        """Already made: held zlib-compressed (a tenth of the memory for the big downloads) until read.

        Copied as bytes straight from the compressed ones: at 10,000 papers the text of the JSON download alone
        would be tens of megabytes more at the moment the build is at its largest.
        """
        data = zlib.compress(content.encode("utf-8"), 1)
        return cls(lambda: zlib.decompress(data).decode("utf-8"), lambda: zlib.decompress(data))


Content = str | Deferred

# A raw HTML block of a generated page: Markdown passes it through as it is. Under the MkDocs plugin it is not even
# parsed (publish/slots.py sets it aside before the conversion and puts it back after); a plain MkDocs build of
# the written pages reads it as ordinary raw HTML. Record text can never write the markers: `<` is escaped.
HTML_START = "<!-- la:html -->"
HTML_END = "<!-- /la:html -->"


def raw_html(html: str) -> Markup:
    """Wrap HTML (every value in it already escaped) as one raw block of a Markdown page."""
    lines = [line for line in html.split("\n") if line.strip()]  # a blank line would end the block for Markdown
    return Markup(f"\n{HTML_START}\n" + "\n".join(lines) + f"\n{HTML_END}\n")  # noqa: S704 - built from escaped parts


class _Groups(dict):  # type: ignore[type-arg]
    def __init__(self, make: Callable[[str], dict[str, Group]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, field_id: str) -> dict[str, Group]:
        made = self[field_id] = self._make(field_id)
        return made

    def get(self, field_id: str, default: Any = None) -> Any:  # noqa: ANN401 - dict's signature
        return self[field_id]


class Links:
    """Every page of the site that a raw HTML link points at, and a page that links to it.

    MkDocs checks the links written in Markdown; raw HTML it passes through unread. Every raw HTML link to a
    page of the site is made by SiteContext.url, which notes it here, so the build can check them as MkDocs
    would (publish/state.py and `litatlas build --out` report a target that is neither generated nor in docs/).
    """

    def __init__(self) -> None:
        # Chunks of {target page: a page linking to it}; the first takes links one by one, the others are the
        # links of pages the memo kept, handed over whole (merged only when they are checked).
        self._chunks: list[dict[str, str]] = [{}]
        self._open: list[list[dict[str, str]]] = []  # while pages are made for the memo: their chunks

    def add(self, here: str, target: str) -> None:
        (self._open[-1] if self._open else self._chunks)[0].setdefault(target, here)

    def add_kept(self, chunks: tuple[dict[str, str], ...]) -> None:
        (self._open[-1] if self._open else self._chunks).extend(chunks)

    def collect(self, make: Callable[[], T]) -> tuple[T, tuple[dict[str, str], ...]]:
        """Make a page (or a family's pages) and say which pages it links to (the memo keeps them with it)."""
        self._open.append([{}])
        try:
            made = make()
        finally:
            found = tuple(chunk for chunk in self._open.pop() if chunk)
        self.add_kept(found)
        return made, found

    @property
    def targets(self) -> dict[str, str]:
        """Target page -> the first page found linking to it."""
        merged: dict[str, str] = {}
        for chunk in self._chunks:
            for target, here in chunk.items():
                merged.setdefault(target, here)
        return merged

    def broken(self, available: set[str]) -> list[str]:
        """A line for every linked page that is not among the available ones (generated or in docs/)."""
        missing = sorted((here, target) for target, here in self.targets.items() if target not in available)
        return [f"{here}: links to {target}, which is not a page of the site" for here, target in missing]


@dataclass
class _Made:
    inputs: object
    made: Any
    links: tuple[dict[str, str], ...]
    inner: tuple[str, ...]  # the memo entries made while this one was made (a family's pages)


class Memo:
    """What the previous build made, with the inputs it was made from, kept across `mkdocs serve` rebuilds.

    A page builder names a page's inputs (the facts of the records it lists, the related papers it shows,
    ...); when they are the same as last time, the page is not made again. A family of pages can be kept
    as a whole the same way (every browse page, when no record's facts changed), and a record's pieces (its
    BibTeX entry, its row of the CSV download) are kept while its file is unchanged. Everything every page
    depends on (the configuration, the settings, the templates) forms the generation: when it changes,
    nothing is reused.
    """

    def __init__(self) -> None:
        self.generation: object = None
        self.pages: dict[str, _Made] = {}
        self.used: dict[str, _Made] = {}
        self.pieces: dict[tuple[str, str], tuple[object, Any]] = {}
        self.pieces_used: dict[tuple[str, str], tuple[object, Any]] = {}
        self.derived: dict[str, tuple[object, Any]] = {}  # atlas-wide values (related papers) and what they came from
        self.reused = 0
        self._inner: list[list[str]] = []

    def start(self, generation: object, record_ids: set[str]) -> None:
        if generation != self.generation:
            self.pages, self.pieces, self.derived = {}, {}, {}
        else:
            # What the last build did not use (a deleted record's page) is let go; the pieces of records that
            # are still there are kept even when unused (a kept family did not ask for them).
            self.pages = self.used or self.pages
            pieces = {**self.pieces, **self.pieces_used}
            self.pieces = {key: made for key, made in pieces.items() if key[1] in record_ids}
        self.generation, self.used, self.pieces_used, self.reused = generation, {}, {}, 0

    def page(self, path: str, inputs: object, make: Callable[[], T], links: Links) -> T:
        previous = self.pages.get(path)
        if previous is not None and previous.inputs == inputs:
            self.reused += len(previous.made) if isinstance(previous.made, dict) else 1
            entry = previous
            links.add_kept(previous.links)
            for key in previous.inner:  # a kept family keeps its pages' entries for the next build
                if key in self.pages:
                    self.used[key] = self.pages[key]
        else:
            self._inner.append([])
            try:
                made, found = links.collect(make)
            finally:
                inner = tuple(self._inner.pop())
            entry = _Made(inputs, made, found, inner)
        self.used[path] = entry
        if self._inner:
            self._inner[-1].extend((path, *entry.inner))
        return entry.made

    def piece(self, key: tuple[str, str], inputs: object, make: Callable[[], T]) -> T:
        previous = self.pieces.get(key)
        made = previous[1] if previous is not None and previous[0] == inputs else make()
        self.pieces_used[key] = (inputs, made)
        return made

    def value(self, name: str, inputs: object, make: Callable[[], T]) -> T:
        """An atlas-wide value, made again only when what it is made from changed."""
        previous = self.derived.get(name)
        if previous is not None and previous[0] == inputs:
            return previous[1]
        made = make()
        self.derived[name] = (inputs, made)
        return made


def _templates_stamp() -> tuple[tuple[str, int], ...]:
    folder = Path(__file__).resolve().parent / "templates"
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.j2")))


class SiteContext:
    """What every page builder shares: the atlas, its indexes and the templates; indexes are computed once.

    With `defer`, paper pages are made when they are read and the big downloads are held compressed,
    so a build at 10,000 records never holds every generated file at once. With a `memo` (`mkdocs serve`),
    pages whose inputs did not change since the previous build are taken from it instead of made again.
    """

    def __init__(self, atlas: Atlas, defer: bool = False, memo: Memo | None = None, links: Links | None = None) -> None:
        self.atlas = atlas
        self.links = links if links is not None else Links()
        self.defer = defer
        self.memo = memo
        if memo is not None:
            memo.start((atlas.config, atlas.settings, _templates_stamp()), {record.id for record in atlas.records})
        self.config = atlas.config
        self.settings = atlas.settings
        self.records = atlas.records
        self.env = _environment()
        self.filters = routes.Filters(self.config, self.settings.use_directory_urls)
        self._labels: dict[tuple[str, str, int | None], Markup] = {}
        self._facet_link_cache: dict[tuple[str | int, str, str], Markup] = {}
        self._kept: dict[tuple[str, str], Any] = {}
        self._facts: dict[str, tuple[object, ...]] = {}

    # ----- indexes

    @cached_property
    def by_subtopic(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            for sub in record.list("topics"):
                index[sub].append(record)
        return index

    @cached_property
    def by_headline(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = {topic.id: [] for topic in self.config.topics}
        headline_of = self.config.headline_of
        for record in self.records:
            for topic_id in {headline_of[s].id for s in record.list("topics") if s in headline_of}:
                index[topic_id].append(record)
        return index

    @cached_property
    def groups(self) -> dict[str, dict[str, Group]]:
        """field id (or 'year') -> value key -> group; each field's groups are made the first time they are asked for."""
        return _Groups(lambda field_id: self._group(field_id, self.records))

    @cached_property
    def counted(self) -> list[Record]:
        """The records the evidence counts: all but retracted papers (which are listed apart)."""
        return self.atlas.counted

    @cached_property
    def counted_groups(self) -> dict[str, dict[str, Group]]:
        """The same grouping over the counted records only."""
        return _Groups(lambda field_id: self._group(field_id, self.counted))

    def _group(self, field_id: str, records: list[Record]) -> dict[str, Group]:
        field = None if field_id == "year" else self.config.field(field_id)
        members: dict[str, list[Record]] = defaultdict(list)
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for record in records:
            for value in record.values(field_id):
                key = field.key(value) if field is not None else value
                if not members[key] or members[key][-1] is not record:
                    members[key].append(record)
                spellings[key][value] += 1
        groups = {}
        for key, recs in members.items():
            if field is not None and field.has_terms:
                term = field.term_map.get(key)
                label, description = (term.label, term.description) if term else (key, "")
            else:
                label, description = spellings[key].most_common(1)[0][0], ""
            groups[key] = Group(key, label, description, recs)
        if field is None:
            order: Callable[[Group], Any] = lambda g: (-int(g.key),)  # noqa: E731
        elif field.kind == "term":
            positions = {t.id: i for i, t in enumerate(field.terms)}
            order = lambda g: (positions.get(g.key, len(positions)),)  # noqa: E731
        else:
            order = lambda g: (-len(g.records), g.label.casefold())  # noqa: E731
        return dict(sorted(groups.items(), key=lambda kv: order(kv[1])))

    def related(self, record: Record) -> list[Record]:
        """Papers that share values of the searched fields with a record: a free-list value (a molecule) counts 2, a term 1."""
        # Under `mkdocs serve` the lists are kept while no record's facts change.
        found = self._related.get(record.id)
        if found is None:
            found = self._related[record.id] = [other.id for other in self._rank_related(record)]
        by_id = self.by_id
        return [by_id[other] for other in found]

    @cached_property
    def _related(self) -> dict[str, list[str]]:
        return self.memo.value("related", self.signature, dict) if self.memo is not None else {}

    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {record.id: record for record in self.records}

    @cached_property
    def _rank_related(self) -> Callable[[Record], list[Record]]:
        # Only the newest members of each value are candidates, so a huge group costs no more than a small
        # one: related papers stay a short, cheap list at any atlas size.
        candidates_per_key = 30
        weights = {f.id: (2 if f.kind == "list" else 1) for f in self.config.fields if f.search and f.multi}
        by_key: dict[tuple[str, str], list[str]] = {}
        for field_id in weights:
            for key, group in self.groups[field_id].items():
                by_key[(field_id, key)] = [rec.id for rec in group.records[:candidates_per_key]]
        by_id = {rec.id: rec for rec in self.records}
        order = {rec.id: (-rec.year, rec.id) for rec in self.records}  # computed once, not per comparison
        keys = {field_id: self.config.field(field_id).key for field_id in weights}

        def related(record: Record) -> list[Record]:
            scores: dict[str, int] = {}
            get = scores.get
            for field_id, weight in weights.items():
                key_of = keys[field_id]
                for value in record.values(field_id):
                    for other in by_key.get((field_id, key_of(value)), ()):
                        scores[other] = get(other, 0) + weight
            scores.pop(record.id, None)
            best = heapq.nsmallest(RELATED_LIMIT, scores.items(), key=lambda item: (-item[1], order[item[0]]))
            return [by_id[other] for other, _ in best]

        return related

    @cached_property
    def citation_keys(self) -> dict[str, str]:
        """record id -> BibTeX key, unique across the atlas."""
        if self.memo is not None:  # made from authors, year and title: facts
            return self.memo.value("citation_keys", self.signature, lambda: citations.citation_keys(self.records))
        return citations.citation_keys(self.records)

    def bibtex(self, record: Record) -> str:
        """The record's BibTeX entry, made once per build for its page and the downloads."""
        key = self.citation_keys[record.id]
        return self.piece("bibtex", record, lambda: citations.bibtex(record, key), key, keep=True)

    def ris(self, record: Record) -> str:
        return self.piece("ris", record, lambda: citations.ris(record), keep=True)

    def piece(self, kind: str, record: Record, make: Callable[[], T], extra: object = None, keep: bool = False) -> T:
        """A part of a page or download made from one record alone (plus `extra`, such as its citation key).

        Under `mkdocs serve` it is kept while the record's file is unchanged; in one build, pieces that two
        files use (`keep`: the BibTeX entry of the paper's .bib and of atlas.bib) are made once.
        """
        if self.memo is not None:
            return self.memo.piece((kind, record.id), record.digest if extra is None else (record.digest, extra), make)
        if not keep:
            return make()
        made = self._kept.get((kind, record.id))
        if made is None:
            made = self._kept[(kind, record.id)] = make()
        return made

    def drop_list_pieces(self) -> None:
        """Forget the table rows and labels of list pages (a cache: whatever is asked for again is made again)."""
        self._kept = {key: made for key, made in self._kept.items() if not key[0].startswith("row")}
        self._labels.clear()

    def facts(self, record: Record) -> tuple[object, ...]:
        """What list pages and the evidence show of a record: its id, title, year, authors, journal and every
        classification value (not its summary, findings or notes). Pages made from these stay the same when
        only a record's prose changes."""
        found = self._facts.get(record.id)
        if found is None:
            found = self._facts[record.id] = self.piece("facts", record, lambda: self._make_facts(record))
        return found

    def _make_facts(self, record: Record) -> tuple[object, ...]:
        data = record.data
        values = tuple(tuple(record.values(field_id)) for field_id in self._fact_fields)
        return (record.id, record.title, record.year, tuple(data.get("authors") or ()), data.get("journal"), values)

    @cached_property
    def signature(self) -> tuple[tuple[object, ...], ...]:
        """The facts of every record, in order: list pages, evidence and related papers are made from these
        alone, so while it is unchanged (an edit to a summary) `mkdocs serve` keeps them all."""
        return tuple(map(self.facts, self.records))

    @cached_property
    def _fact_fields(self) -> list[str]:
        config = self.config
        fields = {f.id: f for f in (config.type_field, config.topics_field, *config.fields) if f is not None}
        return [field.id for field in fields.values() if field.has_terms or field.multi]

    @cached_property
    def atlas_citation(self) -> citations.AtlasCitation:
        return citations.atlas_citation(self.settings, self.records)

    # ----- helpers for templates

    def rel(self, here: str, target: str) -> str:
        return routes.rel(here, target)

    def paper_path(self, record: Record) -> str:
        return routes.paper(record.id)

    def browse_path(self, field_id: str, key: str | None = None, page: int = 1) -> str:
        return routes.browse(None if field_id == "year" else self.config.field(field_id), key, page)

    def url(self, here: str, target: str) -> str:
        """The address of `target` as a link on page `here` writes it in raw HTML (MkDocs does not rewrite those)."""
        self.links.add(here, target.partition("#")[0] or here)
        return routes.href(here, target, self.settings.use_directory_urls)

    def anchor(self, here: str, target: str, label: object, cls: str = "") -> Markup:
        """<a href="...">label</a> to a page of the site; the label escaped, the address built from routes."""
        attributes = f' class="{cls}"' if cls else ""
        return Markup(f'<a{attributes} href="{h(self.url(here, target))}">{md(label)}</a>')  # noqa: S704 - escaped

    def facet_links(self, here: str, record: Record, field_id: str) -> Markup:
        """The record's values of a field, each linked to its browse page."""
        return Markup(", ").join(self._facet_link(here, field_id, value) for value in record.values(field_id))

    def _facet_link(self, here: str, field_id: str, value: str) -> Markup:
        # Pages that link a value with the same address (every paper page: same depth, outside browse/) share
        # one anchor, so the cache holds one per value and origin, not one per page.
        target = self.browse_path(field_id, value)
        cache_key = (routes.link_origin(here, target, self.settings.use_directory_urls), field_id, value)
        made = self._facet_link_cache.get(cache_key)
        if made is None:
            field = None if field_id == "year" else self.config.field(field_id)
            label = field.label_of(value) if field is not None else value
            made = self._facet_link_cache[cache_key] = self.anchor(here, target, label)
        return made

    def labels(self, record: Record, field_id: str, limit: int | None = None) -> Markup:
        """A record's values of a field as escaped labels ('Adults, Children, +2'), made once per record."""
        key = (record.id, field_id, limit)
        cached = self._labels.get(key)
        if cached is None:
            values = record.values(field_id)
            shown = values[:limit] if limit else values
            field = self.config.field_map.get(field_id)
            names = [field.label_of(v) for v in shown] if field is not None else shown
            more = len(values) - len(shown)
            out = Markup(", ").join(md(n) for n in names)
            cached = self._labels[key] = out + Markup(f", +{more}") if more > 0 else out  # noqa: S704 - a number
        return cached

    def paper_table(self, here: str, records: Iterable[Record], start: int = 1) -> Markup:
        """A table of papers (number, year, first author, title, the configured columns) as raw HTML.

        Built here, not in a template, and handed to Markdown as one HTML block: these tables are most of a
        list page, and Python-Markdown would otherwise parse every cell.
        """
        head = '<th style="text-align: right;">#</th><th>Year</th><th>First author</th><th>Title</th>'
        head += "".join(f"<th>{md(field.column)}</th>" for field in self.config.column_fields)
        # A record's row links only its paper page, alike from every page of the same origin: made once each.
        rows = []
        for number, record in enumerate(records, start=start):
            self.links.add(here, self.paper_path(record))
            kind = f"row{routes.link_origin(here, self.paper_path(record), self.settings.use_directory_urls)}"
            row = self.piece(kind, record, functools.partial(self._row, here, record), keep=True)
            rows.append(f'<tr><td style="text-align: right;">{number}</td>{row}')
        table = f"<table>\n<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
        return raw_html(table)

    def _row(self, here: str, record: Record) -> str:
        """A table row after its number: year, first author, linked title, the configured columns."""
        cells = "".join(f"<td>{self.labels(record, f.id, f.column_limit or None)}</td>" for f in self.config.column_fields)
        title = self.anchor(here, self.paper_path(record), record.title)
        return f"<td>{record.year}</td><td>{md(record.first_author_surname)}</td><td>{title}</td>{cells}</tr>"

    def subtopic_links(self, here: str, record: Record) -> Markup:
        links = []
        for sub in record.list("topics"):
            topic = self.config.headline_of.get(sub)
            if topic is not None:
                links.append(self.anchor(here, routes.topic(topic.id, sub), self.config.subtopics[sub].label))
        return Markup(", ").join(links)

    @staticmethod
    def join(values: Iterable[object]) -> Markup:
        return Markup(", ").join(md(v) for v in values)

    def made(self, path: str, inputs: Callable[[], object], make: Callable[[], T]) -> T:
        """A page (or a family's pages), made now or, when its inputs are those of the previous build, taken
        from the memo. `inputs` is only called under `mkdocs serve`: a one-off build does not need them."""
        return self.memo.page(path, inputs(), make, self.links) if self.memo is not None else make()

    def later(self, make: Callable[[], str]) -> Content:
        return Deferred(make) if self.defer else make()

    def kept(self, content: str) -> Content:
        return Deferred.packed(content) if self.defer else content

    def render(self, template: str, here: str, **extra: Any) -> str:
        context = {
            "here": here,
            "r": self,
            "config": self.config,
            "routes": routes,
            "rel": lambda target: self.rel(here, target),
            "href": lambda target: Markup(h(self.url(here, target))),  # noqa: S704 - escaped
            "raw": raw_html,
            "paper_link": lambda rec: md_link(rec.title, self.rel(here, self.paper_path(rec))),
            **extra,
        }
        return self.env.get_template(template).render(context)
