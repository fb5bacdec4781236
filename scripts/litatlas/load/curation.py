"""Read the curators' files: the screening queue (curation/screening.yml) and the status file (curation/status.yml).

Both are checked like records: a malformed entry is reported as path:line: where: what is wrong. A missing file
is an empty queue or an empty status, not a problem.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from litatlas.load.yamlsource import Located, load_file
from litatlas.model.config import AtlasConfig
from litatlas.model.curation import Candidate, Queue, Run, Status, Trial, Update
from litatlas.model.problems import Problem, field_path
from litatlas.model.settings import Settings

QUEUE_FILE = "screening.yml"
STATUS_FILE = "status.yml"
BIBLIOGRAPHY = ("pmid", "doi", "title", "authors", "authors_incomplete", "journal", "year", "volume", "issue", "pages")
BIBLIOGRAPHY += ("pmcid", "type", "retracted")
DECISIONS = ("include", "exclude")


def queue_path(settings: Settings) -> Path:
    return settings.curation_dir / QUEUE_FILE


def status_path(settings: Settings) -> Path:
    return settings.curation_dir / STATUS_FILE


class _Reader:
    def __init__(self, located: Located, display: str) -> None:
        self.located = located
        self.display = display
        self.problems: list[Problem] = []

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.display, self.located.line(path), field_path(path, "file"), message))

    def entries(self, data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail((key,), "must be a list")
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                found.append((i, item))
            else:
                self.fail((key, i), "must be a mapping")
        return found

    def date(self, item: dict[str, Any], key: str, path: tuple[Any, ...], required: bool = True) -> str:
        value = item.get(key)
        if isinstance(value, dt.date):
            return value.isoformat()
        if value is None and not required:
            return ""
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail((*path, key), f"must be a date written YYYY-MM-DD, not {value!r}")
            return ""

    def whole(self, item: dict[str, Any], key: str, path: tuple[Any, ...]) -> int:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail((*path, key), "must be a whole number")
            return 0
        return value


def load_queue(path: Path, display: str, config: AtlasConfig | None = None) -> tuple[Queue, list[Problem]]:
    """The screening queue; reasons and queries are checked against the configuration when it is given."""
    if not path.exists():
        return Queue(), []
    located, problems = load_file(path, display)
    if located is None:
        return Queue(), problems
    reader = _Reader(located, display)
    data = located.value if isinstance(located.value, dict) else {}
    if not isinstance(located.value, dict):
        reader.fail((), "the screening queue must be a mapping with runs and candidates")
    screening = config.screening if config is not None else None
    queries = {q.id for q in screening.queries} if screening else None
    reasons = screening.reason_map if screening else None
    queue = Queue()
    for i, item in reader.entries(data, "runs"):
        path = ("runs", i)
        run = Run(
            date=reader.date(item, "date", path),
            query=str(item.get("query") or ""),
            start=reader.date(item, "from", path),
            end=reader.date(item, "to", path),
            identified=reader.whole(item, "identified", path),
            duplicates=reader.whole(item, "duplicates", path),
        )
        if run.duplicates > run.identified:
            reader.fail((*path, "duplicates"), "cannot be more than identified")
        queue.runs.append(run)
    for i, item in reader.entries(data, "candidates"):
        path = ("candidates", i)
        decision = str(item.get("decision") or "")
        if decision and decision not in DECISIONS:
            reader.fail((*path, "decision"), f"must be include or exclude (or left out while undecided), not {decision!r}")
        reason = str(item.get("reason") or "")
        if decision == "exclude" and not reason:
            reader.fail((*path, "reason"), "an excluded paper needs a reason" + _choices(reasons))
        elif reason and reasons is not None and reason not in reasons:
            reader.fail((*path, "reason"), f"unknown reason {reason!r}" + _choices(reasons))
        query = str(item.get("query") or "")
        if queries is not None and query and query not in queries:
            reader.fail((*path, "query"), f"no saved query {query!r} in the atlas configuration")
        if not item.get("title"):
            reader.fail(path, "a candidate needs its title")
        queue.candidates.append(
            Candidate(
                data={k: item[k] for k in BIBLIOGRAPHY if item.get(k) not in (None, "", [])},
                query=query,
                found=reader.date(item, "found", path),
                decision=decision,
                reason=reason,
                record=str(item.get("record") or ""),
                decided=reader.date(item, "decided", path, required=False),
                note=str(item.get("note") or ""),
                line=located.line(path),
            )
        )
    identified = sum(run.identified - run.duplicates for run in queue.runs)
    if queue.runs and identified != len(queue.candidates):
        reader.fail(("candidates",), f"the runs added {identified} candidates but the queue holds {len(queue.candidates)}")
    return queue, problems + reader.problems


def _choices(reasons: dict[str, Any] | None) -> str:
    return f" ({', '.join(reasons)})" if reasons else ""


def load_status(path: Path, display: str) -> tuple[Status, list[Problem]]:
    """What `litatlas status` last found; an absent file is an empty status."""
    if not path.exists():
        return Status(), []
    located, problems = load_file(path, display)
    if located is None:
        return Status(), problems
    reader = _Reader(located, display)
    data = located.value if isinstance(located.value, dict) else {}
    if not isinstance(located.value, dict):
        reader.fail((), "the status file must be a mapping with checked, papers and trials")
    status = Status(checked=reader.date(data, "checked", (), required=False))
    papers = data.get("papers") or {}
    if not isinstance(papers, dict):
        reader.fail(("papers",), "must be a mapping of record ids")
        papers = {}
    for record_id, entry in papers.items():
        updates = []
        for j, item in enumerate(entry.get("updates") or [] if isinstance(entry, dict) else []):
            if not isinstance(item, dict) or not item.get("type"):
                reader.fail(("papers", record_id, "updates", j), "an update needs its type (retraction, correction, ...)")
                continue
            updates.append(
                Update(
                    kind=str(item["type"]),
                    doi=str(item.get("doi") or ""),
                    date=str(item.get("date") or ""),
                    source=str(item.get("source") or ""),
                )
            )
        status.papers[str(record_id)] = tuple(updates)
    trials = data.get("trials") or {}
    if not isinstance(trials, dict):
        reader.fail(("trials",), "must be a mapping of registration ids")
        trials = {}
    for trial_id, entry in trials.items():
        entry = entry if isinstance(entry, dict) else {}
        phases = entry.get("phases") or []
        status.trials[str(trial_id)] = Trial(
            id=str(trial_id),
            status=str(entry.get("status") or ""),
            phases=tuple(str(p) for p in phases) if isinstance(phases, list) else (),
            last_update=str(entry.get("last_update") or ""),
        )
    return status, problems + reader.problems
