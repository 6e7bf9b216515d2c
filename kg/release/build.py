"""``peelkg build``: parse, map, link, validate, write a release — in one direction.

    inputs ─parse─▶ Report ─map─▶ named graphs ─validate─▶ release (store, dumps, manifest)

A violation or an unreadable input raises before anything is published.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg.errors import InputError
from kg.link.cycle_judgements import cycle_judgement_triples, cycle_judgements, reported_judgements
from kg.link.cycle_mapping import cycle_report_graph, cycle_report_triples
from kg.link.integrated_mapping import (
    INTEGRATED_CYCLE,
    integrated_report_graph,
    integrated_report_triples,
    question_pillar,
)
from kg.link.judgements import ForceIndex, JudgementFacts, Notice, merge_judgements
from kg.link.mapping import (
    ReportContext,
    force_triples,
    inspection_triples,
    judgement_triples,
    organisation_triples,
    publisher_triples,
    report_triples,
    unknown_question_triples,
)
from kg.link.partners import PartnerFinder, read_organisations
from kg.link.reference import read_forces, read_grades, read_report_metadata, read_wikidata
from kg.link.reference_coverage import LATER_GRADES_CSV, read_later_rows
from kg.link.themes import ThemeTagger
from kg.model import ForceRecord, Report, ReportMeta
from kg.namespaces import REFERENCE_GRAPH, VOCABULARY_GRAPH, report_graph, slugify
from kg.parse.limits import check_report_size
from kg.parse.parser import parse_file
from kg.release.artefacts import derivations
from kg.release.built import (
    FORCES_CSV,
    GRADES_CSV,
    ORGANISATIONS_CSV,
    REPORTS_CSV,
    WIKIDATA_CSV,
    Built,
    Inputs,
    Progress,
    _quiet,
)
from kg.release.catalogue_facts import PUBLISHER_CSV, read_publisher
from kg.release.stream import StoreDataset
from kg.release.units import UNITS_DIR, ReportUnit, UnitCache, slim, unit_key
from kg.resources import corpus_dir
from kg.vocab import Vocabulary

FIXED_STEPS = 8  # progress steps of a build besides one per report (for a progress bar's length)


# The reference tables an INPUT may replace, by file name, and the ``Inputs`` field each fills.
TABLES = {FORCES_CSV: "forces", GRADES_CSV: "grades", ORGANISATIONS_CSV: "organisations",
          WIKIDATA_CSV: "wikidata", PUBLISHER_CSV: "publisher"}


def collect_inputs(paths: Iterable[Path], *, add_to_corpus: bool = False) -> Inputs:
    """Sort command-line INPUTs into reports and reference tables; no INPUT = the bundled data.

    A folder contributes its ``*.txt`` reports and any reference CSV it holds; a ``.txt`` file
    is a report (its metadata is the ``reports.csv`` beside it); ``forces.csv``,
    ``peel_grades.csv``, ``organisations.csv``, ``wikidata.csv`` and ``publisher.csv`` replace the
    bundled tables (``TABLES``). The INPUT reports
    replace the bundled corpus, or with ``add_to_corpus`` join it (an INPUT report with the file
    name of a bundled one takes its place).
    """
    paths = list(paths)
    inputs = Inputs()
    if not paths:
        inputs.reports = sorted(corpus_dir().glob("*.txt"))
        return inputs
    for path in paths:
        if path.is_dir():
            inputs.reports.extend(sorted(path.glob("*.txt")))
            candidates = [path / name for name in TABLES]
            for candidate in (c for c in candidates if c.is_file()):
                _take_table(inputs, candidate)
        elif path.is_file() and path.suffix == ".txt":
            inputs.reports.append(path)
        elif path.is_file() and path.name in TABLES:
            _take_table(inputs, path)
        elif path.is_file() and path.name == REPORTS_CSV:
            continue  # read beside the reports
        elif not path.exists():
            raise InputError(str(path), None, "no such file or folder")
        else:
            raise InputError(str(path), None, "not a report (.txt), a reference table or a folder")
    bundled = Inputs()
    if inputs.forces != bundled.forces and inputs.wikidata == bundled.wikidata:
        beside = inputs.forces.parent / WIKIDATA_CSV  # the bundled ids belong to the bundled forces
        inputs.wikidata = beside if beside.is_file() else None
    if add_to_corpus:
        given = {p.name for p in inputs.reports}
        inputs.reports = [p for p in sorted(corpus_dir().glob("*.txt")) if p.name not in given] + inputs.reports
    return inputs


def _take_table(inputs: Inputs, path: Path) -> None:
    setattr(inputs, TABLES[path.name], path)


def _metadata_for(report_path: Path, cache: dict[Path, dict[str, ReportMeta]]) -> ReportMeta:
    meta_path = report_path.parent / REPORTS_CSV
    if meta_path not in cache:
        if not meta_path.is_file():
            raise InputError(str(report_path), None, f"no {REPORTS_CSV} beside it (source URL and dates)")
        cache[meta_path] = read_report_metadata(meta_path)
    meta = cache[meta_path].get(report_path.name)
    if meta is None:
        raise InputError(str(meta_path), None, f"no row for {report_path.name}")
    return meta


def _number_questions(
    report: Report, vocab: Vocabulary, graph: Graph, notices: list[Notice]
) -> list[tuple[int, URIRef]]:
    """Give each parsed question its number and IRI in the question scheme of its year (a 2018/19 report's:
    of its cycle, within each question's pillar)."""
    numbered: list[tuple[int, URIRef]] = []
    cycle = report.cycle if report.cycle == INTEGRATED_CYCLE else None
    core: Counter[str] = Counter()
    for at, question in enumerate(report.questions):
        pillar = question_pillar(report, at) or report.pillar_name
        known = (vocab.cycle_questions if cycle else vocab.questions).get((report.year, slugify(pillar)), [])
        if question.level == "headline":
            entry = known[0] if known and known[0].number == 0 else None
            number = 0
        else:
            core[pillar] += 1
            entry = vocab.find_question(report.year, pillar, question.heading, cycle=cycle is not None)
            number = entry.number if entry else core[pillar]
            if entry is None:
                notices.append(
                    Notice(
                        report.path,
                        question.line,
                        f"heading not in the {cycle or report.year} question set; numbered {number} by order",
                    )
                )
        if any(n == number and question_pillar(report, i) == question_pillar(report, at)
               for i, (n, _) in enumerate(numbered)):
            raise InputError(report.path, question.line, f"question {number} appears twice")
        if entry is None:
            iri = unknown_question_triples(graph, report.year, pillar, number, question.heading, cycle=cycle)
        else:
            iri = entry.iri
        numbered.append((number, iri))
    return numbered


def _map_integrated(path: Path, report: Report, meta: ReportMeta, force: ForceRecord, index: ForceIndex,
                    vocab: Vocabulary, tagger: ThemeTagger, partners: PartnerFinder) -> tuple[ReportUnit, Graph]:
    """Map a 2018/19 report (the integrated assessment, or one pillar's page of it) into the cycle's inspection."""
    said = (index.get(meta.force), meta.cycle or (INTEGRATED_CYCLE if meta.year == 2018 else None),
            meta.pillar or None)
    if said != (force, INTEGRATED_CYCLE, report.pillar):
        text_says = " ".join(filter(None, (report.force, INTEGRATED_CYCLE, report.pillar)))
        row_says = " ".join(filter(None, (meta.force, meta.cycle or str(meta.year), meta.pillar)))
        raise InputError(str(path), None, f"the text is {text_says}, but {REPORTS_CSV} says {row_says}")
    notices = [Notice(str(path), w.line, w.message) for w in report.warnings]
    for question in [q for q in report.questions if q.pillar is None and report.pillar is None]:
        notices.append(Notice(str(path), question.line, f"{question.heading!r} has no pillar; left out"))
    report.questions = [q for q in report.questions if q.pillar or report.pillar]
    page_pillar = slugify(report.pillar) if report.pillar else None
    graph = Graph(identifier=integrated_report_graph(force.police_uk_id, page_pillar))
    numbered = _number_questions(report, vocab, graph, notices)
    labels = [q.heading if (label := vocab.label(iri)) == str(iri) else label  # a minted question: its heading
              for q, (_n, iri) in zip(report.questions, numbered, strict=True)]
    ctx = ReportContext(force, meta.source_url, meta.published, numbered, tagger, partners)
    named = integrated_report_triples(graph, report, ctx, labels)
    return ReportUnit(str(path), graph.identifier, slim(report), meta.source_url, numbered, named,  # type: ignore[arg-type]
                      notices), graph


def _map_report(path: Path, meta: ReportMeta, index: ForceIndex, vocab: Vocabulary, tagger: ThemeTagger,
                partners: PartnerFinder, forces_file: Path) -> tuple[ReportUnit, Graph]:
    """Parse one report and map it into its own graph (nothing of other reports is read)."""
    report = parse_file(path, pillar=meta.pillar, source_url=meta.source_url)
    if report.kind == "overview":
        raise InputError(str(path), None, "a force overview page, not a report: add its pillar grades to "
                                          "peel_grades.csv instead")
    force = index.get(report.force)
    if force is None:
        raise InputError(str(path), None, f"force {report.force!r} is not in {forces_file.name}")
    if report.cycle == INTEGRATED_CYCLE:  # 2018/19: one inspection per force, by pillar and question
        return _map_integrated(path, report, meta, force, index, vocab, tagger, partners)
    if report.cycle is not None or meta.cycle is not None:  # 2021/22 on: areas of policing, no pillar
        if report.cycle is None or (index.get(meta.force), meta.cycle) != (force, report.cycle):
            raise InputError(str(path), None, f"the text is {report.force} {report.cycle}, but {REPORTS_CSV} "
                                              f"says {meta.force} {meta.cycle}")
        cycle_graph = Graph(identifier=cycle_report_graph(report.cycle, force.police_uk_id))
        named = cycle_report_triples(cycle_graph, report, force, meta.source_url, meta.published, tagger=tagger,
                                     partners=partners)
        warnings = [Notice(str(path), w.line, w.message) for w in report.warnings]
        return ReportUnit(str(path), cycle_graph.identifier, slim(report), meta.source_url, [], named,  # type: ignore[arg-type]
                          warnings), cycle_graph
    if (index.get(meta.force), meta.year, meta.pillar) != (force, report.year, report.pillar_name):
        raise InputError(
            str(path),
            None,
            f"the text is {report.force} {report.year} {report.pillar_name}, "
            f"but {REPORTS_CSV} says {meta.force} {meta.year} {meta.pillar}",
        )
    graph_iri = report_graph(report.year, force.police_uk_id, slugify(report.pillar_name))
    graph = Graph(identifier=graph_iri)
    notices: list[Notice] = []
    numbered = _number_questions(report, vocab, graph, notices)
    notices.extend(Notice(str(path), w.line, w.message) for w in report.warnings)
    ctx = ReportContext(force, meta.source_url, meta.published, numbered, tagger, partners)
    named = report_triples(graph, report, ctx)
    return ReportUnit(str(path), graph_iri, slim(report), meta.source_url, numbered, named, notices), graph


MAPPING_WORKERS = 4  # at most this many processes map reports (and never more than the machine's cores)
MAPPED_IN_PROCESS = 8  # this many reports to map, or fewer, are mapped in the build's own process


@dataclass(frozen=True)
class _Mapping:
    """What mapping a report reads besides the report: made once a process from the reference tables."""

    index: ForceIndex
    vocab: Vocabulary
    tagger: ThemeTagger
    partners: PartnerFinder
    forces_file: Path


def _mapping(inputs: Inputs) -> _Mapping:
    forces = read_forces(inputs.forces)
    if inputs.wikidata is not None:
        forces = read_wikidata(inputs.wikidata, forces)
    vocab = Vocabulary.load()
    return _Mapping(ForceIndex(forces), vocab, ThemeTagger(vocab.theme_labels, cues=vocab.theme_cues),
                    PartnerFinder(forces, read_organisations(inputs.organisations)), inputs.forces)


_worker_mapping: list[_Mapping] = []  # in a mapping worker: its one _Mapping, made by _start_mapper


def _start_mapper(inputs: Inputs) -> None:
    _worker_mapping[:] = [_mapping(inputs)]


def _map_into(cache: UnitCache, mapping: _Mapping, path: Path, meta: ReportMeta, key: str) -> ReportUnit:
    unit, graph = _map_report(path, meta, mapping.index, mapping.vocab, mapping.tagger, mapping.partners,
                              mapping.forces_file)
    return cache.put(key, unit, graph)


def _map_in_worker(folder: Path, path: Path, meta: ReportMeta, key: str) -> str:
    """Map one report into the unit cache at ``folder``; the build reads it back by ``key``."""
    _map_into(UnitCache(folder), _worker_mapping[0], path, meta, key)
    return key


def map_reports(keyed: list[tuple[Path, ReportMeta, str]], inputs: Inputs,
                cache: UnitCache) -> Iterator[tuple[Path, ReportUnit]]:
    """Each report's unit, in the order of ``keyed`` (path, metadata, cache key): read back from ``cache``, or
    parsed and mapped into it.  Many reports to map are mapped by a pool of worker processes, each a fresh
    interpreter (never a fork of a threaded server) with the reference tables read once; a report that
    cannot be mapped raises its ``InputError`` in input order, as if mapped here.  Decision 0319."""
    cached = {key: unit for _path, _meta, key in keyed if (unit := cache.get(key)) is not None}
    todo = [(path, meta, key) for path, meta, key in keyed if key not in cached]
    workers = min(MAPPING_WORKERS, os.cpu_count() or 1, len(todo))
    mapped: dict[str, Future[str]] = {}
    pool: ProcessPoolExecutor | None = None
    if len(todo) > MAPPED_IN_PROCESS and workers > 1:
        context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                              else "spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_mapper, initargs=(inputs,))
        mapped = {key: pool.submit(_map_in_worker, cache.folder, path, meta, key) for path, meta, key in todo}
    try:
        here: _Mapping | None = None
        for path, meta, key in keyed:
            if key in mapped:
                mapped[key].result()
            unit = cached.get(key) or (cache.get(key) if key in mapped else None)
            if unit is None:
                here = here or _mapping(inputs)
                unit = _map_into(cache, here, path, meta, key)
            yield path, unit
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def build_dataset(inputs: Inputs, progress: Progress = _quiet, *, cache: Path | None = None) -> Built:
    """Read every input and map it into a scratch store, report by report (not yet validated).

    With ``cache`` (a folder), reports whose inputs did not change since a build with the same
    cache are read back from it instead of parsed and mapped (see ``kg.release.units``).
    """
    progress("reading reference data")
    forces = read_forces(inputs.forces)
    if inputs.wikidata is not None:
        forces = read_wikidata(inputs.wikidata, forces)
    grades = read_grades(inputs.grades)
    organisations = read_organisations(inputs.organisations)
    read_publisher(inputs.publisher)  # checked before any work: the description states it (kg.release.void)
    vocab = Vocabulary.load()
    index = ForceIndex(forces)
    workdir = Path(tempfile.mkdtemp(prefix="peelkg-build-"))
    try:
        store = ox.Store()  # in memory: read many times over by the publish (decision 0319)
        units_cache = UnitCache(cache / UNITS_DIR if cache is not None else workdir / UNITS_DIR)
        notices: list[Notice] = []
        meta_cache: dict[Path, dict[str, ReportMeta]] = {}
        units: list[ReportUnit] = []
        tables = [inputs.forces, inputs.organisations, *([inputs.wikidata] if inputs.wikidata else [])]
        keyed: list[tuple[Path, ReportMeta, str]] = []
        for path in inputs.reports:
            meta = _metadata_for(path, meta_cache)
            check_report_size(path)
            keyed.append((path, meta, unit_key(path, meta, tables)))
        for path, unit in map_reports(keyed, inputs, units_cache):
            progress(f"parsing {path.name}")
            units.append(unit)
            notices.extend(unit.notices)
        # one load for every report: a load a report cost ~27 ms each (the store's set-up), ~4 ms in one
        store.bulk_extend(itertools.chain.from_iterable(
            ox.parse(path=str(u.quads_file), format=ox.RdfFormat.N_QUADS) for u in units))
        if cache is not None:
            units_cache.prune()
        dataset = StoreDataset(store)
        built = Built(dataset, notices, inputs, [u.report for u in units], store, workdir, units)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise

    progress("merging judgements")
    parsed = [(u.report, u.graph, u.source_url, u.numbered) for u in units
              if u.report.cycle is None]  # a later cycle's judgements are its report's own (kg.link.cycle_mapping)
    judgements, merge_notices = merge_judgements(parsed, grades, index, vocab, str(inputs.grades))
    notices.extend(merge_notices)
    later = inputs.grades.parent / LATER_GRADES_CSV  # the companion table of the later cycles, when there is one
    later_judgements, later_notices = cycle_judgements(
        read_later_rows(later) if later.is_file() else [], index, vocab,
        reported_judgements(((u.report, u.numbered) for u in units), index), str(later))
    notices.extend(later_notices)

    progress("mapping to RDF")
    dataset.graph(VOCABULARY_GRAPH).__iadd__(vocab.graph)
    reference = dataset.graph(REFERENCE_GRAPH)
    publisher_triples(reference)
    for force in forces:
        force_triples(reference, force)
    named: set[str] = set().union(*(u.partners for u in units))
    for org in organisations:
        if org.slug in named:
            organisation_triples(reference, org)
    by_id = {f.police_uk_id: f for f in forces}
    labels = {e.iri: e.label for entries in vocab.questions.values() for e in entries}
    for facts in judgements:
        target = _graph_of(dataset, facts, reference)
        inspection_triples(reference, facts.year, by_id[facts.force], facts.pillar)
        label = (
            f"{by_id[facts.force].short_name} {facts.year} {facts.pillar}: {labels.get(facts.question, facts.question)}"
        )
        judgement_triples(target, facts, label)
    cycle_judgement_triples(reference, later_judgements)
    for derive in derivations():
        progress(f"deriving {derive.__module__.rsplit('.', 1)[-1]}")
        derive(dataset)
    dataset.flush()
    return built


def _graph_of(dataset: Dataset, facts: JudgementFacts, reference: Graph) -> Graph:
    if facts.report is None:
        return reference
    return dataset.graph(report_graph(facts.year, facts.force, facts.pillar))
