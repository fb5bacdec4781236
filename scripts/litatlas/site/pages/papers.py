"""One page per paper, with its citation block, classification, sources and related papers; and its .bib and .ris."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from litatlas.model.curation import Trial
from litatlas.model.record import Record
from litatlas.model.text import doi_url, h, md, pmc_url, pubmed_url, template_url, url
from litatlas.site import citations, routes
from litatlas.site.context import Content, SiteContext


@dataclass(frozen=True)
class PaperCitation:
    key: str
    bib_path: str
    ris_path: str
    html: Markup


def build(ctx: SiteContext) -> dict[str, Content]:
    pages: dict[str, Content] = {}
    for record in ctx.records:
        path = routes.paper(record.id)
        make = functools.partial(paper_page, ctx, record)
        if ctx.memo is not None:
            pages[path] = ctx.made(path, functools.partial(paper_inputs, ctx, record), make)
        else:
            pages[path] = ctx.later(make)
        pages[routes.paper_file(record.id, "bib")] = ctx.bibtex(record)
        pages[routes.paper_file(record.id, "ris")] = ctx.ris(record)
    return pages


def paper_inputs(ctx: SiteContext, record: Record) -> tuple[object, ...]:
    """Everything a paper page shows that can change between builds, besides the configuration and templates."""
    status = ctx.atlas.status
    related = tuple(map(ctx.facts, ctx.related(record)))
    trials = tuple(status.trials.get(t) for t in record.values(ctx.config.trials_field)) if ctx.config.trials_field else ()
    return (record.digest, related, ctx.citation_keys[record.id], status.papers.get(record.id), status.checked, trials)


def paper_page(ctx: SiteContext, record: Record) -> str:
    here = routes.paper(record.id)
    config = ctx.config
    verdict = config.verdict_field
    settings = ctx.settings
    status = ctx.atlas.status
    retraction = status.retraction(record.id)
    return ctx.render(
        "paper.md.j2",
        here,
        rec=record,
        retraction=retraction,
        notices=[(u, doi_url(u.doi) if u.doi else "") for u in status.notices(record.id)],
        notice_url=doi_url(retraction.doi) if retraction is not None and retraction.doi else "",
        checked=status.checked,
        verdict=verdict.term_map.get(record.get(verdict.id, "")) if verdict else None,
        groups=evidence_groups(ctx, record),
        related=ctx.related(record),
        classification=classification(ctx, here, record),
        citation=md(citations.citation_text(record)),
        cite=paper_citation(ctx, record),
        links=identifier_links(record),
        sources=source_links(record),
        edit_url=routes.record_source_url(settings, record.filename, edit=True),
        correction_url=routes.correction_url(settings, record.id),
        source_url=routes.record_source_url(settings, record.filename),
    )


def evidence_groups(ctx: SiteContext, record: Record) -> list[tuple[str, str]]:
    """(group label, the groups of the record's terms) for each field that names groups ('Evidence': 'In vitro, ...')."""
    out = []
    for field in ctx.config.fields:
        if not field.group_label:
            continue
        terms = (field.term_map.get(v) for v in record.values(field.id))
        groups = list(dict.fromkeys(term.group for term in terms if term is not None and term.group))
        if groups:
            out.append((field.group_label, ", ".join(groups)))
    return out


def classification(ctx: SiteContext, here: str, record: Record) -> list[tuple[str, Markup]]:
    """The rows of a paper page's Classification table: (label, escaped value), fields without a value left out."""
    config = ctx.config
    verdict = config.verdict_field
    rows: list[tuple[str, Markup]] = []
    if verdict is not None and record.get(verdict.id):
        rows.append((verdict.label, value_cell(ctx, here, record, verdict.id)))
    rows.append(("Topics", ctx.subtopic_links(here, record)))
    for field in config.fields:
        if field is verdict or record.get(field.id) in (None, [], ""):
            continue
        label = field.plural if field.multi and len(record.values(field.id)) > 1 else field.label
        rows.append((label, value_cell(ctx, here, record, field.id)))
    rows.append(("Year", ctx.facet_links(here, record, "year")))
    return rows


def value_cell(ctx: SiteContext, here: str, record: Record, field_id: str) -> Markup:
    field = ctx.config.field(field_id)
    if field.browse:
        return ctx.facet_links(here, record, field_id)
    if field.kind == "identifier" and field.link:
        trials = ctx.atlas.status.trials if field_id == ctx.config.trials_field else {}
        return Markup(", ").join(_identifier(v, field.link, trials.get(v)) for v in record.values(field_id))
    if field.kind == "number":
        value = record.get(field_id)
        return md(f"{value:g} {field.unit}".strip() if isinstance(value, float) else f"{value} {field.unit}".strip())
    return ctx.labels(record, field_id)


def _identifier(value: str, link: str, trial: Trial | None) -> Markup:
    """An identifier linked to its registry, with the registry's status when `litatlas status` has fetched it."""
    made = Markup(f'<a href="{h(template_url(link, value))}">{md(value)}</a>')  # noqa: S704 - escaped
    if trial is None:
        return made
    facts = [trial.status_label, trial.phase_label, f"updated {trial.last_update}" if trial.last_update else ""]
    return made + Markup(" (") + md(" · ".join(f for f in facts if f)) + Markup(")")


def identifier_links(record: Record) -> list[tuple[str, str, str]]:
    """(kind, label, url) for every identifier the record has; urls are built, never copied."""
    links = []
    if record.get("doi"):
        links.append(("DOI", record["doi"], doi_url(record["doi"])))
    if record.get("pmid"):
        links.append(("PubMed", record["pmid"], pubmed_url(record["pmid"])))
    if record.get("pmcid"):
        links.append(("PMC", record["pmcid"], pmc_url(record["pmcid"])))
    if record.get("url"):
        links.append(("Publisher page", "link", url(record["url"])))
    return links


def source_links(record: Record) -> list[tuple[str, str, str]]:
    """(host name, url, confirmed fields) of each page the record's facts were checked against."""
    links = []
    for source in record.get("sources") or []:
        host = urlsplit(source["url"]).hostname or source["url"]
        links.append((host.removeprefix("www."), url(source["url"]), ", ".join(source.get("fields") or [])))
    return links


def paper_citation(ctx: SiteContext, record: Record) -> PaperCitation:
    """The citation block of a paper page: Copy BibTeX button, the BibTeX itself, COinS and JSON-LD.

    Built by code: every record value is escaped for where it lands (HTML text, URL query, JSON in <script>).
    """
    settings = ctx.settings
    entry = html.escape(ctx.bibtex(record).rstrip("\n"), quote=False)
    data = citations.json_ld(
        record,
        page_url=routes.site_address(settings, routes.paper(record.id)),
        site_name=settings.site_name,
        site_url=settings.site_url,
    )
    block = "\n".join(
        [
            '<div class="la-cite">',
            # Shown by litatlas-cite.js: without JavaScript there is no button, only the BibTeX below.
            '<button type="button" class="md-button la-copy" data-la-copy="bibtex" style="display: none">Copy BibTeX</button>',
            '<span class="la-copy-status" role="status"></span>',
            f'<details class="la-bibtex"><summary>BibTeX</summary><pre><code>{entry}</code></pre></details>',
            citations.coins_span(record),
            citations.json_ld_script(data),
            "</div>",
        ]
    )
    key = ctx.citation_keys[record.id]
    bib, ris = routes.paper_file(record.id, "bib"), routes.paper_file(record.id, "ris")
    return PaperCitation(key, bib, ris, Markup(block))  # noqa: S704 - escaped above
