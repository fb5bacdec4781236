"""A second, deliberately different atlas (tests/second-atlas: exercise and depression) built with `mkdocs build --strict`.

Its own fields reach every reader-facing part (topic, browse, paper and evidence pages, the conflicts view,
the filter, the search records and the downloads), and nothing of the first atlas appears anywhere.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from litatlas.cli import main
from litatlas.publish.pagefind import read_fragments
from test_e2e import mkdocs_build

SOURCE = Path(__file__).parent / "second-atlas"
TOPIC = re.compile(r"msc|cancer|tumou?r|payload|mesenchymal|stromal", re.IGNORECASE)
THEME_ASSETS = ("assets/javascripts/", "assets/stylesheets/", "assets/images/")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("second") / "atlas"
    shutil.copytree(SOURCE, project)
    out = project.parent / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "not included in the" not in result.stderr, "generated pages are marked as outside the navigation"
    return out


def text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(page: str) -> str:
    body = page.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_nothing_of_the_first_atlas_appears(site: Path) -> None:
    checked = 0
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".xml", ".bib", ".ris", ".js", ".css"}:
            if rel.startswith(THEME_ASSETS):
                continue  # Material's own files
            found = TOPIC.findall(path.read_text(encoding="utf-8"))
            assert not found, (rel, found[:5])
            checked += 1
    assert checked > 40


def test_topic_pages_list_the_sub_topics_papers(site: Path) -> None:
    trials = article(text(site, "topics/trials/index.html"))
    assert "Aerobic exercise" in trials and "Strength training" in trials
    assert "Running for adults with depression" in trials
    assert "| Population |" not in trials  # a real table, not Markdown source
    head = text(site, "topics/trials/index.html")
    assert "<th>Population</th>" in head and "<th>Outcome measures</th>" in head


def test_browse_pages_follow_the_configured_fields(site: Path) -> None:
    browse = article(text(site, "browse/index.html"))
    for name in ("Directions", "Populations", "Settings", "Outcome measures", "Years"):
        assert name in browse, name
    adults = article(text(site, "browse/populations/adults/index.html"))
    assert "Population: Adults" in adults and "Walking groups for adults" in adults
    assert (site / "browse/outcome-measures/ham-d/index.html").is_file(), "free-list values get slugged pages"
    assert "Outcome measure: HAM-D" in article(text(site, "browse/outcome-measures/ham-d/index.html"))


def test_paper_pages_show_numbers_identifiers_and_groups(site: Path) -> None:
    source = text(site, "papers/walker-2015-running-adults/index.html")
    page = article(source)
    assert "Improves mood" in page and "Delivered: With a trainer" in page
    assert re.search(r"Participants\s*120 people", page)
    assert 'href="https://www.isrctn.com/ISRCTN11111111"' in source
    assert "la-badge--pro la-badge--improves" in source
    assert "Verified against" in page and 'href="https://example.org/records/walker-2015"' in source


def test_the_evidence_map_draws_the_configured_matrices(site: Path) -> None:
    source = text(site, "evidence/index.html")
    for table in ("la-matrix-population-direction", "la-matrix-setting-direction", "la-matrix-population-outcome-measures"):
        assert f'id="{table}-table"' in source, table
    assert "Does exercise lift depression?" in source
    assert "Lift or lower, by population" in source
    adults_row = re.search(
        r'<tr><th scope="row"><a href="../browse/populations/adults/">Adults</a></th>(.*?)</tr>', source
    ).group(1)
    # Adults: one paper improves (Walker), one worsens (Dahl), one overview.
    counts = re.findall(r">(\d+)<", adults_row)
    assert counts[:4] == ["1", "1", "0", "1"], adults_row
    assert "../browse/all/?direction=improves&amp;population=adults" in adults_row
    assert 'id="la-chart-years"' in source and 'id="la-chart-populations"' in source


def test_the_conflicts_page_sets_the_sides_against_each_other(site: Path) -> None:
    page = text(site, "evidence/conflicts/index.html")
    assert 'id="population-adults"' in page and 'id="population-adolescents"' in page
    assert 'id="measure-bdi-ii"' in page, "free lists (outcome measures) are compared too"
    context = article(page)
    for label in ("Setting", "Participants", "Trial registration"):
        assert label in context, label
    assert "Improves mood: 1 paper" in context and "Worsens mood: 1 paper" in context


def test_the_filter_index_carries_this_atlas_fields(site: Path) -> None:
    index = json.loads(text(site, "assets/atlas-index.json"))
    assert [f["param"] for f in index["facets"]] == ["direction", "topic", "population", "setting", "measure"]
    assert [c["label"] for c in index["columns"]][4:] == ["Population", "Outcome measures"]
    assert index["verdict"] == "direction" and index["polarity"]["worsens"] == "anti"
    assert index["keys"]["outcome_measures"]["BDI-II"] == "bdi-ii"


def test_search_records_hold_the_searched_fields(site: Path) -> None:
    fragments = {f["url"]: f["content"] for f in read_fragments(site / "pagefind")}
    walker = next(content for url, content in fragments.items() if "walker-2015" in url)
    assert "Population: Adults." in walker and "Outcome measures: HAM-D, BDI-II." in walker


def test_downloads_have_this_atlas_columns(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(text(site, "downloads/atlas.csv"), newline="")))
    assert len(rows) == 6
    assert {"direction", "population", "setting", "outcome_measures", "sample_size", "registration"} <= set(rows[0])
    walker = next(row for row in rows if row["id"] == "walker-2015-running-adults")
    assert walker["sample_size"] == "120" and walker["outcome_measures"] == "HAM-D; BDI-II"


def test_this_atlas_records_are_checked_against_its_own_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    project = tmp_path / "atlas"
    shutil.copytree(SOURCE, project)
    record = project / "records" / "walker-2015-running-adults.yml"
    text_ = record.read_text(encoding="utf-8")
    text_ = text_.replace("sample_size: 120", "sample_size: 0").replace("ISRCTN11111111", "NCT01234567")
    record.write_text(text_.replace("population: [adults]", "population: [adult]"), encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "records/walker-2015-running-adults.yml:9: population[0]: unknown population 'adult'; did you mean 'adults'?" in out
    assert "records/walker-2015-running-adults.yml:12: sample_size: 0 is below the minimum 1" in out
    assert (
        "records/walker-2015-running-adults.yml:13: registration: 'NCT01234567' is not a trial registration such as ISRCTN12345678"
    ) in out
