"""The site in memory: every generated page and data file of an atlas, made by the page families in turn."""

from __future__ import annotations

from litatlas.model.atlas import Atlas
from litatlas.site.context import Content, Links, Memo, SiteContext
from litatlas.site.pages import browse, downloads, evidence, feeds, filters, home, methods, papers, topics

# Each family's build(ctx) returns {docs-relative path: content}; they share the context, never each other.
PAGE_FAMILIES = (home, topics, browse, papers, evidence, filters, downloads, feeds, methods)


def render_site(atlas: Atlas, defer: bool = False, memo: Memo | None = None, links: Links | None = None) -> dict[str, Content]:
    """Every generated file, keyed by docs-relative path: Markdown pages and data files (JSON, BibTeX, ...).

    With `defer`, paper pages are made only when read and the big downloads are held compressed; with a
    `memo` (`mkdocs serve`), pages whose inputs did not change are taken from the previous build. `links`
    gathers the pages that raw HTML links point at (deferred pages add theirs when they are made).
    """
    ctx = SiteContext(atlas, defer, memo, links)
    pages: dict[str, Content] = {}
    for family in PAGE_FAMILIES:
        pages.update(family.build(ctx))
    if defer:
        ctx.drop_list_pieces()  # the list pages are made; the paper pages made later need none of their rows
    return pages


def render_pages(atlas: Atlas) -> dict[str, str]:
    """The same files, all made now as text."""
    return render_site(atlas)  # type: ignore[return-value] - without defer every value is text
