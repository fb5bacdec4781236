"""Evidence map and conflicting evidence: every number is checked against counts made here, from the YAML files.

The expected counts are computed straight from records/*.yml with PyYAML (not through litatlas' renderer) and
compared with the HTML tables of the rendered pages, with `litatlas stats --format json`, and with the filter
each number links to (applied here to the raw records).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from litatlas.cli import main
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model import text as markup
from litatlas.model.problems import errors
from litatlas.site import routes
from litatlas.site.build import render_pages
from litatlas.site.pages import evidence

ROOT = Path(__file__).resolve().parents[1]


# ----- the records, read independently


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    records = []
    for path in sorted((ROOT / "records").glob("*.yml")):
        if path.name == "atlas.yml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["id"] = path.stem
        for key in ("cancer_types", "msc_source", "species", "models", "payload", "route", "timing", "topics", "molecules"):
            data[key] = _as_list(data.get(key))
        records.append(data)
    return records


@pytest.fixture(scope="module")
def vocab() -> dict:
    return yaml.safe_load((ROOT / "records" / "atlas.yml").read_text(encoding="utf-8"))


def field_of(vocab: dict, field_id: str) -> dict:
    return next(field for field in vocab["fields"] if field["id"] == field_id)


def labels(vocab: dict, field_id: str) -> dict[str, str]:
    return {term["id"]: term["label"] for term in field_of(vocab, field_id)["terms"]}


def polarity(vocab: dict, wanted: str) -> set[str]:
    return {term["id"] for term in field_of(vocab, "effect")["terms"] if term.get("polarity") == wanted}


@pytest.fixture(scope="module")
def param_fields(vocab: dict) -> dict[str, str]:
    """URL parameter -> record field, as the configuration declares them (topics: 'topic')."""
    return {"topic": "topics", **{f["filter"]: f["id"] for f in vocab["fields"] if f.get("filter")}}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    atlas, problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and not errors(problems), "\n".join(map(str, errors(problems)))
    return render_pages(atlas)


@pytest.fixture(scope="module")
def stats_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import contextlib
    import io
    import os

    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out):
            assert main(["stats", "--format", "json"]) == 0
    finally:
        os.chdir(cwd)
    return json.loads(out.getvalue())


# ----- reading the HTML tables back


class Tables(HTMLParser):
    """Every <table>: its id, caption, header cells (text, scope) and rows of cells (tag, text, hrefs, scope)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict] = {}
        self.table: dict | None = None
        self.cell: dict | None = None
        self.in_caption = False
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.table = {"id": a.get("id", ""), "caption": "", "head": [], "body": [], "foot": []}
        elif self.table is None:
            return
        elif tag == "caption":
            self.in_caption = True
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag[1:]
        elif tag == "tr":
            self.table[self.section].append([])
        elif tag in ("th", "td"):
            self.cell = {"tag": tag, "text": "", "hrefs": [], "scope": a.get("scope"), "aria": []}
        elif tag == "a" and self.cell is not None:
            self.cell["hrefs"].append(a.get("href", ""))
            self.cell["aria"].append(a.get("aria-label", ""))

    def handle_endtag(self, tag: str) -> None:
        if self.table is None:
            return
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None:
            self.cell["text"] = " ".join(self.cell["text"].split())
            self.table[self.section][-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.tables[self.table["id"]] = self.table
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.in_caption and self.table is not None:
            self.table["caption"] += data
        elif self.cell is not None:
            self.cell["text"] += data


def tables_of(markdown: str) -> dict[str, dict]:
    parser = Tables()
    parser.feed(markdown)
    return parser.tables


def grid(table: dict, section: str = "body") -> dict[str, dict[str, dict]]:
    """row label -> column label -> cell, using the header row's labels."""
    columns = [cell["text"] for cell in table["head"][0]]
    return {row[0]["text"]: dict(zip(columns[1:], row[1:])) for row in table[section]}


def number(cell: dict) -> int:
    return int(cell["text"])


# ----- the matrix of cancer types and effects


@pytest.mark.parametrize(
    ("rows", "none_label", "stats_section"),
    [
        ("cancer_types", "No cancer type recorded", "Cancer types"),
        ("msc_source", "No MSC source recorded", "MSC sources"),
        ("models", "No model recorded", "Models"),
    ],
)
def test_effect_matrices_match_records_and_stats(
    pages: dict[str, str], raw: list[dict], vocab: dict, stats_json: dict, rows: str, none_label: str, stats_section: str
) -> None:
    """Cancer type x effect, MSC source x effect and model x effect: every cell counted again from the YAML."""
    table = tables_of(pages["evidence/index.md"])[f"la-matrix-{rows.replace('_', '-')}-effect-table"]
    row_labels, effect_labels = labels(vocab, rows), labels(vocab, "effect")
    expected: Counter[tuple[str, str]] = Counter()
    for record in raw:
        for value in set(record[rows]) or {"(none)"}:
            expected[(row_labels.get(value, none_label), effect_labels[record["effect"]])] += 1
    cells = grid(table)
    seen = set()
    for row_label, row in cells.items():
        for column, cell in row.items():
            if column == "All papers":
                continue
            assert number(cell) == expected[(row_label, column)], (row_label, column)
            seen.add((row_label, column))
    assert {key for key, n in expected.items() if n} <= seen, "a value with papers is missing from the matrix"

    # Row totals are `litatlas stats` counts; the last row is its effect counts and the total.
    for label, count in stats_json[stats_section].items():
        assert number(cells[label]["All papers"]) == count, label
    assert set(stats_json[stats_section]) == set(cells) - {none_label}
    foot = grid(table, "foot")["All papers"]
    for label, count in stats_json["Effects"].items():
        assert number(foot[label]) == count, label
    assert number(foot["All papers"]) == stats_json["Records"]["total"] == len(raw)


def test_payload_matrix_matches_records(pages: dict[str, str], raw: list[dict], vocab: dict) -> None:
    table = tables_of(pages["evidence/index.md"])["la-matrix-cancer-types-payload-table"]
    cancer_labels, payload_labels = labels(vocab, "cancer_types"), labels(vocab, "payload")
    expected: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    for record in raw:
        for payload in set(record["payload"]):
            totals[payload_labels[payload]] += 1
            for cancer in set(record["cancer_types"]) or {"(none)"}:
                expected[(cancer_labels.get(cancer, "No cancer type recorded"), payload_labels[payload])] += 1
    cells = grid(table)
    assert set(cells) == {row for row, _ in expected}, "rows are exactly the cancer types with a payload paper"
    for row_label, row in cells.items():
        for column, cell in row.items():
            assert number(cell) == expected[(row_label, column)], (row_label, column)
    foot = grid(table, "foot")["All papers"]
    assert {label: number(cell) for label, cell in foot.items()} == dict(totals)


def test_balance_per_cancer_type_and_molecule(pages: dict[str, str], raw: list[dict], vocab: dict) -> None:
    pro, anti = polarity(vocab, "pro"), polarity(vocab, "anti")
    tables = tables_of(pages["evidence/index.md"])
    cancer_labels = labels(vocab, "cancer_types")
    cells = grid(tables["la-balance-cancer-table"])
    for cancer, label in cancer_labels.items():
        members = [r for r in raw if cancer in r["cancer_types"]]
        n_pro = sum(r["effect"] in pro for r in members)
        n_anti = sum(r["effect"] in anti for r in members)
        if label not in cells:
            assert n_pro == n_anti == sum(r["effect"] in polarity(vocab, "both") for r in members) == 0, label
            continue
        assert number(cells[label]["Promotes"]) == n_pro, label
        assert number(cells[label]["Inhibits"]) == n_anti, label
        assert cells[label]["Balance"]["text"], "the balance has a text as well as a bar"

    molecules = grid(tables["la-balance-molecule-table"])
    by_slug: dict[str, list[dict]] = {}
    for record in raw:
        for slug in {markup.slug(m) for m in record["molecules"]}:
            by_slug.setdefault(slug, []).append(record)
    for row in tables["la-balance-molecule-table"]["body"]:
        slug = row[0]["hrefs"][0].rstrip("/").rsplit("/", 1)[-1]
        members = by_slug[slug]
        assert number(molecules[row[0]["text"]]["Promotes"]) == sum(r["effect"] in pro for r in members)
        assert number(molecules[row[0]["text"]]["Inhibits"]) == sum(r["effect"] in anti for r in members)


def test_tables_are_accessible(pages: dict[str, str]) -> None:
    for page in ("evidence/index.md", "evidence/conflicts.md"):
        tables = tables_of(pages[page])
        assert tables, page
        for table_id, table in tables.items():
            assert table["caption"].strip(), f"{page} {table_id} has no caption"
            assert all(cell["tag"] == "th" and cell["scope"] == "col" for cell in table["head"][0]), table_id
            for row in table["body"] + table["foot"]:
                assert row[0]["tag"] == "th" and row[0]["scope"] == "row", table_id
                assert all(cell["tag"] == "td" for cell in row[1:]), table_id
    assert "<noscript>" in pages["evidence/index.md"], "readers without JavaScript are told where the numbers lead"


# ----- links


def _apply(query: dict[str, str], raw: list[dict], param_fields: dict[str, str]) -> list[dict]:
    """The filter of a link, applied here to the raw records (the browser's rules: AND of exact values)."""
    found = []
    for record in raw:
        ok = True
        for param, value in query.items():
            field = param_fields[param]
            if field == "effect":
                ok &= record["effect"] == value
            elif field == "molecules":
                ok &= value in {markup.slug(m) for m in record["molecules"]}
            else:
                ok &= value in record[field]
        if ok:
            found.append(record)
    return found


def test_every_number_links_to_a_filter_that_finds_it(
    pages: dict[str, str], raw: list[dict], vocab: dict, param_fields: dict[str, str]
) -> None:
    allowed_values = {
        "cancer": set(labels(vocab, "cancer_types")),
        "effect": set(labels(vocab, "effect")),
        "payload": set(labels(vocab, "payload")),
        "source": set(labels(vocab, "msc_source")),
        "model": set(labels(vocab, "models")),
        "molecule": {markup.slug(m) for r in raw for m in r["molecules"]},
    }
    checked = 0
    for table_id, table in tables_of(pages["evidence/index.md"]).items():
        for row in table["body"] + table["foot"]:
            for cell in row[1:]:
                if not table_id.startswith("la-matrix-") and not cell["hrefs"]:
                    continue
                if not cell["text"].isdigit():
                    continue
                count = int(cell["text"])
                if count == 0:
                    assert not cell["hrefs"], "zero cells are not links"
                    continue
                if row[0]["text"].startswith("No ") and row[0]["text"].endswith(" recorded"):
                    continue  # no filter selects "no value"; the number is plain text
                assert len(cell["hrefs"]) == 1, (table_id, row[0]["text"])
                parts = urlsplit(cell["hrefs"][0])
                assert parts.path == "../browse/all/" and not parts.scheme and not parts.netloc and not parts.fragment
                query = dict(parse_qsl(parts.query, strict_parsing=bool(parts.query)))
                assert len(query) == len(parse_qsl(parts.query)), "each parameter once"
                for param, value in query.items():
                    assert param in allowed_values and value in allowed_values[param], (param, value)
                assert len(_apply(query, raw, param_fields)) == count, cell["hrefs"][0]
                assert cell["aria"][0].startswith(f"{count} paper"), "the link says what it counts"
                checked += 1
    assert checked > 50


def test_plain_links_point_at_generated_pages(pages: dict[str, str]) -> None:
    """Row and column names (and paper titles on the conflicts page) are ordinary links that need no JavaScript."""
    for page in ("evidence/index.md", "evidence/conflicts.md"):
        parser = Tables()
        parser.feed(pages[page])
        hrefs = [href for href in _all_hrefs(pages[page]) if "?" not in href and not href.startswith("#")]
        assert hrefs
        here = routes.page_url(page)
        for href in hrefs:
            target = urlsplit(href).path
            assert target.endswith("/"), href
            resolved = _resolve(here, target)
            assert resolved + ".md" in pages or resolved + "index.md" in pages or resolved.rstrip("/") + ".md" in pages, href


def _all_hrefs(text: str) -> list[str]:
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                self.hrefs.append(dict(attrs).get("href") or "")

    links = Links()
    links.feed(text)
    return links.hrefs


def _resolve(here_url: str, target: str) -> str:
    import posixpath

    joined = posixpath.normpath(posixpath.join(here_url, target))
    return "" if joined == "." else joined + "/"


def test_page_urls_follow_mkdocs() -> None:
    assert routes.page_url("browse/all.md") == "browse/all/"
    assert routes.page_url("evidence/index.md") == "evidence/"
    assert routes.page_url("index.md") == ""
    assert routes.href("evidence/index.md", "browse/all.md") == "../browse/all/"
    assert routes.href("evidence/conflicts.md", "papers/x.md") == "../../papers/x/"
    assert routes.href("evidence/conflicts.md", "index.md") == "../../"
    assert routes.href("evidence/index.md", "evidence/conflicts.md#cancer-breast") == "conflicts/#cancer-breast"
    assert routes.href("evidence/conflicts.md", "papers/x.md", directory_urls=False) == "../papers/x.html"
    assert routes.href("evidence/index.md", "browse/all.md", directory_urls=False) == "../browse/all.html"


def test_filter_links_follow_the_configured_parameters() -> None:
    atlas, _ = load_atlas(load_settings(ROOT))
    filters = routes.Filters(atlas.config)
    # The verdict first, then the topics, then the other fields in the order the configuration declares them.
    assert filters.query(cancer_types="breast", effect="promotes") == "?effect=promotes&cancer=breast"
    assert filters.query(molecule="ccl5", topics="growth", text="x y") == "?topic=growth&molecule=ccl5&text=x+y"
    with pytest.raises(ValueError):
        filters.query(colour="red")


# ----- conflicting evidence


def test_conflicts_list_only_both_sided_cancer_types_and_molecules(pages: dict[str, str], raw: list[dict], vocab: dict) -> None:
    pro, anti = polarity(vocab, "pro"), polarity(vocab, "anti")
    text = pages["evidence/conflicts.md"]
    anchors = [line.rsplit("{ #", 1)[1].rstrip(" }") for line in text.splitlines() if line.startswith("### ") and "{ #" in line]
    cancers = [a.removeprefix("cancer-") for a in anchors if a.startswith("cancer-")]
    molecules = [a.removeprefix("molecule-") for a in anchors if a.startswith("molecule-")]

    def both_sided(keys_of) -> set[str]:
        sides: dict[str, set[str]] = {}
        for record in raw:
            side = "pro" if record["effect"] in pro else "anti" if record["effect"] in anti else None
            if side:
                for key in keys_of(record):
                    sides.setdefault(key, set()).add(side)
        return {key for key, found in sides.items() if found == {"pro", "anti"}}

    assert set(cancers) == both_sided(lambda r: set(r["cancer_types"]))
    assert cancers, "the bundled records disagree on at least one cancer type"
    expected_molecules = both_sided(lambda r: {markup.slug(m) for m in r["molecules"]})
    assert set(molecules) <= expected_molecules
    assert len(molecules) == min(len(expected_molecules), evidence.CONFLICT_LIST_LIMIT)


def test_conflicts_show_both_sides_with_context(pages: dict[str, str], raw: list[dict], vocab: dict) -> None:
    text = pages["evidence/conflicts.md"]
    for block in text.split("\n### ")[1:]:
        assert block.count('<section class="la-side la-side--pro"') == 1
        assert block.count('<section class="la-side la-side--anti"') == 1
        assert "Experimental context of the two sides" in block
    # Every paper shows its context, with labels from the vocabulary ("not recorded" where the record is silent).
    by_id = {r["id"]: r for r in raw}
    route_labels, timing_labels = labels(vocab, "route"), labels(vocab, "timing")
    items = re.findall(r'<li><a href="\.\./\.\./papers/([^/"]+)/">.*?</li>', text)
    assert items
    for paper_id, item in zip(items, re.findall(r"<li><a href=.*?</li>", text)):
        record = by_id[paper_id]
        routes = ", ".join(route_labels[r] for r in record["route"])
        timings = ", ".join(timing_labels[t] for t in record["timing"])
        missing = '<span class="la-missing">not recorded</span>'
        assert f"<dt>Route</dt><dd>{html.escape(routes) if routes else missing}</dd>" in item, paper_id
        assert f"<dt>Timing</dt><dd>{html.escape(timings) if timings else missing}</dd>" in item, paper_id


def test_pages_are_bounded_whatever_the_number_of_molecules(pages: dict[str, str]) -> None:
    table = tables_of(pages["evidence/index.md"])["la-balance-molecule-table"]
    assert len(table["body"]) <= 40
