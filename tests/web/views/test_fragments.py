"""``/fragments``: Triple Pattern Fragments as the specification lays them out, read back with rdflib's
parsers, and queried by Comunica over the fragments with the same answers as the SPARQL endpoint."""

from __future__ import annotations

import json
import subprocess
import warnings
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, SKOS, VOID, XSD

from kg.namespaces import PEEL
from kg.query.fragments import HYDRA
from tests.web.tools import comunica

TYPE = str(RDF.type)
FORCE = str(PEEL.Force)
TRIG = {"Accept": "application/trig"}


def url(**params: str) -> str:
    return "/fragments?" + urlencode(params) if params else "/fragments"


def dataset(data: bytes, fmt: str = "trig") -> Dataset:
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about rdflib's own internals
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        ds.parse(data=data, format=fmt)
    return ds


def meta_graph(ds: Dataset) -> Graph:
    """The graph that names the fragment page as its ``foaf:primaryTopic`` (TPF §3.3)."""
    (graph,) = [g for g in ds.graphs() if (g.identifier, FOAF.primaryTopic, None) in g]
    return graph


def test_a_fragment_holds_its_triples_in_the_default_graph_and_its_controls_in_another(client: FlaskClient) -> None:
    response = client.get(url(predicate=TYPE, object=FORCE), headers=TRIG)
    assert response.status_code == 200 and response.mimetype == "application/trig"
    ds = dataset(response.data)
    data = ds.default_graph
    assert len(data) == 43 and set(data.predicates()) == {RDF.type}
    meta = meta_graph(ds)
    page = meta.value(meta.identifier, FOAF.primaryTopic)
    assert meta.value(page, HYDRA.totalItems) == meta.value(page, VOID.triples) == Literal(43, datatype=XSD.integer)
    assert (page, RDF.type, HYDRA.PartialCollectionView) in meta
    assert not (set(meta) & set(data))
    (search,) = meta.objects(None, HYDRA.search)
    template = meta.value(search, HYDRA.template)
    assert str(template).endswith("/fragments{?subject,predicate,object}")
    mappings = {(str(meta.value(m, HYDRA.variable)), meta.value(m, HYDRA.property))
                for m in meta.objects(None, HYDRA.mapping)}
    assert mappings == {("subject", RDF.subject), ("predicate", RDF.predicate), ("object", RDF.object)}


