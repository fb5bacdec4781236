"""The Downloads: every atlas-wide file read back by an independent parser and compared with the records;
the Downloads page and its "How to cite" section agree with CITATION.cff.

BibTeX: bibtexparser 2 and pybtex (which also refuses duplicate keys); RIS: rispy; CSL-JSON: the CSL-JSON
schema (tests/data/csl-data.json) and citeproc-py, which formats every item; CFF: the CFF 1.2.0 schema.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import bibtexparser
import citeproc
import jsonschema
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string

import litatlas
from litatlas.cli import main
from litatlas.load.atlas import load_atlas
from litatlas.load.project import load_settings, read_config
from litatlas.model.atlas import Atlas
from litatlas.model.record import Record
from litatlas.site import citations, routes
from litatlas.site.build import render_pages
from litatlas.site.context import SiteContext
from litatlas.site.pages import downloads as exports

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


@functools.lru_cache(maxsize=1)
def bundled() -> Atlas:
    atlas, _problems = load_atlas(load_settings(ROOT))
    assert atlas is not None and atlas.records
    return atlas


@functools.lru_cache(maxsize=1)
def built() -> dict[str, str]:
    return render_pages(bundled())


@functools.lru_cache(maxsize=1)
def keys() -> dict[str, str]:
    return citations.citation_keys(bundled().records)


def by_id() -> dict[str, Record]:
    return {r.id: r for r in bundled().records}


def mkdocs_config() -> dict:
    return read_config(ROOT / "mkdocs.yml")


def test_every_file_is_there() -> None:
    files = built()
    for name in exports.ATLAS_FILES:
        assert f"downloads/{name}" in files
    for rec in bundled().records:
        assert f"papers/{rec.id}.bib" in files and f"papers/{rec.id}.ris" in files
    assert routes.DOWNLOADS in files
    assert "navigator.clipboard" in files[routes.CITE_SCRIPT]


# ----- BibTeX


def test_atlas_bib_parses_with_both_parsers_and_matches_the_records() -> None:
    text = built()["downloads/atlas.bib"]
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    data = parse_string(text, "bibtex")  # pybtex raises on a duplicate key
    assert [e.key for e in library.entries] == list(data.entries) == [keys()[r.id] for r in bundled().records]
    records = {keys()[r.id]: r for r in bundled().records}
    for entry in library.entries:
        rec = records[entry.key]
        fields = {f.key: f.value for f in entry.fields}
        assert fields["year"] == str(rec.year)
        assert fields.get("doi") == rec.get("doi")
        assert fields.get("pmid") == rec.get("pmid")
        assert fields.get("volume") == rec.get("volume")
        assert (fields.get("pages") or "").replace("--", "-") == (rec.get("pages") or "")
        assert data.entries[entry.key].fields["title"] == fields["title"]
        assert len(data.entries[entry.key].persons.get("author", [])) == len(rec.list("authors")) + bool(
            rec.get("authors_incomplete")
        )


def test_each_paper_bib_is_its_entry_of_the_atlas_bib() -> None:
    files = built()
    atlas_entries = files["downloads/atlas.bib"]
    for rec in bundled().records:
        one = files[f"papers/{rec.id}.bib"]
        assert one == citations.bibtex(rec, keys()[rec.id])
        assert one in atlas_entries
        library = bibtexparser.parse_string(one)
        assert library.failed_blocks == [] and [e.key for e in library.entries] == [keys()[rec.id]]


# ----- RIS


def test_atlas_ris_parses_and_matches_the_records() -> None:
    text = built()["downloads/atlas.ris"]
    assert not re.search(r"(?m)^\d+\.?\s*$", text), "no numbered header lines"
    entries = rispy.loads(text)
    assert len(entries) == len(bundled().records)
    for entry, rec in zip(entries, bundled().records):
        assert entry["title"] == rec.title
        assert entry["year"] == str(rec.year)
        assert entry.get("doi") == rec.get("doi")
        assert entry.get("accession_number") == rec.get("pmid")
        assert entry.get("journal_name") == rec.get("journal")
        assert len(entry.get("authors", [])) == len(rec.list("authors"))


def test_each_paper_ris_parses_alone() -> None:
    for rec in bundled().records:
        [entry] = rispy.loads(built()[f"papers/{rec.id}.ris"])
        assert entry["title"] == rec.title


# ----- CSL-JSON


def test_atlas_csl_json_is_valid_csl_data() -> None:
    items = json.loads(built()["downloads/atlas-csl.json"])
    schema = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.Draft3Validator.check_schema(schema)
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft3Validator(schema).iter_errors(items)]
    assert errors == []
    assert [item["id"] for item in items] == [keys()[r.id] for r in bundled().records]
    for item, rec in zip(items, bundled().records):
        assert item["title"] == rec.title
        assert item["issued"] == {"date-parts": [[rec.year]]}
        assert item.get("DOI") == rec.get("doi") and item.get("PMID") == rec.get("pmid")
        assert item.get("container-title") == rec.get("journal")
        assert item.get("page") == rec.get("pages")
        families = [a.get("family") or a.get("literal") for a in item.get("author", [])]
        assert families == [(citations.parse_name(a).family or citations.parse_name(a).literal) for a in rec.list("authors")]


def test_citeproc_formats_every_csl_item() -> None:
    items = json.loads(built()["downloads/atlas-csl.json"])
    styles = Path(citeproc.__file__).parent / "data" / "styles"
    style = CitationStylesStyle(str(next(styles.glob("*.csl"))), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    by_key = {keys()[r.id]: r for r in bundled().records}
    for text in rendered:
        matches = [r for r in by_key.values() if r.title[:40] in text]
        assert matches, text
        assert any(str(r.year) in text for r in matches)


# ----- JSON and CSV


def test_atlas_json_holds_every_field_of_every_record() -> None:
    document = json.loads(built()["downloads/atlas.json"])
    assert document["version"] == litatlas.__version__
    assert document["data_date"] == max(r.added for r in bundled().records)
    assert document["count"] == len(document["records"]) == len(bundled().records)
    for item, rec in zip(document["records"], bundled().records):
        assert item["id"] == rec.id and item["citation_key"] == keys()[rec.id]
        assert item["page_url"] == f"https://litatlas.github.io/msc-cancer-atlas/papers/{rec.id}/"
        assert {k: v for k, v in item.items() if k not in ("id", "citation_key", "page_url")} == json.loads(
            json.dumps(rec.data, default=str)
        )


def _uncell(text: str) -> str:
    return text[1:] if text[:2] in {"'" + c for c in "=+-@\t\r"} else text


def test_atlas_csv_has_a_row_per_record_with_its_fields() -> None:
    rows = list(csv.DictReader(io.StringIO(built()["downloads/atlas.csv"], newline="")))
    assert len(rows) == len(bundled().records)
    columns = list(rows[0])
    assert columns[:2] == ["id", "citation_key"] and "title" in columns and "cancer_types" in columns
    for row, rec in zip(rows, bundled().records):
        assert row["id"] == rec.id
        for name, value in rec.data.items():
            items = [item["url"] if isinstance(item, dict) else item for item in value] if isinstance(value, list) else None
            expected = exports.LIST_SEPARATOR.join(map(str, items)) if items is not None else str(value)
            if isinstance(value, bool):
                expected = "true" if value else "false"
            assert _uncell(row[name]) == expected, name


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    atlas = bundled()
    rec = Record(
        "made-2020-formula", "made-2020-formula.yml", {**atlas.records[0].data, "title": '=HYPERLINK("x")', "notes": "+1"}
    )
    text = exports.atlas_csv(SiteContext(replace(atlas, records=[rec])))
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["title"] == '\'=HYPERLINK("x")' and row["notes"] == "'+1"


# ----- the Downloads page and CITATION.cff


def _cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    schema = json.loads((DATA / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(_cff(), default=str))  # YAML dates become strings, as the schema asks
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [
        f"{list(e.path)}: {e.message}"
        for e in jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(data)
    ]
    assert errors == []


def test_citation_cff_agrees_with_the_package_and_the_site() -> None:
    cff, config = _cff(), mkdocs_config()
    assert str(cff["version"]) == litatlas.__version__
    assert cff["title"] == config["site_name"]
    assert cff["repository-code"] == config["repo_url"]
    assert cff["url"] == config["site_url"]
    assert cff["license"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "litatlas contributors"}]
    assert "MIT" in cff["abstract"]


def test_downloads_page_links_every_file_with_its_size_and_count() -> None:
    page = built()[routes.DOWNLOADS]
    total = len(bundled().records)
    for name in exports.ATLAS_FILES:
        row = next(line for line in page.splitlines() if line.startswith(f"| [{name}]({name})"))
        size = len(built()[f"downloads/{name}"].encode("utf-8"))
        assert f"| {total} |" in row
        assert re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), row).rstrip(" |").endswith(exports._size(size))  # noqa: SLF001


def test_how_to_cite_matches_citation_cff() -> None:
    page = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), built()[routes.DOWNLOADS])
    cff = _cff()
    cite = page.split("## How to cite", 1)[1]
    newest = max(r.added for r in bundled().records)
    assert f"{cff['title']}, version {cff['version']} (data of {newest})" in cite
    assert cff["authors"][0]["name"] in cite
    assert cff["url"] in cite
    assert f"[CITATION.cff]({cff['repository-code']}/blob/main/CITATION.cff)" in cite
    bib = cite.split("<pre><code>", 1)[1].split("</code></pre>", 1)[0].replace("&amp;", "&")
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    [entry] = library.entries
    assert entry.fields_dict["version"].value == litatlas.__version__
    assert parse_string(bib, "bibtex").entries[entry.key].fields["year"] == newest[:4]


def test_the_site_builds_with_the_cli(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "CITATION.cff").unlink(missing_ok=True)
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    assert (out / "downloads" / "atlas.bib").is_file() and (out / "assets" / "litatlas-cite.js").is_file()
    paper = (out / "papers" / "karnoub-2007-msc-ccl5-breast-metastasis.md").read_text(encoding="utf-8")
    assert '<a href="../karnoub-2007-msc-ccl5-breast-metastasis.bib">BibTeX (.bib)</a>' in paper
    # The copy has no CITATION.cff: the page still says how to cite, from the site's own settings.
    downloads = (out / "downloads" / "index.md").read_text(encoding="utf-8")
    assert "## How to cite" in downloads and "CITATION.cff" not in downloads


def test_site_address_follows_use_directory_urls() -> None:
    settings = bundled().settings
    assert routes.site_address(settings, "papers/x.md") == "https://litatlas.github.io/msc-cancer-atlas/papers/x/"
    assert routes.site_address(settings, "new/index.md") == "https://litatlas.github.io/msc-cancer-atlas/new/"
    assert routes.site_address(settings, "feeds/atlas.xml") == "https://litatlas.github.io/msc-cancer-atlas/feeds/atlas.xml"
    flat = replace(settings, use_directory_urls=False)
    assert routes.site_address(flat, "papers/x.md") == "https://litatlas.github.io/msc-cancer-atlas/papers/x.html"
    assert routes.site_address(replace(settings, site_url=""), "papers/x.md") == ""
