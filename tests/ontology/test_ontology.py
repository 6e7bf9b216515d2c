"""The ontology and its SKOS vocabularies: documented terms, well-formed schemes, exact wording."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

ONTOLOGY_DIR = Path(__file__).parents[2] / "ontology"
BASE = "https://w3id.org/peelkg/"
PEEL = Namespace(BASE + "def/peel#")
ID = Namespace(BASE + "id/")
ONTOLOGY = URIRef(BASE + "def/peel")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
TTL_FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def load(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(ONTOLOGY_DIR / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load("peel.ttl")


def terms(graph: Graph, *types: URIRef) -> list[URIRef]:
    found = {t for kind in types for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)}
    return sorted(t for t in found if t.startswith(str(PEEL)))


def concepts(graph: Graph, scheme: URIRef) -> list[URIRef]:
    return sorted(c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef))


def normalised(text: str) -> str:
    """Case- and apostrophe-insensitive form, as tagging compares labels."""
    return text.replace("’", "'").lower()


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TTL_FILES, ids=[p.name for p in TTL_FILES])
def test_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_expected_files_exist() -> None:
    names = {p.name for p in TTL_FILES}
    assert {
        "peel.ttl", "grades.ttl", "pillars.ttl", "questions.ttl", "themes.ttl", "organisation-types.ttl", "shapes.ttl",
    } <= names


@pytest.mark.parametrize("path", TTL_FILES, ids=[p.name for p in TTL_FILES])
def test_no_machine_paths_in_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "file:" not in text and "/work/" not in text and "/home/" not in text


# --- the ontology -------------------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("1.0.0")
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(BASE + "def/peel/1.0.0")
    assert ontology.value(ONTOLOGY, DCTERMS.license) == OGL
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.created):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert ontology.value(ONTOLOGY, DCTERMS.created).datatype == XSD.date


def test_ontology_defines_the_agreed_terms(ontology: Graph) -> None:
    classes = {
        "Force", "PartnerOrganisation", "Inspection", "Report", "Question", "Judgement", "Statement", "Finding",
        "AreaForImprovement", "CauseOfConcern", "Recommendation", "Theme", "ThemeTag", "Grade", "Pillar",
        "OrganisationType", "ReportSection", "GradeClaim", "InspectionCycle", "AreaOfPolicing", "InnovativePractice",
        "Change",
    }
    objects = {
        "force", "pillar", "question", "inspection", "report", "sourceReport", "grade", "theme", "themeTag",
        "taggedTheme", "duplicateOf", "conflictsWith", "conflictingClaim",
        "claimedGrade", "mentions", "worksWith", "organisationType",
        "gradeScale", "cycle", "cycleScale", "leadsTo", "hasChange", "changed", "gradeBefore", "gradeAfter",
    }
    data = {
        "policeUkId", "onsCode", "region", "wikidataId", "year", "questionNumber", "ordinal", "text", "startOffset",
        "endOffset", "line", "rank", "notGradedReason", "carriedForward", "matchedLabel", "mentionCount",
        "repeatedParagraphs", "textCue", "graded", "changeKind", "triplesAdded", "triplesRemoved",
    }
    assert set(terms(ontology, OWL.Class)) == {PEEL[n] for n in classes}
    assert set(terms(ontology, OWL.ObjectProperty)) == {PEEL[n] for n in objects}
    assert set(terms(ontology, OWL.DatatypeProperty)) == {PEEL[n] for n in data}


@pytest.mark.parametrize("term", terms(load("peel.ttl"), *TERM_TYPES), ids=lambda t: t.fragment)
def test_term_is_documented(ontology: Graph, term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        values = list(ontology.objects(term, prop))
        assert len(values) == 1, f"{term} needs one {prop}"
        assert isinstance(values[0], Literal) and values[0].language == "en", f"{term} {prop} must be @en"
    assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY


@pytest.mark.parametrize(
    "prop", terms(load("peel.ttl"), OWL.ObjectProperty, OWL.DatatypeProperty), ids=lambda t: t.fragment
)
def test_property_has_domain_and_range(ontology: Graph, prop: URIRef) -> None:
    domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
    assert domain is not None and range_ is not None
    if (prop, RDF.type, OWL.DatatypeProperty) in ontology:
        assert str(range_).startswith(str(XSD)), f"{prop} should have an XSD range"
    else:
        assert not str(range_).startswith(str(XSD)), f"{prop} should have a class range"


def test_union_domains_list_defined_classes(ontology: Graph) -> None:
    known = set(terms(ontology, OWL.Class)) | {URIRef("http://www.w3.org/ns/org#Organization")}
    for union in ontology.objects(None, OWL.unionOf):
        members = list(ontology.items(union))
        assert len(members) >= 2
        assert set(members) <= known, members


def test_statement_kinds_are_disjoint_statements(ontology: Graph) -> None:
    kinds = {PEEL.Finding, PEEL.AreaForImprovement, PEEL.CauseOfConcern, PEEL.Recommendation,
             PEEL.InnovativePractice}
    for kind in kinds:
        assert (kind, RDFS.subClassOf, PEEL.Statement) in ontology
    disjoint = [set(ontology.items(m)) for m in ontology.objects(None, OWL.members)]
    assert kinds in disjoint


def test_every_peel_term_used_anywhere_is_defined(ontology: Graph) -> None:
    """Catches a misspelt peel: term in a scheme or in the shapes."""
    defined = set(terms(ontology + load("analytics.ttl"), *TERM_TYPES))  # analytics.ttl: derived-data terms
    for path in TTL_FILES:
        graph = Graph().parse(path, format="turtle")
        used = {n for triple in graph for n in triple if isinstance(n, URIRef) and n.startswith(str(PEEL))}
        assert used <= defined, f"{path.name}: undefined {sorted(used - defined)}"


def test_sub_properties_of_reused_vocabularies(ontology: Graph) -> None:
    org = Namespace("http://www.w3.org/ns/org#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    assert (PEEL.sourceReport, RDFS.subPropertyOf, prov.wasDerivedFrom) in ontology
    assert (PEEL.policeUkId, RDFS.subPropertyOf, org.identifier) in ontology
    assert (PEEL.onsCode, RDFS.subPropertyOf, org.identifier) in ontology
    assert (PEEL.Force, RDFS.subClassOf, org.Organization) in ontology


# --- all concept schemes -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return load(*(p.name for p in TTL_FILES if p.name != "shapes.ttl"))


def test_concepts_follow_skos_label_rules(vocabulary: Graph) -> None:
    """SKOS S13/S14: one prefLabel per language tag, never also an altLabel."""
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        prefs = list(vocabulary.objects(concept, SKOS.prefLabel))
        languages = [p.language for p in prefs if isinstance(p, Literal)]
        assert len(languages) == len(set(languages)) == len(prefs) >= 1, concept
        assert not set(prefs) & set(vocabulary.objects(concept, SKOS.altLabel)), concept


def test_top_concepts_are_declared_both_ways(vocabulary: Graph) -> None:
    assert set(vocabulary.subject_objects(SKOS.topConceptOf)) == {
        (c, s) for s, c in vocabulary.subject_objects(SKOS.hasTopConcept)
    }
    for concept, scheme in vocabulary.subject_objects(SKOS.topConceptOf):
        assert (concept, SKOS.inScheme, scheme) in vocabulary
        assert vocabulary.value(concept, SKOS.broader) is None, concept


def test_broader_and_narrower_are_symmetric(vocabulary: Graph) -> None:
    broader = set(vocabulary.subject_objects(SKOS.broader))
    narrower = {(c, b) for b, c in vocabulary.subject_objects(SKOS.narrower)}
    assert broader == narrower


@pytest.mark.parametrize("prop", [SKOS.exactMatch, SKOS.closeMatch], ids=["exactMatch", "closeMatch"])
def test_mappings_are_symmetric_and_cross_schemes(vocabulary: Graph, prop: URIRef) -> None:
    pairs = set(vocabulary.subject_objects(prop))
    assert pairs
    for a, b in pairs:
        assert (b, a) in pairs, (a, b)
        assert vocabulary.value(a, SKOS.inScheme) != vocabulary.value(b, SKOS.inScheme), (a, b)


def test_schemes_are_titled(vocabulary: Graph) -> None:
    for scheme in vocabulary.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(scheme).startswith(str(ID) + "scheme/")
        assert vocabulary.value(scheme, SKOS.prefLabel) is not None
        assert vocabulary.value(scheme, DCTERMS.title) is not None


# --- grades ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grades() -> Graph:
    return load("grades.ttl")


def ranked(graph: Graph, scheme: URIRef) -> list[tuple[int, str, str]]:
    return sorted(
        ((int(graph.value(c, PEEL.rank)), str(graph.value(c, SKOS.prefLabel)), c.rsplit("/", 1)[-1])
         for c in concepts(graph, scheme)),
        reverse=True,
    )


def test_grades_2014_in_order(grades: Graph) -> None:
    assert ranked(grades, ID["scheme/grades-2014"]) == [
        (4, "Outstanding", "outstanding"),
        (3, "Good", "good"),
        (2, "Requires improvement", "requires-improvement"),
        (1, "Inadequate", "inadequate"),
    ]


def test_grades_2021_in_order(grades: Graph) -> None:
    assert ranked(grades, ID["scheme/grades-2021"]) == [
        (5, "Outstanding", "peel-2021-outstanding"),
        (4, "Good", "peel-2021-good"),
        (3, "Adequate", "peel-2021-adequate"),
        (2, "Requires improvement", "peel-2021-requires-improvement"),
        (1, "Inadequate", "peel-2021-inadequate"),
    ]


def test_grades_are_typed_and_integer_ranked(grades: Graph) -> None:
    for grade in grades.subjects(SKOS.inScheme, None):
        assert (grade, RDF.type, PEEL.Grade) in grades
        assert (grade, RDF.type, SKOS.Concept) in grades
        assert grades.value(grade, PEEL.rank).datatype == XSD.integer
        assert grades.value(grade, SKOS.notation) is not None
        assert grades.value(grade, SKOS.definition) is not None


def test_ungraded_is_not_a_grade(vocabulary: Graph) -> None:
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        for label in vocabulary.objects(concept, SKOS.prefLabel):
            assert "ungraded" not in label.lower(), concept
    assert (ID["grade/ungraded"], None, None) not in vocabulary


def test_grade_scales_are_mapped(grades: Graph) -> None:
    for slug in ("outstanding", "good", "requires-improvement", "inadequate"):
        assert (ID[f"grade/{slug}"], SKOS.closeMatch, ID[f"grade/peel-2021-{slug}"]) in grades


# --- pillars and organisation types -----------------------------------------------------------------------


def test_pillars() -> None:
    graph = load("pillars.ttl")
    labels = {c.rsplit("/", 1)[-1]: str(graph.value(c, SKOS.prefLabel)) for c in concepts(graph, ID["scheme/pillars"])}
    assert labels == {
        "effectiveness": "Effectiveness", "efficiency": "Efficiency", "legitimacy": "Legitimacy",
        "leadership": "Leadership",
    }
    for pillar in graph.subjects(SKOS.inScheme, ID["scheme/pillars"]):
        assert (pillar, RDF.type, PEEL.Pillar) in graph
        assert graph.value(pillar, SKOS.definition) is not None


def test_organisation_types() -> None:
    graph = load("organisation-types.ttl")
    found = {c.rsplit("/", 1)[-1] for c in concepts(graph, ID["scheme/organisation-types"])}
    assert found == {
        "police-force", "regional-unit", "local-authority", "education", "health", "criminal-justice",
        "voluntary-sector", "national-agency", "other",
    }
    for concept in concepts(graph, ID["scheme/organisation-types"]):
        assert str(concept).startswith(str(ID) + "organisation-type/")
        assert (concept, RDF.type, PEEL.OrganisationType) in graph
        assert graph.value(concept, SKOS.prefLabel) is not None


# --- questions ------------------------------------------------------------------------------------------------

HEADLINES = {
    "effectiveness": "How effective is the force at keeping people safe and reducing crime?",
    "efficiency": "How efficient is the force at keeping people safe and reducing crime?",
    "legitimacy": "How legitimate is the force at keeping people safe and reducing crime?",
    "leadership": "How well led is the force?",
}
PILLARS_BY_YEAR = {
    2014: {"effectiveness", "efficiency", "legitimacy"},
    2015: {"effectiveness", "efficiency", "legitimacy", "leadership"},
    2016: {"effectiveness", "efficiency", "legitimacy", "leadership"},
    2017: {"effectiveness", "efficiency", "legitimacy"},
}
CORE_2016_2017 = {
    "effectiveness": [
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
        "How effective is the force at investigating crime and reducing re-offending?",
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
        "How effective is the force at tackling serious and organised crime?",
        "How effective are the force’s specialist capabilities?",
    ],
    "efficiency": [
        "How well does the force understand demand?",
        "How well does the force use its resources to manage current demand?",
        "How well is the force planning for demand in the future?",
    ],
    "legitimacy": [
        "To what extent does the force treat all of the people it serves with fairness and respect?",
        "How well does the force ensure that its workforce behaves ethically and lawfully?",
        "To what extent does the force treat its workforce with fairness and respect?",
    ],
}
CORE = {
    2014: {
        "effectiveness": [
            "How effective is the force at reducing crime and preventing offending?",
            "How effective is the force at investigating offending?",
            "How effective is the force at tackling anti-social behaviour?",
        ],
        "efficiency": [
            "To what extent is the force taking the necessary steps to ensure a secure financial position for the "
            "short and long term?",
            "To what extent has the force an affordable way of providing policing?",
            "To what extent is the force efficient in its use of resources?",
        ],
    },
    2015: {
        "effectiveness": [
            "How effective is the force at preventing crime and anti-social behaviour, and keeping people safe?",
            "How effective is the force at investigating crime and reducing re-offending?",
            "How effective is the force at protecting from harm those who are vulnerable, and supporting victims?",
            "How effective is the force at tackling serious and organised crime, including its arrangement for "
            "fulfilling its national policing responsibilities?",
        ],
        "efficiency": [
            "How well does the force use its resources to meet its demand?",
            "How sustainable and affordable is the workforce model?",
            "How sustainable is the force's financial position for the short and long term?",
        ],
        "legitimacy": [
            "How well does the force understand, engage with and treat fairly the people it serves to maintain and "
            "improve its legitimacy?",
            "To what extent does practice and behaviour reinforce the wellbeing of staff and an ethical culture?",
            "To what extent are decisions taken on the use of stop and search and Taser fair and appropriate?",
            "To what extent are forces recording crimes in accordance with the Home Office Counting Rules?",
        ],
    },
    2016: CORE_2016_2017,
    2017: CORE_2016_2017,
}


@pytest.fixture(scope="module")
def questions() -> Graph:
    return load("questions.ttl")


def question_table(graph: Graph) -> dict[tuple[int, str], dict[int, URIRef]]:
    table: dict[tuple[int, str], dict[int, URIRef]] = defaultdict(dict)
    for q in graph.subjects(RDF.type, PEEL.Question):
        assert isinstance(q, URIRef)
        key = (int(graph.value(q, PEEL.year)), str(graph.value(q, PEEL.pillar)).rsplit("/", 1)[-1])
        number = int(graph.value(q, PEEL.questionNumber))
        assert number not in table[key], f"question number {number} twice in {key}"
        table[key][number] = q
    return table


def test_question_years_and_pillars(questions: Graph) -> None:
    table = question_table(questions)
    assert {year for year, _ in table} == set(PILLARS_BY_YEAR)
    for year, pillars in PILLARS_BY_YEAR.items():
        assert {p for y, p in table if y == year} == pillars, year


def test_question_wording_is_exact(questions: Graph) -> None:
    table = question_table(questions)
    for (year, pillar), numbered in table.items():
        expected = [HEADLINES[pillar], *CORE.get(year, {}).get(pillar, [])]
        assert sorted(numbered) == list(range(len(expected))), (year, pillar)
        for n, wording in enumerate(expected):
            assert questions.value(numbered[n], SKOS.prefLabel) == Literal(wording), (year, pillar, n)


def test_question_identity_and_hierarchy(questions: Graph) -> None:
    for (year, pillar), numbered in question_table(questions).items():
        scheme = ID[f"scheme/questions-{year}"]
        headline = numbered[0]
        assert (headline, SKOS.topConceptOf, scheme) in questions
        for n, q in numbered.items():
            assert q == ID[f"question/{year}/{pillar}/{n}"]
            assert (q, RDF.type, SKOS.Concept) in questions
            assert questions.value(q, SKOS.notation) == Literal(f"{year}/{pillar}/{n}")
            assert questions.value(q, SKOS.inScheme) == scheme
            assert questions.value(q, PEEL.year).datatype == XSD.integer
            if n:
                assert questions.value(q, SKOS.broader) == headline


def test_question_alt_labels_match_reference_phrases(questions: Graph) -> None:
    """The short phrases of the 2017 force pages and a straight-apostrophe variant."""
    expected = {
        ("efficiency", 1): "understanding of demand",
        ("efficiency", 2): "use of resources to manage demand",
        ("efficiency", 3): "planning for future demand",
        ("legitimacy", 1): "treating the people it serves with fairness and respect",
        ("legitimacy", 2): "ensuring its workforce behaves ethically and lawfully",
        ("legitimacy", 3): "treating its workforce with fairness and respect",
        ("effectiveness", 5): "How effective are the force's specialist capabilities?",
    }
    for year in (2016, 2017):
        for (pillar, n), label in expected.items():
            q = ID[f"question/{year}/{pillar}/{n}"]
            assert Literal(label) in set(questions.objects(q, SKOS.altLabel)), (year, pillar, n)


def test_corpus_headings_are_questions(questions: Graph) -> None:
    """Each question heading of the Norfolk 2016 effectiveness report is a 2016 question label."""
    headings = [
        "How effective is the force at keeping people safe and reducing crime?",
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
        "How effective is the force at investigating crime and reducing re-offending?",
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
        "How effective is the force at tackling serious and organised crime?",
        "How effective are the force’s specialist capabilities?",
    ]
    labels = {
        str(label)
        for q in question_table(questions)[(2016, "effectiveness")].values()
        for label in questions.objects(q, SKOS.prefLabel)
    }
    assert set(headings) <= labels


# --- themes -----------------------------------------------------------------------------------------------------

REQUIRED_THEME_LABELS = {
    "domestic-abuse": ["domestic abuse", "domestic violence"],
    "protection-orders": [
        "domestic violence protection orders", "domestic violence protection notices", "preventative legislation",
        "protection orders",
    ],
    "clares-law": ["Clare’s Law", "Clare's Law", "domestic violence disclosure scheme"],
    "missing-and-absent-children": [
        "missing and absent children", "missing children", "absent children", "children who are categorised as absent",
    ],
    "child-sexual-exploitation": [],
    "organised-crime": [
        "serious and organised crime", "organised crime", "organised crime groups", "organised criminals",
    ],
    "cyber-crime": ["cyber-crime", "cybercrime", "cyber crime"],
    "human-trafficking": ["human trafficking", "modern slavery"],
    "anti-social-behaviour": ["anti-social behaviour"],
    "victims-code": ["code of practice for victims of crime", "victims' code", "victims code"],
    "offender-management": [
        "integrated offender management", "offender management", "lifetime management", "managing offenders",
        "prolific offenders",
    ],
    "crime-recording-and-backlogs": ["crime recording", "backlog", "awaiting closure", "home office counting rules"],
    "digital-forensics": ["digital forensics", "high-tech crime", "smartphones"],
    "armed-policing": ["armed policing", "firearms"],
    "partnership-working": ["other organisations", "partner organisations", "partners", "joint working", "partnership"],
    "young-people-and-schools": ["young people", "schools", "safer schools"],
    "mental-health": ["mental health"],
    "neighbourhood-policing": ["neighbourhood policing", "safer neighbourhood teams", "local policing teams"],
    "call-handling": ["control room", "calls for service", "call handling", "answering calls"],
    "vulnerability": [], "victim-satisfaction": [], "investigation-quality": [], "crime-prevention": [],
    "stop-and-search": [], "use-of-force": ["taser"], "ethics-and-integrity": [], "workforce-wellbeing": [],
    "demand": [], "finance-and-workforce-planning": [], "counter-terrorism": [], "sexual-offences": [],
    "hate-crime": [], "gangs": [], "evidence-gathering": [],
}


@pytest.fixture(scope="module")
def themes() -> Graph:
    return load("themes.ttl")


def theme_slugs(graph: Graph) -> set[str]:
    return {t.rsplit("/", 1)[-1] for t in graph.subjects(RDF.type, PEEL.Theme)}


def tagging_labels(graph: Graph, theme: URIRef) -> set[str]:
    return {normalised(str(v)) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(theme, p)}


def test_enough_themes_and_the_required_ones(themes: Graph) -> None:
    slugs = theme_slugs(themes)
    assert len(slugs) >= 32
    assert set(REQUIRED_THEME_LABELS) <= slugs


@pytest.mark.parametrize("slug", sorted(REQUIRED_THEME_LABELS))
def test_required_theme_labels(themes: Graph, slug: str) -> None:
    labels = {str(v) for v in themes.objects(ID[f"theme/{slug}"], SKOS.altLabel)}
    labels |= {str(v) for v in themes.objects(ID[f"theme/{slug}"], SKOS.prefLabel)}
    missing = [label for label in REQUIRED_THEME_LABELS[slug] if label not in labels]
    assert not missing, f"{slug} lacks {missing}"


def test_every_theme_is_complete(themes: Graph) -> None:
    scheme = ID["scheme/themes"]
    for theme in themes.subjects(RDF.type, PEEL.Theme):
        assert str(theme).startswith(str(ID) + "theme/")
        assert (theme, RDF.type, SKOS.Concept) in themes
        assert len(list(themes.objects(theme, SKOS.prefLabel))) == 1, theme
        assert len(list(themes.objects(theme, SKOS.definition))) == 1, theme
        assert len(list(themes.objects(theme, SKOS.altLabel))) >= 1, theme
        assert (theme, SKOS.inScheme, scheme) in themes, theme
        is_top = (theme, SKOS.topConceptOf, scheme) in themes
        assert is_top != (themes.value(theme, SKOS.broader) is not None), theme


def test_theme_phrase_of_preferred_label_is_tagged(themes: Graph) -> None:
    """The preferred label's phrase is among the labels, whatever its case."""
    for theme in themes.subjects(RDF.type, PEEL.Theme):
        pref = normalised(str(themes.value(theme, SKOS.prefLabel)))
        alts = {normalised(str(a)) for a in themes.objects(theme, SKOS.altLabel)}
        assert pref in alts, theme


