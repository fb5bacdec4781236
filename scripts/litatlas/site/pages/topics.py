"""One page per headline topic: the hand-written introduction, then the newest papers of each sub-topic."""

from __future__ import annotations

from litatlas.site import routes
from litatlas.site.context import Content, SiteContext

TOPIC_SECTION_ROWS = 50  # newest papers shown per sub-topic; the rest are one click away


def build(ctx: SiteContext) -> dict[str, Content]:
    pages: dict[str, Content] = {}
    for topic in ctx.config.topics:
        here = routes.topic(topic.id)
        pages[here] = ctx.render(
            "topic.md.j2",
            here,
            topic=topic,
            intro=ctx.atlas.intros.get(here, ""),
            sections=[(sub, ctx.by_subtopic.get(sub.id, [])) for sub in topic.subtopics],
            total=len(ctx.by_headline[topic.id]),
            section_rows=TOPIC_SECTION_ROWS,
        )
    return pages
