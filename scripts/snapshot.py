"""Snapshot what a release serves, to compare two versions of the code on the same inputs.

    python scripts/snapshot.py DATA_DIR OUT_DIR       # write every answer below OUT_DIR
    python scripts/snapshot.py --compare OUT_A OUT_B  # list the answers that differ

It asks the app (through Flask's test client, no server) for every page in the sitemap in HTML and
Turtle, every canned query in each of its formats, a few SPARQL queries, the service description,
the dataset description and every download, and writes each body to a file named after its URL.
Release identifiers and build times are replaced by placeholders first, so two builds of the
same inputs compare equal when they publish the same thing.  A refactoring that changes no
behaviour leaves ``--compare`` silent.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

SPARQL = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), 'norfolk')) }",
)
FIXED = ("/", "/forces", "/themes", "/analytics", "/dataset", "/.well-known/void", "/download/", "/def/peel",
         "/def/shapes", "/validation", "/queries/", "/sparql", "/search?q=domestic+abuse", "/reconcile",
         "/robots.txt", "/sitemap.xml", "/does-not-exist")
VOLATILE = (
    re.compile(rb"\d{8}T\d{6}(?:\.?\d+)?Z?(?:-[0-9a-f]{4,})?"),  # release identifiers
    re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?"),  # build times
    re.compile(rb'(?:W/)?"[0-9a-f]{16,}"'),  # ETags
)


# A snapshot taken before release identifiers gained their microseconds kept those digits after the placeholder.
_OLD_PLACEHOLDER = re.compile(rb"<volatile>\d+Z")


def normalise(body: bytes) -> bytes:
    for pattern in VOLATILE:
        body = pattern.sub(b"<volatile>", body)
    return _OLD_PLACEHOLDER.sub(b"<volatile>", body)


def file_name(url: str) -> str:
    name = quote(url, safe="")
    return name if len(name) < 150 else name[:100] + hashlib.sha256(name.encode()).hexdigest()[:16]


def snapshot(data_dir: Path, out: Path) -> int:
    from web.serve import build_app
    from web.settings import Settings

    client = build_app(Settings.from_env(data_dir=data_dir)).test_client()
    urls: list[tuple[str, str]] = [(u, "text/html") for u in FIXED]
    sitemap = client.get("/sitemap.xml").get_data()
    for loc in re.findall(rb"<loc>([^<]+)</loc>", sitemap):
        path = urlsplit(loc.decode()).path
        urls += [(path, "text/html"), (path, "text/turtle")]
    for href in re.findall(rb'href="(/queries/[\w-]+)"', client.get("/queries/").get_data()):
        for suffix in ("", ".json", ".csv", ".rq"):
            urls.append((href.decode() + suffix, "text/html"))
    for href in re.findall(rb'href="(/download/[^"/]+)"', client.get("/download/").get_data()):
        urls.append((href.decode(), "*/*"))
    for query in SPARQL:
        for accept in ("application/sparql-results+json", "text/csv", "text/turtle"):
            urls.append(("/sparql?query=" + quote(query), accept))
    out.mkdir(parents=True, exist_ok=True)
    for url, accept in dict.fromkeys(urls):
        response = client.get(url, headers={"Accept": accept})
        head = f"{response.status_code} {response.headers.get('Content-Type', '')}\n".encode()
        (out / (file_name(url) + "." + accept.replace("/", "_").replace("*", "any"))).write_bytes(
            head + normalise(response.get_data())
        )
    return len(urls)


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [n for n in names if not (a / n).is_file() or not (b / n).is_file()
              or normalise((a / n).read_bytes()) != normalise((b / n).read_bytes())]
    for name in differ:
        print(name)
    print(f"{len(names) - len(differ)} of {len(names)} answers equal", file=sys.stderr)
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="compare two snapshot folders")
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.compare:
        return compare(args.first, args.second)
    print(f"{snapshot(args.first, args.second)} answers written to {args.second}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
