"""Charts: inline SVG that parses as XML, names itself for screen readers, and draws the numbers of the records."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.model.problems import errors
from litatlas.site import charts
from litatlas.site.build import render_pages

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    records = []
    for path in sorted((ROOT / "records").glob("*.yml")):
        if path.name != "atlas.yml":
            records.append(yaml.safe_load(path.read_text(encoding="utf-8")))
    for record in records:
        for key in ("cancer_types", "payload"):
            value = record.get(key) or []
            record[key] = value if isinstance(value, list) else [value]
    return records


@pytest.fixture(scope="module")
def figures() -> dict[str, ET.Element]:
    atlas, problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and not errors(problems)
    page = render_pages(atlas)["evidence/index.md"]
    found = {}
    for block in re.findall(r'<figure class="la-chart".*?</figure>', page, flags=re.S):
        figure = ET.fromstring(block)  # raises if the SVG is not well-formed XML
        found[figure.get("id")] = figure
    return found


def svg_of(figure: ET.Element) -> ET.Element:
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    return svg


def test_three_charts_with_title_desc_and_role(figures: dict[str, ET.Element]) -> None:
    assert set(figures) == {"la-chart-years", "la-chart-cancer-types", "la-chart-payloads"}
    for chart_id, figure in figures.items():
        svg = svg_of(figure)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and title.get("id") == f"{chart_id}-title"
        assert desc is not None and desc.text and len(desc.text) > 40 and desc.get("id") == f"{chart_id}-desc"
        assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert svg.get("fill") == "currentColor", "text follows the theme's text colour"
        assert svg.get("viewBox", "").startswith("0 0 ")
        for node in svg.iter():
            for name in ("fill", "stroke", "style"):
                value = node.get(name) or ""
                assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb", value), "colours come from CSS custom properties"


def test_papers_per_year_by_effect(figures: dict[str, ET.Element], raw: list[dict]) -> None:
    svg = svg_of(figures["la-chart-years"])
    bars = [node for node in svg.iter(f"{SVG}rect") if "la-bar" in (node.get("class") or "")]
    drawn = Counter({(b.get("data-column"), b.get("data-series")): int(b.get("data-count")) for b in bars})
    expected = Counter((str(r["year"]), r["effect"]) for r in raw)
    assert drawn == expected
    assert len(bars) == len(expected), "one bar segment per year and effect with papers"
    for bar in bars:
        assert float(bar.get("height")) > 0
        assert bar.find(f"{SVG}title") is not None, "each segment names its year, effect and count"
    years = sorted({r["year"] for r in raw})
    columns = [g.get("data-column") for g in svg.iter(f"{SVG}g") if g.get("class") == "la-chart__column"]
    assert columns == [str(y) for y in range(years[0], years[-1] + 1)], "every year, empty ones too"


def test_papers_per_cancer_type(figures: dict[str, ET.Element], raw: list[dict]) -> None:
    svg = svg_of(figures["la-chart-cancer-types"])
    bars = [node for node in svg.iter(f"{SVG}rect") if "la-bar" in (node.get("class") or "")]
    expected = Counter(c for r in raw for c in set(r["cancer_types"]))
    assert {b.get("data-id"): int(b.get("data-count")) for b in bars} == dict(expected)
    counts = [int(b.get("data-count")) for b in bars]
    assert counts == sorted(counts, reverse=True), "largest first"
    widths = [float(b.get("width")) for b in bars]
    assert widths == sorted(widths, reverse=True)


def test_payloads_over_time(figures: dict[str, ET.Element], raw: list[dict]) -> None:
    svg = svg_of(figures["la-chart-payloads"])
    dots = list(svg.iter(f"{SVG}circle"))
    drawn = {(d.get("data-row"), d.get("data-column")): int(d.get("data-count")) for d in dots}
    expected = Counter((p, str(r["year"])) for r in raw for p in set(r["payload"]))
    assert drawn == dict(expected)


def test_labels_are_escaped_for_xml() -> None:
    hostile = 'A <b>&"bold"</b> label'
    svg = charts.horizontal_bars("t", "Title <x>", "Desc & more", [("a", hostile, 3), ("b", "Plain", 1)])
    figure = ET.fromstring(str(svg))
    texts = [node.text for node in figure.iter(f"{SVG}text")]
    assert hostile in texts
    assert figure.find(f".//{SVG}title").text == "Title <x>"
    assert "<b>" not in str(svg)


def test_long_year_ranges_are_grouped() -> None:
    assert [c.label for c in charts.year_columns([2001, 2003])] == ["2001", "2002", "2003"]
    columns = charts.year_columns(list(range(1950, 2026)), limit=40)
    assert len(columns) <= 40
    assert all(charts.column_of(columns, y) for y in range(1950, 2026))
    assert charts.nice_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert charts.nice_ticks(0) == [0, 1]
