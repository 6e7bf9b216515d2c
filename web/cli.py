"""The ``peelkg`` console script: the domain commands of ``kg.cli`` plus ``serve``.

``serve`` lives here because it starts the web application; ``kg`` never imports ``web``.
"""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DATA_HELP, _data_dir, main, reported_errors, run_build
from kg.release.layout import exists


@main.command()
@click.option("--data", type=click.Path(path_type=Path), default=None, help=DATA_HELP)
@click.option("--host", default=None, help="Address to listen on (default: the `host` setting, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default: the `port` setting, 5000).")
@click.option("--workers", default=None, type=int, help="Web worker processes (default: the `workers` setting).")
@click.option(
    "--store", "store_url", default=None, help="Query a remote SPARQL 1.1 endpoint instead of the embedded store."
)
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger (never in production).")
def serve(
    data: Path | None, host: str | None, port: int | None, workers: int | None, store_url: str | None, debug: bool
) -> None:
    """Serve a release (building the bundled one first if there is none)."""
    from web.serve import run

    with reported_errors():
        data_dir = _data_dir(data)
        if data is None and not exists(data_dir):
            click.echo(f"no release in {data_dir}: building the bundled data first", err=True)
            run_build([], data_dir)
        run(data_dir, host=host, port=port, workers=workers, store_url=store_url, debug=debug)


__all__ = ["main"]
