"""Map a 2018/19 report to RDF: the integrated assessment's one inspection per force, with every pillar in it.

PEEL 2018/19 inspected a force once and published one report; the inspectorate's site also shows it a pillar
at a time ("Norfolk PEEL 2018" with its effectiveness questions). Either text maps into the cycle's inspection
``/id/inspection/2018-19/{force}`` (never a per-pillar inspection): the report is ``/id/report/2018-19/{force}``
(a pillar's page ``…/{force}/{pillar}``), a stated grade the judgement ``/id/judgement/2018-19/{force}/{pillar}``
(the pillar's headline) or ``…/{pillar}/{n}``, on the four-level scale, and the statements are numbered like
2014–2017's with the cycle in the place of the year (``/id/finding/2018-19/{force}/{pillar}/{n}/{k}``), tagged
with themes and organisations as theirs are. Decision: ``docs/decisions/0018-integrated-assessments-2018-19.md``.
"""

from __future__ import annotations

from datetime import date

from rdflib import Graph, Literal, URIRef

from kg.link.cycle_judgements import inspection_iri, judgement_iri
from kg.link.cycle_mapping import CYCLE_LABELS, cycle_iri
from kg.link.mapping import (
    PUBLISHER,
    ReportContext,
    StatementPlace,
    repeated_section_triples,
    statement_triples,
)
from kg.model import Report
from kg.namespaces import DCTERMS, GRAPH, ID, OGL, PEEL, PROV, RDF, RDFS, XSD, force_iri, grade_iri, pillar_iri, slugify

INTEGRATED_CYCLE = "2018-19"


def integrated_report_iri(force: str, pillar: str | None) -> URIRef:
    """``/id/report/2018-19/{force}``, or ``…/{pillar}`` for one pillar's page of it.

    >>> [str(integrated_report_iri("norfolk", p)).rsplit("/id/", 1)[1] for p in (None, "efficiency")]
    ['report/2018-19/norfolk', 'report/2018-19/norfolk/efficiency']
    """
    return ID[f"report/{INTEGRATED_CYCLE}/{force}" + (f"/{pillar}" if pillar else "")]


def integrated_report_graph(force: str, pillar: str | None) -> URIRef:
    return GRAPH[f"report/{INTEGRATED_CYCLE}/{force}" + (f"/{pillar}" if pillar else "")]


def question_pillar(report: Report, at: int) -> str | None:
    """The pillar of the report's question ``at``: its own in an integrated report, else the report's."""
    return report.questions[at].pillar or report.pillar


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _str(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def integrated_report_triples(graph: Graph, report: Report, ctx: ReportContext, question_labels: list[str]) -> set[str]:
    """Add a 2018/19 report, the cycle's inspection, the judgements it states and its statements; return the
    organisations its statements name. ``ctx.questions`` numbers each question within its pillar;
    ``question_labels`` are the questions' names for the judgements' labels."""
    fid, page_pillar = ctx.force.police_uk_id, slugify(report.pillar) if report.pillar else None
    inspection, node = inspection_iri(INTEGRATED_CYCLE, fid), integrated_report_iri(fid, page_pillar)
    title = f"{ctx.force.short_name} PEEL {CYCLE_LABELS[INTEGRATED_CYCLE]}"
    common = ((PEEL.force, force_iri(fid)), (PEEL.year, _int(report.year)), (PEEL.cycle, cycle_iri(INTEGRATED_CYCLE)))
    for p, o in ((RDF.type, PEEL.Inspection), (RDFS.label, _str(f"{title} inspection")), (PEEL.report, node),
                 *common):
        graph.add((inspection, p, o))
    report_title = f"{title}: {report.pillar}" if report.pillar else title
    for p, o in ((RDF.type, PEEL.Report), (DCTERMS.title, _str(report_title)), (RDFS.label, _str(report_title)),
                 (DCTERMS.source, URIRef(ctx.source_url)), (PEEL.inspection, inspection), (DCTERMS.license, OGL),
                 (DCTERMS.publisher, PUBLISHER), *common):
        graph.add((node, p, o))
    if page_pillar:
        graph.add((node, PEEL.pillar, pillar_iri(page_pillar)))
    if ctx.published:
        graph.add((node, DCTERMS.issued, Literal(date.fromisoformat(ctx.published))))
    if report.last_updated:
        graph.add((node, DCTERMS.modified, Literal(date.fromisoformat(report.last_updated))))
    pillars = [slugify(question_pillar(report, at) or "") for at in range(len(report.questions))]
    repeated_section_triples(graph, report, ctx, node, [f"{p}-{n}" for p, (n, _q) in zip(pillars, ctx.questions,
                                                                                        strict=True)])
    named: set[str] = set()
    for question, pillar, (number, question_node), label in zip(report.questions, pillars, ctx.questions,
                                                                 question_labels, strict=True):
        place = StatementPlace(INTEGRATED_CYCLE, pillar, number, question_node, inspection, node)
        named |= statement_triples(graph, question, place, ctx)
        if question.grade is None:
            continue  # a judgement only where the text states a grade (the reference rows may add the rest)
        judgement = judgement_iri(INTEGRATED_CYCLE, fid, pillar, number)
        for p, o in ((RDF.type, PEEL.Judgement), (RDFS.label, _str(f"{title}: {label}")),
                     (PEEL.question, question_node), (PEEL.inspection, inspection), (PEEL.pillar, pillar_iri(pillar)),
                     (PEEL.grade, grade_iri(slugify(question.grade))), (DCTERMS.source, URIRef(ctx.source_url)),
                     (PROV.wasDerivedFrom, node), *common):
            graph.add((judgement, p, o))
    return named
