"""The ``peelkg`` command (DESIGN.md, "CLI contract").

Errors print one readable line (file, line or parameter) to stderr and exit non-zero;
never a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import BadQuery, InputError, PeelError, ShapeViolation
from kg.formats import GRAPH, RESULTS, SPARQL_CSV, TURTLE, keys, of_kind

CLI_MAX_ROWS = 10**9  # `peelkg query` sends whole answers: a cap it never meets in practice
DATA_HELP = (
    "Data directory (as written by `peelkg build --out`) or one release folder. "
    "Default: $PEELKG_DATA_DIR, else $XDG_DATA_HOME/peelkg, else ~/.local/share/peelkg."
)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn domain errors into a message and an exit code (1 input, 2 usage, 3 validation)."""
    try:
        yield
    except ShapeViolation as exc:
        click.echo(exc.report, err=True)
        click.echo(f"error: {exc}; nothing was published", err=True)
        sys.exit(3)
    except BadQuery as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except PeelError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def _data_dir(value: Path | None) -> Path:
    from kg.release.layout import default_data_dir

    return value if value is not None else default_data_dir()


@click.group()
@click.version_option(__version__, prog_name="peelkg")
def main() -> None:
    """PEEL inspection findings as a knowledge graph and linked open data."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None, help=DATA_HELP)
@click.option("--quiet", is_flag=True, help="Print no progress.")
@click.option("--add", "corpus", flag_value="add", default=None,
              help="Build the INPUT reports together with the bundled corpus.")
@click.option("--replace", "corpus", flag_value="replace",
              help="Build the INPUT reports instead of the bundled corpus (what INPUT alone does, said explicitly).")
@click.option("--no-cache", is_flag=True, help="Parse and map every report again, ignoring DIR/cache.")
def build(inputs: tuple[Path, ...], out: Path | None, quiet: bool, corpus: str | None, no_cache: bool) -> None:
    """Parse, link, validate and publish a release (no INPUT: the bundled corpus and reference data)."""
    with reported_errors():
        if corpus is None and any(p.is_dir() or p.suffix == ".txt" for p in inputs):
            click.echo("note: the INPUT reports replace the bundled corpus; pass --add to build them with it, "
                       "or --replace to say so", err=True)
        release = run_build(list(inputs), _data_dir(out), quiet=quiet, add_to_corpus=corpus == "add",
                            cache=not no_cache)
        click.echo(
            f"published release {release.id} in {release.path} "
            f"({release.manifest['triples']} triples, {len(release.manifest['warnings'])} warnings)"
        )


def run_build(
    inputs: list[Path], out: Path, *, quiet: bool = False, add_to_corpus: bool = False, cache: bool = True
) -> Any:
    """Build and publish; a progress bar on stderr counts the build's steps.

    Mapped reports are kept in ``out/cache`` and reused when their inputs did not change (``kg.release.units``).
    """
    from kg.release.exhaustion import reported_exhaustion

    with reported_exhaustion(out):  # out of memory or of disk space: one line, nothing published
        return _build_and_publish(inputs, out, quiet=quiet, add_to_corpus=add_to_corpus, cache=cache)


def _build_and_publish(inputs: list[Path], out: Path, *, quiet: bool, add_to_corpus: bool, cache: bool) -> Any:
    from kg.release.build import FIXED_STEPS, build_dataset, collect_inputs
    from kg.release.publish import publish
    from kg.release.units import CACHE_DIR

    collected = collect_inputs(inputs, add_to_corpus=add_to_corpus)
    cache_dir = out / CACHE_DIR if cache else None
    if quiet:
        built = build_dataset(collected, cache=cache_dir)
        return publish(built, out)[0]
    total = FIXED_STEPS + len(collected.reports)
    with click.progressbar(
        length=total, label="building", file=sys.stderr, show_pos=True, item_show_func=lambda step: step
    ) as bar:

        def progress(step: str) -> None:
            bar.update(1, step)

        built = build_dataset(collected, progress, cache=cache_dir)
        release, outcome = publish(built, out, progress)
    for notice in built.notices:
        click.echo(f"warning: {notice}", err=True)
    click.echo(f"SHACL: conforms ({outcome.warnings} warning(s))", err=True)
    return release


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def parse(file: Path) -> None:
    """Print the parsed report FILE as JSON."""
    from kg.parse.parser import parse_file

    with reported_errors():
        click.echo(json.dumps(parse_file(file).to_json(), indent=2, ensure_ascii=False))


@main.command()
@click.option("--grades", type=click.Path(path_type=Path), default=None,
              help="A peel_grades.csv (default: the bundled one); its peel_grades_later.csv beside it is read too.")
def reference(grades: Path | None) -> None:
    """Print the reference grades' coverage per PEEL cycle: rows, forces and sources."""
    from kg.link.reference_coverage import coverage, coverage_table, read_grade_rows
    from kg.resources import reference_dir

    with reported_errors():
        path = grades if grades is not None else reference_dir() / "peel_grades.csv"
        click.echo(coverage_table(coverage(read_grade_rows(path, path.parent / "peel_grades_later.csv"))))