def test_domestic_abuse_hierarchy(themes: Graph) -> None:
    narrower = set(themes.objects(ID["theme/domestic-abuse"], SKOS.narrower))
    assert {ID["theme/protection-orders"], ID["theme/clares-law"]} <= narrower


def test_theme_hierarchy_has_no_cycles(themes: Graph) -> None:
    for theme in themes.subjects(RDF.type, PEEL.Theme):
        seen = {theme}
        parent = themes.value(theme, SKOS.broader)
        while parent is not None:
            assert parent not in seen, theme
            seen.add(parent)
            parent = themes.value(parent, SKOS.broader)


def test_no_label_tags_two_themes(themes: Graph) -> None:
    owner: dict[str, URIRef] = {}
    for theme in themes.subjects(RDF.type, PEEL.Theme):
        assert isinstance(theme, URIRef)
        for label in tagging_labels(themes, theme):
            assert owner.setdefault(label, theme) == theme, f"{label!r} labels {owner[label]} and {theme}"


def tag(themes: Graph, text: str) -> set[str]:
    """Whole-word, case- and apostrophe-insensitive matching, as the themes scheme documents."""
    haystack = normalised(text)
    found = set()
    for theme in themes.subjects(RDF.type, PEEL.Theme):
        for label in tagging_labels(themes, theme):
            if re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", haystack):
                found.add(theme.rsplit("/", 1)[-1])
    return found


