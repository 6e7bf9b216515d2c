"""Map the parsed sources to RDF: one named graph per report, one for the reference facts.

Pure functions from ``kg.model`` records (and the vocabulary) to rdflib graphs; nothing here
reads files.  Terms are those of ``ontology/peel.ttl``; IRIs those of ``kg.namespaces``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.link.judgements import JudgementFacts
from kg.link.partners import Organisation, PartnerFinder
from kg.link.themes import ThemeTagger
from kg.model import GRADES, ForceRecord, Passage, Question, Report
from kg.namespaces import (
    DCTERMS,
    ID,
    OGL,
    ONS_GEOGRAPHY,
    ORG,
    OWL,
    PEEL,
    POLICE_UK_FORCE,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    cause_of_concern_iri,
    finding_iri,
    force_iri,
    grade_iri,
    improvement_iri,
    inspection_iri,
    judgement_iri,
    organisation_iri,
    pillar_iri,
    question_iri,
    recommendation_iri,
    report_iri,
    scheme_iri,
    slugify,
)

PUBLISHER = organisation_iri("hmicfrs")
PUBLISHER_NAME = "HM Inspectorate of Constabulary and Fire & Rescue Services"
WIKIDATA = "http://www.wikidata.org/entity/"


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _str(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def force_triples(graph: Graph, force: ForceRecord) -> None:
    iri = force_iri(force.police_uk_id)
    facts: list[tuple[URIRef, Node]] = [
        (RDF.type, PEEL.Force), (RDF.type, ORG.Organization), (RDFS.label, _str(force.name)),
        (SKOS.prefLabel, _str(force.name)), (SKOS.altLabel, _str(force.short_name)),
        (PEEL.policeUkId, _str(force.police_uk_id)), (PEEL.onsCode, _str(force.ons_code)),
        (DCTERMS.spatial, ONS_GEOGRAPHY[force.ons_code]), (SKOS.exactMatch, POLICE_UK_FORCE[force.police_uk_id]),
        *((DCTERMS.source, URIRef(source)) for source in force.sources)]
    if force.region:
        facts.append((PEEL.region, _str(force.region)))
    if force.wikidata_id:
        item = URIRef(WIKIDATA + force.wikidata_id)
        facts += [(PEEL.wikidataId, _str(force.wikidata_id)), (OWL.sameAs, item), (SKOS.exactMatch, item)]
    for p, o in facts:
        graph.add((iri, p, o))


def publisher_triples(graph: Graph) -> None:
    graph.add((PUBLISHER, RDF.type, ORG.Organization))
    graph.add((PUBLISHER, RDFS.label, _str(PUBLISHER_NAME)))
    graph.add((PUBLISHER, SKOS.altLabel, _str("HMICFRS")))
    graph.add((PUBLISHER, SKOS.altLabel, _str("HMIC")))


def organisation_triples(graph: Graph, org: Organisation) -> None:
    iri = organisation_iri(org.slug)
    graph.add((iri, RDF.type, PEEL.PartnerOrganisation))
    graph.add((iri, RDF.type, ORG.Organization))
    graph.add((iri, RDFS.label, _str(org.label)))
    graph.add((iri, PEEL.organisationType, ID[f"organisation-type/{org.type}"]))


def inspection_triples(graph: Graph, year: int, force: ForceRecord, pillar: str) -> URIRef:
    slug = slugify(pillar)
    iri = inspection_iri(year, force.police_uk_id, slug)
    graph.add((iri, RDF.type, PEEL.Inspection))
    graph.add((iri, RDFS.label, _str(f"{force.short_name} {year} {slug} inspection")))
    graph.add((iri, PEEL.force, force_iri(force.police_uk_id)))
    graph.add((iri, PEEL.year, _int(year)))
    graph.add((iri, PEEL.pillar, pillar_iri(slug)))
    return iri


def judgement_triples(graph: Graph, facts: JudgementFacts, label: str) -> URIRef:
    iri = judgement_iri(facts.year, facts.force, facts.pillar, facts.number)
    graph.add((iri, RDF.type, PEEL.Judgement))
    graph.add((iri, RDFS.label, _str(label)))
    graph.add((iri, PEEL.force, force_iri(facts.force)))
    graph.add((iri, PEEL.year, _int(facts.year)))
    graph.add((iri, PEEL.pillar, pillar_iri(facts.pillar)))
    graph.add((iri, PEEL.question, facts.question))
    graph.add((iri, PEEL.inspection, inspection_iri(facts.year, facts.force, facts.pillar)))
    if facts.grade is not None:
        graph.add((iri, PEEL.grade, grade_iri(slugify(facts.grade))))
    if facts.not_graded_reason is not None:
        graph.add((iri, PEEL.notGradedReason, _str(facts.not_graded_reason)))
    if facts.carried_forward:
        graph.add((iri, PEEL.carriedForward, Literal(True)))
    for source in facts.sources:
        graph.add((iri, DCTERMS.source, URIRef(source)))
    if facts.report is not None:
        graph.add((iri, PROV.wasDerivedFrom, facts.report))
    conflict_triples(graph, iri, label, facts.conflicts,
                     lambda grade: grade_iri(slugify(grade)) if grade in GRADES else None)
    return iri


def conflict_triples(graph: Graph, judgement: URIRef, label: str, conflicts: list[tuple[str, str]],
                     grade_node: Callable[[str], URIRef | None]) -> None:
    """Each (grade, source) that disagrees with ``judgement`` as its own ``peel:GradeClaim``
    (``{judgement}#claim-{k}``), which the judgement links but does not cite."""
    for k, (grade, source) in enumerate(conflicts, start=1):
        claim = URIRef(f"{judgement}#claim-{k}")
        graph.add((claim, RDF.type, PEEL.GradeClaim))
        graph.add((claim, RDFS.label, _str(f"{label}: {grade}, as another source states it")))
        if (node := grade_node(grade)) is not None:  # else "Ungraded", which the label says
            graph.add((claim, PEEL.claimedGrade, node))
        graph.add((claim, DCTERMS.source, URIRef(source)))
        graph.add((claim, PEEL.conflictsWith, judgement))
        graph.add((judgement, PEEL.conflictingClaim, claim))  # so the judgement's documents and page include it


@dataclass(frozen=True)
class ReportContext:
    """What the mapping of one report needs besides the report itself."""

    force: ForceRecord
    source_url: str
    published: str | None
    questions: list[tuple[int, URIRef]]  # (number, IRI) per parsed question
    tagger: ThemeTagger
    partners: PartnerFinder


STATEMENT_KINDS = (
    ("paragraphs", PEEL.Finding, finding_iri),
    ("areas_for_improvement", PEEL.AreaForImprovement, improvement_iri),
    ("causes_of_concern", PEEL.CauseOfConcern, cause_of_concern_iri),
    ("recommendations", PEEL.Recommendation, recommendation_iri),
)


def report_triples(graph: Graph, report: Report, ctx: ReportContext) -> set[str]:
    """Add the report, its inspection link, its questions' statements; return the partners named."""
    force_id, pillar = ctx.force.police_uk_id, slugify(report.pillar_name)
    report_node = report_iri(report.year, force_id, pillar)
    inspection = inspection_triples(graph, report.year, ctx.force, report.pillar_name)
    graph.add((inspection, PEEL.report, report_node))
    graph.add((report_node, RDF.type, PEEL.Report))
    title = f"{ctx.force.short_name} PEEL {report.year}: {report.pillar_name}"
    graph.add((report_node, DCTERMS.title, _str(title)))
    graph.add((report_node, RDFS.label, _str(title)))
    graph.add((report_node, DCTERMS.source, URIRef(ctx.source_url)))
    graph.add((report_node, PEEL.force, force_iri(force_id)))
    graph.add((report_node, PEEL.year, _int(report.year)))
    graph.add((report_node, PEEL.pillar, pillar_iri(pillar)))
    graph.add((report_node, PEEL.inspection, inspection))
    graph.add((report_node, DCTERMS.license, OGL))
    graph.add((report_node, DCTERMS.publisher, PUBLISHER))
    if ctx.published:
        graph.add((report_node, DCTERMS.issued, Literal(date.fromisoformat(ctx.published))))
    if report.last_updated:
        graph.add((report_node, DCTERMS.modified, Literal(date.fromisoformat(report.last_updated))))
    repeated_section_triples(graph, report, ctx, report_node)
    named: set[str] = set()
    for question, (number, question_node) in zip(report.questions, ctx.questions, strict=True):
        place = StatementPlace(report.year, pillar, number, question_node, inspection, report_node)
        named |= statement_triples(graph, question, place, ctx)
    return named


def link_statement(graph: Graph, node: URIRef, text: str, force_id: str, source_url: str, tagger: ThemeTagger,
                   partners: PartnerFinder) -> set[str]:
    """Tag statement ``node`` with the themes its ``text`` is about and link the organisations it names (each
    citing ``source_url``, the page that names it); return the slugs of the organisations named."""
    named: set[str] = set()
    for match in tagger.tag(text):
        tag = URIRef(f"{node}#theme-{str(match.theme).rsplit('/', 1)[-1]}")
        graph.add((node, PEEL.theme, match.theme))
        graph.add((node, PEEL.themeTag, tag))
        graph.add((tag, RDF.type, PEEL.ThemeTag))
        graph.add((tag, PEEL.taggedTheme, match.theme))
        graph.add((tag, PEEL.matchedLabel, _str(match.label)))
    for mention in partners.find(text, exclude_force=force_id):
        target = force_iri(mention.key) if mention.is_force else organisation_iri(mention.key)
        graph.add((node, PEEL.mentions, target))
        graph.add((force_iri(force_id), PEEL.worksWith, target))
        if not mention.is_force:
            named.add(mention.key)
            graph.add((target, DCTERMS.source, URIRef(source_url)))  # the page that names it
    return named


@dataclass(frozen=True)
class StatementPlace:
    """Where a question's statements sit: the identifier parts (``segment``: the year, or from 2018/19 the
    cycle), the question, the inspection and the report they come from."""

    segment: int | str
    pillar: str  # slug
    number: int
    question: URIRef
    inspection: URIRef
    report: URIRef


def statement_triples(graph: Graph, question: Question, place: StatementPlace, ctx: ReportContext) -> set[str]:
    """Add a question's findings, areas for improvement, causes of concern and recommendations, with their
    themes and the organisations they name; return the slugs of the organisations named."""
    force_id = ctx.force.police_uk_id
    named: set[str] = set()
    minted: dict[str, list[URIRef]] = {}
    for attr, cls, mint in STATEMENT_KINDS:
        passages: list[Passage] = getattr(question, attr)
        for k, passage in enumerate(passages, start=1):
            node = mint(place.segment, force_id, place.pillar, place.number, k)
            minted.setdefault(attr, []).append(node)
            graph.add((node, RDF.type, cls))
            graph.add((node, PEEL.text, _str(passage.text)))
            graph.add((node, PEEL.sourceReport, place.report))
            graph.add((node, PROV.wasDerivedFrom, place.report))
            graph.add((node, PEEL.startOffset, _int(passage.start)))
            graph.add((node, PEEL.endOffset, _int(passage.end)))
            graph.add((node, PEEL.line, _int(passage.line)))
            graph.add((node, PEEL.ordinal, _int(k)))
            graph.add((node, PEEL.question, place.question))
            graph.add((node, PEEL.inspection, place.inspection))
            graph.add((node, PEEL.force, force_iri(force_id)))
            named |= link_statement(graph, node, passage.text, force_id, ctx.source_url, ctx.tagger, ctx.partners)
    for concern_k, recommendation_k in question.concern_actions:  # a cause of concern and the actions it leads to
        graph.add((minted["causes_of_concern"][concern_k - 1], PEEL.leadsTo,
                   minted["recommendations"][recommendation_k - 1]))
    return named


def repeated_section_triples(graph: Graph, report: Report, ctx: ReportContext, report_node: URIRef,
                             keys: list[str] | None = None) -> None:
    """Record a section that repeats an earlier one: ``{report}#section-{n}`` is ``peel:duplicateOf`` the
    earlier section, with the span (offsets and line) of the repeated text, which yields no findings.
    ``keys`` name the sections (the question numbers unless given: a report of several pillars gives
    ``{pillar}-{n}``)."""
    names = keys if keys is not None else [str(number) for number, _ in ctx.questions]
    for at, (question, (_number, question_node)) in enumerate(zip(report.questions, ctx.questions, strict=True)):
        if question.duplicate_of is None or not question.repeated:
            continue
        _original_number, original_question = ctx.questions[question.duplicate_of]
        section = URIRef(f"{report_node}#section-{names[at]}")
        original = URIRef(f"{report_node}#section-{names[question.duplicate_of]}")
        for node, about in ((section, question_node), (original, original_question)):
            graph.add((report_node, DCTERMS.hasPart, node))  # so the report's documents and page include it
            graph.add((node, RDF.type, PEEL.ReportSection))
            graph.add((node, PEEL.question, about))
            graph.add((node, PEEL.sourceReport, report_node))
        graph.add((section, PEEL.duplicateOf, original))
        graph.add((section, PEEL.startOffset, _int(question.repeated[0].start)))
        graph.add((section, PEEL.endOffset, _int(question.repeated[-1].end)))
        graph.add((section, PEEL.line, _int(question.repeated[0].line)))
        graph.add((section, PEEL.repeatedParagraphs, _int(len(question.repeated))))


def unknown_question_triples(graph: Graph, year: int, pillar: str, number: int, heading: str,
                             cycle: str | None = None) -> URIRef:
    """A question the vocabulary lacks (a later year's question set): minted from the report; with ``cycle``
    (2018/19), ``/id/question/{cycle}/{pillar}/{n}`` in the cycle's scheme."""
    slug = slugify(pillar)
    iri = question_iri(cycle or year, slug, number)
    if cycle is not None:
        graph.add((iri, PEEL.cycle, ID[f"cycle/{cycle}"]))
    graph.add((iri, RDF.type, PEEL.Question))
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(heading, lang="en")))
    graph.add((iri, PEEL.year, _int(year)))
    graph.add((iri, PEEL.pillar, pillar_iri(slug)))
    graph.add((iri, PEEL.questionNumber, _int(number)))
    graph.add((iri, SKOS.inScheme, scheme_iri(f"questions-{cycle or year}")))
    return iri


__all__ = [
    "PUBLISHER",
    "BNode",
    "ReportContext",
    "conflict_triples",
    "force_triples",
    "inspection_triples",
    "judgement_triples",
    "link_statement",
    "organisation_triples",
    "publisher_triples",
    "report_triples",
    "statement_triples",
    "unknown_question_triples",
]
