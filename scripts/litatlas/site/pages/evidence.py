"""The evidence map and the conflicting-evidence view: counts and context straight from the records.

Pages: evidence/index.md (the configured matrices, the balances of the verdict, charts) and
evidence/conflicts.md. Tables are raw, accessible HTML (caption, th scope) built here with every value
escaped; the numbers link to the filtered "All papers" view and the row and column names link to plain
browse pages, which work without JavaScript.

Which verdict terms are "for" and "against" comes from each term's `polarity` in the atlas configuration;
without a verdict the balance and conflict sections are left out.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

from litatlas.model.config import Chart, Field, Matrix, Term
from litatlas.model.record import Record
from litatlas.model.text import doi_url, h, in_sentence
from litatlas.site import charts, routes
from litatlas.site.context import Content, SiteContext

NONE = ""  # row key of papers without a value in the row field

# Bounds that keep both pages a fixed size whatever the number of records: a term field has a fixed number of
# values; a free list (molecules) is cut to the values with the most papers.
LIST_BALANCE_LIMIT = 40
CONFLICT_LIST_LIMIT = 12
CONFLICT_PAPERS_PER_SIDE = 5  # per term
CONFLICT_LIST_PAPERS_PER_SIDE = 3
SIDES = ("pro", "anti", "both")


def build(ctx: SiteContext) -> dict[str, Content]:
    evidence = Evidence(ctx)

    @functools.cache
    def inputs() -> object:
        # What the counts and lists are made of: every record's facts, and which records are counted.
        return ctx.signature, tuple(record.id for record in ctx.counted)

    return {
        routes.EVIDENCE_MAP: ctx.made(routes.EVIDENCE_MAP, inputs, evidence.map_page),
        routes.CONFLICTS: ctx.made(routes.CONFLICTS, inputs, evidence.conflicts_page),
        routes.RETRACTED: retracted_page(ctx),
    }


def retracted_page(ctx: SiteContext) -> str:
    """The papers of the atlas that were retracted, with their notices: kept on record, counted nowhere."""
    status = ctx.atlas.status
    listed = [(record, status.retraction(record.id)) for record in ctx.records if status.is_retracted(record.id)]
    return ctx.render("retracted.md.j2", routes.RETRACTED, listed=listed, checked=status.checked, doi_url=doi_url)


@dataclass
class Conflict:
    key: str
    label: str
    field: Field
    pro: list[Record]
    anti: list[Record]
    both: list[Record]

    @property
    def anchor(self) -> str:
        return f"{self.field.filter or self.field.id}-{self.field.key(self.key)}"


@dataclass
class Tally:
    """The counts of one matrix: row key -> column key -> papers, and the totals."""

    matrix: Matrix
    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    counts: dict[str, Counter[str]]
    column_totals: Counter[str]
    papers: int


class Evidence:
    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        # Retracted papers stay out of every count and comparison (they are listed on their own page).
        self.records = ctx.counted
        self.groups = ctx.counted_groups
        self.config = ctx.config
        self.verdict = ctx.config.verdict_field
        self.verdict_terms = list(self.verdict.terms) if self.verdict else []
        self.sides = {side: self.config.polarity_terms(side) for side in SIDES}
        self.has_sides = bool(self.sides["pro"] and self.sides["anti"])
        self._contexts: dict[str, dict[str, list[str]]] = {}

    def _field(self, field_id: str) -> Field:
        return self.config.field(field_id)

    def side_label(self, side: str) -> str:
        return " / ".join(t.label for t in self.sides[side])

    # ----- counts (also used by the tests)

    def tally(self, matrix: Matrix) -> Tally:
        rows_field, columns_field = self._field(matrix.rows), self._field(matrix.columns)
        counts: dict[str, Counter[str]] = {}
        column_totals: Counter[str] = Counter()
        papers = 0
        for record in self.records:
            columns = {columns_field.key(v) for v in record.values(columns_field.id)}
            if not columns:
                continue
            papers += 1
            column_totals.update(columns)
            for key in {rows_field.key(v) for v in record.values(rows_field.id)} or {NONE}:
                counts.setdefault(key, Counter()).update(columns)
        rows = [(key, group.label) for key, group in self.groups[rows_field.id].items() if key in counts]
        if NONE in counts:
            rows.append((NONE, f"No {in_sentence(rows_field.label)} recorded"))
        if columns_field is self.verdict:
            columns = [(t.id, t.label) for t in columns_field.terms]
        elif columns_field.has_terms:
            columns = [(t.id, t.label) for t in columns_field.terms if t.id in column_totals]
        else:
            columns = [(key, group.label) for key, group in self.groups[columns_field.id].items()]
        return Tally(matrix, rows, columns, counts, column_totals, papers)

    @cached_property
    def _side_of_term(self) -> dict[str, str]:
        return {t.id: side for side, terms in self.sides.items() for t in terms}

    def _split(self, records: list[Record]) -> dict[str, list[Record]]:
        split: dict[str, list[Record]] = {side: [] for side in SIDES}
        side_of = self._side_of_term
        verdict_id = self.verdict.id if self.verdict else ""
        for record in records:
            side = side_of.get(record.data.get(verdict_id, ""))
            if side:
                split[side].append(record)
        return split

    def balances(self, field_id: str) -> list[Conflict]:
        """Papers for, against and both ways per value of a field that has any of them."""
        return list(self._balances(field_id))

    def _balances(self, field_id: str) -> list[Conflict]:
        cache = self.__dict__.setdefault("_balance_cache", {})
        if field_id not in cache:
            field = self._field(field_id)
            rows = []
            for key, group in self.groups[field_id].items():
                split = self._split(group.records)
                if any(split.values()):
                    rows.append(Conflict(key, group.label, field, split["pro"], split["anti"], split["both"]))
            if field.kind == "list":
                rows.sort(key=lambda c: (-(len(c.pro) + len(c.anti) + len(c.both)), c.label.casefold()))
            cache[field_id] = rows
        return cache[field_id]

    def conflicts(self, field_id: str) -> list[Conflict]:
        """Values with at least one paper for and at least one against."""
        found = [c for c in self._balances(field_id) if c.pro and c.anti]
        if self._field(field_id).kind == "list":
            found.sort(key=lambda c: (-(len(c.pro) + len(c.anti)), c.label.casefold()))
        return found

    # ----- HTML pieces

    def _link(self, here: str, target: str, label: str) -> str:
        return f'<a href="{h(self.ctx.url(here, target))}">{h(label)}</a>'

    def _count(self, here: str, count: int, description: str, **filters: str) -> str:
        """A count that opens the papers it counts, when every field it is filtered by has a filter."""
        if not count:
            return '<span class="la-zero">0</span>'
        if not all(self.ctx.filters.can_filter(name) for name in filters):
            return str(count)
        target = self.ctx.filters.href(here, **filters)
        noun = "paper" if count == 1 else "papers"
        return f'<a href="{h(target)}" aria-label="{count} {noun}: {h(description)}">{count}</a>'

    def _wrap(
        self, caption_id: str, caption: str, head: list[str], body: list[str], foot: list[str] = (), cls: str = "la-matrix"
    ) -> Markup:
        parts = [
            f'<div class="la-table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">',
            f'<table class="{cls}" id="{caption_id}-table">',
            f'<caption id="{caption_id}">{caption}</caption>',
            "<thead>",
            *head,
            "</thead>",
            "<tbody>",
            *body,
            "</tbody>",
        ]
        if foot:
            parts.extend(["<tfoot>", *foot, "</tfoot>"])
        parts.extend(["</table>", "</div>"])
        return Markup("\n".join(parts))  # noqa: S704 - every value was escaped with h() or is a number

    def _name(self, here: str, field: Field, key: str, label: str) -> str:
        """A row or column name: a link to its browse page when it has one."""
        if key == NONE or not field.browse or key not in self.ctx.groups[field.id]:
            return h(label)
        return self._link(here, self.ctx.browse_path(field.id, key), label)

    def matrix_title(self, matrix: Matrix) -> str:
        rows, columns = self._field(matrix.rows), self._field(matrix.columns)
        return matrix.title or f"{rows.plural} and {in_sentence(columns.plural)}"

    def matrix_table(self, here: str, matrix: Matrix) -> Markup:
        tally = self.tally(matrix)
        rows_field, columns_field = self._field(matrix.rows), self._field(matrix.columns)
        if not tally.columns or not tally.papers:
            return Markup(f"<p>No paper in the atlas records a {h(in_sentence(columns_field.label))} yet.</p>")  # noqa: S704
        single = columns_field.kind == "term"  # one value per paper: a row's total is the sum of its cells
        head = [f'<tr><th scope="col">{h(rows_field.label)}</th>']
        for key, label in tally.columns:
            term = columns_field.term_map.get(key)
            cls = f' class="la-col-{h(term.polarity)}"' if term is not None and term.polarity else ""
            head.append(f'<th scope="col"{cls}>{self._name(here, columns_field, key, label)}</th>')
        head.append('<th scope="col">All papers</th></tr>' if single else "</tr>")
        body = []
        for key, label in tally.rows:
            counts = tally.counts[key]
            cells = [f'<th scope="row">{self._name(here, rows_field, key, label)}</th>']
            for column, column_label in tally.columns:
                count = counts[column]
                if key == NONE:
                    cells.append(f"<td>{count}</td>" if count else '<td><span class="la-zero">0</span></td>')
                else:
                    filters = {rows_field.id: key, columns_field.id: column}
                    cells.append(f"<td>{self._count(here, count, f'{label}, {column_label}', **filters)}</td>")
            if single:
                total = sum(counts.values())
                description = f"{label}, any {in_sentence(columns_field.label)}"
                shown = str(total) if key == NONE else self._count(here, total, description, **{rows_field.id: key})
                cells.append(f'<td class="la-total">{shown}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        foot = ['<tr><th scope="row">All papers</th>']
        every = f"all {in_sentence(rows_field.plural)}"
        for column, column_label in tally.columns:
            count = tally.column_totals[column]
            foot.append(f"<td>{self._count(here, count, f'{every}, {column_label}', **{columns_field.id: column})}</td>")
        if single:
            foot.append(f'<td class="la-total">{self._count(here, tally.papers, "the whole atlas")}</td>')
        foot.append("</tr>")
        caption = matrix.caption or (
            f"Papers per {in_sentence(rows_field.label)} and {in_sentence(columns_field.label)}. A paper with several "
            f"{in_sentence(rows_field.plural)} counts in each of their rows"
            + ("; the last row counts every paper once." if single else ", and in each of its cells.")
        )
        return self._wrap(f"la-matrix-{slug_id(matrix)}", h(caption), ["".join(head)], body, ["".join(foot)])

    def balance_table(self, here: str, field_id: str) -> Markup:
        field = self._field(field_id)
        rows = self.balances(field_id)
        limit = LIST_BALANCE_LIMIT if field.kind == "list" else None
        shown = rows[:limit] if limit else rows
        pro, anti, both = self.side_label("pro"), self.side_label("anti"), self.side_label("both")
        head = [
            f'<tr><th scope="col">{h(field.label)}</th><th scope="col" class="la-col-pro">{h(pro)}</th>'
            f'<th scope="col" class="la-col-anti">{h(anti)}</th>'
            + (f'<th scope="col" class="la-col-both">{h(both)}</th>' if self.sides["both"] else "")
            + '<th scope="col">Balance</th></tr>'
        ]
        verdict_id = self.verdict.id if self.verdict else ""
        body = []
        for row in shown:
            cells = [f'<th scope="row">{self._name(here, field, row.key, row.label)}</th>']
            for side, records in (("pro", row.pro), ("anti", row.anti), ("both", row.both)):
                terms = self.sides[side]
                if not terms:
                    continue
                term = terms[0].id if len(terms) == 1 else ""
                description = f"{row.label}, {self.side_label(side)}"
                cells.append(f"<td>{self._count(here, len(records), description, **{field_id: row.key, verdict_id: term})}</td>")
            cells.append(f"<td>{self.balance_bar(len(row.pro), len(row.anti), len(row.both))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        verdict = self.config.verdict
        caption = f"{verdict.balance if verdict else 'Balance'}: papers per {in_sentence(field.label)} classed {pro} or {anti}"
        if limit and len(rows) > limit:
            caption += f" ({limit} {in_sentence(field.plural)} with the most papers of {len(rows)})"
        return self._wrap(f"la-balance-{field.filter or field.id}", h(caption), head, body)

    def balance_bar(self, pro: int, anti: int, both: int) -> str:
        total = pro + anti + both
        if not total:
            return ""
        segments = "".join(
            f'<span class="la-balance__{css}" style="width:{100 * n / total:.1f}%"></span>'
            for css, n in (("pro", pro), ("both", both), ("anti", anti))
            if n
        )
        verdict = self.config.verdict
        if pro > anti:
            text = f"leans {verdict.pro if verdict else 'for'} ({pro} of {total})"
        elif anti > pro:
            text = f"leans {verdict.anti if verdict else 'against'} ({anti} of {total})"
        elif pro:
            text = f"evenly split ({pro} each way)"
        else:
            text = "two-way papers only"
        return f'<span class="la-balance" aria-hidden="true">{segments}</span> <span class="la-balance__text">{h(text)}</span>'

    # ----- charts

    def chart(self, index: int, spec: Chart) -> tuple[str, Markup] | None:
        records = self.records
        if not records:
            return None
        chart_id = "la-chart-" + (self._field(spec.field).slug if spec.field else spec.kind)
        if any(other.field == spec.field for other in self.config.charts[:index]):
            chart_id += f"-{spec.kind}"  # one field drawn twice
        if spec.kind == "years":
            return self._years_chart(chart_id, spec)
        field = self._field(spec.field)
        if spec.kind == "bars":
            items = [(key, group.label, len(group.records)) for key, group in self.groups[field.id].items()]
            if not items:
                return None
            title = spec.title or f"Papers per {in_sentence(field.label)}"
            desc = "Horizontal bars, most papers first: " + "; ".join(f"{label}: {n}" for _, label, n in items) + "."
            return title, charts.horizontal_bars(chart_id, title, desc, items)
        groups = self.groups[field.id]
        if field.has_terms:
            series = [(t.id, t.label) for t in field.terms if t.id in groups]
        else:
            series = [(key, group.label) for key, group in groups.items()][:20]
        if not series:
            return None
        with_values = [rec for rec in records if rec.values(field.id)]
        columns = charts.year_columns([rec.year for rec in with_values])
        counts: Counter[tuple[str, str]] = Counter()
        first: dict[str, int] = {}
        year_label = charts.label_by_year(columns)
        for record in with_values:
            for key in {field.key(v) for v in record.values(field.id)}:
                counts[(key, year_label[record.year])] += 1
                first[key] = min(first.get(key, record.year), record.year)
        totals = {key: len(groups[key].records) for key, _ in series}
        title = spec.title or f"{field.plural} over time"
        desc = (
            f"Dots per {in_sentence(field.label)} and year from {columns[0].label} to {columns[-1].label}, "
            "larger for more papers. "
            + "; ".join(f"{label}: {totals[key]} papers, first in {first[key]}" for key, label in series)
            + "."
        )
        return title, charts.dot_matrix(chart_id, title, desc, series, columns, counts)

    def _years_chart(self, chart_id: str, spec: Chart) -> tuple[str, Markup]:
        records = self.records
        columns = charts.year_columns([rec.year for rec in records])
        verdict_id = self.verdict.id if self.verdict else ""
        terms = self.verdict_terms or [Term("all", "Papers")]
        series = [charts.Series(t.id, t.label, _fill(t, i)) for i, t in enumerate(terms)]
        counts: Counter[tuple[str, str]] = Counter()
        year_label = charts.label_by_year(columns)
        for record in records:
            counts[(year_label[record.year], record.get(verdict_id, "all") if verdict_id else "all")] += 1
        totals = Counter(record.get(verdict_id, "all") if verdict_id else "all" for record in records)
        busiest = max(columns, key=lambda c: sum(counts[(c.label, s.id)] for s in series))
        busiest_n = sum(counts[(busiest.label, s.id)] for s in series)
        desc = (
            f"Stacked bars of papers per year from {columns[0].label} to {columns[-1].label}, one colour per "
            f"{in_sentence(self.verdict.label) if self.verdict else 'series'}. "
            + "; ".join(f"{t.label}: {totals[t.id]}" for t in terms if totals[t.id])
            + f". Most papers in {busiest.label} ({busiest_n})."
        )
        title = spec.title or "Papers per year"
        return title, charts.stacked_columns(chart_id, title, desc, columns, series, counts)

    # ----- conflicts view

    @cached_property
    def context_fields(self) -> list[Field]:
        return [self._field(i) for i in self.config.context]

    def context_values(self, record: Record) -> dict[str, list[str]]:
        """Context field -> labels (or text) of one record; computed once per record and build."""
        found = self._contexts.get(record.id)
        if found is None:
            found = {f.id: [f.label_of(v) for v in record.values(f.id)] for f in self.context_fields}
            self._contexts[record.id] = found
        return found

    def context(self, record: Record) -> str:
        items = []
        values = self.context_values(record)
        for field in self.context_fields:
            value = ", ".join(values[field.id])
            shown = h(value) if value else '<span class="la-missing">not recorded</span>'
            items.append(f"<div><dt>{h(field.label)}</dt><dd>{shown}</dd></div>")
        return '<dl class="la-context">' + "".join(items) + "</dl>"

    def paper_item(self, here: str, record: Record) -> str:
        cite = f"{record.first_author_surname} {record.year}".strip()
        return (
            f"<li>{self._link(here, routes.paper(record.id), record.title)} "
            f'<span class="la-cite">{h(cite)}</span>{self.context(record)}</li>'
        )

    def side_list(self, here: str, conflict: Conflict, side: str, records: list[Record], limit: int) -> str:
        terms = self.sides[side]
        heading_id = f"{conflict.anchor}-{side}"
        items = "".join(self.paper_item(here, rec) for rec in records[:limit])
        more = ""
        if len(records) > limit:
            term = terms[0].id if len(terms) == 1 else ""
            filters = {conflict.field.id: conflict.key, (self.verdict.id if self.verdict else ""): term}
            target = self.ctx.filters.href(here, **filters)
            more = f'<p class="la-more"><a href="{h(target)}">All {len(records)} papers</a> (newest {limit} shown)</p>'
        noun = "paper" if len(records) == 1 else "papers"
        return (
            f'<section class="la-side la-side--{side}" aria-labelledby="{heading_id}">'
            f'<h4 id="{heading_id}">{h(self.side_label(side))}: {len(records)} {noun}</h4>'
            f'<ul class="la-papers">{items}</ul>{more}</section>'
        )

    def side_by_side(self, here: str, conflict: Conflict, limit: int) -> Markup:
        parts = ['<div class="la-sides">']
        parts.append(self.side_list(here, conflict, "pro", conflict.pro, limit))
        parts.append(self.side_list(here, conflict, "anti", conflict.anti, limit))
        parts.append("</div>")
        if conflict.both:
            both = self.side_list(here, conflict, "both", conflict.both, limit)
            parts.append(f'<div class="la-sides la-sides--both">{both}</div>')
        return Markup("\n".join(parts))  # noqa: S704 - built from escaped values

    def context_table(self, conflict: Conflict) -> Markup:
        """How the two sides differ: counts of each context value among all their papers."""
        head = [
            f'<tr><th scope="col">Context</th><th scope="col">{h(self.side_label("pro"))} ({len(conflict.pro)})</th>'
            f'<th scope="col">{h(self.side_label("anti"))} ({len(conflict.anti)})</th></tr>'
        ]
        # One pass over each side's papers counts every context field at once.
        tallies = []
        for records in (conflict.pro, conflict.anti):
            counters: dict[str, Counter[str]] = {f.id: Counter() for f in self.context_fields}
            missing: Counter[str] = Counter()
            for record in records:
                for field_id, values in self.context_values(record).items():
                    if values:
                        counters[field_id].update(values)
                    else:
                        missing[field_id] += 1
            tallies.append((counters, missing))
        body = []
        for field in self.context_fields:
            cells = [f'<th scope="row">{h(field.label)}</th>']
            for counters, missing_of in tallies:
                counter = counters[field.id]
                missing = missing_of[field.id]
                text = " · ".join(f"{h(value)} {n}" for value, n in counter.most_common(6))
                if len(counter) > 6:
                    text += f" · {len(counter) - 6} more"
                if missing:
                    text += (" · " if text else "") + f'<span class="la-missing">not recorded {missing}</span>'
                cells.append(f"<td>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        caption = f"Experimental context of the two sides for {conflict.label} (number of papers with each value)"
        return self._wrap(f"{conflict.anchor}-context", h(caption), head, body, cls="la-matrix la-matrix--text")

    # ----- pages

    def map_page(self) -> str:
        here = routes.EVIDENCE_MAP
        verdict = self.config.verdict
        totals = Counter(record.get(self.verdict.id, "") for record in self.records) if self.verdict else Counter()
        matrices = [(self.matrix_title(m), self.matrix_table(here, m)) for m in self.config.matrices]
        balances = []
        if self.has_sides:
            for field_id in self.config.balances:
                field = self._field(field_id)
                balances.append((f"{verdict.balance}, by {in_sentence(field.label)}", field, self.balance_table(here, field_id)))
        conflicts = [(self._field(f), len(self.conflicts(f))) for f in self.config.conflicts_by] if self.has_sides else []
        charts_made = [made for i, spec in enumerate(self.config.charts) if (made := self.chart(i, spec))]
        named = [self._field(m.rows) for m in self.config.matrices] + [self._field(m.columns) for m in self.config.matrices]
        browsable = list(dict.fromkeys(in_sentence(f.label) for f in named if f.browse))
        return self.ctx.render(
            "evidence.md.j2",
            here,
            question=verdict.question if verdict else "",
            total=len(self.records),
            verdict_terms=self.verdict_terms,
            totals=totals,
            matrices=matrices,
            balances=balances,
            sides=(self.side_label("pro"), self.side_label("anti")),
            conflicts=conflicts,
            charts=charts_made,
            browsable=", ".join(browsable),
            retracted=len(self.ctx.records) - len(self.records),
        )

    def conflicts_page(self) -> str:
        here = routes.CONFLICTS
        sections = []
        if self.has_sides:
            for field_id in self.config.conflicts_by:
                field = self._field(field_id)
                free = field.kind == "list"
                limit = CONFLICT_LIST_LIMIT if free else None
                per_side = CONFLICT_LIST_PAPERS_PER_SIDE if free else CONFLICT_PAPERS_PER_SIDE
                found = self.conflicts(field_id)
                shown = found[:limit] if limit else found
                items = [
                    {
                        "conflict": conflict,
                        "anchor": conflict.anchor,
                        "browse": self.ctx.browse_path(field_id, conflict.key) if field.browse else "",
                        "context": self.context_table(conflict),
                        "sides": self.side_by_side(here, conflict, per_side),
                    }
                    for conflict in shown
                ]
                sections.append({"field": field, "items": items, "found": len(found), "per_side": per_side})
        context = [f.label for f in self.context_fields]
        return self.ctx.render(
            "conflicts.md.j2",
            here,
            has_sides=self.has_sides,
            sections=sections,
            pro_label=self.side_label("pro"),
            anti_label=self.side_label("anti"),
            by=" or ".join(in_sentence(self._field(f).label) for f in self.config.conflicts_by),
            context=", ".join(context[:-1]) + (" and " if len(context) > 1 else "") + (context[-1] if context else ""),
        )


def slug_id(matrix: Matrix) -> str:
    return f"{matrix.rows}-{matrix.columns}".replace("_", "-")


def _fill(term: Term, index: int) -> str:
    """The fill class of a verdict term's series: its polarity, or one of eight colours for a term without one."""
    return term.polarity or f"s{index % 8 + 1}"


def conflict_counts(evidence: Evidence) -> dict[str, Any]:
    """For tests and stats: how many values of each conflicts field have papers on both sides."""
    return {f: len(evidence.conflicts(f)) for f in evidence.config.conflicts_by}
