"""Charts as inline SVG, built at page-build time: no JavaScript and no chart library in the browser.

Every chart is an accessible image (role="img", a <title> and a <desc> named by aria-labelledby); text is
drawn in currentColor and fills come from CSS classes whose colours are custom properties set for
Material's light and dark palettes (assets/atlas-features.css). Labels come from the vocabulary but are
still escaped for XML here. Each bar or dot carries data-* attributes with the number it shows.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 720
FONT = 12
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character, to size label columns


@dataclass(frozen=True)
class Series:
    id: str
    label: str
    css: str  # fill class suffix: pro, anti, both, neutral, none, main, s1..s8


@dataclass(frozen=True)
class Column:
    """One x position: a single year, or a span of years when the range is too long to show year by year."""

    label: str
    first: int
    last: int


def x(value: object) -> str:
    """XML-escape text or an attribute value."""
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def year_columns(years: list[int], limit: int = 40) -> list[Column]:
    """Every year from the first to the last (gaps included); grouped in spans of 2, 5 or 10 past `limit`."""
    if not years:
        return []
    first, last = min(years), max(years)
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50):
        step = candidate
        if math.ceil((last - first + 1) / candidate) <= limit:
            break
    if step == 1:
        return [Column(str(y), y, y) for y in range(first, last + 1)]
    start = first - first % step
    return [Column(f"{y}–{str(y + step - 1)[-2:]}", y, y + step - 1) for y in range(start, last + 1, step)]


def label_by_year(columns: list[Column]) -> dict[int, str]:
    """Year -> label of the column that holds it, for counting many records at once."""
    return {year: column.label for column in columns for year in range(column.first, column.last + 1)}


def column_of(columns: list[Column], year: int) -> Column:
    for column in columns:
        if column.first <= year <= column.last:
            return column
    raise ValueError(f"year {year} outside the chart")


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """0 and round steps (1, 2, 5 x 10^k) up to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<figure class="la-chart" id="{x(chart_id)}">',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="la-chart__svg" role="img" '
        f'aria-labelledby="{x(chart_id)}-title {x(chart_id)}-desc" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'font-size="{FONT}" fill="currentColor">',
        f'<title id="{x(chart_id)}-title">{x(title)}</title>',
        f'<desc id="{x(chart_id)}-desc">{x(desc)}</desc>',
    ]


def _close(parts: list[str]) -> Markup:
    parts.extend(["</svg>", "</figure>"])
    # Every interpolated value above went through x(): the result is safe to print as raw HTML.
    return Markup("\n".join(parts))  # noqa: S704


def _legend(series: list[Series], top: float, left: float) -> tuple[list[str], float]:
    """Swatches and labels in rows across the chart; returns the parts and the height used."""
    parts = ['<g class="la-chart__legend">']
    cx, cy = left, top
    for item in series:
        width = 18 + len(item.label) * CHAR_WIDTH + 16
        if cx + width > WIDTH and cx > left:
            cx, cy = left, cy + 18
        parts.append(f'<rect class="la-fill-{x(item.css)}" x="{_num(cx)}" y="{_num(cy)}" width="12" height="12" rx="2"/>')
        parts.append(f'<text x="{_num(cx + 17)}" y="{_num(cy + 10.5)}">{x(item.label)}</text>')
        cx += width
    parts.append("</g>")
    return parts, cy + 18 - top


def _every(room: float, label_width: float) -> int:
    """Label every k-th column so that labels do not overlap."""
    return max(1, math.ceil(label_width / max(room, 1)))


