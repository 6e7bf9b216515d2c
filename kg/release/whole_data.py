"""The shapes that read the whole data, evaluated as SPARQL on the store instead of by pySHACL.

A *whole-data shape* of ``ontology/shapes.ttl`` has a ``sh:targetNode`` (the ontology IRI) and
SPARQL-based constraints (SHACL §5) whose ``sh:select`` finds its violations anywhere in the data:
judgements that duplicate one another, statements and judgements that disagree with their
inspection or question, a force's geography.  No part of the data (``kg.release.partitioned``)
can answer them, and the store can: the very ``sh:select`` text of the shapes graph (the one
source) is run on the store with ``$this`` bound to the target node, and each solution becomes a
result as SHACL §5.3.1 and pySHACL make it (focus ``$this``, ``sh:value`` ``?value`` or the focus,
``sh:resultPath`` ``?path``, each ``{?var}`` of the message replaced by its value).
https://www.w3.org/TR/shacl/#sparql-constraints-validation
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import SH
from kg.store.loaded import LoadedStore


@dataclass(frozen=True)
class WholeDataShape:
    shape: URIRef
    targets: tuple[URIRef, ...]
    constraint: Node  # the sh:sparql node
    query: str  # PREFIX lines from sh:prefixes, then the sh:select text
    messages: tuple[Literal, ...]  # the constraint's sh:message, else the shape's
    severity: URIRef


def whole_data_shapes(shapes: Graph) -> list[WholeDataShape]:
    """The shapes with a ``sh:targetNode``, no other target, and a SPARQL constraint (one entry per constraint)."""
    found = []
    other_targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    for shape in sorted(set(shapes.subjects(SH.targetNode, None)), key=str):
        if not isinstance(shape, URIRef) or any((shape, t, None) in shapes for t in other_targets):
            continue
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        targets = tuple(sorted(t for t in shapes.objects(shape, SH.targetNode) if isinstance(t, URIRef)))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            select = shapes.value(constraint, SH.select)
            if select is None:
                continue
            messages = tuple(m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal))
            messages += tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
            found.append(WholeDataShape(shape, targets, constraint, _prefixes(shapes, constraint) + str(select),
                                        tuple(sorted(messages)), severity))  # type: ignore[arg-type]
    return found


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def deactivate(shapes: Graph, whole: list[WholeDataShape]) -> Graph:
    """A copy of ``shapes`` with the whole-data shapes deactivated (they are evaluated on the store instead)."""
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += shapes
    for entry in whole:
        copy.set((entry.shape, SH.deactivated, Literal(True)))
    return copy


def inverse_predicates(shapes: Graph) -> list[str]:
    """The predicates some shape follows backwards (``sh:inversePath``)."""
    return sorted({str(p) for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)})


def validate_whole_data(store: ox.Store, shapes: Graph, whole: list[WholeDataShape]) -> Graph:
    """The results of the whole-data shapes on ``store`` (its union graph), as a graph of ``sh:ValidationResult``."""
    results = Graph()
    loaded = LoadedStore(store)
    for entry in whole:
        copied = False
        for target in entry.targets:
            seen: set[tuple[object, ...]] = set()
            for row in loaded.select(entry.query, {"this": target}):
                values = dict(row)
                failed = values.pop("failure", None) is not None
                this, path, value = values.pop("this", None), values.pop("path", None), values.pop("value", None)
                if not failed and this is None and path is None and value is None:
                    continue  # a solution that binds none of them is no result (as pySHACL reads §5.3.1)
                key = ("failure",) if failed else (this, path, value, tuple(sorted(values.items())))
                if key in seen:
                    continue
                seen.add(key)
                focus = this or target
                if failed:
                    path = None
                value = value if value is not None else focus
                node = BNode()
                results.add((node, RDF.type, SH.ValidationResult))
                results.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
                results.add((node, SH.sourceShape, entry.shape))
                results.add((node, SH.resultSeverity, entry.severity))
                results.add((node, SH.focusNode, focus))
                results.add((node, SH.value, value))
                if path is not None:
                    results.add((node, SH.resultPath, path))
                results.add((node, SH.sourceConstraint, entry.constraint))
                bound = {**values, "this": focus, **({"path": path} if path is not None else {}), "value": value}
                for message in entry.messages:
                    results.add((node, SH.resultMessage, Literal(_format(str(message), bound))))
                if not copied:
                    _copy_description(shapes, entry.constraint, results)
                    copied = True
    return results


def _format(message: str, bound: Mapping[str, Node]) -> str:
    for name, value in bound.items():
        text = str(value)
        message = re.sub("{[?$]" + re.escape(name) + "}", lambda _m: text, message)  # noqa: B023 - used at once
    return message


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    for s, p, o in source.triples((node, None, None)):
        target.add((s, p, o))
        if isinstance(o, BNode):
            _copy_description(source, o, target)


__all__ = ["WholeDataShape", "deactivate", "inverse_predicates", "validate_whole_data", "whole_data_shapes"]
