"""Networks derived from statements, measured with networkx.

- **partner network** — forces and the organisations their reports name: a link joins the
  force a statement is about and each organisation (or other force) it mentions, weighted
  by the number of statements that do so.
- **theme network** — themes tagged on the same statement: a link joins every pair of
  themes of a statement, weighted by the number of statements carrying both.

For every node: degree, weighted degree (sum of link weights), degree centrality
(degree / (n - 1)), betweenness centrality (normalised, links unweighted) and a community
from networkx's greedy modularity maximisation (weighted), numbered from 1 for the largest
community (ties by the smallest member IRI).

>>> from rdflib import URIRef
>>> a, b, c = URIRef("x:a"), URIRef("x:b"), URIRef("x:c")
>>> net = measure({(a, b): 2, (a, c): 1})
>>> [(str(n.member), n.degree, n.weighted_degree, n.degree_centrality) for n in net.nodes]
[('x:a', 2, 3, 1.0), ('x:b', 1, 2, 0.5), ('x:c', 1, 1, 0.5)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities
from rdflib import URIRef

from kg.analytics.facts import StatementFact

Pair = tuple[URIRef, URIRef]


@dataclass(frozen=True)
class NodeMeasures:
    member: URIRef  # the organisation or theme
    degree: int
    weighted_degree: int
    degree_centrality: float
    betweenness: float
    community: int


@dataclass(frozen=True)
class Network:
    nodes: list[NodeMeasures]  # sorted by IRI
    links: list[tuple[URIRef, URIRef, int]]  # (end, end, weight), ends sorted, links sorted


def _pair(a: URIRef, b: URIRef) -> Pair:
    return (a, b) if str(a) <= str(b) else (b, a)


def partner_links(statements: list[StatementFact]) -> Counter[Pair]:
    """Statements linking each force to each organisation (or other force) they mention."""
    links: Counter[Pair] = Counter()
    for s in statements:
        for mentioned in s.mentions:
            if mentioned != s.force:
                links[_pair(s.force, mentioned)] += 1
    return links


def theme_links(statements: list[StatementFact]) -> Counter[Pair]:
    """Statements carrying each pair of themes."""
    links: Counter[Pair] = Counter()
    for s in statements:
        for a, b in combinations(sorted(s.themes, key=str), 2):
            links[(a, b)] += 1
    return links


def measure(links: Mapping[Pair, int]) -> Network:
    """Build the weighted network of ``links`` and measure every node."""
    graph = nx.Graph()
    members = sorted({m for pair in links for m in pair}, key=str)
    graph.add_nodes_from(members)
    for (a, b), weight in sorted(links.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        graph.add_edge(a, b, weight=weight)
    if graph.number_of_nodes() == 0:
        return Network([], [])
    centrality = nx.degree_centrality(graph)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    communities = sorted(
        (sorted(c, key=str) for c in greedy_modularity_communities(graph, weight="weight")),
        key=lambda c: (-len(c), str(c[0])),
    )
    community = {member: number for number, group in enumerate(communities, start=1) for member in group}
    nodes = [
        NodeMeasures(
            member=m,
            degree=int(graph.degree(m)),
            weighted_degree=int(graph.degree(m, weight="weight")),
            degree_centrality=float(centrality[m]),
            betweenness=float(betweenness[m]),
            community=community[m],
        )
        for m in members
    ]
    ordered = sorted(((a, b, w) for (a, b), w in links.items()), key=lambda link: (str(link[0]), str(link[1])))
    return Network(nodes, ordered)