@main.command()
@click.argument("data", required=False, type=click.Path(path_type=Path))
def validate(data: Path | None) -> None:
    """SHACL-validate a release and print the report."""
    from kg.release.layout import open_release
    from kg.release.partitioned import report_graphs, validate_store
    from kg.store.local import open_store

    with reported_errors():
        release = open_release(_data_dir(data))
        store = open_store(release.store_path).oxigraph
        outcome = validate_store(store, report_graphs(store))  # in parts, as the build validates
        click.echo(outcome.report_text)
        if not outcome.conforms:
            raise ShapeViolation(outcome.report_text, outcome.violations)


@main.command()
@click.argument("query_or_name")
@click.option("--data", type=click.Path(path_type=Path), default=None, help=DATA_HELP)
@click.option("--param", "params", multiple=True, metavar="K=V", help="A canned query's parameter, e.g. force=norfolk.")
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(keys(of_kind(RESULTS, GRAPH))),
    help="Output format (default: csv for rows, ttl for graphs; csv cells a spreadsheet would run as a formula "
    "get a leading ', as in the CSV downloads).",
)
def query(query_or_name: str, data: Path | None, params: tuple[str, ...], fmt: str | None) -> None:
    """Run SPARQL text (or @FILE) or a canned query by name, as the endpoint runs it (the same guard and writers)."""
    from kg.query.canned import NAME, get_query, load_queries
    from kg.query.execute import GRAPH_FORMS
    from kg.query.guard import Limits
    from kg.query.service import QueryService
    from kg.release.layout import open_release
    from kg.store.local import open_store

    with reported_errors():
        values = _params(params)
        queries = load_queries()
        if NAME.match(query_or_name):
            text = get_query(query_or_name, queries).bind(values)
        else:
            if values:
                raise BadQuery("--param applies to canned queries only")
            text = (
                Path(query_or_name[1:]).read_text(encoding="utf-8") if query_or_name.startswith("@") else query_or_name
            )
        release = open_release(_data_dir(data))
        # In this process, without a row cap or a cache: the user owns the process and the data.
        service = QueryService(open_store(release.store_path), release.id, limits=Limits(), max_rows=CLI_MAX_ROWS,
                               timeout=math.inf, workers=0, memory_mb=0, cache_bytes=0, in_process=True)
        try:
            info = service.check(text)
            chosen = fmt or (TURTLE.key if info.form in GRAPH_FORMS else SPARQL_CSV.key)
            answer = service.complete(text, info, chosen)
        finally:
            service.close()
        sys.stdout.buffer.write(answer.body)  # a CSV answer comes defused (kg.query.csv_cells)


def _params(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadQuery(f"--param {item!r} is not of the form name=value")
        values[key.strip()] = value
    return values


@main.command()
@click.option("--data", type=click.Path(path_type=Path), default=None, help=DATA_HELP)
@click.option("--endpoint", required=True, help="The store's SPARQL 1.1 query URL (e.g. http://host:7878/query).")
@click.option("--graph-store", default=None,
              help="The store's Graph Store Protocol URL (default: the endpoint's …/query replaced by …/store).")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait for each request.")
@click.option("--quiet", is_flag=True, help="Print no progress.")
def push(data: Path | None, endpoint: str, graph_store: str | None, timeout: float, quiet: bool) -> None:
    """Load a release into a SPARQL store: one Graph Store Protocol PUT per named graph."""
    from kg.release.layout import open_release
    from kg.release.push import push as push_release

    with reported_errors():
        release = open_release(_data_dir(data))
        outcome = push_release(release, endpoint, graph_store=graph_store, timeout=timeout,
                               progress=_quiet_step if quiet else _echo_step)
        click.echo(f"pushed release {release.id}: {outcome.graphs} graphs, {outcome.quads} statements"
                   + (f"; removed {len(outcome.removed)} stale graph(s)" if outcome.removed else ""))
        if not outcome.union_default_graph:
            click.echo("warning: the store's default graph is not the union of its named graphs; peelkg serve --store "
                       "needs it (Oxigraph: --union-default-graph)", err=True)


def _echo_step(step: str) -> None:
    click.echo(f"  {step}", err=True)


def _quiet_step(_step: str) -> None:
    return None


if __name__ == "__main__":  # pragma: no cover
    main()
