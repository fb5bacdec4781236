"""The JSON index behind the browser filters: every record, only the fields the filters and table need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model import text as markup
from litatlas.model.problems import errors
from litatlas.site import routes
from litatlas.site.build import render_pages

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_FIELDS = [
    "id", "title", "author", "year", "topics", "effect", "cancer_types", "msc_source", "species", "models", "payload", "molecules", "url",
]  # fmt: skip
LIST_FIELDS = ("topics", "cancer_types", "msc_source", "species", "models", "payload", "molecules")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    atlas, problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and not errors(problems)
    return render_pages(atlas)


@pytest.fixture(scope="module")
def index(pages: dict[str, str]) -> dict:
    return json.loads(pages[routes.FILTER_INDEX])


@pytest.fixture(scope="module")
def raw() -> dict[str, dict]:
    records = {}
    for path in sorted((ROOT / "records").glob("*.yml")):
        if path.name != "atlas.yml":
            records[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return records


def rows(index: dict) -> list[dict]:
    return [dict(zip(index["fields"], row)) for row in index["rows"]]


def test_index_has_every_record_once(index: dict, raw: dict[str, dict]) -> None:
    ids = [row["id"] for row in rows(index)]
    assert sorted(ids) == sorted(raw)
    assert len(ids) == len(set(ids))


def test_index_has_only_the_allowed_fields(index: dict) -> None:
    assert index["fields"] == ALLOWED_FIELDS
    assert all(len(row) == len(ALLOWED_FIELDS) for row in index["rows"])
    assert set(index) == {
        "version", "fields", "rows", "facets", "columns", "verdict", "polarity", "text_fields", "labels", "topic_groups",
        "keys", "key_labels", "params", "noun",
    }  # fmt: skip
    text = json.dumps(index)
    for private in ("summary", "findings", "notes", "curators", "doi", "added"):
        assert f'"{private}"' not in text


def test_index_values_match_the_records(index: dict, raw: dict[str, dict], pages: dict[str, str]) -> None:
    for row in rows(index):
        record = raw[row["id"]]
        assert row["title"] == record["title"]
        assert row["year"] == record["year"]
        assert row["effect"] == record["effect"]
        assert record["authors"][0].startswith(row["author"]) if record.get("authors") else row["author"] == ""
        for field in LIST_FIELDS:
            value = record.get(field) or []
            assert row[field] == (value if isinstance(value, list) else [value]), (row["id"], field)
        assert row["url"] == f"papers/{row['id']}/"
        assert f"papers/{row['id']}.md" in pages


def test_labels_and_keys_cover_every_value(index: dict) -> None:
    for row in rows(index):
        assert row["effect"] in index["labels"]["effect"]
        for field in ("topics", "cancer_types", "msc_source", "species", "models", "payload"):
            assert all(value in index["labels"][field] for value in row[field]), field
        for molecule in row["molecules"]:
            assert index["keys"]["molecules"][molecule] == markup.slug(molecule)
            assert markup.slug(molecule) in index["key_labels"]["molecules"]
    subtopics = [s for group in index["topic_groups"] for s in group["subtopics"]]
    assert set(subtopics) == set(index["labels"]["topics"])


def test_index_stays_small(index: dict, pages: dict[str, str]) -> None:
    size = len(pages[routes.FILTER_INDEX].encode())
    vocabulary_part = len(json.dumps({k: v for k, v in index.items() if k != "rows"}, ensure_ascii=False).encode())
    per_record = (size - vocabulary_part) / len(index["rows"])
    assert per_record < 500, f"{per_record:.0f} bytes per record"


def test_script_and_styles_are_shipped_and_agree_on_the_url_scheme(pages: dict[str, str]) -> None:
    script = pages[routes.FILTER_SCRIPT]
    assert "document$" in script and "DOMContentLoaded" in script, "works with and without Material's instant navigation"
    assert "http://" not in script.replace("http://www.w3.org", "") and "https://" not in script, "no network beyond the site"
    assert "atlas-index.json" in script
    css = pages[routes.FEATURE_STYLE]
    assert '[data-md-color-scheme="slate"]' in css and '[data-md-color-scheme="default"]' in css


def test_filters_and_columns_come_from_the_configuration(index: dict) -> None:
    """The script names no field: the index carries the filters, columns and URL order the configuration declares."""
    assert [(f["param"], f["field"], f["kind"]) for f in index["facets"]] == [
        ("effect", "effect", "term"), ("topic", "topics", "term"), ("cancer", "cancer_types", "term"),
        ("source", "msc_source", "term"), ("species", "species", "term"), ("model", "models", "term"),
        ("payload", "payload", "term"), ("molecule", "molecules", "list"),
    ]  # fmt: skip
    assert index["params"] == [f["param"] for f in index["facets"]] + list(routes.EXTRA_PARAMS)
    assert [c["label"] for c in index["columns"]] == [
        "#",
        "Year",
        "First author",
        "Title",
        "Cancer types",
        "MSC source",
        "Model",
        "Key molecules",
    ]
    assert index["verdict"] == "effect" and index["polarity"]["promotes"] == "pro"
