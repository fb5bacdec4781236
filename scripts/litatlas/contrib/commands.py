"""The contributor commands `litatlas new`, `litatlas import` and `litatlas fetch`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from litatlas.contrib import fetching
from litatlas.contrib.importing import FORMATS, ImportFailed, Reference, parse_file
from litatlas.contrib.importing.duplicates import RecordIndex
from litatlas.contrib.importing.reference import normalise_pages, normalise_title
from litatlas.contrib.skeleton import propose_record_id, render_record
from litatlas.load.configfile import load_config
from litatlas.load.project import ProjectNotFound, load_settings
from litatlas.model.config import AtlasConfig
from litatlas.model.errors import LitatlasError
from litatlas.model.settings import Settings
from litatlas.model.text import DOI, IDENTIFIER, PMCID, PMID, clean_text, name_from_display, normalise_doi

__all__ = [
    "ContribError",
    "add_contrib_subcommands",
    "cmd_fetch",
    "cmd_import",
    "cmd_new",
    "create_records",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_NEXT_STEP = "next: fill in the curated fields (effect, topics, summary, ...), then run `litatlas validate`"


class ContribError(LitatlasError):
    """A problem the contributor must fix; the message is printed as it is."""


def atlas_config(settings: Settings) -> AtlasConfig | None:
    """The atlas configuration for prompts and ids, or None when it cannot be read (`validate` reports why)."""
    config, _problems = load_config(settings.config_path, settings.display(settings.config_path))
    return config


def _settings(settings: Settings | None, command: str) -> Settings | None:
    """The project's settings (records folder, configuration) as given by the CLI, else found from cwd."""
    if settings is not None:
        return settings
    try:
        return load_settings(Path.cwd())
    except ProjectNotFound as error:
        print(f"litatlas {command}: {error}", file=sys.stderr)
        return None


