"""`litatlas status`: has a paper been retracted or corrected since it was curated, and where do its trials stand?

For every record with a DOI, Crossref's /works/{doi} lists the notices that update the work (`updated-by`:
retractions, corrections, expressions of concern; Retraction Watch data arrives this way). For every record that
names trial registrations (the configuration's `status.trials_field`), the ClinicalTrials.gov API v2 gives the
status, phases and last update. The results go into curation/status.yml with the date checked; the site marks
retracted papers, leaves them out of the evidence counts and shows trial status. The file is written only when
every question was answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import urllib.parse
from typing import Any

from litatlas.contrib import net
from litatlas.contrib.files import dump, write_atomic
from litatlas.load.atlas import load_atlas
from litatlas.load.curation import status_path
from litatlas.model.curation import Status, Trial, Update
from litatlas.model.errors import LitatlasError
from litatlas.model.problems import errors
from litatlas.model.settings import Settings

CROSSREF_WORKS = "https://api.crossref.org/works/"
CTGOV_STUDIES = "https://clinicaltrials.gov/api/v2/studies/"
HEADER = """\
# Written by `litatlas status`: notices that update each record's paper (Crossref `updated-by`: retractions,
# corrections, expressions of concern) and the registry status of the trials records name. Run it again rather
# than editing; the weekly workflow proposes the refreshed file as a pull request.
"""


class StatusError(LitatlasError):
    """A service answered something the command cannot read; nothing was written."""


def _date(parts: Any) -> str:
    """Crossref's {"date-parts": [[2012, 5, 8]]} as '2012-05-08' (or as much of it as is given)."""
    try:
        numbers = [int(p) for p in parts["date-parts"][0]]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    return "-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(numbers[:3]))


def paper_updates(client: net.Client, doi: str) -> tuple[Update, ...] | None:
    """The notices that update the work with this DOI; None when Crossref does not know the DOI."""
    response = client.get(CROSSREF_WORKS + urllib.parse.quote(doi, safe="/"), accept="application/json")
    if response.status == 404:
        return None
    if response.status != 200:
        raise StatusError(f"api.crossref.org answered HTTP {response.status} for DOI {doi}; nothing changed")
    try:
        message = json.loads(response.body)["message"]
        entries = message.get("updated-by") or []
        if not isinstance(entries, list):
            raise TypeError("updated-by is not a list")
        updates = tuple(
            Update(
                kind=str(entry["type"]).lower(),
                doi=str(entry.get("DOI") or ""),
                date=_date(entry.get("updated") or {}),
                source=str(entry.get("source") or ""),
            )
            for entry in entries
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StatusError(f"unexpected answer from api.crossref.org for DOI {doi} ({exc}); nothing changed") from None
    return tuple(dict.fromkeys(updates))  # Crossref repeats a notice once per source


def trial_status(client: net.Client, trial_id: str) -> Trial | None:
    """The registry status of a ClinicalTrials.gov study; None when the registry does not know the id."""
    response = client.get(CTGOV_STUDIES + urllib.parse.quote(trial_id, safe=""), accept="application/json")
    if response.status == 404:
        return None
    if response.status != 200:
        raise StatusError(f"clinicaltrials.gov answered HTTP {response.status} for {trial_id}; nothing changed")
    try:
        protocol = json.loads(response.body)["protocolSection"]
        module = protocol["statusModule"]
        phases = protocol.get("designModule", {}).get("phases") or []
        return Trial(
            id=trial_id,
            status=str(module.get("overallStatus") or ""),
            phases=tuple(str(p) for p in phases),
            last_update=str((module.get("lastUpdatePostDateStruct") or {}).get("date") or ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StatusError(f"unexpected answer from clinicaltrials.gov for {trial_id} ({exc}); nothing changed") from None


def status_text(status: Status, checked_dois: int, unknown: list[str]) -> str:
    papers = {
        record_id: {"updates": [{"type": u.kind, "doi": u.doi, "date": u.date, "source": u.source} for u in updates]}
        for record_id, updates in sorted(status.papers.items())
        if updates
    }
    trials = {
        trial.id: {"status": trial.status, "phases": list(trial.phases), "last_update": trial.last_update}
        for trial in sorted(status.trials.values(), key=lambda t: t.id)
    }
    data: dict[str, Any] = {"checked": status.checked, "dois_checked": checked_dois, "papers": papers, "trials": trials}
    if unknown:
        data["not_found"] = sorted(unknown)
    return HEADER + dump(data)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    atlas, problems = load_atlas(settings)
    if atlas is None or errors(problems):
        raise StatusError("the atlas has problems; run `litatlas validate` first")
    email = net.contact_email(args.email, atlas.config.contact)
    crossref = net.Client(email=email, timeout=args.timeout, min_interval=0.05)
    registry = net.Client(email=email, timeout=args.timeout, min_interval=0.2)
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    status = Status(checked=today.isoformat())
    unknown: list[str] = []
    checked = 0
    for record in atlas.records:
        doi = record.get("doi")
        if not doi:
            continue
        updates = paper_updates(crossref, str(doi))
        checked += 1
        if updates is None:
            unknown.append(f"{record.id} (DOI {doi})")
        elif updates:
            status.papers[record.id] = updates
    field = atlas.config.trials_field
    for trial_id in sorted({v for r in atlas.records for v in (r.values(field) if field else [])}):
        trial = trial_status(registry, trial_id)
        if trial is None:
            unknown.append(trial_id)
        else:
            status.trials[trial_id] = trial
    path = status_path(settings)
    text = status_text(status, checked, unknown)
    retracted = [rid for rid in status.papers if status.is_retracted(rid)]
    print(f"{checked} DOIs checked with Crossref, {len(status.trials)} trials with ClinicalTrials.gov")
    for record_id in retracted:
        print(f"retracted: {record_id}")
    for record_id in sorted(set(status.papers) - set(retracted)):
        print(f"notice: {record_id} ({', '.join(u.label.lower() for u in status.papers[record_id])})")
    for item in unknown:
        print(f"not found: {item}")
    if args.dry_run:
        print("dry run: the status file was not changed")
        return 0
    write_atomic(path, text)
    print(f"wrote {settings.display(path)}")
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    status = sub.add_parser(
        "status",
        help="check Crossref for retractions and corrections, and ClinicalTrials.gov for trial status (network)",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    status.add_argument("--email", help=f"contact e-mail for the User-Agent (default: site.contact, then ${net.EMAIL_ENV})")
    status.add_argument("--timeout", type=float, default=net.DEFAULT_TIMEOUT, help="seconds per request")
    status.add_argument("--dry-run", action="store_true", help="report what was found, write nothing")
    status.add_argument("--today", help=argparse.SUPPRESS)
    status.set_defaults(handler=cmd_status)
