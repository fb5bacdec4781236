"""`litatlas screen` and `litatlas decide`: new papers from saved PubMed queries, screened in the open.

`screen` runs each saved query of the atlas configuration through E-utilities (esearch over a date window, then
efetch MEDLINE for the new ids), sets aside every paper already in records/, already in the queue or already
decided (by PMID, DOI and normalised title), and appends the rest to curation/screening.yml with its bibliography
and the query that found it, never its abstract. `decide` includes a candidate (a record skeleton through the
importer, which refuses duplicates) or excludes it with a reason from the configuration; decisions stay in the
queue, so a paper is never proposed twice. The queue is written only when the whole run succeeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litatlas.contrib import net
from litatlas.contrib.commands import create_records
from litatlas.contrib.files import dump, write_atomic
from litatlas.contrib.importing import ImportFailed, Reference, medline
from litatlas.contrib.importing.duplicates import RecordIndex
from litatlas.load.configfile import load_config
from litatlas.load.curation import BIBLIOGRAPHY, load_queue, queue_path
from litatlas.model.config import AtlasConfig, Query
from litatlas.model.curation import Candidate, Queue, Run
from litatlas.model.errors import LitatlasError, UsageError
from litatlas.model.problems import errors
from litatlas.model.settings import Settings
from litatlas.model.text import IDENTIFIER

ESEARCH_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
EFETCH_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
RETMAX = 10_000  # esearch's largest page: a weekly window of any sensible query stays far below it
BATCH = 200  # ids per efetch request
HEADER = """\
# The screening queue of the atlas, written by `litatlas screen` (never by hand, except decisions).
# Decide each candidate here or with `litatlas decide PMID --include` / `--exclude REASON`:
#   decision: include            (then `litatlas decide --apply` writes its record skeleton)
#   decision: exclude
#   reason: <an exclusion reason id from records/atlas.yml>
# Decided papers stay here, so the same paper is never proposed again.
"""


class ScreeningError(LitatlasError):
    """The run could not be completed; nothing was written."""


@dataclass
class Outcome:
    """What one query found in this run."""

    query: Query
    run: Run
    added: list[Candidate]


# ----- reading and writing the queue


def _load(settings: Settings, config: AtlasConfig) -> Queue:
    path = queue_path(settings)
    queue, problems = load_queue(path, settings.display(path), config)
    if errors(problems):
        raise ScreeningError("the screening queue has problems; fix them first:\n" + "\n".join(map(str, errors(problems))))
    return queue


def queue_text(queue: Queue) -> str:
    runs = [
        {
            "date": run.date,
            "query": run.query,
            "from": run.start,
            "to": run.end,
            "identified": run.identified,
            "duplicates": run.duplicates,
        }
        for run in queue.runs
    ]
    candidates = []
    for candidate in queue.candidates:
        entry: dict[str, Any] = {k: candidate.data[k] for k in BIBLIOGRAPHY if candidate.data.get(k) not in (None, "", [])}
        entry["query"] = candidate.query
        entry["found"] = candidate.found
        for key in ("decision", "reason", "decided", "record", "note"):
            if getattr(candidate, key):
                entry[key] = getattr(candidate, key)
        candidates.append(entry)
    return HEADER + dump({"runs": runs, "candidates": candidates})


def _save(settings: Settings, queue: Queue) -> None:
    write_atomic(queue_path(settings), queue_text(queue))


# ----- PubMed


def search(client: net.Client, query: Query, start: dt.date, end: dt.date) -> list[str]:
    """PMIDs of the papers that entered PubMed in the window (Entrez date), newest first."""
    params = {
        "db": "pubmed",
        "term": query.term,
        "datetype": "edat",
        "mindate": start.strftime("%Y/%m/%d"),
        "maxdate": end.strftime("%Y/%m/%d"),
        "retmax": str(RETMAX),
        "retmode": "json",
        "tool": "litatlas",
    }
    if client.email:
        params["email"] = client.email
    response = client.get(ESEARCH_URL, params, accept="application/json")
    host = "eutils.ncbi.nlm.nih.gov"
    if response.status != 200:
        raise ScreeningError(f"{host} answered HTTP {response.status} to the query {query.id!r}; nothing changed")
    try:
        answer = json.loads(response.body)
        result = answer["esearchresult"]
        if "ERROR" in result:
            raise ScreeningError(f"PubMed refused the query {query.id!r}: {result['ERROR']}; nothing changed")
        ids = [str(i) for i in result["idlist"]]
        count = int(result["count"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ScreeningError(f"unexpected answer from {host} to the query {query.id!r} ({exc}); nothing changed") from None
    if not all(i.isdigit() for i in ids):
        raise ScreeningError(f"unexpected answer from {host}: ids that are not PMIDs; nothing changed")
    if count > len(ids):
        raise ScreeningError(
            f"the query {query.id!r} found {count} papers in the window, more than one page ({RETMAX}): "
            "narrow it or screen a shorter window (--since); nothing changed"
        )
    return ids


def fetch(client: net.Client, pmids: list[str]) -> list[Reference]:
    """The MEDLINE records of these PMIDs, in batches."""
    found: list[Reference] = []
    for start in range(0, len(pmids), BATCH):
        batch = pmids[start : start + BATCH]
        params = {"db": "pubmed", "id": ",".join(batch), "rettype": "medline", "retmode": "text", "tool": "litatlas"}
        if client.email:
            params["email"] = client.email
        response = client.get(EFETCH_URL, params)
        if response.status != 200:
            raise ScreeningError(f"eutils.ncbi.nlm.nih.gov answered HTTP {response.status} to efetch; nothing changed")
        try:
            found.extend(medline.parse("PubMed efetch", response.text()))
        except ImportFailed as exc:
            raise ScreeningError(
                f"could not read the MEDLINE answer of eutils.ncbi.nlm.nih.gov: {exc.message}; nothing changed"
            ) from None
    missing = set(pmids) - {r.pmid for r in found}
    if missing:
        raise ScreeningError(f"PubMed returned no record for PMID {', '.join(sorted(missing))}; nothing changed")
    return found


def _candidate(ref: Reference, query: Query, today: dt.date) -> Candidate:
    data = {
        "pmid": ref.pmid,
        "doi": ref.doi,
        "title": ref.title,
        "authors": list(ref.authors),
        "authors_incomplete": ref.authors_incomplete or None,
        "journal": ref.journal,
        "year": ref.year,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": ref.pages,
        "pmcid": ref.pmcid,
        "type": ref.type,
        "retracted": ref.retracted or None,
    }
    return Candidate({k: v for k, v in data.items() if v not in (None, "", [])}, query.id, today.isoformat())


# ----- the screening run


def screen(
    settings: Settings,
    config: AtlasConfig,
    client: net.Client,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    only: str | None = None,
) -> tuple[Queue, list[Outcome]]:
    """Run the saved queries; the new queue and what each query added. Nothing is written here."""
    if config.screening is None or not config.screening.queries:
        raise UsageError(f"{config.path} has no saved queries: add a `screening:` section (see the README)")
    queries = [q for q in config.screening.queries if only in (None, q.id)]
    if not queries:
        raise UsageError(f"no saved query {only!r}; the atlas has {', '.join(q.id for q in config.screening.queries)}")
    queue = _load(settings, config)
    known = RecordIndex.from_folder(settings.records_dir)
    for candidate in queue.candidates:
        data = candidate.data
        known.add(f"the screening queue (line {candidate.line})", data.get("doi"), data.get("pmid"), data.get("title"))
    outcomes = []
    for query in queries:
        last = max((dt.date.fromisoformat(r.end) for r in queue.runs if r.query == query.id), default=None)
        start = since or (last + dt.timedelta(days=1) if last else today - dt.timedelta(days=config.screening.days))
        end = until or today
        if start > end:
            raise UsageError(f"nothing to screen for {query.id!r}: the window starts {start} and ends {end}")
        ids = search(client, query, start, end)
        fresh = [pmid for pmid in ids if known.find(Reference(title="", pmid=pmid)) is None]
        added = []
        for ref in fetch(client, fresh):
            if known.find(ref) is not None:  # the same DOI or title under another PMID
                continue
            candidate = _candidate(ref, query, today)
            known.add_reference(f"this run ({query.id})", ref)
            added.append(candidate)
        run = Run(today.isoformat(), query.id, start.isoformat(), end.isoformat(), len(ids), len(ids) - len(added))
        queue.runs.append(run)
        queue.candidates.extend(added)
        outcomes.append(Outcome(query, run, added))
    return queue, outcomes


def summary_markdown(outcomes: list[Outcome], config: AtlasConfig) -> str:
    """The body of the weekly pull request: what each query found, and the new candidates as a checklist."""
    lines = ["## New papers to screen", ""]
    for outcome in outcomes:
        run = outcome.run
        lines.append(
            f"- **{outcome.query.label}** ({run.start} to {run.end}): {run.identified} found, "
            f"{run.duplicates} already known, {len(outcome.added)} new"
        )
    added = [c for o in outcomes for c in o.added]
    lines.append("")
    if added:
        reasons = ", ".join(f"`{r.id}`" for r in config.screening.reasons) if config.screening else ""
        lines += [
            "Decide each paper in `curation/screening.yml` (`decision: include`, or `decision: exclude` with a `reason`: "
            f"{reasons}), or run `litatlas decide PMID --include` / `--exclude REASON`.",
            "",
        ]
        for candidate in added:
            journal = f" *{candidate.data['journal']}*" if candidate.data.get("journal") else ""
            lines.append(
                f"- [ ] PMID [{candidate.pmid}](https://pubmed.ncbi.nlm.nih.gov/{candidate.pmid}/) · "
                f"{_one_line(candidate.title)} ·{journal} {candidate.data.get('year', '')}".rstrip()
            )
    else:
        lines.append("No new papers this time.")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


# ----- commands


def _config(settings: Settings) -> AtlasConfig:
    config, problems = load_config(settings.config_path, settings.display(settings.config_path))
    if config is None:
        raise ScreeningError("the atlas configuration has problems; run `litatlas validate`:\n" + "\n".join(map(str, problems)))
    return config


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date written YYYY-MM-DD") from None


def cmd_screen(args: argparse.Namespace, settings: Settings) -> int:
    config = _config(settings)
    email = net.contact_email(args.email, config.contact)
    client = net.Client(email=email, timeout=args.timeout, min_interval=0.34)  # NCBI: at most 3 requests a second
    today = _date(args.today) or dt.date.today()
    queue, outcomes = screen(settings, config, client, today, _date(args.since), _date(args.until), args.query)
    for outcome in outcomes:
        run = outcome.run
        print(
            f"{outcome.query.id}: {run.identified} found from {run.start} to {run.end}, "
            f"{run.duplicates} already known, {len(outcome.added)} new"
        )
    if args.summary:
        Path(args.summary).write_text(summary_markdown(outcomes, config), encoding="utf-8")
    if args.dry_run:
        print("dry run: the screening queue was not changed")
        return 0
    _save(settings, queue)
    added = sum(len(o.added) for o in outcomes)
    print(f"{settings.display(queue_path(settings))}: {added} new candidate(s), {len(queue.pending)} awaiting a decision")
    return 0


def _reference(candidate: Candidate) -> Reference:
    data = candidate.data
    return Reference(
        title=str(data["title"]),
        authors=list(data.get("authors") or []),
        authors_incomplete=bool(data.get("authors_incomplete")),
        journal=data.get("journal"),
        year=data.get("year"),
        volume=data.get("volume"),
        issue=data.get("issue"),
        pages=data.get("pages"),
        doi=data.get("doi"),
        pmid=str(data["pmid"]) if data.get("pmid") else None,
        pmcid=data.get("pmcid"),
        type=data.get("type"),
        source_path=f"PMID {data.get('pmid')}",
        source_line=0,
    )


def _include(settings: Settings, candidate: Candidate, record_id: str | None, today: dt.date) -> bool:
    written: list[Path] = []
    code = create_records(
        [_reference(candidate)], settings, record_id=record_id, suffix_on_clash=record_id is None, created=written
    )
    if code != 0 or not written:
        return False
    candidate.decision, candidate.record, candidate.decided = "include", written[0].stem, today.isoformat()
    return True


def cmd_decide(args: argparse.Namespace, settings: Settings) -> int:
    config = _config(settings)
    queue = _load(settings, config)
    today = _date(args.today) or dt.date.today()
    if args.apply:
        waiting = [c for c in queue.candidates if c.decision == "include" and not c.record]
        done = [c for c in waiting if _include(settings, c, None, today)]
        _save(settings, queue)
        print(f"{len(done)} record skeleton(s) written for the included papers of the queue")
        return 0 if len(done) == len(waiting) else 1
    if not args.pmids or (args.include == bool(args.exclude)):
        raise UsageError("give one or more PMIDs and either --include or --exclude REASON (or --apply)")
    reasons = config.screening.reason_map if config.screening else {}
    if args.exclude and args.exclude not in reasons:
        raise UsageError(f"unknown reason {args.exclude!r}; the atlas's reasons are {', '.join(reasons) or 'none'}")
    if args.id and (len(args.pmids) > 1 or not IDENTIFIER.match(args.id)):
        raise UsageError("--id names one record: lower-case words joined by hyphens, for one PMID")
    by_pmid = {c.pmid: c for c in queue.candidates}
    problems = []
    for pmid in args.pmids:
        candidate = by_pmid.get(pmid)
        if candidate is None:
            problems.append(f"PMID {pmid} is not in the screening queue")
        elif candidate.decision:
            problems.append(f"PMID {pmid} was already decided ({candidate.decision} on {candidate.decided or 'an earlier day'})")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("nothing changed", file=sys.stderr)
        return 1
    failed = False
    for pmid in args.pmids:
        candidate = by_pmid[pmid]
        if args.exclude:
            candidate.decision, candidate.reason, candidate.decided = "exclude", args.exclude, today.isoformat()
            candidate.note = args.note or candidate.note
            print(f"PMID {pmid}: excluded ({reasons[args.exclude].label})")
        elif not _include(settings, candidate, args.id, today):
            failed = True
    _save(settings, queue)
    return 1 if failed else 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    screen_ = sub.add_parser(
        "screen",
        help="run the saved PubMed queries and add new papers to the screening queue (network)",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    screen_.add_argument("--since", help="first day of the window, YYYY-MM-DD (default: the day after the last run)")
    screen_.add_argument("--until", help="last day of the window, YYYY-MM-DD (default: today)")
    screen_.add_argument("--query", help="run only this saved query")
    screen_.add_argument("--email", help=f"contact e-mail for the User-Agent (default: site.contact, then ${net.EMAIL_ENV})")
    screen_.add_argument("--timeout", type=float, default=net.DEFAULT_TIMEOUT, help="seconds per request")
    screen_.add_argument("--summary", help="also write a Markdown summary with a checklist (the weekly pull request's body)")
    screen_.add_argument("--dry-run", action="store_true", help="show what would be added, change nothing")
    screen_.add_argument("--today", help=argparse.SUPPRESS)  # for reproducible runs and tests
    screen_.set_defaults(handler=cmd_screen)

    decide = sub.add_parser("decide", help="include or exclude papers of the screening queue")
    decide.add_argument("pmids", nargs="*", metavar="PMID")
    decide.add_argument("--include", action="store_true", help="write a record skeleton for each (refusing duplicates)")
    decide.add_argument("--exclude", metavar="REASON", help="exclude them, with a reason id from the configuration")
    decide.add_argument("--note", help="a short note kept with an exclusion")
    decide.add_argument("--id", help="record id (file name) for the one included paper")
    decide.add_argument("--apply", action="store_true", help="write the skeletons of papers marked include in the file")
    decide.add_argument("--today", help=argparse.SUPPRESS)
    decide.set_defaults(handler=cmd_decide)