def _shown(path: Path) -> str:
    """Path as the contributor typed it best: relative to the working folder when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# ---------------------------------------------------------------------------------------------
# Shared path: references -> duplicate check -> file names -> skeletons -> files


@dataclass
class _Planned:
    ref: Reference
    path: Path
    text: str


def _where(ref: Reference) -> str:
    """FILE:LINE for references read from files; fetched and typed-in ones have no line (0)."""
    if ref.source_path and ref.source_line:
        return f"{ref.source_path}:{ref.source_line}"
    return ref.source_path or "(new record)"


def create_records(
    refs: Sequence[Reference],
    settings: Settings,
    *,
    dry_run: bool = False,
    skip_duplicates: bool = False,
    record_id: str | None = None,
    suffix_on_clash: bool = True,
    today: dt.date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    created: list[Path] | None = None,
) -> int:
    """Write one record skeleton per reference into the records folder; all-or-nothing unless skipping.

    The paths written are appended to `created` when it is given.

    Duplicates (of existing records or of an earlier reference in the same batch) and retracted
    papers are refused with the place of the reference and the path of the record it repeats.
    Files are opened with mode 'x': an existing file is never overwritten.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    records_dir = settings.records_dir
    index = RecordIndex.from_folder(records_dir)
    for path in index.unreadable:
        print(f"warning: {_shown(Path(path))} could not be read; duplicates against it are not checked", file=err)

    problems: list[str] = []
    accepted: list[Reference] = []
    for ref in refs:
        if ref.retracted:
            problems.append(f"{_where(ref)}: {ref.label()} is marked as retracted; the atlas leaves retracted papers out")
            continue
        duplicate = index.find(ref)
        if duplicate is not None:
            where = duplicate.where
            shown = _shown(Path(where)) if Path(where).is_file() else where
            problems.append(f"{_where(ref)}: {ref.label()} is already in {shown} (same {duplicate.reason})")
            continue
        index.add_reference(f"{_where(ref)} (earlier in this batch)", ref)
        accepted.append(ref)

    refused = len(problems)
    for line in problems:
        print(line, file=err)
    if refused and not skip_duplicates:
        print("nothing written", file=err)
        return EXIT_FAILED

    config = atlas_config(settings)
    abbreviations = dict(config.abbreviations) if config is not None else {}
    planned: list[_Planned] = []
    taken: set[str] = set()
    for ref in accepted:
        first = ref.authors[0] if ref.authors else None
        base = record_id or propose_record_id(first, ref.year, ref.title, abbreviations)
        name, n = base, 1
        while (records_dir / f"{name}.yml").exists() or name in taken:
            if not suffix_on_clash:
                print(
                    f"{_shown(records_dir / f'{name}.yml')} already exists; choose another name with --id",
                    file=err,
                )
                return EXIT_FAILED
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        text = render_record(ref, records_dir=records_dir, config=config, today=today, root=settings.root)
        planned.append(_Planned(ref, records_dir / f"{name}.yml", text))

    if dry_run:
        for item in planned:
            print(f"would create {_shown(item.path)}:", file=out)
            print(item.text, file=out)
        print(f"dry run: {len(planned)} record(s) not written", file=out)
        return EXIT_OK

    records_dir.mkdir(parents=True, exist_ok=True)
    for item in planned:
        try:
            with open(item.path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(item.text)
        except FileExistsError:
            # Someone wrote the same name since the check above; stop rather than overwrite.
            print(f"{_shown(item.path)} appeared while writing; stopped, nothing overwritten", file=err)
            return EXIT_FAILED
        print(f"created {_shown(item.path)}", file=out)
        if created is not None:
            created.append(item.path)
    if planned:
        print(_NEXT_STEP, file=out)
    # Reaching here with refusals means --skip-duplicates: the contributor asked for a partial import.
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# litatlas import


def cmd_import(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """`litatlas import FILE... [--dry-run] [--format F] [--skip-duplicates]`."""
    project = _settings(settings, "import")
    if project is None:
        return EXIT_USAGE
    refs: list[Reference] = []
    failures: list[ImportFailed] = []
    # Parse every file before writing anything, and report every bad file, not just the first.
    for file in args.files:
        try:
            refs.extend(parse_file(file, getattr(args, "format", None)))
        except ImportFailed as error:
            failures.append(error)
    if failures:
        for failure in failures:
            print(f"{failure.path}:{failure.line}: {failure.message}", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return EXIT_FAILED
    return create_records(refs, project, dry_run=args.dry_run, skip_duplicates=getattr(args, "skip_duplicates", False))


# ---------------------------------------------------------------------------------------------
# litatlas fetch


def cmd_fetch(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """`litatlas fetch --pmid N / --doi D [--email E] [--timeout S] [--dry-run]`."""
    pmids: list[str] = list(args.pmid or [])
    dois: list[str] = list(args.doi or [])
    if not pmids and not dois:
        print("litatlas fetch: error: give --pmid N or --doi D", file=sys.stderr)
        return EXIT_USAGE
    project = _settings(settings, "fetch")
    if project is None:
        return EXIT_USAGE
    email = fetching.contact_email(args.email)
    if email is None:
        print(
            f"note: no contact e-mail; pass --email or set {fetching.EMAIL_ENV} (NCBI and Crossref ask for one)",
            file=sys.stderr,
        )
    refs: list[Reference] = []
    try:
        if pmids:
            refs.extend(fetching.fetch_pmids(pmids, email, args.timeout))
        for doi in dois:
            refs.append(fetching.fetch_doi(doi, email, args.timeout))
    except fetching.FetchFailed as error:
        print(f"litatlas fetch: {error}", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return EXIT_FAILED
    return create_records(refs, project, dry_run=args.dry_run, skip_duplicates=getattr(args, "skip_duplicates", False))


# ---------------------------------------------------------------------------------------------
# litatlas new


@dataclass
class _Field:
    name: str
    prompt: str
    required: bool = False


_NEW_FIELDS = [
    _Field("title", "Title", required=True),
    _Field("authors", "Authors, PubMed style, separated by ';' (Karnoub AE; Dash AB)"),
    _Field("journal", "Journal"),
    _Field("year", "Year", required=True),
    _Field("volume", "Volume"),
    _Field("issue", "Issue"),
    _Field("pages", "Pages (557-563 or e4992)"),
    _Field("doi", "DOI (10.xxxx/...)"),
    _Field("pmid", "PMID"),
    _Field("pmcid", "PMCID (PMC...)"),
    _Field("type", "Publication type"),
]


def _split_authors(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for piece in re.split(r";", value):
            piece = clean_text(piece)
            if piece:
                names.append(name_from_display(piece) if " " in piece else piece)
    return names


def _reference_from_answers(answers: dict[str, Any], type_ids: list[str]) -> Reference:
    """Validate `new`'s answers; raises ContribError naming the first bad one."""
    title = normalise_title(answers.get("title"))
    if not title:
        raise ContribError("a title is required (--title)")
    year_text = clean_text(str(answers.get("year") or "")) or ""
    if not re.fullmatch(r"\d{4}", year_text) or not 1900 <= int(year_text) <= dt.date.today().year:
        raise ContribError(f"year must be a four-digit year between 1900 and {dt.date.today().year}: {year_text!r}")
    # The same patterns `litatlas validate` applies, so `new` never writes what validation refuses.
    doi = normalise_doi(answers.get("doi"))
    if doi and not DOI.match(doi):
        raise ContribError(f"DOI must look like 10.xxxx/...: {doi!r}")
    pmid = clean_text(answers.get("pmid"))
    if pmid and not PMID.match(pmid):
        raise ContribError(f"PMID must be digits: {pmid!r}")
    pmcid = clean_text(answers.get("pmcid"))
    if pmcid and not PMCID.match(pmcid):
        raise ContribError(f"PMCID must be PMC followed by digits: {pmcid!r}")
    kind = clean_text(answers.get("type"))
    if kind and type_ids and kind not in type_ids:
        raise ContribError(f"type must be one of {', '.join(type_ids)}: {kind!r}")
    return Reference(
        title=title,
        authors=_split_authors(answers.get("authors") or []),
        authors_incomplete=bool(answers.get("authors_incomplete")),
        journal=clean_text(answers.get("journal")),
        year=int(year_text),
        volume=clean_text(answers.get("volume")),
        issue=clean_text(answers.get("issue")),
        pages=normalise_pages(answers.get("pages")),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        type=kind,
        source_path="litatlas new",
        source_line=0,
    )


def _ask_missing(answers: dict[str, Any], type_ids: list[str], ask: Callable[[str], str]) -> None:
    for spec in _NEW_FIELDS:
        present = answers.get(spec.name)
        if present:
            continue
        hint = f" [{' | '.join(type_ids)}]" if spec.name == "type" and type_ids else ""
        mark = " (required)" if spec.required else ""
        reply = ask(f"{spec.prompt}{hint}{mark}: ").strip()
        if spec.name == "authors":
            answers["authors"] = [reply] if reply else []
        else:
            answers[spec.name] = reply or None


def cmd_new(args: argparse.Namespace, settings: Settings | None = None, ask: Callable[[str], str] | None = None) -> int:
    """`litatlas new`: a record from answers (prompts, or options with --no-input)."""
    ask = ask or input
    project = _settings(settings, "new")
    if project is None:
        return EXIT_USAGE
    config = atlas_config(project)
    type_ids = [t.id for t in config.publication_types] if config is not None else []
    abbreviations = dict(config.abbreviations) if config is not None else {}
    answers: dict[str, Any] = {
        "title": args.title,
        "authors": list(args.author or []),
        "authors_incomplete": args.authors_incomplete,
        "journal": args.journal,
        "year": args.year,
        "volume": args.volume,
        "issue": args.issue,
        "pages": args.pages,
        "doi": args.doi,
        "pmid": args.pmid,
        "pmcid": args.pmcid,
        "type": args.type,
    }
    record_id = args.id
    try:
        if not args.no_input:
            _ask_missing(answers, type_ids, ask)
        ref = _reference_from_answers(answers, type_ids)
        proposed = record_id or propose_record_id(ref.authors[0] if ref.authors else None, ref.year, ref.title, abbreviations)
        if not args.no_input and not record_id:
            reply = ask(f"File name [{proposed}.yml]: ").strip()
            record_id = reply.removesuffix(".yml") if reply else proposed
        record_id = record_id or proposed
    except EOFError:
        print("litatlas new: no answer on standard input; use --no-input with the options", file=sys.stderr)
        return EXIT_USAGE
    except ContribError as error:
        print(f"litatlas new: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not IDENTIFIER.match(record_id):
        print(
            f"litatlas new: error: record id must be lower-case ASCII letters, digits and hyphens: {record_id!r}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return create_records([ref], project, dry_run=args.dry_run, record_id=record_id, suffix_on_clash=False)


# ---------------------------------------------------------------------------------------------
# Registration


def add_contrib_subcommands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `new`, `import` and `fetch`.

    Each parser sets both `handler` (called as handler(args, settings) by litatlas.cli) and `func`
    (called as func(args), settings then found from the working folder) to its command function.
    """
    new = subparsers.add_parser(
        "new",
        help="write a new record from answers or options",
        description="Ask for a paper's bibliographic fields (or take them as options with --no-input), "
        "propose the file name and write a record skeleton into records/. Never overwrites a file.",
    )
    new.add_argument("--title")
    new.add_argument("--author", action="append", metavar="NAME", help="PubMed style ('Karnoub AE'); repeat per author")
    new.add_argument("--authors-incomplete", action="store_true", help="the author list is cut (et al.)")
    new.add_argument("--journal")
    new.add_argument("--year")
    new.add_argument("--volume")
    new.add_argument("--issue")
    new.add_argument("--pages")
    new.add_argument("--doi")
    new.add_argument("--pmid")
    new.add_argument("--pmcid")
    new.add_argument("--type", help="publication type id from the atlas configuration (research-article, review, ...)")
    new.add_argument("--id", help="record id (file name without .yml) instead of the proposed one")
    new.add_argument("--no-input", action="store_true", help="do not ask; take everything from the options")
    new.add_argument("--dry-run", action="store_true", help="print the record instead of writing it")
    new.set_defaults(func=cmd_new, handler=cmd_new)

    imp = subparsers.add_parser(
        "import",
        help="create records from MEDLINE/.nbib, RIS, BibTeX, CSL-JSON or a copied PubMed page",
        description="Create one record skeleton per reference in the files. All files are read first: "
        "if one cannot be read, nothing is written and the place is shown as FILE:LINE: message. "
        "References already in records/ (same DOI, PMID or title) are refused.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", choices=sorted(FORMATS), help="skip format detection")
    imp.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    imp.add_argument("--skip-duplicates", action="store_true", help="write the new references, skip duplicates")
    imp.set_defaults(func=cmd_import, handler=cmd_import)

    fetch = subparsers.add_parser(
        "fetch",
        help="look a paper up by PMID (PubMed) or DOI (Crossref) and create its record",
        description="Fetch references online (NCBI E-utilities for PMIDs, Crossref for DOIs) and create "
        f"records as `import` does. The contact e-mail comes from --email or ${fetching.EMAIL_ENV}.",
    )
    fetch.add_argument("--pmid", action="append", metavar="N", help="PubMed id; repeatable")
    fetch.add_argument("--doi", action="append", metavar="D", help="DOI; repeatable")
    fetch.add_argument("--email", help=f"contact e-mail for the User-Agent (default ${fetching.EMAIL_ENV})")
    fetch.add_argument("--timeout", type=float, default=fetching.DEFAULT_TIMEOUT, help="seconds per request")
    fetch.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    fetch.add_argument("--skip-duplicates", action="store_true", help="write the new references, skip duplicates")
    fetch.set_defaults(func=cmd_fetch, handler=cmd_fetch)
