"""The Pagefind index: what a paper's record holds, which pages go in, and a real index from the binary."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from litatlas.load.configfile import load_config
from litatlas.model.config import AtlasConfig
from litatlas.model.record import Record
from litatlas.publish.pagefind import (
    PARTS_FILE,
    bundles,
    digest,
    indexed_page,
    page_document,
    paper_record,
    read_fragments,
    write_index,
)

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_TITLE = "</title><script>window.__pwned=1</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def config() -> AtlasConfig:
    loaded, problems = load_config(ROOT / "records" / "atlas.yml", "records/atlas.yml")
    assert loaded is not None, problems
    return loaded


def _record(**data: object) -> Record:
    base = {
        "title": "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis",
        "authors": ["Karnoub AE", "Dash AB", "Weinberg RA"],
        "journal": "Nature",
        "year": 2007,
        "summary": "MSCs released the chemokine CCL5.",
        "molecules": ["CCL5", "CCR5"],
        "cancer_types": ["breast"],
        "findings": ["A finding that is not indexed."],
        "doi": "10.1038/nature06188",
    }
    return Record(id="karnoub-2007", path="records/karnoub-2007.yml", data={**base, **data})


def test_paper_record_holds_the_fields_readers_search(config: AtlasConfig) -> None:
    entry = paper_record(_record(), "papers/karnoub-2007/", config)
    assert entry["url"] == "/papers/karnoub-2007/"
    assert entry["language"] == "en"
    assert entry["meta"]["title"] == "Mesenchymal stem cells within tumour stroma promote breast cancer metastasis"
    content = entry["content"]
    for expected in (
        "tumour stroma",
        "Karnoub AE, Dash AB, Weinberg RA.",
        "Nature",
        "2007",
        "chemokine CCL5",
        "CCR5",
        "Cancer type: Breast cancer.",
        "Molecules: CCL5, CCR5.",
    ):
        assert expected in content, expected
    assert "not indexed" not in content, "findings stay out: the summary says it in fewer words"
    assert "10.1038" not in content


def test_paper_record_shortens_long_author_lists_and_skips_missing_fields(config: AtlasConfig) -> None:
    authors = [f"Author{n} A" for n in range(14)]
    entry = paper_record(_record(authors=authors, journal=None, molecules=[], cancer_types=[]), "/papers/x/", config)
    assert "Author9 A et al." in entry["content"] and "Author10" not in entry["content"]
    assert "Molecule" not in entry["content"] and "Cancer type" not in entry["content"]
    assert "None" not in entry["content"]


def test_record_text_stays_text_in_the_record() -> None:
    # Escaping is the search box's job (it sets text, never HTML); the index keeps the reader's characters.
    entry = paper_record(_record(title=HOSTILE_TITLE), "papers/x/")
    assert entry["meta"]["title"] == HOSTILE_TITLE
    assert HOSTILE_TITLE in entry["content"]


@pytest.mark.parametrize(
    ("rel", "meta", "expected"),
    [
        ("papers/karnoub-2007.md", {}, False),
        ("browse/all.md", {}, False),
        ("browse/molecules/ccl5.md", {}, False),
        ("new/index.md", {}, False),
        ("evidence/conflicts.md", {}, False),
        ("index.md", {}, True),
        ("topics/tumour-promotion.md", {}, True),
        ("methods.md", {}, True),
        ("methods.md", {"search": {"exclude": True}}, False),
        ("about.md", {"search": {"boost": 2}}, True),
    ],
)
def test_pages_that_list_papers_stay_out(rel: str, meta: dict, expected: bool) -> None:
    assert indexed_page(rel, meta) is expected


def test_page_document_is_the_article_with_a_heading() -> None:
    with_h1 = page_document("methods/", "Methods", "<h1 id='m'>Methods</h1><p>How.</p>")
    assert with_h1["url"] == "/methods/"
    assert with_h1["html"].count("<h1") == 1
    without = page_document("", "Home & <more>", "<p>Welcome.</p>")
    assert "<h1>Home &amp; &lt;more&gt;</h1>" in without["html"]
    assert without["url"] == "/"


def test_digest_changes_with_any_searchable_text() -> None:
    records = [paper_record(_record(), "papers/a/")]
    pages = [page_document("methods/", "Methods", "<p>How.</p>")]
    same = digest(records, pages)
    assert digest([paper_record(_record(), "papers/a/")], pages) == same
    assert digest([paper_record(_record(summary="Changed."), "papers/a/")], pages) != same
    assert digest(records, [page_document("methods/", "Methods", "<p>Now.</p>")]) != same


def test_the_binary_writes_an_index_of_records_and_pages(tmp_path: Path) -> None:
    records = [paper_record(_record(), "papers/karnoub-2007/"), paper_record(_record(title=HOSTILE_TITLE), "papers/h/")]
    topic = (
        "<h1>Tumour promotion</h1><p>Prose about stroma.</p><a class='headerlink' href='#x'>permalink</a>"
        "<table data-search-exclude='true'><tr><td>A listed paper title</td></tr></table>"
    )
    pages = [page_document("topics/tumour-promotion/", "Tumour promotion", topic)]
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "stale.txt").write_text("from the previous build")
    assert write_index(records, pages, tmp_path) == 3
    bundle = tmp_path / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not (bundle / "stale.txt").exists(), "the previous bundle is replaced, not added to"
    assert not list(tmp_path.glob(".pagefind-*")), "no staging folder left behind"
    fragments = {fragment["url"]: fragment for fragment in read_fragments(bundle)}
    assert set(fragments) == {"/papers/karnoub-2007/", "/papers/h/", "/topics/tumour-promotion/"}
    assert "CCL5" in fragments["/papers/karnoub-2007/"]["content"]
    assert fragments["/papers/h/"]["meta"]["title"] == HOSTILE_TITLE
    topic_fragment = fragments["/topics/tumour-promotion/"]
    assert topic_fragment["meta"]["title"] == "Tumour promotion"
    assert "stroma" in topic_fragment["content"]
    assert "A listed paper title" not in topic_fragment["content"], "topic tables stay out"
    assert "permalink" not in topic_fragment["content"]


def test_answers_are_not_lost_while_the_binary_is_still_writing(tmp_path: Path) -> None:
    # Thousands of requests sent at once, answers read while the binary still writes them: with one file
    # handle shared between reader and binary, answers were overwritten and the build waited forever.
    summary = " ".join(f"Stromal cells changed marker{i % 97} and tumour growth in model {i % 13}." for i in range(12))
    records = [
        paper_record(_record(title=f"Paper {i} on stromal cells", summary=summary), f"papers/p{i}/") for i in range(N_MANY)
    ]
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(write_index(records, [], tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # it takes a few seconds; the lost-answer bug waited the full 600 s
    assert done == [N_MANY], "the index was not written: answers from the binary went missing"
    assert len(read_fragments(tmp_path / "pagefind")) == N_MANY


N_MANY = 10_000


def test_an_atlas_bigger_than_a_part_is_indexed_in_parts(tmp_path: Path) -> None:
    """Each part of papers is a bundle of its own inside the main one (one binary at a time holds one part)."""
    records = [paper_record(_record(title=f"Paper number {i} on stroma"), f"papers/p{i}/") for i in range(5)]
    pages = [page_document("methods/", "Methods", "<p>How the atlas is made.</p>")]
    assert write_index(records, pages, tmp_path, part_size=2) == 6
    bundle = tmp_path / "pagefind"
    listed = json.loads((bundle / PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    assert listed == ["part-1/", "part-2/", "part-3/"]
    assert bundles(bundle) == [bundle, bundle / "part-1", bundle / "part-2", bundle / "part-3"]
    for part in bundles(bundle):
        assert (part / "pagefind.js").is_file() and (part / "pagefind-entry.json").is_file()
    per_part = [[f["url"] for f in read_fragments(bundle / part)] for part in listed]
    assert [len(urls) for urls in per_part] == [2, 2, 1]
    assert {f["url"] for f in read_fragments(bundle)} == {*(f"/papers/p{i}/" for i in range(5)), "/methods/"}
    assert not list(tmp_path.glob(".pagefind-*")), "no staging folder left behind"


def test_an_atlas_of_one_part_lists_no_parts(tmp_path: Path) -> None:
    records = [paper_record(_record(), "papers/a/")]
    assert write_index(records, [], tmp_path, part_size=2) == 1
    assert json.loads((tmp_path / "pagefind" / PARTS_FILE).read_text(encoding="utf-8")) == {"parts": []}
