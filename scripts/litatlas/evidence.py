"""The evidence map and the conflicting-evidence view: counts and context straight from the records.

Pages: evidence/index.md (matrices, friends-or-enemies balances, charts) and evidence/conflicts.md.
Tables are raw, accessible HTML (caption, th scope) built here with every value escaped; the numbers
link to the filtered "All papers" view (filtering.py owns that URL scheme) and the row and column
names link to plain browse pages, which work without JavaScript.

Which effects are "promoting" and "inhibiting" comes from the vocabulary's `polarity` of each effect
(friend-of-tumour, enemy-of-tumour, both), so another atlas can name its effects as it likes; without
polarities the balance and conflict sections are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import Any

from markupsafe import Markup

from litatlas import charts
from litatlas.filtering import directory_urls, filter_href, href
from litatlas.records import Record
from litatlas.render import Renderer
from litatlas.vocabulary import Term

MAP_PATH = "evidence/index.md"
CONFLICTS_PATH = "evidence/conflicts.md"
NO_CANCER = ""  # row key of papers that name no cancer type

# Bounds that keep both pages a fixed size whatever the number of records (issue 7).
# The conflicts page shows at most 27 x 2 x 5 + 12 x 2 x 3 = 342 papers (the vocabulary has 27 cancer types); the
# context table of each conflict still counts every paper of both sides, and "All N papers" opens the rest.
MOLECULE_BALANCE_LIMIT = 40
CONFLICT_MOLECULE_LIMIT = 12
CONFLICT_PAPERS_PER_SIDE = 5  # per cancer type
CONFLICT_MOLECULE_PAPERS_PER_SIDE = 3

PRO, ANTI, BOTH = "friend-of-tumour", "enemy-of-tumour", "both"
CONTEXT_FIELDS = (
    ("msc_source", "MSC source"),
    ("species", "Species"),
    ("models", "Model"),
    ("route", "Route"),
    ("ratio", "MSC:tumour ratio or dose"),
    ("timing", "Timing"),
)


def build(renderer: Renderer) -> dict[str, str]:
    evidence = Evidence(renderer)
    return {MAP_PATH: evidence.map_page(), CONFLICTS_PATH: evidence.conflicts_page()}


@dataclass
class Conflict:
    key: str
    label: str
    kind: str  # "cancer_types" or "molecules"
    pro: list[Record]
    anti: list[Record]
    both: list[Record]


def h(value: object) -> str:
    return escape(str(value), quote=True)


class Evidence:
    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.vocabulary = renderer.vocabulary
        self.effects = list(self.vocabulary.terms("effect").values())
        self.pro = [t for t in self.effects if t.get("polarity") == PRO]
        self.anti = [t for t in self.effects if t.get("polarity") == ANTI]
        self.both = [t for t in self.effects if t.get("polarity") == BOTH]
        self.dir_urls = directory_urls(renderer)
        self._balances: dict[str, list[Conflict]] = {}
        self._contexts: dict[str, dict[str, list[str]]] = {}

    # ----- counts (also used by the tests)

    @cached_property
    def _cancer_rows(self) -> list[tuple[str, str]]:
        rows = [(key, group.label) for key, group in self.r.groups.get("cancer_types", {}).items()]
        if any(not record.list("cancer_types") for record in self.r.records):
            rows.append((NO_CANCER, "No cancer type recorded"))
        return rows

    def cancer_rows(self) -> list[tuple[str, str]]:
        """(key, label) of each cancer type in use, most papers first as in `litatlas stats`; then papers without one."""
        return list(self._cancer_rows)

    @cached_property
    def _tallies(self) -> dict[str, Any]:
        """Every count the map needs, in one pass over the records."""
        matrix: dict[str, Counter[str]] = {key: Counter() for key, _ in self._cancer_rows}
        effects: Counter[str] = Counter()
        payload_matrix: dict[str, Counter[str]] = {}
        payloads_total: Counter[str] = Counter()
        for record in self.r.records:
            data = record.data
            effect = data.get("effect", "")
            effects[effect] += 1
            cancers = set(data.get("cancer_types") or ()) or {NO_CANCER}
            for key in cancers:
                matrix[key][effect] += 1
            payloads = set(data.get("payload") or ())
            if payloads:
                payloads_total.update(payloads)
                for key in cancers:
                    payload_matrix.setdefault(key, Counter()).update(payloads)
        order = [key for key, _ in self._cancer_rows]
        return {
            "effect_matrix": matrix,
            "effects": effects,
            "payload_matrix": {key: payload_matrix[key] for key in order if key in payload_matrix},
            "payloads": payloads_total,
        }

    def effect_matrix(self) -> dict[str, Counter[str]]:
        """cancer key -> effect id -> number of papers (a paper counts once in each of its cancer types)."""
        return self._tallies["effect_matrix"]

    def effect_totals(self) -> Counter[str]:
        return self._tallies["effects"]

    def payload_columns(self) -> list[tuple[str, str]]:
        used = self._tallies["payloads"]
        return [(term.id, term.label) for term in self.vocabulary.terms("payload").values() if term.id in used]

    def payload_matrix(self) -> dict[str, Counter[str]]:
        """cancer key -> payload id -> number of papers; only cancer types with a payload paper."""
        return self._tallies["payload_matrix"]

    def payload_totals(self) -> Counter[str]:
        return self._tallies["payloads"]

    @cached_property
    def _side_of_effect(self) -> dict[str, str]:
        sides = {t.id: "pro" for t in self.pro}
        sides.update({t.id: "anti" for t in self.anti})
        sides.update({t.id: "both" for t in self.both})
        return sides

    def _split(self, records: list[Record]) -> tuple[list[Record], list[Record], list[Record]]:
        split: dict[str, list[Record]] = {"pro": [], "anti": [], "both": []}
        side_of = self._side_of_effect
        for record in records:
            side = side_of.get(record.data.get("effect", ""))
            if side:
                split[side].append(record)
        return split["pro"], split["anti"], split["both"]

    def balances(self, kind: str) -> list[Conflict]:
        """Promoting, inhibiting and two-way papers per cancer type or molecule that has any of them."""
        if kind not in self._balances:
            self._balances[kind] = self._compute_balances(kind)
        return list(self._balances[kind])

    def _compute_balances(self, kind: str) -> list[Conflict]:
        rows = []
        for key, group in self.r.groups.get(kind, {}).items():
            pro, anti, both = self._split(group.records)
            if pro or anti or both:
                rows.append(Conflict(key, group.label, kind, pro, anti, both))
        if kind == "molecules":
            rows.sort(key=lambda c: (-(len(c.pro) + len(c.anti) + len(c.both)), c.label.casefold()))
        return rows

    def conflicts(self, kind: str) -> list[Conflict]:
        """Cancer types or molecules with at least one promoting and at least one inhibiting paper."""
        found = [c for c in self.balances(kind) if c.pro and c.anti]
        if kind == "molecules":
            found.sort(key=lambda c: (-(len(c.pro) + len(c.anti)), c.label.casefold()))
        return found

    # ----- HTML pieces

    def _link(self, here: str, target: str, label: str) -> str:
        return f'<a href="{h(href(here, target, self.dir_urls))}">{h(label)}</a>'

    def _count_link(self, here: str, count: int, description: str, **filters: str) -> str:
        if not count:
            return '<span class="la-zero">0</span>'
        target = filter_href(self.r, here, **filters)
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

    def _row_header(self, here: str, key: str, label: str, field_name: str) -> str:
        if key == NO_CANCER and field_name == "cancer_types":
            return f'<th scope="row">{h(label)}</th>'
        return f'<th scope="row">{self._link(here, self.r.facet_path(field_name, key), label)}</th>'

    def effect_table(self, here: str) -> Markup:
        matrix = self.effect_matrix()
        head = ['<tr><th scope="col">Cancer type</th>']
        for term in self.effects:
            cls = f' class="la-col-{h(term.get("polarity", "other"))}"'
            in_use = term.id in self.r.groups.get("effect", {})  # effects without papers have no browse page
            name = self._link(here, self.r.facet_path("effect", term.id), term.label) if in_use else h(term.label)
            head.append(f'<th scope="col"{cls}>{name}</th>')
        head.append('<th scope="col">All papers</th></tr>')
        body = []
        for key, label in self.cancer_rows():
            cells = [self._row_header(here, key, label, "cancer_types")]
            for term in self.effects:
                count = matrix[key][term.id]
                if key == NO_CANCER:
                    cells.append(f"<td>{count}</td>" if count else '<td><span class="la-zero">0</span></td>')
                else:
                    link = self._count_link(here, count, f"{label}, {term.label}", cancer=key, effect=term.id)
                    cells.append(f"<td>{link}</td>")
            total = sum(matrix[key].values())
            if key == NO_CANCER:
                cells.append(f'<td class="la-total">{total}</td>')
            else:
                cells.append(f'<td class="la-total">{self._count_link(here, total, f"{label}, any effect", cancer=key)}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        totals = self.effect_totals()
        foot = ['<tr><th scope="row">All papers</th>']
        for term in self.effects:
            foot.append(f"<td>{self._count_link(here, totals[term.id], f'all cancer types, {term.label}', effect=term.id)}</td>")
        foot.append(f'<td class="la-total">{self._count_link(here, len(self.r.records), "the whole atlas")}</td></tr>')
        caption = (
            "Papers per cancer type and effect on the tumour. A paper with several cancer types counts in each of "
            "their rows; the last row counts every paper once."
        )
        return self._wrap("la-effect-matrix", h(caption), ["".join(head)], body, ["".join(foot)])

    def payload_table(self, here: str) -> Markup:
        columns = self.payload_columns()
        matrix = self.payload_matrix()
        if not columns:
            return Markup("<p>No paper in the atlas names a delivery payload yet.</p>")
        labels = dict(self.cancer_rows())
        head = ['<tr><th scope="col">Cancer type</th>']
        for pid, plabel in columns:
            head.append(f'<th scope="col">{self._link(here, self.r.facet_path("payload", pid), plabel)}</th>')
        head.append("</tr>")
        body = []
        for key, counts in matrix.items():
            label = labels[key]
            cells = [self._row_header(here, key, label, "cancer_types")]
            for pid, plabel in columns:
                count = counts[pid]
                if key == NO_CANCER:
                    cells.append(f"<td>{count}</td>" if count else '<td><span class="la-zero">0</span></td>')
                else:
                    cells.append(f"<td>{self._count_link(here, count, f'{label}, {plabel}', cancer=key, payload=pid)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        totals = self.payload_totals()
        foot = ['<tr><th scope="row">All papers</th>']
        for pid, plabel in columns:
            foot.append(f"<td>{self._count_link(here, totals[pid], f'all cancer types, {plabel}', payload=pid)}</td>")
        foot.append("</tr>")
        caption = "Papers per cancer type and payload carried by engineered or loaded MSCs. A paper counts in each of its cells."
        return self._wrap("la-payload-matrix", h(caption), ["".join(head)], body, ["".join(foot)])

    def balance_table(self, here: str, kind: str, limit: int | None = None) -> Markup:
        rows = self.balances(kind)
        shown = rows[:limit] if limit else rows
        name = "Cancer type" if kind == "cancer_types" else "Molecule"
        pro_label, anti_label = " / ".join(t.label for t in self.pro), " / ".join(t.label for t in self.anti)
        both_label = " / ".join(t.label for t in self.both)
        head = [
            f'<tr><th scope="col">{name}</th><th scope="col" class="la-col-{PRO}">{h(pro_label)}</th>'
            f'<th scope="col" class="la-col-{ANTI}">{h(anti_label)}</th>'
            + (f'<th scope="col" class="la-col-{BOTH}">{h(both_label)}</th>' if self.both else "")
            + '<th scope="col">Balance</th></tr>'
        ]
        param = "cancer" if kind == "cancer_types" else "molecule"
        body = []
        for row in shown:
            cells = [self._row_header(here, row.key, row.label, kind)]
            for side, effects in ((row.pro, self.pro), (row.anti, self.anti), (row.both, self.both)):
                if effects is self.both and not self.both:
                    continue
                effect = effects[0].id if len(effects) == 1 else ""
                desc = f"{row.label}, {' / '.join(t.label for t in effects)}"
                cells.append(f"<td>{self._count_link(here, len(side), desc, **{param: row.key, 'effect': effect})}</td>")
            cells.append(f"<td>{self.balance_bar(len(row.pro), len(row.anti), len(row.both))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        what = "cancer type" if kind == "cancer_types" else "molecule"
        caption = f"Friends or enemies: papers per {what} whose MSCs promoted or inhibited the tumour"
        if limit and len(rows) > limit:
            caption += f" ({limit} molecules with the most papers of {len(rows)})"
        return self._wrap(f"la-balance-{param}", h(caption), head, body)

    def balance_bar(self, pro: int, anti: int, both: int) -> str:
        total = pro + anti + both
        if not total:
            return ""
        segments = "".join(
            f'<span class="la-balance__{css}" style="width:{100 * n / total:.1f}%"></span>'
            for css, n in (("pro", pro), ("both", both), ("anti", anti))
            if n
        )
        if pro > anti:
            text = f"leans promoting ({pro} of {total})"
        elif anti > pro:
            text = f"leans inhibiting ({anti} of {total})"
        elif pro:
            text = f"evenly split ({pro} each way)"
        else:
            text = "two-way papers only"
        return f'<span class="la-balance" aria-hidden="true">{segments}</span> <span class="la-balance__text">{h(text)}</span>'

    # ----- charts

    def charts(self) -> list[tuple[str, Markup]]:
        out = []
        records = self.r.records
        if not records:
            return out
        columns = charts.year_columns([rec.year for rec in records])
        series = [charts.Series(t.id, t.label, _fill(t, i)) for i, t in enumerate(self.effects)]
        counts: Counter[tuple[str, str]] = Counter()
        year_label = charts.label_by_year(columns)
        for record in records:
            counts[(year_label[record.year], record.get("effect", ""))] += 1
        totals = self.effect_totals()
        busiest = max(columns, key=lambda c: sum(counts[(c.label, s.id)] for s in series))
        busiest_n = sum(counts[(busiest.label, s.id)] for s in series)
        desc = (
            f"Stacked bars of papers per year from {columns[0].label} to {columns[-1].label}, one colour per effect. "
            + "; ".join(f"{t.label}: {totals[t.id]}" for t in self.effects if totals[t.id])
            + f". Most papers in {busiest.label} ({busiest_n})."
        )
        title = "Papers per year by effect"
        out.append((title, charts.stacked_columns("la-chart-years", title, desc, columns, series, counts)))

        items = [(key, group.label, len(group.records)) for key, group in self.r.groups.get("cancer_types", {}).items()]
        if items:
            desc = "Horizontal bars, most papers first: " + "; ".join(f"{label}: {n}" for _, label, n in items) + "."
            title = "Papers per cancer type"
            out.append((title, charts.horizontal_bars("la-chart-cancers", title, desc, items)))

        payloads = self.payload_columns()
        payload_records = [rec for rec in records if rec.list("payload")]
        if payloads:
            pcolumns = charts.year_columns([rec.year for rec in payload_records])
            pcounts: Counter[tuple[str, str]] = Counter()
            first: dict[str, int] = {}
            year_label = charts.label_by_year(pcolumns)
            for record in payload_records:
                for pid in set(record.list("payload")):
                    pcounts[(pid, year_label[record.year])] += 1
                    first[pid] = min(first.get(pid, record.year), record.year)
            ptotals = self.payload_totals()
            desc = (
                f"Dots per payload and year from {pcolumns[0].label} to {pcolumns[-1].label}, larger for more papers. "
                + "; ".join(f"{label}: {ptotals[pid]} papers, first in {first[pid]}" for pid, label in payloads)
                + "."
            )
            title = "Delivery payloads over time"
            out.append((title, charts.dot_matrix("la-chart-payloads", title, desc, payloads, pcolumns, pcounts)))
        return out

    # ----- conflicts view

    @cached_property
    def _context_labels(self) -> dict[str, dict[str, str]]:
        return {
            name: {term.id: term.label for term in self.vocabulary.terms(name).values()}
            for name, _ in CONTEXT_FIELDS
            if name != "ratio"
        }

    def context_values(self, record: Record) -> dict[str, list[str]]:
        """Context field -> labels (or the ratio text) of one record; computed once per record and build."""
        found = self._contexts.get(record.id)
        if found is None:
            data = record.data
            found = {}
            for field_name, labels in self._context_labels.items():
                found[field_name] = [labels.get(v, v) for v in data.get(field_name) or ()]
            found["ratio"] = [str(data["ratio"])] if data.get("ratio") else []
            self._contexts[record.id] = found
        return found

    def context(self, record: Record) -> str:
        items = []
        values = self.context_values(record)
        for field_name, label in CONTEXT_FIELDS:
            value = ", ".join(values[field_name])
            shown = h(value) if value else '<span class="la-missing">not recorded</span>'
            items.append(f"<div><dt>{h(label)}</dt><dd>{shown}</dd></div>")
        return '<dl class="la-context">' + "".join(items) + "</dl>"

    def paper_item(self, here: str, record: Record) -> str:
        cite = f"{record.first_author_surname} {record.year}".strip()
        return (
            f"<li>{self._link(here, self.r.paper_path(record), record.title)} "
            f'<span class="la-cite">{h(cite)}</span>{self.context(record)}</li>'
        )

    def side_list(self, here: str, conflict: Conflict, side: str, records: list[Record], limit: int, anchor: str) -> str:
        effects = {"pro": self.pro, "anti": self.anti, "both": self.both}[side]
        label = " / ".join(t.label for t in effects)
        param = "cancer" if conflict.kind == "cancer_types" else "molecule"
        heading_id = f"{anchor}-{side}"
        items = "".join(self.paper_item(here, rec) for rec in records[:limit])
        more = ""
        if len(records) > limit:
            effect = effects[0].id if len(effects) == 1 else ""
            target = filter_href(self.r, here, **{param: conflict.key, "effect": effect})
            more = f'<p class="la-more"><a href="{h(target)}">All {len(records)} papers</a> (newest {limit} shown)</p>'
        noun = "paper" if len(records) == 1 else "papers"
        return (
            f'<section class="la-side la-side--{side}" aria-labelledby="{heading_id}">'
            f'<h4 id="{heading_id}">{h(label)}: {len(records)} {noun}</h4>'
            f'<ul class="la-papers">{items}</ul>{more}</section>'
        )

    def sides(self, here: str, conflict: Conflict, limit: int, anchor: str) -> Markup:
        parts = ['<div class="la-sides">']
        parts.append(self.side_list(here, conflict, "pro", conflict.pro, limit, anchor))
        parts.append(self.side_list(here, conflict, "anti", conflict.anti, limit, anchor))
        parts.append("</div>")
        if conflict.both:
            both = self.side_list(here, conflict, "both", conflict.both, limit, anchor)
            parts.append(f'<div class="la-sides la-sides--both">{both}</div>')
        return Markup("\n".join(parts))  # noqa: S704 - built from escaped values

    def context_table(self, conflict: Conflict, anchor: str) -> Markup:
        """How the two sides differ: counts of each context value among all their papers."""
        pro_label, anti_label = " / ".join(t.label for t in self.pro), " / ".join(t.label for t in self.anti)
        head = [
            f'<tr><th scope="col">Context</th><th scope="col">{h(pro_label)} ({len(conflict.pro)})</th>'
            f'<th scope="col">{h(anti_label)} ({len(conflict.anti)})</th></tr>'
        ]
        # One pass over each side's papers counts every context field at once.
        tallies = []
        for records in (conflict.pro, conflict.anti):
            counters: dict[str, Counter[str]] = {name: Counter() for name, _ in CONTEXT_FIELDS}
            missing: Counter[str] = Counter()
            for record in records:
                for field_name, values in self.context_values(record).items():
                    if values:
                        counter = counters[field_name]
                        for value in values:
                            counter[value] += 1
                    else:
                        missing[field_name] += 1
            tallies.append((counters, missing))
        body = []
        for field_name, label in CONTEXT_FIELDS:
            cells = [f'<th scope="row">{h(label)}</th>']
            for counters, missing_of in tallies:
                counter = counters[field_name]
                missing = missing_of[field_name]
                text = " · ".join(f"{h(value)} {n}" for value, n in counter.most_common(6))
                if len(counter) > 6:
                    text += f" · {len(counter) - 6} more"
                if missing:
                    text += (" · " if text else "") + f'<span class="la-missing">not recorded {missing}</span>'
                cells.append(f"<td>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        caption = f"Experimental context of the two sides for {conflict.label} (number of papers with each value)"
        return self._wrap(f"{anchor}-context", h(caption), head, body, cls="la-matrix la-matrix--text")

    # ----- pages

    def map_page(self) -> str:
        here = MAP_PATH
        has_sides = bool(self.pro and self.anti)
        conflicts = (self.conflicts("cancer_types"), self.conflicts("molecules")) if has_sides else ([], [])
        return self.r._render(
            "evidence.md.j2",
            here,
            total=len(self.r.records),
            effects=self.effects,
            totals=self.effect_totals(),
            effect_table=self.effect_table(here),
            payload_table=self.payload_table(here),
            cancer_balance=self.balance_table(here, "cancer_types") if has_sides else None,
            molecule_balance=self.balance_table(here, "molecules", MOLECULE_BALANCE_LIMIT) if has_sides else None,
            charts=self.charts(),
            conflicts=conflicts,
            all_papers=filter_href(self.r, here),
        )

    def conflicts_page(self) -> str:
        here = CONFLICTS_PATH
        has_sides = bool(self.pro and self.anti)
        sections = []
        if has_sides:
            for kind, limit, per_side in (
                ("cancer_types", None, CONFLICT_PAPERS_PER_SIDE),
                ("molecules", CONFLICT_MOLECULE_LIMIT, CONFLICT_MOLECULE_PAPERS_PER_SIDE),
            ):
                found = self.conflicts(kind)
                shown = found[:limit] if limit else found
                items = []
                for conflict in shown:
                    prefix = "cancer" if kind == "cancer_types" else "molecule"
                    anchor = f"{prefix}-{conflict.key}"
                    items.append(
                        {
                            "conflict": conflict,
                            "anchor": anchor,
                            "browse": self.r.facet_path(kind, conflict.key),
                            "context": self.context_table(conflict, anchor),
                            "sides": self.sides(here, conflict, per_side, anchor),
                        }
                    )
                sections.append({"kind": kind, "items": items, "found": len(found), "per_side": per_side})
        return self.r._render(
            "conflicts.md.j2",
            here,
            has_sides=has_sides,
            sections=sections,
            pro_label=" / ".join(t.label for t in self.pro),
            anti_label=" / ".join(t.label for t in self.anti),
        )


def _fill(term: Term, index: int) -> str:
    polarity = term.get("polarity")
    return {PRO: "pro", ANTI: "anti", BOTH: "both", "neither": "neutral", "none": "none"}.get(polarity, f"s{index % 8 + 1}")
