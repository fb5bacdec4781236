"""Faceted filtering in the browser: the JSON index the filter script reads, the script and its styles.

The "All papers" page (browse/all.md) and the topic pages stay plain, paginated tables without
JavaScript. With JavaScript, assets/atlas-filter.js loads assets/atlas-index.json once and adds filters,
sorting and a match count; on "All papers" it shows every matching paper from the index.

The filters, columns and labels all come from the index, which is made from the atlas configuration: one
filter per field with a `filter` parameter (a select for term fields; a removable chip for free lists such
as molecules, set by links), then years, free text and sorting (see routes.Filters for the URL scheme).
`text` matches title, first author, the free-list values and year (all words, any order, case and accents
ignored). `sort` is a column key; `order=desc` reverses it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from litatlas.model.config import Field
from litatlas.model.record import Record
from litatlas.site import routes
from litatlas.site.context import Content, SiteContext

INDEX_VERSION = 2


def build(ctx: SiteContext) -> dict[str, Content]:
    return {
        routes.FILTER_INDEX: ctx.made(routes.FILTER_INDEX, lambda: ctx.signature, lambda: index_json(ctx)),
        routes.FILTER_SCRIPT: asset("atlas-filter.js"),
        routes.FEATURE_STYLE: asset("atlas-features.css"),
    }


def asset(name: str) -> str:
    return resources.files("litatlas.site").joinpath("assets", name).read_text(encoding="utf-8")


def _row_fields(ctx: SiteContext) -> list[Field]:
    """The fields each row carries: those with a filter or a column, each once, in declaration order."""
    config = ctx.config
    wanted = {f.id for f in config.filter_fields} | {f.id for f in config.column_fields}
    return [f for f in (config.topics_field, *config.fields) if f.id in wanted]


def index_data(ctx: SiteContext) -> dict[str, Any]:
    config = ctx.config
    fields = _row_fields(ctx)
    directory_urls = ctx.settings.use_directory_urls
    rows = [ctx.piece("filter-row", r, functools.partial(_row, r, fields, directory_urls)) for r in ctx.records]
    labels = {f.id: {t.id: t.label for t in f.terms} for f in fields if f.has_terms}
    keys: dict[str, dict[str, str]] = {}
    key_labels: dict[str, dict[str, str]] = {}
    for field in fields:
        if field.kind != "list":
            continue
        keys[field.id] = {v: field.key(v) for record in ctx.records for v in record.values(field.id)}
        key_labels[field.id] = {key: group.label for key, group in ctx.groups[field.id].items()}
    verdict = config.verdict_field
    return {
        "version": INDEX_VERSION,
        "fields": ["id", "title", "author", "year", *(f.id for f in fields), "url"],
        "rows": rows,
        "facets": [
            {"param": f.filter, "field": f.id, "label": f.label, "kind": "list" if f.kind == "list" else "term"}
            for f in config.filter_fields
        ],
        "columns": [
            {"key": "n", "label": "#"},
            {"key": "year", "label": "Year"},
            {"key": "author", "label": "First author"},
            {"key": "title", "label": "Title"},
            *({"key": f.id, "label": f.column, "field": f.id, "limit": f.column_limit} for f in config.column_fields),
        ],
        "verdict": verdict.id if verdict else "",
        "polarity": {t.id: t.polarity for t in verdict.terms} if verdict else {},
        "text_fields": [f.id for f in fields if f.kind == "list"],
        "labels": labels,
        "topic_groups": [
            {"id": topic.id, "label": topic.label, "subtopics": [sub.id for sub in topic.subtopics]} for topic in config.topics
        ],
        "keys": keys,
        "key_labels": key_labels,
        "params": [*ctx.filters.params, *routes.EXTRA_PARAMS],
        "noun": {"one": "paper", "many": "papers"},
    }


def _row(record: Record, fields: list[Field], directory_urls: bool) -> list[Any]:
    """The values of the index's fields, in that order (rows are lists: the field names are written once)."""
    data = record.data
    row: list[Any] = [record.id, data["title"], record.first_author_surname, data["year"]]
    for field in fields:
        if field.multi:
            row.append([str(v) for v in data.get(field.id) or []])
        else:
            value = data.get(field.id)
            row.append("" if value is None else value)
    row.append(routes.page_url(routes.paper(record.id), directory_urls))
    return row


def index_json(ctx: SiteContext) -> str:
    return json.dumps(index_data(ctx), ensure_ascii=False, separators=(",", ":")) + "\n"
