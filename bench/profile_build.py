"""Where a build's time goes: seconds per build step, peak memory, and optionally a cProfile.

    python -m bench.profile_build [INPUT ...] [--out DIR] [--cache DIR] [--profile N] [--shacl]

No INPUT builds the bundled data; ``--out`` keeps the release in DIR (else it is thrown away);
``--cache DIR`` reuses (and fills) the mapped reports kept there, as ``peelkg build`` does in
``--out DIR/cache``: run twice to time an incremental build.
Steps are the build's own progress messages, each timed until the next.
``--profile N`` prints the N costliest functions (cumulative time);
``--shacl`` also times pySHACL shape by shape on the built union graph, to show which
shapes dominate validation, and the shapes' SPARQL-based targets run by pyoxigraph instead.
Prints JSON on the last line, for ``bench`` to collect.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .servers import process_tree, tree_memory_mb


def timed_build(
    inputs: list[Path], out: Path, profile: cProfile.Profile | None = None, cache: Path | None = None
) -> dict[str, Any]:
    from kg.release.build import build_dataset, collect_inputs
    from kg.release.publish import publish

    marks: list[tuple[str, float]] = [("start", time.perf_counter())]

    def progress(step: str) -> None:
        marks.append((step, time.perf_counter()))

    if profile is not None:
        profile.enable()
    built = build_dataset(collect_inputs(inputs), progress, cache=cache)
    release, _outcome = publish(built, out, progress)
    if profile is not None:
        profile.disable()
    marks.append(("end", time.perf_counter()))
    steps: dict[str, float] = {}
    for (name, at), (_next, until) in itertools.pairwise(marks):
        key = "parsing reports" if name.startswith("parsing ") else name
        steps[key] = steps.get(key, 0.0) + until - at
    return {
        "seconds": marks[-1][1] - marks[0][1],
        "steps": {k: round(v, 3) for k, v in steps.items()},
        "triples": release.manifest["triples"],
        "built": built,
    }


def shacl_by_shape(built: Any) -> list[tuple[str, float, int]]:
    """(shape, seconds, results) for each node shape of shapes.ttl, validated alone on the union graph."""
    from pyshacl import validate
    from rdflib import Graph

    from kg.namespaces import RDF, SH
    from kg.release.validate import load_shapes

    shapes = load_shapes()
    data = built.union()
    timings = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        single = Graph()
        for triple in shapes:
            single.add(triple)
        for other in set(shapes.subjects(RDF.type, SH.NodeShape)) - {shape}:
            single.remove((other, RDF.type, SH.NodeShape))
            single.add((other, SH.deactivated, _true()))
        started = time.perf_counter()
        _conforms, report, _text = validate(data, shacl_graph=single, inference="none", advanced=True,
                                            allow_warnings=True)
        elapsed = time.perf_counter() - started
        timings.append((str(shape).rsplit("/", 1)[-1], elapsed, len(set(report.subjects(SH.focusNode, None)))))
    return sorted(timings, key=lambda t: -t[1])


def sparql_targets_on_oxigraph(built: Any) -> list[tuple[str, float, int]]:
    """(shape, seconds, nodes) for each SPARQL-based target of shapes.ttl, run by pyoxigraph on the union.

    What the whole-graph checks would cost if the build ran their SELECTs on its store instead of
    through pySHACL's rdflib SPARQL engine.
    """
    import pyoxigraph as ox

    from kg.namespaces import RDF, SH
    from kg.release.validate import load_shapes
    from kg.store.local import to_oxigraph

    shapes = load_shapes()
    prefixes = "".join(f"PREFIX {p}: <{n}>\n" for d in shapes.objects(None, SH.declare)
                       for p in shapes.objects(d, SH.prefix) for n in shapes.objects(d, SH.namespace))
    store = ox.Store()
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in built.union())
    timings = []
    for shape, target in shapes.subject_objects(SH.target):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            continue
        select = str(shapes.value(target, SH.select))
        started = time.perf_counter()
        nodes = len(list(store.query(prefixes + select)))  # type: ignore[arg-type]
        timings.append((str(shape).rsplit("/", 1)[-1], time.perf_counter() - started, nodes))
    return sorted(timings, key=lambda t: -t[1])


def _true() -> Any:
    from rdflib import Literal

    return Literal(True)


class TreeMemory(threading.Thread):
    """The largest sum of PSS over this process and its descendants, sampled every 0.1 s.

    ``RUSAGE_CHILDREN`` sees only children this process waited for, and the validation's workers are
    the children of a fork server; the sum also counts processes that are alive at the same time. PSS
    counts the pages a forked child shares with its parent once (RSS would count them in both).
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.at_peak: dict[int, float] = {}  # each process's PSS in MiB when the sum was largest
        self.start()

    def run(self) -> None:
        while True:
            each = {pid: tree_memory_mb(pid, "Pss", descendants=False) for pid in process_tree(os.getpid())}
            if sum(each.values()) > self.peak:
                self.peak, self.at_peak = round(sum(each.values()), 1), each
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--shacl", action="store_true", help="time SHACL validation shape by shape")
    parser.add_argument("--out", type=Path, default=None, help="data directory to keep the release in")
    parser.add_argument("--cache", type=Path, default=None, help="folder of mapped reports to reuse and fill")
    args = parser.parse_args()
    profile = cProfile.Profile() if args.profile else None
    sampler = TreeMemory()
    if args.out is not None:
        result = timed_build(args.inputs, args.out, profile, args.cache)
    else:
        with tempfile.TemporaryDirectory(prefix="peelkg-profile-") as out:
            result = timed_build(args.inputs, Path(out), profile, args.cache)
    built = result.pop("built")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child this process waited for
    result["peak_rss_mb"] = round(max(own, child, sampler.peak), 1)
    result["peak_pss_tree_mb"] = sampler.peak  # every process of the build at once (the SHACL workers included)
    result["peak_pss_by_process_mb"] = sorted(sampler.at_peak.values(), reverse=True)
    result["peak_rss_parent_mb"], result["peak_rss_child_mb"] = round(own, 1), round(child, 1)
    for step, seconds in sorted(result["steps"].items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.2f} s  {step}")
    print(f"{result['seconds']:8.2f} s  total ({result['triples']} triples, peak RSS {result['peak_rss_mb']} MB)")
    if profile is not None:
        buffer = io.StringIO()
        pstats.Stats(profile, stream=buffer).sort_stats("cumulative").print_stats(args.profile)
        print(buffer.getvalue())
    if args.shacl:
        result["shacl_by_shape"] = shacl_by_shape(built)
        for shape, seconds, results in result["shacl_by_shape"]:
            print(f"{seconds:8.2f} s  {shape} ({results} focus nodes reported)")
        result["sparql_targets_on_oxigraph"] = sparql_targets_on_oxigraph(built)
        for shape, seconds, nodes in result["sparql_targets_on_oxigraph"]:
            print(f"{seconds:8.3f} s  {shape}: its SPARQL target on pyoxigraph ({nodes} nodes)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
