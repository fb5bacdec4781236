"""Browse pages: all papers, and the papers of each value of every browse field and of each year (paginated)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from litatlas.model.record import Record
from litatlas.site import routes
from litatlas.site.context import Content, SiteContext

ROWS_PER_PAGE = 200  # keeps browse pages under ~150 KB of HTML whatever the atlas size


@dataclass(frozen=True)
class Facet:
    """A browse dimension as templates show it: a field (or the years), its index page and its names."""

    field: str
    title: str
    singular: str
    path: str


def facets(ctx: SiteContext) -> list[Facet]:
    found = [Facet(f.id, f.plural, f.label, ctx.browse_path(f.id)) for f in ctx.config.browse_fields]
    return [*found, Facet("year", "Years", "Year", ctx.browse_path("year"))]


def build(ctx: SiteContext) -> dict[str, Content]:
    # Every browse page is made from the records' facts alone: unchanged facts, unchanged pages.
    return ctx.made("browse/", lambda: ctx.signature, lambda: _build(ctx))


def _build(ctx: SiteContext) -> dict[str, Content]:
    pages: dict[str, Content] = {}
    pages.update(paginated(ctx, "browse/all", "All papers", ctx.records, intro="Every paper in the atlas, newest first."))
    all_facets = facets(ctx)
    pages[routes.BROWSE_HOME] = ctx.render("browse_home.md.j2", routes.BROWSE_HOME, facets=all_facets, groups=ctx.groups)
    for facet in all_facets:
        groups = ctx.groups[facet.field]
        pages[facet.path] = ctx.render("facet_index.md.j2", facet.path, facet=facet, groups=groups)
        for key, group in groups.items():
            base = ctx.browse_path(facet.field, key)[: -len(".md")]
            title = f"{facet.singular}: {group.label}"
            pages.update(paginated(ctx, base, title, group.records, intro=group.description, facet=facet))
    return pages


def paginated(
    ctx: SiteContext, base: str, title: str, records: list[Record], intro: str = "", facet: Facet | None = None
) -> dict[str, Content]:
    chunks = [records[i : i + ROWS_PER_PAGE] for i in range(0, len(records), ROWS_PER_PAGE)] or [[]]
    pages: dict[str, Content] = {}
    for number, chunk in enumerate(chunks, start=1):
        here = f"{base}{routes.page_suffix(number)}.md"
        pager = [(n, ctx.rel(here, f"{base}{routes.page_suffix(n)}.md")) for n in range(1, len(chunks) + 1)]
        values = {
            "title": title,
            "intro": intro,
            "records": chunk,
            "total": len(records),
            "number": number,
            "pager": pager if len(chunks) > 1 else [],
            "first_index": (number - 1) * ROWS_PER_PAGE + 1,
            "facet": facet,
        }

        def inputs(chunk: list[Record] = chunk, number: int = number) -> object:
            return (title, intro, len(records), number, len(chunks), facet, tuple(map(ctx.facts, chunk)))

        pages[here] = ctx.made(here, inputs, functools.partial(ctx.render, "list.md.j2", here, **values))
    return pages