def stacked_columns(
    chart_id: str, title: str, desc: str, columns: list[Column], series: list[Series], counts: dict[tuple[str, str], int]
) -> Markup:
    """Vertical bars, one per column, stacked by series; counts keyed by (column label, series id)."""
    left, right, bottom = 44, 10, 34
    legend, legend_height = _legend(series, 6, left)
    top = 6 + legend_height + 10
    plot_height = 220
    height = top + plot_height + bottom
    totals = {c.label: sum(counts.get((c.label, s.id), 0) for s in series) for c in columns}
    ticks = nice_ticks(max(totals.values(), default=0))
    scale = plot_height / ticks[-1]
    slot = (WIDTH - left - right) / max(len(columns), 1)
    bar = max(2.0, slot * 0.72)
    parts = _open(chart_id, title, desc, height)
    parts.extend(legend)
    parts.append('<g class="la-chart__grid">')
    for tick in ticks:
        y = top + plot_height - tick * scale
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{_num(y)}" y2="{_num(y)}"/>')
        parts.append(f'<text class="la-chart__tick" x="{left - 6}" y="{_num(y + 4)}" text-anchor="end">{tick}</text>')
    parts.append("</g>")
    every = _every(slot, max((len(c.label) for c in columns), default=4) * CHAR_WIDTH + 6)
    for i, column in enumerate(columns):
        x0 = left + i * slot + (slot - bar) / 2
        y = top + plot_height
        parts.append(f'<g class="la-chart__column" data-column="{x(column.label)}" data-total="{totals[column.label]}">')
        for item in series:
            count = counts.get((column.label, item.id), 0)
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(
                f'<rect class="la-bar la-fill-{x(item.css)}" x="{_num(x0)}" y="{_num(y)}" width="{_num(bar)}" height="{_num(h)}" '
                f'data-column="{x(column.label)}" data-series="{x(item.id)}" data-count="{count}">'
                f"<title>{x(column.label)}, {x(item.label)}: {count}</title></rect>"
            )
        parts.append("</g>")
        if i % every == 0:
            parts.append(
                f'<text class="la-chart__tick" x="{_num(left + (i + 0.5) * slot)}" y="{_num(top + plot_height + 16)}" '
                f'text-anchor="middle">{x(column.label)}</text>'
            )
    axis_y = top + plot_height
    parts.append(f'<line class="la-chart__axis" x1="{left}" x2="{WIDTH - right}" y1="{_num(axis_y)}" y2="{_num(axis_y)}"/>')
    return _close(parts)


def horizontal_bars(chart_id: str, title: str, desc: str, items: list[tuple[str, str, int]]) -> Markup:
    """One bar per (id, label, count), largest first as given."""
    row, gap, top, bottom, right = 18, 6, 6, 6, 40
    label_width = min(260.0, max((len(label) for _, label, _ in items), default=8) * CHAR_WIDTH + 10)
    height = top + len(items) * (row + gap) + bottom
    maximum = max((count for _, _, count in items), default=1) or 1
    room = WIDTH - label_width - right
    parts = _open(chart_id, title, desc, height)
    for i, (item_id, label, count) in enumerate(items):
        y = top + i * (row + gap)
        w = max(1.0, room * count / maximum)
        parts.append(
            f'<text x="{_num(label_width - 8)}" y="{_num(y + row / 2 + 4)}" text-anchor="end">{x(label)}</text>'
            f'<rect class="la-bar la-fill-main" x="{_num(label_width)}" y="{_num(y)}" width="{_num(w)}" height="{row}" rx="2" '
            f'data-id="{x(item_id)}" data-count="{count}"><title>{x(label)}: {count}</title></rect>'
            f'<text x="{_num(label_width + w + 6)}" y="{_num(y + row / 2 + 4)}">{count}</text>'
        )
    return _close(parts)


def dot_matrix(
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, str]],
    columns: list[Column],
    counts: dict[tuple[str, str], int],
) -> Markup:
    """Rows (id, label) by columns; a dot whose area follows the count; the row total on the right."""
    row_height, top, right = 26, 8, 44
    label_width = min(240.0, max((len(label) for _, label in rows), default=8) * CHAR_WIDTH + 12)
    plot_height = len(rows) * row_height
    height = top + plot_height + 30
    slot = (WIDTH - label_width - right) / max(len(columns), 1)
    maximum = max(counts.values(), default=1) or 1
    radius = max(2.0, min(slot, row_height) / 2 - 1.5)
    parts = _open(chart_id, title, desc, height)
    parts.append('<g class="la-chart__grid">')
    for i in range(len(rows)):
        y = top + (i + 0.5) * row_height
        parts.append(f'<line x1="{_num(label_width)}" x2="{_num(WIDTH - right)}" y1="{_num(y)}" y2="{_num(y)}"/>')
    parts.append("</g>")
    for i, (row_id, label) in enumerate(rows):
        y = top + (i + 0.5) * row_height
        total = sum(counts.get((row_id, c.label), 0) for c in columns)
        parts.append(f'<text x="{_num(label_width - 8)}" y="{_num(y + 4)}" text-anchor="end">{x(label)}</text>')
        for j, column in enumerate(columns):
            count = counts.get((row_id, column.label), 0)
            if not count:
                continue
            cx = label_width + (j + 0.5) * slot
            r = max(2.0, radius * math.sqrt(count / maximum))
            parts.append(
                f'<circle class="la-dot la-fill-main" cx="{_num(cx)}" cy="{_num(y)}" r="{_num(r)}" '
                f'data-row="{x(row_id)}" data-column="{x(column.label)}" data-count="{count}">'
                f"<title>{x(label)}, {x(column.label)}: {count}</title></circle>"
            )
        parts.append(f'<text x="{_num(WIDTH - right + 8)}" y="{_num(y + 4)}" data-total="{total}">{total}</text>')
    every = _every(slot, max((len(c.label) for c in columns), default=4) * CHAR_WIDTH + 6)
    for j, column in enumerate(columns):
        if j % every == 0:
            parts.append(
                f'<text class="la-chart__tick" x="{_num(label_width + (j + 0.5) * slot)}" y="{_num(top + plot_height + 18)}" '
                f'text-anchor="middle">{x(column.label)}</text>'
            )
    return _close(parts)


