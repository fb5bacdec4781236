"""One page per headline topic: the hand-written introduction, then the newest papers of each sub-topic."""

from __future__ import annotations

import functools
from typing import Any

from litatlas.site import routes
from litatlas.site.context import Content, SiteContext

TOPIC_SECTION_ROWS = 50  # newest papers shown per sub-topic; the rest are one click away


def build(ctx: SiteContext) -> dict[str, Content]:
    # Made from the records' facts and the hand-written introductions.
    intros = tuple(ctx.atlas.intros.get(routes.topic(topic.id), "") for topic in ctx.config.topics)
    return ctx.made("topics/", lambda: (ctx.signature, intros), lambda: _build(ctx))


def _build(ctx: SiteContext) -> dict[str, Content]:
    pages: dict[str, Content] = {}
    for topic in ctx.config.topics:
        here = routes.topic(topic.id)
        values = {
            "topic": topic,
            "intro": ctx.atlas.intros.get(here, ""),
            "sections": [(sub, ctx.by_subtopic.get(sub.id, [])) for sub in topic.subtopics],
            "total": len(ctx.by_headline[topic.id]),
            "section_rows": TOPIC_SECTION_ROWS,
        }

        def inputs(values: dict[str, Any] = values) -> object:
            shown = tuple((s.id, len(recs), tuple(map(ctx.facts, recs[:TOPIC_SECTION_ROWS]))) for s, recs in values["sections"])
            return (values["topic"].id, values["intro"], values["total"], shown)

        pages[here] = ctx.made(here, inputs, functools.partial(ctx.render, "topic.md.j2", here, **values))
    return pages
