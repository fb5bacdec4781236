"""The JSON Schema of a record, generated from the atlas configuration: one for editors, one for the validator.

The editor's schema (`litatlas schema`, committed in the atlas) lists each term field's ids, so editors offer
them as completions. The validator's schema checks shapes only: the term ids are checked by the validator
itself, which says "did you mean" and knows the synonyms.
"""

from __future__ import annotations

import json
from typing import Any

from litatlas.model.config import AtlasConfig, Field

SCHEMA_FILE = "schema/record.schema.json"  # in the project, where records' first line points editors


def _id_list(description: str, ids: list[str] | None = None, max_items: int = 30) -> dict[str, Any]:
    one: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 100}
    if ids is not None:
        one = {"enum": ids}
    return {
        "description": description,
        "oneOf": [one, {"type": "array", "maxItems": max_items, "items": one}],
    }


def _curated(field: Field, editor: bool) -> dict[str, Any]:
    description = field.description or field.label
    ids = [t.id for t in field.terms] if editor and field.has_terms else None
    if field.kind == "term":
        schema: dict[str, Any] = {"type": "string", "description": description}
        if ids is not None:
            schema["enum"] = ids
        return schema
    if field.kind == "terms":
        return _id_list(description, ids, field.max_items)
    if field.kind == "list":
        item = {"type": "string", "minLength": 1, "maxLength": field.max_length}
        return {"type": "array", "maxItems": field.max_items, "items": item, "description": description}
    if field.kind == "text":
        return {"type": "string", "minLength": 1, "maxLength": field.max_length, "description": description}
    if field.kind == "number":
        schema = {
            "type": "integer" if field.integer else "number",
            "description": description + (f" ({field.unit})" if field.unit else ""),
        }
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
        return schema
    # identifier: one or a list, each checked against the pattern by the validator (for its message)
    one = {"type": "string", "minLength": 1, "maxLength": field.max_length}
    if editor:
        one["pattern"] = field.pattern
    example = f" e.g. {field.example}" if field.example else ""
    return {"description": description + example, "oneOf": [one, {"type": "array", "maxItems": 30, "items": one}]}


def record_schema(config: AtlasConfig, *, editor: bool = False) -> dict[str, Any]:
    """The schema of a record of this atlas: bibliographic fields, the configured fields, the curation fields."""
    type_ids = [t.id for t in config.publication_types] if editor else None
    topic_ids = [t.id for t in config.topics_field.terms] if editor else None
    properties: dict[str, Any] = {
        "title": {
            "type": "string",
            "minLength": 3,
            "maxLength": 500,
            "description": "Title as the journal prints it, without a final full stop.",
        },
        "authors": {
            "type": "array",
            "minItems": 1,
            "maxItems": 2000,
            "description": "Authors as PubMed writes them: surname then initials, e.g. 'Karnoub AE'.",
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
        },
        "authors_incomplete": {
            "type": "boolean",
            "description": "true when only the first authors are listed; citations then end the list with 'et al.'",
        },
        "journal": {"type": "string", "minLength": 1, "maxLength": 300},
        "year": {"type": "integer", "description": "Year of publication (1900 to the current year)."},
        "volume": {"type": ["string", "integer"], "maxLength": 40},
        "issue": {"type": ["string", "integer"], "maxLength": 40},
        "pages": {
            "type": ["string", "integer"],
            "maxLength": 40,
            "description": "Page range (557-563) or article number (e4992).",
        },
        "doi": {"type": "string", "maxLength": 300, "description": "DOI without resolver prefix, e.g. 10.1038/nature06188."},
        "pmid": {"type": ["string", "integer"], "description": "PubMed identifier (digits)."},
        "pmcid": {"type": "string", "description": "PubMed Central identifier, PMC followed by digits."},
        "url": {
            "type": "string",
            "maxLength": 2000,
            "description": "Landing page when neither DOI nor PMID resolves to the paper (http or https).",
        },
        "no_identifier_reason": {
            "type": "string",
            "minLength": 10,
            "maxLength": 500,
            "description": "Required when the record has neither DOI nor PMID: why not.",
        },
        "type": {"type": "string", "description": "Publication type id from the atlas configuration."},
        "topics": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {"enum": topic_ids} if topic_ids else {"type": "string"},
            "description": "Sub-topic ids from the atlas configuration.",
        },
    }
    if type_ids:
        properties["type"]["enum"] = type_ids
    for field in config.fields:
        properties[field.id] = _curated(field, editor)
    properties.update(
        {
            "summary": {
                "type": "string",
                "minLength": 20,
                "maxLength": 800,
                "description": "1-3 sentences in the curator's own words.",
            },
            "findings": {
                "type": "array",
                "maxItems": 8,
                "items": {"type": "string", "minLength": 5, "maxLength": 400},
                "description": "2-4 short points in the curator's own words.",
            },
            "added": {"type": "string", "format": "date", "description": "Date the record was added (YYYY-MM-DD)."},
            "curators": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 100}},
            "notes": {"type": "string", "maxLength": 1000, "description": "Curation notes shown on the paper page."},
            "sources": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "description": (
                    "Pages that confirmed the record's facts (PubMed or a mirror, the publisher, an indexer), "
                    "shown as 'Verified against'."
                ),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url"],
                    "properties": {
                        "url": {
                            "type": "string",
                            "minLength": 8,
                            "maxLength": 2000,
                            "description": "The page's address (http or https).",
                        },
                        "fields": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 40,
                            "items": {"type": "string", "minLength": 1, "maxLength": 60},
                            "description": "The record fields this page confirmed; leave out when it confirmed all of them.",
                        },
                    },
                },
            },
        }
    )
    required = ["title", "year", "type", "topics", "summary", "added"]
    required[4:4] = [f.id for f in config.fields if f.required]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{config.title}: paper record",
        "description": (
            f"One published paper in {config.title}. Generated from {config.path} by `litatlas schema`: "
            "edit the configuration, not this file."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def schema_text(config: AtlasConfig) -> str:
    """The editor's schema as the committed file holds it."""
    return json.dumps(record_schema(config, editor=True), indent=2, ensure_ascii=False) + "\n"
