"""Map a report of a later cycle (:mod:`kg.parse.cycle_report`) to RDF, with the identifiers of DESIGN.md.

One inspection per force and cycle (``/id/inspection/{cycle}/{force}``), a judgement per area of policing
(``/id/judgement/{cycle}/{force}/{area}``) graded on the five-level scale or carrying a
``peel:notGradedReason``, and the report's statements: findings and areas for improvement per area
(``/id/finding/{cycle}/{force}/{area}/{k}``, ``/id/improvement/…``), causes of concern, recommendations and
innovative practice numbered through the report (``/id/concern/{cycle}/{force}/{k}``,
``/id/recommendation/…``, ``/id/practice/…``). A cause of concern ``peel:leadsTo`` the recommendations
that follow it. Nodes say their ``peel:cycle`` where older ones say their pillar.
"""

from __future__ import annotations

from datetime import date

from rdflib import Graph, Literal, URIRef

from kg.link.mapping import PUBLISHER, link_statement
from kg.link.partners import PartnerFinder
from kg.link.themes import ThemeTagger
from kg.model import ForceRecord, Passage, Report
from kg.namespaces import DCTERMS, GRAPH, ID, OGL, PEEL, PROV, RDF, RDFS, XSD, force_iri, grade_iri, slugify
from kg.parse.cycle_report import areas_of

CYCLE_LABELS = {"2018-19": "2018/19", "2021-22": "2021/22", "2023-25": "2023–2025"}
NOT_GRADED_REASON = "Not graded in this cycle"


def cycle_iri(cycle: str) -> URIRef:
    return ID[f"cycle/{cycle}"]


def area_judgement_iri(cycle: str, force: str, area: URIRef) -> URIRef:
    """``/id/judgement/{cycle}/{force}/{area}``: a force's judgement on an area of policing."""
    return ID[f"judgement/{cycle}/{force}/{str(area).rsplit('/', 1)[-1]}"]


def cycle_report_graph(cycle: str, force: str) -> URIRef:
    return GRAPH[f"report/{cycle}/{force}"]


def five_level_grade_iri(grade: str) -> URIRef:
    """``/id/grade/peel-2021-adequate`` for "Adequate": the five-level scale's concept, never the four-level one."""
    return grade_iri(f"peel-2021-{slugify(grade)}")


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _str(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def cycle_report_triples(graph: Graph, report: Report, force: ForceRecord, source_url: str,
                         published: str | None, *, tagger: ThemeTagger | None = None,
                         partners: PartnerFinder | None = None) -> set[str]:
    """Add the report of a later cycle, its inspection, judgements and statements; with ``tagger`` and
    ``partners``, tag its statements' themes and link the organisations they name, as a 2014–2017 report's
    are (:func:`kg.link.mapping.link_statement`). Return the slugs of the organisations named."""
    named: set[str] = set()
    if report.cycle is None:
        raise ValueError(f"{report.path}: not a report of a later cycle")
    cycle, fid = report.cycle, force.police_uk_id
    inspection, node = ID[f"inspection/{cycle}/{fid}"], ID[f"report/{cycle}/{fid}"]
    title = f"{force.short_name} PEEL {CYCLE_LABELS.get(cycle, cycle)}"
    common = ((PEEL.force, force_iri(fid)), (PEEL.year, _int(report.year)), (PEEL.cycle, cycle_iri(cycle)))
    for p, o in ((RDF.type, PEEL.Inspection), (RDFS.label, _str(f"{title} inspection")), (PEEL.report, node),
                 *common):
        graph.add((inspection, p, o))
    for p, o in ((RDF.type, PEEL.Report), (DCTERMS.title, _str(title)), (RDFS.label, _str(title)),
                 (DCTERMS.source, URIRef(source_url)), (PEEL.inspection, inspection), (DCTERMS.license, OGL),
                 (DCTERMS.publisher, PUBLISHER), *common):
        graph.add((node, p, o))
    if published:
        graph.add((node, DCTERMS.issued, Literal(date.fromisoformat(published))))
    if report.last_updated:
        graph.add((node, DCTERMS.modified, Literal(date.fromisoformat(report.last_updated))))
    areas = {a.label: a for a in areas_of(cycle)}
    counters = {"causes_of_concern": 0, "recommendations": 0, "practices": 0}
    for question in report.questions:
        area = areas[question.heading]
        slug = str(area.iri).rsplit("/", 1)[-1]
        if question.grade is not None or question.not_graded:  # no grade in the text: no judgement from it
            judgement = area_judgement_iri(cycle, fid, area.iri)
            for p, o in ((RDF.type, PEEL.Judgement), (RDFS.label, _str(f"{title}: {area.label}")),
                         (PEEL.question, area.iri), (PEEL.inspection, inspection),
                         (DCTERMS.source, URIRef(source_url)), (PROV.wasDerivedFrom, node), *common):
                graph.add((judgement, p, o))
            graph.add((judgement, PEEL.grade, five_level_grade_iri(question.grade)) if question.grade is not None
                      else (judgement, PEEL.notGradedReason, _str(NOT_GRADED_REASON)))
        minted: dict[str, list[URIRef]] = {}
        for attr, cls, local in (("paragraphs", PEEL.Finding, True), ("areas_for_improvement",
                                 PEEL.AreaForImprovement, True), ("causes_of_concern", PEEL.CauseOfConcern, False),
                                 ("recommendations", PEEL.Recommendation, False),
                                 ("practices", PEEL.InnovativePractice, False)):
            passages: list[Passage] = getattr(question, attr)
            kind = {"paragraphs": "finding", "areas_for_improvement": "improvement", "causes_of_concern": "concern",
                    "recommendations": "recommendation", "practices": "practice"}[attr]
            for k, passage in enumerate(passages, start=1):
                if local:
                    statement, ordinal = ID[f"{kind}/{cycle}/{fid}/{slug}/{k}"], k
                else:
                    counters[attr] += 1
                    statement, ordinal = ID[f"{kind}/{cycle}/{fid}/{counters[attr]}"], counters[attr]
                minted.setdefault(attr, []).append(statement)
                for p, o in ((RDF.type, cls), (PEEL.text, _str(passage.text)), (PEEL.sourceReport, node),
                             (PROV.wasDerivedFrom, node), (PEEL.startOffset, _int(passage.start)),
                             (PEEL.endOffset, _int(passage.end)), (PEEL.line, _int(passage.line)),
                             (PEEL.ordinal, _int(ordinal)), (PEEL.question, area.iri),
                             (PEEL.inspection, inspection), (PEEL.force, force_iri(fid))):
                    graph.add((statement, p, o))
                if tagger is not None and partners is not None:
                    named |= link_statement(graph, statement, passage.text, fid, source_url, tagger, partners)
        for concern_k, recommendation_k in question.concern_actions:
            graph.add((minted["causes_of_concern"][concern_k - 1], PEEL.leadsTo,
                       minted["recommendations"][recommendation_k - 1]))
    return named
