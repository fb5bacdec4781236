"""The home page (the hand-written introduction, counts per topic, newest papers) and the Contribute page."""

from __future__ import annotations

from litatlas.model.text import in_sentence
from litatlas.site import routes
from litatlas.site.context import Content, SiteContext

NEWEST_LIMIT = 5


def build(ctx: SiteContext) -> dict[str, Content]:
    counts = [(topic, len(ctx.by_headline[topic.id])) for topic in ctx.config.topics]
    newest = sorted(ctx.records, key=lambda rec: (rec.added, rec.id), reverse=True)[:NEWEST_LIMIT]
    named = [f for f in ctx.config.browse_fields if f is not ctx.config.verdict_field]
    browse_names = [in_sentence(f.label) for f in named][:3] + ["year"]
    pages: dict[str, Content] = {
        routes.HOME: ctx.render(
            "home.md.j2",
            routes.HOME,
            intro=ctx.atlas.intros.get(routes.HOME, ""),
            counts=counts,
            newest=newest,
            total=len(ctx.records),
            browse_names=", ".join(browse_names[:-1]) + " or " + browse_names[-1],
        )
    }
    if routes.CONTRIBUTE in ctx.atlas.intros:
        pages[routes.CONTRIBUTE] = ctx.atlas.intros[routes.CONTRIBUTE]
    return pages