@dataclass(frozen=True)
class Box:
    """A box of a flow diagram: a heading line with its number, then detail lines."""

    id: str
    heading: str
    count: int
    details: tuple[str, ...] = ()


def flow_diagram(chart_id: str, title: str, desc: str, rows: list[tuple[Box, Box | None]]) -> Markup:
    """A PRISMA-style flow: one main box per row, each pointing down to the next, and an optional side box that
    the main box points right to (records removed, excluded or set aside). Long lines wrap inside their box."""
    line, pad, gap = 17, 9, 26
    main_x, main_w = 10, 400
    side_x, side_w = 450, WIDTH - 460
    laid = [(_lines(main, main_w, pad), _lines(side, side_w, pad) if side else None) for main, side in rows]
    heights = [2 * pad + line * max(len(m), len(s) if s else 0) for m, s in laid]
    height = sum(heights) + gap * (len(rows) - 1) + 12
    parts = _open(chart_id, title, desc, height)
    parts.append(
        '<defs><marker id="' + x(chart_id) + '-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="la-chart__arrow"/></marker></defs>'
    )
    y = 6.0
    marker = f"url(#{x(chart_id)}-arrow)"
    for index, ((main, side), (main_lines, side_lines), row_height) in enumerate(zip(rows, laid, heights)):
        parts.extend(_box(main, main_lines, main_x, y, main_w, row_height, line, pad))
        if side is not None and side_lines is not None:
            parts.extend(_box(side, side_lines, side_x, y, side_w, row_height, line, pad))
            middle = y + row_height / 2
            parts.append(
                f'<line class="la-chart__flow" x1="{main_x + main_w}" y1="{_num(middle)}" x2="{side_x - 2}" y2="{_num(middle)}" '
                f'marker-end="{marker}"/>'
            )
        if index < len(rows) - 1:
            centre = main_x + main_w / 2
            parts.append(
                f'<line class="la-chart__flow" x1="{_num(centre)}" y1="{_num(y + row_height)}" x2="{_num(centre)}" '
                f'y2="{_num(y + row_height + gap - 2)}" marker-end="{marker}"/>'
            )
        y += row_height + gap
    return _close(parts)


def _lines(box: Box, width: float, pad: float) -> list[tuple[str, bool]]:
    """(text, is the heading) of each line of a box, wrapped to its width."""
    chars = int((width - 2 * pad - 8) / CHAR_WIDTH)
    lines = [(text, True) for text in textwrap.wrap(f"{box.heading}: {box.count}", chars)]
    for detail in box.details:
        lines += [(text, False) for text in textwrap.wrap(detail, chars - 2)]
    return lines


def _box(
    box: Box, lines: list[tuple[str, bool]], left: float, top: float, width: float, height: float, line: float, pad: float
) -> list[str]:
    parts = [
        f'<g class="la-flow__box" data-box="{x(box.id)}" data-count="{box.count}">',
        f'<rect class="la-flow__frame" x="{_num(left)}" y="{_num(top)}" width="{_num(width)}" height="{_num(height)}" rx="4"/>',
    ]
    for i, (text, heading) in enumerate(lines):
        indent = 0 if heading else 8
        weight = ' font-weight="700"' if heading else ""
        parts.append(f'<text x="{_num(left + pad + indent)}" y="{_num(top + pad + 12 + i * line)}"{weight}>{x(text)}</text>')
    parts.append("</g>")
    return parts
