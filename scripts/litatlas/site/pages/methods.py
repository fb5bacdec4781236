"""The Methods page: the hand-written text, then a PRISMA 2020-style flow of how papers reached the atlas.

The counts come from the screening queue (curation/screening.yml: the runs of the saved queries and the decisions)
and the records: identified per query, duplicates removed, screened, excluded per reason, waiting, included; and
the papers added from other sources (the curators' own searches and suggestions), so that every number adds up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from litatlas.model.atlas import Atlas
from litatlas.site import charts, routes
from litatlas.site.charts import Box
from litatlas.site.context import Content, SiteContext


@dataclass(frozen=True)
class Flow:
    identified: dict[str, int]  # query id -> records identified
    duplicates: int
    screened: int
    excluded: dict[str, int]  # reason id -> records excluded
    waiting: int
    included: int  # included from screening
    curated: int  # of them, those whose record is complete and in the atlas
    other: int  # records that came from other sources
    atlas: int  # records in the atlas
    retracted: int

    @property
    def candidates(self) -> int:
        return sum(self.identified.values()) - self.duplicates


def flow(atlas: Atlas) -> Flow:
    queue = atlas.queue
    identified: Counter[str] = Counter()
    duplicates = 0
    for run in queue.runs:
        identified[run.query] += run.identified
        duplicates += run.duplicates
    if atlas.config.screening is not None:
        identified = Counter({q.id: identified[q.id] for q in atlas.config.screening.queries} | identified)
    decided = [c for c in queue.candidates if c.decision]
    record_ids = {r.id for r in atlas.records}
    included = [c for c in decided if c.decision == "include"]
    from_screening = {c.record for c in included if c.record in record_ids}
    return Flow(
        identified=dict(identified),
        duplicates=duplicates,
        screened=len(decided),
        excluded=dict(Counter(c.reason for c in decided if c.decision == "exclude")),
        waiting=len(queue.candidates) - len(decided),
        included=len(included),
        curated=len(from_screening),
        other=len(record_ids - from_screening),
        atlas=len(record_ids),
        retracted=sum(1 for r in atlas.records if atlas.status.is_retracted(r.id)),
    )


def build(ctx: SiteContext) -> dict[str, Content]:
    intro = ctx.atlas.intros.get(routes.METHODS)
    if intro is None:
        return {}
    made = flow(ctx.atlas)
    screening = ctx.config.screening
    labels = {q.id: q.label for q in screening.queries} if screening else {}
    reasons = {r.id: r.label for r in screening.reasons} if screening else {}
    rows = [
        (
            Box("identified", "Records identified from saved PubMed searches", sum(made.identified.values()),
                tuple(f"{labels.get(q, q)}: {n}" for q, n in made.identified.items())),
            Box("duplicates", "Removed before screening (already in the atlas, the queue or another search)", made.duplicates),
        ),
        (
            Box("screened", "Records screened", made.screened),
            Box("excluded", "Records excluded", sum(made.excluded.values()),
                tuple(f"{reasons.get(r, r)}: {n}" for r, n in sorted(made.excluded.items(), key=lambda kv: -kv[1]))),
        ),
        (
            Box("included", "Papers included from screening", made.included,
                (f"record still being curated: {made.included - made.curated}",) if made.included > made.curated else ()),
            Box("waiting", "Awaiting a decision", made.waiting),
        ),
        (
            Box("atlas", "Papers in the atlas", made.atlas,
                (f"from screening: {made.curated}", f"from other sources: {made.other}")
                + ((f"retracted, listed apart: {made.retracted}",) if made.retracted else ())),
            None,
        ),
    ]  # fmt: skip
    desc = (
        f"Flow of papers. Identified from saved searches: {sum(made.identified.values())}; duplicates removed: "
        f"{made.duplicates}; screened: {made.screened}; excluded: {sum(made.excluded.values())}"
        + "".join(f", {reasons.get(r, r)} {n}" for r, n in made.excluded.items())
        + f"; awaiting a decision: {made.waiting}; included from screening: {made.included}; "
        f"added from other sources: {made.other}; papers in the atlas: {made.atlas}."
    )
    title = "How papers reach the atlas"
    svg = charts.flow_diagram("la-prisma", title, desc, rows)
    page = ctx.render("methods.md.j2", routes.METHODS, intro=intro, flow=made, svg=Markup(svg), title=title)  # noqa: S704
    return {routes.METHODS: page}
