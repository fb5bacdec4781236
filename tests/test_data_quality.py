"""Keeps the bundled atlas honest as it grows: identifiers, provenance, duplicates, term use and coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings
from litatlas.load.schema import record_schema
from litatlas.model.atlas import Atlas
from litatlas.model.problems import errors
from litatlas.model.text import URL, title_key

ROOT = Path(__file__).resolve().parents[1]

# Minimum number of records per headline topic (issue: "Records researchers can trust").
MINIMUMS = {
    "tumour-promotion": 45,
    "tumour-inhibition": 35,
    "delivery-vectors": 50,
    "tropism-homing": 35,
    "reviews-trials": 25,
}
MIN_TRIALS_AND_PROTOCOLS = 8
MIN_REVIEWS = 5
MIN_RECORDS = 150
MIN_CANCER_TYPES = 25
MIN_PER_SOURCE = {"bone-marrow": 12, "adipose": 12, "umbilical-cord": 12}
MAX_SHARE_WITHOUT_IDENTIFIER = 0.03


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    loaded, problems = load_atlas(load_settings(ROOT))
    assert loaded is not None
    assert errors(problems) == [], "\n".join(map(str, problems))
    return loaded


def test_every_record_file_loaded(atlas: Atlas) -> None:
    files = sorted(p.stem for p in (ROOT / "records").glob("*.yml") if p.name != "atlas.yml")
    assert sorted(r.id for r in atlas.records) == files


def test_every_record_has_an_identifier_or_says_why(atlas: Atlas) -> None:
    lacking = [r.id for r in atlas.records if not (r.get("doi") or r.get("pmid") or r.get("no_identifier_reason"))]
    assert lacking == []


def test_no_duplicate_papers(atlas: Atlas) -> None:
    for key in ("doi", "pmid"):
        values = Counter(str(r.get(key)).lower() for r in atlas.records if r.get(key))
        assert [v for v, n in values.items() if n > 1] == [], key
    titles = Counter(title_key(r.title) for r in atlas.records)
    assert [t for t, n in titles.items() if n > 1] == []


def test_every_term_is_used_or_reserved(atlas: Atlas) -> None:
    unused = [
        f"{field.id}:{term.id}"
        for field in atlas.config.term_fields
        for term in field.terms
        if not term.reserved and not any(term.id in r.values(field.id) for r in atlas.records)
    ]
    assert unused == [], "use these terms in a record or mark them `reserved: true`"


def test_every_record_names_the_pages_that_confirmed_it(atlas: Atlas) -> None:
    for record in atlas.records:
        sources = record.get("sources") or []
        assert sources, f"{record.id} has no sources"
        for source in sources:
            assert URL.match(source["url"]), (record.id, source["url"])


def test_few_records_lack_both_doi_and_pmid(atlas: Atlas) -> None:
    lacking = [r.id for r in atlas.records if not (r.get("doi") or r.get("pmid"))]
    assert len(lacking) <= MAX_SHARE_WITHOUT_IDENTIFIER * len(atlas.records), lacking
    for record_id in lacking:
        record = next(r for r in atlas.records if r.id == record_id)
        assert record.get("no_identifier_reason"), record_id


def test_source_comparisons_have_enough_papers(atlas: Atlas) -> None:
    counts = Counter(source for r in atlas.records for source in set(r.list("msc_source")))
    for source, minimum in MIN_PER_SOURCE.items():
        assert counts[source] >= minimum, source


def test_pending_papers_are_listed_with_what_is_missing_and_kept_out_of_records() -> None:
    listed = yaml.safe_load((ROOT / "curation" / "pending.yml").read_text(encoding="utf-8"))["pending"]
    files = {p.name for p in (ROOT / "curation" / "pending").glob("*.yml")}
    assert {item["file"] for item in listed} == files
    for item in listed:
        assert item["missing"] and item["why"].strip(), item["file"]
        assert not (ROOT / "records" / item["file"]).exists(), f"{item['file']} is both pending and in records/"


def test_headline_topic_minimums(atlas: Atlas) -> None:
    counts: Counter[str] = Counter()
    for record in atlas.records:
        counts.update({atlas.config.headline_of[s].id for s in record.list("topics")})
    for topic_id, minimum in MINIMUMS.items():
        assert counts[topic_id] >= minimum, topic_id
    trials = [r for r in atlas.records if {"clinical-trial", "trial-protocol"} & set(r.list("topics"))]
    reviews = [r for r in atlas.records if r.get("type") == "review"]
    assert len(trials) >= MIN_TRIALS_AND_PROTOCOLS
    assert len(reviews) >= MIN_REVIEWS
    assert len(atlas.records) >= MIN_RECORDS


def test_cancer_type_coverage(atlas: Atlas) -> None:
    assert len({c for r in atlas.records for c in r.list("cancer_types")}) >= MIN_CANCER_TYPES


def test_the_starting_review_is_in_the_atlas(atlas: Atlas) -> None:
    review = [r for r in atlas.records if r.get("pmid") == "24512984"]
    assert len(review) == 1
    assert review[0].title == "Mesenchymal stem cells and cancer: friends or enemies?"
    assert review[0]["type"] == "review"


def test_summaries_are_present_and_within_the_limit(atlas: Atlas) -> None:
    limit = record_schema(atlas.config)["properties"]["summary"]["maxLength"]
    for record in atlas.records:
        summary = record.get("summary", "").strip()
        assert 20 <= len(summary) <= limit, record.id


def test_records_start_with_the_schema_line() -> None:
    for path in (ROOT / "records").glob("*.yml"):
        if path.name == "atlas.yml":
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == "# yaml-language-server: $schema=../schema/record.schema.json", path.name
