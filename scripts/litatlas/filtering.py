"""Faceted filtering in the browser: the JSON index, the script and styles, and the filter URL scheme.

The "All papers" page (browse/all.md) and the topic pages stay plain, paginated tables without
JavaScript. With JavaScript, assets/atlas-filter.js loads assets/atlas-index.json once and adds filters,
sorting and a match count; on "All papers" it shows every matching paper from the index.

Filter URL scheme (query string of the "All papers" page or a topic page; every value is a
vocabulary id, so links stay valid when labels change):

    browse/all/?cancer=breast&effect=promotes&topic=metastasis&source=bone-marrow&species=human
               &model=orthotopic&payload=trail&molecule=ccl5&from=2005&to=2015&text=chemokine
               &sort=year&order=desc

Filters combine with AND; each takes one value. `molecule` takes the slug of the molecule's browse
page; `text` matches title, first author, molecules and year (all words, any order, case and accents
ignored). `sort` is a column (n, year, author, title, cancer, source, model, molecule); `order=desc`
reverses it. Parameters are written in the order above. `q` and `h` are left to Material's search
(search.share, search.highlight).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from litatlas import markup
from litatlas.records import Record
from litatlas.render import Renderer

INDEX_PATH = "assets/atlas-index.json"
SCRIPT_PATH = "assets/atlas-filter.js"
STYLE_PATH = "assets/atlas-features.css"
ALL_PAPERS = "browse/all.md"
INDEX_VERSION = 1

# URL parameter -> record field, in the order the filters appear.
PARAMS: dict[str, str] = {
    "cancer": "cancer_types",
    "effect": "effect",
    "topic": "topics",
    "source": "msc_source",
    "species": "species",
    "model": "models",
    "payload": "payload",
    "molecule": "molecules",
}
EXTRA_PARAMS = ("from", "to", "text", "sort", "order")
FIELD_PARAM = {field: param for param, field in PARAMS.items()}

# What the browser needs per paper, and nothing more (issue 7: small index, fast filters).
FIELDS = (
    "id",
    "title",
    "author",
    "year",
    "effect",
    "topics",
    "cancer_types",
    "msc_source",
    "species",
    "models",
    "payload",
    "molecules",
    "url",
)
LABELLED_FIELDS = ("effect", "topics", "cancer_types", "msc_source", "species", "models", "payload")


def build(renderer: Renderer) -> dict[str, str]:
    return {
        INDEX_PATH: index_json(renderer),
        SCRIPT_PATH: _asset("atlas-filter.js"),
        STYLE_PATH: _asset("atlas-features.css"),
    }


def _asset(name: str) -> str:
    return resources.files("litatlas").joinpath("assets", name).read_text(encoding="utf-8")


# ----- URLs


def page_url(path: str, directory_urls: bool = True) -> str:
    """Site-relative URL of a docs-relative page path, as MkDocs writes it ('browse/all.md' -> 'browse/all/')."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(here: str, target: str, directory_urls: bool = True) -> str:
    """Relative URL from page `here` to page `target` (docs-relative .md paths), for raw HTML links.

    Plain string work (no posixpath.relpath): the conflicts page alone links hundreds of papers.
    """
    target_path, _, anchor = target.partition("#")
    here_url = page_url(here, directory_urls)
    base = here_url if here_url.endswith("/") or not here_url else here_url.rpartition("/")[0] + "/" if "/" in here_url else ""
    target_url = page_url(target_path, directory_urls) if target_path else here_url
    if target_url.startswith(base):
        rel = target_url[len(base) :] or "./"
    else:
        rel = "../" * base.count("/") + target_url or "./"
    return rel + (f"#{anchor}" if anchor else "")


def directory_urls(renderer: Renderer) -> bool:
    return bool(getattr(renderer.atlas.settings, "use_directory_urls", True))


def filter_query(**filters: str | int) -> str:
    """'?cancer=breast&effect=promotes' from field or parameter names; empty values are left out."""
    pairs = []
    for name, value in filters.items():
        param = FIELD_PARAM.get(name, name)
        if param not in PARAMS and param not in EXTRA_PARAMS:
            raise ValueError(f"unknown filter {name!r}")
        if value not in ("", None):
            pairs.append((param, str(value)))
    order = list(PARAMS) + list(EXTRA_PARAMS)
    pairs.sort(key=lambda pair: order.index(pair[0]))
    return "?" + urlencode(pairs) if pairs else ""


def filter_href(renderer: Renderer, here: str, **filters: str | int) -> str:
    """Link from page `here` to "All papers" filtered as given (raw HTML: escape it before use)."""
    return href(here, ALL_PAPERS, directory_urls(renderer)) + filter_query(**filters)


# ----- the index


def index_data(renderer: Renderer) -> dict[str, Any]:
    vocabulary = renderer.vocabulary
    dir_urls = directory_urls(renderer)
    rows = [_row(record, renderer, dir_urls) for record in renderer.records]
    labels: dict[str, dict[str, str]] = {}
    for field_name in LABELLED_FIELDS:
        labels[field_name] = {term.id: term.label for term in vocabulary.terms(field_name).values()}
    molecules = renderer.groups.get("molecules", {})
    molecule_keys: dict[str, str] = {}
    for record in renderer.records:
        for value in record.list("molecules"):
            if value not in molecule_keys:
                molecule_keys[value] = markup.slug(value)
    return {
        "version": INDEX_VERSION,
        "fields": list(FIELDS),
        "rows": rows,
        "labels": labels,
        "topic_groups": [
            {"id": topic.id, "label": topic.label, "subtopics": [sub.id for sub in topic.subtopics]}
            for topic in vocabulary.topics
        ],
        "molecule_keys": molecule_keys,
        "molecule_labels": {key: group.label for key, group in molecules.items()},
        "params": PARAMS,
    }


def _row(record: Record, renderer: Renderer, dir_urls: bool) -> list[Any]:
    """The values of FIELDS, in that order (rows are lists: the field names are written once, in "fields")."""
    data = record.data
    return [
        record.id,
        data["title"],
        record.first_author_surname,
        data["year"],
        data.get("effect", ""),
        data.get("topics") or [],
        data.get("cancer_types") or [],
        data.get("msc_source") or [],
        data.get("species") or [],
        data.get("models") or [],
        data.get("payload") or [],
        [str(m) for m in data.get("molecules") or []],
        page_url(renderer.paper_path(record), dir_urls),
    ]


def index_json(renderer: Renderer) -> str:
    return json.dumps(index_data(renderer), ensure_ascii=False, separators=(",", ":")) + "\n"