def test_pages_link_first_previous_next_and_cover_the_fragment_once(client: FlaskClient) -> None:
    seen: list[tuple[object, ...]] = []
    link: str | None = url(predicate=TYPE)
    pages = 0
    while link:
        ds = dataset(client.get(link, headers=TRIG).data)
        meta = meta_graph(ds)
        page = meta.value(meta.identifier, FOAF.primaryTopic)
        total = int(meta.value(page, HYDRA.totalItems))  # type: ignore[arg-type]
        assert str(meta.value(page, HYDRA.first)).endswith(url(predicate=TYPE))
        assert (meta.value(page, HYDRA.previous) is None) == (pages == 0)
        seen += list(ds.default_graph)
        nxt = meta.value(page, HYDRA.next)
        link = "/fragments?" + str(nxt).split("?", 1)[1] if nxt else None
        pages += 1
    assert pages == -(-total // 100) > 1  # the setting's default: 100 triples a page
    assert len(seen) == len(set(seen)) == total


def ground(*graphs: Graph) -> set[tuple[object, ...]]:
    """The triples without blank nodes (their labels differ between answers)."""
    return {t for g in graphs for t in g if not any(isinstance(x, BNode) for x in t)}


@pytest.mark.parametrize(("accept", "fmt", "graphs"), [
    ("application/n-quads", "nquads", True), ("application/ld+json", "json-ld", True),
    ("text/turtle", "turtle", False), ("application/n-triples", "nt", False),
])
def test_every_format_carries_the_same_statements(client: FlaskClient, accept: str, fmt: str, graphs: bool) -> None:
    trig = dataset(client.get(url(object=FORCE), headers=TRIG).data)
    response = client.get(url(object=FORCE), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    other = dataset(response.data, fmt)
    if graphs:  # data in the default graph, controls in the metadata graph, as in TriG
        assert ground(other.default_graph) == ground(trig.default_graph)
        assert ground(meta_graph(other)) == ground(meta_graph(trig))
    assert ground(*other.graphs()) == ground(*trig.graphs())
    assert "Accept" in response.headers["Vary"]


def test_literal_terms_in_the_tpf_syntax_match(client: FlaskClient) -> None:
    response = client.get(url(predicate=str(SKOS.prefLabel), object='"Norfolk Constabulary"'), headers=TRIG)
    data = dataset(response.data).default_graph
    assert set(data.subjects()) == {URIRef("https://w3id.org/peelkg/id/force/norfolk")}


@pytest.mark.parametrize(("params", "status", "says"), [
    ({"subject": "norfolk"}, 400, "subject: IRI 'norfolk' is not an absolute IRI"),
    ({"object": '"open'}, 400, "object: "),
    ({"subject": "_:b1"}, 400, "subject: blank nodes"),
    ({"predicate": '"x"'}, 400, "predicate: only an IRI"),
    ({"page": "two"}, 400, "page: 'two' is not a page number"),
    ({"page": "0"}, 400, "page: pages are numbered from 1"),
    ({"predicate": TYPE, "object": FORCE, "page": "2"}, 404, "has 1 page of 100 triples"),
])
def test_bad_parameters_are_named_in_a_readable_4xx(client: FlaskClient, params: dict[str, str], status: int,
                                                    says: str) -> None:
    response = client.get(url(**params), headers={"Accept": "application/n-quads, application/json;q=0.5"})
    assert response.status_code == status
    assert says in response.get_json()["message"]


def test_no_acceptable_format_is_406(client: FlaskClient) -> None:
    assert client.get(url(), headers={"Accept": "image/png"}).status_code == 406


def test_fragments_carry_the_release_validators_and_answer_a_conditional_get(client: FlaskClient) -> None:
    first = client.get(url(object=FORCE), headers=TRIG)
    tag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"] and first.headers["Last-Modified"]
    again = client.get(url(object=FORCE), headers={**TRIG, "If-None-Match": tag})
    assert again.status_code == 304
    nquads = client.get(url(object=FORCE), headers={"Accept": "application/n-quads"})
    assert nquads.headers["ETag"] != tag


def test_pages_on_other_sites_may_read_fragments(client: FlaskClient) -> None:
    response = client.get(url(object=FORCE), headers={**TRIG, "Origin": "https://client.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response.headers["Access-Control-Expose-Headers"]


def test_the_dataset_description_names_the_fragments_service(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/dataset.ttl").data, format="turtle")
    services = {str(s) for s in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#endpointURL"))}
    assert any(s.endswith("/fragments") for s in services)


# Comunica over the fragments (qpf: it must find and use the TPF controls) against the SPARQL endpoint.
QUERIES = {
    "join": f"""SELECT ?force ?label ?ons WHERE {{
        ?force a <{FORCE}> ; <{SKOS.prefLabel}> ?label ; <{PEEL.onsCode}> ?ons }}""",
    "filter": f"""SELECT ?force ?label WHERE {{
        ?force a <{FORCE}> ; <{SKOS.prefLabel}> ?label FILTER(STRSTARTS(STR(?label), "S")) }}""",
    "count": f"SELECT (COUNT(?force) AS ?n) WHERE {{ ?force a <{FORCE}> }}",
}


def answers(tool_output: list[dict[str, object]]) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in tool_output)


def run(source: str, query: str) -> list[dict[str, object]]:
    result = subprocess.run([comunica(), source, query, "-t", "application/json"],
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_comunica_over_fragments_answers_as_the_sparql_endpoint_does(live_server: str, name: str) -> None:
    over_fragments = run(f"qpf@{live_server}/fragments", QUERIES[name])
    over_sparql = run(f"sparql@{live_server}/sparql", QUERIES[name])
    assert over_fragments, "no answer: the test proves nothing"
    assert answers(over_fragments) == answers(over_sparql)


def test_comunica_sees_no_control_as_data(live_server: str) -> None:
    query = f"SELECT ?page WHERE {{ ?page a <{HYDRA.PartialCollectionView}> }}"
    assert run(f"{live_server}/fragments", query)  # no type: Comunica finds the controls == []