# Areas for improvement of the Norfolk 2016 effectiveness report, with themes they must get.
NORFOLK_AREAS_FOR_IMPROVEMENT = [
    ("The force should reduce the backlog of crimes awaiting closure in the incident management unit.",
     {"crime-recording-and-backlogs"}),
    ("The force should ensure that it is fully compliant with the Code of Practice for Victims of Crime.",
     {"victims-code"}),
    ("The force should review how it handles domestic abuse cases which are waiting for an officer to be assigned; "
     "in particular, it should ensure that victims are not being exposed to harm because of unnecessary delays.",
     {"domestic-abuse"}),
    ("The force should review its absent and missing children procedures in the control room to ensure that it is "
     "properly investigating the cases of children who are categorised as absent.",
     {"missing-and-absent-children", "call-handling"}),
    ("The force should review its use of preventative legislation, particularly Domestic Violence Protection Orders "
     "and Notices, and Clare’s Law, to ensure that it is making best use of these powers to safeguard victims of "
     "domestic abuse.",
     {"protection-orders", "clares-law", "domestic-abuse"}),
    ("The force should further develop its serious and organised crime local profile in conjunction with other "
     "organisations; this would enhance its understanding of the threat posed by serious and organised crime and "
     "inform joint activity aimed at reducing this threat.",
     {"organised-crime", "partnership-working"}),
    ("The force should enhance its approach to the lifetime management of organised criminals to limit their "
     "offending.",
     {"offender-management", "organised-crime"}),
    ("The force should ensure that its armed policing threat and risk assessment considers and specifies plans to "
     "deal with attacks on places that attract large crowds.",
     {"armed-policing"}),
]


@pytest.mark.parametrize("text, expected", NORFOLK_AREAS_FOR_IMPROVEMENT, ids=lambda v: str(v)[:40])
def test_areas_for_improvement_are_tagged(themes: Graph, text: str, expected: set[str]) -> None:
    assert expected <= tag(themes, text)


@pytest.mark.parametrize(
    "text, not_expected",
    [
        ("Positive action is taken to arrest offenders whenever this is possible.", "workforce-diversity"),
        ("The force has improved its crime data integrity since our last inspection.", "ethics-and-integrity"),
        ("Officers tackle drug trafficking on the county's roads.", "human-trafficking"),
        ("It is outstanding at preventing crime.", "wanted-suspects"),
        ("The force demands high standards.", "demand"),
    ],
)
def test_labels_avoid_false_tags(themes: Graph, text: str, not_expected: str) -> None:
    assert not_expected not in tag(themes, text)
